// Parsing JSON that came from a server (cbapi/detail/json_body.hpp).

#include "cbapi/detail/json_body.hpp"

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cbapi::detail {

bool json_nesting_exceeds(std::string_view text, std::size_t limit) noexcept {
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

nlohmann::json parse_json_body(std::string_view text) {
    // The depth is checked on the text first: nlohmann's parser itself recurses only as deep as the data, but every
    // later walk over the document (dump(), ==) would.
    if (json_nesting_exceeds(text, max_json_depth)) return nlohmann::json(nlohmann::json::value_t::discarded);
    return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

}  // namespace cbapi::detail
