// CbDefenseAPI: the token forms (combined, separate api_key/connector_id), credential errors that never quote the
// token, no request at construction, and notifications.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/defense_fakes.hpp"

namespace cbapi {
namespace {

using defense::CbDefenseAPI;
using defense::Notification;

constexpr const char* kNotifications = "/integrationServices/v3/notification";

class DefenseApiTest : public ::testing::Test {
protected:
    testing::MockServer server{test::defense_server_options()};
    test::RecordingSleeper sleeper;

    defense::ApiOptions options() {
        defense::ApiOptions o;
        o.connection = test::test_options(sleeper);
        return o;
    }
    std::string sent_token() const { return test::last_request(server).header("X-Auth-Token").value_or(""); }
};

TEST_F(DefenseApiTest, CombinedTokenIsSentVerbatimAndNothingIsSentAtConstruction) {
    const CbDefenseAPI cb(server.url(), test::kDefenseToken, options());
    EXPECT_EQ(server.request_count(), 0U);
    EXPECT_EQ(cb.handle()->product, Product::defense);
    EXPECT_TRUE(cb.handle()->server_info.is_null());
    EXPECT_FALSE(cb.handle()->server_version.has_value());
    server.enqueue("GET", kNotifications, testing::MockResponse::json({{"success", true}, {"notifications", {}}}));
    EXPECT_TRUE(cb.get_notifications().empty());
    EXPECT_EQ(sent_token(), test::kDefenseToken);
}

TEST_F(DefenseApiTest, SeparateKeyAndConnectorAreJoinedWithASlash) {
    const CbDefenseAPI cb(server.url(), test::kDefenseKey, test::kDefenseConnector, options());
    EXPECT_EQ(server.request_count(), 0U);
    server.enqueue("GET", kNotifications, testing::MockResponse::json({{"success", true}}));
    cb.get_notifications();
    EXPECT_EQ(sent_token(), test::kDefenseToken);
}

TEST_F(DefenseApiTest, ApiKeyAndConnectorIdFromCredentialsExtra) {
    Credentials c;
    c.url = server.url();
    c.extra["api_key"] = test::kDefenseKey;
    c.extra["connector_id"] = test::kDefenseConnector;
    const CbDefenseAPI cb(c, options());
    server.enqueue("GET", kNotifications, testing::MockResponse::json({{"success", true}}));
    cb.get_notifications();
    EXPECT_EQ(sent_token(), test::kDefenseToken);

    c.token = test::kDefenseToken;  // agreeing token as well: fine
    EXPECT_NO_THROW(CbDefenseAPI(c, options()));
}

TEST_F(DefenseApiTest, FromProfileReadsTheCombinedTokenOfCredentialsDefense) {
    const auto dir = std::filesystem::temp_directory_path() / ("cbapi-defense-" + std::to_string(server.port()));
    std::filesystem::create_directories(dir);
    const auto file = dir / "credentials.defense";
    {
        std::ofstream out(file);
        out << "[lab]\nurl = " << server.url() << "\ntoken = " << test::kDefenseToken << "\nssl_verify = True\n";
    }
    std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    defense::ApiOptions o = options();
    o.credentials.files = std::vector<std::filesystem::path>{file};
    o.credentials.use_environment = false;
    const auto cb = CbDefenseAPI::from_profile("lab", o);
    EXPECT_EQ(server.request_count(), 0U);
    server.enqueue("GET", kNotifications, testing::MockResponse::json({{"success", true}}));
    cb.get_notifications();
    EXPECT_EQ(sent_token(), test::kDefenseToken);
    std::filesystem::remove_all(dir);
}

TEST_F(DefenseApiTest, MalformedTokensAreCredentialErrorsThatNeverQuoteTheToken) {
    for (const std::string token : {"SECRETKEYONLY", "/SECRETCONN", "SECRETKEY/", "SECRET/KEY/CONN"}) {
        try {
            CbDefenseAPI(server.url(), token, options());
            ADD_FAILURE() << "no error for a malformed token";
        } catch (const CredentialError& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find("<api key>/<connector id>"), std::string::npos) << what;
            EXPECT_EQ(what.find("SECRET"), std::string::npos) << what;
        }
    }
    EXPECT_EQ(server.request_count(), 0U);
}

TEST_F(DefenseApiTest, IncompleteOrConflictingKeyPartsAreCredentialErrors) {
    Credentials c;
    c.url = server.url();
    c.extra["api_key"] = "SECRETKEY";
    EXPECT_THROW(CbDefenseAPI(c, options()), CredentialError);  // no connector_id
    c.extra["connector_id"] = "CONN";
    c.token = "OTHERKEY/CONN";
    try {
        CbDefenseAPI(c, options());
        ADD_FAILURE() << "no error for a token that disagrees with api_key/connector_id";
    } catch (const CredentialError& e) {
        EXPECT_EQ(std::string(e.what()).find("SECRETKEY"), std::string::npos);
        EXPECT_EQ(std::string(e.what()).find("OTHERKEY"), std::string::npos);
    }
    EXPECT_THROW(CbDefenseAPI(server.url(), "", "CONN", options()), CredentialError);
    EXPECT_THROW(CbDefenseAPI(server.url(), "A/B", "CONN", options()), CredentialError);
    EXPECT_THROW(CbDefenseAPI(server.url(), "", options()), CredentialError);
}

TEST_F(DefenseApiTest, WrongTokenIsUnauthorized) {
    const CbDefenseAPI cb(server.url(), "OTHER/CONN42", options());
    EXPECT_THROW(cb.get_notifications(), UnauthorizedError);
}

// --- notifications -------------------------------------------------------------------------------------------------

TEST_F(DefenseApiTest, GetNotificationsReadsTheArrayWithTypedAccessors) {
    const auto cb = test::defense_api(server, sleeper);
    server.enqueue("GET", kNotifications,
                   testing::MockResponse::json(
                       {{"success", true},
                        {"message", "Success"},
                        {"notifications",
                         {{{"type", "THREAT"},
                           {"eventTime", 1500000000000LL},
                           {"ruleName", "All"},
                           {"url", "https://x/y"},
                           {"deviceInfo", {{"deviceName", "WIN-1"}}}}}}}));
    const auto list = cb.get_notifications();
    const auto r = test::last_request(server);
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.query, "");
    ASSERT_EQ(list.size(), 1U);
    EXPECT_EQ(list[0].type(), "THREAT");
    EXPECT_EQ(list[0].rule_name(), "All");
    EXPECT_EQ(list[0].url(), "https://x/y");
    EXPECT_EQ(list[0].device_name(), "WIN-1");
    EXPECT_EQ(list[0].event_time(), parse_cb_time("2017-07-14T02:40:00Z"));
    EXPECT_EQ(list[0].document()["type"], "THREAT");
}

