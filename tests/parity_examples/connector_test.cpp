// The Cb Protection analysis connectors against the simulator and the VirusTotal stand-in on one loopback server,
// and dump_all_binaries against a server whose binaries have their real MD5: the programs run for real; the tests
// check what they printed and wrote and what the servers received.
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cbapi/testing/mock_server.hpp"
#include "cbapi/testing/simulators.hpp"
#include "support/file_helpers.hpp"
#include "support/run_program.hpp"
#include "support/zip_writer.hpp"

namespace cbapi {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;

fs::path test_dir() {
    const char* tmp = std::getenv("CBAPI_TEST_TMP");
    fs::path dir = fs::path(tmp ? tmp : fs::temp_directory_path().string()) /
                   ("parity-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

std::vector<testing::RecordedRequest> requests_to(const testing::MockServer& server, const std::string& method,
                                                  const std::string& path_part) {
    std::vector<testing::RecordedRequest> out;
    for (const auto& r : server.requests())
        if (r.method == method && r.path.find(path_part) != std::string::npos) out.push_back(r);
    return out;
}

#ifdef CBAPI_VIRUS_TOTAL_CONNECTOR

class VirusTotalConnectorTest : public ::testing::Test {
protected:
    testing::MockServer server;
    fs::path dir = test_dir();

    void start(double stand_in_rate) {
        testing::SimulatorOptions options;
        options.virustotal.api_key = "vt-test-key";
        options.virustotal.requests_per_minute = stand_in_rate;
        testing::install_simulators(server, options);
    }
    // Runs the connector with an INI file of `bridge` lines (vt_url added); stderr is in the output.
    test::ProgramRun run(const std::string& bridge, long long polls) {
        const fs::path ini = dir / "virustotal.ini";
        test::write_file(ini, "# test configuration\n[bridge]\nvt_url = " + server.url() + "/vtapi/v2\n" + bridge);
        return test::run_program(test::shell_quote(CBAPI_VIRUS_TOTAL_CONNECTOR) + " --cburl " +
                                 test::shell_quote(server.url()) + " --apitoken " + test::shell_quote(server.token()) +
                                 " -c " + test::shell_quote(ini.string()) + " --interval 0 --max-polls " +
                                 std::to_string(polls) + " 2>&1");
    }
};

// Three files: one VirusTotal knows (reported at once), one it does not that the agent uploaded (sent to VirusTotal,
// queued there, then reported clean), one not uploaded yet (waits). Requests are spaced as configured, so the
// stand-in, which enforces the same rate, never answers 204.
TEST_F(VirusTotalConnectorTest, ReportsKnownFilesUploadsUnknownOnesAndChecksBack) {
    start(600);
    const auto result = run("vt_api_key = vt-test-key\nupload_binaries_to_vt = true\nvt_requests_per_minute = 600\n"
                            "recheck_minutes = 0\nvt_rate_limit_wait = 0.5\n",
                            3);
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_THAT(result.output, HasSubstr("    vt_api_key          : <redacted>"));
    EXPECT_THAT(result.output, Not(HasSubstr("vt-test-key")));  // the key is never logged
    EXPECT_THAT(result.output, Not(HasSubstr("rate limit reached")));
    EXPECT_THAT(result.output, ::testing::ContainsRegex(
                                   "VT analysis for [0-9A-F]{32} completed\\. VT result is 20% malware \\(Trojan\\.Sim\\.1; "
                                   "Trojan\\.Sim\\.2; Trojan\\.Sim\\.3; Trojan\\.Sim\\.4\\.\\.\\.\\)\\. Reporting status: "
                                   "potential_risk_file"));
    EXPECT_THAT(result.output, HasSubstr("VirusTotal has no information on this hash. Uploading the file"));
    EXPECT_THAT(result.output, HasSubstr("VirusTotal has no information on this hash. Waiting for agent to upload it."));
    EXPECT_THAT(result.output, ::testing::ContainsRegex("VT result is 0% malware \\(\\)\\. Reporting status: clean_file"));

    const auto connectors = requests_to(server, "POST", "/api/bit9platform/v1/connector");
    ASSERT_EQ(connectors.size(), 1u);
    EXPECT_EQ(connectors[0].json()["name"], "VirusTotal");
    const auto notifications = requests_to(server, "POST", "/api/bit9platform/v1/notification");
    ASSERT_EQ(notifications.size(), 2u);
    const json risky = notifications[0].json(), clean = notifications[1].json();
    EXPECT_EQ(risky["analysisResult"], 2);
    EXPECT_EQ(risky["severity"], "high");
    EXPECT_EQ(risky["type"], "potential_risk_file");
    EXPECT_EQ(risky["product"], "VirusTotal");
    EXPECT_EQ(risky["malwareType"], "Engine01:Trojan.Sim.1; Engine02:Trojan.Sim.2; Engine03:Trojan.Sim.3; "
                                    "Engine04:Trojan.Sim.4...");
    EXPECT_THAT(risky["externalUrl"].get<std::string>(), HasSubstr("https://www.virustotal.com/file/"));
    EXPECT_EQ(clean["analysisResult"], 1);
    EXPECT_EQ(clean["type"], "clean_file");

    // The upload: the file the server holds (the member of its ZIP), with the key as a parameter.
    const auto uploads = requests_to(server, "POST", "/vtapi/v2/file/scan");
    ASSERT_EQ(uploads.size(), 1u);
    EXPECT_EQ(uploads[0].param("apikey"), "vt-test-key");
    EXPECT_THAT(uploads[0].body, HasSubstr("simulated file content of /api/bit9platform/v1/pendingAnalysis/"));
    // Submitted after the upload, then each reported analysis marked done with its result.
    std::vector<std::pair<long long, long long>> statuses;
    for (const auto& put : requests_to(server, "PUT", "/api/bit9platform/v1/pendingAnalysis/"))
        statuses.emplace_back(put.json()["analysisStatus"].get<long long>(), put.json().value("analysisResult", 0LL));
    EXPECT_EQ(statuses, (std::vector<std::pair<long long, long long>>{{3, 2}, {1, 0}, {3, 1}}));
    // One report request per file and poll, plus the check-backs by scan id: 3 + 2 + 2.
    const auto reports = requests_to(server, "GET", "/vtapi/v2/file/report");
    EXPECT_EQ(reports.size(), 7u);
    EXPECT_THAT(reports[3].param("resource").value_or(""), ::testing::EndsWith("-1502280000"));
}

// A connector configured faster than the service allows gets 204 ("rate limit exceeded"), waits and asks again;
// without uploads, the files VirusTotal does not know are cancelled.
TEST_F(VirusTotalConnectorTest, WaitsAndRetriesWhenRateLimitedAndCancelsWithoutUploads) {
    start(300);  // one request per 200 ms
    const auto result = run("vt_api_key = vt-test-key\nvt_requests_per_minute = 60000\nvt_rate_limit_wait = 0.25\n", 1);
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_THAT(result.output, HasSubstr("VirusTotal API rate limit reached, sleeping for 0.25 seconds"));
    EXPECT_THAT(result.output, HasSubstr("Reporting status: potential_risk_file"));
    EXPECT_THAT(result.output,
                HasSubstr("VirusTotal has no information and we aren't allowed to upload it. Cancelling the analysis"));
    EXPECT_TRUE(requests_to(server, "POST", "/vtapi/v2/file/scan").empty());
    std::vector<long long> statuses;
    for (const auto& put : requests_to(server, "PUT", "/api/bit9platform/v1/pendingAnalysis/"))
        statuses.push_back(put.json()["analysisStatus"].get<long long>());
    EXPECT_EQ(statuses, (std::vector<long long>{3, 5, 5}));
}

TEST_F(VirusTotalConnectorTest, RefusesToStartWithoutAnApiKey) {
    start(0);
    const auto result = run("upload_binaries_to_vt = true\n", 1);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_THAT(result.output, HasSubstr("CRITICAL:Cannot start without a valid VirusTotal API key, exiting"));
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(VirusTotalConnectorTest, ReportsABadConfiguration) {
    start(0);
    auto result = run("vt_api_key = k\nupload_binaries_to_vt = maybe\n", 1);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_THAT(result.output, HasSubstr("error: Configuration: upload_binaries_to_vt must be true or false, not 'maybe'"));
    result = test::run_program(test::shell_quote(CBAPI_VIRUS_TOTAL_CONNECTOR) + " --cburl " +
                               test::shell_quote(server.url()) + " --apitoken t -c " +
                               test::shell_quote((dir / "missing.ini").string()) + " 2>&1");
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_THAT(result.output, HasSubstr("error: Cannot read the configuration file"));
    EXPECT_EQ(server.request_count(), 0u);
}

// A wrong key: VirusTotal answers 403; the analysis fails (logged), the connector goes on and exits 1 at the end.
TEST_F(VirusTotalConnectorTest, AWrongApiKeyFailsEachAnalysis) {
    start(0);
    const auto result = run("vt_api_key = not-the-key\n", 1);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_THAT(result.output, HasSubstr("ERROR:Pending analysis "));
    EXPECT_THAT(result.output, HasSubstr("403"));
    EXPECT_THAT(result.output, Not(HasSubstr("not-the-key")));
    EXPECT_TRUE(requests_to(server, "POST", "/api/bit9platform/v1/notification").empty());
}

#endif  // CBAPI_VIRUS_TOTAL_CONNECTOR

#ifdef CBAPI_DUMP_ALL_BINARIES

// A server whose binaries have the MD5 of their content (one of them served corrupt): the first run downloads and
// verifies, the second skips what is complete and only fetches what is missing or was wrong.
class DumpAllBinariesTest : public ::testing::Test {
protected:
    testing::MockServer server;
    fs::path dir = test_dir();
    std::vector<std::pair<std::string, std::string>> binaries = {
        {"5D41402ABC4B2A76B9719D911017C592", "hello"},             // MD5("hello")
        {"7D793037A0760186574B0282F2F435E7", "world"},             // MD5("world")
        {"0CC175B9C0F1B6A831C399E269772661", "not the letter a"},  // MD5("a"): served content does not match
    };
    bool corrupt = true;

    void SetUp() override {
        testing::install_response_info(server);
        server.on("GET", "/api/v1/binary", [this](const testing::RecordedRequest& r) {
            json results = json::array();
            for (const auto& [md5, content] : binaries)
                results.push_back({{"md5", md5}, {"orig_mod_len", content.size()}, {"copied_mod_len", content.size()}});
            const bool count = r.param("rows") == std::optional<std::string>("0");
            return testing::MockResponse::json({{"results", count ? json::array() : results},
                                                {"total_results", binaries.size()},
                                                {"start", 0},
                                                {"facets", json::object()}});
        });
        server.on("GET", "/api/v1/binary/[0-9A-F]{32}", [this](const testing::RecordedRequest& r) {
            const std::string md5 = r.path.substr(15);
            for (const auto& [m, content] : binaries)
                if (m == md5) {
                    const std::string data = m.front() == '0' && !corrupt ? "a" : content;
                    return testing::MockResponse::text(test::zip_archive({test::stored_member("filedata", data)}));
                }
            return testing::MockResponse::json({{"reason", "no such binary"}}, 404);
        });
    }
    test::ProgramRun run() {
        return test::run_program(test::shell_quote(CBAPI_DUMP_ALL_BINARIES) + " --cburl " +
                                 test::shell_quote(server.url()) + " --apitoken " + test::shell_quote(server.token()) +
                                 " -d " + test::shell_quote(dir.string()) + " 2>&1");
    }
};

TEST_F(DumpAllBinariesTest, VerifiesEachDownloadAndResumes) {
    auto result = run();
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_THAT(result.output, HasSubstr("[1/3] Grabbed 5D41402ABC4B2A76B9719D911017C592 binary & process document"));
    EXPECT_THAT(result.output, HasSubstr("[2/3] Grabbed 7D793037A0760186574B0282F2F435E7 binary & process document"));
    EXPECT_THAT(result.output, HasSubstr("[3/3] ERROR: Could not grab 0CC175B9C0F1B6A831C399E269772661: checksum "
                                         "mismatch: the downloaded file's MD5 is "));
    EXPECT_THAT(result.output, HasSubstr("3 binaries: 2 downloaded, 0 already present, 1 failed"));
    EXPECT_EQ(test::read_file(dir / "5D4" / "140" / "5D41402ABC4B2A76B9719D911017C592"), "hello");
    EXPECT_EQ(json::parse(test::read_file(dir / "5D4" / "140" / "5D41402ABC4B2A76B9719D911017C592.json"))["md5"],
              "5D41402ABC4B2A76B9719D911017C592");
    EXPECT_EQ(test::names_in(dir / "0CC" / "175"), std::set<std::string>{});  // nothing kept of the bad download

    // A file damaged on disk since is fetched again; the complete ones are not.
    test::write_file(dir / "7D7" / "930" / "7D793037A0760186574B0282F2F435E7", "worle");
    corrupt = false;
    server.clear_requests();
    result = run();
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_THAT(result.output, HasSubstr("[1/3] already have 5D41402ABC4B2A76B9719D911017C592"));
    EXPECT_THAT(result.output, HasSubstr("3 binaries: 2 downloaded, 1 already present, 0 failed"));
    EXPECT_TRUE(requests_to(server, "GET", "/api/v1/binary/5D41402ABC4B2A76B9719D911017C592").empty());
    EXPECT_EQ(requests_to(server, "GET", "/api/v1/binary/7D793037A0760186574B0282F2F435E7").size(), 1u);
    EXPECT_EQ(test::read_file(dir / "7D7" / "930" / "7D793037A0760186574B0282F2F435E7"), "world");
    EXPECT_EQ(test::read_file(dir / "0CC" / "175" / "0CC175B9C0F1B6A831C399E269772661"), "a");
}

// A symbolic link planted where a subdirectory goes is refused, not followed.
TEST_F(DumpAllBinariesTest, RefusesASymbolicLinkInTheTree) {
    const fs::path elsewhere = dir / "elsewhere";
    fs::create_directories(elsewhere);
    fs::create_directory_symlink(elsewhere, dir / "5D4");
    const auto result = run();
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_THAT(result.output, HasSubstr("[1/3] ERROR: Could not grab 5D41402ABC4B2A76B9719D911017C592: Refusing to "
                                         "use '" + (dir / "5D4").string() + "': it is a symbolic link"));
    EXPECT_THAT(result.output, HasSubstr("[2/3] Grabbed 7D793037A0760186574B0282F2F435E7"));  // the others go on
    EXPECT_TRUE(test::names_in(elsewhere).empty());
}

#endif  // CBAPI_DUMP_ALL_BINARIES

}  // namespace
}  // namespace cbapi
