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
/// 4. A missing or empty fragment, or one without '/' (fewer than 2 parts), →
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

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "cbapi/detail/url.hpp"
#include "cbapi/errors.hpp"

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

namespace console_url_detail {

/// Scheme, host and effective port of a URL (implementation detail).
struct Origin {
    std::string scheme;            // lower-case
    std::string host;              // lower-case, without brackets for IPv6
    std::optional<unsigned> port;  // explicit port, else the scheme default, else none
};

inline char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string to_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = ascii_lower(c);
    return out;
}

inline bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

inline std::string_view trim(std::string_view text) noexcept {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

/// Splits off scheme and authority the way Python's urllib.parse.urlsplit does; nullopt if there is no scheme,
/// no host, a malformed IPv6 literal or a bad port.
inline std::optional<Origin> parse_origin(std::string_view url) {
    const std::size_t colon = url.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    for (std::size_t i = 0; i < colon; ++i) {
        const char c = url[i];
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        const bool ok = alpha || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
        if (!ok) return std::nullopt;
    }
    Origin origin;
    origin.scheme = to_lower(url.substr(0, colon));
    std::string_view rest = url.substr(colon + 1);
    if (rest.substr(0, 2) != "//") return std::nullopt;
    rest.remove_prefix(2);
    std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    const std::size_t at = authority.rfind('@');
    if (at != std::string_view::npos) authority.remove_prefix(at + 1);

    std::string_view host;
    std::string_view port_text;
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = authority.substr(1, close - 1);
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return std::nullopt;
            port_text = after.substr(1);
        }
    } else {
        const std::size_t port_colon = authority.find(':');
        host = authority.substr(0, port_colon);
        if (port_colon != std::string_view::npos) port_text = authority.substr(port_colon + 1);
    }
    if (host.empty()) return std::nullopt;
    origin.host = to_lower(host);

    if (!port_text.empty()) {
        unsigned port = 0;
        for (const char c : port_text) {
            if (c < '0' || c > '9') return std::nullopt;
            port = port * 10 + static_cast<unsigned>(c - '0');
            if (port > 65535) return std::nullopt;
        }
        origin.port = port;
    } else if (origin.scheme == "https") {
        origin.port = 443;
    } else if (origin.scheme == "http") {
        origin.port = 80;
    }
    return origin;
}

inline std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

}  // namespace console_url_detail

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
inline QueryParams parse_query_string(std::string_view qs) { return cbapi::detail::parse_query_string(qs); }

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
inline ConsoleLink parse_console_url(std::string_view api_url, std::string_view console_url) {
    namespace d = console_url_detail;
    const std::string url(console_url);

    const auto api_origin = d::parse_origin(d::trim(api_url));
    if (!api_origin) throw ApiError("Invalid API URL: " + std::string(api_url));
    const std::string_view link = d::trim(console_url);
    const auto link_origin = d::parse_origin(link);
    if (!link_origin || link_origin->scheme != api_origin->scheme || link_origin->host != api_origin->host ||
        link_origin->port != api_origin->port) {
        throw ApiError("Invalid URL provided: " + url);
    }

    const std::size_t hash = link.find('#');
    std::string_view fragment = hash == std::string_view::npos ? std::string_view{} : link.substr(hash + 1);
    while (!fragment.empty() && fragment.front() == '/') fragment.remove_prefix(1);

    if (fragment.substr(0, fragment.find_first_of("/?")) == "login") {
        throw ApiError("URL does not point to an object: " + url);
    }
    const std::size_t slash = fragment.find('/');
    if (slash == std::string_view::npos) throw ApiError("URL endpoint does not include a unique ID: " + url);
    const std::string_view prefix = fragment.substr(0, slash);
    std::string_view rest = fragment.substr(slash + 1);

    ConsoleLink result;
    // Search kinds: the raw rest of the fragment.
    const std::pair<std::string_view, ConsoleLink::Kind> searches[] = {
        {"search", ConsoleLink::Kind::process_search},
        {"binaries", ConsoleLink::Kind::binary_search},
        {"alerts", ConsoleLink::Kind::alert_search},
        {"threats", ConsoleLink::Kind::threat_search},
    };
    for (const auto& [name, kind] : searches) {
        if (prefix == name) {
            if (!rest.empty() && rest.front() == '?') rest.remove_prefix(1);
            result.kind = kind;
            result.query = std::string(rest);
            return result;
        }
    }

    // Object kinds: drop the fragment's query, then take '/'-separated parts.
    const std::pair<std::string_view, ConsoleLink::Kind> objects[] = {
        {"analyze", ConsoleLink::Kind::process},
        {"binary", ConsoleLink::Kind::binary},
        {"watchlist", ConsoleLink::Kind::watchlist},
        {"investigation", ConsoleLink::Kind::investigation},
        {"threat-details", ConsoleLink::Kind::threat_report},
    };
    bool known = false;
    for (const auto& [name, kind] : objects) {
        if (prefix == name) {
            result.kind = kind;
            known = true;
            break;
        }
    }
    if (!known) throw ApiError("Unknown URL endpoint: " + url);

    rest = rest.substr(0, rest.find('?'));
    auto next_part = [&rest]() {
        const std::size_t end = rest.find('/');
        const std::string_view part = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        return part;
    };
    const std::string_view id = next_part();
    if (id.empty()) throw ApiError("URL endpoint does not include a unique ID: " + url);
    result.id = std::string(id);

    if (result.kind == ConsoleLink::Kind::process) {
        const std::string_view segment = next_part();
        if (segment.empty()) throw ApiError("URL endpoint does not include a process segment: " + url);
        constexpr std::uint64_t max_segment = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
        std::uint64_t value = 0;
        for (const char c : segment) {
            const bool digit = c >= '0' && c <= '9';
            const auto digit_value = static_cast<std::uint64_t>(digit ? c - '0' : 0);
            if (!digit || value > (max_segment - digit_value) / 10) {
                throw ApiError("Invalid process segment " + d::quoted(segment) + " in URL: " + url);
            }
            value = value * 10 + digit_value;
        }
        result.segment = static_cast<std::int64_t>(value);
    } else if (result.kind == ConsoleLink::Kind::threat_report) {
        const std::string_view report_id = next_part();
        if (report_id.empty()) throw ApiError("URL endpoint does not include a unique ID: " + url);
        result.report_id = std::string(report_id);
    }
    return result;
}

}  // namespace cbapi::response