TEST_F(DefenseApiTest, NoContentGivesNoNotifications) {
    const auto cb = test::defense_api(server, sleeper);
    server.enqueue("GET", kNotifications, testing::MockResponse::text("", 204));
    EXPECT_TRUE(cb.get_notifications().empty());  // cbapi-python fails on a 204
}

TEST_F(DefenseApiTest, NotificationsSuccessFalseRaisesServerErrorWithTheMessage) {
    const auto cb = test::defense_api(server, sleeper);
    server.enqueue("GET", kNotifications,
                   testing::MockResponse::json({{"success", false}, {"message", "Key is not a SIEM key"}}));
    try {
        cb.get_notifications();
        ADD_FAILURE() << "no error";
    } catch (const ServerError& e) {
        EXPECT_NE(std::string(e.what()).find("Key is not a SIEM key"), std::string::npos) << e.what();
    }
}

TEST_F(DefenseApiTest, NotificationListenerPollsWithTheIntervalUntilTheLimit) {
    const auto cb = test::defense_api(server, sleeper);
    for (int i = 0; i < 3; ++i)
        server.enqueue("GET", kNotifications,
                       testing::MockResponse::json(
                           {{"success", true}, {"notifications", {{{"type", "T" + std::to_string(i)}}}}}));
    std::vector<std::chrono::milliseconds> waits;
    std::vector<std::string> seen;
    defense::ListenOptions o;
    o.interval = std::chrono::seconds(30);
    o.max_polls = 3;
    o.sleeper = [&waits](std::chrono::milliseconds d) { waits.push_back(d); };
    cb.notification_listener([&seen](const Notification& n) { seen.push_back(n.type()); return true; }, o);
    EXPECT_EQ(seen, (std::vector<std::string>{"T0", "T1", "T2"}));
    EXPECT_EQ(waits, (std::vector<std::chrono::milliseconds>(2, std::chrono::seconds(30))));
    EXPECT_EQ(server.request_count(), 3U);
}

TEST_F(DefenseApiTest, NotificationListenerStopsWhenTheHandlerSaysSo) {
    const auto cb = test::defense_api(server, sleeper);
    server.enqueue("GET", kNotifications,
                   testing::MockResponse::json({{"success", true}, {"notifications", {{{"type", "A"}}, {{"type", "B"}}}}}));
    int calls = 0;
    defense::ListenOptions o;
    o.sleeper = [](std::chrono::milliseconds) { FAIL() << "must not wait"; };
    cb.notification_listener([&calls](const Notification&) { return ++calls < 1; }, o);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(server.request_count(), 1U);
}

}  // namespace
}  // namespace cbapi
