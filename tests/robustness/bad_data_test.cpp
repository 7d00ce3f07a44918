// Bad server data: empty bodies, bodies that are not JSON or not UTF-8, hostile nesting, wrong types, nulls,
// missing fields and numbers out of range give a clear exception (cbapi::ApiError or a subclass) or the documented
// default — never a crash, a silent truncation or another exception type.
#include <limits>

#include <gtest/gtest.h>

#include "cbapi/defense/device.hpp"
#include "cbapi/protection/models.hpp"
#include "cbapi/detail/json_body.hpp"
#include "support/response_fakes.hpp"

namespace cbapi {
namespace {

using nlohmann::json;
using testing::MockResponse;
using testing::MockServer;
using test::RecordingSleeper;

class BadReplyTest : public ::testing::Test {
protected:
    MockServer server;
    RecordingSleeper sleeper;
    Connection conn{test::credentials_for(server), test::test_options(sleeper)};

    std::string error_of(const std::string& body, int status = 200) {
        server.enqueue("GET", "/x", MockResponse::text(body, status));
        try {
            conn.get_json("/x");
        } catch (const ServerError& e) {
            return e.what();
        }
        return "no error";
    }
};

TEST_F(BadReplyTest, EmptyBodyWithStatus200IsAParseError) {
    EXPECT_NE(error_of("").find("Cannot parse response as JSON"), std::string::npos);
}

TEST_F(BadReplyTest, InvalidUtf8IsAParseError) {
    EXPECT_NE(error_of("{\"name\": \"\xff\xfe\"}").find("Cannot parse response as JSON"), std::string::npos);
}

TEST_F(BadReplyTest, TruncatedDocumentIsAParseError) {
    EXPECT_NE(error_of("{\"results\": [1, 2").find("Cannot parse response as JSON"), std::string::npos);
}

TEST_F(BadReplyTest, HostileNestingIsRefusedBeforeAnythingWalksIt) {
    const std::size_t depth = 100000;
    const std::string deep = std::string(depth, '[') + std::string(depth, ']');
    EXPECT_NE(error_of(deep).find("Cannot parse response as JSON"), std::string::npos);
}

TEST_F(BadReplyTest, NestingWithinTheLimitIsAccepted) {
    const std::size_t depth = detail::max_json_depth;
    server.enqueue("GET", "/x", MockResponse::text(std::string(depth, '[') + std::string(depth, ']')));
    EXPECT_NO_THROW(conn.get_json("/x"));
}

TEST(JsonNesting, BracketsInsideStringsDoNotCount) {
    const std::string text = "{\"a\": \"" + std::string(1000, '[') + "\\\"" + std::string(1000, '{') + "\"}";
    EXPECT_FALSE(detail::json_nesting_exceeds(text, 4));
    EXPECT_FALSE(detail::parse_json_body(text).is_discarded());
    EXPECT_TRUE(detail::json_nesting_exceeds("[[[[[", 4));
    EXPECT_FALSE(detail::json_nesting_exceeds("[[[[]]]]", 4));
}

// Model fields: the typed accessors over documents a broken server could send.
class BadFieldTest : public ::testing::Test {
protected:
    MockServer server;
    RecordingSleeper sleeper;
    response::CbResponseAPI cb = test::connected_api(server, sleeper);

