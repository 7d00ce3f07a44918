// The Cb Response paging strategy (include/cbapi/response/paging.hpp).

#include "cbapi/response/paging.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cbapi/detail/page_cursor.hpp"
#include "cbapi/errors.hpp"

namespace cbapi::response {

namespace {

std::string joined(const QuerySpec& spec) { return fmt::format("{}", fmt::join(spec.clauses, " ")); }

// Counts and facets send `q` only for a non-empty query, as cbapi-python does.
void add_query_if_any(QueryParams& params, const QuerySpec& spec) {
    if (spec.raw) return;
    std::string q = joined(spec);
    if (!q.empty()) params.emplace_back("q", std::move(q));
}

void erase(QueryParams& params, const std::string& key) {
    params.erase(std::remove_if(params.begin(), params.end(), [&](const auto& kv) { return kv.first == key; }),
                 params.end());
}

void set(QueryParams& params, const std::string& key, std::string value) {
    erase(params, key);
    params.emplace_back(key, std::move(value));
}

}  // namespace

QueryParams ResponsePaging::page_params(const QuerySpec& spec, std::size_t start, std::size_t rows) const {
    QueryParams params = base(spec);
    if (!spec.raw) params.emplace_back("q", joined(spec));  // `q=` even when empty, as the console does
    if (!spec.sort.empty()) set(params, "sort", spec.sort);
    set(params, "rows", std::to_string(rows));
    set(params, "start", std::to_string(start));
    return params;
}

QueryParams ResponsePaging::count_params(const QuerySpec& spec) const {
    QueryParams params = base(spec);
    add_query_if_any(params, spec);
    erase(params, "sort");
    set(params, "rows", "0");
    set(params, "start", "0");
    return params;
}

Page ResponsePaging::parse_page(nlohmann::json body) const {
    if (!body.is_object())
        throw ServerError(200, "Expected a search result object, got " + std::string(body.type_name()));
    Page page;
    page.total = parse_count(body);
    if (const auto it = body.find("start"); it != body.end() && it->is_number_unsigned())
        page.start = it->get<std::size_t>();
    page.items = cbapi::detail::take_field_items(body, "results");
    return page;
}

std::size_t ResponsePaging::parse_count(const nlohmann::json& body) const {
    return cbapi::detail::count_field(body, "total_results");
}

QueryParams ResponsePaging::facet_params(const QuerySpec& spec, const std::vector<std::string>& fields) const {
    QueryParams params = base(spec);
    set(params, "facet", "true");
    add_query_if_any(params, spec);
    erase(params, "sort");
    set(params, "rows", "0");
    set(params, "start", "0");
    for (const auto& f : fields) params.emplace_back("facet.field", f);
    return params;
}

QueryParams ResponsePaging::link_params(const QuerySpec& spec) const {
    if (spec.raw) return *spec.raw;
    QueryParams params{{"cb.urlver", "1"}};
    if (facet_false_) params.emplace_back("facet", "false");
    for (const auto& kv : spec.extra) set(params, kv.first, kv.second);
    params.emplace_back("q", joined(spec));
    return params;
}

QueryParams ResponsePaging::base(const QuerySpec& spec) const {
    if (spec.raw) return *spec.raw;
    QueryParams params{{"cb.urlver", "1"}};
    if (facet_false_) params.emplace_back("facet", "false");
    for (auto& kv : automatic_params()) set(params, kv.first, std::move(kv.second));
    for (const auto& kv : spec.extra) set(params, kv.first, kv.second);
    return params;
}

}  // namespace cbapi::response
