// Files named after server data stay in the directory the caller chose; AtomicFile never writes through a link and
// never leaves a partial file or a changed old file behind.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "cbapi/files.hpp"
#include "support/file_helpers.hpp"

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

namespace fs = std::filesystem;

class SafeFiles : public ::testing::Test {
protected:
    fs::path dir = make_dir();

    static fs::path make_dir() {
        const char* tmp = std::getenv("CBAPI_TEST_TMP");
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        const fs::path d = fs::path(tmp ? tmp : fs::temp_directory_path().string()) / ("safe-files-" + std::string(info->name()));
        fs::remove_all(d);
        fs::create_directories(d / "out");
        return d;
    }
    void TearDown() override { fs::remove_all(dir); }
    static std::string read(const fs::path& p) { return test::read_file(p); }
    static void write(const fs::path& p, const std::string& text) { test::write_file(p, text); }
    // The names in `out`.
    std::set<std::string> names() const { return test::names_in(dir / "out"); }
};

TEST_F(SafeFiles, CommitReplacesTheOldFileOnlyWhenComplete) {
    const fs::path target = dir / "out" / "report.csv";
    write(target, "old content");
    {
        AtomicFile file(target);
        file.write("new ");
        file.stream() << "content";
        EXPECT_EQ(read(target), "old content");  // nothing visible before commit
        EXPECT_EQ(names().size(), 2u);           // the target and the temporary, side by side
        const std::string temporary = file.temporary_path().filename().string();
        EXPECT_NE(temporary.find("report.csv."), std::string::npos) << temporary;
        EXPECT_NE(temporary.find(".cbapi-tmp"), std::string::npos) << temporary;
        file.commit();
        EXPECT_EQ(file.size(), 11u);
        EXPECT_TRUE(file.committed());
    }
    EXPECT_EQ(read(target), "new content");
    EXPECT_EQ(names(), std::set<std::string>{"report.csv"});
}

TEST_F(SafeFiles, AnExceptionBeforeCommitKeepsTheOldFileAndLeavesNoTemporary) {
    const fs::path target = dir / "out" / "binary.exe";
    write(target, "old content");
    try {
        AtomicFile file(target);
        file.write(std::string(200000, 'x'));  // more than the buffer: bytes really reached the temporary
        throw std::runtime_error("download dropped");
    } catch (const std::runtime_error&) {
    }
    EXPECT_EQ(read(target), "old content");
    EXPECT_EQ(names(), std::set<std::string>{"binary.exe"});

    // Without an old file: no file at all.
    { AtomicFile(dir / "out" / "new.bin").write("partial"); }
    EXPECT_EQ(names(), std::set<std::string>{"binary.exe"});
}

TEST_F(SafeFiles, SymlinkAtTargetIsRefusedAndNothingIsWrittenThrough) {
    write(dir / "outside.txt", "keep me");
    fs::create_symlink(dir / "outside.txt", dir / "out" / "victim.csv");
    try {
        AtomicFile file(dir / "out" / "victim.csv");
        ADD_FAILURE() << "the link was accepted";
    } catch (const ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("is a symbolic link"), std::string::npos) << e.what();
    }
    EXPECT_THROW(write_file_atomically(dir / "out" / "victim.csv", "evil"), ApiError);
    // A dangling link too (it would create its target).
    fs::create_symlink(dir / "created-elsewhere", dir / "out" / "dangling");
    EXPECT_THROW(write_file_atomically(dir / "out" / "dangling", "evil"), ApiError);
    EXPECT_FALSE(fs::exists(dir / "created-elsewhere"));
    EXPECT_EQ(read(dir / "outside.txt"), "keep me");
    EXPECT_TRUE(fs::is_symlink(dir / "out" / "victim.csv"));
    EXPECT_EQ(names(), (std::set<std::string>{"dangling", "victim.csv"}));
}

