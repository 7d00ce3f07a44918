// event_export run against a server with the Cb Response simulator: the CSV it writes (every child-process record
// the events API returns, with the command lines cbapi-python would print) and the requests it made.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cbapi/testing/mock_server.hpp"
#include "cbapi/testing/simulators.hpp"
#include "support/run_program.hpp"

#if defined(CBAPI_EVENT_EXPORT)

namespace cbapi {
namespace {

// The root process of the first simulated host: services.exe with 17 svchost.exe children and explorer.exe, so the
// summary (15 children unless more are asked) lists fewer children than the events API.
const std::string kRoot = "00000001-0000-047c-01d3-10e57fb50000";

std::vector<std::string> lines_of(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::vector<std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        out.push_back(line);
    }
    return out;
}

TEST(EventExportExample, WritesEveryChildProcessRecordWithItsCommandLine) {
    testing::MockServer server;
    testing::install_simulators(server);
    const char* base = std::getenv("CBAPI_TEST_TMP");
    const auto dir = std::filesystem::path(base ? base : std::filesystem::temp_directory_path().string()) /
                     ("event-export-" + std::to_string(server.port()));
    std::filesystem::create_directories(dir);
    const auto run = test::run_program(test::shell_quote(CBAPI_EVENT_EXPORT) + " --cburl " + server.url() +
                                       " --apitoken " + test::shell_quote(server.token()) + " --processid " + kRoot +
                                       " --directory " + test::shell_quote(dir.string()) + " 2>/dev/null");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const auto rows = lines_of(dir / (kRoot + ".csv"));
    std::filesystem::remove_all(dir);

    std::size_t childprocs = 0, svchosts = 0, explorers = 0;
    for (const auto& row : rows) {
        if (row.find(",childproc,") == std::string::npos) continue;
        ++childprocs;
        svchosts += row.find(R"(,c:\windows\system32\svchost.exe,"""c:\windows\system32\svchost.exe"" -k netsvcs")") !=
                    std::string::npos;
        explorers += row.find(R"(,c:\windows\explorer.exe,"""c:\windows\explorer.exe""")") != std::string::npos;
    }
    EXPECT_EQ(childprocs, 18u);  // was 15: the summary's cut
    EXPECT_EQ(svchosts, 17u);    // every row has the child's command line, also those the summary did not list
    EXPECT_EQ(explorers, 1u);
    EXPECT_NE(run.output.find(std::to_string(rows.size() - 1) + " events out of " + std::to_string(rows.size() - 1) +
                              " total events exported"),
              std::string::npos)
        << run.output;

    // One summary of the process (the server's default cut: no children=), one event call, and one summary of each
    // child the summary did not list (for its command line, as cbapi-python's event.process.cmdline).
    std::size_t own_summaries = 0, child_summaries = 0;
    for (const auto& r : server.requests()) {
        if (r.path == "/api/v1/process/" + kRoot + "/0") {
            ++own_summaries;
            EXPECT_FALSE(r.param("children")) << r.query;
        } else if (r.path.rfind("/api/v1/process/", 0) == 0 && r.path.size() > 2 &&
                   r.path.compare(r.path.size() - 2, 2, "/0") == 0) {
            ++child_summaries;
        }
    }
    EXPECT_EQ(own_summaries, 1u);
    EXPECT_EQ(child_summaries, 3u);
}

}  // namespace
}  // namespace cbapi

#endif
