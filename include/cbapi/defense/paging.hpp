#pragma once
/// @file
/// The Cb Defense paging strategy: `where("key:value")` clauses become plain `key=value` parameters, pages are asked
/// for with the 1-based `start` and `rows`, and replies carry `results` and `totalResults`.

#include "cbapi/fwd.hpp"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/page_cursor.hpp"

namespace cbapi::defense {

/// Splits a Cb Defense filter clause "key:value" at its first ':'.
/// @param clause e.g. "hostNameExact:WIN-IA9NQ1GN8OI" (the value may itself contain ':')
/// @return the key and the value
/// @throws ApiError when the clause has no ':' or an empty key
std::pair<std::string, std::string> split_clause(const std::string& clause);

/// Throws when `clauses` name one key twice. cbapi-python sends only the last value of a repeated key (silently
/// dropping a filter the caller asked for); here it is a clear error.
/// @param clauses the "key:value" filters of a query
/// @throws ApiError "Filter 'k' is given twice ..." or the errors of split_clause()
void check_clauses(const std::vector<std::string>& clauses);

/// How Cb Defense asks for a page of results and reads it back. Stateless and thread-safe.
///
/// Positions handed in by the paging engine are 0-based; the server's `start` is 1-based. cbapi-python sends a
/// slice's start unadjusted (`q[5:10]` asks for `start=5`, one row too early); this strategy sends
/// `start = position + 1`, so a slice returns exactly the rows asked for. The first page omits `start` (the server's
/// default, 1), as cbapi-python does.
class DefensePaging final : public PagingStrategy {
public:
    /// Parameters of the page of `rows` items from 0-based position `start`.
    /// @param spec the query @param start 0-based position @param rows page size
    /// @return the filters, `rows`, and `start` (1-based) unless the page is the first
    /// @throws ApiError for a malformed or repeated filter
    QueryParams page_params(const QuerySpec& spec, std::size_t start, std::size_t rows) const override;

    /// Parameters of a count: the filters and `rows=1`. (cbapi-python sends `limit=0`, which is no Cb Defense
    /// parameter, so the server answered with a whole default page just to report `totalResults`.)
    /// @param spec the query @return the parameters
    /// @throws ApiError for a malformed or repeated filter
    QueryParams count_params(const QuerySpec& spec) const override;

    /// Reads `{"results": [...], "totalResults": N}`.
    /// @param body the reply @return the page
    /// @throws ServerError for `"success": false` (with the server's message) or a reply that is not a page
    Page parse_page(nlohmann::json body) const override;

    /// Reads `totalResults` (absent or null = 0).
    /// @param body the reply @return the count
    /// @throws ServerError for `"success": false` or a count that is not a non-negative integer
    std::size_t parse_count(const nlohmann::json& body) const override;

    /// Throws for a reply that is not an object or says `"success": false`.
    /// @param body a reply of the Cb Defense API
    /// @throws ServerError with the server's `message`
    static void check_reply(const nlohmann::json& body);

private:
    static QueryParams filters(const QuerySpec& spec);
};

}  // namespace cbapi::defense
