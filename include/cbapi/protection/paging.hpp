#pragma once
/// @file
/// The Cb Protection paging strategy: one `q=` parameter per clause, `offset`/`limit` pages, `sort`, and counts
/// through `limit=-1` → `{"count": N}`.

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/detail/page_cursor.hpp"
#include "cbapi/errors.hpp"

namespace cbapi::protection {

/// How Cb Protection asks for a page of results and reads it back.
///
/// cbapi-python 1.3.2 sends `limit=<start + rows>` and continues at `offset = <last consumed> + 1`, which
/// over-fetches and skips one record at every page boundary (record 1000 of a 1000-per-page walk is never
/// returned). Here every page asks for `offset=<start>&limit=<rows>` and the next page starts right after the last
/// record received, so every record comes back exactly once.
class ProtectionPaging final : public PagingStrategy {
public:
    /// Parameters of the page of `rows` records from 0-based position `start`.
    /// @param spec the query (clauses, sort, extra parameters)
    /// @param start the offset of the page
    /// @param rows the number of records asked for (at least 1: `limit=0` would mean "everything" to the server)
    /// @return `q` (one per clause), `sort` (when set), `offset`, `limit` and the extra parameters
    QueryParams page_params(const QuerySpec& spec, std::size_t start, std::size_t rows) const override {
        QueryParams params = base(spec);
        if (!spec.sort.empty()) params.emplace_back("sort", spec.sort);
        params.emplace_back("offset", std::to_string(start));
        params.emplace_back("limit", std::to_string(rows == 0 ? 1 : rows));
        return params;
    }

    /// Parameters of a counting request: the clauses and `limit=-1` (no sort, no offset).
    /// @param spec the query
    /// @return the parameters
    QueryParams count_params(const QuerySpec& spec) const override {
        QueryParams params = base(spec);
        params.emplace_back("limit", "-1");
        return params;
    }

    /// Reads a page: a JSON array of documents (null or 204 = empty).
    /// @param body the parsed reply
    /// @return the page (Protection replies carry no total)
    /// @throws ServerError when the reply is not an array of objects
    Page parse_page(nlohmann::json body) const override {
        Page page;
        if (body.is_null()) return page;
        // An empty JSON object is what Connection::get_json gives for a 204 reply.
        if (body.is_object() && body.empty()) return page;
        if (!body.is_array())
            throw ServerError(200, "Expected a JSON array of results, got " + std::string(body.type_name()));
        page.items = cbapi::detail::take_items(body, "Expected JSON objects in the results");
        return page;
    }

    /// Reads a count reply `{"count": N}` (a missing or null count is 0, as in cbapi-python).
    /// @param body the parsed reply
    /// @return the count
    /// @throws ServerError when the reply is not an object or the count is not a non-negative integer
    std::size_t parse_count(const nlohmann::json& body) const override {
        if (!body.is_object())
            throw ServerError(200, "Expected a JSON object with a count, got " + std::string(body.type_name()));
        return cbapi::detail::count_field(body, "count");
    }

private:
    static QueryParams base(const QuerySpec& spec) {
        QueryParams params = spec.raw ? *spec.raw : QueryParams{};
        if (!spec.raw)
            for (const auto& clause : spec.clauses) params.emplace_back("q", clause);
        for (const auto& kv : spec.extra) params.push_back(kv);
        return params;
    }
};

}  // namespace cbapi::protection
