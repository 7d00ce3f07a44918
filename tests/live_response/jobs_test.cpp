// The Live Response job pool: futures, session reuse per sensor, failures, both products (each test ends with the
// simulator holding no open or pending session).
#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

#include "live_response/lr_fixture.hpp"

namespace cbapi {
namespace {

using live_response::Session;

class ResponseJobsTest : public test::ResponseLiveResponseTest {};
class DefenseJobsTest : public test::DefenseLiveResponseTest {};

TEST_F(ResponseJobsTest, JobsRunOnThePoolAndReuseOneSessionPerSensor) {
    auto cb = connect();
    std::promise<void> gate;
    std::shared_future<void> opened = gate.get_future().share();
    {
        auto lr = cb.live_response(lr_options());
        // The first job of each sensor holds its worker until every job is queued, so the others reuse its session.
        auto first1 = lr.submit_job(1, [opened](Session& s) {
            opened.wait();
            return s.get_file("C:\\Windows\\win.ini").size();
        });
        auto first2 = lr.submit_job(2, [opened](Session& s) {
            opened.wait();
            return s.sensor_id();
        });
        std::vector<std::future<std::size_t>> more;
        for (int i = 0; i < 3; ++i)
            more.push_back(lr.submit_job(1, [](Session& s) { return s.list_processes().size(); }));
        auto from2 = lr.submit_job(2, [](Session& s) { return s.session_id().dump(); });
        gate.set_value();
        EXPECT_EQ(first1.get(), 49u);
        EXPECT_EQ(first2.get(), 2);
        for (auto& f : more) EXPECT_EQ(f.get(), 6u);
        EXPECT_FALSE(from2.get().empty());
    }
    // One session per sensor, closed when its queue ran dry.
    EXPECT_EQ(test::requests(server, "POST", "/api/v1/cblr/session").size(), 2u);
    EXPECT_EQ(sim->sessions().size(), 2u);
}

TEST_F(ResponseJobsTest, AJobsExceptionResolvesItsFuture) {
    auto cb = connect();
    auto lr = cb.live_response(lr_options());
    auto failing = lr.submit_job(1, [](Session& s) { return s.get_file("C:\\missing.txt"); });
    auto thrown = lr.submit_job(1, [](Session&) -> int { throw std::runtime_error("job failed"); });
    auto fine = lr.submit_job(1, [](Session& s) { s.list_processes(); });
    EXPECT_THROW(failing.get(), LiveResponseError);
    EXPECT_THROW(thrown.get(), std::runtime_error);
    EXPECT_NO_THROW(fine.get());
}

TEST_F(ResponseJobsTest, ASessionThatCannotBeOpenedFailsTheSensorsJobs) {
    testing::LiveResponseSimulatorOptions options;
    options.offline = {3};
    // Sensor 1's session is active at its first poll, so it never looks at the deadline: the virtual clock is shared,
    // and sensor 3's polls could otherwise move it past sensor 1's deadline too (a flaky failure on a busy machine).
    options.polls_to_activate = 1;
    auto cb = connect(options);
    auto lro = lr_options();
    lro.session_timeout = std::chrono::seconds(2);
    auto lr = cb.live_response(lro);
    auto a = lr.submit_job(3, [](Session& s) { return s.sensor_id(); });
    auto b = lr.submit_job(1, [](Session& s) { return s.sensor_id(); });
    EXPECT_THROW(a.get(), TimeoutError);
    EXPECT_EQ(b.get(), 1);
}

TEST_F(DefenseJobsTest, JobsWorkForDefenseDevices) {
    auto cb = connect();
    auto lr = cb.live_response(lr_options());
    auto f = lr.submit_job(1002, [](Session& s) { return *s.create_process("cmd.exe /c hostname"); });
    EXPECT_EQ(f.get(), "DEVICE-1002\r\n");
}

TEST(Win32ErrorTest, DecodesFacilityWin32Only) {
    EXPECT_EQ(live_response::decode_hresult(2147942487LL), "ERROR_INVALID_PARAMETER");
    EXPECT_EQ(live_response::decode_hresult(0x80070002LL), "ERROR_FILE_NOT_FOUND");
    EXPECT_EQ(live_response::decode_hresult(0x80004005LL), "");  // E_FAIL: not FACILITY_WIN32
    EXPECT_EQ(live_response::decode_hresult(0x8007FFFFLL), "");  // unknown code
    const auto e = live_response::make_live_response_error(
        "Live Response command 'kill' on 1660",
        {{"status", "error"}, {"result_type", "WinHresult"}, {"result_code", 2147942487LL}, {"result_desc", ""}});
    EXPECT_STREQ(e.what(),
                 "Live Response command 'kill' on 1660 failed: Win32 error code 0x80070057 (ERROR_INVALID_PARAMETER)");
    const auto unknown = live_response::make_live_response_error(
        "x", {{"status", "error"}, {"result_type", "WinHresult"}, {"result_code", "junk"}});
    EXPECT_STREQ(unknown.what(), "x failed: Unknown Win32 error code: field 'result_code' is not an HRESULT: \"junk\"");
    EXPECT_FALSE(unknown.win32_error());
    const auto other = live_response::make_live_response_error("y", {{"status", "error"}, {"result_desc", "boom"}});
    EXPECT_STREQ(other.what(), "y failed: boom");
    const ApiError& base = other;  // part of the SDK's exception tree
    EXPECT_STREQ(base.what(), "y failed: boom");
}

}  // namespace
}  // namespace cbapi
