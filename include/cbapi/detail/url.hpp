#pragma once
// Query-string encoding exactly as cbapi-python does it: (key, value) pairs sorted by key then value, each part
// encoded like Python's urllib.parse.quote_plus (unreserved A-Z a-z 0-9 _ . - ~ kept, space as '+', every other
// byte as upper-case %XX).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cbapi {

/// Query parameters: (key, value) pairs; a key may repeat (e.g. `facet.field`).
using QueryParams = std::vector<std::pair<std::string, std::string>>;

namespace detail {

/// Percent-encodes `text`: unreserved A-Z a-z 0-9 _ . - ~ and the bytes of `safe` kept, space as '+' when
/// `space_as_plus` (else %20), every other byte as upper-case %XX.
std::string percent_encode(std::string_view text, std::string_view safe, bool space_as_plus);

/// Python's urllib.parse.quote_plus (query-string parts).
std::string quote_plus(std::string_view text);

/// Python's urllib.parse.quote: space as %20, `safe` kept ('/' by default). Watchlist `search_query` values are
/// written this way.
std::string quote(std::string_view text, std::string_view safe = "/");

/// Decodes %XX escapes (and '+' as space when `plus_as_space`); a malformed escape is kept as is.
std::string percent_decode(std::string_view text, bool plus_as_space);

/// Sorted, encoded `k=v&k=v` (no leading '?'); empty for no parameters.
std::string encode_query(QueryParams params);

/// Decodes an application/x-www-form-urlencoded query string (see cbapi::response::parse_query_string).
QueryParams parse_query_string(std::string_view qs);

}  // namespace detail
}  // namespace cbapi
