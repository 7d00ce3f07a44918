// The read cache of a connection: lazy loads reuse a recent reply, writes forget it, refresh() and polling always
// ask the server, concurrent identical reads are sent once, and models stay independent values.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "cbapi/response.hpp"
#include "cbapi/testing/response_process_simulator.hpp"
#include "cbapi/testing/response_simulator.hpp"
#include "support/fixtures.hpp"
#include "support/response_fakes.hpp"

namespace cbapi {
namespace {

using nlohmann::json;
using testing::MockResponse;
using testing::MockServer;
using testing::RecordedRequest;

class ReplyCacheTest : public ::testing::Test {
protected:
    MockServer server;
    test::RecordingSleeper sleeper;
    std::atomic<long long> now_ms{0};
    std::atomic<int> gets{0};
    std::atomic<int> version{1};

    void SetUp() override {
        server.on("GET", "/api/v1/sensor/1", [this](const RecordedRequest&) {
            ++gets;
            return MockResponse::json({{"id", 1}, {"computer_name", "host-v" + std::to_string(version.load())}});
        });
        server.on("PUT", "/api/v1/sensor/1", [this](const RecordedRequest&) {
            ++version;
            return MockResponse::json({{"result", "success"}});
        });
    }

    ConnectionOptions options() {
        auto o = test::test_options(sleeper);
        o.cache.clock = [this] { return std::chrono::steady_clock::time_point(std::chrono::milliseconds(now_ms.load())); };
        return o;
    }
    Connection connection() { return Connection(test::credentials_for(server), options()); }
};

TEST_F(ReplyCacheTest, ASecondReadWithinTheTtlSendsNoRequestAndOneAfterItDoes) {
    auto conn = connection();
    EXPECT_EQ(conn.get_json_cached("/api/v1/sensor/1")["computer_name"], "host-v1");
    now_ms += 59'000;
    EXPECT_EQ(conn.get_json_cached("/api/v1/sensor/1")["computer_name"], "host-v1");
    EXPECT_EQ(gets.load(), 1);
    now_ms += 2'000;  // past cbapi-python's 60 s
    (void)conn.get_json_cached("/api/v1/sensor/1");
    EXPECT_EQ(gets.load(), 2);
}

TEST_F(ReplyCacheTest, AWriteToTheObjectForgetsIt) {
    auto conn = connection();
    (void)conn.get_json_cached("/api/v1/sensor/1");
    conn.put_json("/api/v1/sensor/1", json{{"computer_name", "x"}});
    EXPECT_EQ(conn.get_json_cached("/api/v1/sensor/1")["computer_name"], "host-v2");
    EXPECT_EQ(gets.load(), 2);
}

TEST_F(ReplyCacheTest, PlainGetsAndRefreshAlwaysAskTheServer) {
    auto conn = connection();
    (void)conn.get_json_cached("/api/v1/sensor/1");
    (void)conn.get_json("/api/v1/sensor/1");  // polling, search pages and counts go this way
    EXPECT_EQ(gets.load(), 2);

    test::serve_info(server);
    response::ApiOptions api_options;
    api_options.connection = options();
    response::CbResponseAPI cb(test::credentials_for(server), api_options);
    auto sensor = cb.select<response::Sensor>(1);
    (void)sensor.hostname();  // a lazy load: may reuse a recent reply
    EXPECT_EQ(gets.load(), 3);
    sensor.refresh();  // always the server
    EXPECT_EQ(gets.load(), 4);
}

TEST_F(ReplyCacheTest, ModelsStayIndependentValues) {
    test::serve_info(server);
    response::ApiOptions api_options;
    api_options.connection = options();
    response::CbResponseAPI cb(test::credentials_for(server), api_options);
    auto a = cb.select<response::Sensor>(1);
    auto b = cb.select<response::Sensor>(1);
    EXPECT_EQ(a.hostname(), "host-v1");
    a.set("computer_name", "changed locally");
    EXPECT_EQ(b.hostname(), "host-v1");  // from the cache, untouched by a's change
    EXPECT_EQ(a.get<std::string>("computer_name"), "changed locally");
    EXPECT_EQ(gets.load(), 1);
}

TEST_F(ReplyCacheTest, ConcurrentIdenticalReadsAreSentOnce) {
    std::atomic<int> held{0};
    server.on("GET", "/slow", [&](const RecordedRequest&) {
        ++held;
        auto r = MockResponse::json({{"ok", true}});
        r.hold = true;
        return r;
    });
    auto conn = connection();
    std::vector<std::thread> readers;
    std::atomic<int> ok{0};
    for (int i = 0; i < 8; ++i)
        readers.emplace_back([&] { ok += conn.get_json_cached("/slow")["ok"].get<bool>() ? 1 : 0; });
    while (held.load() == 0) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the other readers queue up behind the first
    server.release_held();
    for (auto& t : readers) t.join();
    EXPECT_EQ(ok.load(), 8);
    EXPECT_EQ(held.load(), 1);
}

TEST_F(ReplyCacheTest, ItIsBoundedAndCanBeTurnedOff) {
    auto o = options();
    o.cache.max_entries = 1;
    Connection small(test::credentials_for(server), o);
    server.on("GET", "/other", [](const RecordedRequest&) { return MockResponse::json({{"x", 1}}); });
    (void)small.get_json_cached("/api/v1/sensor/1");
    (void)small.get_json_cached("/other");             // evicts the sensor
    (void)small.get_json_cached("/api/v1/sensor/1");
    EXPECT_EQ(gets.load(), 2);

    o = options();
    o.cache.ttl = std::chrono::milliseconds(0);
    Connection off(test::credentials_for(server), o);
    (void)off.get_json_cached("/api/v1/sensor/1");
    (void)off.get_json_cached("/api/v1/sensor/1");
    EXPECT_EQ(gets.load(), 4);
}

// Every GET the server received, by URL, with how often it came.
std::map<std::string, int> repeated_gets(const MockServer& server) {
    std::map<std::string, int> count, repeated;
    for (const auto& r : server.requests())
        if (r.method == "GET") ++count[r.path + "?" + r.query];
    for (const auto& [url, n] : count)
        if (n > 1) repeated[url] = n;
    return repeated;
}

TEST(ReplyCacheWalks, ParentsThenWalkParentsAsksForEachParentOnce) {
    MockServer server;
    testing::install_response_info(server, {});
    testing::install_response_process_simulator(server, {});
    test::RecordingSleeper sleeper;
    auto cb = test::response_api(server, sleeper);
    auto deep = cb.select<response::Process>().where("process_name:chrome.exe").first();
    ASSERT_TRUE(deep);
    const auto parents = deep->parents();
    ASSERT_GE(parents.size(), 2u);
    std::size_t walked = 0;
    deep->walk_parents([&](const response::Process&, int) { ++walked; });
    EXPECT_EQ(walked, parents.size());
    EXPECT_TRUE(repeated_gets(server).empty()) << ::testing::PrintToString(repeated_gets(server));
}

}  // namespace
}  // namespace cbapi
