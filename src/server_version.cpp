// cbapi::ServerVersion (cbapi/server_version.hpp): parsing and LooseVersion-style ordering.

#include "cbapi/server_version.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "cbapi/errors.hpp"

namespace cbapi {

namespace {

/// The largest number a component may hold (2^63-1), as the unsigned type the digits are accumulated in.
constexpr std::uint64_t max_number = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_letter(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Numbers compare numerically, texts byte-wise; a number orders before a text (Python 2's cross-type ordering).
int compare_component(const ServerVersion::Component& a, const ServerVersion::Component& b) noexcept {
    const auto* a_number = std::get_if<std::int64_t>(&a);
    const auto* b_number = std::get_if<std::int64_t>(&b);
    if (a_number && b_number) return *a_number < *b_number ? -1 : (*a_number > *b_number ? 1 : 0);
    if (a_number) return -1;  // number < text
    if (b_number) return 1;
    const int result = std::get<std::string>(a).compare(std::get<std::string>(b));
    return result < 0 ? -1 : (result > 0 ? 1 : 0);
}

}  // namespace

ServerVersion::ServerVersion() : components_{Component{std::int64_t{0}}}, text_("0") {}

ServerVersion::ServerVersion(std::initializer_list<std::int64_t> numbers) {
    if (numbers.size() == 0) throw ApiError("Invalid server version: no components given");
    components_.reserve(numbers.size());
    for (const std::int64_t number : numbers) {
        if (number < 0) {
            throw ApiError("Invalid server version: negative component " + std::to_string(number));
        }
        if (!text_.empty()) text_.push_back('.');
        text_ += std::to_string(number);
        components_.emplace_back(number);
    }
}

ServerVersion::ServerVersion(std::string text) : text_(std::move(text)) {}

ServerVersion ServerVersion::parse(std::string_view text) {
    if (text.empty()) throw ApiError("Invalid server version '': the text is empty");
    if (!is_digit(text.front())) {
        throw ApiError("Invalid server version '" + std::string(text) + "': it does not start with a number");
    }
    ServerVersion version = ServerVersion(std::string(text));
    std::size_t pos = 0;
    while (pos < text.size()) {
        const char c = text[pos];
        if (is_digit(c)) {
            std::uint64_t value = 0;
            for (; pos < text.size() && is_digit(text[pos]); ++pos) {
                const auto digit = static_cast<std::uint64_t>(text[pos] - '0');
                if (value > (max_number - digit) / 10) {
                    throw ApiError("Invalid server version '" + std::string(text) +
                                   "': a number is greater than 2^63-1");
                }
                value = value * 10 + digit;
            }
            version.components_.emplace_back(static_cast<std::int64_t>(value));
        } else if (is_letter(c)) {
            const std::size_t start = pos;
            while (pos < text.size() && is_letter(text[pos])) ++pos;
            version.components_.emplace_back(std::string(text.substr(start, pos - start)));
        } else {
            ++pos;  // separator
        }
    }
    return version;
}

std::int64_t ServerVersion::major() const noexcept { return number_at(0); }

std::int64_t ServerVersion::minor() const noexcept { return number_at(1); }

std::int64_t ServerVersion::patch() const noexcept { return number_at(2); }

int ServerVersion::compare(const ServerVersion& other) const noexcept {
    const std::size_t common = std::min(components_.size(), other.components_.size());
    for (std::size_t i = 0; i < common; ++i) {
        const int result = compare_component(components_[i], other.components_[i]);
        if (result != 0) return result;
    }
    if (components_.size() == other.components_.size()) return 0;
    return components_.size() < other.components_.size() ? -1 : 1;
}

std::ostream& operator<<(std::ostream& out, const ServerVersion& version) { return out << version.text_; }

std::int64_t ServerVersion::number_at(std::size_t index) const noexcept {
    if (index >= components_.size()) return 0;
    const auto* number = std::get_if<std::int64_t>(&components_[index]);
    return number ? *number : 0;
}

}  // namespace cbapi
