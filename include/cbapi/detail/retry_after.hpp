#pragma once
// Parsing the Retry-After header: delay-seconds or an HTTP-date (IMF-fixdate, RFC 9110 §5.6.7).

#include <chrono>
#include <optional>
#include <string_view>

#include "cbapi/time.hpp"

namespace cbapi::detail {

/// The delay a Retry-After value asks for, relative to `now`; std::nullopt if it cannot be parsed.
/// A date in the past gives zero.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

}  // namespace cbapi::detail
