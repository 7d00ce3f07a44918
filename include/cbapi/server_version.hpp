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

#include "cbapi/fwd.hpp"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <string>
#include <string_view>
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
    ServerVersion();

    /// A version from numbers, for gates written in code: `ServerVersion{5, 1, 1}`.
    /// `to_string()` gives the numbers joined with '.' ("5.1.1").
    /// @param numbers the numeric components, most significant first; at least one, none negative
    /// @throws cbapi::ApiError if @p numbers is empty or holds a negative number
    ServerVersion(std::initializer_list<std::int64_t> numbers);

    /// Parses a version string such as `5.1.1.160416.0935`, `8.0.0.2562` or `6.2.1-rc1`.
    ///
    /// Runs of ASCII digits become numbers (leading zeros ignored: `0935` → 935), runs of ASCII letters become text
    /// components (`6.2.1-rc1` → 6, 2, 1, "rc", 1); any other character only separates components.
    /// @param text the version text; must start with an ASCII digit (no surrounding whitespace is trimmed)
    /// @return the parsed version; `to_string()` returns @p text unchanged
    /// @throws cbapi::ApiError if @p text is empty, does not start with a digit, or holds a number greater than
    ///         2^63-1; the message quotes @p text
    static ServerVersion parse(std::string_view text);

    /// The text this version was parsed from, or the numbers joined with '.' when built from numbers.
    /// @return the version text (e.g. "5.1.1.160416.0935")
    const std::string& to_string() const noexcept { return text_; }

    /// All components in order (never empty; the first is always a number).
    /// @return the components
    const std::vector<Component>& components() const noexcept { return components_; }

    /// The first component (always a number).
    /// @return the major version, e.g. 5 for `5.1.1.160416.0935`
    std::int64_t major() const noexcept;

    /// The second component if it is a number.
    /// @return the minor version, or 0 if the version has fewer than two components or the second is text
    std::int64_t minor() const noexcept;

    /// The third component if it is a number.
    /// @return the patch version, or 0 if the version has fewer than three components or the third is text
    std::int64_t patch() const noexcept;

    /// Three-way comparison by the ordering rules in the class description.
    /// @param other the version to compare with
    /// @return a negative value if `*this < other`, 0 if equal, a positive value if `*this > other`
    int compare(const ServerVersion& other) const noexcept;

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
    friend std::ostream& operator<<(std::ostream& out, const ServerVersion& version);

private:
    explicit ServerVersion(std::string text);

    /// The component at @p index if it is a number, else 0.
    std::int64_t number_at(std::size_t index) const noexcept;

    std::vector<Component> components_;
    std::string text_;
};

}  // namespace cbapi
