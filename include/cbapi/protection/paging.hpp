#pragma once
/// @file
/// The Cb Protection paging strategy: one `q=` parameter per clause, `offset`/`limit` pages, `sort`, and counts
/// through `limit=-1` → `{"count": N}`.

#include "cbapi/fwd.hpp"

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/detail/page_cursor.hpp"

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
    QueryParams page_params(const QuerySpec& spec, std::size_t start, std::size_t rows) const override;

    /// Parameters of a counting request: the clauses and `limit=-1` (no sort, no offset).
    /// @param spec the query
    /// @return the parameters
    QueryParams count_params(const QuerySpec& spec) const override;

    /// Reads a page: a JSON array of documents (null or 204 = empty).
    /// @param body the parsed reply
    /// @return the page (Protection replies carry no total)
    /// @throws ServerError when the reply is not an array of objects
    Page parse_page(nlohmann::json body) const override;

    /// Reads a count reply `{"count": N}` (a missing or null count is 0, as in cbapi-python).
    /// @param body the parsed reply
    /// @return the count
    /// @throws ServerError when the reply is not an object or the count is not a non-negative integer
    std::size_t parse_count(const nlohmann::json& body) const override;

private:
    static QueryParams base(const QuerySpec& spec);
};

}  // namespace cbapi::protection