    test::SearchItem item(json doc) { return test::SearchItem(cb.handle(), std::move(doc), true); }
};

TEST_F(BadFieldTest, WrongTypeIsAnApiErrorNamingTheField) {
    const auto m = item({{"id", "1"}, {"n", "seven"}});
    try {
        (void)m.get<long long>("n");
        FAIL() << "expected ApiError";
    } catch (const ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("Field 'n'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("unexpected type (string)"), std::string::npos) << e.what();
    }
}

TEST_F(BadFieldTest, NullAndMissingFieldsGiveTheDefault) {
    EXPECT_EQ(item({{"id", "1"}, {"n", nullptr}}).n(), -1);
    EXPECT_EQ(item({{"id", "1"}}).n(), -1);
    EXPECT_EQ(item({{"id", "1"}}).get<long long>("n"), std::nullopt);
}

TEST_F(BadFieldTest, NumbersOutOfRangeAreRefusedNotTruncated) {
    EXPECT_THROW((void)item({{"id", "1"}, {"n", 1e30}}).get<long long>("n"), ApiError);
    EXPECT_THROW((void)item({{"id", "1"}, {"n", std::numeric_limits<double>::infinity()}}).get<long long>("n"),
                 ApiError);
    EXPECT_THROW((void)item({{"id", "1"}, {"n", 1.5}}).get<long long>("n"), ApiError);
    EXPECT_THROW((void)item({{"id", "1"}, {"n", 18446744073709551615ULL}}).get<long long>("n"), ApiError);
    EXPECT_THROW((void)item({{"id", "1"}, {"n", 4294967296LL}}).get<int>("n"), ApiError);
    EXPECT_THROW((void)item({{"id", "1"}, {"n", -1}}).get<unsigned>("n"), ApiError);
    EXPECT_THROW((void)item({{"id", "1"}, {"n", 9.3e18}}).get<long long>("n"), ApiError);
}

TEST_F(BadFieldTest, NumbersInRangeConvertExactly) {
    EXPECT_EQ(item({{"id", "1"}, {"n", 42.0}}).get<long long>("n"), 42);
    EXPECT_EQ(item({{"id", "1"}, {"n", -9223372036854775807LL - 1}}).get<long long>("n"),
              std::numeric_limits<long long>::min());
    EXPECT_EQ(item({{"id", "1"}, {"n", 18446744073709551615ULL}}).get<unsigned long long>("n"),
              std::numeric_limits<unsigned long long>::max());
    EXPECT_EQ(item({{"id", "1"}, {"n", 7}}).get<double>("n"), 7.0);
}

TEST_F(BadFieldTest, TextNumbersFollowTheSameRulesAsNumbers) {
    const auto n = [this](json value) { return item({{"id", "1"}, {"n", std::move(value)}}); };
    // Accepted: the whole text is an integer the type holds (as real servers send "total_hits": "308").
    EXPECT_EQ(n("308").get<long long>("n"), 308);
    EXPECT_EQ(n("+7").get<int>("n"), 7);
    EXPECT_EQ(n("-9223372036854775808").get<long long>("n"), std::numeric_limits<long long>::min());
    EXPECT_EQ(n("18446744073709551615").get<unsigned long long>("n"), std::numeric_limits<unsigned long long>::max());
    EXPECT_EQ(n("0.5").get<double>("n"), 0.5);
    EXPECT_EQ(n("-1e3").get<double>("n"), -1000.0);
    EXPECT_EQ(n("").get<long long>("n"), std::nullopt);  // empty text: no value, as the typed accessors read it
    EXPECT_EQ(n("").get<bool>("n"), std::nullopt);
    // Refused, naming the field: not exactly an integer, or one the type cannot hold.
    for (const char* text : {"12abc", "seven", "1.5", "1e3", " 12", "12 ", "0x10", "--1", "+", "-"}) {
        try {
            (void)n(text).get<long long>("n");
            ADD_FAILURE() << text << " was accepted";
        } catch (const ApiError& e) {
            EXPECT_NE(std::string(e.what()).find("Field 'n'"), std::string::npos) << e.what();
        }
    }
    EXPECT_THROW((void)n("4294967296").get<int>("n"), ApiError);
    EXPECT_THROW((void)n("-1").get<unsigned>("n"), ApiError);
    EXPECT_THROW((void)n("9223372036854775808").get<long long>("n"), ApiError);
    EXPECT_THROW((void)n("18446744073709551616").get<unsigned long long>("n"), ApiError);
    for (const char* text : {"nan", "inf", "-inf", "1e400", "0.5x", ".5", "1.", " 1"})
        EXPECT_THROW((void)n(text).get<double>("n"), ApiError) << text;
    for (const char* text : {"TRUE", "True", "1", "yes", "false "})
        EXPECT_THROW((void)n(text).get<bool>("n"), ApiError) << text;
}

TEST_F(BadFieldTest, TimesOutOfRangeAreAnApiError) {
    EXPECT_THROW((void)item({{"id", "1"}, {"t", 1e300}}).get<TimePoint>("t"), ApiError);
    EXPECT_THROW((void)item({{"id", "1"}, {"t", "not a time"}}).get<TimePoint>("t"), ApiError);
    EXPECT_THROW((void)item({{"id", "1"}, {"t", json::array()}}).get<TimePoint>("t"), ApiError);
}

TEST_F(BadFieldTest, DefenseDeviceOverWrongTypesAndNulls) {
    defense::Device d(cb.handle(), {{"deviceId", "not a number"}, {"name", 5}, {"policyId", nullptr},
                                    {"createTime", "yesterday"}, {"sensorStates", "ACTIVE"}},
                      true);
    EXPECT_THROW((void)d.device_id(), ApiError);
    EXPECT_THROW((void)d.name(), ApiError);
    EXPECT_EQ(d.policy_id(), std::nullopt);
    EXPECT_THROW((void)d.create_time(), ApiError);
    EXPECT_THROW((void)d.sensor_states(), ApiError);
    EXPECT_NO_THROW((void)d.to_string());
}

TEST_F(BadFieldTest, ToStringNeverShowsPasswordsTokensOrKeys) {
    response::User user(cb.handle(), {{"username", "alice"}, {"auth_token", "S3CRET-TOKEN"}}, true);
    user.set_password("S3CRET-PASSWORD");
    const response::Feed feed(cb.handle(),
                              {{"id", 1}, {"password", "S3CRET-FEED"}, {"ssl_client_key", "S3CRET-KEY"}}, true);
    const protection::Computer computer(cb.handle(), {{"id", 1}, {"CLIPassword", "S3CRET-CLI"}}, true);
    for (const std::string& text : {user.to_string(), feed.to_string(), computer.to_string()}) {
        EXPECT_EQ(text.find("S3CRET"), std::string::npos) << text;
        EXPECT_NE(text.find("<redacted>"), std::string::npos) << text;
    }
    EXPECT_EQ(user.get<std::string>("password"), "S3CRET-PASSWORD");  // only the printing hides it
}

}  // namespace
}  // namespace cbapi
