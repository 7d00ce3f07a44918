// Files named after server data stay in the directory the caller chose.
#include <gtest/gtest.h>

#include "cbapi/files.hpp"

namespace cbapi {
namespace {

TEST(SafeFileName, KeepsOrdinaryNames) {
    EXPECT_EQ(safe_file_name("report.csv"), "report.csv");
    EXPECT_EQ(safe_file_name("F2C7BB8ACC97F92E987A2D4087D021B1.zip"), "F2C7BB8ACC97F92E987A2D4087D021B1.zip");
}

TEST(SafeFileName, TakesTheLastComponentOfWindowsAndUnixPaths) {
    EXPECT_EQ(safe_file_name("c:\\windows\\system32\\cmd.exe"), "cmd.exe");
    EXPECT_EQ(safe_file_name("/usr/bin/python3"), "python3");
    EXPECT_EQ(safe_file_name("..\\..\\..\\etc\\passwd"), "passwd");
    EXPECT_EQ(safe_file_name("../../.ssh/authorized_keys"), "authorized_keys");
}

TEST(SafeFileName, ReplacesControlAndReservedCharacters) {
    EXPECT_EQ(safe_file_name(std::string("a\0b\nc:d*e?", 10)), "a_b_c_d_e_");
}

TEST(SafeFileName, RefusesNamesWithNothingUsableLeft) {
    EXPECT_THROW(safe_file_name(""), ApiError);
    EXPECT_THROW(safe_file_name(".."), ApiError);
    EXPECT_THROW(safe_file_name("c:\\temp\\.."), ApiError);
    EXPECT_THROW(safe_file_name("dir/"), ApiError);
}

TEST(SafeFileName, LimitsTheLength) { EXPECT_EQ(safe_file_name(std::string(1000, 'a')).size(), 200u); }

TEST(SafeOutputPath, StaysInTheDirectory) {
    EXPECT_EQ(safe_output_path("/tmp/out", "../../etc/passwd"), std::filesystem::path("/tmp/out/passwd"));
    EXPECT_EQ(safe_output_path("out/", "x.zip"), std::filesystem::path("out/x.zip"));
    EXPECT_EQ(safe_output_path(".", "x.zip"), std::filesystem::path("./x.zip"));
}

}  // namespace
}  // namespace cbapi
