// Tests of cbapi/time.hpp: parsing and formatting of the Carbon Black time formats, FILETIME, epoch seconds.
#include "cbapi/time.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using cbapi::TimePoint;
using std::chrono::microseconds;

// Builds a TimePoint from UTC fields; independent of the parser (uses only detail::days_from_civil, itself checked
// against known day numbers below).
TimePoint utc(std::int64_t year, unsigned month, unsigned day, unsigned hour = 0, unsigned minute = 0,
              unsigned second = 0, std::int64_t micro = 0) {
    const std::int64_t days = cbapi::detail::days_from_civil(year, month, day);
    const std::int64_t seconds = days * 86'400 + static_cast<std::int64_t>(hour) * 3600 +
                                 static_cast<std::int64_t>(minute) * 60 + static_cast<std::int64_t>(second);
    return TimePoint{microseconds{seconds * 1'000'000 + micro}};
}

std::int64_t micros_of(TimePoint tp) {
    return static_cast<std::int64_t>(std::chrono::duration_cast<microseconds>(tp.time_since_epoch()).count());
}

// Whether the clock can hold a given year (libstdc++'s nanosecond clock covers 1677..2262 only).
bool clock_holds(std::int64_t year) {
    const std::int64_t first = cbapi::detail::days_from_civil(year, 1, 1) * cbapi::detail::micros_per_day;
    const std::int64_t last = cbapi::detail::days_from_civil(year + 1, 1, 1) * cbapi::detail::micros_per_day - 1;
    return first >= cbapi::detail::min_micros() && last <= cbapi::detail::max_micros();
}

std::string error_of(std::string_view text) {
    try {
        (void)cbapi::parse_cb_time(text);
    } catch (const cbapi::ApiError& e) {
        return e.what();
    }
    return "<no exception>";
}

// ---------------------------------------------------------------------------------------------------------------
// Calendar arithmetic (detail), including compile-time checks.

