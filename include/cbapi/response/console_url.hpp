#pragma once
/// @file
/// Parsing of Cb Response console (web UI) links — the pure part of cbapi-python's `CbResponseAPI.from_ui(uri)`.
///
/// `parse_console_url(api_url, console_url)` checks that the link points at the same server as the API URL and
/// tells which object or search it names; turning the result into a model or a query is left to the caller.
/// `parse_query_string` decodes the raw query of a search link into parameters.
///
/// ```cpp
/// auto link = cbapi::response::parse_console_url(
///     "https://cb.example.com", "https://cb.example.com/#/analyze/00000001-0000-0554-01d1-3bc4553b8c9f/1");
/// // link.kind == ConsoleLink::Kind::process, link.id == "00000001-...-3bc4553b8c9f", *link.segment == 1
/// ```
///
/// Rules (the console link is `<scheme>://<host>[:<port>]/...#<fragment>`):
/// 1. Scheme, host and port must equal those of the API URL. Scheme and host are compared case-insensitively, a
///    missing port means the scheme's default (http 80, https 443; other schemes have no default, so a missing
///    port only equals a missing port), user info (`user@`) is ignored, IPv6 hosts are written `[...]`.
///    Mismatch or an unparsable link → `ApiError("Invalid URL provided: <url>")`.
/// 2. The fragment is everything after the first `#`; all leading '/' are stripped.
/// 3. If the fragment's first part (up to the first '/' or '?') is `login`, the link is the console's login page:
///    `ApiError("URL does not point to an object: <url>")`. (cbapi-python meant to return the API object itself
///    here, but its check comes after the "2 parts" check and is unreachable for `#/login`; a function that returns
///    a ConsoleLink has nothing to return, so this is an error.)
/// 4. A search kind's name followed directly by '?' (`#/search?q=...`, the console's own search links and what
///    console_search_url() makes) is that search. Otherwise a missing or empty fragment, or one without '/' (fewer
///    than 2 parts), →
///    `ApiError("URL endpoint does not include a unique ID: <url>")`.
/// 5. The first part (up to the first '/') selects the kind; it must match exactly (case-sensitive). cbapi-python
///    tests `startswith` on the whole fragment, which also accepted e.g. `analyzer/...`. Unknown →
///    `ApiError("Unknown URL endpoint: <url>")`.
/// 6. Search kinds (`search`, `binaries`, `alerts`, `threats`): `query` is the raw rest of the fragment after
///    `<prefix>/`, still URL-encoded, with one leading '?' removed; it may be empty and may contain '/' or '?'
///    (cbapi-python kept only the text up to the next '/').
/// 7. Object kinds (`analyze`, `binary`, `watchlist`, `investigation`, `threat-details`): the fragment's own query
///    (from the first '?', e.g. the `?cb.legacy_5x_mode=false` that 6.x consoles append to process links) is
///    dropped, the rest is split on '/'. The needed parts must be present and non-empty, else
///    `ApiError("URL endpoint does not include a unique ID: <url>")`; parts beyond the needed ones are ignored
///    (as cbapi-python's `parts[:n]` does). IDs are kept as written (not percent-decoded).
///    - `analyze/<guid>/<segment>`: a missing or empty segment →
///      `ApiError("URL endpoint does not include a process segment: <url>")` (cbapi-python failed with a
///      ValueError); the segment must be ASCII decimal digits fitting std::int64_t (6.x segment ids are
///      millisecond timestamps such as 1495465643405), else
///      `ApiError("Invalid process segment '<segment>' in URL: <url>")`.
///    - `threat-details/&lt;feed_id&gt;/&lt;report_id&gt;` needs both ids.
///
/// Surrounding ASCII whitespace of the console link (a pasted newline) is ignored; messages quote the link as given.

#include "cbapi/fwd.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cbapi/detail/url.hpp"

