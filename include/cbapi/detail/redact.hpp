#pragma once
// Keeping secrets out of logs and messages: every occurrence of a secret is replaced, and headers are printed only
// from an allow-list.

#include <array>
#include <string>
#include <string_view>

#include "cbapi/http.hpp"

namespace cbapi::detail {

inline constexpr std::string_view redacted_text = "<redacted>";

/// `text` with every occurrence of `secret` replaced by "<redacted>" (nothing replaced for an empty secret).
inline std::string redact(std::string_view text, std::string_view secret) {
    std::string out(text);
    if (secret.empty()) return out;
    for (std::size_t pos = out.find(secret); pos != std::string::npos; pos = out.find(secret, pos)) {
        out.replace(pos, secret.size(), redacted_text);
        pos += redacted_text.size();
    }
    return out;
}

/// Headers whose values may be logged; every other header's value is redacted.
inline bool is_loggable_header(std::string_view name) noexcept {
    static constexpr std::array<std::string_view, 18> allowed{
        "Accept",         "Accept-Encoding", "Connection",       "Content-Encoding", "Content-Length", "Content-Type",
        "Date",           "Expect",          "Host",             "Keep-Alive",       "Location",       "Retry-After",
        "Server",         "Transfer-Encoding", "User-Agent",     "Vary",             "X-Request-Id",   "Cache-Control"};
    for (auto a : allowed)
        if (header_name_equals(a, name)) return true;
    return false;
}

/// One header line ("Name: value\r\n") for a log: the value kept only for allow-listed names.
inline std::string redact_header_line(std::string_view line) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return std::string(line);  // status line or blank line
    const auto name = line.substr(0, colon);
    if (is_loggable_header(name)) return std::string(line);
    return std::string(name) + ": " + std::string(redacted_text);
}

/// At most `limit` bytes of `text`, with a marker saying how much was cut.
inline std::string truncate_for_log(std::string_view text, std::size_t limit = 1024) {
    if (text.size() <= limit) return std::string(text);
    return std::string(text.substr(0, limit)) + "... (" + std::to_string(text.size() - limit) + " more bytes)";
}

}  // namespace cbapi::detail
