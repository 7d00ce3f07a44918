// Request logging: the DEBUG lines of cbapi-python, curl's trace at TRACE level, and never the token.
#include <gtest/gtest.h>

#include <regex>

#include "support/fixtures.hpp"

namespace cbapi {
namespace {

using testing::MockResponse;
using testing::MockServer;

class LoggingTest : public ::testing::Test {
protected:
    MockServer server;
    test::RecordingSleeper sleeper;
};

TEST_F(LoggingTest, DebugLogsEachRequestWithTiming) {
    test::LogCapture capture(spdlog::level::debug);
    Connection conn(test::credentials_for(server), test::test_options(sleeper));
    server.enqueue("GET", "/api/v1/process", MockResponse::json({}));
    conn.get_json("/api/v1/process", {{"q", "process_name:cmd.exe"}, {"rows", "10"}});
    const std::regex line(R"(debug HTTP GET /api/v1/process\?q=process_name%3Acmd\.exe&rows=10 took \d+\.\d{3}s \(response 200\))");
    EXPECT_TRUE(std::regex_search(capture.text(), line)) << capture.text();
}

TEST_F(LoggingTest, DebugLogsTheBodyBeingSent) {
    test::LogCapture capture(spdlog::level::debug);
    Connection conn(test::credentials_for(server), test::test_options(sleeper));
    server.enqueue("POST", "/api/user", MockResponse::json({{"result", "success"}}));
    conn.post_json("/api/user", {{"username", "jdoe"}});
    EXPECT_NE(capture.text().find(R"(debug Sending HTTP POST /api/user with {"username":"jdoe"})"), std::string::npos)
        << capture.text();
}

TEST_F(LoggingTest, LongBodiesAreTruncatedInTheLog) {
    test::LogCapture capture(spdlog::level::debug);
    Connection conn(test::credentials_for(server), test::test_options(sleeper));
    server.enqueue("POST", "/api/v1/watchlist", MockResponse::json({}));
    conn.post_json("/api/v1/watchlist", {{"search_query", std::string(5000, 'q')}});
    EXPECT_NE(capture.text().find("more bytes)"), std::string::npos);
    EXPECT_EQ(capture.text().find(std::string(2000, 'q')), std::string::npos);
}

TEST_F(LoggingTest, QuietByDefault) {
    set_logger(nullptr);
    EXPECT_EQ(logger()->level(), spdlog::level::warn);
    EXPECT_EQ(logger()->name(), "cbapi");
}

TEST_F(LoggingTest, TraceShowsCurlExchangeButNeverTheToken) {
    test::LogCapture capture(spdlog::level::trace);
    Connection conn(test::credentials_for(server), test::test_options(sleeper));
    server.enqueue("POST", "/api/auth", MockResponse::json({{"auth_token", server.token()}}));
    server.enqueue("GET", "/api/info", MockResponse::text("token is " + server.token(), 500));
    conn.post_json("/api/auth", {{"token", server.token()}});
    EXPECT_THROW(conn.get_json("/api/info"), ServerError);
    const std::string text = capture.text();
    EXPECT_NE(text.find("curl: > GET /api/info"), std::string::npos) << text;
    EXPECT_NE(text.find("curl: > X-Auth-Token: <redacted>"), std::string::npos) << text;
    EXPECT_NE(text.find("curl: > User-Agent: cbapi-cpp/"), std::string::npos) << text;
    EXPECT_NE(text.find("curl: < HTTP/1.1 500"), std::string::npos) << text;
    EXPECT_EQ(text.find(server.token()), std::string::npos) << text;
}

TEST_F(LoggingTest, ProxyPasswordNeverReachesTheTrace) {
    MockServer::Options proxy_options;
    proxy_options.token.clear();
    MockServer proxy(proxy_options);
    proxy.on("*", ".*", [](const testing::RecordedRequest&) { return MockResponse::json({}); });
    test::LogCapture capture(spdlog::level::trace);
    Credentials c = test::credentials_for(server);
    c.proxy = "http://proxyuser:s3cr3t-proxy-pass@127.0.0.1:" + std::to_string(proxy.port());
    Connection(c, test::test_options(sleeper)).get_json("/api/info");
    const std::string text = capture.text();
    EXPECT_EQ(text.find("s3cr3t-proxy-pass"), std::string::npos) << text;
    EXPECT_EQ(text.find(server.token()), std::string::npos) << text;
    EXPECT_EQ(proxy.requests().at(0).header("Proxy-Authorization").has_value(), true);
}

}  // namespace
}  // namespace cbapi
