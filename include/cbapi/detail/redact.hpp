#pragma once
// Keeping secrets out of logs and messages: every occurrence of a secret is replaced, and headers are printed only
// from an allow-list.

#include <array>
#include <cctype>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

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

/// Whether a JSON field holds a secret, by its name (any case): a password (`password`, `CLIPassword`), a token
/// (`auth_token`, `token`, ...), a private or API key (`ssl_client_key`, `private_key`, `api_key`) or a `secret`.
inline bool is_secret_field(std::string_view name) {
    std::string lower(name);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto ends_with = [&](std::string_view suffix) {
        return lower.size() >= suffix.size() && lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    return lower.find("password") != std::string::npos || lower.find("secret") != std::string::npos ||
           ends_with("token") || ends_with("client_key") || ends_with("private_key") || ends_with("api_key") ||
           ends_with("apikey");
}

/// `doc` with the value of every secret field (is_secret_field), at any depth, replaced by "<redacted>" — for
/// printing documents (`to_string()`, debug logs). Null and empty values stay as they are.
inline nlohmann::json redact_secret_fields(nlohmann::json doc) {
    if (doc.is_object()) {
        for (auto& [key, value] : doc.items()) {
            const bool empty = value.is_null() || (value.is_string() && value.get_ref<const std::string&>().empty());
            if (is_secret_field(key) && !empty)
                value = std::string(redacted_text);
            else
                value = redact_secret_fields(std::move(value));
        }
    } else if (doc.is_array()) {
        for (auto& item : doc) item = redact_secret_fields(std::move(item));
    }
    return doc;
}

std::string redact_secrets(std::string_view text);  // cbapi/errors.hpp

/// At most `limit` bytes of `text` with every known secret redacted first (so that no part of a secret survives the
/// cut), with a marker saying how much was cut.
inline std::string truncate_for_log(std::string_view text, std::size_t limit = 1024) {
    std::string redacted = redact_secrets(text);
    if (redacted.size() <= limit) return redacted;
    const std::size_t more = redacted.size() - limit;
    redacted.resize(limit);
    return redacted + "... (" + std::to_string(more) + " more bytes)";
}

}  // namespace cbapi::detail
