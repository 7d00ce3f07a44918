// Keeping secrets out of logs and messages (cbapi/detail/redact.hpp).

#include "cbapi/detail/redact.hpp"

#include <array>
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "cbapi/errors.hpp"
#include "cbapi/http.hpp"

namespace cbapi::detail {

std::string redact(std::string_view text, std::string_view secret) {
    std::string out(text);
    if (secret.empty()) return out;
    for (std::size_t pos = out.find(secret); pos != std::string::npos; pos = out.find(secret, pos)) {
        out.replace(pos, secret.size(), redacted_text);
        pos += redacted_text.size();
    }
    return out;
}

bool is_loggable_header(std::string_view name) noexcept {
    static constexpr std::array<std::string_view, 18> allowed{
        "Accept",         "Accept-Encoding", "Connection",       "Content-Encoding", "Content-Length", "Content-Type",
        "Date",           "Expect",          "Host",             "Keep-Alive",       "Location",       "Retry-After",
        "Server",         "Transfer-Encoding", "User-Agent",     "Vary",             "X-Request-Id",   "Cache-Control"};
    for (auto a : allowed)
        if (header_name_equals(a, name)) return true;
    return false;
}

std::string redact_header_line(std::string_view line) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return std::string(line);  // status line or blank line
    const auto name = line.substr(0, colon);
    if (is_loggable_header(name)) return std::string(line);
    return std::string(name) + ": " + std::string(redacted_text);
}

bool is_secret_field(std::string_view name) {
    std::string lower(name);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto ends_with = [&](std::string_view suffix) {
        return lower.size() >= suffix.size() && lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    return lower.find("password") != std::string::npos || lower.find("secret") != std::string::npos ||
           ends_with("token") || ends_with("client_key") || ends_with("private_key") || ends_with("api_key") ||
           ends_with("apikey");
}

nlohmann::json redact_secret_fields(nlohmann::json doc) {
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

std::string truncate_for_log(std::string_view text, std::size_t limit) {
    std::string redacted = redact_secrets(text);
    if (redacted.size() <= limit) return redacted;
    const std::size_t more = redacted.size() - limit;
    redacted.resize(limit);
    return redacted + "... (" + std::to_string(more) + " more bytes)";
}

}  // namespace cbapi::detail
