#pragma once
// Output helpers shared by the Cb Response process examples: times and durations printed the way Python prints
// datetime/timedelta values (so the output matches cbapi-python's scripts), and CSV fields.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "cbapi/time.hpp"

namespace cbapi::examples {

/// A time as Python's str(datetime): "YYYY-MM-DD HH:MM:SS", plus ".ffffff" when there are microseconds.
inline std::string python_time(TimePoint t) {
    std::string text = format_cb_time(t);  // "YYYY-MM-DD HH:MM:SS.ffffff"
    if (text.size() > 7 && text.compare(text.size() - 7, 7, ".000000") == 0) text.resize(text.size() - 7);
    return text;
}

/// python_time() or a placeholder when there is no time.
inline std::string python_time(const std::optional<TimePoint>& t, const char* missing = "<unknown>") {
    return t ? python_time(*t) : std::string(missing);
}

/// A duration as Python's str(timedelta): "H:MM:SS[.ffffff]", with "N day(s), " in front when longer than a day.
inline std::string python_duration(std::chrono::system_clock::duration d) {
    const bool negative = d < std::chrono::system_clock::duration::zero();
    std::int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(negative ? -d : d).count();
    const std::int64_t days = us / (86400LL * 1000000);
    us %= 86400LL * 1000000;
    std::string text = days > 0 ? fmt::format("{} day{}, ", days, days == 1 ? "" : "s") : std::string();
    text += fmt::format("{}:{:02}:{:02}", us / 3600000000LL, us / 60000000 % 60, us / 1000000 % 60);
    if (us % 1000000 != 0) text += fmt::format(".{:06}", us % 1000000);
    return (negative ? "-" : "") + text;
}

/// One CSV field (Excel dialect): quoted when it holds a comma, quote or line break; quotes doubled.
inline std::string csv_field(const std::string& value) {
    if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
    std::string out = "\"";
    for (char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace cbapi::examples
