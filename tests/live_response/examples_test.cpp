// The cblr_cli example programs (Cb Response and Cb Defense) run in -c and script mode against servers with the
// Live Response simulator: their output, exit codes, the requests they made, and that they leave no session open.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

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

TEST_F(ResponseCblrCliTest, CommandsRunInOrderWithReadableOutput) {
    const auto r = cli("-c " + quote("connect 1; cd Windows; pwd; dir; cat win.ini; exec -w cmd.exe /c echo hello; "
                                     "ps; kill 3104; mkdir Temp\\ir; del Temp\\ir; exit"));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(
        r.out.find("(unattached)> connect 1\nSession: 1\n  Available Drives: C:\\\n  Supported Commands: get file, "
                   "put file"),
        std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("C:\\> cd Windows\nC:\\Windows\\> pwd\nC:\\Windows\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Directory: C:\\Windows\\*\n\n"), std::string::npos);
    EXPECT_NE(r.out.find("06/26/2018 08:00:00 AM\t<DIR>                System32\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("06/26/2018 09:00:00 AM\t                  49 win.ini\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("[fonts]"), std::string::npos);
    EXPECT_NE(r.out.find("hello\r\n"), std::string::npos);
    EXPECT_NE(r.out.find(" 3104  notepad.exe                    WIN-DEV-01\\user1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Killed process 3104\n"), std::string::npos);
    EXPECT_NE(r.out.find("Created C:\\Windows\\Temp\\ir\nC:\\Windows\\> del Temp\\ir\nDeleted C:\\Windows\\Temp\\ir"),
              std::string::npos)
        << r.out;
    const auto exec = test::requests(server, "POST", "/api/v1/cblr/session/1/command");
    bool saw_exec = false;
    for (const auto& c : exec)
        if (c.json().at("name") == "create process") {
            saw_exec = true;
            EXPECT_EQ(c.json().at("working_directory"), "C:\\Windows");
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
    EXPECT_NE(r.err.find("Error: Path C:\\NoSuchDir does not exist or is not a directory"), std::string::npos) << r.err;
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
    EXPECT_NE(r.out.find("Directory: C:\\*"), std::string::npos);
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

}  // namespace
}  // namespace cbapi

#endif
