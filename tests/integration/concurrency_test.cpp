// One Connection shared by many threads (run under the tsan preset to check for data races).
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "support/fixtures.hpp"

namespace cbapi {
namespace {

using testing::MockResponse;
using testing::MockServer;

TEST(Concurrency, OneConnectionServesEightThreadsTimesTwoHundredRequests) {
    MockServer server;
    server.on("GET", "/api/v1/sensor/[0-9]+", [](const testing::RecordedRequest& r) {
        return MockResponse::json({{"id", std::stoi(r.path.substr(std::string("/api/v1/sensor/").size()))},
                                   {"thread", r.param("t").value_or("")}});
    });
    test::RecordingSleeper sleeper;
    const Connection conn(test::credentials_for(server), test::test_options(sleeper));

    constexpr int threads = 8;
    constexpr int per_thread = 200;
    std::atomic<int> mismatches{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            const Connection mine = conn;  // copies share the state, as threads would receive it
            for (int i = 0; i < per_thread; ++i) {
                const int id = t * per_thread + i;
                try {
                    const auto doc = mine.get_json("/api/v1/sensor/" + std::to_string(id), {{"t", std::to_string(t)}});
                    if (doc.at("id") != id || doc.at("thread") != std::to_string(t)) ++mismatches;
                } catch (const std::exception&) {
                    ++failures;
                }
            }
        });
    }
    for (auto& w : workers) w.join();

    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(mismatches.load(), 0);
    const auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), static_cast<std::size_t>(threads * per_thread));
    std::set<int> ports;
    for (const auto& r : reqs) ports.insert(r.remote_port);
    // Pooled handles keep their connections: far fewer TCP connections than requests.
    EXPECT_LE(ports.size(), static_cast<std::size_t>(2 * threads));
    EXPECT_TRUE(sleeper.delays().empty());
}

}  // namespace
}  // namespace cbapi
