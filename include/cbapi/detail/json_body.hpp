#pragma once
// Parsing JSON that came from a server: the one place every reply body goes through.

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cbapi::detail {

/// The deepest nesting of arrays and objects accepted in a server document. Carbon Black documents nest a few levels;
/// the limit keeps a hostile or broken reply from exhausting the stack of code that walks documents recursively
/// (nlohmann's dump(), comparisons).
inline constexpr std::size_t max_json_depth = 128;

/// Whether `text` nests arrays/objects deeper than `limit` (strings are skipped; the text need not be valid JSON).
bool json_nesting_exceeds(std::string_view text, std::size_t limit) noexcept;

/// Parses a server's reply body: the document, or a discarded value (`is_discarded()`) when the text is not JSON
/// (including invalid UTF-8) or nests deeper than max_json_depth.
nlohmann::json parse_json_body(std::string_view text);

}  // namespace cbapi::detail
