// Live Response from several threads at once (run under ThreadSanitizer in CI): session requests for the same sensors
// from many threads, and the keepalive thread working while commands run and sessions are released.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "live_response/lr_fixture.hpp"

namespace cbapi {
namespace {

using live_response::OsType;

class LiveResponseConcurrencyTest : public test::ResponseLiveResponseTest {
protected:
    response::CbResponseAPI cb = connect();

    std::size_t keepalives() const { return test::requests(server, "GET", "/api/v1/cblr/session/1/keepalive").size(); }

    // Runs `done()` checks until it holds or a few seconds pass (the keepalive thread works in real time).
    template <typename Done, typename Work>
    static bool until(Done done, Work work) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (!done()) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            work();
        }
        return true;
    }
};

TEST_F(LiveResponseConcurrencyTest, ConcurrentRequestsShareOneSessionPerSensorAndCloseIt) {
    auto lr = cb.live_response(lr_options());
    std::atomic<int> listed{0};
    std::atomic<int> failed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t) {
        threads.emplace_back([&, t] {
            try {
                auto s = lr.request_session(t % 2 == 0 ? 1 : 7);
                const std::string dir = s.os_type() == OsType::windows ? "C:\\Windows\\" : "/etc/";
                for (int i = 0; i < 3; ++i)
                    if (!s.list_directory(dir).empty()) ++listed;
            } catch (const std::exception& e) {
                ++failed;
                ADD_FAILURE() << e.what();
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failed.load(), 0);
    EXPECT_EQ(listed.load(), 18);
    EXPECT_TRUE(lr.open_sessions().empty());  // every handle is gone: closed (TearDown checks the server too)
}

TEST_F(LiveResponseConcurrencyTest, KeepaliveThreadRunsWhileCommandsRunAndClosesIdleSessions) {
    auto options = lr_options();
    options.keepalive_sessions = true;
    options.keepalive_interval = std::chrono::milliseconds(1);
    auto lr = cb.live_response(options);
    {
        auto s = lr.request_session(1);
        EXPECT_TRUE(until([&] { return keepalives() >= 3; }, [&] { (void)s.list_directory("C:\\Windows\\"); }));
    }
    // The handle is gone: the session stays cached until the next keepalive round closes it.
    EXPECT_TRUE(until([&] { return sim->open_sessions().empty(); }, [] { std::this_thread::yield(); }));
    EXPECT_TRUE(lr.open_sessions().empty());
}

}  // namespace
}  // namespace cbapi
