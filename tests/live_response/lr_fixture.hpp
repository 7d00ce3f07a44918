#pragma once
// Live Response test fixtures: a MockServer with the Live Response simulator (and /api/info or the Defense
// simulator), API objects on it, a virtual clock, and the end-of-test check that no session is left open.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cbapi/defense.hpp"
#include "cbapi/live_response/live_response.hpp"
#include "cbapi/response.hpp"
#include "cbapi/testing/defense_simulator.hpp"
#include "cbapi/testing/live_response_simulator.hpp"
#include "cbapi/testing/response_simulator.hpp"
#include "support/defense_fakes.hpp"
#include "support/fixtures.hpp"
#include "support/response_fakes.hpp"

namespace cbapi::test {

/// Time that only moves when something sleeps: deadlines are tested without waiting.
class VirtualClock {
public:
    live_response::Clock clock() {
        auto s = state_;
        return [s] { return std::chrono::steady_clock::time_point(std::chrono::milliseconds(s->now.load())); };
    }
    Sleeper sleeper() {
        auto s = state_;
        return [s](std::chrono::milliseconds d) {
            s->now += d.count();
            std::lock_guard<std::mutex> lock(s->mutex);
            s->sleeps.push_back(d);
        };
    }
    std::vector<std::chrono::milliseconds> sleeps() const {
        std::lock_guard<std::mutex> lock(state_->mutex);
        return state_->sleeps;
    }
    std::chrono::milliseconds elapsed() const { return std::chrono::milliseconds(state_->now.load()); }

private:
    struct State {
        std::atomic<long long> now{0};
        std::mutex mutex;
        std::vector<std::chrono::milliseconds> sleeps;
    };
    std::shared_ptr<State> state_ = std::make_shared<State>();
};

/// Lines "METHOD path" (with "?query" when present) of the requests whose path starts with `prefix`.
inline std::vector<std::string> wire_under(const testing::MockServer& server, const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& r : server.requests())
        if (r.path.rfind(prefix, 0) == 0)
            out.push_back(r.method + " " + r.path + (r.query.empty() ? "" : "?" + r.query));
    return out;
}

/// The requests with this method and path.
inline std::vector<testing::RecordedRequest> requests(const testing::MockServer& server, const std::string& method,
                                                      const std::string& path) {
    std::vector<testing::RecordedRequest> out;
    for (const auto& r : server.requests())
        if (r.method == method && r.path == path) out.push_back(r);
    return out;
}

/// Base of the Live Response tests: options with the virtual clock, and the no-leak check after every test.
class LiveResponseTestBase : public ::testing::Test {
protected:
    VirtualClock clock;
    RecordingSleeper retry_sleeper;
    std::shared_ptr<testing::LiveResponseSimulator> sim;

    live_response::LiveResponseOptions lr_options() {
        live_response::LiveResponseOptions o;
        o.clock = clock.clock();
        o.sleeper = clock.sleeper();
        o.keepalive_interval = std::chrono::milliseconds(0);
        return o;
    }

    // Every test ends with the server holding no pending or active session.
    void TearDown() override {
        if (!sim) return;
        for (const auto& s : sim->open_sessions())
            ADD_FAILURE() << "session " << s.id << " with sensor " << s.sensor_id << " left " << s.status;
    }
};

/// A Cb Response server with /api/info and Live Response.
class ResponseLiveResponseTest : public LiveResponseTestBase {
protected:
    testing::MockServer server;

    response::CbResponseAPI connect(testing::LiveResponseSimulatorOptions options = {},
                                    testing::ResponseSimulatorOptions info = {}) {
        testing::install_response_info(server, info);
        sim = testing::install_live_response_simulator(server, options);
        return response_api(server, retry_sleeper);
    }
};

/// A Cb Defense server with the Defense simulator (devices) and Live Response.
class DefenseLiveResponseTest : public LiveResponseTestBase {
protected:
    testing::MockServer server{defense_server_options()};

    defense::CbDefenseAPI connect(testing::LiveResponseSimulatorOptions options = {}) {
        testing::install_defense_simulator(server, {});
        sim = testing::install_live_response_simulator(server, options);
        return defense_api(server, retry_sleeper);
    }
};

}  // namespace cbapi::test
