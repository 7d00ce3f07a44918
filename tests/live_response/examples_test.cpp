// The cblr_cli example programs (Cb Response and Cb Defense) run in -c and script mode against servers with the
// Live Response simulator: their output, exit codes, the requests they made, and that they leave no session open.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "live_response/lr_fixture.hpp"
#include "support/run_program.hpp"

#if defined(CBAPI_RESPONSE_CBLR_CLI) && defined(CBAPI_DEFENSE_CBLR_CLI)

namespace cbapi {
namespace {

struct CliRun {
    int exit_code = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};

std::filesystem::path work_dir(int port) {
    const char* base = std::getenv("CBAPI_TEST_TMP");
    auto d = std::filesystem::path(base ? base : std::filesystem::temp_directory_path().string()) /
             ("cblr-cli-" + std::to_string(port));
    std::filesystem::create_directories(d);
    return d;
}

std::string quote(const std::string& s) { return test::shell_quote(s); }

// Runs `program --cburl <url> --apitoken <token> <args>` in `dir`.
CliRun run(const std::string& program, const testing::MockServer& server, const std::string& token,
        const std::string& args, const std::filesystem::path& dir) {
    const std::string command = "cd " + quote(dir.string()) + " && " + quote(program) + " --cburl " + server.url() +
                                " --apitoken " + quote(token) + " " + args + " 2>" +
                                quote((dir / "stderr.txt").string());
    const test::ProgramRun ran = test::run_program(command);
    CliRun result{ran.exit_code, ran.output, {}};
    std::ifstream errors(dir / "stderr.txt");
    result.err.assign(std::istreambuf_iterator<char>(errors), {});
    return result;
}

// --- interrupted runs -------------------------------------------------------------------------------------------------

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// A cblr_cli started in the background (no shell in between, so signals reach it): its standard input is a pipe the
// test holds open (an interactive shell waits on it), its output goes to files in `dir`.
class Background {
public:
    Background(const std::string& program, const testing::MockServer& server, const std::string& token,
               const std::vector<std::string>& args, const std::filesystem::path& dir)
        : out_(dir / "bg-stdout.txt"), err_(dir / "bg-stderr.txt") {
        int fds[2];
        if (pipe(fds) != 0) return;
        stdin_ = fds[1];
        std::vector<std::string> words{program, "--cburl", server.url(), "--apitoken", token};
        words.insert(words.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& w : words) argv.push_back(w.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
        posix_spawn_file_actions_addclose(&actions, fds[0]);
        posix_spawn_file_actions_addclose(&actions, fds[1]);
        posix_spawn_file_actions_addopen(&actions, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
        posix_spawn_file_actions_destroy(&actions);
        close(fds[0]);
    }
    ~Background() {
        if (pid_ > 0 && !reaped_) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        if (stdin_ >= 0) close(stdin_);
    }
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

    bool started() const { return pid_ > 0; }
    void type(const std::string& line) {
        const std::string text = line + "\n";
        EXPECT_EQ(write(stdin_, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    }
    void signal(int sig) { kill(pid_, sig); }
    // The exit code (128 + n when it was killed by signal n, which is what must not happen); -1 after 30 s.
    int wait_exit() {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        int status = 0;
        while (waitpid(pid_, &status, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() > deadline) return -1;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        reaped_ = true;
        if (WIFSIGNALED(status)) return 1000 + WTERMSIG(status);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::string out() const { return read_file(out_); }
    std::string err() const { return read_file(err_); }

private:
    std::filesystem::path out_, err_;
    pid_t pid_ = -1;
    int stdin_ = -1;
    bool reaped_ = false;
};

// Checks `ready` every 10 ms for up to 30 s (the program gets there in real time; no fixed sleep).
bool eventually(const std::function<bool()>& ready) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!ready()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

bool saw(const testing::MockServer& server, const std::string& method, const std::string& path_prefix) {
    for (const auto& r : server.requests())
        if (r.method == method && r.path.rfind(path_prefix, 0) == 0) return true;
    return false;
}

bool has_active_session(const testing::LiveResponseSimulator& sim) {
    for (const auto& s : sim.open_sessions())
        if (s.status == "active") return true;
    return false;
}

class ResponseCblrCliTest : public test::ResponseLiveResponseTest {
protected:
    response::CbResponseAPI cb = connect();
    std::filesystem::path dir = work_dir(server.port());
    void TearDown() override {
        ResponseLiveResponseTest::TearDown();
        std::filesystem::remove_all(dir);
    }
    CliRun cli(const std::string& args) { return run(CBAPI_RESPONSE_CBLR_CLI, server, server.token(), args, dir); }
};

TEST_F(ResponseCblrCliTest, PathsStartAtLowerCaseDriveAndCdThenDirListsTheDirectoryOnce) {
    const auto r = cli("-c " + quote("connect 1; dir; cd Windows; dir; exit"));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    // cbapi-python's working directory starts as "c:", so the root listing asks for c:\* (not C:\*).
    EXPECT_NE(r.out.find("  Working Directory: c:\\\n\nc:\\> dir\nDirectory: c:\\*\n\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("c:\\> cd Windows\nc:\\Windows\\> dir\nDirectory: c:\\Windows\\*\n\n"), std::string::npos)
        << r.out;
    std::vector<std::string> listed;
    for (const auto& c : test::requests(server, "POST", "/api/v1/cblr/session/1/command"))
        if (c.json().at("name") == "directory list") listed.push_back(c.json().at("object").get<std::string>());
    // cd checks the directory once; dir then lists its contents without checking it again.
    EXPECT_EQ(listed, (std::vector<std::string>{"c:\\*", "c:\\Windows", "c:\\Windows\\*"}));
}

TEST_F(ResponseCblrCliTest, CommandsRunInOrderWithReadableOutput) {
    const auto r = cli("-c " + quote("connect 1; cd Windows; pwd; dir; cat win.ini; exec -w cmd.exe /c echo hello; "
                                     "ps; kill 3104; mkdir Temp\\ir; del Temp\\ir; exit"));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(
        r.out.find("(unattached)> connect 1\nSession: 1\n  Available Drives: C:\\\n  Supported Commands: get file, "
                   "put file"),
        std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("c:\\> cd Windows\nc:\\Windows\\> pwd\nc:\\Windows\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Directory: c:\\Windows\\*\n\n"), std::string::npos);
    EXPECT_NE(r.out.find("06/26/2018 08:00:00 AM\t<DIR>                System32\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("06/26/2018 09:00:00 AM\t                  49 win.ini\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("[fonts]"), std::string::npos);
    EXPECT_NE(r.out.find("hello\r\n"), std::string::npos);
    EXPECT_NE(r.out.find(" 3104  notepad.exe                    WIN-DEV-01\\user1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Killed process 3104\n"), std::string::npos);
    EXPECT_NE(r.out.find("Created c:\\Windows\\Temp\\ir\nc:\\Windows\\> del Temp\\ir\nDeleted c:\\Windows\\Temp\\ir"),
              std::string::npos)
        << r.out;
    const auto exec = test::requests(server, "POST", "/api/v1/cblr/session/1/command");
    bool saw_exec = false;
    for (const auto& c : exec)
        if (c.json().at("name") == "create process") {
            saw_exec = true;
            EXPECT_EQ(c.json().at("working_directory"), "c:\\Windows");
        }
    EXPECT_TRUE(saw_exec);
    EXPECT_EQ(test::requests(server, "PUT", "/api/v1/cblr/session/1").size(), 1u);
}

TEST_F(ResponseCblrCliTest, FilesRegistryAndMemdump) {
    std::ofstream(dir / "tool.txt") << "uploaded";
    const auto r = cli("-c " + quote("connect 1; reg add HKLM\\SOFTWARE\\Acme; put tool.txt "
                                     "C:\\Windows\\Temp\\tool.txt; get C:\\Windows\\Temp\\tool.txt "
                                     "back.txt; reg add HKLM\\SOFTWARE\\Acme -v Level -t REG_DWORD -d 3; reg query "
                                     "HKLM\\SOFTWARE\\Acme -v Level; reg delete HKLM\\SOFTWARE\\Acme -v Level; "
                                     "memdump mem.dmp; archive session.log"));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("Uploaded tool.txt to C:\\Windows\\Temp\\tool.txt"), std::string::npos);
    EXPECT_NE(r.out.find("Downloaded C:\\Windows\\Temp\\tool.txt to back.txt (8 bytes)"), std::string::npos);
    std::ifstream back(dir / "back.txt");
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(back), {}), "uploaded");
    EXPECT_NE(r.out.find("  Level                           REG_DWORD 3\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Deleted value HKLM\\SOFTWARE\\Acme\\Level"), std::string::npos);
    EXPECT_FALSE(sim->registry_contains("response", 1, "HKLM\\SOFTWARE\\Acme\\Level"));
    EXPECT_NE(r.out.find("Memory dump written to mem.dmp ("), std::string::npos);
    EXPECT_TRUE(std::filesystem::exists(dir / "session.log"));
}

// get, memdump, archive and --log never write through a symbolic link planted at the local name.
TEST_F(ResponseCblrCliTest, LocalFilesAreNeverWrittenThroughALink) {
    std::ofstream(dir / "outside.txt") << "keep me";
    for (const char* name : {"back.txt", "mem.dmp", "session.log", "debug.log"})
        std::filesystem::create_symlink(dir / "outside.txt", dir / name);
    for (const std::string& args : {std::string("-c ") + quote("connect 1; get C:\\Windows\\win.ini back.txt"),
                                    std::string("-c ") + quote("connect 1; memdump mem.dmp"),
                                    std::string("-c ") + quote("connect 1; archive session.log"),
                                    std::string("--log debug.log -c ") + quote("connect 1")}) {
        const auto r = cli(args);
        EXPECT_EQ(r.exit_code, 1) << args << r.out << r.err;
        EXPECT_NE(r.err.find("symbolic link"), std::string::npos) << args << r.err;
    }
    std::ifstream outside(dir / "outside.txt");
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(outside), {}), "keep me");
    for (const char* name : {"back.txt", "mem.dmp", "session.log", "debug.log"})
        EXPECT_TRUE(std::filesystem::is_symlink(dir / name)) << name;
}

TEST_F(ResponseCblrCliTest, GetIntoTheCurrentOrAnExistingDirectoryUsesTheRemoteName) {
    std::filesystem::create_directory(dir / "into");
    const auto r = cli("-c " + quote("connect 1; get C:\\Windows\\win.ini; get C:\\Windows\\win.ini into; "
                                     "get C:\\Windows\\System32\\drivers\\etc\\hosts into/hosts.txt; help"));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const std::string ini = *sim->file_content("response", 1, "C:\\Windows\\win.ini");
    const std::string size = " (" + std::to_string(ini.size()) + " bytes)";
    EXPECT_NE(r.out.find("Downloaded C:\\Windows\\win.ini to ./win.ini" + size), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Downloaded C:\\Windows\\win.ini to into/win.ini" + size), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("to into/hosts.txt ("), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("get <remote> [local]"), std::string::npos) << r.out;
    std::ifstream a(dir / "win.ini"), b(dir / "into" / "win.ini");
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(a), {}), ini);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(b), {}), ini);
    EXPECT_TRUE(std::filesystem::exists(dir / "into" / "hosts.txt"));
}

TEST_F(ResponseCblrCliTest, GetIntoADirectoryRefusesAnUnusableName) {
    const auto r = cli("-c " + quote("connect 1; get C:\\"));  // the root has no file name
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("has no usable file name"), std::string::npos) << r.err;
}

TEST_F(ResponseCblrCliTest, ScriptFileAndAnErrorThatStopsTheScript) {
    std::ofstream(dir / "script.txt") << "connect 7\n# a comment\ndir /home\ncat /etc/nothing\npwd\n";
    const auto r = cli("script.txt");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.out.find("Directory: /home/*"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("user7"), std::string::npos);
    EXPECT_EQ(r.out.find("/> pwd"), std::string::npos);  // not reached
    EXPECT_NE(r.err.find("Error: Live Response command 'get file' on /etc/nothing failed: Win32 error code 0x80070002 "
                         "(ERROR_FILE_NOT_FOUND)"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(test::requests(server, "PUT", "/api/v1/cblr/session/1").size(), 1u);
}

TEST_F(ResponseCblrCliTest, BadArgumentsAndUnattachedCommands) {
    auto r = cli("-c " + quote("kill 12"));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("Error: You must attach to a session"), std::string::npos) << r.err;
    r = cli("-c " + quote("connect 1; kill abc"));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("Error parsing arguments! invalid process id 'abc'"), std::string::npos) << r.err;
    r = cli("-c " + quote("frobnicate"));
    EXPECT_NE(r.err.find("unknown command 'frobnicate'"), std::string::npos);
    r = cli("-c " + quote("connect 1; cd NoSuchDir"));
    EXPECT_NE(r.err.find("Error: Path c:\\NoSuchDir does not exist or is not a directory"), std::string::npos) << r.err;
    r = cli("-c " + quote("connect 99"));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("Error: Received 404"), std::string::npos) << r.err;
}

TEST_F(ResponseCblrCliTest, InteractiveModeReadsStdin) {
    std::ofstream(dir / "input.txt") << "connect 1\ndir C:\\Windows\\*.ini\nbogus\nexit\n";
    const auto r = cli("< input.txt");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("(unattached)> Session: 1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("win.ini"), std::string::npos);
    EXPECT_NE(r.err.find("unknown command 'bogus'"), std::string::npos);  // and the loop went on to exit
}

// A server whose commands never complete (the CLI keeps polling) and whose sensor 2 never checks in.
class ResponseCblrCliSignalTest : public test::ResponseLiveResponseTest {
protected:
    response::CbResponseAPI cb = connect(slow_server());
    std::filesystem::path dir = work_dir(server.port());
    static testing::LiveResponseSimulatorOptions slow_server() {
        testing::LiveResponseSimulatorOptions o;
        o.polls_to_complete = 1'000'000;
        o.offline = {2};
        return o;
    }
    void TearDown() override {
        ResponseLiveResponseTest::TearDown();  // no session left pending or active
        std::filesystem::remove_all(dir);
    }
    std::unique_ptr<Background> start(const std::vector<std::string>& args) {
        auto bg = std::make_unique<Background>(CBAPI_RESPONSE_CBLR_CLI, server, server.token(), args, dir);
        EXPECT_TRUE(bg->started());
        return bg;
    }
};

TEST_F(ResponseCblrCliSignalTest, SigintWhileACommandRunsClosesTheSessionAndExits130) {
    auto cli = start({"-c", "connect 1; exec -w cmd.exe /c ver"});
    ASSERT_TRUE(eventually([&] { return saw(server, "GET", "/api/v1/cblr/session/1/command/"); })) << cli->err();
    cli->signal(SIGINT);
    EXPECT_EQ(cli->wait_exit(), 130) << cli->err();
    EXPECT_NE(cli->err().find("Interrupted (signal 2): Live Response sessions closed"), std::string::npos)
        << cli->err();
    EXPECT_TRUE(sim->open_sessions().empty());
    EXPECT_EQ(test::requests(server, "PUT", "/api/v1/cblr/session/1").size(), 1u);
}

TEST_F(ResponseCblrCliSignalTest, SigtermWhileWaitingForTheSessionClosesItAndExits143) {
    auto cli = start({"-c", "connect 2; dir"});
    ASSERT_TRUE(eventually([&] { return saw(server, "GET", "/api/v1/cblr/session/1"); })) << cli->err();
    cli->signal(SIGTERM);
    EXPECT_EQ(cli->wait_exit(), 143) << cli->err();
    EXPECT_TRUE(sim->open_sessions().empty());
    ASSERT_EQ(sim->sessions().size(), 1u);
    EXPECT_EQ(sim->sessions()[0].status, "close");
}

TEST_F(ResponseCblrCliSignalTest, SigintAtTheInteractivePromptClosesTheSession) {
    auto cli = start({});
    cli->type("connect 1");
    ASSERT_TRUE(eventually([&] { return has_active_session(*sim); })) << cli->err();
    cli->signal(SIGINT);
    EXPECT_EQ(cli->wait_exit(), 130) << cli->err();
    EXPECT_TRUE(sim->open_sessions().empty());
    EXPECT_EQ(test::requests(server, "PUT", "/api/v1/cblr/session/1").size(), 1u);
}

class DefenseCblrCliTest : public test::DefenseLiveResponseTest {
protected:
    defense::CbDefenseAPI cb = connect();
    std::filesystem::path dir = work_dir(server.port());
    void TearDown() override {
        DefenseLiveResponseTest::TearDown();
        std::filesystem::remove_all(dir);
    }
    CliRun cli(const std::string& args) { return run(CBAPI_DEFENSE_CBLR_CLI, server, test::kDefenseToken, args, dir); }
};

TEST_F(DefenseCblrCliTest, ConnectsByIdOrHostNameAndRunsCommands) {
    std::optional<defense::Device> windows, other;
    for (const auto& d : cb.select<defense::Device>()) {
        if (!windows && d.device_type() == "WINDOWS") windows = d;
        if (!other && windows && d.device_id() != windows->device_id()) other = d;
    }
    ASSERT_TRUE(windows && other);
    const std::string id = std::to_string(windows->device_id());
    auto r = cli("-c " + quote("connect " + id + "; dir; exec -w cmd.exe /c hostname; detach"));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("Session: " + id + ":1\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Directory: c:\\*"), std::string::npos);
    EXPECT_NE(r.out.find("DEVICE-" + id + "\r\n"), std::string::npos);
    const auto closes = test::requests(server, "PUT", "/integrationServices/v3/cblr/session");
    ASSERT_EQ(closes.size(), 1u);
    EXPECT_EQ(closes[0].json(), nlohmann::json({{"session_id", id + ":1"}, {"status", "CLOSE"}}));

    const std::string name = other->name();
    r = cli("-c " + quote("connect " + name + "; ps"));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("explorer.exe"), std::string::npos);
    EXPECT_FALSE(
        test::requests(server, "POST", "/integrationServices/v3/cblr/session/" + std::to_string(other->device_id()))
            .empty());
    r = cli("-c " + quote("connect NO-SUCH-HOST"));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("Error: No device with host name NO-SUCH-HOST"), std::string::npos) << r.err;
}

