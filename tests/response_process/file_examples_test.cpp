// The example programs that write files (event_export, binary_download), run for real against the simulator: they
// never write through a link planted at the file's name, keep an old file when the export or download fails, and
// leave neither a partial file nor a temporary when interrupted by Ctrl-C.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "cbapi/testing/response_process_simulator.hpp"
#include "cbapi/testing/response_simulator.hpp"
#include "support/file_helpers.hpp"
#include "support/run_program.hpp"

#if defined(CBAPI_EVENT_EXPORT) && defined(CBAPI_BINARY_DOWNLOAD)

extern char** environ;

namespace cbapi {
namespace {

namespace fs = std::filesystem;

// The root process of the first simulated host and the Windows payload binary it drops.
const std::string root_guid = "00000001-0000-047c-01d3-10e57fb50000";
const std::string payload_md5 = "CD8952AA3EE91AE8DA800EBC657DFADC";

class SafeExampleFiles : public ::testing::Test {
protected:
    testing::MockServer server;
    fs::path dir;

    void SetUp() override {
        testing::ResponseSimulatorOptions options;
        testing::install_response_info(server, options);
        testing::install_response_process_simulator(server, options);
        const char* tmp = std::getenv("CBAPI_TEST_TMP");
        dir = fs::path(tmp ? tmp : fs::temp_directory_path().string()) /
              ("safe-examples-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
        fs::remove_all(dir);
        fs::create_directories(dir / "out");
    }
    void TearDown() override { fs::remove_all(dir); }

    static std::string read(const fs::path& p) { return test::read_file(p); }
    static void write(const fs::path& p, const std::string& text) { test::write_file(p, text); }
    // The names in `out`.
    std::set<std::string> names() const { return test::names_in(dir / "out"); }
    // Runs `program --cburl ... --apitoken ... args`; stdout and stderr together.
    test::ProgramRun run(const std::string& program, const std::string& args) const {
        return test::run_program(test::shell_quote(program) + " --cburl " + server.url() + " --apitoken " +
                                 test::shell_quote(server.token()) + " " + args + " 2>&1");
    }
    test::ProgramRun event_export() const {
        return run(CBAPI_EVENT_EXPORT, "--processid " + root_guid + " --directory " + test::shell_quote((dir / "out").string()));
    }
};

TEST_F(SafeExampleFiles, EventExportRefusesASymlinkAtTheCsvName) {
    // The name is predictable (<guid>.csv): a link planted there must not redirect the export.
    write(dir / "outside.txt", "keep me");
    fs::create_symlink(dir / "outside.txt", dir / "out" / (root_guid + ".csv"));
    const auto ran = event_export();
    EXPECT_EQ(ran.exit_code, 1) << ran.output;
    EXPECT_NE(ran.output.find("is a symbolic link"), std::string::npos) << ran.output;
    EXPECT_EQ(read(dir / "outside.txt"), "keep me");
    EXPECT_TRUE(fs::is_symlink(dir / "out" / (root_guid + ".csv")));
    EXPECT_EQ(names(), std::set<std::string>{root_guid + ".csv"});
}

TEST_F(SafeExampleFiles, EventExportKeepsTheOldCsvWhenTheExportFails) {
    write(dir / "out" / (root_guid + ".csv"), "old export");
    server.on("GET", "/api/v\\d/process/.*/event",
              [](const testing::RecordedRequest&) { return testing::MockResponse::json({{"reason", "denied"}}, 403); });
    const auto ran = event_export();
    EXPECT_EQ(ran.exit_code, 1) << ran.output;
    EXPECT_EQ(read(dir / "out" / (root_guid + ".csv")), "old export");  // cbapi-cpp 1.0 left just the header
    EXPECT_EQ(names(), std::set<std::string>{root_guid + ".csv"});
}

TEST_F(SafeExampleFiles, EventExportReplacesTheOldCsvWhenComplete) {
    write(dir / "out" / (root_guid + ".csv"), "old export");
    const auto ran = event_export();
    ASSERT_EQ(ran.exit_code, 0) << ran.output;
    const std::string csv = read(dir / "out" / (root_guid + ".csv"));
    EXPECT_EQ(csv.rfind("ProcessPath,Timestamp,Event,Path/IP/Domain,Comments\r\n", 0), 0u) << csv;
    EXPECT_GT(csv.size(), 100u);
    EXPECT_EQ(names(), std::set<std::string>{root_guid + ".csv"});
}

// Ctrl-C while binary_download waits for the server: the program ends by SIGINT, the old file keeps its content and
// neither a partial file nor a temporary is left (cbapi-cpp 1.0 left `<file>.zip.part`; interrupted while
// extracting, it had already truncated the old file).
TEST_F(SafeExampleFiles, BinaryDownloadInterruptedBySigintLeavesTheOldFileAndNoTemporary) {
    const fs::path target = dir / "out" / "payload.exe";
    write(target, "old binary");
    std::promise<void> arrived;
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::atomic<bool> once{false};
    server.on("GET", "/api/v1/binary/" + payload_md5, [&arrived, &once, released](const testing::RecordedRequest&) {
        if (!once.exchange(true)) arrived.set_value();
        released.wait_for(std::chrono::seconds(60));
        return testing::MockResponse::json({{"reason", "too late"}}, 500);
    });
    struct Release {
        std::promise<void>& p;
        ~Release() { p.set_value(); }
    } release_on_exit{release};

    const std::string program = CBAPI_BINARY_DOWNLOAD;
    const std::string log = (dir / "output.txt").string();
    std::vector<std::string> args = {program, "--cburl", server.url(), "--apitoken", server.token(),
                                     "--md5", payload_md5, "--filename", target.string()};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);

    // The request is in flight: the temporary exists next to the target (that is what Ctrl-C must clean).
    ASSERT_EQ(arrived.get_future().wait_for(std::chrono::seconds(60)), std::future_status::ready);
    EXPECT_EQ(names().size(), 2u);
    ASSERT_EQ(::kill(pid, SIGINT), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) << status << " " << read(log);
    EXPECT_EQ(read(target), "old binary");
    EXPECT_EQ(names(), std::set<std::string>{"payload.exe"});
}

}  // namespace
}  // namespace cbapi

#endif
