// Processes on current servers (issue 23): parent_md5 on 6.x, all_*() across segments and process blocks
// (cbapi-python 1.3.5, 1.3.7, 1.7.4), against the simulator imitating 5.1, 5.2 and 6.1 servers.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "cbapi/response/process.hpp"
#include "cbapi/testing/response_process_simulator.hpp"
#include "support/response_fakes.hpp"

namespace cbapi::response {
namespace {

using nlohmann::json;
using testing::MockResponse;

class CurrentServers : public ::testing::Test {
protected:
    CbResponseAPI& start(const std::string& version) {
        options.server_version = version;
        testing::install_response_info(server, options);
        testing::install_response_process_simulator(server, options);
        cb.emplace(test::response_api(server, sleeper));
        return *cb;
    }
    std::size_t count(const std::string& path) const { return test::requests_to(server, path).size(); }
    // The simulated powershell process (3 segments, two blocked launches in two of them).
    Process script(CbResponseAPI& api) {
        return *api.select<Process>().where("process_name:powershell.exe sensor_id:1").group_by("id").begin();
    }

    testing::MockServer server;
    test::RecordingSleeper sleeper;
    testing::ResponseSimulatorOptions options;
    std::optional<CbResponseAPI> cb;
};

TEST_F(CurrentServers, ParentMd5On6xComesFromTheParentProcess) {
    auto& api = start("6.1.0.180806.1200");
    const Process row = script(api);
    ASSERT_FALSE(row.document().contains("parent_md5"));  // what a 6.x server sends
    server.clear_requests();
    const Process parent = *row.parent();
    const std::string md5 = row.parent_md5();
    EXPECT_EQ(md5.size(), 32u);
    EXPECT_EQ(md5, parent.process_md5());
    // One summary request gave both the parent's document and its MD5; nothing else was asked.
    EXPECT_EQ(count("/api/v1/process/" + row.guid() + "/0"), 1u);
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(CurrentServers, ParentMd5On5xIsTheDocumentsOwn) {
    auto& api = start("5.1.1.60603");
    const Process row = script(api);
    ASSERT_TRUE(row.document().contains("parent_md5"));
    server.clear_requests();
    EXPECT_EQ(row.parent_md5(), row.document()["parent_md5"].get<std::string>());
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(CurrentServers, ParentMd5OfARootIsEmpty) {
    auto& api = start("6.1.0.180806.1200");
    // services.exe is the root of the simulated tree.
    const Process root = *api.select<Process>().where("process_name:services.exe sensor_id:1").begin();
    ASSERT_FALSE(root.parent().has_value());
    EXPECT_EQ(root.parent_md5(), "");
}

TEST_F(CurrentServers, AllEventListsOn6xAskSegmentZeroOnce) {
    auto& api = start("6.1.0.180806.1200");
    const Process row = script(api);
    const long long own_segment = row.segment();
    const auto segments = row.segments();
    ASSERT_EQ(segments.size(), 3u);
    std::size_t netconns = 0, regmods = 0, modloads = 0, crossprocs = 0, blocks = 0;
    for (long long s : segments) {
        netconns += row.events(s).netconns.size();
        regmods += row.events(s).regmods.size();
        modloads += row.events(s).modloads.size();
        crossprocs += row.events(s).crossprocs.size();
        blocks += row.events(s).processblocks.size();
    }
    server.clear_requests();
    const auto n = row.all_netconns();
    EXPECT_EQ(n.size(), netconns);
    EXPECT_EQ(row.all_regmods().size(), regmods);
    EXPECT_EQ(row.all_modloads().size(), modloads);
    EXPECT_EQ(row.all_crossprocs().size(), crossprocs);
    EXPECT_EQ(row.all_filemods().size(), 0u);
    EXPECT_EQ(row.all_childprocs().size(), 1u);  // the suppressed child
    EXPECT_EQ(row.all_processblocks().size(), blocks);
    EXPECT_EQ(blocks, 2u);
    // One request for segment 0 served every list; the sequence runs on across segments.
    EXPECT_EQ(server.request_count(), 1u);
    EXPECT_EQ(count("/api/v4/process/" + row.guid() + "/0/event"), 1u);
    for (std::size_t i = 0; i < n.size(); ++i) EXPECT_EQ(n[i].sequence, i);
    EXPECT_EQ(row.segment(), own_segment);  // unchanged (cbapi-python left the object on the last segment)
}

TEST_F(CurrentServers, AllEventListsBefore60AskEverySegment) {
    auto& api = start("5.2.0.161004.1206");
    const Process row = script(api);
    server.clear_requests();
    const auto blocks = row.all_processblocks();
    const auto netconns = row.all_netconns();
    ASSERT_EQ(blocks.size(), 2u);
    EXPECT_EQ(netconns.size(), 3u);
    // The segments come from a process_id search; then one v3 event request per segment (3), none for segment 0.
    EXPECT_GE(count("/api/v1/process"), 1u);
    for (long long s : row.segments()) EXPECT_EQ(count("/api/v3/process/" + row.guid() + "/" + std::to_string(s) + "/event"), 1u);
    EXPECT_EQ(count("/api/v3/process/" + row.guid() + "/0/event"), 0u);
    EXPECT_EQ(blocks[0].sequence, 0u);
    EXPECT_EQ(blocks[1].sequence, 1u);
    for (std::size_t i = 0; i < netconns.size(); ++i) EXPECT_EQ(netconns[i].sequence, i);
}

TEST_F(CurrentServers, ProcessBlocksCarryWhatTheSensorBlocked) {
    auto& api = start("6.1.0.180806.1200");
    const Process row = script(api);
    const auto blocks = row.all_processblocks();
    ASSERT_EQ(blocks.size(), 2u);
    EXPECT_EQ(blocks[0].path, "c:\\users\\public\\payload.exe");
    EXPECT_EQ(blocks[0].cmdline, "c:\\users\\public\\payload.exe --run");
    EXPECT_EQ(blocks[1].cmdline, "c:\\users\\public\\payload.exe --retry");
    EXPECT_EQ(blocks[0].md5.size(), 32u);
    EXPECT_EQ(blocks[0].username, row.username());
    EXPECT_EQ(blocks[0].type, "0");
    EXPECT_EQ(blocks[0].raw.value("blocked_uid", "x"), "");
    EXPECT_LT(blocks[0].timestamp, blocks[1].timestamp);
    EXPECT_GT(blocks[0].timestamp, *row.start());
    // The per-segment list is this segment's own, as its document counts it.
    EXPECT_EQ(row.processblocks().size(), static_cast<std::size_t>(row.get_or<long long>("processblock_count", -1)));
    EXPECT_LT(row.processblocks().size(), blocks.size());
}

TEST(ProcessBlockParsing, ObjectsAndJsonTextAreReadAndOthersRefused) {
    const json object = {{"timestamp", "2017-08-09 08:15:00.000000"}, {"block_type", 1}, {"blocked_path", "x.exe"},
                         {"block_error", "denied"}, {"extra", true}};
    const ProcessBlockEvent a = parse_processblock(object);
    const ProcessBlockEvent b = parse_processblock(object.dump());
    EXPECT_EQ(a.type, "1");
    EXPECT_EQ(a.path, "x.exe");
    EXPECT_EQ(a.error, "denied");
    EXPECT_EQ(a.raw.value("extra", false), true);
    EXPECT_EQ(b.path, a.path);
    EXPECT_EQ(b.timestamp, a.timestamp);
    EXPECT_EQ(format_cb_time(a.timestamp).substr(0, 19), "2017-08-09 08:15:00");
    // No time: kept, at the epoch.
    EXPECT_EQ(parse_processblock(json{{"blocked_md5", "AA"}}).timestamp, TimePoint{});
    EXPECT_THROW(parse_processblock(json("not json")), ApiError);
    EXPECT_THROW(parse_processblock(json::array()), ApiError);
}

TEST(ProcessBlockParsing, AMalformedBlockIsSkippedAndCounted) {
    testing::MockServer server;
    test::RecordingSleeper sleeper;
    auto cb = test::connected_api(server, sleeper, "6.1.0.180806.1200");
    const std::string g = "00000001-0000-0f5c-01d2-d2e8d4a7c3d9";
    server.on("GET", "/api/v4/process/" + g + "/0/event", [](const testing::RecordedRequest&) {
        return MockResponse::json({{"process", {{"processblock_complete", {"{\"blocked_path\": \"a.exe\"}", 42}}}}});
    });
    Process p(cb.handle(), {{"id", g}}, true);
    const auto& e = p.events();
    ASSERT_EQ(e.processblocks.size(), 1u);
    EXPECT_EQ(e.processblocks[0].path, "a.exe");
    EXPECT_EQ(e.skipped, 1u);
}

}  // namespace
}  // namespace cbapi::response
