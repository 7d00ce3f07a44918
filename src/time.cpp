// Time formats (cbapi/time.hpp): the checked formatting, the error messages and the public parse/format/convert
// functions. The calendar arithmetic and the parser core are constexpr and stay in the header (the tests check them at
// compile time).

#include "cbapi/time.hpp"

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "cbapi/errors.hpp"

namespace cbapi {
namespace detail {

TimePoint to_time_point(std::int64_t micros) noexcept {
    return TimePoint{std::chrono::microseconds{micros}};
}

std::int64_t to_micros(TimePoint tp) noexcept {
    return static_cast<std::int64_t>(std::chrono::floor<std::chrono::microseconds>(tp.time_since_epoch()).count());
}

void put_digits(char* dest, std::uint64_t value, int count) noexcept {
    for (int i = count - 1; i >= 0; --i) {
        dest[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

std::string format_micros(std::int64_t micros, char separator, bool fraction, bool zulu) {
    const CivilTime t = civil_from_micros(micros);
    char buffer[32];  // "YYYY-MM-DDTHH:MM:SS.ffffffZ" is 27 bytes
    put_digits(buffer, static_cast<std::uint64_t>(t.date.year), 4);
    buffer[4] = '-';
    put_digits(buffer + 5, t.date.month, 2);
    buffer[7] = '-';
    put_digits(buffer + 8, t.date.day, 2);
    buffer[10] = separator;
    put_digits(buffer + 11, t.hour, 2);
    buffer[13] = ':';
    put_digits(buffer + 14, t.minute, 2);
    buffer[16] = ':';
    put_digits(buffer + 17, t.second, 2);
    std::size_t length = 19;
    if (fraction) {
        buffer[length++] = '.';
        put_digits(buffer + length, t.microsecond, 6);
        length += 6;
    }
    if (zulu) buffer[length++] = 'Z';
    return std::string(buffer, length);
}

std::string supported_range_text() {
    return format_micros(min_micros(), 'T', true, true) + " .. " + format_micros(max_micros(), 'T', true, true);
}

std::string quote_for_message(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    const bool cut = text.size() > max_quoted_length;
    const std::string_view shown = cut ? text.substr(0, max_quoted_length) : text;
    std::string out = "\"";
    for (const char c : shown) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20 || byte > 0x7e) {
            out += "\\x";
            out += hex[byte >> 4];
            out += hex[byte & 0x0f];
        } else {
            out += c;
        }
    }
    if (cut) out += "...";
    out += '"';
    return out;
}

ApiError parse_error(std::string_view text, const ParseOutcome& outcome) {
    std::string message = "Cannot parse time " + quote_for_message(text) + ": " + outcome.error;
    if (outcome.out_of_range) message += " (" + supported_range_text() + ")";
    return ApiError(message);
}

std::string format_checked(TimePoint tp, char separator, bool fraction, bool zulu) {
    const std::int64_t micros = to_micros(tp);
    if (micros < min_civil_micros || micros > max_civil_micros) {
        throw ApiError("Cannot format time: " + std::to_string(micros) +
                       " us since the epoch is outside years 0001-9999");
    }
    return format_micros(micros, separator, fraction, zulu);
}

std::optional<std::int64_t> micros_from_epoch_seconds(double seconds) noexcept {
    if (!std::isfinite(seconds)) return std::nullopt;
    // Bound before any conversion to an integer (1e12 s is ~31,700 years, beyond year 9999 either way).
    if (seconds < -1e12 || seconds > 1e12) return std::nullopt;
    double whole = 0.0;
    const double part = std::modf(seconds, &whole);  // exact split; part in (-1, 1), same sign as seconds
    const std::int64_t micros = static_cast<std::int64_t>(whole) * micros_per_second +
                                static_cast<std::int64_t>(std::llround(part * 1e6));
    if (micros < min_civil_micros || micros > max_civil_micros) return std::nullopt;
    return micros;
}

}  // namespace detail

TimePoint parse_cb_time(std::string_view text) {
    const detail::ParseOutcome outcome = detail::parse_checked(text, detail::ZoneMode::apply);
    if (outcome.error != nullptr) throw detail::parse_error(text, outcome);
    return detail::to_time_point(outcome.micros);
}

std::optional<TimePoint> try_parse_cb_time(std::string_view text) noexcept {
    const detail::ParseOutcome outcome = detail::parse_checked(text, detail::ZoneMode::apply);
    if (outcome.error != nullptr) return std::nullopt;
    return detail::to_time_point(outcome.micros);
}

TimePoint parse_event_time(std::string_view text) {
    const detail::ParseOutcome outcome = detail::parse_checked(text, detail::ZoneMode::ignore);
    if (outcome.error != nullptr) throw detail::parse_error(text, outcome);
    return detail::to_time_point(outcome.micros);
}

std::optional<TimePoint> try_parse_event_time(std::string_view text) noexcept {
    const detail::ParseOutcome outcome = detail::parse_checked(text, detail::ZoneMode::ignore);
    if (outcome.error != nullptr) return std::nullopt;
    return detail::to_time_point(outcome.micros);
}

std::string format_query_time(TimePoint tp) {
    return detail::format_checked(tp, 'T', false, true);
}

std::string format_solr_time(TimePoint tp) {
    return detail::format_checked(tp, 'T', true, true);
}

std::string format_cb_time(TimePoint tp) {
    return detail::format_checked(tp, ' ', true, false);
}

TimePoint from_filetime(std::uint64_t ticks) {
    const std::optional<std::int64_t> micros = detail::micros_from_filetime(ticks);
    if (!micros || !detail::in_range(*micros)) {
        throw ApiError("FILETIME " + std::to_string(ticks) + " is outside the supported time range (" +
                       detail::supported_range_text() + ")");
    }
    return detail::to_time_point(*micros);
}

std::uint64_t to_filetime(TimePoint tp) {
    const std::int64_t micros = detail::to_micros(tp);
    const std::optional<std::uint64_t> ticks = detail::filetime_from_micros(micros);
    if (!ticks) {
        throw ApiError("Cannot convert time to FILETIME: " + std::to_string(micros) +
                       " us since the epoch is before 1601-01-01 or beyond the 64-bit range");
    }
    return *ticks;
}

TimePoint from_epoch_seconds(double seconds) {
    const std::optional<std::int64_t> micros = detail::micros_from_epoch_seconds(seconds);
    if (!micros || !detail::in_range(*micros)) {
        char shown[40];
        static_cast<void>(std::snprintf(shown, sizeof shown, "%.17g", seconds));
        throw ApiError(std::string("Epoch seconds ") + shown + " is not a finite time in the supported range (" +
                       detail::supported_range_text() + ")");
    }
    return detail::to_time_point(*micros);
}

}  // namespace cbapi
