// Live Response sessions: requesting, waiting, sharing, closing, keepalive, re-establishing, and every failure path
// (each test ends with the simulator holding no open or pending session).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "live_response/lr_fixture.hpp"

namespace cbapi {
namespace {

using live_response::OsType;
using live_response::Session;
using nlohmann::json;
using testing::MockResponse;

class ResponseSessionTest : public test::ResponseLiveResponseTest {};
class DefenseSessionTest : public test::DefenseLiveResponseTest {};

TEST_F(ResponseSessionTest, RequestCreatesASessionAndWaitsUntilActive) {
    auto cb = connect();
    {
        Session s = cb.live_response(lr_options()).request_session(1);
        EXPECT_EQ(s.session_id(), json(1));
        EXPECT_EQ(s.sensor_id(), 1);
        EXPECT_EQ(s.os_type(), OsType::windows);  // from the session's drives
        EXPECT_EQ(s.drives(), std::vector<std::string>{"C:\\"});
        const auto commands = s.supported_commands();
        EXPECT_NE(std::find(commands.begin(), commands.end(), "reg enum key"), commands.end());
        ASSERT_EQ(sim->open_sessions().size(), 1u);
        EXPECT_EQ(sim->open_sessions()[0].status, "active");
        EXPECT_EQ(test::wire_under(server, "/api/v1/cblr"),
                  (std::vector<std::string>{"GET /api/v1/cblr/session?active_only=true", "POST /api/v1/cblr/session",
                                            "GET /api/v1/cblr/session/1", "GET /api/v1/cblr/session/1"}));
        EXPECT_EQ(test::requests(server, "POST", "/api/v1/cblr/session")[0].json(), json({{"sensor_id", 1}}));
        EXPECT_EQ(clock.sleeps(), std::vector<std::chrono::milliseconds>{std::chrono::seconds(1)});
        server.clear_requests();
    }
    // The last handle closes it: GET the session, PUT it back with status "close".
    EXPECT_EQ(test::wire_under(server, "/api/v1/cblr"),
              (std::vector<std::string>{"GET /api/v1/cblr/session/1", "PUT /api/v1/cblr/session/1"}));
    EXPECT_EQ(test::requests(server, "PUT", "/api/v1/cblr/session/1")[0].json().at("status"), "close");
    EXPECT_EQ(sim->sessions().at(0).status, "close");
}

TEST_F(ResponseSessionTest, PosixSensorUsesSlashPaths) {
    auto cb = connect();
    Session s = cb.live_response(lr_options()).request_session(7);
    EXPECT_EQ(s.os_type(), OsType::unknown);
    EXPECT_EQ(s.path_join("/etc", "hosts"), "/etc/hosts");
    EXPECT_EQ(s.temp_file_name().rfind("/tmp/cblr.", 0), 0u);
    Session w = cb.live_response(lr_options()).request_session(1, OsType::windows);
    EXPECT_EQ(w.path_join("C:\\Windows", "win.ini"), "C:\\Windows\\win.ini");
    EXPECT_EQ(w.temp_file_name().rfind("c:\\windows\\temp\\cblr.", 0), 0u);
    EXPECT_EQ(w.temp_file_name().size(), std::string("c:\\windows\\temp\\cblr.123456789012.tmp").size());
}

TEST_F(ResponseSessionTest, ReusesAPendingOrActiveSessionOfTheSensor) {
    auto cb = connect();
    // Another client opened a session with sensor 2.
    cb.connection().post_json("/api/v1/cblr/session", {{"sensor_id", 2}});
    server.clear_requests();
    {
        Session s = cb.live_response(lr_options()).request_session(2);
        EXPECT_EQ(s.session_id(), json(1));
        EXPECT_TRUE(test::requests(server, "POST", "/api/v1/cblr/session").empty());
    }
    EXPECT_EQ(sim->sessions().size(), 1u);
}

TEST_F(ResponseSessionTest, HandlesOfOneManagerShareTheSessionAndTheLastOneClosesIt) {
    auto cb = connect();
    auto lr = cb.live_response(lr_options());
    std::optional<Session> a = lr.request_session(1);
    std::optional<Session> b = lr.request_session(1);
    Session c = *a;
    EXPECT_EQ(a->session_id(), b->session_id());
    EXPECT_EQ(test::requests(server, "POST", "/api/v1/cblr/session").size(), 1u);
    EXPECT_EQ(lr.open_sessions().size(), 1u);
    a.reset();
    b.reset();
    EXPECT_TRUE(test::requests(server, "PUT", "/api/v1/cblr/session/1").empty());
    EXPECT_EQ(sim->open_sessions().size(), 1u);
    c = lr.request_session(2);  // drops the last handle of session 1
    EXPECT_EQ(test::requests(server, "PUT", "/api/v1/cblr/session/1").size(), 1u);
    EXPECT_EQ(lr.open_sessions().size(), 1u);
}

TEST_F(ResponseSessionTest, ExplicitCloseEndsTheSessionForEveryCopy) {
    auto cb = connect();
    Session s = cb.live_response(lr_options()).request_session(1);
    Session copy = s;
    copy.close();
    copy.close();  // idempotent
    EXPECT_TRUE(s.closed());
    EXPECT_EQ(test::requests(server, "PUT", "/api/v1/cblr/session/1").size(), 1u);
    server.clear_requests();
    try {
        s.list_directory("C:\\");
        FAIL() << "no exception";
    } catch (const ApiError& e) {
        EXPECT_STREQ(e.what(), "Live Response session 1 is closed");
    }
    EXPECT_TRUE(server.requests().empty());
}

TEST_F(ResponseSessionTest, TimeoutWhileWaitingClosesTheSession) {
    testing::LiveResponseSimulatorOptions options;
    options.offline = {3};
    auto cb = connect(options);
    auto lro = lr_options();
    lro.session_timeout = std::chrono::seconds(5);
    try {
        cb.live_response(lro).request_session(3);
        FAIL() << "no exception";
    } catch (const TimeoutError& e) {
        EXPECT_EQ(std::string(e.what()), "Timed out when requesting " + server.url() +
                                             "/api/v1/cblr/session/1 from API with HTTP status code 404: Could not "
                                             "establish session with sensor 3");
    }
    EXPECT_EQ(clock.sleeps().size(), 5u);
    EXPECT_EQ(clock.elapsed(), std::chrono::seconds(5));
    EXPECT_EQ(sim->sessions().at(0).status, "close");
    EXPECT_EQ(test::requests(server, "PUT", "/api/v1/cblr/session/1").size(), 1u);
}

TEST_F(ResponseSessionTest, SessionThatFailsWhileWaitingIsClosed) {
    auto cb = connect();
    server.enqueue("GET", "/api/v1/cblr/session/1",
                   MockResponse::json({{"id", 1},
                                       {"sensor_id", 1},
                                       {"status", "error"},
                                       {"result_type", "WinHresult"},
                                       {"result_code", 2147942405LL}}));
    try {
        cb.live_response(lr_options()).request_session(1);
        FAIL() << "no exception";
    } catch (const LiveResponseError& e) {
        EXPECT_STREQ(e.what(),
                     "Live Response session 1 with sensor 1 failed: Win32 error code 0x80070005 (ERROR_ACCESS_DENIED)");
        EXPECT_EQ(e.win32_error(), 2147942405LL);
        EXPECT_EQ(e.decoded_win32_error(), "ERROR_ACCESS_DENIED");
    }
    EXPECT_EQ(test::requests(server, "PUT", "/api/v1/cblr/session/1").size(), 1u);
}

TEST_F(ResponseSessionTest, SessionThatEndsWhileWaitingIsReportedAndClosed) {
    auto cb = connect();
    server.enqueue("GET", "/api/v1/cblr/session/1", MockResponse::json({{"id", 1}, {"status", "timeout"}}));
    try {
        cb.live_response(lr_options()).request_session(1);
        FAIL() << "no exception";
    } catch (const ApiError& e) {
        EXPECT_STREQ(e.what(),
                     "Live Response session 1 with sensor 1 ended with status 'timeout' before it became active");
    }
    EXPECT_EQ(test::requests(server, "PUT", "/api/v1/cblr/session/1").size(), 1u);
}

TEST_F(ResponseSessionTest, SessionThatDisappearsWhileWaitingIsATimeout) {
    auto cb = connect();
    server.enqueue("GET", "/api/v1/cblr/session/1", MockResponse::text("Session 1 not found", 404));
    EXPECT_THROW(cb.live_response(lr_options()).request_session(1), TimeoutError);
    EXPECT_EQ(test::requests(server, "PUT", "/api/v1/cblr/session/1").size(), 1u);
}

TEST_F(ResponseSessionTest, UnknownSensorIsNotFound) {
    auto cb = connect();
    EXPECT_THROW(cb.live_response(lr_options()).request_session(99), ObjectNotFoundError);
    EXPECT_TRUE(sim->sessions().empty());
}

TEST_F(ResponseSessionTest, SessionLimitIsAServerError) {
    testing::LiveResponseSimulatorOptions options;
    options.max_sessions = 2;
    auto cb = connect(options);
    auto lr = cb.live_response(lr_options());
    Session a = lr.request_session(1);
    Session b = lr.request_session(2);
    try {
        lr.request_session(4);
        FAIL() << "no exception";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 500);
        EXPECT_NE(std::string(e.what()).find("Too many active sessions (limit 2)"), std::string::npos);
    }
    EXPECT_EQ(sim->open_sessions().size(), 2u);
}

TEST_F(ResponseSessionTest, LiveResponseNeedsCblrEnabled) {
    testing::ResponseSimulatorOptions info;
    info.cblr_enabled = false;
    auto cb = connect({}, info);
    try {
        cb.live_response();
        FAIL() << "no exception";
    } catch (const ApiError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "Cb server does not support Live Response (cblrEnabled is not set in "
                  "/api/info of " +
                      server.url() + ")");
    }
}

