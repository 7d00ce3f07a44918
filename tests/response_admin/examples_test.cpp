// check_datasharing run against servers whose data sharing settings the test changed first through the SDK: the
// "none" (exit 0) and "**ALL**" (exit 1) answers that the default simulator state does not produce.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include "response_admin/admin_fixture.hpp"

#if defined(CBAPI_CHECK_DATASHARING)

namespace cbapi {
namespace {

using response::SensorGroup;

struct CheckRun {
    int exit_code = -1;
    std::string output;
};

CheckRun run_check(const testing::MockServer& server) {
    const std::string command = std::string("'") + CBAPI_CHECK_DATASHARING + "' --cburl " + server.url() +
                                " --apitoken " + server.token() + " 2>/dev/null";
    CheckRun result;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return result;
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
    const int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

TEST(CheckDatasharingExample, NoGroupSharesExitsZero) {
    test::AdminWorld w;
    w.cb.select<SensorGroup>(2).disable_all_datasharing();
    const CheckRun r = run_check(w.server);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.output, "No sensor groups are configured to send unknown binaries to VirusTotal\n");
}

TEST(CheckDatasharingExample, EveryGroupSharesExitsOne) {
    test::AdminWorld w;
    for (const SensorGroup& g : w.cb.select<SensorGroup>())
        if (!g.shares("VIRUSTOTAL", "BIN")) g.enable_datasharing("VIRUSTOTAL", "BIN");
    const CheckRun r = run_check(w.server);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.output, "**ALL** sensor groups are configured to send unknown binaries to VirusTotal\n");
}

TEST(CheckDatasharingExample, OtherSharingDoesNotCount) {
    test::AdminWorld w;
    w.cb.select<SensorGroup>(2).disable_all_datasharing();
    w.cb.select<SensorGroup>(1).enable_datasharing("VIRUSTOTAL", "EVENTS");
    const CheckRun r = run_check(w.server);
    EXPECT_EQ(r.exit_code, 0);
}

}  // namespace
}  // namespace cbapi

#endif
