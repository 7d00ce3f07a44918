// The non-template half of the queries (declared in include/cbapi/query.hpp): building a QuerySpec, counting, and the
// list fetch, filter and sort of SimpleQuery.
#include "cbapi/query.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include <fmt/format.h>

#include "cbapi/connection.hpp"

namespace cbapi::detail {

void add_clause(QuerySpec& spec, std::string clause) {
    if (spec.raw) throw ApiError("Cannot call .where() on a raw query");
    spec.clauses.push_back(std::move(clause));
}

void set_sort(QuerySpec& spec, const std::string& expression) {
    auto trimmed = std::string_view(expression);
    while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) trimmed.remove_prefix(1);
    while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) trimmed.remove_suffix(1);
    spec.sort = std::string(trimmed);
}

void set_batch_size(QuerySpec& spec, std::size_t rows) {
    if (rows == 0) throw ApiError("batch_size must be at least 1");
    spec.batch_size = rows;
}

void set_prefetch(QuerySpec& spec, bool on) {
    if (!on) {
        spec.lookahead = 0;
    } else if (spec.lookahead == 0) {
        spec.lookahead = QuerySpec::default_lookahead;
        spec.adaptive = true;
    }
}

void set_parallel(QuerySpec& spec, std::size_t pages) {
    if (pages == 0) throw ApiError("parallel() needs at least 1 page");
    spec.lookahead = pages;
    spec.adaptive = false;
}

void set_max_parallel(QuerySpec& spec, std::size_t pages) {
    if (pages == 0) throw ApiError("max_parallel() needs at least 1 page");
    spec.lookahead = pages;
    spec.adaptive = true;
}

void set_param(QuerySpec& spec, const std::string& key, std::string value) {
    auto& extra = spec.extra;
    extra.erase(std::remove_if(extra.begin(), extra.end(), [&](const auto& kv) { return kv.first == key; }), extra.end());
    extra.emplace_back(key, std::move(value));
}

void set_raw(QuerySpec& spec, QueryParams params) {
    // A console link keeps its order unless sort() is called afterwards.
    for (const auto& [key, value] : params)
        if (key == "sort") spec.sort = value;
    spec.raw = std::move(params);
    spec.clauses.clear();
}

std::size_t query_size(const ApiHandle& api, const std::string& path, const PagingStrategy& paging,
                       const QuerySpec& spec, CountCache& count) {
    if (auto cached = count.get()) return *cached;
    const auto body = api->connection.get_json(path, paging.count_params(spec), nlohmann::json::object());
    const std::size_t n = paging.parse_count(body);
    count.set(n);
    return n;
}

std::string describe_query(const QuerySpec& spec) {
    if (spec.raw) return "raw query";
    return fmt::format("'{}'", fmt::join(spec.clauses, " "));
}

void throw_no_result(const std::string& description) {
    throw MoreThanOneResultError("0 results for query " + description);
}

void throw_several_results(std::size_t results, const std::string& description) {
    throw MoreThanOneResultError(std::to_string(results) + " results found for query " + description);
}

std::pair<std::string, std::string> parse_filter(const std::string& clause) {
    const auto colon = clause.find(':');
    if (colon == std::string::npos || colon == 0)
        throw ApiError("A where clause must look like 'field:value', got '" + clause + "'");
    return {clause.substr(0, colon), clause.substr(colon + 1)};
}

namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::optional<std::string> text_of(const nlohmann::json& doc, const std::string& field) {
    const auto it = doc.find(field);
    if (it == doc.end() || it->is_null()) return std::nullopt;
    if (it->is_string()) return it->get<std::string>();
    return it->dump();
}

}  // namespace

std::pair<std::string, bool> parse_simple_sort(const std::string& expression) {
    std::string field = expression;
    bool descending = false;
    const auto space = field.find(' ');
    if (space != std::string::npos) {
        const std::string order = lower(field.substr(space + 1));
        if (order != "asc" && order != "desc") throw ApiError("Sort order must be 'asc' or 'desc', got '" + order + "'");
        descending = order == "desc";
        field.resize(space);
    }
    if (field.empty()) throw ApiError("sort() needs a field name");
    return {field, descending};
}

std::vector<nlohmann::json> list_documents(const ApiHandle& api, const std::string& list_path, const ModelInfo& info,
                                           const std::vector<std::pair<std::string, std::string>>& filters,
                                           const std::string& sort_field, bool descending) {
    auto body = api->connection.get_json(list_path, {}, nlohmann::json::array());
    if (info.list_unwrap) body = info.list_unwrap(std::move(body));
    if (!body.is_array())
        throw ServerError(200, "Expected a JSON array from " + list_path + ", got " + std::string(body.type_name()));
    std::vector<nlohmann::json> out;
    for (auto& doc : body) {
        if (!doc.is_object()) throw ServerError(200, "Expected JSON objects in the list from " + list_path);
        bool keep = true;
        for (const auto& [field, value] : filters) {
            const auto text = text_of(doc, field);
            if (!text || lower(*text) != lower(value)) {
                keep = false;
                break;
            }
        }
        if (keep) out.push_back(std::move(doc));
    }
    if (!sort_field.empty()) {
        std::stable_sort(out.begin(), out.end(), [&](const nlohmann::json& da, const nlohmann::json& db) {
            const nlohmann::json va = da.contains(sort_field) ? da.at(sort_field) : nlohmann::json();
            const nlohmann::json vb = db.contains(sort_field) ? db.at(sort_field) : nlohmann::json();
            return descending ? vb < va : va < vb;
        });
    }
    return out;
}

std::string describe_filters(const std::vector<std::pair<std::string, std::string>>& filters) {
    std::vector<std::string> parts;
    for (const auto& [f, v] : filters) parts.push_back(f + ":" + v);
    return "'" + fmt::format("{}", fmt::join(parts, " ")) + "'";
}

}  // namespace cbapi::detail
