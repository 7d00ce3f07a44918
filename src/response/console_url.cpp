// Cb Response console links (include/cbapi/response/console_url.hpp): the origin check and the fragment rules.

#include "cbapi/response/console_url.hpp"

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

namespace console_url_detail {

/// Scheme, host and effective port of a URL (implementation detail).
struct Origin {
    std::string scheme;            // lower-case
    std::string host;              // lower-case, without brackets for IPv6
    std::optional<unsigned> port;  // explicit port, else the scheme default, else none
};

char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string to_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = ascii_lower(c);
    return out;
}

bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view text) noexcept {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

/// Splits off scheme and authority the way Python's urllib.parse.urlsplit does; nullopt if there is no scheme,
/// no host, a malformed IPv6 literal or a bad port.
std::optional<Origin> parse_origin(std::string_view url) {
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

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

}  // namespace console_url_detail

QueryParams parse_query_string(std::string_view qs) { return cbapi::detail::parse_query_string(qs); }

ConsoleLink parse_console_url(std::string_view api_url, std::string_view console_url) {
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
    // Search kinds: `<prefix>/<qs>`, `<prefix>/?<qs>`, or `<prefix>?<qs>` (the console's own search links, which
    // console_search_url() and the queries' webui_link() make, as cbapi-python 1.3.3 does).
    const std::pair<std::string_view, ConsoleLink::Kind> searches[] = {
        {"search", ConsoleLink::Kind::process_search},
        {"binaries", ConsoleLink::Kind::binary_search},
        {"alerts", ConsoleLink::Kind::alert_search},
        {"threats", ConsoleLink::Kind::threat_search},
    };
    const std::size_t cut = fragment.find_first_of("/?");
    ConsoleLink result;
    if (cut != std::string_view::npos) {
        for (const auto& [name, kind] : searches) {
            if (fragment.substr(0, cut) != name) continue;
            std::string_view rest = fragment.substr(cut + 1);
            if (fragment[cut] == '/' && !rest.empty() && rest.front() == '?') rest.remove_prefix(1);
            result.kind = kind;
            result.query = std::string(rest);
            return result;
        }
    }
    const std::size_t slash = fragment.find('/');
    if (slash == std::string_view::npos) throw ApiError("URL endpoint does not include a unique ID: " + url);
    const std::string_view prefix = fragment.substr(0, slash);
    std::string_view rest = fragment.substr(slash + 1);

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

std::string console_search_url(std::string_view api_url, ConsoleLink::Kind kind, const QueryParams& params) {
    const char* page = nullptr;
    switch (kind) {
        case ConsoleLink::Kind::process_search: page = "search"; break;
        case ConsoleLink::Kind::binary_search: page = "binaries"; break;
        case ConsoleLink::Kind::alert_search: page = "alerts"; break;
        case ConsoleLink::Kind::threat_search: page = "threats"; break;
        default: throw ApiError("console_search_url() needs a search kind");
    }
    std::string base(api_url);
    while (!base.empty() && base.back() == '/') base.pop_back();
    std::string out = base + "/#/" + page + "?";
    bool first = true;
    for (const auto& [key, value] : params) {
        if (!first) out += '&';
        first = false;
        out += cbapi::detail::quote_plus(key) + "=" + cbapi::detail::quote_plus(value);
    }
    return out;
}

}  // namespace cbapi::response
