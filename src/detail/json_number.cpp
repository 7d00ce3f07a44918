// JSON numbers from a server as C++ integers (cbapi/detail/json_number.hpp): the texts of the errors and the parsers
// of numeric text.

#include "cbapi/detail/json_number.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cbapi/detail/json_text.hpp"
#include "cbapi/errors.hpp"

namespace cbapi::detail {

void throw_number_error(const nlohmann::json& value, const char* why) {
    throw ApiError("the number " + value.dump() + " " + why);
}

std::optional<long long> integer_text(std::string_view text) {
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

std::optional<nlohmann::json> integer_text_json(std::string_view text) {
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

std::optional<nlohmann::json> number_text_json(std::string_view text) {
    if (auto n = integer_text_json(text)) return n;
    if (text.empty() || !(text[0] == '-' || (text[0] >= '0' && text[0] <= '9'))) return std::nullopt;
    const char last = text.back();
    if (last < '0' || last > '9') return std::nullopt;
    nlohmann::json value = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (value.is_discarded() || !value.is_number()) return std::nullopt;
    return value;
}

std::optional<long long> lenient_integer(const nlohmann::json& value, std::string_view field) {
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
