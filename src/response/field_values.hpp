#pragma once
// Field readers shared by the Cb Response administration models' sources (sensor, sensor group, user).

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/detail/json_number.hpp"

namespace cbapi::response::detail {

/// A field that the server sends as a number or as a numeric string (`"clock_delta": "-11"`), as an integer.
/// @throws ApiError for text that is not an integer
inline std::optional<long long> integer_value(const nlohmann::json& value, const std::string& field) {
    return cbapi::detail::lenient_integer(value, field);
}

}  // namespace cbapi::response::detail
