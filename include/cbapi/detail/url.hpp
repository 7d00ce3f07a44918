#pragma once
// Query-string encoding exactly as cbapi-python does it: (key, value) pairs sorted by key then value, each part
// encoded like Python's urllib.parse.quote_plus (unreserved A-Z a-z 0-9 _ . - ~ kept, space as '+', every other
// byte as upper-case %XX).

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cbapi {

/// Query parameters: (key, value) pairs; a key may repeat (e.g. `facet.field`).
using QueryParams = std::vector<std::pair<std::string, std::string>>;

namespace detail {

inline std::string quote_plus(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() * 3);
    for (char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '_' || b == '.' ||
            b == '-' || b == '~') {
            out.push_back(c);
        } else if (b == ' ') {
            out.push_back('+');
        } else {
            out.push_back('%');
            out.push_back(hex[b >> 4]);
            out.push_back(hex[b & 0x0F]);
        }
    }
    return out;
}

/// Sorted, encoded `k=v&k=v` (no leading '?'); empty for no parameters.
inline std::string encode_query(QueryParams params) {
    std::sort(params.begin(), params.end());
    std::string out;
    for (const auto& [key, value] : params) {
        if (!out.empty()) out.push_back('&');
        out += quote_plus(key);
        out.push_back('=');
        out += quote_plus(value);
    }
    return out;
}

}  // namespace detail
}  // namespace cbapi
