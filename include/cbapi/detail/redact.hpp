#pragma once
// Keeping secrets out of logs and messages: every occurrence of a secret is replaced, and headers are printed only
// from an allow-list.

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cbapi/http.hpp"

namespace cbapi::detail {

inline constexpr std::string_view redacted_text = "<redacted>";

/// `text` with every occurrence of `secret` replaced by "<redacted>" (nothing replaced for an empty secret).
std::string redact(std::string_view text, std::string_view secret);

/// Headers whose values may be logged; every other header's value is redacted.
bool is_loggable_header(std::string_view name) noexcept;

/// One header line ("Name: value\r\n") for a log: the value kept only for allow-listed names.
std::string redact_header_line(std::string_view line);

/// Whether a JSON field holds a secret, by its name (any case): a password (`password`, `CLIPassword`), a token
/// (`auth_token`, `token`, ...), a private or API key (`ssl_client_key`, `private_key`, `api_key`) or a `secret`.
bool is_secret_field(std::string_view name);

/// `doc` with the value of every secret field (is_secret_field), at any depth, replaced by "<redacted>" — for
/// printing documents (`to_string()`, debug logs). Null and empty values stay as they are.
nlohmann::json redact_secret_fields(nlohmann::json doc);

std::string redact_secrets(std::string_view text);  // cbapi/errors.hpp

/// At most `limit` bytes of `text` with every known secret redacted first (so that no part of a secret survives the
/// cut), with a marker saying how much was cut.
std::string truncate_for_log(std::string_view text, std::size_t limit = 1024);

}  // namespace cbapi::detail
