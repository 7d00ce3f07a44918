// check_datasharing run against servers whose data sharing settings the test changed first through the SDK: the
// "none" (exit 0) and "**ALL**" (exit 1) answers that the default simulator state does not produce.
#include <gtest/gtest.h>

#include <string>

#include "response_admin/admin_fixture.hpp"
#include "support/run_program.hpp"

#if defined(CBAPI_CHECK_DATASHARING)

namespace cbapi {
namespace {

using response::SensorGroup;

test::ProgramRun run_check(const testing::MockServer& server) {
    return test::run_program(test::shell_quote(CBAPI_CHECK_DATASHARING) + " --cburl " + server.url() + " --apitoken " +
                             server.token() + " 2>/dev/null");
}

TEST(CheckDatasharingExample, NoGroupSharesExitsZero) {
    test::AdminWorld w;
    w.cb.select<SensorGroup>(2).disable_all_datasharing();
    const test::ProgramRun r = run_check(w.server);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.output, "No sensor groups are configured to send unknown binaries to VirusTotal\n");
}

TEST(CheckDatasharingExample, EveryGroupSharesExitsOne) {
    test::AdminWorld w;
    for (const SensorGroup& g : w.cb.select<SensorGroup>())
        if (!g.shares("VIRUSTOTAL", "BIN")) g.enable_datasharing("VIRUSTOTAL", "BIN");
    const test::ProgramRun r = run_check(w.server);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.output, "**ALL** sensor groups are configured to send unknown binaries to VirusTotal\n");
}

TEST(CheckDatasharingExample, OtherSharingDoesNotCount) {
    test::AdminWorld w;
    w.cb.select<SensorGroup>(2).disable_all_datasharing();
    w.cb.select<SensorGroup>(1).enable_datasharing("VIRUSTOTAL", "EVENTS");
    const test::ProgramRun r = run_check(w.server);
    EXPECT_EQ(r.exit_code, 0);
}

}  // namespace
}  // namespace cbapi

#endif