TEST_F(SafeFiles, SymlinkPlantedWhileWritingIsRefusedAtCommit) {
    write(dir / "outside.txt", "keep me");
    const fs::path target = dir / "out" / "victim.csv";
    AtomicFile file(target);
    file.write("data");
    fs::create_symlink(dir / "outside.txt", target);  // planted after the check at open
    EXPECT_THROW(file.commit(), ApiError);
    EXPECT_EQ(read(dir / "outside.txt"), "keep me");
    EXPECT_TRUE(fs::is_symlink(target));
    EXPECT_EQ(names(), std::set<std::string>{"victim.csv"});  // the temporary is gone already
}

TEST_F(SafeFiles, LinksAndFilesAtGuessableTemporaryNamesAreNeverUsed) {
    write(dir / "outside.txt", "keep me");
    const fs::path target = dir / "out" / "data.bin";
    for (const std::string suffix : {".tmp", ".part", ".zip.part", ".cbapi-tmp"})
        fs::create_symlink(dir / "outside.txt", dir / "out" / ("data.bin" + suffix));
    write(dir / "out" / "data.bin.new", "pre-existing");
    std::set<std::string> temporaries;
    for (int i = 0; i < 20; ++i) {
        AtomicFile file(target);
        EXPECT_TRUE(temporaries.insert(file.temporary_path().filename().string()).second);  // unpredictable
        EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(file.temporary_path())));          // created, not followed
        file.write("new");
        file.commit();
    }
    EXPECT_EQ(read(target), "new");
    EXPECT_EQ(read(dir / "outside.txt"), "keep me");
    EXPECT_EQ(read(dir / "out" / "data.bin.new"), "pre-existing");
    EXPECT_EQ(names(), (std::set<std::string>{"data.bin", "data.bin.tmp", "data.bin.part", "data.bin.zip.part",
                                              "data.bin.cbapi-tmp", "data.bin.new"}));
}

TEST_F(SafeFiles, SomethingOtherThanAFileAtTheTargetIsRefused) {
    fs::create_directory(dir / "out" / "a-directory");
    EXPECT_THROW(AtomicFile(dir / "out" / "a-directory"), ApiError);
    EXPECT_THROW(AtomicFile(dir / "out" / "missing-dir" / "x"), ApiError);
    EXPECT_THROW(AtomicFile(dir / "out" / ".."), ApiError);
    EXPECT_TRUE(fs::is_directory(dir / "out" / "a-directory"));
    EXPECT_EQ(names(), std::set<std::string>{"a-directory"});
}

TEST_F(SafeFiles, NewFilesGetTheRequestedMode) {
    const auto old_mask = ::umask(022);
    write_file_atomically(dir / "out" / "private", "x", AtomicFile::private_mode);
    write_file_atomically(dir / "out" / "shared", "x");
    ::umask(old_mask);
    EXPECT_EQ(fs::status(dir / "out" / "private").permissions(), fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_EQ(fs::status(dir / "out" / "shared").permissions(),
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
}

TEST_F(SafeFiles, DiscardAndDoubleCommitAreHandled) {
    AtomicFile file(dir / "out" / "x");
    file.write("abc");
    file.discard();
    EXPECT_TRUE(file.temporary_path().empty());
    EXPECT_THROW(file.write("more"), ApiError);
    EXPECT_THROW(file.commit(), ApiError);
    EXPECT_TRUE(names().empty());
}

// SIGINT while a file is being written (the examples install the handler): the temporary is removed, the old file
// keeps its content, and the process still ends by the signal. Runs in a child process.
TEST_F(SafeFiles, SigintWhileWritingRemovesTheTemporaryAndKeepsTheOldFile) {
    const fs::path target = dir / "out" / "binary.exe";
    write(target, "old content");
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        remove_temporary_files_on_signal();
        AtomicFile file(target);
        file.write(std::string(200000, 'x'));
        std::raise(SIGINT);
        ::_exit(3);  // not reached
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << status;
    EXPECT_EQ(WTERMSIG(status), SIGINT);
    EXPECT_EQ(read(target), "old content");
    EXPECT_EQ(names(), std::set<std::string>{"binary.exe"});
}

}  // namespace
}  // namespace cbapi
