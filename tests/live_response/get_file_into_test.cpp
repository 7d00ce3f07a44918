// Session::get_file_into: files named after the endpoint's path land inside the chosen directory, whatever the name
// (`..` components, absolute paths, control characters, NUL); unusable names are refused before anything is sent, and
// a failed download leaves no file behind.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "live_response/lr_fixture.hpp"

namespace cbapi {
namespace {

using live_response::Session;
namespace fs = std::filesystem;

class GetFileIntoTest : public test::ResponseLiveResponseTest {
protected:
    response::CbResponseAPI cb = connect();
    std::optional<Session> session;
    fs::path base = make_base();
    fs::path out = base / "out";

    fs::path make_base() const {
        const char* tmp = std::getenv("CBAPI_TEST_TMP");
        const auto dir = fs::path(tmp ? tmp : fs::temp_directory_path().string()) /
                         ("get-into-" + std::to_string(server.port()));
        fs::remove_all(dir);
        fs::create_directories(dir / "out");
        return dir;
    }
    Session& lr(long long sensor = 1) {
        if (!session) session = cb.live_response(lr_options()).request_session(sensor);
        server.clear_requests();
        return *session;
    }
    void TearDown() override {
        session.reset();
        ResponseLiveResponseTest::TearDown();
        fs::remove_all(base);
    }
    static std::string read(const fs::path& p) {
        std::ifstream in(p, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    // Every path under the base directory, relative to it.
    std::vector<std::string> tree() const {
        std::vector<std::string> paths;
        for (const auto& e : fs::recursive_directory_iterator(base)) paths.push_back(e.path().lexically_relative(base).string());
        std::sort(paths.begin(), paths.end());
        return paths;
    }
    std::size_t commands_sent() const { return test::requests(server, "POST", "/api/v1/cblr/session/1/command").size(); }
};

TEST_F(GetFileIntoTest, NamesTheFileAfterTheLastComponentOfTheRemotePath) {
    const fs::path local = lr().get_file_into("C:\\Windows\\win.ini", out);
    EXPECT_EQ(local, out / "win.ini");
    EXPECT_EQ(read(local), *sim->file_content("response", 1, "C:\\Windows\\win.ini"));
    // Forward slashes split too.
    EXPECT_EQ(lr().get_file_into("C:/Windows/System32/drivers/etc/hosts", out), out / "hosts");
    EXPECT_EQ(tree(), (std::vector<std::string>{"out", "out/hosts", "out/win.ini"}));
}

TEST_F(GetFileIntoTest, AnAbsolutePosixPathGivesItsLastComponent) {
    const fs::path local = lr(7).get_file_into("/etc/passwd", out);
    EXPECT_EQ(local, out / "passwd");
    EXPECT_NE(read(local).find("root:x:0:0"), std::string::npos);
    EXPECT_EQ(tree(), (std::vector<std::string>{"out", "out/passwd"}));
}

TEST_F(GetFileIntoTest, HostileNamesStayInsideTheDirectory) {
    struct Case {
        std::string remote;
        std::string local;
    };
    const std::vector<Case> cases = {
        {"..\\..\\x", "x"},
        {"C:\\Windows\\Temp\\..\\..\\..\\evil.txt", "evil.txt"},
        {"C:\\Windows\\Temp\\a/../../b", "b"},
        {"C:\\Windows\\Temp\\bell\x07\x1b[31m.txt", "bell__[31m.txt"},
        {std::string("C:\\Windows\\Temp\\nul\0name.txt", 28), "nul_name.txt"},
        {"C:\\Windows\\Temp\\stream.txt:ads", "stream.txt_ads"},
        {"C:\\Windows\\Temp\\<pipe>|?*\"", "_pipe_____"},
    };
    for (const auto& c : cases) {
        ASSERT_TRUE(sim->set_file_content("response", 1, c.remote, "content of " + c.local));
        const fs::path local = lr().get_file_into(c.remote, out);
        EXPECT_EQ(local, out / c.local);
        EXPECT_EQ(local.parent_path(), out);
        EXPECT_EQ(read(local), "content of " + c.local);
        // The request named the remote file as given.
        const auto posted = test::requests(server, "POST", "/api/v1/cblr/session/1/command");
        ASSERT_EQ(posted.size(), 1u);
        EXPECT_EQ(posted[0].json()["object"], c.remote);
    }
    std::vector<std::string> expected = {"out"};
    for (const auto& c : cases) expected.push_back("out/" + c.local);
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(tree(), expected);
}

TEST_F(GetFileIntoTest, UnusableNamesAreRefusedBeforeAnythingIsSent) {
    lr();
    for (const std::string remote : {"", ".", "..", "C:\\a\\..", "C:\\Windows\\.", "C:\\Windows\\", "/", "..\\",
                                     "C:\\Windows\\Temp/.."}) {
        try {
            lr().get_file_into(remote, out);
            ADD_FAILURE() << "no error for '" << remote << "'";
        } catch (const ApiError& e) {
            EXPECT_NE(std::string(e.what()).find("has no usable file name"), std::string::npos) << e.what();
        }
        EXPECT_EQ(commands_sent(), 0u) << remote;
    }
    EXPECT_EQ(tree(), std::vector<std::string>{"out"});
}

TEST_F(GetFileIntoTest, AFailedDownloadLeavesNoFile) {
    EXPECT_THROW(lr().get_file_into("C:\\nope.txt", out), LiveResponseError);
    EXPECT_THROW(lr().get_file_into("C:\\Windows", out), LiveResponseError);  // a directory: access denied
    EXPECT_EQ(tree(), std::vector<std::string>{"out"});
}

TEST_F(GetFileIntoTest, ReplacesAFileButNothingElse) {
    std::ofstream(out / "win.ini") << "old";
    EXPECT_EQ(read(lr().get_file_into("C:\\Windows\\win.ini", out)), *sim->file_content("response", 1, "C:\\Windows\\win.ini"));

    // A directory of that name is refused (and kept), before anything is sent.
    fs::create_directory(out / "hosts");
    server.clear_requests();
    EXPECT_THROW(lr().get_file_into("C:\\Windows\\System32\\drivers\\etc\\hosts", out), ApiError);
    EXPECT_TRUE(fs::is_directory(out / "hosts"));
    EXPECT_EQ(commands_sent(), 0u);

    // So is a symbolic link, which could point outside the directory.
    std::ofstream(base / "outside.txt") << "keep me";
    fs::create_symlink(base / "outside.txt", out / "notepad.exe");
    try {
        lr().get_file_into("C:\\Windows\\System32\\notepad.exe", out);
        ADD_FAILURE() << "the link was followed";
    } catch (const ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("it is not a regular file"), std::string::npos) << e.what();
    }
    EXPECT_EQ(read(base / "outside.txt"), "keep me");
    EXPECT_TRUE(fs::is_symlink(out / "notepad.exe"));
}

TEST_F(GetFileIntoTest, TheDirectoryMustExist) {
    try {
        lr().get_file_into("C:\\Windows\\win.ini", out / "missing");
        ADD_FAILURE() << "no error";
    } catch (const ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("not a directory"), std::string::npos) << e.what();
    }
    EXPECT_EQ(commands_sent(), 0u);
    EXPECT_FALSE(fs::exists(out / "missing"));
}

// --- files written safely: never through a link, never partial, the old file kept on any failure ------------------

class SafeLiveResponseFiles : public GetFileIntoTest {
protected:
    const std::string content_routes = "/api/v1/cblr/session/1/file/\\d+/content";
    // Every content download is answered with `reply` from now on.
    void answer_content_with(const testing::MockResponse& reply) {
        server.on("GET", content_routes, [reply](const testing::RecordedRequest&) { return reply; });
    }
    // Both ways of downloading into out/win.ini must fail and leave "old" there, and nothing else.
    void expect_old_file_kept(const std::string& what) {
        EXPECT_ANY_THROW(lr().get_file("C:\\Windows\\win.ini", out / "win.ini")) << what;
        EXPECT_EQ(read(out / "win.ini"), "old") << what;
        EXPECT_ANY_THROW(lr().get_file_into("C:\\Windows\\win.ini", out)) << what;
        EXPECT_EQ(read(out / "win.ini"), "old") << what;
        EXPECT_EQ(tree(), (std::vector<std::string>{"out", "out/win.ini"})) << what;  // no temporary left
    }
};

TEST_F(SafeLiveResponseFiles, SymlinkAtTargetIsRefusedAndNothingIsWrittenThrough) {
    std::ofstream(base / "outside.txt") << "keep me";
    fs::create_symlink(base / "outside.txt", out / "win.ini");
    fs::create_symlink(base / "nothing-here", out / "hosts");  // dangling: following it would create a file
    lr();
    for (const auto& [remote, local] : std::vector<std::pair<std::string, fs::path>>{
             {"C:\\Windows\\win.ini", out / "win.ini"}, {"C:\\Windows\\System32\\drivers\\etc\\hosts", out / "hosts"}}) {
        try {
            lr().get_file(remote, local);
            ADD_FAILURE() << "the link was followed: " << local;
        } catch (const ApiError& e) {
            EXPECT_NE(std::string(e.what()).find("is a symbolic link"), std::string::npos) << e.what();
        }
        EXPECT_THROW(lr().get_file_into(remote, out), ApiError);
        EXPECT_EQ(commands_sent(), 0u);  // refused before anything was sent
    }
    EXPECT_EQ(read(base / "outside.txt"), "keep me");
    EXPECT_FALSE(fs::exists(base / "nothing-here"));
    EXPECT_EQ(tree(), (std::vector<std::string>{"out", "out/hosts", "out/win.ini", "outside.txt"}));
}

TEST_F(SafeLiveResponseFiles, LinksAndFilesAtGuessableTemporaryNamesAreNeverUsed) {
    std::ofstream(base / "outside.txt") << "keep me";
    for (const std::string suffix : {".tmp", ".part", ".partial", ".download"})
        fs::create_symlink(base / "outside.txt", out / ("win.ini" + suffix));
    std::ofstream(out / "win.ini.new") << "pre-existing";
    const auto expected = *sim->file_content("response", 1, "C:\\Windows\\win.ini");
    EXPECT_EQ(read(lr().get_file_into("C:\\Windows\\win.ini", out)), expected);
    lr().get_file("C:\\Windows\\win.ini", out / "copy.ini");
    EXPECT_EQ(read(out / "copy.ini"), expected);
    EXPECT_EQ(read(base / "outside.txt"), "keep me");
    EXPECT_EQ(read(out / "win.ini.new"), "pre-existing");
    EXPECT_EQ(tree(), (std::vector<std::string>{"out", "out/copy.ini", "out/win.ini", "out/win.ini.download",
                                                "out/win.ini.new", "out/win.ini.part", "out/win.ini.partial",
                                                "out/win.ini.tmp", "outside.txt"}));
}

TEST_F(SafeLiveResponseFiles, ASuccessfulDownloadReplacesTheOldFileWithAPrivateOne) {
    std::ofstream(out / "win.ini") << "old";
    lr().get_file("C:\\Windows\\win.ini", out / "win.ini");
    EXPECT_EQ(read(out / "win.ini"), *sim->file_content("response", 1, "C:\\Windows\\win.ini"));
    EXPECT_EQ(fs::status(out / "win.ini").permissions() & (fs::perms::group_all | fs::perms::others_all),
              fs::perms::none);
    EXPECT_EQ(tree(), (std::vector<std::string>{"out", "out/win.ini"}));
}

TEST_F(SafeLiveResponseFiles, ADownloadThatFailsMidwayLeavesTheOldFileAndNoTemporary) {
    std::ofstream(out / "win.ini") << "old";
    testing::MockResponse cut = testing::MockResponse::text(std::string(200'000, 'n'));
    cut.truncate_at = 100'000;  // the connection drops mid-body
    answer_content_with(cut);
    expect_old_file_kept("truncated body");
    testing::MockResponse dropped;
    dropped.drop = true;
    answer_content_with(dropped);
    expect_old_file_kept("dropped connection");
}

TEST_F(SafeLiveResponseFiles, AFailedCommandLeavesTheOldFile) {
    std::ofstream(out / "nope.txt") << "old";
    EXPECT_THROW(lr().get_file("C:\\nope.txt", out / "nope.txt"), LiveResponseError);
    EXPECT_THROW(lr().get_file_into("C:\\nope.txt", out), LiveResponseError);
    EXPECT_EQ(read(out / "nope.txt"), "old");  // cbapi-cpp 1.0 truncated it, then removed it
    EXPECT_EQ(tree(), (std::vector<std::string>{"out", "out/nope.txt"}));
}

// A 302 (a proxy or an expired login sending the browser elsewhere) or any other non-2xx reply to the file-content
// request is not the file. (With the connection change of issue 17 item 4 no byte of it reaches the sink at all.)
TEST_F(SafeLiveResponseFiles, ARedirectOrErrorReplyIsNeverWrittenToTheFile) {
    std::ofstream(out / "win.ini") << "old";
    testing::MockResponse redirect = testing::MockResponse::text("<html><body>Moved: log in again</body></html>", 302);
    redirect.headers.set("Location", "/login");
    redirect.headers.set("Content-Type", "text/html");
    answer_content_with(redirect);
    expect_old_file_kept("302");
    answer_content_with(testing::MockResponse::text("<html>forbidden</html>", 403));
    expect_old_file_kept("403");
}

}  // namespace
}  // namespace cbapi
