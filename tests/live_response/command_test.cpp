// Live Response commands against the simulator: what is posted and polled, what the caller gets, and every failure
// (each test ends with the simulator holding no open or pending session).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "live_response/lr_fixture.hpp"

namespace cbapi {
namespace {

using live_response::CreateProcessOptions;
using live_response::Session;
using live_response::WalkEntry;
using nlohmann::json;

class CommandTest : public test::ResponseLiveResponseTest {
protected:
    response::CbResponseAPI cb = connect();
    std::optional<Session> session;

    Session& windows() {
        if (!session) session = cb.live_response(lr_options()).request_session(1);
        server.clear_requests();
        return *session;
    }
    Session& linux_host() {
        if (!session) session = cb.live_response(lr_options()).request_session(7);
        server.clear_requests();
        return *session;
    }
    void TearDown() override {
        session.reset();
        ResponseLiveResponseTest::TearDown();
    }

    std::vector<json> posted_commands() const {
        std::vector<json> out;
        for (const auto& r : test::requests(server, "POST", "/api/v1/cblr/session/1/command")) out.push_back(r.json());
        return out;
    }
    std::filesystem::path temp_path(const std::string& name) const {
        const char* base = std::getenv("CBAPI_TEST_TMP");
        auto dir = std::filesystem::path(base ? base : std::filesystem::temp_directory_path().string()) /
                   ("lr-" + std::to_string(server.port()));
        std::filesystem::create_directories(dir);
        return dir / name;
    }
    static std::string read(const std::filesystem::path& p) {
        std::ifstream in(p, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
};

TEST_F(CommandTest, GetFileToMemoryPostsPollsAndDownloads) {
    Session& s = windows();
    const std::string content = s.get_file("C:\\Windows\\win.ini");
    EXPECT_EQ(content, "; for 16-bit app support\r\n[fonts]\r\n[extensions]\r\n");
    EXPECT_EQ(posted_commands(),
              std::vector<json>{json({{"name", "get file"}, {"object", "C:\\Windows\\win.ini"}, {"session_id", 1}})});
    const auto wire = test::wire_under(server, "/api/v1/cblr");
    EXPECT_EQ(wire, (std::vector<std::string>{
                        "POST /api/v1/cblr/session/1/command", "GET /api/v1/cblr/session/1/command/1",
                        "GET /api/v1/cblr/session/1/command/1", "GET /api/v1/cblr/session/1/file/1/content"}));
    EXPECT_EQ(clock.sleeps().back(), std::chrono::milliseconds(500));
}

TEST_F(CommandTest, GetFileStreamsToALocalFile) {
    Session& s = windows();
    const auto local = temp_path("hosts");
    s.get_file("C:\\Windows\\System32\\drivers\\etc\\hosts", local);
    EXPECT_EQ(read(local), "127.0.0.1       localhost\r\n::1             localhost\r\n");
    std::string pieces;
    s.get_raw_file("C:\\Windows\\win.ini", [&](std::string_view p) { pieces.append(p.data(), p.size()); });
    EXPECT_EQ(pieces.rfind("; for 16-bit", 0), 0u);
}

TEST_F(CommandTest, DownloadErrorsAndSinkErrorsPropagate) {
    Session& s = windows();
    server.enqueue("GET", "/api/v1/cblr/session/1/file/1/content", testing::MockResponse::text("gone", 404));
    EXPECT_THROW(s.get_file("C:\\Windows\\win.ini"), ObjectNotFoundError);
    try {
        s.get_raw_file("C:\\Windows\\win.ini", [](std::string_view) { throw ApiError("disk full"); });
        FAIL() << "no exception";
    } catch (const ApiError& e) {
        EXPECT_STREQ(e.what(), "disk full");
    }
    EXPECT_EQ(test::requests(server, "GET", "/api/v1/cblr/session/1/file/2/content").size(), 1u);  // not retried
}

TEST_F(CommandTest, GetFileToAnUnwritableLocalPathFails) {
    Session& s = windows();
    EXPECT_THROW(s.get_file("C:\\Windows\\win.ini", std::filesystem::path("/nonexistent-dir/x/y")), ApiError);
    EXPECT_TRUE(server.requests().empty());
}

TEST_F(CommandTest, MissingFileIsALiveResponseErrorWithTheWin32Code) {
    Session& s = windows();
    try {
        s.get_file("C:\\nope.txt");
        FAIL() << "no exception";
    } catch (const LiveResponseError& e) {
        EXPECT_STREQ(e.what(),
                     "Live Response command 'get file' on C:\\nope.txt failed: Win32 error code 0x80070002 "
                     "(ERROR_FILE_NOT_FOUND): The system cannot find the file specified.");
        EXPECT_EQ(e.win32_error(), 0x80070002LL);
        EXPECT_EQ(e.decoded_win32_error(), "ERROR_FILE_NOT_FOUND");
        EXPECT_EQ(json::parse(e.details()).at("status"), "error");
    }
    EXPECT_TRUE(test::requests(server, "GET", "/api/v1/cblr/session/1/file/1/content").empty());
}

TEST_F(CommandTest, PutFileUploadsMultipartThenPutsTheFile) {
    Session& s = windows();
    const std::string data = std::string("binary\0data\r\n--not-a-boundary", 29);
    s.put_file(data, "C:\\Windows\\Temp\\tool.exe");
    const auto uploads = test::requests(server, "POST", "/api/v1/cblr/session/1/file");
    ASSERT_EQ(uploads.size(), 1u);
    EXPECT_EQ(uploads[0].header("Content-Type").value_or("").rfind("multipart/form-data; boundary=cbapi-cpp-", 0), 0u);
    EXPECT_NE(uploads[0].body.find("Content-Disposition: form-data; name=\"file\"; filename=\"file\""),
              std::string::npos);
    EXPECT_NE(uploads[0].body.find(data), std::string::npos);
    EXPECT_EQ(
        posted_commands(),
        std::vector<json>{json(
            {{"name", "put file"}, {"object", "C:\\Windows\\Temp\\tool.exe"}, {"file_id", 1}, {"session_id", 1}})});
    EXPECT_EQ(sim->file_content("response", 1, "C:\\Windows\\Temp\\tool.exe"), data);
}

TEST_F(CommandTest, PutFileFromALocalFileAndOverAnExistingOneFails) {
    Session& s = windows();
    const auto local = temp_path("upload.txt");
    std::ofstream(local) << "local content";
    s.put_file_from(local, "C:\\Windows\\Temp\\upload.txt");
    EXPECT_EQ(sim->file_content("response", 1, "C:\\Windows\\Temp\\upload.txt"), "local content");
    try {
        s.put_file_from(local, "C:\\Windows\\Temp\\upload.txt");
        FAIL() << "no exception";
    } catch (const LiveResponseError& e) {
        EXPECT_EQ(e.decoded_win32_error(), "ERROR_FILE_EXISTS");
    }
    EXPECT_THROW(s.put_file_from(temp_path("missing"), "C:\\x"), ApiError);
}

TEST_F(CommandTest, DeleteFileAndCreateDirectory) {
    Session& s = windows();
    s.create_directory("C:\\Windows\\Temp\\ir");
    s.put_file("x", "C:\\Windows\\Temp\\ir\\a.txt");
    try {
        s.delete_file("C:\\Windows\\Temp\\ir");
        FAIL() << "no exception";
    } catch (const LiveResponseError& e) {
        EXPECT_EQ(e.decoded_win32_error(), "ERROR_DIR_NOT_EMPTY");
    }
    s.delete_file("C:\\Windows\\Temp\\ir\\a.txt");
    EXPECT_FALSE(sim->file_content("response", 1, "C:\\Windows\\Temp\\ir\\a.txt"));
    const auto cmds = posted_commands();
    EXPECT_EQ(cmds.front(),
              json({{"name", "create directory"}, {"object", "C:\\Windows\\Temp\\ir"}, {"session_id", 1}}));
    EXPECT_EQ(cmds.back(),
              json({{"name", "delete file"}, {"object", "C:\\Windows\\Temp\\ir\\a.txt"}, {"session_id", 1}}));
    try {
        s.create_directory("C:\\Windows");
        FAIL() << "no exception";
    } catch (const LiveResponseError& e) {
        EXPECT_EQ(e.decoded_win32_error(), "ERROR_ALREADY_EXISTS");
    }
    EXPECT_THROW(s.delete_file("C:\\Windows\\nothing.txt"), LiveResponseError);
}

TEST_F(CommandTest, ListDirectoryGivesTypedEntries) {
    Session& s = windows();
    const auto entries = s.list_directory("C:\\Windows\\");
    std::vector<std::string> names;
    for (const auto& e : entries) names.push_back(e.filename);
    EXPECT_EQ(names, (std::vector<std::string>{".", "..", "System32", "Temp", "win.ini"}));
    EXPECT_TRUE(entries[2].is_directory());
    EXPECT_FALSE(entries[4].is_directory());
    EXPECT_EQ(entries[4].size, 49u);
    EXPECT_EQ(entries[4].attributes, std::vector<std::string>{"ARCHIVE"});
    EXPECT_GT(entries[4].create_time, 0);
    EXPECT_EQ(entries[4].raw.at("filename"), "win.ini");
    EXPECT_EQ(s.list_directory("C:\\Windows\\*.ini").size(), 1u);
    try {
        s.list_directory("C:\\Nope\\");
        FAIL() << "no exception";
    } catch (const LiveResponseError& e) {
        EXPECT_EQ(e.decoded_win32_error(), "ERROR_PATH_NOT_FOUND");
    }
}

TEST_F(CommandTest, WalkTopDownAndBottomUp) {
    Session& s = windows();
    const auto top = s.walk("C:\\Windows");
    ASSERT_EQ(top.size(), 5u);
    EXPECT_EQ(top[0].path, "C:\\Windows");
    EXPECT_EQ(top[0].directories, (std::vector<std::string>{"System32", "Temp"}));
    EXPECT_EQ(top[0].files, std::vector<std::string>{"win.ini"});
    EXPECT_EQ(top[1].path, "C:\\Windows\\System32");
    EXPECT_EQ(top[2].path, "C:\\Windows\\System32\\drivers");
    EXPECT_EQ(top[3].path, "C:\\Windows\\System32\\drivers\\etc");
    EXPECT_EQ(top[3].files, std::vector<std::string>{"hosts"});
    EXPECT_EQ(top[4].path, "C:\\Windows\\Temp");
    const auto bottom = s.walk("C:\\Windows", false);
    ASSERT_EQ(bottom.size(), 5u);
    EXPECT_EQ(bottom[0].path, "C:\\Windows\\System32\\drivers\\etc");
    EXPECT_EQ(bottom.back().path, "C:\\Windows");
    EXPECT_EQ(posted_commands().front(),
              json({{"name", "directory list"}, {"object", "C:\\Windows\\*"}, {"session_id", 1}}));
}

TEST_F(CommandTest, WalkCanPruneAndReportErrors) {
    Session& s = windows();
    std::vector<std::string> visited;
    s.walk("C:\\Windows", [&](WalkEntry& e) {
        visited.push_back(e.path);
        e.directories.erase(std::remove(e.directories.begin(), e.directories.end(), "System32"), e.directories.end());
    });
    EXPECT_EQ(visited, (std::vector<std::string>{"C:\\Windows", "C:\\Windows\\Temp"}));
    std::vector<std::string> errors;
    s.walk(
        "C:\\Missing", [](WalkEntry&) { FAIL(); }, true, [&](const std::exception& e) { errors.push_back(e.what()); });
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].find("ERROR_PATH_NOT_FOUND"), std::string::npos);
    EXPECT_THROW(s.walk("C:\\Missing"), LiveResponseError);
}

TEST_F(CommandTest, WalkOnAPosixHostUsesSlashes) {
    Session& s = linux_host();
    const auto tree = s.walk("/home");
    ASSERT_EQ(tree.size(), 2u);
    EXPECT_EQ(tree[1].path, "/home/user7");
    EXPECT_EQ(tree[1].files, std::vector<std::string>{"notes.txt"});
    EXPECT_EQ(test::requests(server, "POST", "/api/v1/cblr/session/1/command")[0].json().at("object"), "/home/*");
}

TEST_F(CommandTest, RegistryValuesAndKeys) {
    Session& s = windows();
    const std::string run = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run";
    const auto listing = s.list_registry_keys_and_values(run);
    ASSERT_EQ(listing.values.size(), 2u);
    EXPECT_EQ(listing.values[0].name, "OneDrive");
    EXPECT_EQ(listing.values[0].type, "REG_SZ");
    EXPECT_TRUE(listing.sub_keys.empty());
    EXPECT_EQ(s.list_registry_keys("HKLM\\SYSTEM\\CurrentControlSet\\Services"),
              (std::vector<std::string>{"CarbonBlack", "Tcpip"}));

    const auto start = s.get_registry_value("HKLM\\SYSTEM\\CurrentControlSet\\Services\\CarbonBlack\\Start");
    EXPECT_EQ(start.name, "Start");
    EXPECT_EQ(start.type, "REG_DWORD");
    EXPECT_EQ(start.data, json(2));

    s.set_registry_value(run + "\\Updater", "C:\\evil.exe");
    s.set_registry_value(run + "\\Count", 7);
    s.set_registry_value(run + "\\Flag", true);
    s.set_registry_value(run + "\\List", json::array({"a", "b"}));
    s.set_registry_value(run + "\\Raw", "00ff", false, "REG_BINARY");
    const auto cmds = posted_commands();
    EXPECT_EQ(cmds[3], json({{"name", "reg set value"},
                             {"object", run + "\\Updater"},
                             {"overwrite", true},
                             {"value_type", "REG_SZ"},
                             {"value_data", "C:\\evil.exe"},
                             {"session_id", 1}}));
    EXPECT_EQ(cmds[4].at("value_type"), "REG_DWORD");
    EXPECT_EQ(cmds[5].at("value_data"), "True");
    EXPECT_EQ(cmds[6].at("value_type"), "REG_MULTI_SZ");
    EXPECT_EQ(cmds[7].at("overwrite"), false);
    EXPECT_EQ(cmds[7].at("value_type"), "REG_BINARY");
    EXPECT_EQ(s.get_registry_value(run + "\\Count").data, json(7));
    try {
        s.set_registry_value(run + "\\Raw", "11", false, "REG_BINARY");
        FAIL() << "no exception";
    } catch (const LiveResponseError& e) {
        EXPECT_EQ(e.decoded_win32_error(), "ERROR_ALREADY_EXISTS");
    }

    s.delete_registry_value(run + "\\Updater");
    EXPECT_FALSE(sim->registry_contains("response", 1, run + "\\Updater"));
    EXPECT_THROW(s.get_registry_value(run + "\\Updater"), LiveResponseError);
    EXPECT_THROW(s.delete_registry_value(run + "\\Updater"), LiveResponseError);

    s.create_registry_key("HKLM\\SOFTWARE\\Acme\\Agent");
    EXPECT_TRUE(sim->registry_contains("response", 1, "HKLM\\SOFTWARE\\Acme\\Agent"));
    try {
        s.delete_registry_key("HKLM\\SOFTWARE\\Acme");
        FAIL() << "no exception";
    } catch (const LiveResponseError& e) {
        EXPECT_EQ(e.decoded_win32_error(), "ERROR_ACCESS_DENIED");
    }
    s.delete_registry_key("HKLM\\SOFTWARE\\Acme\\Agent");
    EXPECT_FALSE(sim->registry_contains("response", 1, "HKLM\\SOFTWARE\\Acme\\Agent"));
    EXPECT_THROW(s.list_registry_keys_and_values("HKLM\\SOFTWARE\\Nothing"), LiveResponseError);
}

TEST_F(CommandTest, UnsupportedCommandIsRefusedWithoutARequest) {
    Session& s = linux_host();
    try {
        s.get_registry_value("HKLM\\SOFTWARE\\x");
        FAIL() << "no exception";
    } catch (const ApiError& e) {
        EXPECT_STREQ(e.what(), "Command reg query value not supported by this sensor");
    }
    EXPECT_THROW(s.memdump(temp_path("mem")), ApiError);
    EXPECT_TRUE(server.requests().empty());
}

TEST_F(CommandTest, ListAndKillProcesses) {
    Session& s = windows();
    const auto procs = s.list_processes();
    ASSERT_EQ(procs.size(), 6u);
    EXPECT_EQ(procs[5].pid, 3104);
    EXPECT_EQ(procs[5].path, "c:\\windows\\system32\\notepad.exe");
    EXPECT_EQ(procs[5].parent, 2212);
    EXPECT_EQ(procs[5].username, "WIN-DEV-01\\user1");
    EXPECT_FALSE(procs[5].proc_guid.empty());
    EXPECT_EQ(posted_commands()[0], json({{"name", "process list"}, {"session_id", 1}}));
    server.clear_requests();

    EXPECT_TRUE(s.kill_process(3104));
    EXPECT_FALSE(sim->process_running("response", 1, 3104));
    EXPECT_EQ(posted_commands()[0], json({{"name", "kill"}, {"object", 3104}, {"session_id", 1}}));
    EXPECT_EQ(clock.sleeps().back(), std::chrono::milliseconds(100));
    try {
        s.kill_process(3104);
        FAIL() << "no exception";
    } catch (const LiveResponseError& e) {
        EXPECT_NE(std::string(e.what()).find("Win32 error code 0x80070057 (ERROR_INVALID_PARAMETER)"),
                  std::string::npos);
    }
}

TEST(CommandTimeoutTest, KillThatIsNotConfirmedInTimeReturnsFalseAndSlowCommandsTimeOut) {
    testing::MockServer server;
    testing::install_response_info(server, {});
    testing::LiveResponseSimulatorOptions options;
    options.polls_to_complete = 1000;
    auto sim = testing::install_live_response_simulator(server, options);
    test::RecordingSleeper retries;
    auto cb = test::response_api(server, retries);
    test::VirtualClock clock;
    live_response::LiveResponseOptions lro;
    lro.clock = clock.clock();
    lro.sleeper = clock.sleeper();
    lro.command_timeout = std::chrono::seconds(2);
    {
        Session s = cb.live_response(lro).request_session(1);
        EXPECT_FALSE(s.kill_process(3104));  // 10 s at 0.1 s
        EXPECT_EQ(test::requests(server, "GET", "/api/v1/cblr/session/1/command/1").size(), 101u);
        try {
            s.list_processes();  // 2 s at 0.5 s
            FAIL() << "no exception";
        } catch (const TimeoutError& e) {
            EXPECT_NE(std::string(e.what()).find("timeout polling for Live Response (Live Response command 'process "
                                                 "list', status 'in progress')"),
                      std::string::npos);
        }
        EXPECT_EQ(test::requests(server, "GET", "/api/v1/cblr/session/1/command/2").size(), 5u);
    }
    EXPECT_TRUE(sim->open_sessions().empty());
}

TEST_F(CommandTest, CreateProcessCapturesOutputThroughATemporaryFileThatIsRemoved) {
    Session& s = windows();
    const auto output = s.create_process("cmd.exe /c echo hello");
    ASSERT_TRUE(output);
    EXPECT_EQ(*output, "hello\r\n");
    const auto cmds = posted_commands();
    ASSERT_EQ(cmds.size(), 3u);
    const std::string temp = cmds[0].at("output_file");
    EXPECT_EQ(temp.rfind("c:\\windows\\temp\\cblr.", 0), 0u);
    EXPECT_EQ(cmds[0], json({{"name", "create process"},
                             {"object", "cmd.exe /c echo hello"},
                             {"wait", true},
                             {"output_file", temp},
                             {"session_id", 1}}));
    EXPECT_EQ(cmds[1], json({{"name", "get file"}, {"object", temp}, {"session_id", 1}}));
    EXPECT_EQ(cmds[2], json({{"name", "delete file"}, {"object", temp}, {"session_id", 1}}));
    EXPECT_FALSE(sim->file_content("response", 1, temp));
    // Every command was polled to completion.
    EXPECT_EQ(test::requests(server, "GET", "/api/v1/cblr/session/1/command/3").size(), 2u);
}

TEST_F(CommandTest, CreateProcessOptions) {
    Session& s = windows();
    CreateProcessOptions no_wait;
    no_wait.wait_for_output = false;
    no_wait.wait_for_completion = false;
    EXPECT_FALSE(s.create_process("C:\\Windows\\System32\\notepad.exe", no_wait));
    EXPECT_EQ(posted_commands()[0], json({{"name", "create process"},
                                          {"object", "C:\\Windows\\System32\\notepad.exe"},
                                          {"wait", false},
                                          {"session_id", 1}}));
    EXPECT_TRUE(test::requests(server, "GET", "/api/v1/cblr/session/1/command/1").empty());
    server.clear_requests();

    CreateProcessOptions named;
    named.remote_output_file = "C:\\Windows\\Temp\\out.txt";
    named.working_directory = "C:\\Windows";
    EXPECT_EQ(s.create_process("cmd.exe /c dir", named),
              std::optional<std::string>(".\r\n..\r\nSystem32\r\nTemp\r\nwin.ini\r\n"));
    EXPECT_EQ(posted_commands()[0].at("working_directory"), "C:\\Windows");
    EXPECT_EQ(posted_commands().size(), 2u);  // the named output file is kept
    EXPECT_TRUE(sim->file_content("response", 1, "C:\\Windows\\Temp\\out.txt"));
    server.clear_requests();

    CreateProcessOptions wait_only;
    wait_only.wait_for_output = false;
    EXPECT_FALSE(s.create_process("cmd.exe /c hostname", wait_only));
    EXPECT_EQ(test::requests(server, "GET", "/api/v1/cblr/session/1/command/4").size(), 2u);  // waited
    s.delete_file("C:\\Windows\\Temp\\out.txt");
}

TEST_F(CommandTest, CreateProcessFailureIsReportedAndTheTemporaryFileCleanupAttempted) {
    Session& s = windows();
    try {
        s.create_process("C:\\nothere.exe /quiet");
        FAIL() << "no exception";
    } catch (const LiveResponseError& e) {
        EXPECT_EQ(e.decoded_win32_error(), "ERROR_FILE_NOT_FOUND");
    }
    const auto cmds = posted_commands();
    ASSERT_EQ(cmds.size(), 2u);
    EXPECT_EQ(cmds[1].at("name"), "delete file");
    EXPECT_EQ(cmds[1].at("object"), cmds[0].at("output_file"));
    CreateProcessOptions bad_dir;
    bad_dir.working_directory = "C:\\NoDir";
    try {
        s.create_process("cmd.exe /c echo x", bad_dir);
        FAIL() << "no exception";
    } catch (const LiveResponseError& e) {
        EXPECT_EQ(e.decoded_win32_error(), "ERROR_DIRECTORY");
    }
}

TEST_F(CommandTest, MemdumpWaitsFetchesAndDeletes) {
    Session& s = windows();
    const auto local = temp_path("memory.dmp");
    s.memdump(local, std::string("C:\\Windows\\Temp\\mem.dmp"));
    EXPECT_EQ(read(local), "PAGEDU64 simulated memory image of WIN-DEV-01");
    const auto cmds = posted_commands();
    ASSERT_EQ(cmds.size(), 3u);
    EXPECT_EQ(
        cmds[0],
        json({{"name", "memdump"}, {"object", "C:\\Windows\\Temp\\mem.dmp"}, {"compress", false}, {"session_id", 1}}));
    EXPECT_EQ(cmds[2], json({{"name", "delete file"}, {"object", "C:\\Windows\\Temp\\mem.dmp"}, {"session_id", 1}}));
    EXPECT_FALSE(sim->file_content("response", 1, "C:\\Windows\\Temp\\mem.dmp"));
    EXPECT_EQ(test::requests(server, "GET", "/api/v1/cblr/session/1/command/1").size(), 2u);
    EXPECT_EQ(clock.sleeps()[clock.sleeps().size() - 3], std::chrono::seconds(5));

    auto dump = s.start_memdump();  // compressed by default
    EXPECT_EQ(dump.remote_file().substr(dump.remote_file().size() - 8), ".tmp.zip");
    EXPECT_FALSE(dump.done());
    dump.wait();
    EXPECT_TRUE(dump.done());
    dump.get(local);
    EXPECT_EQ(read(local).rfind("PK", 0), 0u);
    dump.remove();
    EXPECT_FALSE(sim->file_content("response", 1, dump.remote_file()));
}

TEST_F(CommandTest, MemdumpToAMissingDirectoryFails) {
    Session& s = windows();
    EXPECT_THROW(s.memdump(temp_path("m"), std::string("C:\\NoDir\\mem.dmp")), LiveResponseError);
}

TEST_F(CommandTest, SessionArchive) {
    Session& s = windows();
    s.list_processes();
    std::string archive;
    s.get_session_archive([&](std::string_view p) { archive.append(p.data(), p.size()); });
    EXPECT_NE(archive.find("1 process list"), std::string::npos);
    EXPECT_EQ(test::requests(server, "GET", "/api/v1/cblr/session/1/archive").size(), 1u);
}

class DefenseCommandTest : public test::DefenseLiveResponseTest {};

TEST_F(DefenseCommandTest, CommandsUseTheDefensePaths) {
    auto cb = connect();
    {
        Session s = cb.live_response(lr_options()).request_session(1001);
        server.clear_requests();
        EXPECT_EQ(*s.create_process("cmd.exe /c whoami"), "nt authority\\system\r\n");
        const auto posts = test::requests(server, "POST", "/integrationServices/v3/cblr/session/1001:1/command");
        ASSERT_EQ(posts.size(), 3u);
        EXPECT_EQ(posts[0].json().at("session_id"), "1001:1");
        EXPECT_EQ(test::requests(server, "GET", "/integrationServices/v3/cblr/session/1001:1/file/1/content").size(),
                  1u);
        s.put_file("abc", "C:\\Windows\\Temp\\x.txt");
        EXPECT_EQ(sim->file_content("defense", 1001, "C:\\Windows\\Temp\\x.txt"), "abc");
        EXPECT_EQ(s.get_file("C:\\Windows\\Temp\\x.txt"), "abc");
    }
}

}  // namespace
}  // namespace cbapi
