#pragma once
/// @file
/// cbapi::ServerVersion: a server version string compared the way cbapi-python compares
/// `distutils.version.LooseVersion(...)`.
///
/// cbapi-python turns Cb Response's `/api/info` `version` (e.g. `5.1.1.160416.0935`, `6.1.0.180806.1200`) and
/// Cb Protection's `ParityServerVersion` (e.g. `8.0.0.2562`, `7.2.3.3271`) into a LooseVersion and gates features on
/// it (`< 5.0` is refused, `>= 5.1.1` adds `facet=false`, `>= 6.0` switches the process event API, ...). This class
/// reproduces those comparisons:
///
/// ```cpp
/// const auto version = cbapi::ServerVersion::parse("5.1.1.160416.0935");
/// if (version < cbapi::ServerVersion{5, 0}) throw cbapi::ApiError("...");
/// // true: a longer version with the same prefix is greater
/// bool no_facets = version >= cbapi::ServerVersion{5, 1, 1};
/// ```
///
/// Differences from LooseVersion (all deliberate):
/// - Only runs of ASCII digits and runs of ASCII letters are components; every other character ('.', '-', '_', '+',
///   spaces, non-ASCII bytes, ...) only separates components. LooseVersion keeps separators other than '.' as text
///   components (`5.1.1-3` → `[5, 1, 1, '-', 3]`); here `5.1.1-3` → `5, 1, 1, 3`.
/// - A number compares less than a text component (Python 2's cross-type ordering; Python 3 raises TypeError).
/// - The text must start with a digit, numbers must fit in std::int64_t.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "cbapi/errors.hpp"

namespace cbapi {

/// A server version made of numeric and text components, ordered like LooseVersion.
///
/// Ordering rules:
/// - components are compared pairwise from the left; the first difference decides;
/// - two numbers compare numerically (`0935` is 935, so `5.01` == `5.1`);
/// - two text components compare byte-wise, case-sensitively (`RC` < `rc`), like Python strings;
/// - a number is less than a text component (`5.1` < `5.a`);
/// - when one version is a prefix of the other, the longer one is greater: `5.1.1.160416.0935 > 5.1.1`,
///   `5.0 > 5`, and also `6.2.1-rc1 > 6.2.1` (a LooseVersion quirk kept on purpose).
///
/// Equality is equality of components, so `to_string()` may differ between equal versions (`5.01` == `5.1`).
class ServerVersion {
public:
    /// One component: a number (from a run of digits) or a text (from a run of letters).
    using Component = std::variant<std::int64_t, std::string>;

    /// The version `0` (text "0"); lets ServerVersion be a default-constructed member before the server is asked.
    ServerVersion() : components_{Component{std::int64_t{0}}}, text_("0") {}

