// cbapi::ServerVersion: LooseVersion-style parsing and ordering of server versions.
#include "cbapi/server_version.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cbapi/errors.hpp"

namespace cbapi {
namespace {

using Component = ServerVersion::Component;

ServerVersion v(const char* text) { return ServerVersion::parse(text); }

std::string parse_error(std::string_view text) {
    try {
        (void)ServerVersion::parse(text);
    } catch (const ApiError& error) {
        return error.what();
    }
    return "<no exception>";
}

TEST(ServerVersion, ParsesResponseInfoVersion) {
    const auto version = v("5.1.1.160416.0935");
    const std::vector<Component> expected{std::int64_t{5}, std::int64_t{1}, std::int64_t{1}, std::int64_t{160416},
                                          std::int64_t{935}};
    EXPECT_EQ(version.components(), expected);
    EXPECT_EQ(version.to_string(), "5.1.1.160416.0935");
}

TEST(ServerVersion, LeadingZerosAreIgnored) {
    EXPECT_EQ(std::get<std::int64_t>(v("5.1.1.160416.0935").components()[4]), 935);
    EXPECT_EQ(v("5.01.1"), v("5.1.1"));
    EXPECT_EQ(v("0005"), ServerVersion({5}));
    EXPECT_EQ(v("000000000000000000000000000000001").components(), std::vector<Component>{std::int64_t{1}});
}

TEST(ServerVersion, ToStringKeepsTheOriginalText) {
    EXPECT_EQ(v("5.01.1").to_string(), "5.01.1");
    EXPECT_EQ(v("6.2.1-rc1").to_string(), "6.2.1-rc1");
    EXPECT_EQ(v("8.0.0.2562").to_string(), "8.0.0.2562");
}

TEST(ServerVersion, ToStringOfNumbersJoinsThemWithDots) {
    EXPECT_EQ((ServerVersion{5, 1, 1}).to_string(), "5.1.1");
    EXPECT_EQ((ServerVersion{6}).to_string(), "6");
    EXPECT_EQ((ServerVersion{6, 1, 0, 180806, 1200}).to_string(), "6.1.0.180806.1200");
}

TEST(ServerVersion, StreamsItsText) {
    std::ostringstream out;
    out << v("7.2.3.3271");
    EXPECT_EQ(out.str(), "7.2.3.3271");
}

TEST(ServerVersion, LettersBecomeTextComponents) {
    const std::vector<Component> expected{std::int64_t{6}, std::int64_t{2}, std::int64_t{1}, std::string("rc"),
                                          std::int64_t{1}};
    EXPECT_EQ(v("6.2.1-rc1").components(), expected);
    EXPECT_EQ(v("6.2.1rc1").components(), expected);
    EXPECT_EQ(v("6.2.1_rc_1").components(), expected);
}

TEST(ServerVersion, SeparatorsAreDotDashUnderscoreAndAnyOtherNonAlphanumeric) {
    const std::vector<Component> expected{std::int64_t{5}, std::int64_t{1}, std::int64_t{1}, std::int64_t{3}};
    EXPECT_EQ(v("5.1.1-3").components(), expected);  // Response's version_release
    EXPECT_EQ(v("5.1.1_3").components(), expected);
    EXPECT_EQ(v("5.1.1+3").components(), expected);
    EXPECT_EQ(v("5..1 .1--3 ").components(), expected);
    EXPECT_EQ(v("5.1.1\xc3\xa9"
                "3")
                  .components(),
              expected);  // non-ASCII bytes separate too
}

TEST(ServerVersion, MixedCaseLettersFormOneTextComponent) {
    const std::vector<Component> expected{std::int64_t{1}, std::string("Beta"), std::int64_t{2}};
    EXPECT_EQ(v("1Beta2").components(), expected);
}

TEST(ServerVersion, MajorMinorPatch) {
    const auto version = v("6.1.0.180806.1200");
    EXPECT_EQ(version.major(), 6);
    EXPECT_EQ(version.minor(), 1);
    EXPECT_EQ(version.patch(), 0);
    const auto protection = v("7.2.3.3271");
    EXPECT_EQ(protection.major(), 7);
    EXPECT_EQ(protection.minor(), 2);
    EXPECT_EQ(protection.patch(), 3);
}

TEST(ServerVersion, MissingOrTextMajorMinorPatchAreZero) {
    EXPECT_EQ(v("8").minor(), 0);
    EXPECT_EQ(v("8").patch(), 0);
    EXPECT_EQ(v("8.1").patch(), 0);
    EXPECT_EQ(v("8.beta.2").minor(), 0);
    EXPECT_EQ(v("8.beta.2").patch(), 2);
}

TEST(ServerVersion, DefaultIsZero) {
    const ServerVersion version;
    EXPECT_EQ(version.to_string(), "0");
    EXPECT_EQ(version, ServerVersion({0}));
    EXPECT_LT(version, (ServerVersion{5, 0}));
}

TEST(ServerVersion, ComparesNumbersNumerically) {
    EXPECT_LT(v("5.2"), v("5.10"));
    EXPECT_GT(v("10.0"), v("9.9.9"));
    EXPECT_LT(v("6.1.0.180806.1200"), v("6.1.0.180806.01201"));
    EXPECT_EQ(v("6.1.0.180806.1200"), v("6.1.0.180806.1200"));
}

TEST(ServerVersion, LongerVersionWithSamePrefixIsGreater) {
    EXPECT_GT(v("5.1.1.160416.0935"), v("5.1.1"));
    EXPECT_GE(v("5.1.1.160416.0935"), (ServerVersion{5, 1, 1}));
    EXPECT_LT(v("5.1.1"), v("5.1.1.160416.0935"));
    EXPECT_GT(v("5.0"), v("5"));  // as LooseVersion: [5, 0] > [5]
    EXPECT_GT(v("5.1.1.0"), v("5.1.1"));
    EXPECT_GT(v("6.2.1-rc1"), v("6.2.1"));  // LooseVersion quirk kept: a pre-release suffix makes it greater
}

TEST(ServerVersion, NumberIsLessThanText) {
    EXPECT_LT(v("5.1"), v("5.a"));
    EXPECT_LT(v("5.999999"), v("5.a"));
    EXPECT_GT(v("6.2.rc1"), v("6.2.1"));
    EXPECT_NE(v("5.1"), v("5.a"));
}

TEST(ServerVersion, TextComparesBytewiseAndCaseSensitively) {
    EXPECT_LT(v("6.2.1alpha"), v("6.2.1beta"));
    EXPECT_LT(v("6.2.1rc"), v("6.2.1rca"));
    EXPECT_LT(v("6.2.1RC1"), v("6.2.1rc1"));  // 'R' < 'r', as Python strings
    EXPECT_EQ(v("6.2.1-rc1"), v("6.2.1.rc.1"));
}

TEST(ServerVersion, AllOperatorsAgree) {
    const auto low = v("5.1.0");
    const auto high = v("5.1.1");
    EXPECT_TRUE(low < high);
    EXPECT_TRUE(low <= high);
    EXPECT_TRUE(low != high);
    EXPECT_FALSE(low == high);
    EXPECT_FALSE(low > high);
    EXPECT_FALSE(low >= high);
    EXPECT_TRUE(high > low);
    EXPECT_TRUE(high >= low);
    EXPECT_TRUE(low <= low);
    EXPECT_TRUE(low >= low);
    EXPECT_FALSE(low < low);
    EXPECT_LT(low.compare(high), 0);
    EXPECT_GT(high.compare(low), 0);
    EXPECT_EQ(low.compare(v("5.1.0")), 0);
}

TEST(ServerVersion, ResponseGatesFromTheReference) {
    const auto v511 = v("5.1.1.160416.0935");
    const auto v610 = v("6.1.0.180806.1200");
    const auto v520 = v("5.2.0.161004.1206");
    const auto v4 = v("4.2.5.150311.1128");
    // < 5.0 refused
    EXPECT_LT(v4, (ServerVersion{5, 0}));
    EXPECT_FALSE(v511 < (ServerVersion{5, 0}));
    // >= 5.1.1: facet=false; >= 5.1.0: ThreatReportQuery
    EXPECT_GE(v511, (ServerVersion{5, 1, 1}));
    EXPECT_GE(v511, (ServerVersion{5, 1, 0}));
    EXPECT_LT(v4, (ServerVersion{5, 1, 0}));
    // event API: < 5.1 v1, 5.1.x v2, 5.2.x v3, >= 6.0 v4
    EXPECT_LT(v4, (ServerVersion{5, 1}));
    EXPECT_TRUE(v511 >= (ServerVersion{5, 1}) && v511 < (ServerVersion{5, 2}));
    EXPECT_TRUE(v520 >= (ServerVersion{5, 2}) && v520 < (ServerVersion{6, 0}));
    EXPECT_GE(v610, (ServerVersion{6, 0, 0}));
    EXPECT_GE(v610, (ServerVersion{6, 0}));
    // User create: >= 6.1.0 sends team dicts
    EXPECT_GE(v610, (ServerVersion{6, 1, 0}));
    EXPECT_LT(v511, (ServerVersion{6, 1, 0}));
}

TEST(ServerVersion, ProtectionGatesFromTheReference) {
    EXPECT_GE(v("8.0.0.2562"), (ServerVersion{8, 0}));
    EXPECT_LT(v("7.2.3.3271"), (ServerVersion{8, 0}));
    EXPECT_GT(v("8.0.0.2562"), v("7.2.3.3271"));
}

TEST(ServerVersion, SortsLikeLooseVersion) {
    std::vector<ServerVersion> versions{
        v("6.1.0.180806.1200"), v("5.1.1"), v("5.1.1.160416.0935"), v("5.1.1-rc1"), v("5.10"), v("5.2"), v("5")};
    std::sort(versions.begin(), versions.end());
    std::vector<std::string> texts;
    for (const auto& version : versions) texts.push_back(version.to_string());
    EXPECT_EQ(texts, (std::vector<std::string>{"5", "5.1.1", "5.1.1.160416.0935", "5.1.1-rc1", "5.2", "5.10",
                                               "6.1.0.180806.1200"}));
}

TEST(ServerVersion, LargestNumberIsAccepted) {
    EXPECT_EQ(v("9223372036854775807").major(), INT64_MAX);
    EXPECT_EQ(v("1.09223372036854775807").minor(), INT64_MAX);
    EXPECT_LT(v("1.9223372036854775806"), v("1.9223372036854775807"));
}

TEST(ServerVersion, NumbersBeyondInt64Throw) {
    EXPECT_EQ(parse_error("9223372036854775808"),
              "Invalid server version '9223372036854775808': a number is greater than 2^63-1");
    EXPECT_THROW(v("1.18446744073709551616"), ApiError);  // 2^64
    EXPECT_THROW(v("1.99999999999999999999999999999"), ApiError);
}

TEST(ServerVersion, EmptyTextThrows) { EXPECT_EQ(parse_error(""), "Invalid server version '': the text is empty"); }

TEST(ServerVersion, TextWithoutLeadingNumberThrows) {
    EXPECT_EQ(parse_error("abc"), "Invalid server version 'abc': it does not start with a number");
    EXPECT_EQ(parse_error("v5.1"), "Invalid server version 'v5.1': it does not start with a number");
}

TEST(ServerVersion, MalformedInputsThrowApiError) {
    const char* const malformed[] = {"",
                                     " ",
                                     " 5.1",
                                     "\t5",
                                     ".5",
                                     "-5",
                                     "_5",
                                     "+5",
                                     "rc1",
                                     "v6.1.0",
                                     "\xc3\xa9\x35",
                                     "99999999999999999999",
                                     "5.99999999999999999999"};
    for (const char* text : malformed) {
        EXPECT_THROW(v(text), ApiError) << "'" << text << "'";
    }
    EXPECT_THROW(ServerVersion::parse(std::string_view("\0"
                                                       "5",
                                                       2)),
                 ApiError);
}

TEST(ServerVersion, OddButValidInputsParse) {
    EXPECT_EQ(v("5.").components(), std::vector<Component>{std::int64_t{5}});
    EXPECT_EQ(v("5 ").components(), std::vector<Component>{std::int64_t{5}});
    EXPECT_EQ(ServerVersion::parse(std::string_view("5\0"
                                                    "1",
                                                    3)),
              (ServerVersion{5, 1}));  // an embedded NUL only separates
}

TEST(ServerVersion, NumberListMustBeNonEmptyAndNonNegative) {
    EXPECT_THROW(ServerVersion(std::initializer_list<std::int64_t>{}), ApiError);
    try {
        (void)ServerVersion{5, -1};
        FAIL() << "no exception";
    } catch (const ApiError& error) {
        EXPECT_STREQ(error.what(), "Invalid server version: negative component -1");
    }
}

TEST(ServerVersion, NumberListEqualsParsedText) {
    EXPECT_EQ((ServerVersion{5, 1, 1}), v("5.1.1"));
    int minor = 1;
    EXPECT_EQ((ServerVersion{5, minor}), v("5.1"));  // int variables widen without narrowing errors
}

}  // namespace
}  // namespace cbapi
