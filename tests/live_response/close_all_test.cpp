// SessionManager::close_all() from another thread (what InterruptGuard does on SIGINT/SIGTERM) while sessions are in
// use: waits end at once, every session is closed on the server, nothing new is opened. Also: adopting a session this
// program did not open is logged. Run under ThreadSanitizer in CI.
#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <functional>
#include <future>
#include <string>
#include <thread>

#include "cbapi/detail/json_text.hpp"
#include "live_response/lr_fixture.hpp"

namespace cbapi {
namespace {

using namespace std::chrono_literals;

// Polls `done` every few milliseconds for up to 20 s: waiting for another thread to reach the server, not a sleep
// standing in for a clock.
bool eventually(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

// The exception a future ends with (its what()), or "" when it has a value; "(still running)" after 20 s.
template <typename T>
std::string failure_of(std::future<T>& f, const std::function<void(const std::exception&)>& check = {}) {
    if (f.wait_for(20s) != std::future_status::ready) return "(still running)";
    try {
        f.get();
    } catch (const std::exception& e) {
        if (check) check(e);
        return e.what();
    }
    return "";
}

// Real sleeps with hour-long poll intervals: only close_all() can end the waits in time.
live_response::LiveResponseOptions waiting_options(std::chrono::milliseconds session_poll,
                                                   std::chrono::milliseconds command_poll) {
    live_response::LiveResponseOptions o;
    o.sleeper = real_sleeper();
    o.session_poll_interval = session_poll;
    o.session_timeout = 2h;
    o.command_poll_interval = command_poll;
    o.command_timeout = 2h;
    o.keepalive_interval = 0ms;
    return o;
}

// Whether the server has seen a poll of a command of session 1.
bool command_polled(const testing::MockServer& server) {
    for (const auto& r : server.requests())
        if (r.method == "GET" && r.path.rfind("/api/v1/cblr/session/1/command/", 0) == 0) return true;
    return false;
}

bool is_closed_error(const std::exception& e) { return dynamic_cast<const LiveResponseClosedError*>(&e) != nullptr; }

class LiveResponseCloseAllTest : public test::ResponseLiveResponseTest {};

TEST_F(LiveResponseCloseAllTest, CloseAllFromAnotherThreadEndsACommandWaitAndClosesTheSession) {
    testing::LiveResponseSimulatorOptions sim_options;
    sim_options.polls_to_complete = 1'000'000;  // the command never completes
    auto cb = connect(sim_options);
    auto lr = cb.live_response(waiting_options(0ms, 1h));
    const auto started = std::chrono::steady_clock::now();
    auto listing = std::async(std::launch::async, [lr]() mutable {
        auto session = lr.request_session(1);
        return session.list_directory("C:\\Windows\\");
    });
    ASSERT_TRUE(eventually([&] { return command_polled(server); })) << "the command was never polled";

    EXPECT_EQ(lr.close_all(), 1u);
    bool closed_error = false;
    const std::string error = failure_of(listing, [&](const std::exception& e) { closed_error = is_closed_error(e); });
    EXPECT_TRUE(closed_error) << error;
    EXPECT_NE(error.find("close_all"), std::string::npos) << error;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 20s);  // the 1 h poll interval was cut short
    EXPECT_TRUE(sim->open_sessions().empty());
    EXPECT_EQ(test::requests(server, "PUT", "/api/v1/cblr/session/1").size(), 1u);
    EXPECT_EQ(lr.close_all(), 0u);  // idempotent
}

TEST_F(LiveResponseCloseAllTest, CloseAllWhileASessionIsPendingClosesIt) {
    testing::LiveResponseSimulatorOptions sim_options;
    sim_options.offline = {1};  // the session stays pending
    auto cb = connect(sim_options);
    auto lr = cb.live_response(waiting_options(1h, 1h));
    auto request = std::async(std::launch::async, [lr]() mutable { lr.request_session(1); });
    ASSERT_TRUE(eventually([&] { return !test::requests(server, "GET", "/api/v1/cblr/session/1").empty(); }));

    EXPECT_EQ(lr.close_all(), 0u);  // not the manager's yet: the requesting thread closes it
    bool closed_error = false;
    const std::string error = failure_of(request, [&](const std::exception& e) { closed_error = is_closed_error(e); });
    EXPECT_TRUE(closed_error) << error;
    EXPECT_TRUE(sim->open_sessions().empty());
    ASSERT_EQ(sim->sessions().size(), 1u);
    EXPECT_EQ(sim->sessions()[0].status, "close");
}

TEST_F(LiveResponseCloseAllTest, CloseAllEndsRunningJobsAndFailsQueuedOnes) {
    testing::LiveResponseSimulatorOptions sim_options;
    sim_options.polls_to_complete = 1'000'000;
    auto cb = connect(sim_options);
    auto lr = cb.live_response(waiting_options(0ms, 1h));
    auto running = lr.submit_job(1, [](live_response::Session& s) { return s.list_processes().size(); });
    auto queued = lr.submit_job(1, [](live_response::Session& s) { return s.list_processes().size(); });
    ASSERT_TRUE(eventually([&] { return command_polled(server); }));

    EXPECT_EQ(lr.close_all(), 1u);
    bool closed_error = false;
    const std::string error = failure_of(running, [&](const std::exception& e) { closed_error = is_closed_error(e); });
    EXPECT_TRUE(closed_error) << error;
    const std::string queued_error = failure_of(queued);
    EXPECT_NE(queued_error, "");
    EXPECT_NE(queued_error, "(still running)");
    EXPECT_TRUE(sim->open_sessions().empty());
}

TEST_F(LiveResponseCloseAllTest, AfterCloseAllCommandsAndRequestsAreRefused) {
    auto cb = connect();
    auto lr = cb.live_response(lr_options());
    auto session = lr.request_session(1);
    auto cached = session;
    EXPECT_EQ(lr.close_all(), 1u);
    EXPECT_TRUE(session.closed());
    EXPECT_THROW(cached.list_processes(), LiveResponseClosedError);
    EXPECT_THROW(lr.request_session(2), LiveResponseClosedError);
    EXPECT_THROW(lr.submit_job(2, [](live_response::Session&) {}), ApiError);
    EXPECT_TRUE(sim->open_sessions().empty());
    EXPECT_EQ(test::requests(server, "POST", "/api/v1/cblr/session").size(), 1u);
}

TEST_F(LiveResponseCloseAllTest, AdoptingASessionThisProgramDidNotOpenIsLogged) {
    auto cb = connect();
    // A session left by another program (or a killed run): created on the server behind the manager's back.
    const auto orphan = cb.connection().post_json("/api/v1/cblr/session", {{"sensor_id", 1}});
    const std::string orphan_id = detail::json_text(orphan.at("id"));
    test::LogCapture log(spdlog::level::info);
    {
        auto lr = cb.live_response(lr_options());
        auto session = lr.request_session(1);
        EXPECT_EQ(detail::json_text(session.session_id()), orphan_id);  // adopted, as cbapi-python does
    }
    EXPECT_NE(log.text().find("warning Adopting Live Response session " + orphan_id +
                              " with sensor 1: it is already open on the server but was not opened by this program"),
              std::string::npos)
        << log.text();
    EXPECT_TRUE(sim->open_sessions().empty());  // and closed when done

    // One this program opened is reused quietly.
    auto lr = cb.live_response(lr_options());
    auto first = lr.request_session(2);
    auto other = cb.live_response(lr_options());
    auto second = other.request_session(2);
    EXPECT_EQ(second.session_id(), first.session_id());
    EXPECT_EQ(log.text().find("Adopting Live Response session " + detail::json_text(first.session_id())),
              std::string::npos)
        << log.text();
}

}  // namespace
}  // namespace cbapi