class DefenseCblrCliSignalTest : public test::DefenseLiveResponseTest {
protected:
    defense::CbDefenseAPI cb = connect(slow_server());
    std::filesystem::path dir = work_dir(server.port());
    static testing::LiveResponseSimulatorOptions slow_server() {
        testing::LiveResponseSimulatorOptions o;
        o.polls_to_complete = 1'000'000;
        return o;
    }
    void TearDown() override {
        DefenseLiveResponseTest::TearDown();  // no session left pending or active
        std::filesystem::remove_all(dir);
    }
    std::unique_ptr<Background> start(const std::vector<std::string>& args) {
        auto bg = std::make_unique<Background>(CBAPI_DEFENSE_CBLR_CLI, server, test::kDefenseToken, args, dir);
        EXPECT_TRUE(bg->started());
        return bg;
    }
    std::string windows_device() {
        for (const auto& d : cb.select<defense::Device>())
            if (d.device_type() == "WINDOWS") return std::to_string(d.device_id());
        ADD_FAILURE() << "no Windows device";
        return "1001";
    }
};

TEST_F(DefenseCblrCliSignalTest, SigintWhileACommandRunsClosesTheSessionAndExits130) {
    const std::string id = windows_device();
    auto cli = start({"-c", "connect " + id + "; exec -w cmd.exe /c ver"});
    ASSERT_TRUE(eventually([&] { return saw(server, "GET", "/integrationServices/v3/cblr/session/" + id + ":1/command/"); }))
        << cli->err();
    cli->signal(SIGINT);
    EXPECT_EQ(cli->wait_exit(), 130) << cli->err();
    EXPECT_TRUE(sim->open_sessions().empty());
    const auto closes = test::requests(server, "PUT", "/integrationServices/v3/cblr/session");
    ASSERT_EQ(closes.size(), 1u);
    EXPECT_EQ(closes[0].json(), nlohmann::json({{"session_id", id + ":1"}, {"status", "CLOSE"}}));
}

TEST_F(DefenseCblrCliSignalTest, SigtermAtTheInteractivePromptClosesTheSessionAndExits143) {
    const std::string id = windows_device();
    auto cli = start({});
    cli->type("connect " + id);
    ASSERT_TRUE(eventually([&] { return has_active_session(*sim); })) << cli->err();
    cli->signal(SIGTERM);
    EXPECT_EQ(cli->wait_exit(), 143) << cli->err();
    EXPECT_TRUE(sim->open_sessions().empty());
    EXPECT_EQ(test::requests(server, "PUT", "/integrationServices/v3/cblr/session").size(), 1u);
}

}  // namespace
}  // namespace cbapi

#endif
