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

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cbapi/detail/json_text.hpp"
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

/// Decimal text ("-11", "+7") as an integer: the whole text, nothing else; nullopt when it is not one or does not fit.
inline std::optional<long long> integer_text(std::string_view text) {
    if (text.empty()) return std::nullopt;
    std::size_t i = 0;
    bool negative = false;
    if (text[0] == '-' || text[0] == '+') {
        negative = text[0] == '-';
        i = 1;
    }
    if (i == text.size()) return std::nullopt;
    unsigned long long value = 0;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c < '0' || c > '9') return std::nullopt;
        if (value > 1'000'000'000'000'000'000ULL) return std::nullopt;
        value = value * 10 + static_cast<unsigned long long>(c - '0');
    }
    if (negative && value == 9'223'372'036'854'775'808ULL) return std::numeric_limits<long long>::min();
    if (value > 9'223'372'036'854'775'807ULL) return std::nullopt;
    const auto v = static_cast<long long>(value);
    return negative ? -v : v;
}

/// Decimal integer text ("308", "-11", "+7", "18446744073709551615") as a JSON integer, so that checked_integer can
/// apply the target type's range; nullopt when the text is not exactly an integer or exceeds 64 bits.
inline std::optional<nlohmann::json> integer_text_json(std::string_view text) {
    if (const auto n = integer_text(text)) return nlohmann::json(*n);
    if (text.empty() || text[0] == '-') return std::nullopt;
    const std::string_view digits = text[0] == '+' ? text.substr(1) : text;
    if (digits.empty() || digits.size() > 20) return std::nullopt;
    std::uint64_t value = 0;
    for (const char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        const auto d = static_cast<std::uint64_t>(c - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return std::nullopt;
        value = value * 10 + d;
    }
    return nlohmann::json(value);
}

/// Number text in JSON syntax ("0.5", "-11", "1e3") as a JSON number; nullopt for anything else (no surrounding
/// space, no "nan", "inf" or trailing characters).
inline std::optional<nlohmann::json> number_text_json(std::string_view text) {
    if (auto n = integer_text_json(text)) return n;
    if (text.empty() || !(text[0] == '-' || (text[0] >= '0' && text[0] <= '9'))) return std::nullopt;
    const char last = text.back();
    if (last < '0' || last > '9') return std::nullopt;
    nlohmann::json value = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (value.is_discarded() || !value.is_number()) return std::nullopt;
    return value;
}

/// A field the server sends as a number or as numeric text (`"clock_delta": "-11"`), as an integer.
/// @return nullopt for null and for empty text
/// @throws ApiError naming `field` for other text, other types, and numbers that are not integers in range
inline std::optional<long long> lenient_integer(const nlohmann::json& value, std::string_view field) {
    if (value.is_null()) return std::nullopt;
    try {
        if (value.is_number()) return checked_integer<long long>(value);
    } catch (const ApiError& e) {
        throw ApiError(fmt::format("Field '{}': {}", field, e.what()));
    }
    if (value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        if (text.empty()) return std::nullopt;
        if (const auto n = integer_text(text)) return n;
    }
    throw ApiError(fmt::format("Field '{}' is not an integer: {}", field, json_text(value, 64)));
}

}  // namespace cbapi::detail
