#pragma once
// Ids the Cb Response server wants as numbers when they are (watchlist and feed ids arrive as text).

#include <cstddef>
#include <exception>
#include <string>

#include <nlohmann/json.hpp>

namespace cbapi::response::detail {

/// An id as the number the server expects when it is one ("6" → 6), else the text as is.
inline nlohmann::json number_if_numeric(const std::string& text) {
    try {
        std::size_t used = 0;
        const long long n = std::stoll(text, &used);
        if (used == text.size()) return n;
    } catch (const std::exception&) {
    }
    return text;
}

}  // namespace cbapi::response::detail
