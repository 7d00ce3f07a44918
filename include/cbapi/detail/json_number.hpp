#pragma once
/// @file
/// JSON numbers from a server as C++ integers, without silent truncation or undefined float-to-integer conversion.

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "cbapi/detail/json_text.hpp"
#include "cbapi/errors.hpp"

namespace cbapi::detail {

/// Throws ApiError("the number <value> <why>"), the error of checked_integer(). @param value the JSON number
/// @param why e.g. "is too large"
[[noreturn]] void throw_number_error(const nlohmann::json& value, const char* why);

/// A JSON number as the integer type T, refusing what T cannot hold exactly (no silent truncation, no undefined
/// float-to-integer conversion). @throws ApiError
template <typename T>
T checked_integer(const nlohmann::json& value) {
    using limits = std::numeric_limits<T>;
    if (value.is_number_unsigned()) {
        const auto v = value.get<std::uint64_t>();
        if (v > static_cast<std::uint64_t>(limits::max())) throw_number_error(value, "is too large");
        return static_cast<T>(v);
    }
    if (value.is_number_integer()) {
        const auto v = value.get<std::int64_t>();
        if constexpr (std::is_unsigned_v<T>) {
            if (v < 0 || static_cast<std::uint64_t>(v) > static_cast<std::uint64_t>(limits::max()))
                throw_number_error(value, "is out of range");
        } else {
            if (v < static_cast<std::int64_t>(limits::min()) || v > static_cast<std::int64_t>(limits::max()))
                throw_number_error(value, "is out of range");
        }
        return static_cast<T>(v);
    }
    if (value.is_number_float()) {
        const double d = value.get<double>();
        // 2^63 and -2^63 are exact doubles; compare against the bounds as doubles before converting.
        const double lo = static_cast<double>(limits::min());
        const double hi = static_cast<double>(limits::max());
        if (!std::isfinite(d) || std::trunc(d) != d || d < lo || d >= hi + 1.0)
            throw_number_error(value, "is not an integer in range");
        return static_cast<T>(d);
    }
    return value.get<T>();  // not a number: nlohmann's type error, reported by the caller
}

/// Decimal text ("-11", "+7") as an integer: the whole text, nothing else; nullopt when it is not one or does not fit.
std::optional<long long> integer_text(std::string_view text);

/// Decimal integer text ("308", "-11", "+7", "18446744073709551615") as a JSON integer, so that checked_integer can
/// apply the target type's range; nullopt when the text is not exactly an integer or exceeds 64 bits.
std::optional<nlohmann::json> integer_text_json(std::string_view text);

/// Number text in JSON syntax ("0.5", "-11", "1e3") as a JSON number; nullopt for anything else (no surrounding
/// space, no "nan", "inf" or trailing characters).
std::optional<nlohmann::json> number_text_json(std::string_view text);

/// A field the server sends as a number or as numeric text (`"clock_delta": "-11"`), as an integer.
/// @return nullopt for null and for empty text
/// @throws ApiError naming `field` for other text, other types, and numbers that are not integers in range
std::optional<long long> lenient_integer(const nlohmann::json& value, std::string_view field);

}  // namespace cbapi::detail