TEST_F(ResponseSessionTest, KeepaliveKeepsIdleSessionsUntilTheNextRound) {
    auto cb = connect();
    auto options = lr_options();
    options.keepalive_sessions = true;
    auto lr = cb.live_response(options);
    {
        Session s = lr.request_session(1);
        lr.send_keepalives();  // in use: a keepalive is sent
        EXPECT_EQ(test::requests(server, "GET", "/api/v1/cblr/session/1/keepalive").size(), 1u);
    }
    EXPECT_EQ(sim->open_sessions().size(), 1u);  // kept for reuse
    {
        Session again = lr.request_session(1);
        EXPECT_EQ(test::requests(server, "POST", "/api/v1/cblr/session").size(), 1u);
    }
    lr.send_keepalives();  // idle: closed
    EXPECT_TRUE(sim->open_sessions().empty());
    EXPECT_TRUE(lr.open_sessions().empty());
}

TEST_F(ResponseSessionTest, DestroyingTheManagerClosesCachedSessions) {
    auto cb = connect();
    auto options = lr_options();
    options.keepalive_sessions = true;
    {
        auto lr = cb.live_response(options);
        lr.request_session(1);
        lr.request_session(2);
        EXPECT_EQ(sim->open_sessions().size(), 2u);
    }
    EXPECT_TRUE(sim->open_sessions().empty());
}

