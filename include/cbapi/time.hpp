#pragma once
/// @file
/// Time formats of the Carbon Black APIs (cbapi-python's `convert_from_solr`, `convert_from_cb`, `convert_to_cb`,
/// `convert_event_time`, FILETIME in process GUIDs, Live Response float epoch seconds).
///
/// - parse_cb_time() / try_parse_cb_time(): every time string the servers send (Solr, Cb date-time fields, `-1`);
/// - parse_event_time() / try_parse_event_time(): process-event timestamps (zone ignored, wall clock kept);
/// - format_query_time(), format_solr_time(), format_cb_time(): the three layouts the SDK writes;
/// - from_filetime() / to_filetime(), from_epoch_seconds(): numeric times.
///
/// Every value is a `std::chrono::system_clock::time_point` (cbapi::TimePoint) in UTC. The module works at
/// **microsecond** precision: parsed fractions beyond 6 digits are truncated, and sub-microsecond parts of a
/// TimePoint passed in are floored (towards the past) before formatting or converting.
///
/// Supported range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999Z, further limited to what
/// `system_clock::time_point` can hold (with libstdc++'s nanosecond clock:
/// 1677-09-21T00:12:43.145225Z .. 2262-04-11T23:47:16.854775Z). A value outside it is an error (cbapi::ApiError),
/// never a wrap-around; every TimePoint produced by this module can be formatted.
///
/// Nothing here uses `gmtime`, `timegm`, `strftime` or iostreams: the calendar arithmetic is done in integers
/// (proleptic Gregorian calendar), so it is locale-independent and thread-safe.
///
/// @code
/// auto t = cbapi::parse_cb_time("2016-06-10 14:03:24.070069-05:00");
/// cbapi::format_solr_time(t);   // "2016-06-10T19:03:24.070069Z"
/// cbapi::format_query_time(t);  // "2016-06-10T19:03:24Z"
/// cbapi::format_cb_time(t);     // "2016-06-10 19:03:24.070069"
/// @endcode

#include "cbapi/fwd.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <ratio>
#include <string>
#include <string_view>

#include "cbapi/errors.hpp"

