// Connection against the mock server: headers, query encoding, JSON bodies, replies and error mapping.
#include <gtest/gtest.h>

#include "support/fixtures.hpp"

namespace cbapi {
namespace {

using testing::MockResponse;
using testing::MockServer;
using test::RecordingSleeper;

class ConnectionTest : public ::testing::Test {
protected:
    MockServer server;
    RecordingSleeper sleeper;
    Connection conn{test::credentials_for(server), test::test_options(sleeper)};
};

TEST_F(ConnectionTest, SendsTokenAndUserAgentOnEveryRequest) {
    server.enqueue("GET", "/api/info", MockResponse::json({{"version", "6.1.0"}}));
    conn.get_json("/api/info");
    const auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].header("X-Auth-Token"), server.token());
    const std::string ua = reqs[0].header("User-Agent").value_or("");
    EXPECT_EQ(ua.rfind(std::string("cbapi-cpp/") + version_string + " libcurl/", 0), 0u) << ua;
}

TEST_F(ConnectionTest, IntegrationNameIsAppendedToUserAgent) {
    auto options = test::test_options(sleeper);
    options.integration_name = "MySoar/2.0";
    Connection named(test::credentials_for(server), options);
    server.enqueue("GET", "/api/info", MockResponse::json({}));
    named.get_json("/api/info");
    const std::string ua = server.requests().at(0).header("User-Agent").value_or("");
    EXPECT_EQ(ua.substr(ua.size() - std::string(" MySoar/2.0").size()), " MySoar/2.0");
    EXPECT_EQ(named.user_agent(), ua);
}

TEST_F(ConnectionTest, QueryParametersAreSortedAndQuotePlusEncoded) {
    server.enqueue("GET", "/api/v1/process", MockResponse::json({{"results", nlohmann::json::array()}}));
    conn.get_json("/api/v1/process", {{"start", "0"},
                                      {"sort", "last_update desc"},
                                      {"rows", "100"},
                                      {"q", "process_name:cmd.exe"},
                                      {"facet", "false"},
                                      {"cb.urlver", "1"},
                                      {"cb.min_last_update", "2017-05-21T18:41:58Z"},
                                      {"cb.group", "id"}});
    const auto req = server.requests().at(0);
    EXPECT_EQ(req.method, "GET");
    EXPECT_EQ(req.path, "/api/v1/process");
    EXPECT_EQ(req.query,
              "cb.group=id&cb.min_last_update=2017-05-21T18%3A41%3A58Z&cb.urlver=1&facet=false&q=process_name%3Acmd.exe"
              "&rows=100&sort=last_update+desc&start=0");
    EXPECT_TRUE(req.body.empty());
}

TEST_F(ConnectionTest, RepeatedKeysAreKeptAndSortedByValue) {
    server.enqueue("GET", "/api/v1/process", MockResponse::json({}));
    conn.get_json("/api/v1/process", {{"facet.field", "username"}, {"facet.field", "hostname"}, {"q", "a b"}});
    EXPECT_EQ(server.requests().at(0).query, "facet.field=hostname&facet.field=username&q=a+b");
}

TEST_F(ConnectionTest, GetJsonReturnsParsedDocument) {
    server.enqueue("GET", "/api/v1/sensor/3", MockResponse::json({{"id", 3}, {"computer_name", "WIN7"}}));
    const auto doc = conn.get_json("/api/v1/sensor/3");
    EXPECT_EQ(doc.at("id"), 3);
    EXPECT_EQ(doc.at("computer_name"), "WIN7");
}

TEST_F(ConnectionTest, NoContentGivesTheCallersDefault) {
    server.enqueue("GET", "/api/v1/thing", MockResponse::text("", 204));
    EXPECT_EQ(conn.get_json("/api/v1/thing", {}, nlohmann::json::array()), nlohmann::json::array());
    server.enqueue("DELETE", "/api/v1/thing/1", MockResponse::text("", 204));
    EXPECT_EQ(conn.delete_json("/api/v1/thing/1", {{"deleted", true}}), (nlohmann::json{{"deleted", true}}));
}

TEST_F(ConnectionTest, OkThatIsNotJsonIsAServerError) {
    server.enqueue("GET", "/api/info", MockResponse::text("<html>maintenance</html>"));
    try {
        conn.get_json("/api/info");
        FAIL() << "expected ServerError";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 200);
        EXPECT_NE(std::string(e.what()).find("Cannot parse response as JSON"), std::string::npos) << e.what();
        EXPECT_EQ(e.body(), "<html>maintenance</html>");
    }
}

TEST_F(ConnectionTest, UnexpectedSuccessStatusOnGetIsAServerError) {
    server.enqueue("GET", "/api/info", MockResponse::json({}, 202));
    EXPECT_THROW(conn.get_json("/api/info"), ServerError);
}

TEST_F(ConnectionTest, PostSendsSortedJsonWithContentType) {
    server.enqueue("POST", "/api/user", MockResponse::json({{"result", "success"}}));
    const nlohmann::json body = {{"username", "jdoe"}, {"first_name", "J"}, {"email", "j@example.com"}};
    const auto reply = conn.post_json("/api/user", body);
    EXPECT_EQ(reply, (nlohmann::json{{"result", "success"}}));
    const auto req = server.requests().at(0);
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.header("Content-Type"), "application/json");
    EXPECT_EQ(req.body, R"({"email":"j@example.com","first_name":"J","username":"jdoe"})");
}

