// The Cb Defense paging strategy and filter clauses (include/cbapi/defense/paging.hpp).

#include "cbapi/defense/paging.hpp"

#include <cstddef>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/page_cursor.hpp"
#include "cbapi/errors.hpp"

namespace cbapi::defense {

std::pair<std::string, std::string> split_clause(const std::string& clause) {
    const auto colon = clause.find(':');
    if (colon == std::string::npos || colon == 0)
        throw ApiError("A Cb Defense filter must look like 'key:value', got '" + clause + "'");
    return {clause.substr(0, colon), clause.substr(colon + 1)};
}

void check_clauses(const std::vector<std::string>& clauses) {
    std::set<std::string> keys;
    for (const auto& clause : clauses) {
        const auto key = split_clause(clause).first;
        if (!keys.insert(key).second)
            throw ApiError("Filter '" + key +
                           "' is given twice; Cb Defense accepts one value per filter (the server would only see "
                           "one of them)");
    }
}

QueryParams DefensePaging::page_params(const QuerySpec& spec, std::size_t start, std::size_t rows) const {
    QueryParams params = filters(spec);
    params.emplace_back("rows", std::to_string(rows));
    if (start != 0) params.emplace_back("start", std::to_string(start + 1));
    return params;
}

QueryParams DefensePaging::count_params(const QuerySpec& spec) const {
    QueryParams params = filters(spec);
    params.emplace_back("rows", "1");
    return params;
}

Page DefensePaging::parse_page(nlohmann::json body) const {
    check_reply(body);
    Page page;
    page.total = parse_count(body);
    page.items = cbapi::detail::take_field_items(body, "results", "Expected the items of 'results' to be objects");
    return page;
}

std::size_t DefensePaging::parse_count(const nlohmann::json& body) const {
    check_reply(body);
    return cbapi::detail::count_field(body, "totalResults");
}

void DefensePaging::check_reply(const nlohmann::json& body) {
    if (!body.is_object())
        throw ServerError(200, "Expected a JSON object from Cb Defense, got " + std::string(body.type_name()));
    const auto success = body.find("success");
    if (success != body.end() && success->is_boolean() && !success->get<bool>()) {
        const auto message = body.find("message");
        throw ServerError(200, message != body.end() && message->is_string() ? message->get<std::string>()
                                                                             : std::string("success: false"));
    }
}

QueryParams DefensePaging::filters(const QuerySpec& spec) {
    check_clauses(spec.clauses);
    QueryParams params;
    for (const auto& clause : spec.clauses) params.push_back(split_clause(clause));
    return params;
}

}  // namespace cbapi::defense