namespace cbapi {

/// A point in time, UTC. Values made by this module carry at most microsecond precision.
using TimePoint = std::chrono::system_clock::time_point;

namespace detail {

static_assert(std::ratio_less_equal<TimePoint::period, std::micro>::value,
              "cbapi/time.hpp needs a system_clock with at least microsecond resolution");

/// Microseconds in one second.
inline constexpr std::int64_t micros_per_second = 1'000'000;
/// Seconds in one day.
inline constexpr std::int64_t seconds_per_day = 86'400;
/// Microseconds in one day.
inline constexpr std::int64_t micros_per_day = seconds_per_day * micros_per_second;
/// Microseconds from 1601-01-01T00:00:00Z (FILETIME origin) to 1970-01-01T00:00:00Z.
inline constexpr std::int64_t filetime_epoch_offset_micros = 11'644'473'600LL * micros_per_second;
/// Longest part of a bad input quoted in an error message, in bytes.
inline constexpr std::size_t max_quoted_length = 64;

/// Floor division (rounds towards negative infinity). @param a dividend @param b divisor, > 0
/// @return floor(a / b)
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    const std::int64_t q = a / b;
    return (a % b < 0) ? q - 1 : q;
}

/// Floor modulo, the companion of floor_div. @param a dividend @param b divisor, > 0
/// @return a - b * floor(a / b), in [0, b)
constexpr std::int64_t floor_mod(std::int64_t a, std::int64_t b) noexcept {
    const std::int64_t r = a % b;
    return r < 0 ? r + b : r;
}

/// Whether a year of the proleptic Gregorian calendar is a leap year. @param year the year (may be <= 0)
/// @return true for leap years
constexpr bool is_leap_year(std::int64_t year) noexcept {
    return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

/// Number of days of a month. @param year the year @param month 1..12
/// @return 28..31; 0 for a month outside 1..12
constexpr unsigned days_in_month(std::int64_t year, unsigned month) noexcept {
    constexpr unsigned table[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 0;
    return (month == 2 && is_leap_year(year)) ? 29u : table[month - 1];
}

/// Days from 1970-01-01 to a civil date (Howard Hinnant's days_from_civil, shifted to a March-based year so the
/// leap day is the last day of the year).
/// @param year the year, |year| < 2^40 @param month 1..12 @param day 1..31
/// @return days since 1970-01-01, negative before it
constexpr std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) noexcept {
    const std::int64_t y = month <= 2 ? year - 1 : year;       // year starting on March 1st
    const std::int64_t era = floor_div(y, 400);                 // 400-year cycle
    const std::int64_t year_of_era = y - era * 400;             // [0, 399]
    const std::int64_t m = static_cast<std::int64_t>(month);
    const std::int64_t month_from_march = m > 2 ? m - 3 : m + 9;  // [0, 11]
    const std::int64_t day_of_year = (153 * month_from_march + 2) / 5 + static_cast<std::int64_t>(day) - 1;  // [0, 365]
    const std::int64_t day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;  // [0, 146096]
    return era * 146'097 + day_of_era - 719'468;  // 719468 = days from 0000-03-01 to 1970-01-01
}

/// A civil (proleptic Gregorian) date.
struct CivilDate {
    std::int64_t year;  ///< the year
    unsigned month;     ///< 1..12
    unsigned day;       ///< 1..31

    /// Member-wise equality. @param other the date to compare with @return true if equal
    constexpr bool operator==(const CivilDate& other) const noexcept {
        return year == other.year && month == other.month && day == other.day;
    }
};

/// The civil date of a day count (the inverse of days_from_civil; Howard Hinnant's civil_from_days).
/// @param days days since 1970-01-01, |days| < 2^50
/// @return the date
constexpr CivilDate civil_from_days(std::int64_t days) noexcept {
    const std::int64_t z = days + 719'468;                  // days since 0000-03-01
    const std::int64_t era = floor_div(z, 146'097);
    const std::int64_t day_of_era = z - era * 146'097;      // [0, 146096]
    const std::int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36'524 - day_of_era / 146'096) / 365;  // [0, 399]
    const std::int64_t day_of_year =
        day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);  // [0, 365]
    const std::int64_t month_from_march = (5 * day_of_year + 2) / 153;                              // [0, 11]
    const std::int64_t day = day_of_year - (153 * month_from_march + 2) / 5 + 1;                   // [1, 31]
    const std::int64_t month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;  // [1, 12]
    const std::int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
    return CivilDate{year, static_cast<unsigned>(month), static_cast<unsigned>(day)};
}

/// Earliest instant the module supports by itself: 0001-01-01T00:00:00Z, in microseconds since the Unix epoch.
inline constexpr std::int64_t min_civil_micros = days_from_civil(1, 1, 1) * micros_per_day;
/// Latest instant the module supports by itself: 9999-12-31T23:59:59.999999Z, in microseconds since the epoch.
inline constexpr std::int64_t max_civil_micros = days_from_civil(10'000, 1, 1) * micros_per_day - 1;

/// Earliest whole microsecond a TimePoint can hold. @return microseconds since the epoch
constexpr std::int64_t min_time_point_micros() noexcept {
    return static_cast<std::int64_t>(
        std::chrono::ceil<std::chrono::microseconds>(TimePoint::min().time_since_epoch()).count());
}

/// Latest whole microsecond a TimePoint can hold. @return microseconds since the epoch
constexpr std::int64_t max_time_point_micros() noexcept {
    return static_cast<std::int64_t>(
        std::chrono::floor<std::chrono::microseconds>(TimePoint::max().time_since_epoch()).count());
}

/// Earliest supported instant (civil range ∩ TimePoint range). @return microseconds since the epoch
constexpr std::int64_t min_micros() noexcept {
    return min_civil_micros > min_time_point_micros() ? min_civil_micros : min_time_point_micros();
}

/// Latest supported instant (civil range ∩ TimePoint range). @return microseconds since the epoch
constexpr std::int64_t max_micros() noexcept {
    return max_civil_micros < max_time_point_micros() ? max_civil_micros : max_time_point_micros();
}

/// Whether an instant is in the supported range. @param micros microseconds since the epoch
/// @return true if min_micros() <= micros <= max_micros()
constexpr bool in_range(std::int64_t micros) noexcept { return micros >= min_micros() && micros <= max_micros(); }

/// A TimePoint from microseconds. @param micros microseconds since the epoch, must satisfy in_range()
/// @return the TimePoint
TimePoint to_time_point(std::int64_t micros) noexcept;

/// Microseconds of a TimePoint, floored. @param tp any TimePoint @return microseconds since the epoch
std::int64_t to_micros(TimePoint tp) noexcept;

/// A broken-down UTC time.
struct CivilTime {
    CivilDate date;       ///< the date
    unsigned hour;        ///< 0..23
    unsigned minute;      ///< 0..59
    unsigned second;      ///< 0..59
    unsigned microsecond; ///< 0..999999
};

/// Breaks an instant down. @param micros microseconds since the epoch, |micros| < 2^62 @return the UTC fields
constexpr CivilTime civil_from_micros(std::int64_t micros) noexcept {
    const std::int64_t days = floor_div(micros, micros_per_day);
    const std::int64_t of_day = floor_mod(micros, micros_per_day);  // [0, micros_per_day)
    const std::int64_t seconds = of_day / micros_per_second;
    return CivilTime{civil_from_days(days), static_cast<unsigned>(seconds / 3600),
                     static_cast<unsigned>(seconds / 60 % 60), static_cast<unsigned>(seconds % 60),
                     static_cast<unsigned>(of_day % micros_per_second)};
}

/// What to do with a zone designator in parse_micros().
enum class ZoneMode {
    apply,  ///< convert to UTC using the offset
    ignore  ///< keep the wall-clock fields as they are (cbapi-python's convert_event_time)
};

/// Result of parse_micros().
struct ParseOutcome {
    std::int64_t micros = 0;      ///< microseconds since the epoch (valid when error is null)
    const char* error = nullptr;  ///< why the text was rejected (static string), null on success
    bool out_of_range = false;    ///< the text was well-formed but the instant is outside the supported range
};

/// Whether a byte is ASCII white space. @param c the byte @return true for ' ', \\t, \\n, \\v, \\f, \\r
constexpr bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/// Whether a byte is an ASCII digit. @param c the byte @return true for '0'..'9'
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// Removes leading and trailing ASCII white space. @param text the text @return the trimmed view
constexpr std::string_view trim(std::string_view text) noexcept {
    std::size_t begin = 0;
    std::size_t end = text.size();
    while (begin < end && is_space(text[begin])) ++begin;
    while (end > begin && is_space(text[end - 1])) --end;
    return text.substr(begin, end - begin);
}

/// Reads exactly @p count digits (count <= 9) at @p pos.
/// @param text the text @param pos position, <= text.size(); advanced past the digits on success
/// @param count number of digits @param out receives the value
/// @return false (pos unchanged) if fewer than @p count digits are there
constexpr bool read_fixed_digits(std::string_view text, std::size_t& pos, std::size_t count, unsigned& out) noexcept {
    if (pos > text.size() || text.size() - pos < count) return false;
    unsigned value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const char c = text[pos + i];
        if (!is_digit(c)) return false;
        value = value * 10u + static_cast<unsigned>(c - '0');
    }
    pos += count;
    out = value;
    return true;
}

/// Consumes @p c at @p pos if it is there. @param text the text @param pos position, advanced on success
/// @param c the expected byte @return whether it was there
constexpr bool consume(std::string_view text, std::size_t& pos, char c) noexcept {
    if (pos < text.size() && text[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

/// The parser core; see parse_cb_time() for the accepted grammar. Checks the civil range (years 0001..9999) only,
/// not the clock's range (see parse_checked()).
/// @param input the text (leading/trailing white space ignored) @param zone_mode apply or ignore a zone designator
/// @return the instant, or the reason it was rejected
constexpr ParseOutcome parse_micros(std::string_view input, ZoneMode zone_mode) noexcept {
    ParseOutcome out;
    const std::string_view text = trim(input);
    auto fail = [&out](const char* why) {
        out.error = why;
        return out;
    };
    if (text.empty()) return fail("empty time string");
    if (text == "-1") return out;  // cbapi-python's convert_from_solr(-1): the Unix epoch

    std::size_t pos = 0;
    unsigned year = 0, month = 0, day = 0;
    if (!read_fixed_digits(text, pos, 4, year)) return fail("expected a 4-digit year");
    if (year == 0) return fail("year out of range (0001-9999)");
    if (!consume(text, pos, '-')) return fail("expected '-' after the year");
    if (!read_fixed_digits(text, pos, 2, month)) return fail("expected a 2-digit month");
    if (month < 1 || month > 12) return fail("month out of range (01-12)");
    if (!consume(text, pos, '-')) return fail("expected '-' after the month");
    if (!read_fixed_digits(text, pos, 2, day)) return fail("expected a 2-digit day");
    if (day < 1 || day > days_in_month(year, month)) return fail("day out of range for the month");

    std::int64_t micros = days_from_civil(year, month, day) * micros_per_day;
    if (pos < text.size()) {
        const char sep = text[pos];
        if (sep != 'T' && sep != 't' && sep != ' ') return fail("expected 'T' or ' ' between date and time");
        ++pos;
        unsigned hour = 0, minute = 0, second = 0;
        if (!read_fixed_digits(text, pos, 2, hour)) return fail("expected a 2-digit hour");
        if (hour > 23) return fail("hour out of range (00-23)");
        if (!consume(text, pos, ':')) return fail("expected ':' after the hour");
        if (!read_fixed_digits(text, pos, 2, minute)) return fail("expected 2-digit minutes");
        if (minute > 59) return fail("minutes out of range (00-59)");
        if (!consume(text, pos, ':')) return fail("expected ':' after the minutes");
        if (!read_fixed_digits(text, pos, 2, second)) return fail("expected 2-digit seconds");
        if (second > 60) return fail("seconds out of range (00-60)");
        if (second == 60) second = 59;  // leap second: clamped, the fraction is kept

        std::int64_t fraction = 0;  // microseconds
        if (consume(text, pos, '.')) {
            std::size_t digits = 0;
            while (pos < text.size() && is_digit(text[pos])) {
                if (++digits > 9) return fail("more than 9 fractional digits");
                if (digits <= 6) fraction = fraction * 10 + (text[pos] - '0');
                ++pos;
            }
            if (digits == 0) return fail("expected digits after '.'");
            for (std::size_t i = digits; i < 6; ++i) fraction *= 10;
        }
        micros += ((static_cast<std::int64_t>(hour) * 60 + minute) * 60 + second) * micros_per_second + fraction;

        if (pos < text.size()) {
            const char zone = text[pos];
            if (zone == 'Z' || zone == 'z') {
                ++pos;
            } else if (zone == '+' || zone == '-') {
                ++pos;
                unsigned offset_hours = 0, offset_minutes = 0;
                if (!read_fixed_digits(text, pos, 2, offset_hours)) return fail("expected a 2-digit offset hour");
                if (offset_hours > 23) return fail("offset hour out of range (00-23)");
                const bool colon = consume(text, pos, ':');  // +hh:mm, +hhmm or +hh
                if (colon || (pos < text.size() && is_digit(text[pos]))) {
                    if (!read_fixed_digits(text, pos, 2, offset_minutes)) {
                        return fail("expected 2-digit offset minutes");
                    }
                }
                if (offset_minutes > 59) return fail("offset minutes out of range (00-59)");
                const std::int64_t offset =
                    (static_cast<std::int64_t>(offset_hours) * 60 + offset_minutes) * 60 * micros_per_second;
                // local = UTC + offset, so UTC = local - offset.
                if (zone_mode == ZoneMode::apply) micros += (zone == '+') ? -offset : offset;
            } else {
                return fail("expected 'Z', '+' or '-' after the time");
            }
        }
    }
    if (pos != text.size()) return fail("unexpected text after the time");
    if (micros < min_civil_micros || micros > max_civil_micros) {
        out.out_of_range = true;
        return fail("outside the supported range");
    }
    out.micros = micros;
    return out;
}

/// parse_micros() plus the check that the instant fits the supported range (in_range()).
/// @param input the text @param zone_mode apply or ignore a zone designator
/// @return the instant, or the reason it was rejected
constexpr ParseOutcome parse_checked(std::string_view input, ZoneMode zone_mode) noexcept {
    ParseOutcome out = parse_micros(input, zone_mode);
    if (out.error == nullptr && !in_range(out.micros)) {
        out.error = "outside the supported range";
        out.out_of_range = true;
    }
    return out;
}

/// Writes @p count digits of @p value (zero-padded) into @p dest. @param dest output, room for count bytes
/// @param value the number, < 10^count @param count number of digits
void put_digits(char* dest, std::uint64_t value, int count) noexcept;

/// Formats an instant in one of the module's layouts.
/// @param micros microseconds since the epoch, must be within the civil range (years 0001..9999)
/// @param separator between date and time ('T' or ' ') @param fraction whether to write ".ffffff"
/// @param zulu whether to write a trailing 'Z'
/// @return the text
std::string format_micros(std::int64_t micros, char separator, bool fraction, bool zulu);

/// The supported range, for error messages. @return "<min> .. <max>" in Solr format
std::string supported_range_text();

/// Quotes a (possibly hostile) input for an error message: at most max_quoted_length bytes, followed by "..." when
/// cut; '"', '\\' and bytes outside printable ASCII are escaped (\\", \\\\, \\xHH).
/// @param text the input @return the quoted text, including the double quotes
std::string quote_for_message(std::string_view text);

/// The exception for a rejected time string. @param text the input @param outcome the failed parse
/// @return ApiError with "Cannot parse time \"<text>\": <reason>"
ApiError parse_error(std::string_view text, const ParseOutcome& outcome);

/// Checked formatting used by the public format_* functions.
/// @param tp the instant @param separator 'T' or ' ' @param fraction write ".ffffff" @param zulu write 'Z'
/// @return the text
/// @throws ApiError if the year is outside 0001..9999 (only possible with a clock wider than libstdc++'s)
std::string format_checked(TimePoint tp, char separator, bool fraction, bool zulu);

/// FILETIME ticks to microseconds (truncated to whole microseconds).
/// @param ticks 100-ns intervals since 1601-01-01T00:00:00Z @return microseconds since the Unix epoch, or nothing
/// if after year 9999 (the clock's range is not checked here)
constexpr std::optional<std::int64_t> micros_from_filetime(std::uint64_t ticks) noexcept {
    // ticks / 10 <= 1.85e18 < 2^63: no overflow.
    const std::int64_t micros = static_cast<std::int64_t>(ticks / 10u) - filetime_epoch_offset_micros;
    if (micros > max_civil_micros) return std::nullopt;
    return micros;
}

/// Microseconds to FILETIME ticks. @param micros microseconds since the Unix epoch (any value)
/// @return the ticks, or nothing if before 1601-01-01 or beyond what 64 unsigned bits hold
constexpr std::optional<std::uint64_t> filetime_from_micros(std::int64_t micros) noexcept {
    if (micros < -filetime_epoch_offset_micros) return std::nullopt;
    if (micros > std::numeric_limits<std::int64_t>::max() - filetime_epoch_offset_micros) return std::nullopt;
    const auto since_1601 = static_cast<std::uint64_t>(micros + filetime_epoch_offset_micros);
    if (since_1601 > std::numeric_limits<std::uint64_t>::max() / 10u) return std::nullopt;
    return since_1601 * 10u;
}

/// Float epoch seconds to microseconds, rounded to the nearest microsecond (halves away from zero).
/// @param seconds seconds since the Unix epoch
/// @return microseconds, or nothing if not finite or outside years 0001..9999 (the clock's range is not checked here)
std::optional<std::int64_t> micros_from_epoch_seconds(double seconds) noexcept;

}  // namespace detail

/// Parses any time string the Carbon Black servers send (cbapi-python's `convert_from_solr` and
/// `convert_from_cb`).
///
/// Accepted, after leading/trailing ASCII white space is removed:
/// - `YYYY-MM-DD` (midnight UTC);
/// - `YYYY-MM-DD<sep>hh:mm:ss[.f][zone]`, `<sep>` = `T`, `t` or one space; `.f` = 1..9 digits, truncated to
///   microseconds; `zone` = `Z`, `z`, `+hh:mm`, `-hh:mm`, `+hhmm`, `-hhmm`, `+hh`, `-hh` (offset hours 00..23,
///   minutes 00..59); no zone = UTC;
/// - `-1` (the Unix epoch; cbapi-python's placeholder for a missing Solr time).
///
/// Fields have exactly the digits shown; year 0001..9999, month 01..12, day valid for the month (leap years per the
/// Gregorian calendar), hour 00..23, minutes 00..59, seconds 00..60 — a leap second (60) is clamped to 59, keeping
/// the fraction. The result must be in the supported range (see the file comment).
///
/// @param text e.g. `2017-05-21T18:41:58.123456Z`, `2016-06-10 14:03:24.070069-05:00`, `2016-06-10`
/// @return the instant, UTC
/// @throws ApiError if the text is malformed or out of range; the message quotes the text (at most 64 bytes,
///         escaped) and says what was wrong, e.g. `Cannot parse time "2015-02-29": day out of range for the month`
[[nodiscard]] TimePoint parse_cb_time(std::string_view text);

/// parse_cb_time() without exceptions.
/// @param text the time string
/// @return the instant, or std::nullopt where parse_cb_time() would throw
[[nodiscard]] std::optional<TimePoint> try_parse_cb_time(std::string_view text) noexcept;

/// Parses a process-event timestamp the way cbapi-python's `convert_event_time` does: same grammar as
/// parse_cb_time(), but a zone designator is accepted and **ignored** — the wall-clock fields (sensor-local time)
/// are kept and returned as if they were UTC.
/// @param text e.g. `2017-01-11 18:33:06.512` or `2017-01-11T18:33:06.512-05:00` (both give 18:33:06.512)
/// @return the wall-clock time, labelled UTC
/// @throws ApiError if the text is malformed or out of range (same message as parse_cb_time())
[[nodiscard]] TimePoint parse_event_time(std::string_view text);

/// parse_event_time() without exceptions.
/// @param text the time string
/// @return the wall-clock time, or std::nullopt where parse_event_time() would throw
[[nodiscard]] std::optional<TimePoint> try_parse_event_time(std::string_view text) noexcept;

/// Formats a query-filter time, `%Y-%m-%dT%H:%M:%SZ` in UTC (e.g. the `cb.min_last_update` parameter, the
/// watchlist export date). The fraction is dropped (floored).
/// @param tp the instant
/// @return e.g. `2017-05-21T18:41:58Z`
/// @throws ApiError if the year is outside 0001..9999 (never with libstdc++'s clock)
[[nodiscard]] std::string format_query_time(TimePoint tp);

/// Formats a Solr time, `%Y-%m-%dT%H:%M:%S.%fZ` in UTC with a 6-digit fraction.
/// @param tp the instant (sub-microsecond part floored)
/// @return e.g. `2017-05-21T18:41:58.123456Z`
/// @throws ApiError if the year is outside 0001..9999 (never with libstdc++'s clock)
[[nodiscard]] std::string format_solr_time(TimePoint tp);

/// Formats a document date-time field the way cbapi-python writes it, `%Y-%m-%d %H:%M:%S.%f` (UTC fields,
/// 6-digit fraction, no zone designator).
/// @param tp the instant (sub-microsecond part floored)
/// @return e.g. `2016-06-10 19:03:24.070069`
/// @throws ApiError if the year is outside 0001..9999 (never with libstdc++'s clock)
[[nodiscard]] std::string format_cb_time(TimePoint tp);

/// Converts a Windows FILETIME (as in the last 16 hex digits of a process GUID) to a TimePoint.
/// @param ticks 100-ns intervals since 1601-01-01T00:00:00Z; truncated to whole microseconds
/// @return the instant (e.g. 116444736000000000 → 1970-01-01T00:00:00Z)
/// @throws ApiError if the instant is outside the supported range (with libstdc++: before 1677-09-21 or after
///         2262-04-11; in any case after 9999-12-31)
[[nodiscard]] TimePoint from_filetime(std::uint64_t ticks);

/// Converts a TimePoint to a Windows FILETIME (sub-microsecond part floored, so the result is a multiple of 10).
/// @param tp the instant
/// @return 100-ns intervals since 1601-01-01T00:00:00Z
/// @throws ApiError if @p tp is before 1601-01-01 or too late for 64 bits (only possible with clocks wider than
///         libstdc++'s)
[[nodiscard]] std::uint64_t to_filetime(TimePoint tp);

/// Converts float seconds since the Unix epoch (Live Response `create_time`, `completion`, directory entry times)
/// to a TimePoint, rounded to the nearest microsecond (halves away from zero).
/// @param seconds e.g. 1464319733.171967
/// @return the instant
/// @throws ApiError if @p seconds is NaN, infinite or outside the supported range
[[nodiscard]] TimePoint from_epoch_seconds(double seconds);

}  // namespace cbapi
