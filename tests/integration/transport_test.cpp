// Retries, backoff, Retry-After, timeouts and network faults, through the libcurl transport and the mock server.
#include <gtest/gtest.h>

#include <thread>

#include "support/fixtures.hpp"

namespace cbapi {
namespace {

using std::chrono::milliseconds;
using testing::MockResponse;
using testing::MockServer;
using test::RecordingSleeper;

class RetryTest : public ::testing::Test {
protected:
    MockServer server;
    RecordingSleeper sleeper;
    Connection conn{test::credentials_for(server), test::test_options(sleeper)};

    void enqueue_status(const std::string& method, const std::string& path, int status, int times) {
        for (int i = 0; i < times; ++i) server.enqueue(method, path, MockResponse::text("busy", status));
    }
};

TEST_F(RetryTest, GetIsRetriedOnRetryableStatusesWithExponentialBackoff) {
    server.enqueue("GET", "/api/info", MockResponse::text("", 502));
    server.enqueue("GET", "/api/info", MockResponse::text("", 503));
    server.enqueue("GET", "/api/info", MockResponse::text("", 504));
    server.enqueue("GET", "/api/info", MockResponse::text("", 429));
    server.enqueue("GET", "/api/info", MockResponse::json({{"version", "6.1.0"}}));
    EXPECT_EQ(conn.get_json("/api/info").at("version"), "6.1.0");
    EXPECT_EQ(server.request_count(), 5u);
    EXPECT_EQ(sleeper.delays(), (std::vector<milliseconds>{milliseconds(500), milliseconds(1000), milliseconds(2000),
                                                           milliseconds(4000)}));
}

TEST_F(RetryTest, RetryAfterSecondsReplacesTheBackoff) {
    MockResponse busy = MockResponse::text("slow down", 429);
    busy.headers.set("Retry-After", "7");
    server.enqueue("GET", "/api/info", busy);
    server.enqueue("GET", "/api/info", MockResponse::json({}));
    conn.get_json("/api/info");
    EXPECT_EQ(sleeper.delays(), std::vector<milliseconds>{milliseconds(7000)});
}

TEST_F(RetryTest, RetryAfterIsCappedByThePolicy) {
    MockResponse busy = MockResponse::text("", 503);
    busy.headers.set("Retry-After", "86400");
    server.enqueue("GET", "/api/info", busy);
    server.enqueue("GET", "/api/info", MockResponse::json({}));
    auto options = test::test_options(sleeper);
    options.backoff.max_retry_after = std::chrono::seconds(30);
    Connection capped(test::credentials_for(server), options);
    capped.get_json("/api/info");
    EXPECT_EQ(sleeper.delays(), std::vector<milliseconds>{milliseconds(30000)});
}

TEST_F(RetryTest, RetryAfterHttpDateInThePastRetriesAtOnce) {
    MockResponse busy = MockResponse::text("", 503);
    busy.headers.set("Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT");
    server.enqueue("GET", "/api/info", busy);
    server.enqueue("GET", "/api/info", MockResponse::json({}));
    conn.get_json("/api/info");
    EXPECT_EQ(sleeper.delays(), std::vector<milliseconds>{milliseconds(0)});
}

TEST_F(RetryTest, GivesUpAfterMaxRetriesWithTheLastStatus) {
    enqueue_status("GET", "/api/info", 503, 6);
    try {
        conn.get_json("/api/info");
        FAIL();
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 503);
        EXPECT_EQ(e.result(), "Gave up after 5 retries.");
    }
    EXPECT_EQ(server.request_count(), 6u);
    EXPECT_EQ(sleeper.delays().size(), 5u);
}

TEST_F(RetryTest, MaxRetriesIsConfigurable) {
    enqueue_status("GET", "/api/info", 502, 3);
    auto options = test::test_options(sleeper);
    options.retry.max_retries = 2;
    Connection few(test::credentials_for(server), options);
    EXPECT_THROW(few.get_json("/api/info"), ServerError);
    EXPECT_EQ(server.request_count(), 3u);
}

TEST_F(RetryTest, BackoffIsCappedAtMaxDelay) {
    enqueue_status("GET", "/api/info", 503, 5);
    server.enqueue("GET", "/api/info", MockResponse::json({}));
    auto options = test::test_options(sleeper);
    options.backoff.max_delay = milliseconds(1500);
    Connection capped(test::credentials_for(server), options);
    capped.get_json("/api/info");
    EXPECT_EQ(sleeper.delays(), (std::vector<milliseconds>{milliseconds(500), milliseconds(1000), milliseconds(1500),
                                                           milliseconds(1500), milliseconds(1500)}));
}

TEST_F(RetryTest, NonRetryableStatusIsNotRetried) {
    server.enqueue("GET", "/api/info", MockResponse::text("boom", 500));
    EXPECT_THROW(conn.get_json("/api/info"), ServerError);
    EXPECT_EQ(server.request_count(), 1u);
    EXPECT_TRUE(sleeper.delays().empty());
}

TEST_F(RetryTest, PostIsNeverRetried) {
    server.enqueue("POST", "/api/v1/watchlist", MockResponse::text("", 503));
    server.enqueue("POST", "/api/v1/watchlist", MockResponse::json({{"id", 1}}));
    EXPECT_THROW(conn.post_json("/api/v1/watchlist", {{"name", "w"}}), ServerError);
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(RetryTest, PatchIsNeverRetried) {
    server.enqueue("PATCH", "/integrationServices/v3/device/1", MockResponse::text("", 502));
    EXPECT_THROW(conn.patch_json("/integrationServices/v3/device/1", {{"a", 1}}), ServerError);
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(RetryTest, ReadOnlyPostIsRetried) {
    server.enqueue("POST", "/api/v1/search", MockResponse::text("", 503));
    server.enqueue("POST", "/api/v1/search", MockResponse::json({{"results", nlohmann::json::array()}}));
    conn.post_json("/api/v1/search", {{"q", "x"}}, /*read_only=*/true);
    EXPECT_EQ(server.request_count(), 2u);
}

TEST_F(RetryTest, PutAndDeleteAreRetried) {
    server.enqueue("PUT", "/api/v1/sensor/1", MockResponse::text("", 504));
    server.enqueue("PUT", "/api/v1/sensor/1", MockResponse::json({{"id", 1}}));
    server.enqueue("DELETE", "/api/v1/feed/1", MockResponse::text("", 502));
    server.enqueue("DELETE", "/api/v1/feed/1", MockResponse::json({{"result", "success"}}));
    conn.put_json("/api/v1/sensor/1", {{"id", 1}});
    conn.delete_json("/api/v1/feed/1");
    EXPECT_EQ(server.request_count(), 4u);
}

TEST_F(RetryTest, DroppedConnectionIsRetriedForGet) {
    MockResponse drop;
    drop.drop = true;
    server.enqueue("GET", "/api/info", drop);
    server.enqueue("GET", "/api/info", MockResponse::json({{"version", "5.1.1"}}));
    EXPECT_EQ(conn.get_json("/api/info").at("version"), "5.1.1");
    EXPECT_EQ(server.request_count(), 2u);
    EXPECT_EQ(sleeper.delays().size(), 1u);
}

TEST_F(RetryTest, TruncatedBodyIsRetriedForGet) {
    MockResponse cut = MockResponse::json({{"results", std::string(5000, 'x')}});
    cut.truncate_at = 100;
    server.enqueue("GET", "/api/v1/process", cut);
    server.enqueue("GET", "/api/v1/process", MockResponse::json({{"results", "ok"}}));
    EXPECT_EQ(conn.get_json("/api/v1/process").at("results"), "ok");
    EXPECT_EQ(server.request_count(), 2u);
}

TEST_F(RetryTest, DroppedConnectionOnPostIsAConnectionErrorWithoutRetry) {
    MockResponse drop;
    drop.drop = true;
    server.enqueue("POST", "/api/v1/watchlist", drop);
    try {
        conn.post_json("/api/v1/watchlist", {{"name", "w"}});
        FAIL();
    } catch (const ConnectionError& e) {
        EXPECT_NE(e.curl_code(), 0);
        EXPECT_TRUE(e.retryable());
        EXPECT_EQ(e.uri(), server.url() + "/api/v1/watchlist");
        EXPECT_NE(std::string(e.what()).find("Received a network connection error from " + server.url()),
                  std::string::npos)
            << e.what();
    }
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(RetryTest, PersistentDropsEndWithConnectionError) {
    MockResponse drop;
    drop.drop = true;
    for (int i = 0; i < 6; ++i) server.enqueue("GET", "/api/info", drop);
    EXPECT_THROW(conn.get_json("/api/info"), ConnectionError);
    EXPECT_EQ(server.request_count(), 6u);
}

TEST(Transport, ConnectionRefusedIsAConnectionError) {
    int port = 0;
    {
        MockServer gone;  // find a free port, then close it
        port = gone.port();
    }
    RecordingSleeper sleeper;
    auto options = test::test_options(sleeper);
    options.retry.max_retries = 1;
    Credentials c;
    c.url = "http://127.0.0.1:" + std::to_string(port);
    c.token = "t";
    Connection conn(c, options);
    try {
        conn.get_json("/api/info");
        FAIL();
    } catch (const ConnectionError& e) {
        EXPECT_EQ(e.curl_code(), 7);  // CURLE_COULDNT_CONNECT
        EXPECT_TRUE(e.retryable());
    }
    EXPECT_EQ(sleeper.delays().size(), 1u);  // retried once, as configured
}

TEST(Transport, RequestTimeoutIsATimeoutErrorAndNotRetried) {
    MockServer server;
    MockResponse slow = MockResponse::json({});
    slow.hold = true;
    server.enqueue("GET", "/api/info", slow);
    RecordingSleeper sleeper;
    auto options = test::test_options(sleeper);
    options.timeout = milliseconds(200);
    Connection conn(test::credentials_for(server), options);
    try {
        conn.get_json("/api/info");
        FAIL();
    } catch (const TimeoutError& e) {
        EXPECT_EQ(e.curl_code(), 28);  // CURLE_OPERATION_TIMEDOUT
        EXPECT_EQ(e.uri(), server.url() + "/api/info");
        EXPECT_EQ(std::string(e.what()).rfind("Timed out when requesting " + server.url() + "/api/info from API", 0),
                  0u)
            << e.what();
    }
    server.release_held();
    // The client may give up before a slow server thread (ThreadSanitizer, a loaded machine) has even read the
    // request; the bytes are in the socket by then, so it arrives: wait for that arrival, then check nothing followed.
    for (int i = 0; i < 10000 && server.request_count() == 0; ++i) std::this_thread::sleep_for(milliseconds(1));
    server.release_held();
    EXPECT_EQ(server.request_count(), 1u);
    EXPECT_TRUE(sleeper.delays().empty());
}

TEST(Transport, CompressedRepliesAreDecompressed) {
    MockServer server;
    const std::string big(20000, 'a');
    server.enqueue("GET", "/api/info", MockResponse::json({{"blob", big}}));
    RecordingSleeper sleeper;
    Connection conn(test::credentials_for(server), test::test_options(sleeper));
    const Response resp = conn.request(HttpMethod::get, "/api/info");
    const std::string encoding = resp.headers.get("Content-Encoding").value_or("");
    EXPECT_EQ(encoding, "gzip");  // it really travelled compressed
    EXPECT_EQ(nlohmann::json::parse(resp.body).at("blob"), big);
    const auto accept = server.requests().at(0).header("Accept-Encoding").value_or("");
    EXPECT_EQ(accept, "gzip, deflate");  // as cbapi-python (requests) sends
}

TEST(Transport, MockServerCanServeUncompressed) {
    MockServer::Options options;
    options.compress = false;
    MockServer server(options);
    server.enqueue("GET", "/api/info", MockResponse::json({{"blob", std::string(20000, 'a')}}));
    RecordingSleeper sleeper;
    Connection conn(test::credentials_for(server), test::test_options(sleeper));
    const Response resp = conn.request(HttpMethod::get, "/api/info");
    EXPECT_FALSE(resp.headers.contains("Content-Encoding"));
    EXPECT_EQ(nlohmann::json::parse(resp.body).at("blob").get<std::string>().size(), 20000u);
}

TEST(Transport, ConnectionsAreKeptAliveAcrossRequests) {
    MockServer server;
    server.on("GET", "/api/info", [](const testing::RecordedRequest&) { return MockResponse::json({}); });
    RecordingSleeper sleeper;
    Connection conn(test::credentials_for(server), test::test_options(sleeper));
    for (int i = 0; i < 5; ++i) conn.get_json("/api/info");
    const auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 5u);
    for (const auto& r : reqs) EXPECT_EQ(r.remote_port, reqs[0].remote_port);  // one TCP connection
}

TEST(Transport, RedirectsAreNotFollowed) {
    MockServer server;
    MockResponse redirect = MockResponse::text("", 302);
    redirect.headers.set("Location", "http://127.0.0.1:1/elsewhere");
    server.enqueue("GET", "/api/info", redirect);
    RecordingSleeper sleeper;
    Connection conn(test::credentials_for(server), test::test_options(sleeper));
    try {
        conn.get_json("/api/info");
        FAIL();
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 302);
    }
    EXPECT_EQ(server.request_count(), 1u);
}

}  // namespace
}  // namespace cbapi
