#pragma once
// Small text helpers shared by the simulators (internal to cbapi::testing; not installed).

#include <cctype>
#include <cstdlib>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace cbapi::testing::sim {

/// ASCII lower case.
inline std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

/// Case-insensitive match of `text` against `pattern` with '*' (any run) and, when `question_mark` is set, '?' (any
/// one character) wildcards.
inline bool wildcard_match(const std::string& text, const std::string& pattern, bool question_mark = false) {
    const std::string t = lower(text), p = lower(pattern);
    std::size_t ti = 0, pi = 0, star = std::string::npos, mark = 0;
    while (ti < t.size()) {
        if (pi < p.size() && p[pi] == '*') {
            star = pi++;
            mark = ti;
        } else if (pi < p.size() && (p[pi] == t[ti] || (question_mark && p[pi] == '?'))) {
            ++pi;
            ++ti;
        } else if (star != std::string::npos) {
            pi = star + 1;
            ti = ++mark;
        } else {
            return false;
        }
    }
    while (pi < p.size() && p[pi] == '*') ++pi;
    return pi == p.size();
}

/// The whole of `text` as a number; nothing when it is empty or has anything else in it.
inline std::optional<double> to_double(const std::string& text) {
    if (text.empty()) return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end == nullptr || *end != '\0') return std::nullopt;
    return v;
}

/// A JSON value as text: a string as is, anything else as its JSON form.
inline std::string text_of(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace cbapi::testing::sim
