// Live Response on current servers (issue 23): the session look-up asks for active sessions only (cbapi-python 1.4.3)
// and the job pool serves the sensors with the smallest event backlog first (cbapi-python 1.7.0). Each test ends with
// the simulator holding no open or pending session.
#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "cbapi/testing/response_admin_simulator.hpp"
#include "live_response/lr_fixture.hpp"

namespace cbapi {
namespace {

using live_response::Session;
using nlohmann::json;

class CurrentServersLiveResponseTest : public test::ResponseLiveResponseTest {};

TEST_F(CurrentServersLiveResponseTest, SessionLookUpAsksForActiveSessionsOnly) {
    auto cb = connect();
    {
        Session first = cb.live_response(lr_options()).request_session(1);
    }  // closed: the server still remembers it, with status "close"
    server.clear_requests();
    {
        Session again = cb.live_response(lr_options()).request_session(1);
        EXPECT_EQ(again.session_id(), json(2));
    }
    const auto lists = test::requests(server, "GET", "/api/v1/cblr/session");
    ASSERT_EQ(lists.size(), 1u);
    EXPECT_EQ(lists[0].query, "active_only=true");
    // What the simulated server answers with and without the parameter.
    const auto all = cb.connection().get_json("/api/v1/cblr/session");
    const auto active = cb.connection().get_json("/api/v1/cblr/session", {{"active_only", "true"}});
    EXPECT_EQ(all.size(), 2u);
    EXPECT_TRUE(active.empty());
}

TEST_F(CurrentServersLiveResponseTest, ThePendingSessionOfAnotherProgramIsStillFound) {
    auto cb = connect();
    const auto orphan = cb.connection().post_json("/api/v1/cblr/session", {{"sensor_id", 3}});
    {
        Session s = cb.live_response(lr_options()).request_session(3);
        EXPECT_EQ(s.session_id(), orphan.at("id"));  // adopted (and closed when done), not a second session
    }
    EXPECT_EQ(test::requests(server, "POST", "/api/v1/cblr/session").size(), 1u);
}

// The sensors' backlog (num_eventlog_bytes + num_storefiles_bytes, from the administration simulator):
// sensor 3 → 4096, 6 → 8192, 1 → 16384, 4 → 20480, 7 → 24576, 2 → 32768, 8 → 40960; sensor 5 is Offline.
TEST_F(CurrentServersLiveResponseTest, JobsGoToSensorsWithTheSmallestBacklogFirst) {
    testing::LiveResponseSimulatorOptions options;
    auto cb = connect(options, options.response);
    testing::install_response_admin_simulator(server, options.response);
    std::mutex mutex;
    std::vector<long long> served;
    auto record = [&mutex, &served](Session& s) {
        std::lock_guard<std::mutex> lock(mutex);
        served.push_back(s.sensor_id());
    };
    auto o = lr_options();
    o.max_workers = 1;
    {
        auto lr = cb.live_response(o);
        std::promise<void> started, release;
        std::shared_future<void> released = release.get_future().share();
        // Sensor 8 holds the only worker until every other job is queued.
        auto blocker = lr.submit_job(8, [&started, released, &record](Session& s) {
            record(s);
            started.set_value();
            released.wait();
        });
        started.get_future().wait();
        std::vector<std::future<void>> jobs;
        for (long long sensor : {2, 1, 7, 5, 3, 4}) jobs.push_back(lr.submit_job(sensor, record));
        release.set_value();
        blocker.get();
        for (auto& j : jobs) j.get();
    }
    EXPECT_EQ(served, (std::vector<long long>{8, 3, 1, 4, 7, 2, 5}));
    // The ranking read the waiting sensors (and not the whole sensor list).
    EXPECT_FALSE(test::requests(server, "GET", "/api/v1/sensor/3").empty());
    EXPECT_TRUE(test::requests(server, "GET", "/api/v1/sensor").empty());
    EXPECT_TRUE(test::requests(server, "GET", "/api/v2/sensor").empty());
}

TEST_F(CurrentServersLiveResponseTest, SensorsThatCannotBeReadComeLastButStillRun) {
    testing::LiveResponseSimulatorOptions options;
    auto cb = connect(options, options.response);  // no administration endpoints: every sensor GET is a 404
    std::mutex mutex;
    std::vector<long long> served;
    auto record = [&mutex, &served](Session& s) {
        std::lock_guard<std::mutex> lock(mutex);
        served.push_back(s.sensor_id());
    };
    auto o = lr_options();
    o.max_workers = 1;
    {
        auto lr = cb.live_response(o);
        std::promise<void> started, release;
        std::shared_future<void> released = release.get_future().share();
        auto blocker = lr.submit_job(4, [&started, released, &record](Session& s) {
            record(s);
            started.set_value();
            released.wait();
        });
        started.get_future().wait();
        std::vector<std::future<void>> jobs;
        for (long long sensor : {3, 2, 1}) jobs.push_back(lr.submit_job(sensor, record));
        release.set_value();
        blocker.get();
        for (auto& j : jobs) j.get();
    }
    ASSERT_EQ(served.size(), 4u);  // unranked: id order
    EXPECT_EQ(served, (std::vector<long long>{4, 1, 2, 3}));
}

}  // namespace
}  // namespace cbapi
