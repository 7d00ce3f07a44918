// cbapi::response::parse_console_url (CbResponseAPI.from_ui without the network) and parse_query_string.
#include "cbapi/response/console_url.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cbapi/errors.hpp"

namespace cbapi::response {
namespace {

using Kind = ConsoleLink::Kind;
using namespace std::string_view_literals;

constexpr std::string_view api = "https://cb.example.com";
constexpr std::string_view guid = "00000001-0000-0554-01d1-3bc4553b8c9f";

ConsoleLink parse(std::string_view console_url) { return parse_console_url(api, console_url); }

std::string error_of(std::string_view api_url, std::string_view console_url) {
    try {
        (void)parse_console_url(api_url, console_url);
    } catch (const ApiError& error) {
        return error.what();
    }
    return "<no exception>";
}

std::string error_of(std::string_view console_url) { return error_of(api, console_url); }

// ---- object links --------------------------------------------------------------------------------------------------

TEST(ConsoleUrl, ParsesAnalyzeLink) {
    const auto link = parse("https://cb.example.com/#/analyze/00000001-0000-0554-01d1-3bc4553b8c9f/1");
    EXPECT_EQ(link.kind, Kind::process);
    EXPECT_EQ(link.id, guid);
    ASSERT_TRUE(link.segment.has_value());
    EXPECT_EQ(*link.segment, 1);
    EXPECT_TRUE(link.report_id.empty());
    EXPECT_TRUE(link.query.empty());
}

TEST(ConsoleUrl, ParsesAnalyzeLinkWithoutSlashAfterHash) {
    // Process.webui_link's form: {url}/#analyze/{guid}/{segment}
    const auto link = parse("https://cb.example.com/#analyze/00000001-0000-0554-01d1-3bc4553b8c9f/1");
    EXPECT_EQ(link.kind, Kind::process);
    EXPECT_EQ(link.id, guid);
    EXPECT_EQ(link.segment, 1);
}

TEST(ConsoleUrl, ParsesSixXSegmentTimestamp) {
    const auto link = parse("https://cb.example.com/#/analyze/00000001-0000-0554-01d1-3bc4553b8c9f/1495465643405");
    EXPECT_EQ(link.segment, std::int64_t{1495465643405});
}

TEST(ConsoleUrl, AnalyzeSegmentZeroAndLeadingZeros) {
    EXPECT_EQ(parse("https://cb.example.com/#/analyze/g/0").segment, 0);
    EXPECT_EQ(parse("https://cb.example.com/#/analyze/g/0007").segment, 7);
    EXPECT_EQ(parse("https://cb.example.com/#/analyze/g/9223372036854775807").segment, INT64_MAX);
}

TEST(ConsoleUrl, AnalyzeLinkQueryOfTheFragmentIsDropped) {
    // 6.x consoles link processes as #/analyze/<guid>/<segment>?cb.legacy_5x_mode=false
    const auto link =
        parse("https://cb.example.com/#/analyze/00000001-0000-0554-01d1-3bc4553b8c9f/1?cb.legacy_5x_mode=false");
    EXPECT_EQ(link.id, guid);
    EXPECT_EQ(link.segment, 1);
}

TEST(ConsoleUrl, ExtraPartsAreIgnored) {
    EXPECT_EQ(parse("https://cb.example.com/#/analyze/g/2/extra/parts").segment, 2);
    EXPECT_EQ(parse("https://cb.example.com/#/binary/ABCDEF/").id, "ABCDEF");
    const auto report = parse("https://cb.example.com/#/threat-details/feed/report/more");
    EXPECT_EQ(report.id, "feed");
    EXPECT_EQ(report.report_id, "report");
}

TEST(ConsoleUrl, ParsesBinaryLink) {
    const auto link = parse("https://cb.example.com/#/binary/2BA2D8A4B5C4F3F4DA9BF9E3C0F0A3C5");
    EXPECT_EQ(link.kind, Kind::binary);
    EXPECT_EQ(link.id, "2BA2D8A4B5C4F3F4DA9BF9E3C0F0A3C5");
    EXPECT_FALSE(link.segment.has_value());
}

TEST(ConsoleUrl, ParsesWatchlistLink) {
    const auto link = parse("https://cb.example.com/#/watchlist/14");
    EXPECT_EQ(link.kind, Kind::watchlist);
    EXPECT_EQ(link.id, "14");
}

TEST(ConsoleUrl, ParsesInvestigationLink) {
    const auto link = parse("https://cb.example.com/#/investigation/3?x=1");
    EXPECT_EQ(link.kind, Kind::investigation);
    EXPECT_EQ(link.id, "3");
}

TEST(ConsoleUrl, ParsesThreatDetailsLink) {
    const auto link = parse("https://cb.example.com/#/threat-details/7/abuse.ch-Feodo-1234");
    EXPECT_EQ(link.kind, Kind::threat_report);
    EXPECT_EQ(link.id, "7");
    EXPECT_EQ(link.report_id, "abuse.ch-Feodo-1234");
}

TEST(ConsoleUrl, IdsAreKeptAsWritten) {
    EXPECT_EQ(parse("https://cb.example.com/#/threat-details/7/a%20b").report_id, "a%20b");
    EXPECT_EQ(parse("https://cb.example.com/#/watchlist/a+b").id, "a+b");
}

// ---- search links ---------------------------------------------------------------------------------------------------

TEST(ConsoleUrl, ParsesProcessSearchLink) {
    const auto link = parse("https://cb.example.com/#/search/?q=process_name%3Acmd.exe&cb.urlver=1");
    EXPECT_EQ(link.kind, Kind::process_search);
    EXPECT_EQ(link.query, "q=process_name%3Acmd.exe&cb.urlver=1");
    EXPECT_TRUE(link.id.empty());
    EXPECT_FALSE(link.segment.has_value());
}

TEST(ConsoleUrl, SearchQueryWithoutQuestionMark) {
    EXPECT_EQ(parse("https://cb.example.com/#/search/cb.urlver=1&q=a").query, "cb.urlver=1&q=a");
}

TEST(ConsoleUrl, SearchQueryMayContainSlashesAndQuestionMarks) {
    const auto link = parse("https://cb.example.com/#/search/?q=path:c:/windows/*?&rows=10");
    EXPECT_EQ(link.query, "q=path:c:/windows/*?&rows=10");
    EXPECT_EQ(parse("https://cb.example.com/#/search/??q=a").query, "?q=a");  // only one '?' is stripped
}

TEST(ConsoleUrl, EmptySearchQueryIsAllowed) {
    EXPECT_EQ(parse("https://cb.example.com/#/search/").query, "");
    EXPECT_EQ(parse("https://cb.example.com/#/search/?").query, "");
    EXPECT_EQ(parse("https://cb.example.com/#/search/").kind, Kind::process_search);
}

TEST(ConsoleUrl, ParsesOtherSearchKinds) {
    const auto binaries = parse("https://cb.example.com/#/binaries/?q=is_executable_image%3Atrue");
    EXPECT_EQ(binaries.kind, Kind::binary_search);
    EXPECT_EQ(binaries.query, "q=is_executable_image%3Atrue");
    const auto alerts = parse("https://cb.example.com/#/alerts/?q=status%3AUnresolved&sort=created_time+desc");
    EXPECT_EQ(alerts.kind, Kind::alert_search);
    EXPECT_EQ(alerts.query, "q=status%3AUnresolved&sort=created_time+desc");
    const auto threats = parse("https://cb.example.com/#/threats/q=feed_id%3A7");
    EXPECT_EQ(threats.kind, Kind::threat_search);
    EXPECT_EQ(threats.query, "q=feed_id%3A7");
}

TEST(ConsoleUrl, SearchQueryDecodesIntoParameters) {
    const auto link = parse("https://cb.example.com/#/search/?q=process_name%3Acmd.exe&cb.urlver=1");
    EXPECT_EQ(parse_query_string(link.query), (QueryParams{{"q", "process_name:cmd.exe"}, {"cb.urlver", "1"}}));
}

// ---- origin checks --------------------------------------------------------------------------------------------------

TEST(ConsoleUrl, DefaultPortEqualsExplicitPort) {
    EXPECT_EQ(parse_console_url("https://cb", "https://cb:443/#/watchlist/1").id, "1");
    EXPECT_EQ(parse_console_url("https://cb:443", "https://cb/#/watchlist/1").id, "1");
    EXPECT_EQ(parse_console_url("http://cb", "http://cb:80/#/watchlist/1").id, "1");
    EXPECT_EQ(parse_console_url("https://cb:8443/", "https://cb:8443/#/watchlist/1").id, "1");
    EXPECT_EQ(parse_console_url("https://cb:", "https://cb/#/watchlist/1").id, "1");  // empty port = default
}

TEST(ConsoleUrl, SchemeAndHostCompareCaseInsensitively) {
    EXPECT_EQ(parse_console_url("https://CB.Example.com", "HTTPS://cb.example.COM/#/watchlist/1").id, "1");
}

TEST(ConsoleUrl, UserInfoPathAndQueryOfTheLinkAreIgnored) {
    EXPECT_EQ(parse_console_url("https://cb", "https://admin@cb/#/watchlist/1").id, "1");
    EXPECT_EQ(parse_console_url("https://cb/", "https://cb/ui/index.html?x=y#/watchlist/1").id, "1");
    EXPECT_EQ(parse_console_url("https://cb/api/", "https://cb#/watchlist/1").id, "1");
}

TEST(ConsoleUrl, Ipv6Hosts) {
    EXPECT_EQ(parse_console_url("https://[::1]:8443", "https://[::1]:8443/#/watchlist/1").id, "1");
    EXPECT_EQ(parse_console_url("https://[::1]", "https://[::1]:443/#/watchlist/1").id, "1");
    EXPECT_EQ(error_of("https://[::1]", "https://[::2]/#/watchlist/1"),
              "Invalid URL provided: https://[::2]/#/watchlist/1");
}

TEST(ConsoleUrl, SurroundingWhitespaceIsIgnored) {
    EXPECT_EQ(parse("  https://cb.example.com/#/analyze/g/3\n").segment, 3);
}

TEST(ConsoleUrl, OtherServerIsRejected) {
    EXPECT_EQ(error_of("https://other.example.com/#/watchlist/1"),
              "Invalid URL provided: https://other.example.com/#/watchlist/1");
    EXPECT_EQ(error_of("http://cb.example.com/#/watchlist/1"),
              "Invalid URL provided: http://cb.example.com/#/watchlist/1");
    EXPECT_EQ(error_of("https://cb.example.com:8443/#/watchlist/1"),
              "Invalid URL provided: https://cb.example.com:8443/#/watchlist/1");
    EXPECT_EQ(error_of("https://cb:8443", "https://cb/#/watchlist/1"),
              "Invalid URL provided: https://cb/#/watchlist/1");
    EXPECT_EQ(error_of("https://cb", "http://cb:443/#/watchlist/1"),
              "Invalid URL provided: http://cb:443/#/watchlist/1");
}

TEST(ConsoleUrl, UnknownSchemeHasNoDefaultPort) {
    EXPECT_EQ(parse_console_url("cb://host", "cb://host/#/watchlist/1").id, "1");
    EXPECT_EQ(error_of("cb://host", "cb://host:443/#/watchlist/1"),
              "Invalid URL provided: cb://host:443/#/watchlist/1");
}

TEST(ConsoleUrl, InvalidApiUrlIsReported) {
    EXPECT_EQ(error_of("cb.example.com", "https://cb.example.com/#/watchlist/1"), "Invalid API URL: cb.example.com");
    EXPECT_EQ(error_of("", "https://cb.example.com/#/watchlist/1"), "Invalid API URL: ");
    EXPECT_EQ(error_of("https://cb:99999", "https://cb/#/watchlist/1"), "Invalid API URL: https://cb:99999");
}

// ---- errors ---------------------------------------------------------------------------------------------------------

TEST(ConsoleUrl, MissingFragmentHasNoUniqueId) {
    EXPECT_EQ(error_of("https://cb.example.com/"),
              "URL endpoint does not include a unique ID: https://cb.example.com/");
    EXPECT_EQ(error_of("https://cb.example.com/#"),
              "URL endpoint does not include a unique ID: https://cb.example.com/#");
    EXPECT_EQ(error_of("https://cb.example.com/#///"),
              "URL endpoint does not include a unique ID: https://cb.example.com/#///");
}

TEST(ConsoleUrl, SinglePartFragmentHasNoUniqueId) {
    EXPECT_EQ(error_of("https://cb.example.com/#/analyze"),
              "URL endpoint does not include a unique ID: https://cb.example.com/#/analyze");
    EXPECT_EQ(error_of("https://cb.example.com/#/dashboard"),
              "URL endpoint does not include a unique ID: https://cb.example.com/#/dashboard");
    EXPECT_EQ(error_of("https://cb.example.com/#/analyze?q=a"),
              "URL endpoint does not include a unique ID: https://cb.example.com/#/analyze?q=a");
}

// The console's own search links (`#/search?...`, cbapi-python 1.3.3 webui_link) are searches, and
// console_search_url() makes them: what a query's webui_link() gives, from_ui() takes back.
TEST(ConsoleUrl, SearchPageWithAQuestionMarkIsASearch) {
    const auto link = parse_console_url("https://cb.example.com", "https://cb.example.com/#/search?q=a&cb.urlver=1");
    EXPECT_EQ(link.kind, ConsoleLink::Kind::process_search);
    EXPECT_EQ(link.query, "q=a&cb.urlver=1");
    EXPECT_EQ(parse_console_url("https://cb.example.com", "https://cb.example.com/#/binaries?q=").kind,
              ConsoleLink::Kind::binary_search);
}

TEST(ConsoleUrl, SearchUrlsAreBuiltInOrderAndReadBack) {
    const QueryParams params = {{"cb.urlver", "1"}, {"facet", "false"}, {"q", "process_name:cmd.exe path:c:\\x y"}};
    const std::string url = console_search_url("https://cb.example.com/", ConsoleLink::Kind::process_search, params);
    EXPECT_EQ(url, "https://cb.example.com/#/search?cb.urlver=1&facet=false&q=process_name%3Acmd.exe+path%3Ac%3A%5Cx+y");
    const auto link = parse_console_url("https://cb.example.com", url);
    EXPECT_EQ(link.kind, ConsoleLink::Kind::process_search);
    EXPECT_EQ(parse_query_string(link.query), params);
    EXPECT_EQ(console_search_url("https://cb", ConsoleLink::Kind::alert_search, {{"q", ""}}), "https://cb/#/alerts?q=");
    EXPECT_EQ(console_search_url("https://cb", ConsoleLink::Kind::threat_search, {}), "https://cb/#/threats?");
    EXPECT_THROW(console_search_url("https://cb", ConsoleLink::Kind::process, {}), ApiError);
}

TEST(ConsoleUrl, EmptyIdHasNoUniqueId) {
    EXPECT_EQ(error_of("https://cb.example.com/#/binary/"),
              "URL endpoint does not include a unique ID: https://cb.example.com/#/binary/");
    EXPECT_EQ(error_of("https://cb.example.com/#/analyze//1"),
              "URL endpoint does not include a unique ID: https://cb.example.com/#/analyze//1");
    EXPECT_EQ(error_of("https://cb.example.com/#/watchlist/?x=1"),
              "URL endpoint does not include a unique ID: https://cb.example.com/#/watchlist/?x=1");
}

TEST(ConsoleUrl, ThreatDetailsNeedsFeedAndReport) {
    EXPECT_EQ(error_of("https://cb.example.com/#/threat-details/7"),
              "URL endpoint does not include a unique ID: https://cb.example.com/#/threat-details/7");
    EXPECT_EQ(error_of("https://cb.example.com/#/threat-details/7/"),
              "URL endpoint does not include a unique ID: https://cb.example.com/#/threat-details/7/");
    EXPECT_EQ(error_of("https://cb.example.com/#/threat-details//r"),
              "URL endpoint does not include a unique ID: https://cb.example.com/#/threat-details//r");
}

TEST(ConsoleUrl, AnalyzeWithoutSegmentIsAnError) {
    EXPECT_EQ(error_of("https://cb.example.com/#/analyze/00000001-0000-0554-01d1-3bc4553b8c9f"),
              "URL endpoint does not include a process segment: "
              "https://cb.example.com/#/analyze/00000001-0000-0554-01d1-3bc4553b8c9f");
    EXPECT_EQ(error_of("https://cb.example.com/#/analyze/g/"),
              "URL endpoint does not include a process segment: https://cb.example.com/#/analyze/g/");
    EXPECT_EQ(error_of("https://cb.example.com/#/analyze/g/?cb.legacy_5x_mode=false"),
              "URL endpoint does not include a process segment: "
              "https://cb.example.com/#/analyze/g/?cb.legacy_5x_mode=false");
}

TEST(ConsoleUrl, BadSegmentIsAnError) {
    EXPECT_EQ(error_of("https://cb.example.com/#/analyze/g/abc"),
              "Invalid process segment 'abc' in URL: https://cb.example.com/#/analyze/g/abc");
    const char* const bad[] = {
        "-1",  "+1",      " 1", "1 2", "1.5", "0x1f", "1e3", "9223372036854775808", "99999999999999999999999",
        "%31", "\xd9\xa1"};
    for (const char* segment : bad) {
        const std::string url = "https://cb.example.com/#/analyze/g/" + std::string(segment);
        EXPECT_EQ(error_of(url), "Invalid process segment '" + std::string(segment) + "' in URL: " + url) << url;
    }
}

TEST(ConsoleUrl, UnknownPrefixIsAnError) {
    EXPECT_EQ(error_of("https://cb.example.com/#/host/12"), "Unknown URL endpoint: https://cb.example.com/#/host/12");
    EXPECT_EQ(error_of("https://cb.example.com/#/analyzer/g/1"),
              "Unknown URL endpoint: https://cb.example.com/#/analyzer/g/1");  // exact match, not startswith
    EXPECT_EQ(error_of("https://cb.example.com/#/Analyze/g/1"),
              "Unknown URL endpoint: https://cb.example.com/#/Analyze/g/1");  // case-sensitive
    EXPECT_EQ(error_of("https://cb.example.com/#/threat/7/r"),
              "Unknown URL endpoint: https://cb.example.com/#/threat/7/r");
}

TEST(ConsoleUrl, LoginPageIsNotAnObject) {
    EXPECT_EQ(error_of("https://cb.example.com/#/login"),
              "URL does not point to an object: https://cb.example.com/#/login");
    EXPECT_EQ(error_of("https://cb.example.com/#login/x"),
              "URL does not point to an object: https://cb.example.com/#login/x");
    EXPECT_EQ(error_of("https://cb.example.com/#/login?next=%2Fanalyze"),
              "URL does not point to an object: https://cb.example.com/#/login?next=%2Fanalyze");
    EXPECT_EQ(error_of("https://cb.example.com/#/loginx/1"), "Unknown URL endpoint: https://cb.example.com/#/loginx/1");
}

TEST(ConsoleUrl, OriginIsCheckedBeforeTheFragment) {
    EXPECT_EQ(error_of("https://other/#/login"), "Invalid URL provided: https://other/#/login");
}

TEST(ConsoleUrl, MalformedInputsThrowApiError) {
    const std::string_view malformed[] = {
        ""sv,
        " "sv,
        "#"sv,
        "#/analyze/g/1"sv,
        "/#/analyze/g/1"sv,
        "cb.example.com/#/analyze/g/1"sv,
        "https:"sv,
        "https:/"sv,
        "https://"sv,
        "https:///#/analyze/g/1"sv,
        "https:cb.example.com/#/analyze/g/1"sv,
        "://cb.example.com/#/analyze/g/1"sv,
        "1https://cb.example.com/#/analyze/g/1"sv,
        "ht tps://cb.example.com/#/analyze/g/1"sv,
        "https://cb.example.com:/#"sv,
        "https://cb.example.com:abc/#/analyze/g/1"sv,
        "https://cb.example.com:-443/#/analyze/g/1"sv,
        "https://cb.example.com:65536/#/analyze/g/1"sv,
        "https://cb.example.com:99999999999999999999999/#/analyze/g/1"sv,
        "https://[cb.example.com/#/analyze/g/1"sv,
        "https://[cb.example.com]x/#/analyze/g/1"sv,
        "https://@/#/analyze/g/1"sv,
        "https://cb.example.com@/#/analyze/g/1"sv,
        "https://cb.example.com/#/"sv,
        "https://cb.example.com/#/analyze/"sv,
        "https://cb.example.com/#/analyze/g"sv,
        "https://cb.example.com/#/analyze/g/%"sv,
        "https://cb.example.com/#/analyze/g/1%00"sv,
        "https://cb.example.com/#/threat-details/"sv,
        "https://cb.example.com/#/?q=1"sv,
        "https://cb.example.com/#/%2F/x"sv,
        "https://cb.example.com/#/analyze/g/1\0"sv,
        "https://cb.example.com\0/#/analyze/g/1"sv,
    };
    for (const auto url : malformed) {
        EXPECT_THROW((void)parse(url), ApiError) << "'" << url << "'";
    }
}

TEST(ConsoleUrl, EveryPrefixOfARealLinkIsHandledSafely) {
    const std::string links[] = {
        "https://cb.example.com:8443/#/analyze/00000001-0000-0554-01d1-3bc4553b8c9f/"
        "1495465643405?cb.legacy_5x_mode=false",
        "https://cb.example.com:8443/#/search/?q=process_name%3Acmd.exe&cb.urlver=1",
        "https://cb.example.com:8443/#/threat-details/7/abuse.ch-Feodo-1234",
        "https://[fe80::1]:8443/#/binary/2BA2D8A4B5C4F3F4DA9BF9E3C0F0A3C5",
    };
    for (const auto& link : links) {
        const std::string_view whole(link);
        const std::string api_url(whole.substr(0, whole.find("/#")));
        for (std::size_t length = 0; length <= link.size(); ++length) {
            const std::string_view prefix = whole.substr(0, length);
            try {
                (void)parse_console_url(api_url, prefix);
                (void)parse_console_url(prefix, link);
            } catch (const ApiError&) {
            }
        }
        EXPECT_NO_THROW((void)parse_console_url(api_url, link)) << link;
    }
}

// ---- parse_query_string ---------------------------------------------------------------------------------------------

TEST(ConsoleUrl, QueryStringDecodesPlusAndPercent) {
    EXPECT_EQ(parse_query_string("q=process_name%3Acmd.exe+and+user%3ASYSTEM&sort=last_update+desc"),
              (QueryParams{{"q", "process_name:cmd.exe and user:SYSTEM"}, {"sort", "last_update desc"}}));
    EXPECT_EQ(parse_query_string("a%2bb=c%2Bd"), (QueryParams{{"a+b", "c+d"}}));
    EXPECT_EQ(parse_query_string("k=%C3%A9%00x"), (QueryParams{{"k", std::string("\xc3\xa9\0x", 4)}}));
    EXPECT_EQ(parse_query_string("k=%2B%20"), (QueryParams{{"k", "+ "}}));
}

TEST(ConsoleUrl, QueryStringKeepsRepeatedKeysInOrder) {
    EXPECT_EQ(parse_query_string("facet.field=a&q=x&facet.field=b&facet.field=a"),
              (QueryParams{{"facet.field", "a"}, {"q", "x"}, {"facet.field", "b"}, {"facet.field", "a"}}));
}

TEST(ConsoleUrl, QueryStringKeepsMalformedPercentLiterally) {
    EXPECT_EQ(parse_query_string("a=%"), (QueryParams{{"a", "%"}}));
    EXPECT_EQ(parse_query_string("a=%4"), (QueryParams{{"a", "%4"}}));
    EXPECT_EQ(parse_query_string("a=%zz1"), (QueryParams{{"a", "%zz1"}}));
    EXPECT_EQ(parse_query_string("a=%4g"), (QueryParams{{"a", "%4g"}}));
    EXPECT_EQ(parse_query_string("a=100%&b=%%41"), (QueryParams{{"a", "100%"}, {"b", "%A"}}));
    EXPECT_EQ(parse_query_string("%=%"), (QueryParams{{"%", "%"}}));
}

TEST(ConsoleUrl, QueryStringBlankValuesAndEmptyPairs) {
    EXPECT_EQ(parse_query_string(""), QueryParams{});
    EXPECT_EQ(parse_query_string("?"), QueryParams{});
    EXPECT_EQ(parse_query_string("&&&"), QueryParams{});
    EXPECT_EQ(parse_query_string("q=&flag&=v&a=1&&b=2&"),
              (QueryParams{{"q", ""}, {"flag", ""}, {"", "v"}, {"a", "1"}, {"b", "2"}}));
    EXPECT_EQ(parse_query_string("a=b=c"), (QueryParams{{"a", "b=c"}}));
}

TEST(ConsoleUrl, QueryStringSeparatorsAreAmpersandOnly) {
    EXPECT_EQ(parse_query_string("a=1;b=2"), (QueryParams{{"a", "1;b=2"}}));
    EXPECT_EQ(parse_query_string("?q=x"), (QueryParams{{"q", "x"}}));
    EXPECT_EQ(parse_query_string("??q=x"), (QueryParams{{"?q", "x"}}));
    EXPECT_EQ(parse_query_string("a=%26&b=%3D"), (QueryParams{{"a", "&"}, {"b", "="}}));
}

TEST(ConsoleUrl, QueryStringPrefixesAreHandledSafely) {
    const std::string qs = "q=process_name%3Acmd.exe+x&cb.urlver=1&a=%e9%2";
    for (std::size_t length = 0; length <= qs.size(); ++length) {
        (void)parse_query_string(std::string_view(qs).substr(0, length));
    }
    EXPECT_EQ(parse_query_string(qs),
              (QueryParams{{"q", "process_name:cmd.exe x"}, {"cb.urlver", "1"}, {"a", "\xe9%2"}}));
}

}  // namespace
}  // namespace cbapi::response
