// Query-string and path encoding as cbapi-python does it (cbapi/detail/url.hpp).

#include "cbapi/detail/url.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

namespace cbapi::detail {

std::string percent_encode(std::string_view text, std::string_view safe, bool space_as_plus) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() * 3);
    for (char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '_' || b == '.' ||
            b == '-' || b == '~' || (b != 0 && safe.find(c) != std::string_view::npos)) {
            out.push_back(c);
        } else if (b == ' ' && space_as_plus) {
            out.push_back('+');
        } else {
            out.push_back('%');
            out.push_back(hex[b >> 4]);
            out.push_back(hex[b & 0x0F]);
        }
    }
    return out;
}

std::string quote_plus(std::string_view text) { return percent_encode(text, {}, true); }

std::string quote(std::string_view text, std::string_view safe) {
    return percent_encode(text, safe, false);
}

std::string percent_decode(std::string_view text, bool plus_as_space) {
    auto hex_value = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+' && plus_as_space) {
            out.push_back(' ');
        } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(static_cast<unsigned char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]))));
            i += 2;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::string encode_query(QueryParams params) {
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

QueryParams parse_query_string(std::string_view qs) {
    auto decode = [](std::string_view text) { return percent_decode(text, true); };
    if (!qs.empty() && qs.front() == '?') qs.remove_prefix(1);
    QueryParams params;
    while (!qs.empty()) {
        const std::size_t amp = qs.find('&');
        const std::string_view pair = qs.substr(0, amp);
        qs = amp == std::string_view::npos ? std::string_view{} : qs.substr(amp + 1);
        if (pair.empty()) continue;
        const std::size_t eq = pair.find('=');
        if (eq == std::string_view::npos) {
            params.emplace_back(decode(pair), std::string());
        } else {
            params.emplace_back(decode(pair.substr(0, eq)), decode(pair.substr(eq + 1)));
        }
    }
    return params;
}

}  // namespace cbapi::detail
