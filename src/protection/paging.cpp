// The Cb Protection paging strategy (include/cbapi/protection/paging.hpp).

#include "cbapi/protection/paging.hpp"

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/detail/page_cursor.hpp"
#include "cbapi/errors.hpp"

namespace cbapi::protection {

QueryParams ProtectionPaging::page_params(const QuerySpec& spec, std::size_t start, std::size_t rows) const {
    QueryParams params = base(spec);
    if (!spec.sort.empty()) params.emplace_back("sort", spec.sort);
    params.emplace_back("offset", std::to_string(start));
    params.emplace_back("limit", std::to_string(rows == 0 ? 1 : rows));
    return params;
}

QueryParams ProtectionPaging::count_params(const QuerySpec& spec) const {
    QueryParams params = base(spec);
    params.emplace_back("limit", "-1");
    return params;
}

Page ProtectionPaging::parse_page(nlohmann::json body) const {
    Page page;
    if (body.is_null()) return page;
    // An empty JSON object is what Connection::get_json gives for a 204 reply.
    if (body.is_object() && body.empty()) return page;
    if (!body.is_array())
        throw ServerError(200, "Expected a JSON array of results, got " + std::string(body.type_name()));
    page.items = cbapi::detail::take_items(body, "Expected JSON objects in the results");
    return page;
}

std::size_t ProtectionPaging::parse_count(const nlohmann::json& body) const {
    if (!body.is_object())
        throw ServerError(200, "Expected a JSON object with a count, got " + std::string(body.type_name()));
    return cbapi::detail::count_field(body, "count");
}

QueryParams ProtectionPaging::base(const QuerySpec& spec) {
    QueryParams params = spec.raw ? *spec.raw : QueryParams{};
    if (!spec.raw)
        for (const auto& clause : spec.clauses) params.emplace_back("q", clause);
    for (const auto& kv : spec.extra) params.push_back(kv);
    return params;
}

}  // namespace cbapi::protection