namespace cbapi::response {

/// What a console link points to.
struct ConsoleLink {
    /// The kind of console page.
    enum class Kind {
        process,         ///< `#/analyze/<guid>/<segment>`: `id` = process GUID, `segment` set
        binary,          ///< `#/binary/<md5>`: `id` = MD5
        watchlist,       ///< `#/watchlist/<id>`: `id` = watchlist id
        process_search,  ///< `#/search/<qs>`: `query` = raw process query string
        binary_search,   ///< `#/binaries/<qs>`: `query` = raw binary query string
        investigation,   ///< `#/investigation/<id>`: `id` = investigation id
        alert_search,    ///< `#/alerts/<qs>`: `query` = raw alert query string
        threat_search,   ///< `#/threats/<qs>`: `query` = raw threat report query string
        threat_report,   ///< `#/threat-details/<feed_id>/<report_id>`: `id` = feed id, `report_id` set
    };

    Kind kind = Kind::process;  ///< the kind of page
    std::string id;  ///< process GUID, binary MD5, watchlist id, investigation id, or feed id (threat_report)
    std::optional<std::int64_t> segment;  ///< process segment (process only); 6.x segments are ms timestamps
    std::string report_id;                ///< threat report id (threat_report only)
    std::string query;  ///< *_search kinds: the raw query string after the prefix, still URL-encoded, no leading '?'
};

/// Decodes an `application/x-www-form-urlencoded` query string into parameters, e.g. the raw query of a console
/// search link (`q=process_name%3Acmd.exe&cb.urlver=1` → {("q", "process_name:cmd.exe"), ("cb.urlver", "1")}).
///
/// - Pairs are separated by '&' only (not ';'); empty pairs (`a=1&&b=2`) are skipped.
/// - Key and value are split at the first '='; a pair without '=' has an empty value; empty values are kept
///   (like Python's `parse_qsl(qs, keep_blank_values=True)`; note that cbapi-python's raw queries use `parse_qs`,
///   which drops them).
/// - In keys and values '+' becomes a space and `%XX` (either case of hex digit) the byte XX; a '%' not followed by
///   two hex digits is kept literally. Decoded bytes are kept as they are (no UTF-8 validation).
/// - Repeated keys are kept, in order of appearance.
/// - One leading '?' is ignored.
/// @param qs the query string (without the part before '?' of a URL)
/// @return the decoded (key, value) pairs in order of appearance
/// @throws std::bad_alloc only
QueryParams parse_query_string(std::string_view qs);

/// Parses a Cb Response console link (see the rules in this file's description).
/// No network access: only the two strings are looked at.
/// @param api_url the server URL the API talks to (e.g. "https://cb.example.com" or "https://cb:8443/"); only its
///        scheme, host and port are used
/// @param console_url the console link, e.g. "https://cb.example.com/#/analyze/<guid>/1",
///        "https://cb.example.com/#/search/?q=process_name%3Acmd.exe&cb.urlver=1"
/// @return what the link points to
/// @throws cbapi::ApiError "Invalid API URL: <api_url>" if @p api_url has no scheme or host or has a bad port;
///         "Invalid URL provided: <url>" if @p console_url is not a URL of the same server;
///         "URL does not point to an object: <url>" for the login page;
///         "URL endpoint does not include a unique ID: <url>" for a missing fragment, a fragment without '/', or a
///         missing/empty id; "Unknown URL endpoint: <url>" for an unknown first part;
///         "URL endpoint does not include a process segment: <url>" or
///         "Invalid process segment '<segment>' in URL: <url>" for a process link with a missing or bad segment
ConsoleLink parse_console_url(std::string_view api_url, std::string_view console_url);

/// The console page of a search, `<api_url>/#/<page>?<params>` (page `search`, `binaries`, `alerts` or `threats`),
/// the parameters form-encoded in the order given (cbapi-python 1.3.3 `Query.webui_link`). parse_console_url() reads
/// it back.
/// @param api_url the server URL @param kind one of the *_search kinds @param params the query's parameters
/// @throws ApiError for a kind that is not a search
std::string console_search_url(std::string_view api_url, ConsoleLink::Kind kind, const QueryParams& params);

}  // namespace cbapi::response
