// The one gtest main shared by every test program.
#include <gtest/gtest.h>

#include "cbapi/logging.hpp"

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    // Tests connect over plain HTTP on loopback, which the SDK rightly warns about; keep the output readable.
    // Tests that check log output install their own logger.
    cbapi::set_log_level(spdlog::level::err);
    return RUN_ALL_TESTS();
}
