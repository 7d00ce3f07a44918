#pragma once
// The one table that maps an HTTP error status to the exception the caller sees.

#include <optional>
#include <string>

#include "cbapi/detail/redact.hpp"
#include "cbapi/errors.hpp"

namespace cbapi::detail {

enum class StatusKind { success, unauthorized, not_found, client_error, server_error };

/// How the SDK classifies a status code (2xx/3xx: success; 401; 404; another 4xx but 403: client error (cbapi-python
/// 1.7.0); 403, 5xx and anything else: server error).
constexpr StatusKind classify_status(int status) noexcept {
    if (status == 401) return StatusKind::unauthorized;
    if (status == 404) return StatusKind::not_found;
    if (status >= 400 && status < 500 && status != 403) return StatusKind::client_error;
    if (status >= 400 || status < 100) return StatusKind::server_error;
    return StatusKind::success;
}

/// Whether a 400 reply says the search query could not be parsed: a JSON object whose `reason` is
/// `query_malformed_syntax` (cbapi-python 1.7.0, `connection.py`). @return the server's `message` (else the body)
/// when it does, nullopt otherwise
std::optional<std::string> query_syntax_message(int status, const std::string& body);

/// Throws the exception for an error status: 401 UnauthorizedError, 404 ObjectNotFoundError, 400 with
/// `"reason": "query_malformed_syntax"` QuerySyntaxError, another 4xx but 403 ClientError, else ServerError.
/// `body` must already be redacted.
/// @param note appended to a ServerError as its result (e.g. "Gave up after 5 retries."); may be empty
[[noreturn]] void throw_for_status(int status, const std::string& method, const std::string& uri,
                                   const std::string& body, const std::string& note = {});

}  // namespace cbapi::detail
