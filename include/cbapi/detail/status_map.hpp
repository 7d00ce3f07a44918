#pragma once
// The one table that maps an HTTP error status to the exception the caller sees.

#include <string>

#include "cbapi/detail/redact.hpp"
#include "cbapi/errors.hpp"

namespace cbapi::detail {

enum class StatusKind { success, unauthorized, not_found, server_error };

/// How the SDK classifies a status code (2xx/3xx: success; 401; 404; any other >= 400: server error).
constexpr StatusKind classify_status(int status) noexcept {
    if (status == 401) return StatusKind::unauthorized;
    if (status == 404) return StatusKind::not_found;
    if (status >= 400 || status < 100) return StatusKind::server_error;
    return StatusKind::success;
}

/// Throws the exception for an error status. `body` must already be redacted.
/// @param note appended to a ServerError as its result (e.g. "Gave up after 5 retries."); may be empty
[[noreturn]] void throw_for_status(int status, const std::string& method, const std::string& uri,
                                   const std::string& body, const std::string& note = {});

}  // namespace cbapi::detail