TEST_F(ResponseSessionTest, LostSessionIsReestablishedAndTheCommandResent) {
    auto cb = connect();
    Session s = cb.live_response(lr_options()).request_session(1);
    ASSERT_TRUE(sim->expire_session("1"));
    server.clear_requests();
    const auto entries = s.list_directory("C:\\Windows\\");
    EXPECT_FALSE(entries.empty());
    EXPECT_EQ(s.session_id(), json(2));
    const auto wire = test::wire_under(server, "/api/v1/cblr");
    ASSERT_GE(wire.size(), 5u);
    EXPECT_EQ(wire[0], "POST /api/v1/cblr/session/1/command");
    EXPECT_EQ(wire[1], "GET /api/v1/cblr/session?active_only=true");
    EXPECT_EQ(wire[2], "POST /api/v1/cblr/session");
    EXPECT_EQ(test::requests(server, "POST", "/api/v1/cblr/session/2/command")[0].json().at("session_id"), 2);
}

TEST_F(ResponseSessionTest, CommandGivesUpAfterFiveRetries) {
    auto cb = connect();
    Session s = cb.live_response(lr_options()).request_session(1);
    for (int i = 0; i < 6; ++i)
        server.enqueue("POST", "/api/v1/cblr/session/1/command", MockResponse::text("Session 1 is not active", 404));
    try {
        s.list_directory("C:\\");
        FAIL() << "no exception";
    } catch (const TimeoutError& e) {
        EXPECT_STREQ(e.what(), "Command directory list failed after 5 retries");
    }
    EXPECT_EQ(test::requests(server, "POST", "/api/v1/cblr/session/1/command").size(), 6u);
}

TEST_F(ResponseSessionTest, OtherNotFoundOnACommandIsAnApiError) {
    auto cb = connect();
    Session s = cb.live_response(lr_options()).request_session(1);
    server.enqueue("POST", "/api/v1/cblr/session/1/command", MockResponse::text("No such command queue", 404));
    try {
        s.list_directory("C:\\");
        FAIL() << "no exception";
    } catch (const ApiError& e) {
        EXPECT_STREQ(e.what(), "Received 404 error from server: No such command queue");
    }
}

