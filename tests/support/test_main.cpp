// The one gtest main shared by every test program.
#include <gtest/gtest.h>

#include <cstdlib>

#include "cbapi/logging.hpp"

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    // The tests talk to the simulator over plain http:// on loopback, which the SDK refuses unless allowed
    // (docs/credentials.md). ctest sets CBAPI_ALLOW_HTTP=1; so does this main, unless it is set already, for a program
    // run by hand. The tests of the refusal itself unset it (support/env_guard.hpp).
    setenv("CBAPI_ALLOW_HTTP", "1", 0);
    // Tests connect over plain HTTP on loopback, which the SDK rightly warns about; keep the output readable.
    // Tests that check log output install their own logger.
    cbapi::set_log_level(spdlog::level::err);
    return RUN_ALL_TESTS();
}