    /// A version from numbers, for gates written in code: `ServerVersion{5, 1, 1}`.
    /// `to_string()` gives the numbers joined with '.' ("5.1.1").
    /// @param numbers the numeric components, most significant first; at least one, none negative
    /// @throws cbapi::ApiError if @p numbers is empty or holds a negative number
    ServerVersion(std::initializer_list<std::int64_t> numbers) {
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

    /// Parses a version string such as `5.1.1.160416.0935`, `8.0.0.2562` or `6.2.1-rc1`.
    ///
    /// Runs of ASCII digits become numbers (leading zeros ignored: `0935` → 935), runs of ASCII letters become text
    /// components (`6.2.1-rc1` → 6, 2, 1, "rc", 1); any other character only separates components.
    /// @param text the version text; must start with an ASCII digit (no surrounding whitespace is trimmed)
    /// @return the parsed version; `to_string()` returns @p text unchanged
    /// @throws cbapi::ApiError if @p text is empty, does not start with a digit, or holds a number greater than
    ///         2^63-1; the message quotes @p text
    static ServerVersion parse(std::string_view text) {
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

    /// The text this version was parsed from, or the numbers joined with '.' when built from numbers.
    /// @return the version text (e.g. "5.1.1.160416.0935")
    const std::string& to_string() const noexcept { return text_; }

    /// All components in order (never empty; the first is always a number).
    /// @return the components
    const std::vector<Component>& components() const noexcept { return components_; }

    /// The first component (always a number).
    /// @return the major version, e.g. 5 for `5.1.1.160416.0935`
    std::int64_t major() const noexcept { return number_at(0); }

    /// The second component if it is a number.
    /// @return the minor version, or 0 if the version has fewer than two components or the second is text
    std::int64_t minor() const noexcept { return number_at(1); }

    /// The third component if it is a number.
    /// @return the patch version, or 0 if the version has fewer than three components or the third is text
    std::int64_t patch() const noexcept { return number_at(2); }

    /// Three-way comparison by the ordering rules in the class description.
    /// @param other the version to compare with
    /// @return a negative value if `*this < other`, 0 if equal, a positive value if `*this > other`
    int compare(const ServerVersion& other) const noexcept {
        const std::size_t common = std::min(components_.size(), other.components_.size());
        for (std::size_t i = 0; i < common; ++i) {
            const int result = compare_component(components_[i], other.components_[i]);
            if (result != 0) return result;
        }
        if (components_.size() == other.components_.size()) return 0;
        return components_.size() < other.components_.size() ? -1 : 1;
    }

    /// @param a left operand
    /// @param b right operand
    /// @return whether the components are equal
    friend bool operator==(const ServerVersion& a, const ServerVersion& b) noexcept { return a.compare(b) == 0; }
    /// @param a left operand
    /// @param b right operand
    /// @return whether the components differ
    friend bool operator!=(const ServerVersion& a, const ServerVersion& b) noexcept { return a.compare(b) != 0; }
    /// @param a left operand
    /// @param b right operand
    /// @return whether @p a orders before @p b
    friend bool operator<(const ServerVersion& a, const ServerVersion& b) noexcept { return a.compare(b) < 0; }
    /// @param a left operand
    /// @param b right operand
    /// @return whether @p a orders before or equals @p b
    friend bool operator<=(const ServerVersion& a, const ServerVersion& b) noexcept { return a.compare(b) <= 0; }
    /// @param a left operand
    /// @param b right operand
    /// @return whether @p a orders after @p b
    friend bool operator>(const ServerVersion& a, const ServerVersion& b) noexcept { return a.compare(b) > 0; }
    /// @param a left operand
    /// @param b right operand
    /// @return whether @p a orders after or equals @p b
    friend bool operator>=(const ServerVersion& a, const ServerVersion& b) noexcept { return a.compare(b) >= 0; }

    /// Writes `to_string()`.
    /// @param out the stream
    /// @param version the version to write
    /// @return @p out
    friend std::ostream& operator<<(std::ostream& out, const ServerVersion& version) { return out << version.text_; }

private:
    static constexpr std::uint64_t max_number = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

    explicit ServerVersion(std::string text) : text_(std::move(text)) {}

    static bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
    static bool is_letter(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

    static int compare_component(const Component& a, const Component& b) noexcept {
        const auto* a_number = std::get_if<std::int64_t>(&a);
        const auto* b_number = std::get_if<std::int64_t>(&b);
        if (a_number && b_number) return *a_number < *b_number ? -1 : (*a_number > *b_number ? 1 : 0);
        if (a_number) return -1;  // number < text
        if (b_number) return 1;
        const int result = std::get<std::string>(a).compare(std::get<std::string>(b));
        return result < 0 ? -1 : (result > 0 ? 1 : 0);
    }

    std::int64_t number_at(std::size_t index) const noexcept {
        if (index >= components_.size()) return 0;
        const auto* number = std::get_if<std::int64_t>(&components_[index]);
        return number ? *number : 0;
    }

    std::vector<Component> components_;
    std::string text_;
};

}  // namespace cbapi