TEST_F(ConnectionTest, PutPatchAndDeleteUseTheirMethods) {
    server.enqueue("PUT", "/api/v1/sensor/1", MockResponse::json({{"id", 1}}));
    server.enqueue("PATCH", "/integrationServices/v3/device/7", MockResponse::json({{"success", true}}));
    server.enqueue("DELETE", "/api/v1/feed/2", MockResponse::json({{"result", "success"}}));
    conn.put_json("/api/v1/sensor/1", {{"id", 1}, {"network_isolation_enabled", true}});
    conn.patch_json("/integrationServices/v3/device/7", {{"policyName", "Restrictive"}});
    conn.delete_json("/api/v1/feed/2");
    const auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 3u);
    EXPECT_EQ(reqs[0].method, "PUT");
    EXPECT_EQ(reqs[0].json(), (nlohmann::json{{"id", 1}, {"network_isolation_enabled", true}}));
    EXPECT_EQ(reqs[1].method, "PATCH");
    EXPECT_EQ(reqs[1].header("Content-Type"), "application/json");
    EXPECT_EQ(reqs[2].method, "DELETE");
    EXPECT_TRUE(reqs[2].body.empty());
}

TEST_F(ConnectionTest, NullBodyIsSentAsLiteralNull) {
    server.enqueue("POST", "/api/v1/storage/events/new_partition", MockResponse::json({{"result", "success"}}));
    conn.post_json("/api/v1/storage/events/new_partition", nullptr);
    EXPECT_EQ(server.requests().at(0).body, "null");
}

TEST_F(ConnectionTest, NotFoundMapsToObjectNotFoundError) {
    server.enqueue("GET", "/api/v1/sensor/99", MockResponse::text("Sensor not found", 404));
    try {
        conn.get_json("/api/v1/sensor/99");
        FAIL();
    } catch (const ObjectNotFoundError& e) {
        EXPECT_EQ(e.status(), 404);
        EXPECT_EQ(e.uri(), server.url() + "/api/v1/sensor/99");
        EXPECT_EQ(std::string(e.what()),
                  "Received 404 (Object Not Found) for " + server.url() + "/api/v1/sensor/99: Sensor not found");
    }
}

TEST_F(ConnectionTest, UnauthorizedMapsToUnauthorizedErrorWithMethod) {
    Credentials bad = test::credentials_for(server);
    bad.token = "wrong-token-value";
    Connection wrong(bad, test::test_options(sleeper));
    try {
        wrong.delete_json("/api/v1/feed/1");
        FAIL();
    } catch (const UnauthorizedError& e) {
        EXPECT_EQ(e.status(), 401);
        EXPECT_EQ(e.action(), "DELETE");
        EXPECT_NE(std::string(e.what()).find("Unauthorized: attempted to DELETE " + server.url() + "/api/v1/feed/1"),
                  std::string::npos)
            << e.what();
        EXPECT_EQ(std::string(e.what()).find("wrong-token-value"), std::string::npos);
    }
}

TEST_F(ConnectionTest, OtherErrorStatusesMapToServerErrorWithBody) {
    for (int status : {400, 403, 405, 409, 500}) {
        server.enqueue("POST", "/api/v1/watchlist", MockResponse::text("bad query syntax", status));
        try {
            conn.post_json("/api/v1/watchlist", {{"name", "x"}});
            FAIL() << status;
        } catch (const ServerError& e) {
            EXPECT_EQ(e.status(), status);
            EXPECT_EQ(e.error_code(), status);
            EXPECT_EQ(e.body(), "bad query syntax");
            EXPECT_EQ(std::string(e.what()),
                      "Received error code " + std::to_string(status) + " from API: bad query syntax");
        }
    }
}

TEST_F(ConnectionTest, TokenEchoedByServerIsRedactedFromExceptions) {
    server.enqueue("GET", "/api/info", MockResponse::text("bad token " + server.token() + " given", 500));
    try {
        conn.get_json("/api/info");
        FAIL();
    } catch (const ServerError& e) {
        EXPECT_EQ(std::string(e.what()).find(server.token()), std::string::npos) << e.what();
        EXPECT_EQ(e.body().find(server.token()), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("<redacted>"), std::string::npos);
    }
}

TEST(ConnectionSetup, RejectsUrlWithoutHttpScheme) {
    Credentials c;
    c.url = "ftp://cb.example.com";
    c.token = "abc";
    EXPECT_THROW(Connection{c}, CredentialError);
    c.url = "cb.example.com";
    EXPECT_THROW(Connection{c}, CredentialError);
}

TEST(ConnectionSetup, RejectsEmptyToken) {
    Credentials c;
    c.url = "https://cb.example.com";
    EXPECT_THROW(Connection{c}, CredentialError);
}

TEST(ConnectionSetup, TrailingSlashIsRemovedFromUrl) {
    Credentials c;
    c.url = "https://cb.example.com//";
    c.token = "abc";
    EXPECT_EQ(Connection{c}.url(), "https://cb.example.com");
}

TEST(ConnectionSetup, PlainHttpLogsAWarning) {
    test::LogCapture capture(spdlog::level::warn);
    Credentials c;
    c.url = "http://cb.example.com";
    c.token = "abc";
    Connection conn(c);
    EXPECT_NE(capture.text().find("warning Connecting to Cb server on unencrypted HTTP"), std::string::npos)
        << capture.text();
}

TEST(ConnectionSetup, DisabledVerificationLogsAWarningOnce) {
    test::LogCapture capture(spdlog::level::warn);
    Credentials c;
    c.url = "https://cb.example.com";
    c.token = "abc";
    c.ssl_verify = false;
    Connection conn(c);
    Connection copy = conn;  // copies share state and do not log again
    (void)copy;
    const std::string text = capture.text();
    const auto first = text.find("TLS certificate verification is disabled");
    ASSERT_NE(first, std::string::npos) << text;
    EXPECT_EQ(text.find("TLS certificate verification is disabled", first + 1), std::string::npos);
}

}  // namespace
}  // namespace cbapi
