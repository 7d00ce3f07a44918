#pragma once
/// @file
/// JSON numbers from a server as C++ integers, without silent truncation or undefined float-to-integer conversion.

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "cbapi/errors.hpp"

namespace cbapi::detail {

/// A JSON number as the integer type T, refusing what T cannot hold exactly (no silent truncation, no undefined
/// float-to-integer conversion). @throws ApiError
template <typename T>
T checked_integer(const nlohmann::json& value) {
    using limits = std::numeric_limits<T>;
    if (value.is_number_unsigned()) {
        const auto v = value.get<std::uint64_t>();
        if (v > static_cast<std::uint64_t>(limits::max())) throw ApiError("the number " + value.dump() + " is too large");
        return static_cast<T>(v);
    }
    if (value.is_number_integer()) {
        const auto v = value.get<std::int64_t>();
        if constexpr (std::is_unsigned_v<T>) {
            if (v < 0 || static_cast<std::uint64_t>(v) > static_cast<std::uint64_t>(limits::max()))
                throw ApiError("the number " + value.dump() + " is out of range");
        } else {
            if (v < static_cast<std::int64_t>(limits::min()) || v > static_cast<std::int64_t>(limits::max()))
                throw ApiError("the number " + value.dump() + " is out of range");
        }
        return static_cast<T>(v);
    }
    if (value.is_number_float()) {
        const double d = value.get<double>();
        // 2^63 and -2^63 are exact doubles; compare against the bounds as doubles before converting.
        const double lo = static_cast<double>(limits::min());
        const double hi = static_cast<double>(limits::max());
        if (!std::isfinite(d) || std::trunc(d) != d || d < lo || d >= hi + 1.0)
            throw ApiError("the number " + value.dump() + " is not an integer in range");
        return static_cast<T>(d);
    }
    return value.get<T>();  // not a number: nlohmann's type error, reported by the caller
}

}  // namespace cbapi::detail