static_assert(cbapi::detail::days_from_civil(1970, 1, 1) == 0);
static_assert(cbapi::detail::days_from_civil(1969, 12, 31) == -1);
static_assert(cbapi::detail::days_from_civil(2000, 3, 1) == 11'017);
static_assert(cbapi::detail::days_from_civil(1601, 1, 1) == -134'774);
static_assert(cbapi::detail::days_from_civil(1, 1, 1) == -719'162);
static_assert(cbapi::detail::civil_from_days(-1) == cbapi::detail::CivilDate{1969, 12, 31});
static_assert(cbapi::detail::civil_from_days(11'016) == cbapi::detail::CivilDate{2000, 2, 29});
static_assert(cbapi::detail::floor_div(-1, 10) == -1 && cbapi::detail::floor_mod(-1, 10) == 9);
static_assert(cbapi::detail::floor_div(-10, 10) == -1 && cbapi::detail::floor_mod(-10, 10) == 0);
static_assert(cbapi::detail::floor_mod(std::numeric_limits<std::int64_t>::min(), 7) >= 0);
static_assert(cbapi::detail::parse_micros("1970-01-02T00:00:00.000001Z", cbapi::detail::ZoneMode::apply).micros ==
              86'400'000'001);

TEST(CbTimeCalendar, DaysFromCivilRoundTripsOverYears1To9999) {
    const std::int64_t first = cbapi::detail::days_from_civil(1, 1, 1);
    const std::int64_t last = cbapi::detail::days_from_civil(9999, 12, 31);
    std::int64_t year = 1;
    unsigned month = 1, day = 1;
    for (std::int64_t days = first; days <= last; ++days) {
        const cbapi::detail::CivilDate date = cbapi::detail::civil_from_days(days);
        ASSERT_EQ(date, (cbapi::detail::CivilDate{year, month, day})) << "days " << days;
        ASSERT_EQ(cbapi::detail::days_from_civil(year, month, day), days);
        if (++day > cbapi::detail::days_in_month(year, month)) {
            day = 1;
            if (++month > 12) {
                month = 1;
                ++year;
            }
        }
    }
    EXPECT_EQ(year, 10'000);
}

TEST(CbTimeCalendar, LeapYearRules) {
    EXPECT_TRUE(cbapi::detail::is_leap_year(2016));
    EXPECT_TRUE(cbapi::detail::is_leap_year(2000));
    EXPECT_TRUE(cbapi::detail::is_leap_year(1600));
    EXPECT_FALSE(cbapi::detail::is_leap_year(1900));
    EXPECT_FALSE(cbapi::detail::is_leap_year(2015));
    EXPECT_FALSE(cbapi::detail::is_leap_year(2100));
    EXPECT_EQ(cbapi::detail::days_in_month(2016, 2), 29u);
    EXPECT_EQ(cbapi::detail::days_in_month(2015, 2), 28u);
    EXPECT_EQ(cbapi::detail::days_in_month(2015, 13), 0u);
}

TEST(CbTimeCalendar, CivilFromMicrosBeforeEpoch) {
    const cbapi::detail::CivilTime t = cbapi::detail::civil_from_micros(-1);
    EXPECT_EQ(t.date, (cbapi::detail::CivilDate{1969, 12, 31}));
    EXPECT_EQ(t.hour, 23u);
    EXPECT_EQ(t.minute, 59u);
    EXPECT_EQ(t.second, 59u);
    EXPECT_EQ(t.microsecond, 999'999u);
}

TEST(CbTimeCalendar, UtcHelperMatchesKnownEpochValues) {
    EXPECT_EQ(micros_of(utc(2017, 5, 21, 18, 41, 58)), 1'495'392'118'000'000);
    EXPECT_EQ(micros_of(utc(1969, 12, 31, 23, 59, 59)), -1'000'000);
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

TEST(CbTime, ParsesSolrWithFraction) {
    EXPECT_EQ(cbapi::parse_cb_time("2017-05-21T18:41:58.123456Z"), utc(2017, 5, 21, 18, 41, 58, 123'456));
}

TEST(CbTime, ParsesSolrWithoutFraction) {
    EXPECT_EQ(cbapi::parse_cb_time("2017-05-21T18:41:58Z"), utc(2017, 5, 21, 18, 41, 58));
}

TEST(CbTime, ParsesFractionsOfOneToNineDigits) {
    const TimePoint base = utc(2016, 5, 20, 9, 0, 5);
    EXPECT_EQ(cbapi::parse_cb_time("2016-05-20T09:00:05.2Z"), base + microseconds{200'000});
    EXPECT_EQ(cbapi::parse_cb_time("2016-05-20T09:00:05.29Z"), base + microseconds{290'000});
    EXPECT_EQ(cbapi::parse_cb_time("2016-05-20T09:00:05.026Z"), base + microseconds{26'000});
    EXPECT_EQ(cbapi::parse_cb_time("2016-05-20T09:00:05.0260Z"), base + microseconds{26'000});
    EXPECT_EQ(cbapi::parse_cb_time("2016-05-20T09:00:05.00001Z"), base + microseconds{10});
    EXPECT_EQ(cbapi::parse_cb_time("2016-05-20T09:00:05.000001Z"), base + microseconds{1});
    EXPECT_EQ(cbapi::parse_cb_time("2016-05-20T09:00:05.0000019Z"), base + microseconds{1});  // truncated
    EXPECT_EQ(cbapi::parse_cb_time("2016-05-20T09:00:05.12345678Z"), base + microseconds{123'456});
    EXPECT_EQ(cbapi::parse_cb_time("2016-05-20T09:00:05.999999999Z"), base + microseconds{999'999});
    EXPECT_EQ(cbapi::parse_cb_time("2016-05-20T09:00:05.0Z"), base);
}

TEST(CbTime, ParsesCbFormatWithNegativeOffset) {
    EXPECT_EQ(cbapi::parse_cb_time("2016-06-10 14:03:24.070069-05:00"),
              cbapi::parse_cb_time("2016-06-10T19:03:24.070069Z"));
    EXPECT_EQ(cbapi::parse_cb_time("2016-06-10 14:03:24.070069-05:00"), utc(2016, 6, 10, 19, 3, 24, 70'069));
}

TEST(CbTime, ParsesAllOffsetForms) {
    const TimePoint expected = utc(2016, 6, 10, 19, 3, 24);
    EXPECT_EQ(cbapi::parse_cb_time("2016-06-10T19:03:24Z"), expected);
    EXPECT_EQ(cbapi::parse_cb_time("2016-06-10T19:03:24z"), expected);
    EXPECT_EQ(cbapi::parse_cb_time("2016-06-10T21:03:24+02:00"), expected);
    EXPECT_EQ(cbapi::parse_cb_time("2016-06-10T21:03:24+0200"), expected);
    EXPECT_EQ(cbapi::parse_cb_time("2016-06-10T21:03:24+02"), expected);
    EXPECT_EQ(cbapi::parse_cb_time("2016-06-10T14:03:24-0500"), expected);
    EXPECT_EQ(cbapi::parse_cb_time("2016-06-10T14:03:24-05"), expected);
    EXPECT_EQ(cbapi::parse_cb_time("2016-06-11T00:33:24+05:30"), expected);
    EXPECT_EQ(cbapi::parse_cb_time("2016-06-10T15:18:24-03:45"), expected);
    EXPECT_EQ(cbapi::parse_cb_time("2016-06-10T19:03:24+00:00"), expected);
    EXPECT_EQ(cbapi::parse_cb_time("2016-06-10T19:03:24-00:00"), expected);
    EXPECT_EQ(cbapi::parse_cb_time("2016-06-10 19:03:24"), expected);  // no zone: UTC
    EXPECT_EQ(cbapi::parse_cb_time("2016-06-10T19:03:24"), expected);
    EXPECT_EQ(cbapi::parse_cb_time("2016-06-10t19:03:24"), expected);
}

TEST(CbTime, OffsetCrossesDayMonthAndYearBoundaries) {
    EXPECT_EQ(cbapi::parse_cb_time("1990-01-01 00:00:00-06:00"), utc(1990, 1, 1, 6));
    EXPECT_EQ(cbapi::parse_cb_time("2016-12-31 22:00:00-05:00"), utc(2017, 1, 1, 3));
    EXPECT_EQ(cbapi::parse_cb_time("2017-01-01 01:00:00+05:00"), utc(2016, 12, 31, 20));
    EXPECT_EQ(cbapi::parse_cb_time("2016-03-01T00:30:00+01:00"), utc(2016, 2, 29, 23, 30));
}

TEST(CbTime, MinusOneIsTheEpoch) {
    EXPECT_EQ(cbapi::parse_cb_time("-1"), TimePoint{});
    EXPECT_EQ(cbapi::parse_cb_time("  -1 "), TimePoint{});
    EXPECT_THROW((void)cbapi::parse_cb_time("-2"), cbapi::ApiError);
    EXPECT_THROW((void)cbapi::parse_cb_time("-1.0"), cbapi::ApiError);
    EXPECT_THROW((void)cbapi::parse_cb_time("0"), cbapi::ApiError);
}

TEST(CbTime, DateOnlyIsMidnightUtc) {
    EXPECT_EQ(cbapi::parse_cb_time("2016-06-10"), utc(2016, 6, 10));
    EXPECT_EQ(cbapi::parse_cb_time("1970-01-01"), TimePoint{});
}

TEST(CbTime, IgnoresSurroundingWhitespace) {
    EXPECT_EQ(cbapi::parse_cb_time(" \t2017-05-21T18:41:58Z\r\n"), utc(2017, 5, 21, 18, 41, 58));
    EXPECT_EQ(cbapi::parse_cb_time("\n2016-06-10 "), utc(2016, 6, 10));
}

TEST(CbTime, LeapYears) {
    EXPECT_EQ(cbapi::parse_cb_time("2016-02-29"), utc(2016, 2, 29));
    EXPECT_EQ(cbapi::parse_cb_time("2000-02-29T12:00:00Z"), utc(2000, 2, 29, 12));
    EXPECT_THROW((void)cbapi::parse_cb_time("2015-02-29"), cbapi::ApiError);
    EXPECT_THROW((void)cbapi::parse_cb_time("1900-02-29"), cbapi::ApiError);
    EXPECT_THROW((void)cbapi::parse_cb_time("2016-02-30"), cbapi::ApiError);
    EXPECT_EQ(cbapi::parse_cb_time("2016-03-01") - cbapi::parse_cb_time("2016-02-28"), std::chrono::hours{48});
    EXPECT_EQ(cbapi::parse_cb_time("2015-03-01") - cbapi::parse_cb_time("2015-02-28"), std::chrono::hours{24});
}

TEST(CbTime, LastDayOfEveryMonth) {
    const char* valid[] = {"2017-01-31", "2017-02-28", "2017-03-31", "2017-04-30", "2017-05-31", "2017-06-30",
                           "2017-07-31", "2017-08-31", "2017-09-30", "2017-10-31", "2017-11-30", "2017-12-31"};
    const char* invalid[] = {"2017-01-32", "2017-02-29", "2017-03-32", "2017-04-31", "2017-05-32", "2017-06-31",
                             "2017-07-32", "2017-08-32", "2017-09-31", "2017-10-32", "2017-11-31", "2017-12-32"};
    for (const char* text : valid) EXPECT_TRUE(cbapi::try_parse_cb_time(text).has_value()) << text;
    for (const char* text : invalid) EXPECT_FALSE(cbapi::try_parse_cb_time(text).has_value()) << text;
}

TEST(CbTime, LeapSecondIsClampedTo59) {
    EXPECT_EQ(cbapi::parse_cb_time("2016-12-31T23:59:60Z"), utc(2016, 12, 31, 23, 59, 59));
    EXPECT_EQ(cbapi::parse_cb_time("2016-12-31T23:59:60.5Z"), utc(2016, 12, 31, 23, 59, 59, 500'000));
    EXPECT_THROW((void)cbapi::parse_cb_time("2016-12-31T23:59:61Z"), cbapi::ApiError);
}

TEST(CbTime, PreEpochDates) {
    EXPECT_EQ(cbapi::parse_cb_time("1969-12-31T23:59:59.999999Z"), TimePoint{} - microseconds{1});
    EXPECT_EQ(cbapi::parse_cb_time("1969-12-31T23:59:59Z"), TimePoint{} - std::chrono::seconds{1});
    EXPECT_EQ(micros_of(cbapi::parse_cb_time("1900-01-01")), -2'208'988'800'000'000);
    EXPECT_EQ(micros_of(cbapi::parse_cb_time("1700-03-01T12:34:56.789012Z")),
              micros_of(utc(1700, 3, 1, 12, 34, 56, 789'012)));
    EXPECT_EQ(cbapi::format_solr_time(TimePoint{} - microseconds{1}), "1969-12-31T23:59:59.999999Z");
    EXPECT_EQ(cbapi::format_query_time(TimePoint{} - microseconds{1}), "1969-12-31T23:59:59Z");
    EXPECT_EQ(cbapi::format_cb_time(TimePoint{} - std::chrono::hours{24 * 365}), "1969-01-01 00:00:00.000000");
    EXPECT_EQ(cbapi::format_solr_time(utc(1900, 1, 1, 0, 0, 0, 1)), "1900-01-01T00:00:00.000001Z");
}

TEST(CbTime, SubMicrosecondPartsAreFlooredWhenFormatting) {
    if (!std::chrono::treat_as_floating_point<TimePoint::rep>::value &&
        std::ratio_less<TimePoint::period, std::micro>::value) {
        const TimePoint before_epoch = TimePoint{} - TimePoint::duration{1};  // one tick before 1970
        EXPECT_EQ(cbapi::format_solr_time(before_epoch), "1969-12-31T23:59:59.999999Z");
        const TimePoint after_epoch = TimePoint{} + TimePoint::duration{1};
        EXPECT_EQ(cbapi::format_solr_time(after_epoch), "1970-01-01T00:00:00.000000Z");
    }
}

TEST(CbTime, SupportedRangeEdges) {
    // 9999-12-31 and 0001-01-01 are syntactically valid; whether they are in range depends on the clock.
    EXPECT_EQ(cbapi::try_parse_cb_time("9999-12-31T23:59:59.999999Z").has_value(), clock_holds(9999));
    EXPECT_EQ(cbapi::try_parse_cb_time("0001-01-01").has_value(), clock_holds(1));
    EXPECT_FALSE(cbapi::try_parse_cb_time("0000-01-01").has_value());
    // The µs core supports the whole civil range whatever the clock.
    using cbapi::detail::ZoneMode;
    EXPECT_EQ(cbapi::detail::parse_micros("0001-01-01", ZoneMode::apply).micros, cbapi::detail::min_civil_micros);
    EXPECT_EQ(cbapi::detail::parse_micros("9999-12-31T23:59:59.999999999Z", ZoneMode::apply).micros,
              cbapi::detail::max_civil_micros);
    EXPECT_EQ(cbapi::detail::parse_checked("0001-01-01", ZoneMode::apply).out_of_range, !clock_holds(1));
    EXPECT_EQ(cbapi::detail::format_micros(cbapi::detail::min_civil_micros, 'T', true, true),
              "0001-01-01T00:00:00.000000Z");
    EXPECT_EQ(cbapi::detail::format_micros(cbapi::detail::max_civil_micros, 'T', true, true),
              "9999-12-31T23:59:59.999999Z");
    // An offset may not push the instant out of the civil range.
    EXPECT_TRUE(cbapi::detail::parse_micros("0001-01-01T00:00:00+01:00", ZoneMode::apply).out_of_range);
    EXPECT_TRUE(cbapi::detail::parse_micros("9999-12-31T23:30:00-01:00", ZoneMode::apply).out_of_range);
    // The edges of the clock itself parse and format.
    const std::string min_text = cbapi::detail::format_micros(cbapi::detail::min_micros(), 'T', true, true);
    const std::string max_text = cbapi::detail::format_micros(cbapi::detail::max_micros(), 'T', true, true);
    EXPECT_EQ(micros_of(cbapi::parse_cb_time(min_text)), cbapi::detail::min_micros());
    EXPECT_EQ(micros_of(cbapi::parse_cb_time(max_text)), cbapi::detail::max_micros());
    EXPECT_EQ(cbapi::format_solr_time(cbapi::parse_cb_time(min_text)), min_text);
    EXPECT_EQ(cbapi::format_solr_time(cbapi::parse_cb_time(max_text)), max_text);
    // The clock's own extremes format if they are within years 0001..9999, else formatting throws.
    if (cbapi::detail::min_time_point_micros() >= cbapi::detail::min_civil_micros) {
        EXPECT_NO_THROW((void)cbapi::format_solr_time(TimePoint::min()));
    } else {
        EXPECT_THROW((void)cbapi::format_solr_time(TimePoint::min()), cbapi::ApiError);
    }
    if (cbapi::detail::max_time_point_micros() <= cbapi::detail::max_civil_micros) {
        EXPECT_NO_THROW((void)cbapi::format_solr_time(TimePoint::max()));
    } else {
        EXPECT_THROW((void)cbapi::format_solr_time(TimePoint::max()), cbapi::ApiError);
    }
}

TEST(CbTime, OutOfRangeMessageNamesTheRange) {
    if (clock_holds(1)) GTEST_SKIP() << "this clock holds year 0001";
    const std::string message = error_of("0001-01-01");
    EXPECT_NE(message.find("outside the supported range"), std::string::npos) << message;
    EXPECT_NE(message.find(" .. "), std::string::npos) << message;
}

TEST(CbTime, TryParseReturnsValueOrNullopt) {
    EXPECT_EQ(cbapi::try_parse_cb_time("2017-05-21T18:41:58Z"), utc(2017, 5, 21, 18, 41, 58));
    EXPECT_EQ(cbapi::try_parse_cb_time("garbage"), std::nullopt);
    EXPECT_EQ(cbapi::try_parse_cb_time(""), std::nullopt);
    static_assert(noexcept(cbapi::try_parse_cb_time(std::string_view{})));
    static_assert(noexcept(cbapi::try_parse_event_time(std::string_view{})));
}

TEST(CbTime, EventTimeKeepsWallClockAndIgnoresZone) {
    const TimePoint wall = utc(2017, 1, 11, 18, 33, 6, 512'000);
    EXPECT_EQ(cbapi::parse_event_time("2017-01-11 18:33:06.512"), wall);
    EXPECT_EQ(cbapi::parse_event_time("2017-01-11T18:33:06.512-05:00"), wall);
    EXPECT_EQ(cbapi::parse_event_time("2017-01-11T18:33:06.512+0930"), wall);
    EXPECT_EQ(cbapi::parse_event_time("2017-01-11T18:33:06.512Z"), wall);
    EXPECT_THROW((void)cbapi::parse_event_time("2017-01-11T18:33:06.512-5"), cbapi::ApiError);
    EXPECT_EQ(cbapi::try_parse_event_time("not a time"), std::nullopt);
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting

TEST(CbTime, FormatsQueryTime) {
    EXPECT_EQ(cbapi::format_query_time(utc(2017, 5, 21, 18, 41, 58, 999'999)), "2017-05-21T18:41:58Z");
    EXPECT_EQ(cbapi::format_query_time(TimePoint{}), "1970-01-01T00:00:00Z");
}

TEST(CbTime, FormatsSolrTime) {
    EXPECT_EQ(cbapi::format_solr_time(utc(2017, 5, 21, 18, 41, 58, 123'456)), "2017-05-21T18:41:58.123456Z");
    EXPECT_EQ(cbapi::format_solr_time(utc(2017, 5, 21, 18, 41, 58, 7)), "2017-05-21T18:41:58.000007Z");
    EXPECT_EQ(cbapi::format_solr_time(utc(2017, 5, 21, 18, 41, 58)), "2017-05-21T18:41:58.000000Z");
}

TEST(CbTime, FormatsCbTime) {
    EXPECT_EQ(cbapi::format_cb_time(cbapi::parse_cb_time("2016-06-10 14:03:24.070069-05:00")),
              "2016-06-10 19:03:24.070069");
    EXPECT_EQ(cbapi::format_cb_time(utc(2016, 2, 29, 0, 0, 0, 1)), "2016-02-29 00:00:00.000001");
}

TEST(CbTime, FormatsFourDigitYearsWithLeadingZeros) {
    EXPECT_EQ(cbapi::detail::format_micros(cbapi::detail::days_from_civil(999, 3, 4) * cbapi::detail::micros_per_day,
                                           ' ', true, false),
              "0999-03-04 00:00:00.000000");
}

TEST(CbTime, RoundTripsKnownStrings) {
    for (const char* text : {"2017-05-21T18:41:58.123456Z", "2016-02-29T00:00:00.000000Z",
                             "1969-07-20T20:17:40.000001Z", "1970-01-01T00:00:00.000000Z",
                             "2038-01-19T03:14:08.999999Z", "1901-12-13T20:45:52.000000Z"}) {
        EXPECT_EQ(cbapi::format_solr_time(cbapi::parse_cb_time(text)), text);
    }
    for (const char* text : {"2017-05-21T18:41:58Z", "1950-06-15T06:07:08Z"}) {
        EXPECT_EQ(cbapi::format_query_time(cbapi::parse_cb_time(text)), text);
    }
    for (const char* text : {"2016-06-10 19:03:24.070069", "1960-12-31 23:59:59.999999"}) {
        EXPECT_EQ(cbapi::format_cb_time(cbapi::parse_cb_time(text)), text);
    }
}

TEST(CbTime, RoundTripsRandomInstants) {
    std::mt19937_64 random(20170810);
    std::uniform_int_distribution<std::int64_t> pick(cbapi::detail::min_micros(), cbapi::detail::max_micros());
    for (int i = 0; i < 20'000; ++i) {
        const TimePoint t{microseconds{pick(random)}};
        ASSERT_EQ(cbapi::parse_cb_time(cbapi::format_solr_time(t)), t) << cbapi::format_solr_time(t);
        ASSERT_EQ(cbapi::parse_cb_time(cbapi::format_cb_time(t)), t) << cbapi::format_cb_time(t);
        const TimePoint whole = std::chrono::floor<std::chrono::seconds>(t);
        ASSERT_EQ(cbapi::parse_cb_time(cbapi::format_query_time(t)), whole) << cbapi::format_query_time(t);
    }
}

TEST(CbTime, RoundTripsCivilRangeInMicroCore) {
    std::mt19937_64 random(42);
    std::uniform_int_distribution<std::int64_t> pick(cbapi::detail::min_civil_micros, cbapi::detail::max_civil_micros);
    for (int i = 0; i < 20'000; ++i) {
        const std::int64_t micros = pick(random);
        const std::string text = cbapi::detail::format_micros(micros, 'T', true, true);
        const cbapi::detail::ParseOutcome back = cbapi::detail::parse_micros(text, cbapi::detail::ZoneMode::apply);
        ASSERT_EQ(back.error, nullptr) << text;
        ASSERT_EQ(back.micros, micros) << text;
        const cbapi::detail::ParseOutcome checked = cbapi::detail::parse_checked(text, cbapi::detail::ZoneMode::apply);
        ASSERT_EQ(checked.out_of_range, !cbapi::detail::in_range(micros)) << text;
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

TEST(CbTime, ErrorMessagesQuoteTheTextAndSayWhy) {
    EXPECT_EQ(error_of("2015-02-29"), "Cannot parse time \"2015-02-29\": day out of range for the month");
    EXPECT_EQ(error_of(""), "Cannot parse time \"\": empty time string");
    EXPECT_EQ(error_of("2016-13-01"), "Cannot parse time \"2016-13-01\": month out of range (01-12)");
    EXPECT_EQ(error_of("2016-06-10T24:00:00Z"),
              "Cannot parse time \"2016-06-10T24:00:00Z\": hour out of range (00-23)");
    EXPECT_EQ(error_of("2016-06-10T19:03:24Zjunk"),
              "Cannot parse time \"2016-06-10T19:03:24Zjunk\": unexpected text after the time");
    EXPECT_EQ(error_of("yesterday"), "Cannot parse time \"yesterday\": expected a 4-digit year");
}

TEST(CbTime, ErrorMessagesTruncateAndEscape) {
    const std::string long_text(1000, '7');
    const std::string message = error_of(long_text);
    EXPECT_NE(message.find("\"" + std::string(64, '7') + "...\""), std::string::npos) << message;
    EXPECT_LT(message.size(), 200u);
    const std::string nasty = error_of(std::string_view("20\"6\\\n\0\xff", 8));
    EXPECT_EQ(nasty, "Cannot parse time \"20\\\"6\\\\\\x0a\\x00\\xff\": expected a 4-digit year");
}

TEST(CbTime, ErrorIsAnApiError) {
    try {
        (void)cbapi::parse_cb_time("nope");
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(dynamic_cast<const cbapi::ApiError*>(&e), nullptr);
    }
}

TEST(CbTime, RejectsMalformedInputs) {
    const std::vector<std::string> malformed = {
        "",
        " ",
        "\t\n",
        "-",
        "-1-",
        "--1",
        "+1",
        "1",
        "2016",
        "2016-",
        "2016-06",
        "2016-06-",
        "2016-06-1",
        "2016-6-10",
        "16-06-10",
        "20160610",
        "2016/06/10",
        "2016-06-10T",
        "2016-06-10  19:03:24",
        "2016-06-10X19:03:24",
        "2016-06-10T19",
        "2016-06-10T19:03",
        "2016-06-10T19:03:",
        "2016-06-10T19:03:2",
        "2016-06-10T9:03:24",
        "2016-06-10T19:3:24",
        "2016-06-10T19:03:24.",
        "2016-06-10T19:03:24.Z",
        "2016-06-10T19:03:24.1234567890Z",
        "2016-06-10T19:03:24.12345678901234567890123456789Z",
        "2016-06-10T19:03:24,123Z",
        "2016-06-10T19:03:24ZZ",
        "2016-06-10T19:03:24 Z",
        "2016-06-10T19:03:24 +05:00",
        "2016-06-10T19:03:24+",
        "2016-06-10T19:03:24+5",
        "2016-06-10T19:03:24+05:",
        "2016-06-10T19:03:24+05:3",
        "2016-06-10T19:03:24+053",
        "2016-06-10T19:03:24+05:300",
        "2016-06-10T19:03:24+24:00",
        "2016-06-10T19:03:24+05:60",
        "2016-06-10T19:03:24+0560",
        "2016-06-10T19:03:24UTC",
        "2016-06-10T19:03:24GMT",
        "2016-06-10Z",
        "2016-06-10+05:00",
        "0000-01-01",
        "2016-00-10",
        "2016-13-10",
        "2016-06-00",
        "2016-06-31",
        "2016-06-10T24:00:00Z",
        "2016-06-10T19:60:00Z",
        "2016-06-10T19:03:61Z",
        "2016-06-10T19:03:99Z",
        "-2016-06-10",
        "+2016-06-10",
        "12016-06-10",
        "２０１６-06-10",
        "2016-06-10T19:03:24.123456Z\n2016",
        std::string("2016-06-10\0", 11),
        std::string("2016-06-10T19:03:24\0Z", 21),
        "yesterday",
        "null",
        "None",
        "NaN",
        "2016-06-10T19:03:24.-1Z",
        "2016-06-10T19:03:24.+1Z",
        "2016-06-10T-1:03:24Z",
        "2016-06-10T19:-3:24Z",
        "2016-06-10T19:03:24-+05:00",
        "Fri, 10 Jun 2016 19:03:24 GMT",
        "1464319733.171967",
    };
    for (const std::string& text : malformed) {
        EXPECT_THROW((void)cbapi::parse_cb_time(text), cbapi::ApiError) << text;
        EXPECT_FALSE(cbapi::try_parse_cb_time(text).has_value()) << text;
        EXPECT_THROW((void)cbapi::parse_event_time(text), cbapi::ApiError) << text;
    }
}

TEST(CbTime, SurvivesEveryPrefixAndEveryByteMutation) {
    // Every prefix and every single-byte change of valid inputs either parses or throws ApiError — never crashes
    // (the sanitizer build checks the "never reads out of bounds" part).
    const std::vector<std::string> seeds = {"2016-06-10 14:03:24.070069-05:00", "2017-05-21T18:41:58.123456789Z",
                                            "2016-06-10T19:03:24+0530", "2016-02-29", "-1"};
    const char replacements[] = {'\0', ' ', '-', '+', ':', '.', 'T', 'Z', '0', '9', '6', '\xff'};
    for (const std::string& seed : seeds) {
        for (std::size_t length = 0; length <= seed.size(); ++length) {
            const std::string prefix = seed.substr(0, length);  // a copy: no terminator past the view
            (void)cbapi::try_parse_cb_time(prefix);
            (void)cbapi::try_parse_event_time(prefix);
        }
        for (std::size_t i = 0; i < seed.size(); ++i) {
            for (const char c : replacements) {
                std::string mutated = seed;
                mutated[i] = c;
                const auto result = cbapi::try_parse_cb_time(mutated);
                if (result) {
                    EXPECT_EQ(cbapi::parse_cb_time(mutated), *result);
                } else {
                    EXPECT_THROW((void)cbapi::parse_cb_time(mutated), cbapi::ApiError);
                }
            }
        }
    }
}

TEST(CbTime, SurvivesRandomBytes) {
    std::mt19937_64 random(7);
    const std::string alphabet = "0123456789-:.+TZtz \t\n\x01\xff";
    std::uniform_int_distribution<std::size_t> length_of(0, 40);
    std::uniform_int_distribution<std::size_t> char_of(0, alphabet.size() - 1);
    for (int i = 0; i < 50'000; ++i) {
        std::string text(length_of(random), '\0');
        for (char& c : text) c = alphabet[char_of(random)];
        const auto result = cbapi::try_parse_cb_time(text);
        if (result) {
            // Whatever parses is in range and formats.
            EXPECT_NO_THROW((void)cbapi::format_solr_time(*result)) << text;
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// FILETIME

TEST(CbTime, FiletimeKnownValues) {
    EXPECT_EQ(cbapi::from_filetime(116'444'736'000'000'000ULL), TimePoint{});
    EXPECT_EQ(cbapi::to_filetime(TimePoint{}), 116'444'736'000'000'000ULL);
    EXPECT_EQ(cbapi::from_filetime(116'444'736'000'000'010ULL), TimePoint{} + microseconds{1});
    EXPECT_EQ(cbapi::from_filetime(116'444'736'000'000'019ULL), TimePoint{} + microseconds{1});  // truncated
    EXPECT_EQ(cbapi::from_filetime(116'444'735'999'999'990ULL), TimePoint{} - microseconds{1});
    // 2017-05-22T15:07:23.405Z (a 6.x segment timestamp, 1495465643405 ms).
    EXPECT_EQ(cbapi::from_filetime(131'399'392'434'050'000ULL), utc(2017, 5, 22, 15, 7, 23, 405'000));
    EXPECT_EQ(cbapi::to_filetime(cbapi::parse_cb_time("2017-05-22T15:07:23.405Z")), 131'399'392'434'050'000ULL);
    EXPECT_EQ(cbapi::to_filetime(cbapi::parse_cb_time("1700-01-01")), 31'241'376'000'000'000ULL);
}

TEST(CbTime, FiletimeRoundTrips) {
    std::mt19937_64 random(1601);
    std::uniform_int_distribution<std::int64_t> pick(cbapi::detail::min_micros(), cbapi::detail::max_micros());
    for (int i = 0; i < 10'000; ++i) {
        const TimePoint t{microseconds{pick(random)}};
        ASSERT_EQ(cbapi::from_filetime(cbapi::to_filetime(t)), t);
    }
}

TEST(CbTime, FiletimeOutOfRange) {
    EXPECT_THROW((void)cbapi::from_filetime(std::numeric_limits<std::uint64_t>::max()), cbapi::ApiError);
    const std::uint64_t year_10000 = cbapi::detail::filetime_from_micros(cbapi::detail::max_civil_micros).value() + 10u;
    EXPECT_THROW((void)cbapi::from_filetime(year_10000), cbapi::ApiError);
    try {
        (void)cbapi::from_filetime(std::numeric_limits<std::uint64_t>::max());
    } catch (const cbapi::ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("18446744073709551615"), std::string::npos) << e.what();
    }
}

TEST(CbTime, FiletimeLimitsInMicroCore) {
    // The µs core works for 1601 whatever the clock; the public function depends on the clock's range.
    EXPECT_EQ(cbapi::detail::micros_from_filetime(0), std::optional<std::int64_t>(-11'644'473'600'000'000));
    EXPECT_EQ(cbapi::detail::filetime_from_micros(-11'644'473'600'000'000), std::optional<std::uint64_t>(0));
    EXPECT_EQ(cbapi::detail::filetime_from_micros(-11'644'473'600'000'001), std::nullopt);  // before 1601
    EXPECT_EQ(cbapi::detail::filetime_from_micros(std::numeric_limits<std::int64_t>::max()), std::nullopt);
    EXPECT_EQ(cbapi::detail::filetime_from_micros(std::numeric_limits<std::int64_t>::min()), std::nullopt);
    EXPECT_EQ(cbapi::detail::micros_from_filetime(std::numeric_limits<std::uint64_t>::max()), std::nullopt);
    // Latest FILETIME in year 9999.
    const std::uint64_t last = *cbapi::detail::filetime_from_micros(cbapi::detail::max_civil_micros) + 9u;
    EXPECT_EQ(cbapi::detail::micros_from_filetime(last), cbapi::detail::max_civil_micros);
    EXPECT_EQ(cbapi::detail::micros_from_filetime(last + 1u), std::nullopt);
    if (clock_holds(1601)) {
        EXPECT_EQ(cbapi::format_solr_time(cbapi::from_filetime(0)), "1601-01-01T00:00:00.000000Z");
    } else {
        EXPECT_THROW((void)cbapi::from_filetime(0), cbapi::ApiError);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Epoch seconds

TEST(CbTime, EpochSecondsRoundToMicroseconds) {
    EXPECT_EQ(cbapi::from_epoch_seconds(0.0), TimePoint{});
    EXPECT_EQ(cbapi::from_epoch_seconds(1464319733.171967), utc(2016, 5, 27, 3, 28, 53, 171'967));
    EXPECT_EQ(cbapi::format_solr_time(cbapi::from_epoch_seconds(1464319733.171967)), "2016-05-27T03:28:53.171967Z");
    EXPECT_EQ(cbapi::from_epoch_seconds(1.0000004), TimePoint{} + microseconds{1'000'000});
    EXPECT_EQ(cbapi::from_epoch_seconds(1.0000006), TimePoint{} + microseconds{1'000'001});
    EXPECT_EQ(cbapi::from_epoch_seconds(0.9999996), TimePoint{} + microseconds{1'000'000});
    EXPECT_EQ(cbapi::from_epoch_seconds(0.25), TimePoint{} + microseconds{250'000});
    EXPECT_EQ(cbapi::from_epoch_seconds(1495465643.0), utc(2017, 5, 22, 15, 7, 23));
}

TEST(CbTime, EpochSecondsBeforeEpoch) {
    EXPECT_EQ(cbapi::from_epoch_seconds(-1.0), TimePoint{} - std::chrono::seconds{1});
    EXPECT_EQ(cbapi::from_epoch_seconds(-0.25), TimePoint{} - microseconds{250'000});
    EXPECT_EQ(cbapi::from_epoch_seconds(-1.0000006), TimePoint{} - microseconds{1'000'001});
    EXPECT_EQ(cbapi::from_epoch_seconds(-0.0000004), TimePoint{});
    EXPECT_EQ(cbapi::from_epoch_seconds(-2208988800.0), utc(1900, 1, 1));
}

TEST(CbTime, EpochSecondsRejectsNonFiniteAndOutOfRange) {
    EXPECT_THROW((void)cbapi::from_epoch_seconds(std::numeric_limits<double>::quiet_NaN()), cbapi::ApiError);
    EXPECT_THROW((void)cbapi::from_epoch_seconds(std::numeric_limits<double>::infinity()), cbapi::ApiError);
    EXPECT_THROW((void)cbapi::from_epoch_seconds(-std::numeric_limits<double>::infinity()), cbapi::ApiError);
    EXPECT_THROW((void)cbapi::from_epoch_seconds(1e300), cbapi::ApiError);
    EXPECT_THROW((void)cbapi::from_epoch_seconds(-1e300), cbapi::ApiError);
    EXPECT_THROW((void)cbapi::from_epoch_seconds(1e12), cbapi::ApiError);
    EXPECT_THROW((void)cbapi::from_epoch_seconds(std::numeric_limits<double>::max()), cbapi::ApiError);
    EXPECT_THROW((void)cbapi::from_epoch_seconds(253402300800.0), cbapi::ApiError);  // 10000-01-01
    try {
        (void)cbapi::from_epoch_seconds(std::numeric_limits<double>::quiet_NaN());
    } catch (const cbapi::ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("nan"), std::string::npos) << e.what();
    }
    EXPECT_EQ(cbapi::detail::micros_from_epoch_seconds(std::numeric_limits<double>::denorm_min()),
              std::optional<std::int64_t>(0));
    EXPECT_EQ(cbapi::detail::micros_from_epoch_seconds(-62135596800.0), cbapi::detail::min_civil_micros);  // 0001
    EXPECT_EQ(cbapi::detail::micros_from_epoch_seconds(-62135596800.00001), std::nullopt);
    if (!clock_holds(1)) {
        EXPECT_THROW((void)cbapi::from_epoch_seconds(-62135596800.0), cbapi::ApiError);
    }
}

}  // namespace
