// Parsing the Retry-After header (cbapi/detail/retry_after.hpp).

#include "cbapi/detail/retry_after.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "cbapi/time.hpp"

namespace cbapi::detail {

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    if (value.empty()) return std::nullopt;

    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (value.size() > 9) return std::chrono::hours(24 * 365);  // absurdly long: the caller caps it
        long long seconds = 0;
        for (char c : value) seconds = seconds * 10 + (c - '0');
        return std::chrono::seconds(seconds);
    }

    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    if (value.size() != 29 || value.substr(3, 2) != ", " || value.substr(25) != " GMT") return std::nullopt;
    static constexpr std::array<std::string_view, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto month_it = std::find(months.begin(), months.end(), value.substr(8, 3));
    if (month_it == months.end()) return std::nullopt;
    const auto month = static_cast<int>(month_it - months.begin()) + 1;
    // Re-express as an ISO timestamp and let the one timestamp parser validate it.
    std::string iso;
    iso.append(value.substr(12, 4)).append("-");
    iso.append(month < 10 ? "0" : "").append(std::to_string(month)).append("-");
    iso.append(value.substr(5, 2)).append("T").append(value.substr(17, 8)).append("Z");
    const auto when = try_parse_cb_time(iso);
    if (!when) return std::nullopt;
    if (*when <= now) return std::chrono::milliseconds(0);
    return std::chrono::duration_cast<std::chrono::milliseconds>(*when - now);
}

}  // namespace cbapi::detail
