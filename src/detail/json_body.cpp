// Parsing JSON that came from a server (cbapi/detail/json_body.hpp).

#include "cbapi/detail/json_body.hpp"

#include <cstddef>
#include <cstring>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cbapi::detail {

bool json_nesting_exceeds(std::string_view text, std::size_t limit) noexcept {
    // One pass over the text before the parser's: most of a page's bytes are inside strings, which are skipped with
    // memchr (vectorised) to their closing quote instead of a byte at a time (this walk cost 6.5% of an iteration).
    std::size_t depth = 0;
    const char* p = text.data();
    const char* const end = p + text.size();
    while (p < end) {
        const char c = *p++;
        if (c == '"') {
            // To the next quote that an even run of backslashes (none included) precedes.
            for (;;) {
                const void* found = std::memchr(p, '"', static_cast<std::size_t>(end - p));
                if (found == nullptr) return false;  // an unterminated string: the parser says so
                const char* quote = static_cast<const char*>(found);
                std::size_t backslashes = 0;
                for (const char* b = quote; b > p && *(b - 1) == '\\'; --b) ++backslashes;
                p = quote + 1;
                if (backslashes % 2 == 0) break;
            }
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
