#pragma once
/// @file
/// The Cb Response paging strategy: `start`/`rows`/`total_results`, clauses joined into `q`, `cb.urlver=1`, and
/// `facet=false` from server 5.1.1 on.

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "cbapi/detail/page_cursor.hpp"
#include "cbapi/errors.hpp"

namespace cbapi::response {

/// How Cb Response asks for a page of search results and reads it back. Model-specific strategies (ProcessQuery's)
/// derive from it.
class ResponsePaging : public PagingStrategy {
public:
    /// @param send_facet_false add `facet=false` (servers 5.1.1 and later; 5.1.0 answered 504 to it)
    explicit ResponsePaging(bool send_facet_false) : facet_false_(send_facet_false) {}

    QueryParams page_params(const QuerySpec& spec, std::size_t start, std::size_t rows) const override {
        QueryParams params = base(spec);
        if (!spec.raw) params.emplace_back("q", joined(spec));  // `q=` even when empty, as the console does
        if (!spec.sort.empty()) set(params, "sort", spec.sort);
        set(params, "rows", std::to_string(rows));
        set(params, "start", std::to_string(start));
        return params;
    }

    QueryParams count_params(const QuerySpec& spec) const override {
        QueryParams params = base(spec);
        add_query_if_any(params, spec);
        erase(params, "sort");
        set(params, "rows", "0");
        set(params, "start", "0");
        return params;
    }

    Page parse_page(nlohmann::json body) const override {
        if (!body.is_object()) throw ServerError(200, "Expected a search result object, got " + std::string(body.type_name()));
        Page page;
        page.total = parse_count(body);
        if (const auto it = body.find("start"); it != body.end() && it->is_number_unsigned())
            page.start = it->get<std::size_t>();
        page.items = cbapi::detail::take_field_items(body, "results");
        return page;
    }

    std::size_t parse_count(const nlohmann::json& body) const override {
        return cbapi::detail::count_field(body, "total_results");
    }

    /// The parameters of a facet request for `fields`.
    QueryParams facet_params(const QuerySpec& spec, const std::vector<std::string>& fields) const {
        QueryParams params = base(spec);
        set(params, "facet", "true");
        add_query_if_any(params, spec);
        erase(params, "sort");
        set(params, "rows", "0");
        set(params, "start", "0");
        for (const auto& f : fields) params.emplace_back("facet.field", f);
        return params;
    }

private:
    QueryParams base(const QuerySpec& spec) const {
        if (spec.raw) return *spec.raw;
        QueryParams params{{"cb.urlver", "1"}};
        if (facet_false_) params.emplace_back("facet", "false");
        for (const auto& kv : spec.extra) set(params, kv.first, kv.second);
        return params;
    }
    // Counts and facets send `q` only for a non-empty query, as cbapi-python does.
    static void add_query_if_any(QueryParams& params, const QuerySpec& spec) {
        if (spec.raw) return;
        std::string q = joined(spec);
        if (!q.empty()) params.emplace_back("q", std::move(q));
    }
    static std::string joined(const QuerySpec& spec) { return fmt::format("{}", fmt::join(spec.clauses, " ")); }
    static void erase(QueryParams& params, const std::string& key) {
        params.erase(std::remove_if(params.begin(), params.end(), [&](const auto& kv) { return kv.first == key; }),
                     params.end());
    }
    static void set(QueryParams& params, const std::string& key, std::string value) {
        erase(params, key);
        params.emplace_back(key, std::move(value));
    }

    bool facet_false_;
};

}  // namespace cbapi::response
