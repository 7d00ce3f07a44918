// Processes and binaries against the bundled simulator (real loopback HTTP), in 6.1 and 5.1 modes.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <utility>
#include <variant>
#include <vector>

#include "cbapi/response/process.hpp"
#include "cbapi/testing/response_process_simulator.hpp"
#include "support/response_fakes.hpp"
#include "support/zip_writer.hpp"

namespace cbapi::response {
namespace {

using nlohmann::json;

class Simulated : public ::testing::Test {
protected:
    CbResponseAPI& start(const std::string& version = "6.1.0.180806.1200") {
        options.server_version = version;
        testing::install_response_info(server, options);
        testing::install_response_process_simulator(server, options);
        cb.emplace(test::response_api(server, sleeper));
        return *cb;
    }
    std::size_t count(const std::string& path) const { return test::requests_to(server, path).size(); }
    static std::string tmp(const std::string& name) {
        const char* dir = std::getenv("CBAPI_TEST_TMP");
        const std::string base = dir != nullptr ? dir : "/tmp";
        std::filesystem::create_directories(base);
        return base + "/" + name;
    }
    static bool exists(const std::string& path) { return std::ifstream(path).good(); }

    testing::MockServer server;
    test::RecordingSleeper sleeper;
    testing::ResponseSimulatorOptions options;
    std::optional<CbResponseAPI> cb;
};

TEST_F(Simulated, SearchGivesOneRowPerSegmentUnlessGroupedById) {
    auto& api = start();
    const auto q = api.select<Process>().where("process_name:powershell.exe");
    const std::size_t segments = q.size();
    const std::size_t processes = q.group_by("id").size();
    ASSERT_GT(processes, 0u);
    EXPECT_EQ(segments, 3 * processes);
    std::set<std::string> ids;
    for (const Process& p : q.group_by("id").batch_size(2)) {
        EXPECT_EQ(p.process_name(), "powershell.exe");
        EXPECT_TRUE(ids.insert(p.guid()).second);
    }
    EXPECT_EQ(ids.size(), processes);
}

TEST_F(Simulated, TimeFiltersLimitTheSearchOn61) {
    auto& api = start();
    const auto all = api.select<Process>().size();
    EXPECT_EQ(api.select<Process>().min_last_update(parse_cb_time("2030-01-01T00:00:00Z")).size(), 0u);
    EXPECT_EQ(api.select<Process>().max_last_server_update(parse_cb_time("2030-01-01T00:00:00Z")).size(), all);
    const auto recent = api.select<Process>().min_last_server_update(parse_cb_time("2017-08-09T08:30:00Z")).size();
    EXPECT_GT(recent, 0u);
    EXPECT_LT(recent, all);
}

TEST_F(Simulated, FiveOneServerIgnoresGroupingAndServesV2Events) {
    auto& api = start("5.1.1.60603");
    const auto q = api.select<Process>().where("process_name:powershell.exe");
    EXPECT_EQ(q.group_by("id").size(), q.size());  // group_by is a no-op before 6.0
    const Process first = *q.begin();
    EXPECT_GE(first.segment(), 1);
    ASSERT_FALSE(first.netconns().empty());
    EXPECT_EQ(first.netconns()[0].version, 2);
    EXPECT_EQ(server.requests().back().path, "/api/v2/process/" + first.guid() + "/" + std::to_string(first.segment()) + "/event");
    const Process whole = api.select<Process>(first.guid());
    EXPECT_EQ(whole.segments(), (std::vector<long long>{1, 2, 3}));
    EXPECT_EQ(count("/api/v1/process/" + first.guid() + "/segment"), 0u);
    std::size_t expected = 0;
    for (long long s : whole.segments()) {
        const auto& e = whole.events(s);
        expected += e.modloads.size() + e.netconns.size() + e.regmods.size() + e.crossprocs.size() + e.filemods.size() +
                    e.childprocs.size();
    }
    (void)whole.children();  // the summary (all_events() adds the summary's child documents to the records)
    const auto before = server.request_count();
    EXPECT_EQ(whole.all_events().size(), expected);
    EXPECT_EQ(server.request_count(), before);  // segments, events and summary were all cached
}

TEST_F(Simulated, SegmentZeroOn61ReturnsTheEventsOfEverySegment) {
    auto& api = start();
    const Process row = *api.select<Process>().where("process_name:powershell.exe").group_by("id").begin();
    const Process whole = api.select<Process>(row.guid());
    const auto segments = whole.segments();
    ASSERT_EQ(segments.size(), 3u);
    std::size_t per_segment = 0;
    for (long long s : segments) per_segment += whole.events(s).modloads.size() + whole.events(s).netconns.size();
    server.clear_requests();
    const auto& all = whole.events();
    EXPECT_EQ(all.modloads.size() + all.netconns.size(), per_segment);
    EXPECT_EQ(count("/api/v4/process/" + row.guid() + "/0/event"), 1u);
    EXPECT_EQ(all.childprocs.size(), 1u);  // the suppressed child
    EXPECT_TRUE(all.childprocs[0].is_suppressed);
    EXPECT_TRUE(whole.childproc_process(all.childprocs[0]).suppressed());
    ASSERT_FALSE(all.crossprocs.empty());
    EXPECT_EQ(all.crossprocs[0].source_procguid, row.guid());
    EXPECT_EQ(all.crossprocs[0].target_path.substr(all.crossprocs[0].target_path.size() - 12), "explorer.exe");
}

TEST_F(Simulated, SummaryListsFifteenChildrenUnlessMoreAreAsked) {
    auto& api = start();
    const Process root = *api.select<Process>().where("process_name:services.exe sensor_id:1").begin();
    EXPECT_EQ(root.children().size(), 15u);
    EXPECT_FALSE(root.parent());
    Process more = api.select<Process>(root.guid());
    more.set_max_children(30);
    EXPECT_EQ(more.children().size(), 18u);  // 17 services and explorer.exe
    std::size_t descendants = 0;
    std::size_t suppressed = 0;
    more.walk_children([&](const Process& p, int) {
        ++descendants;
        suppressed += p.suppressed() ? 1u : 0u;
    });
    EXPECT_EQ(descendants, 18u + 7u);
    EXPECT_EQ(suppressed, 1u);
    const Process powershell = *api.select<Process>().where("process_name:powershell.exe sensor_id:1").begin();
    EXPECT_EQ(powershell.parents().size(), 2u);
    EXPECT_EQ(powershell.depth(), 2);
    EXPECT_EQ(powershell.siblings().size(), 2u);
}

TEST_F(Simulated, AllEventsKeepsEveryChildRecordThatTheSummaryCutsAtFifteen) {
    auto& api = start();
    const Process root = *api.select<Process>().where("process_name:services.exe sensor_id:1").group_by("id").begin();
    const Process whole = api.select<Process>(root.guid());
    std::size_t records = 0;
    for (const auto& e : whole.all_events()) records += std::holds_alternative<ChildProcEvent>(e) ? 1u : 0u;
    EXPECT_EQ(whole.children().size(), 15u);  // the summary's default cut
    EXPECT_EQ(records, 18u);                  // 17 services and explorer.exe, none ended
    const auto summaries = test::requests_to(server, "/api/v1/process/" + root.guid() + "/0");
    ASSERT_EQ(summaries.size(), 1u);
    EXPECT_FALSE(summaries[0].param("children"));

    // A process whose children ended (cmd.exe runs net.exe and ping.exe): a start and an end record per child.
    const Process shell = *api.select<Process>().where("process_name:cmd.exe sensor_id:1").group_by("id").begin();
    const Process shell_whole = api.select<Process>(shell.guid());
    std::size_t starts = 0, ends = 0, per_segment = 0;
    for (const auto& e : shell_whole.all_events()) {
        if (const auto* c = std::get_if<ChildProcEvent>(&e)) (c->terminated ? ends : starts) += 1;
    }
    for (long long s : shell_whole.segments()) per_segment += shell_whole.events(s).childprocs.size();
    EXPECT_EQ(shell_whole.children().size(), 2u);
    EXPECT_EQ(starts, 2u);
    EXPECT_EQ(ends, 2u);
    EXPECT_EQ(starts + ends, per_segment);
}

TEST_F(Simulated, FacetsCountChildNames) {
    auto& api = start();
    const auto facets = api.select<Process>().where("parent_name:explorer.exe").facets({"process_name"});
    ASSERT_EQ(facets.count("process_name"), 1u);
    bool chrome = false;
    for (const auto& f : facets.at("process_name")) chrome = chrome || (f.name == "chrome.exe" && f.value > 0 && f.ratio > 0);
    EXPECT_TRUE(chrome);
}

// --- Binary ---------------------------------------------------------------------------------------------------------

TEST_F(Simulated, IsSignedOnlyForSignedAndNeverCrashesWithoutDigsig) {
    auto& api = start();
    std::size_t signed_count = 0, unknown = 0, absent = 0, unsigned_count = 0;
    for (const Binary& b : api.select<Binary>()) {
        const std::string result = b.digsig_result();
        if (result == "Signed") {
            EXPECT_TRUE(b.is_signed());
            EXPECT_FALSE(b.signing_data().publisher.empty());
            EXPECT_TRUE(b.signing_data().sign_time);
            ++signed_count;
        } else {
            EXPECT_FALSE(b.is_signed()) << result;
            unknown += result == "(Unknown)" ? 1u : 0u;
            absent += result.empty() ? 1u : 0u;
            unsigned_count += result == "Unsigned" ? 1u : 0u;
        }
    }
    EXPECT_GT(signed_count, 0u);
    EXPECT_GT(unknown, 0u);
    EXPECT_GT(absent, 0u);
    EXPECT_GT(unsigned_count, 0u);
}

TEST_F(Simulated, BinaryFieldsFrequencyIconAndLinks) {
    auto& api = start();
    const Binary b = *api.select<Binary>().where("original_filename:payload.exe").begin();
    EXPECT_EQ(b.observed_filenames().size(), 1u);
    EXPECT_GT(b.size(), 0);
    EXPECT_EQ(b.copied_size(), b.size());
    EXPECT_EQ(b.virustotal().score, 12);
    EXPECT_EQ(b.webui_link(), server.url() + "/#binary/" + b.md5());
    EXPECT_FALSE(b.endpoints().empty());
    const Binary cmd = *api.select<Binary>().where("original_filename:cmd.exe").begin();
    const auto freq = cmd.frequency();
    EXPECT_GT(freq.computer_count, 0);
    EXPECT_GT(freq.process_count, 0);
    EXPECT_GT(freq.all_process_count, freq.process_count);
    EXPECT_DOUBLE_EQ(freq.module_frequency, static_cast<double>(freq.process_count) / static_cast<double>(freq.all_process_count));
    cmd.frequency();
    EXPECT_EQ(count("/api/v1/process/host/count"), 1u);  // cached
    EXPECT_EQ(test::requests_to(server, "/api/v1/process/host/count").front().query,
              "cb.freqver=1&md5=" + cmd.md5() + "&name=md5");
    const Binary summary = api.fetch<Binary>(b.md5());
    EXPECT_EQ(summary.icon(), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_EQ(summary.fetch_icon().substr(0, 4), "\x89PNG");
    EXPECT_EQ(summary.version_info().original_filename, "payload.exe");
}

TEST_F(Simulated, FileIsStreamedToDiskFromStoredAndDeflatedZips) {
    auto& api = start();
    int done = 0;
    for (const Binary& b : api.select<Binary>().where("os_type:Windows")) {
        if (b.copied_size() == 0) continue;
        const std::string path = tmp("binary-" + b.md5());
        EXPECT_EQ(b.file(path), static_cast<std::uint64_t>(b.size()));
        std::ifstream in(path, std::ios::binary);
        std::stringstream content;
        content << in.rdbuf();
        EXPECT_EQ(content.str().size(), static_cast<std::size_t>(b.size()));
        EXPECT_EQ(content.str().substr(0, 2), "MZ");
        EXPECT_FALSE(exists(path + ".zip.part"));
        std::remove(path.c_str());
        if (++done == 4) break;  // the simulator alternates stored and deflated archives
    }
    EXPECT_EQ(done, 4);
}

TEST_F(Simulated, FileIntoNamesTheFileAfterServerDataWithoutLeavingTheDirectory) {
    auto& api = start();
    Binary b = *api.select<Binary>().where("os_type:Windows AND digsig_result:Signed").begin();
    const std::filesystem::path dir = tmp("file-into");
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);

    EXPECT_EQ(b.file_into(dir), dir / b.md5());
    EXPECT_EQ(std::filesystem::file_size(dir / b.md5()), static_cast<std::uintmax_t>(b.size()));

    // A hostile server's names: only the last component is used, characters Windows refuses become '_'.
    const std::vector<std::pair<std::string, std::string>> names = {
        {"..\\..\\..\\evil.exe", "evil.exe"},
        {"../../etc/passwd", "passwd"},
        {"/etc/cron.d/job", "job"},
        {"C:\\Windows\\System32\\a:b?.dll", "a_b_.dll"},
        {std::string("tab\tnul\0.exe", 12), "tab_nul_.exe"},
    };
    for (const auto& [server_name, expected] : names) {
        Binary hostile(api.handle(), {{"md5", b.md5()}, {"original_filename", server_name}}, true);
        EXPECT_EQ(hostile.file_into(dir, Binary::FileName::original_filename), dir / expected) << server_name;
    }
    for (const std::string bad : {"..", ".", "C:\\tmp\\..", "/"}) {
        Binary hostile(api.handle(), {{"md5", b.md5()}, {"original_filename", bad}}, true);
        EXPECT_THROW(hostile.file_into(dir, Binary::FileName::original_filename), ApiError) << bad;
    }
    // Without an original file name, the first observed one; without either, the MD5.
    Binary observed(api.handle(), {{"md5", b.md5()}, {"observed_filename", {"c:\\temp\\seen.exe"}}}, true);
    EXPECT_EQ(observed.file_into(dir, Binary::FileName::original_filename), dir / "seen.exe");
    Binary bare(api.handle(), {{"md5", b.md5()}}, true);
    EXPECT_EQ(bare.file_into(dir, Binary::FileName::original_filename), dir / b.md5());

    std::size_t files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) files += entry.is_regular_file();
    EXPECT_EQ(files, 7u);  // everything landed in `dir`, nothing elsewhere
    std::filesystem::remove_all(dir);
}

TEST_F(Simulated, FileOfABinaryTheServerLacksIsNotFound) {
    auto& api = start();
    const Binary b = *api.select<Binary>().where("digsig_result:\"(Unknown)\"").begin();
    const std::string path = tmp("missing-binary");
    EXPECT_THROW(b.file(path), ObjectNotFoundError);
    EXPECT_FALSE(exists(path + ".zip.part"));
}

TEST_F(Simulated, ACorruptZipIsAClearErrorAndLeavesNoFiles) {
    auto& api = start();
    const std::string md5 = "0123456789ABCDEF0123456789ABCDEF";
    server.enqueue("GET", "/api/v1/binary/" + md5, testing::MockResponse::text("this is not a zip"));
    const std::string path = tmp("corrupt-binary");
    try {
        api.select<Binary>(md5).file(path);
        FAIL() << "no error";
    } catch (const ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("not a zip archive"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(exists(path));
    EXPECT_FALSE(exists(path + ".zip.part"));
}

TEST_F(Simulated, BannedReadsTheBanningRecord) {
    auto& api = start();
    const std::string md5 = "0123456789ABCDEF0123456789ABCDEF";
    const std::string url = "/api/v1/banning/blacklist/0123456789abcdef0123456789abcdef";
    const auto b = api.select<Binary>(md5);
    server.enqueue("GET", url, testing::MockResponse::json({{"md5hash", "0123456789abcdef0123456789abcdef"}, {"enabled", true}}));
    EXPECT_TRUE(b.banned());
    server.enqueue("GET", url, testing::MockResponse::json({{"md5hash", "x"}, {"enabled", false}}));
    EXPECT_FALSE(b.banned());
    server.enqueue("GET", url, testing::MockResponse::json({{"md5hash", "x"}, {"enabled", false}}));
    EXPECT_TRUE(b.ban_record());
    server.enqueue("GET", url, testing::MockResponse::json({{"error", "not found"}}, 404));
    EXPECT_FALSE(b.banned());
    server.enqueue("GET", url, testing::MockResponse::json({{"error", "conflict"}}, 409));
    EXPECT_FALSE(b.banned());
    server.enqueue("GET", url, testing::MockResponse::json({{"error", "boom"}}, 500));
    EXPECT_THROW(b.banned(), ServerError);  // cbapi-python returned None here
    EXPECT_EQ(count(url), 6u);
}

TEST_F(Simulated, InvalidMd5IsRejected) {
    auto& api = start();
    try {
        (void)api.select<Binary>("abc");
        FAIL() << "no error";
    } catch (const ApiError& e) {
        EXPECT_STREQ(e.what(), "MD5sum ABC is not valid");
    }
}

// --- files the SDK writes: never through a link, never partial, the old file kept on any failure -----------------

class SafeBinaryFiles : public Simulated {
protected:
    const std::string md5 = "0123456789ABCDEF0123456789ABCDEF";
    const std::string url = "/api/v1/binary/" + md5;
    std::filesystem::path dir;

    void SetUp() override {
        dir = tmp(std::string("safe-binary-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir / "out");
    }
    void TearDown() override { std::filesystem::remove_all(dir); }
    static std::string read(const std::filesystem::path& p) {
        std::ifstream in(p, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    static void write(const std::filesystem::path& p, const std::string& text) {
        std::ofstream(p, std::ios::binary) << text;
    }
    std::set<std::string> names() const {
        std::set<std::string> out;
        for (const auto& e : std::filesystem::directory_iterator(dir / "out")) out.insert(e.path().filename().string());
        return out;
    }
    // `binary.exe` holds "old content"; downloading into it must fail with an ApiError and change nothing.
    void expect_old_file_kept(const std::string& what) {
        const auto target = dir / "out" / "binary.exe";
        try {
            cb->select<Binary>(md5).file(target.string());
            ADD_FAILURE() << what << ": no error";
        } catch (const ApiError& e) {
            SCOPED_TRACE(e.what());
        }
        EXPECT_EQ(read(target), "old content") << what;
        EXPECT_EQ(names(), std::set<std::string>{"binary.exe"}) << what;  // no temporary, no .zip.part
    }
    static std::string zip_of(const std::string& data) {
        return test::zip_archive({test::stored_member("metadata", "{}"), test::deflated_member("filedata", data)});
    }
};

TEST_F(SafeBinaryFiles, SymlinkAtTargetIsRefusedAndNothingIsWrittenThrough) {
    auto& api = start();
    Binary b = *api.select<Binary>().where("os_type:Windows AND digsig_result:Signed").begin();
    write(dir / "outside.exe", "keep me");
    std::filesystem::create_symlink(dir / "outside.exe", dir / "out" / b.md5());
    std::filesystem::create_symlink(dir / "outside.exe", dir / "out" / "link.zip");
    server.clear_requests();
    try {
        b.file_into(dir / "out");
        ADD_FAILURE() << "the link was followed";
    } catch (const ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("is a symbolic link"), std::string::npos) << e.what();
    }
    EXPECT_THROW(b.file((dir / "out" / b.md5()).string()), ApiError);
    EXPECT_THROW(b.download_zip((dir / "out" / "link.zip").string()), ApiError);
    EXPECT_EQ(count("/api/v1/binary/" + b.md5()), 0u);  // refused before anything was asked
    EXPECT_EQ(read(dir / "outside.exe"), "keep me");
    EXPECT_TRUE(std::filesystem::is_symlink(dir / "out" / b.md5()));
    EXPECT_EQ(names(), (std::set<std::string>{b.md5(), "link.zip"}));
}

TEST_F(SafeBinaryFiles, LinksAndFilesAtTheOldTemporaryNamesAreNeverUsed) {
    auto& api = start();
    Binary b = *api.select<Binary>().where("os_type:Windows AND digsig_result:Signed").begin();
    const auto target = dir / "out" / "payload.exe";
    write(dir / "outside.exe", "keep me");
    // cbapi-cpp 1.0 wrote the zip to `<path>.zip.part`: a link planted there sent the download anywhere.
    std::filesystem::create_symlink(dir / "outside.exe", dir / "out" / "payload.exe.zip.part");
    std::filesystem::create_symlink(dir / "outside.exe", dir / "out" / "payload.exe.tmp");
    write(dir / "out" / "payload.exe.part", "pre-existing");
    EXPECT_EQ(b.file(target.string()), static_cast<std::uint64_t>(b.size()));
    EXPECT_EQ(read(target).substr(0, 2), "MZ");
    EXPECT_EQ(read(dir / "outside.exe"), "keep me");
    EXPECT_EQ(read(dir / "out" / "payload.exe.part"), "pre-existing");
    EXPECT_EQ(names(), (std::set<std::string>{"payload.exe", "payload.exe.zip.part", "payload.exe.tmp",
                                              "payload.exe.part"}));
}

TEST_F(SafeBinaryFiles, ASuccessfulDownloadReplacesTheOldFileWithAPrivateOne) {
    start();
    write(dir / "out" / "binary.exe", "old content");
    server.enqueue("GET", url, testing::MockResponse::text(zip_of("MZ new binary")));
    EXPECT_EQ(cb->select<Binary>(md5).file((dir / "out" / "binary.exe").string()), 13u);
    EXPECT_EQ(read(dir / "out" / "binary.exe"), "MZ new binary");
    EXPECT_EQ(names(), std::set<std::string>{"binary.exe"});
    const auto perms = std::filesystem::status(dir / "out" / "binary.exe").permissions();
    EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
              std::filesystem::perms::none);
}

TEST_F(SafeBinaryFiles, ADownloadThatFailsMidwayLeavesTheOldFileAndNoTemporary) {
    start();
    write(dir / "out" / "binary.exe", "old content");
    const std::string zip = zip_of(std::string(300'000, 'x'));
    testing::MockResponse cut = testing::MockResponse::text(zip);
    cut.truncate_at = zip.size() / 2;  // the connection drops mid-body
    server.enqueue("GET", url, cut);
    expect_old_file_kept("truncated body");
    testing::MockResponse dropped;
    dropped.drop = true;
    for (int i = 0; i < 10; ++i) server.enqueue("GET", url, dropped);  // every retry too
    expect_old_file_kept("dropped connection");
}

TEST_F(SafeBinaryFiles, ARedirectOrErrorReplyIsNeverWrittenToTheFile) {
    start();
    write(dir / "out" / "binary.exe", "old content");
    testing::MockResponse redirect = testing::MockResponse::text("<html><body>Moved: log in again</body></html>", 302);
    redirect.headers.set("Location", "/login");
    redirect.headers.set("Content-Type", "text/html");
    server.enqueue("GET", url, redirect);
    expect_old_file_kept("302");
    server.enqueue("GET", url, testing::MockResponse::text("<html>forbidden</html>", 403));
    expect_old_file_kept("403");
    // A 302 whose body even is a valid zip: still not the file.
    redirect.body = zip_of("MZ from a redirect");
    server.enqueue("GET", url, redirect);
    expect_old_file_kept("302 with a zip body");
}

TEST_F(SafeBinaryFiles, ACrcFailureLeavesTheOldFile) {
    start();
    write(dir / "out" / "binary.exe", "old content");
    auto member = test::deflated_member("filedata", "MZ tampered");
    member.crc ^= 1;
    member.local_crc = member.crc;
    server.enqueue("GET", url, testing::MockResponse::text(test::zip_archive({member})));
    expect_old_file_kept("bad CRC");
}

TEST_F(SafeBinaryFiles, AZipBombStopsAtTheDeclaredSizeAndLeavesNothing) {
    start();
    write(dir / "out" / "binary.exe", "old content");
    // 18 bytes declared, 50 MB inside: cbapi-cpp 1.0 wrote all of it (3 GB in the reported case) before checking.
    server.enqueue("GET", url, testing::MockResponse::text(test::zip_archive({test::bomb_member("filedata", 50'000'000, 18)})));
    try {
        cb->select<Binary>(md5).file((dir / "out" / "binary.exe").string());
        ADD_FAILURE() << "no error";
    } catch (const ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("Zip member 'filedata' inflates to more than its declared 18 bytes"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_EQ(read(dir / "out" / "binary.exe"), "old content");
    EXPECT_EQ(names(), std::set<std::string>{"binary.exe"});
}

TEST_F(SafeBinaryFiles, MaxSizeCapsTheExtraction) {
    start();
    server.enqueue("GET", url, testing::MockResponse::text(zip_of(std::string(5000, 'x'))));
    try {
        cb->select<Binary>(md5).file((dir / "out" / "big.exe").string(), 1000);
        ADD_FAILURE() << "no error";
    } catch (const ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("declares 5000 bytes, more than the limit of 1000 bytes"), std::string::npos)
            << e.what();
    }
    EXPECT_TRUE(names().empty());
}

}  // namespace
}  // namespace cbapi::response