TEST_F(ResponseSessionTest, NotFoundJsonStatusAlsoReestablishes) {
    auto cb = connect();
    Session s = cb.live_response(lr_options()).request_session(1);
    server.enqueue("POST", "/api/v1/cblr/session/1/command", MockResponse::json({{"status", "NOT_FOUND"}}, 404));
    EXPECT_NO_THROW(s.list_processes());
    EXPECT_EQ(test::requests(server, "POST", "/api/v1/cblr/session/1/command").size(), 2u);  // reused session 1
}

TEST_F(ResponseSessionTest, KeepaliveOnAHandle) {
    auto cb = connect();
    Session s = cb.live_response(lr_options()).request_session(1);
    s.keepalive();
    EXPECT_EQ(test::requests(server, "GET", "/api/v1/cblr/session/1/keepalive").size(), 1u);
    sim->expire_session("1");
    EXPECT_THROW(s.keepalive(), ObjectNotFoundError);
}

TEST_F(ResponseSessionTest, IdleSessionTimesOutOnTheServer) {
    testing::LiveResponseSimulatorOptions options;
    options.session_idle_limit = 3;
    auto cb = connect(options);
    Session s = cb.live_response(lr_options()).request_session(1);
    for (int i = 0; i < 4; ++i) cb.connection().get_json("/api/v1/cblr/session");  // other traffic
    EXPECT_EQ(sim->sessions().at(0).status, "timeout");
    EXPECT_NO_THROW(s.list_processes());  // re-established
    EXPECT_EQ(sim->sessions().size(), 2u);
}

TEST_F(DefenseSessionTest, DeviceLrSessionCreatesWaitsAndClosesWithTheCloseBody) {
    auto cb = connect();
    {
        Session s = cb.select<defense::Device>(1001).lr_session(lr_options());
        EXPECT_EQ(s.session_id(), json("1001:1"));
        EXPECT_EQ(s.os_type(), OsType::windows);
        EXPECT_EQ(
            test::wire_under(server, "/integrationServices/v3"),
            (std::vector<std::string>{
                "GET /integrationServices/v3/device/1001", "POST /integrationServices/v3/cblr/session/1001",
                "GET /integrationServices/v3/cblr/session/1001:1", "GET /integrationServices/v3/cblr/session/1001:1"}));
        EXPECT_EQ(test::requests(server, "POST", "/integrationServices/v3/cblr/session/1001")[0].json(),
                  json({{"sensor_id", 1001}}));
        server.clear_requests();
    }
    const auto closes = test::requests(server, "PUT", "/integrationServices/v3/cblr/session");
    ASSERT_EQ(closes.size(), 1u);
    EXPECT_EQ(closes[0].json(), json({{"session_id", "1001:1"}, {"status", "CLOSE"}}));
    EXPECT_EQ(sim->sessions().at(0).status, "close");
}

TEST_F(DefenseSessionTest, ManagerReadsTheDeviceTypeAndAlwaysCreates) {
    auto cb = connect();
    // Another client's session with the device is not reused (Cb Defense always creates).
    cb.connection().post_json("/integrationServices/v3/cblr/session/1002", {{"sensor_id", 1002}});
    {
        Session s = cb.live_response(lr_options()).request_session(1002);
        EXPECT_EQ(s.session_id(), json("1002:2"));
        EXPECT_EQ(test::requests(server, "GET", "/integrationServices/v3/device/1002").size(), 1u);
    }
    cb.connection().put_json("/integrationServices/v3/cblr/session", {{"session_id", "1002:1"}, {"status", "CLOSE"}});
}

TEST_F(DefenseSessionTest, TimeoutWhileWaitingClosesTheSession) {
    testing::LiveResponseSimulatorOptions options;
    options.offline = {1003};
    auto cb = connect(options);
    auto lro = lr_options();
    lro.session_timeout = std::chrono::seconds(3);
    EXPECT_THROW(cb.live_response(lro).request_session(1003, OsType::windows), TimeoutError);
    const auto closes = test::requests(server, "PUT", "/integrationServices/v3/cblr/session");
    ASSERT_EQ(closes.size(), 1u);
    EXPECT_EQ(closes[0].json(), json({{"session_id", "1003:1"}, {"status", "CLOSE"}}));
}

TEST_F(DefenseSessionTest, UnknownDeviceIsNotFound) {
    auto cb = connect();
    EXPECT_THROW(cb.live_response(lr_options()).request_session(42, OsType::windows), ObjectNotFoundError);
    EXPECT_TRUE(sim->sessions().empty());
}

}  // namespace
}  // namespace cbapi
