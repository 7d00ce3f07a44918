#pragma once
// JSON values as text for messages and logs.

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cbapi::detail {

std::string redact_secrets(std::string_view text);  // cbapi/errors.hpp

/// A JSON value as text for an error message or a log line: never throws (text that is not valid UTF-8, which only
/// a caller's own values can hold — a server's reply is refused before — is shown with U+FFFD), has every known
/// secret redacted (before it is cut, so that no part of a secret survives), and is cut to at most `max` bytes, on a
/// character boundary, with "..." appended. @param indent as nlohmann::json::dump (-1: one line)
std::string json_text(const nlohmann::json& value, std::size_t max = std::string::npos, int indent = -1);

}  // namespace cbapi::detail
