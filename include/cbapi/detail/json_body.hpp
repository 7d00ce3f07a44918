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
inline bool json_nesting_exceeds(std::string_view text, std::size_t limit) noexcept {
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit) return true;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return false;
}

/// Parses a server's reply body: the document, or a discarded value (`is_discarded()`) when the text is not JSON
/// (including invalid UTF-8) or nests deeper than max_json_depth.
inline nlohmann::json parse_json_body(std::string_view text) {
    if (json_nesting_exceeds(text, max_json_depth)) return nlohmann::json(nlohmann::json::value_t::discarded);
    return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

}  // namespace cbapi::detail
