// Process: identity, summary loading, relationships and events, against scripted MockServer replies.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "cbapi/response/process.hpp"
#include "support/response_fakes.hpp"

namespace cbapi::response {
namespace {

using nlohmann::json;
using testing::MockResponse;

const std::string G = "00000001-0000-0f5c-01d2-d2e8d4a7c3d9";   // sensor 1, pid 3932
const std::string P = "00000001-0000-0a10-01d2-d2e8c0000000";   // its parent
const std::string R = "00000001-0000-0004-01d2-d2e800000000";   // the root
const std::string C1 = "00000001-0000-1000-01d2-d2e8d5000000";  // children
const std::string C2 = "00000001-0000-1004-01d2-d2e8d6000000";

json proc_doc(const std::string& guid, const std::string& name, json extra = json::object()) {
    json d = {{"id", guid}, {"process_name", name}, {"cmdline", name + " /arg"}, {"hostname", "WIN-1"},
              {"sensor_id", 1}, {"process_pid", 100}, {"start", "2017-05-21T18:41:58.123Z"}};
    for (auto& [k, v] : extra.items()) d[k] = v;
    return d;
}

class ProcessTest : public ::testing::Test {
protected:
    testing::MockServer server;
    test::RecordingSleeper sleeper;

    CbResponseAPI connect(const std::string& version = "6.1.0.180806.1200") {
        return test::connected_api(server, sleeper, version);
    }
    // Serves the summary of `guid` (any segment) with these relatives.
    void summary(const std::string& guid, json process, json parent = json::object(), json children = json::array(),
                 json siblings = json::array()) {
        server.on("GET", "/api/v1/process/" + guid + "/[0-9]+", [=](const testing::RecordedRequest&) {
            return MockResponse::json({{"process", process}, {"parent", parent}, {"children", children}, {"siblings", siblings}});
        });
    }
    std::size_t count(const std::string& path_prefix) const {
        std::size_t n = 0;
        for (const auto& r : server.requests()) n += r.path.rfind(path_prefix, 0) == 0 ? 1u : 0u;
        return n;
    }
};

TEST_F(ProcessTest, UniqueIdsOf5xAnd6xAreParsedWhole) {
    // 6.x: 12 hex digits, only recognised on 6.x servers; the suffix is read from its first digit (Python skipped it).
    EXPECT_EQ(Process::parse_unique_id(G + "-1000000000ff", true), std::make_pair(G, 0x1000000000ffLL));
    EXPECT_FALSE(Process::parse_unique_id(G + "-1000000000ff", false));
    EXPECT_EQ(Process::parse_unique_id(G + "-00000002", false), std::make_pair(G, 2LL));
    EXPECT_FALSE(Process::parse_unique_id(G, true));
    EXPECT_FALSE(Process::parse_unique_id(G + "-0000000x", true));

    auto cb = connect();
    const auto before = server.request_count();
    const auto p = cb.select<Process>(G + "-015c3a2b1c8d");
    EXPECT_EQ(p.guid(), G);
    EXPECT_EQ(p.segment(), 0x015c3a2b1c8dLL);
    EXPECT_EQ(p.unique_id(), G + "-015c3a2b1c8d");
    EXPECT_EQ(server.request_count(), before);  // selecting loads nothing
}

TEST_F(ProcessTest, GuidDecodesSensorPidAndCreateTime) {
    const auto g = Process::decode_guid(G);
    ASSERT_TRUE(g);
    EXPECT_EQ(g->sensor_id, 1u);
    EXPECT_EQ(g->pid, 3932u);
    EXPECT_EQ(format_solr_time(g->create_time), "2017-05-22T10:47:38.917576Z");
    EXPECT_FALSE(Process::decode_guid("not-a-guid"));
}

TEST_F(ProcessTest, DefaultSegmentIsZeroFrom60AndOneBefore) {
    {
        auto cb = connect();
        summary(G, proc_doc(G, "cmd.exe"));
        const auto p = cb.select<Process>(G);
        EXPECT_EQ(p.segment(), 0);
        EXPECT_EQ(p.process_name(), "cmd.exe");
        EXPECT_EQ(server.requests().back().path, "/api/v1/process/" + G + "/0");
        EXPECT_EQ(p.unique_id(), G + "-000000000000");
    }
    server.clear_requests();
    auto cb5 = connect("5.1.1.60603");
    const auto p5 = cb5.select<Process>(G);
    EXPECT_EQ(p5.segment(), 1);
    EXPECT_EQ(p5.unique_id(), G + "-00000001");
    EXPECT_EQ(p5.process_name(), "cmd.exe");
    EXPECT_EQ(server.requests().back().path, "/api/v1/process/" + G + "/1");
}

TEST_F(ProcessTest, SummaryIsUnwrappedOnceAndTheSegmentKept) {
    auto cb = connect();
    summary(G, proc_doc(G, "cmd.exe", {{"segment_id", 0}, {"username", "bob"}}));
    Process p(cb.handle(), {{"id", G}, {"segment_id", 1495465643405LL}, {"process_name", "cmd.exe"}}, false);
    EXPECT_EQ(p.process_name(), "cmd.exe");
    EXPECT_EQ(count("/api/v1/process/"), 0u);  // present field: no request
    EXPECT_EQ(p.username(), "bob");              // missing field: one summary request
    EXPECT_EQ(p.hostname(), "WIN-1");
    EXPECT_EQ(count("/api/v1/process/"), 1u);
    EXPECT_EQ(server.requests().back().path, "/api/v1/process/" + G + "/0");
    EXPECT_EQ(p.segment(), 1495465643405LL);  // kept, and the document agrees
    EXPECT_EQ(p.document()["segment_id"], 1495465643405LL);
    EXPECT_FALSE(p.document().contains("process"));
    EXPECT_EQ(p.webui_link(), server.url() + "/#analyze/" + G + "/1495465643405");
    p.refresh();
    EXPECT_EQ(count("/api/v1/process/"), 2u);
    EXPECT_EQ(p.segment(), 1495465643405LL);
}

TEST_F(ProcessTest, IdFallsBackToUniqueIdForUpgradedDocuments) {
    auto cb = connect();
    Process p(cb.handle(), {{"id", ""}, {"unique_id", G + "-000000000001"}, {"segment_id", 1}}, false);
    EXPECT_EQ(p.guid(), G);
    EXPECT_EQ(p.segment(), 1);
    EXPECT_TRUE(p.valid());
}

TEST_F(ProcessTest, EndIsTheEndFieldElseLastUpdateWhenTerminatedElseNone) {
    auto cb = connect();
    const json base = {{"id", G}, {"last_update", "2017-05-21T19:00:00Z"}};
    json ended = base;
    ended["end"] = "2017-05-21T18:50:00Z";
    ended["terminated"] = true;
    EXPECT_EQ(format_query_time(*Process(cb.handle(), ended, true).end()), "2017-05-21T18:50:00Z");
    json terminated = base;
    terminated["terminated"] = true;
    EXPECT_EQ(format_query_time(*Process(cb.handle(), terminated, true).end()), "2017-05-21T19:00:00Z");
    json running = base;
    running["terminated"] = false;
    EXPECT_FALSE(Process(cb.handle(), running, true).end());
    EXPECT_EQ(server.request_count(), 1u);  // only /api/info
}

TEST_F(ProcessTest, MissingStartAndPidComeFromTheGuid) {
    auto cb = connect();
    const Process p(cb.handle(), {{"id", G}, {"start", -1}, {"process_pid", -1}, {"segment_id", 1}}, true);
    EXPECT_EQ(p.process_pid(), 3932);
    EXPECT_EQ(format_solr_time(*p.start()), "2017-05-22T10:47:38.917576Z");
}

TEST_F(ProcessTest, OneSummaryGivesParentChildrenAndSiblings) {
    auto cb = connect();
    const json children = json::array({proc_doc(C1, "net.exe", {{"unique_id", C1 + "-000000000001"}, {"start", "2017-05-21T18:45:00.5Z"}}),
                                       proc_doc(C2, "ping.exe", {{"unique_id", C2 + "-000000000001"}, {"start", "2017-05-21T18:46:00Z"}})});
    summary(G, proc_doc(G, "cmd.exe", {{"parent_unique_id", P + "-000000000001"}, {"parent_id", P}}),
            proc_doc(P, "explorer.exe", {{"process_pid", 2000}}), children, json::array({proc_doc(C2, "notepad.exe")}));
    const auto p = cb.select<Process>(G);
    const auto kids = p.children();
    ASSERT_EQ(kids.size(), 2u);
    EXPECT_EQ(kids[0].event.sequence, 0u);
    EXPECT_EQ(kids[0].event.procguid, C1 + "-000000000001");
    EXPECT_EQ(format_cb_time(kids[0].event.timestamp), "2017-05-21 18:45:00.500000");  // the child's start
    EXPECT_FALSE(kids[0].event.terminated);
    EXPECT_EQ(kids[0].process->guid(), C1);
    EXPECT_EQ(kids[1].process->cmdline(), "ping.exe /arg");
    const auto parent = p.parent();
    ASSERT_TRUE(parent);
    EXPECT_EQ(parent->guid(), P);
    EXPECT_EQ(parent->process_name(), "explorer.exe");
    EXPECT_EQ(parent->process_pid(), 2000);
    const auto sibs = p.siblings();
    ASSERT_EQ(sibs.size(), 1u);
    EXPECT_EQ(sibs[0].process_name(), "notepad.exe");
    EXPECT_EQ(count("/api/v1/process/"), 1u);  // all of it from one summary request
}

TEST_F(ProcessTest, ChildrenComeFromTheSummaryEvenAfterEventsWereLoaded) {
    auto cb = connect();
    summary(G, proc_doc(G, "cmd.exe"), json::object(), json::array({proc_doc(C1, "net.exe")}));
    server.on("GET", "/api/v4/process/" + G + "/1495465643405/event", [](const testing::RecordedRequest&) {
        return MockResponse::json({{"process", {{"id", G}, {"process_name", "cmd.exe"}, {"modload_complete", json::array()}}}});
    });
    Process p(cb.handle(), {{"id", G}, {"segment_id", 1495465643405LL}}, false);
    EXPECT_TRUE(p.modloads().empty());
    EXPECT_EQ(p.children().size(), 1u);  // cbapi-python 1.3.2 returned nothing here
}

TEST_F(ProcessTest, ChildprocsAreTheRawStartAndEndEvents) {
    auto cb = connect();
    server.on("GET", "/api/v4/process/" + G + "/0/event", [](const testing::RecordedRequest&) {
        const json start = {{"processId", C1 + "-000000000001"}, {"md5", "AA"}, {"path", "net.exe"}, {"pid", 5},
                            {"type", "start"}, {"start", "2017-05-21 18:45:00"}};
        json end = start;
        end["type"] = "end";
        end["end"] = "2017-05-21 18:45:02";
        return MockResponse::json({{"process", {{"childproc_complete", json::array({start, end})}}}});
    });
    const auto p = cb.select<Process>(G);
    const auto& events = p.childprocs();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_FALSE(events[0].terminated);
    EXPECT_TRUE(events[1].terminated);
    EXPECT_EQ(p.childproc_process(events[0]).guid(), C1);
}

TEST_F(ProcessTest, MaxChildrenIsSentWithEverySummaryOfAWalk) {
    auto cb = connect();
    summary(G, proc_doc(G, "cmd.exe"), json::object(), json::array({proc_doc(C1, "a.exe"), proc_doc(C2, "b.exe")}));
    summary(C1, proc_doc(C1, "a.exe"), proc_doc(G, "cmd.exe"), json::array({proc_doc(P, "c.exe")}));
    summary(C2, proc_doc(C2, "b.exe"));
    summary(P, proc_doc(P, "c.exe"));
    auto root = cb.select<Process>(G);
    root.set_max_children(40);
    std::vector<std::string> seen;
    root.walk_children([&](const Process& p, int depth) { seen.push_back(p.process_name() + "@" + std::to_string(depth)); });
    EXPECT_EQ(seen, (std::vector<std::string>{"a.exe@0", "c.exe@1", "b.exe@0"}));
    const auto summaries = server.requests();
    std::size_t n = 0;
    for (const auto& r : summaries) {
        if (r.path.rfind("/api/v1/process/", 0) != 0) continue;
        ++n;
        EXPECT_EQ(r.query, "children=40") << r.path;
    }
    EXPECT_EQ(n, 4u);
    // max_depth 1: only the children
    seen.clear();
    cb.select<Process>(G).walk_children([&](const Process& p, int) { seen.push_back(p.process_name()); }, 1);
    EXPECT_EQ(seen, (std::vector<std::string>{"a.exe", "b.exe"}));
    EXPECT_THROW(root.set_max_children(0), ApiError);
}

TEST_F(ProcessTest, WalkChildrenSkipsAChildTheServerDoesNotKnow) {
    auto cb = connect();
    summary(G, proc_doc(G, "cmd.exe"), json::object(), json::array({proc_doc(C1, "gone.exe"), proc_doc(C2, "b.exe")}));
    summary(C2, proc_doc(C2, "b.exe"), json::object(), json::array({proc_doc(P, "c.exe")}));
    summary(P, proc_doc(P, "c.exe"));
    std::vector<std::string> seen;
    cb.select<Process>(G).walk_children([&](const Process& p, int) { seen.push_back(p.process_name()); });
    EXPECT_EQ(seen, (std::vector<std::string>{"gone.exe", "b.exe", "c.exe"}));
}

// A child's GUID: sensor 1, pid 0x2000 + i.
std::string kid(int i) { return fmt::format("00000001-0000-{:04x}-01d2-d2e8d5000000", 0x2000 + i); }

// Serves, for the walk tests, the summary of `guid` after `latency` while counting the summaries served at once.
void slow_summary(testing::MockServer& server, test::InflightMeter& meter, const std::string& guid, json process,
                  json children = json::array(), int status = 200,
                  std::chrono::milliseconds latency = std::chrono::milliseconds(25)) {
    server.on("GET", "/api/v1/process/" + guid + "/[0-9]+", [=, &meter](const testing::RecordedRequest&) {
        const test::InflightMeter::Scope counted(meter);
        std::this_thread::sleep_for(latency);  // the server's work (the client never sleeps)
        if (status != 200) return MockResponse::text("summary failed", status);
        return MockResponse::json({{"process", process}, {"parent", json::object()}, {"children", children},
                                   {"siblings", json::array()}});
    });
}

TEST_F(ProcessTest, WalkChildrenAsksForTheSummariesOfSiblingsTogetherAndVisitsInTheSameOrder) {
    auto cb = connect();
    test::InflightMeter meter;
    json kids = json::array();
    for (int i = 0; i < 8; ++i) kids.push_back(proc_doc(kid(i), "k" + std::to_string(i) + ".exe"));
    summary(G, proc_doc(G, "cmd.exe"), json::object(), kids);
    for (int i = 0; i < 8; ++i) {
        json grandchildren = json::array();
        if (i == 2) grandchildren.push_back(proc_doc(kid(20), "g.exe"));
        slow_summary(server, meter, kid(i), proc_doc(kid(i), "k" + std::to_string(i) + ".exe"), grandchildren);
    }
    slow_summary(server, meter, kid(20), proc_doc(kid(20), "g.exe"));
    std::vector<std::string> seen;
    cb.select<Process>(G).walk_children(
        [&](const Process& p, int depth) { seen.push_back(p.process_name() + "@" + std::to_string(depth)); });
    EXPECT_EQ(seen, (std::vector<std::string>{"k0.exe@0", "k1.exe@0", "k2.exe@0", "g.exe@1", "k3.exe@0", "k4.exe@0",
                                              "k5.exe@0", "k6.exe@0", "k7.exe@0"}));
    for (int i = 0; i < 8; ++i) EXPECT_EQ(count("/api/v1/process/" + kid(i) + "/"), 1u) << i;  // each once
    EXPECT_EQ(count("/api/v1/process/" + kid(20) + "/"), 1u);
    EXPECT_GE(meter.max(), 2) << "the siblings' summaries were asked for one after the other";
    EXPECT_LE(meter.max(), 16);
}

TEST_F(ProcessTest, WalkChildrenOfWalksEachRootInOrderAndAsksForNothingTwice) {
    auto cb = connect();
    test::InflightMeter meter;
    // Root 0 (G) has the children C1 and C2; root 1 is C2 itself (met again as a root: not asked again); root 2 is
    // G again, as a search by segment would list it.
    slow_summary(server, meter, G, proc_doc(G, "cmd.exe"), json::array({proc_doc(C1, "a.exe"), proc_doc(C2, "b.exe")}));
    slow_summary(server, meter, C1, proc_doc(C1, "a.exe"));
    slow_summary(server, meter, C2, proc_doc(C2, "b.exe"), json::array({proc_doc(P, "c.exe")}));
    slow_summary(server, meter, P, proc_doc(P, "c.exe"));
    const std::vector<Process> roots{Process(cb.handle(), {{"id", G}}, false), Process(cb.handle(), {{"id", C2}}, false),
                                     Process(cb.handle(), {{"id", G}, {"segment_id", 7}}, false)};
    std::vector<std::string> seen;
    Process::walk_children_of(roots, [&](std::size_t root, const Process& p, int depth) {
        seen.push_back(std::to_string(root) + ":" + p.process_name() + "@" + std::to_string(depth));
    });
    EXPECT_EQ(seen, (std::vector<std::string>{"0:a.exe@0", "0:b.exe@0", "0:c.exe@1", "1:c.exe@0", "2:a.exe@0",
                                              "2:b.exe@0", "2:c.exe@1"}));
    for (const auto& guid : {G, C1, C2, P}) EXPECT_EQ(count("/api/v1/process/" + guid + "/"), 1u) << guid;
    // The roots are loaded for the caller: their fields cost nothing more.
    EXPECT_TRUE(roots[0].summary_loaded());
    EXPECT_EQ(roots[1].process_name(), "b.exe");
    EXPECT_EQ(roots[2].segment(), 7);
    EXPECT_EQ(server.requests().size(), 4u + 1u);  // + /api/info
}

TEST_F(ProcessTest, WalkChildrenOfRaisesARootsErrorAfterTheTreesBeforeIt) {
    auto cb = connect();
    test::InflightMeter meter;
    slow_summary(server, meter, G, proc_doc(G, "cmd.exe"), json::array({proc_doc(C1, "a.exe")}));
    slow_summary(server, meter, C1, proc_doc(C1, "a.exe"));
    slow_summary(server, meter, P, proc_doc(P, "p.exe"), json::array(), 500);
    slow_summary(server, meter, C2, proc_doc(C2, "b.exe"), json::array({proc_doc(R, "r.exe")}));
    const std::vector<Process> roots{Process(cb.handle(), {{"id", G}}, false), Process(cb.handle(), {{"id", P}}, false),
                                     Process(cb.handle(), {{"id", C2}}, false)};
    std::vector<std::string> seen;
    try {
        Process::walk_children_of(roots, [&](std::size_t root, const Process& p, int) {
            seen.push_back(std::to_string(root) + ":" + p.process_name());
        });
        FAIL() << "the second root's error was lost";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 500);
    }
    EXPECT_EQ(seen, (std::vector<std::string>{"0:a.exe"}));  // the first tree whole, nothing after the error
}

TEST_F(ProcessTest, AChildsFailedSummaryIsRaisedWhenTheWalkDescendsIntoIt) {
    auto cb = connect();
    test::InflightMeter meter;
    summary(G, proc_doc(G, "cmd.exe"), json::object(),
            json::array({proc_doc(C1, "a.exe"), proc_doc(C2, "b.exe"), proc_doc(P, "c.exe")}));
    slow_summary(server, meter, C1, proc_doc(C1, "a.exe"));
    slow_summary(server, meter, C2, proc_doc(C2, "b.exe"), json::array(), 503);
    slow_summary(server, meter, P, proc_doc(P, "c.exe"));
    std::vector<std::string> seen;
    EXPECT_THROW(cb.select<Process>(G).walk_children([&](const Process& p, int) { seen.push_back(p.process_name()); }),
                 ServerError);
    // As one request after the other would have: b.exe is visited, its descent fails, c.exe is never reached.
    EXPECT_EQ(seen, (std::vector<std::string>{"a.exe", "b.exe"}));
}

TEST_F(ProcessTest, AVisitorThatThrowsStopsTheWalkAndItsRequests) {
    auto cb = connect();
    json kids = json::array();
    for (int i = 0; i < 12; ++i) kids.push_back(proc_doc(kid(i), "k.exe"));
    summary(G, proc_doc(G, "cmd.exe"), json::object(), kids);
    // The first two children answer at once; the others are held until the walk has ended, so that what the walk asks
    // for after the visitor gave up does not depend on how fast this machine is: the pace admits the held ones only as
    // answers come back (after 2 answers the window is 4: at most 4 held ones in flight), and none comes back while
    // they are held.
    std::mutex mutex;
    std::condition_variable changed;
    bool released = false;
    for (int i = 0; i < 12; ++i) {
        const json doc = proc_doc(kid(i), "k.exe");
        const bool held = i >= 2;
        server.on("GET", "/api/v1/process/" + kid(i) + "/[0-9]+", [&, doc, held](const testing::RecordedRequest&) {
            if (held) {
                std::unique_lock<std::mutex> lock(mutex);
                changed.wait_for(lock, std::chrono::seconds(10), [&] { return released; });
            }
            return MockResponse::json({{"process", doc}, {"parent", json::object()}, {"children", json::array()},
                                       {"siblings", json::array()}});
        });
    }
    int visits = 0;
    EXPECT_THROW(cb.select<Process>(G).walk_children([&](const Process&, int) {
        if (++visits == 2) throw std::runtime_error("enough");
    }),
                 std::runtime_error);
    {
        std::lock_guard<std::mutex> lock(mutex);
        released = true;
    }
    changed.notify_all();
    EXPECT_EQ(visits, 2);
    std::size_t asked = 0;
    for (int i = 0; i < 12; ++i) asked += count("/api/v1/process/" + kid(i) + "/");
    EXPECT_LE(asked, 6u) << "the walk went on asking after the visitor gave up";
}

TEST_F(ProcessTest, AServerThatListsAnAncestorAsAChildStopsTheWalkWithAnError) {
    // G -> kid(0) -> kid(1) -> G again: without a guard the walk would go round for ever (the summaries are known to
    // the walk after the first round, so not even a request would slow it down).
    auto cb = connect();
    summary(G, proc_doc(G, "cmd.exe"), json::object(), json::array({proc_doc(kid(0), "a.exe")}));
    summary(kid(0), proc_doc(kid(0), "a.exe"), json::object(), json::array({proc_doc(kid(1), "b.exe")}));
    summary(kid(1), proc_doc(kid(1), "b.exe"), json::object(), json::array({proc_doc(G, "cmd.exe")}));
    std::vector<std::string> seen;
    try {
        cb.select<Process>(G).walk_children([&](const Process& p, int) { seen.push_back(p.process_name()); });
        ADD_FAILURE() << "the walk did not stop";
    } catch (const ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("cycle"), std::string::npos) << e.what();
    }
    EXPECT_EQ(seen, (std::vector<std::string>{"a.exe", "b.exe", "cmd.exe"}));
}

TEST_F(ProcessTest, LoadSummariesLoadsSeveralTogetherAndReportsTheUnknown) {
    auto cb = connect();
    test::InflightMeter meter;
    slow_summary(server, meter, C1, proc_doc(C1, "a.exe"));
    slow_summary(server, meter, C2, proc_doc(C2, "b.exe"));
    slow_summary(server, meter, P, proc_doc(P, "c.exe"));
    const std::vector<Process> procs{Process(cb.handle(), {{"id", C1}}, false), Process(cb.handle(), {{"id", R}}, false),
                                     Process(cb.handle(), {{"id", C2}}, false), Process(cb.handle(), {{"id", P}}, false),
                                     Process(cb.handle(), {{"id", "not-a-guid"}}, false)};
    EXPECT_EQ(Process::load_summaries(procs), (std::vector<bool>{true, false, true, true, false}));
    EXPECT_EQ(procs[0].process_name(), "a.exe");
    EXPECT_EQ(procs[3].process_name(), "c.exe");
    EXPECT_EQ(server.requests().size(), 1u + 4u);  // /api/info, then each valid process once
    EXPECT_GE(meter.max(), 2);
    // An error other than 404 is raised, in order.
    slow_summary(server, meter, G, proc_doc(G, "x.exe"), json::array(), 500);
    EXPECT_THROW(Process::load_summaries({Process(cb.handle(), {{"id", G}}, false)}), ServerError);
}

TEST_F(ProcessTest, TheEventsOfSeveralSegmentsAreAskedForTogether) {
    auto cb = connect("5.2.0.161004.1206");
    test::InflightMeter meter;
    // Before 6.0 the segments come from a search and each segment's events from a request of its own.
    server.on("GET", "/api/v1/process", [](const testing::RecordedRequest&) {
        json results = json::array();
        for (int s = 1; s <= 4; ++s) results.push_back({{"id", G}, {"segment_id", s}});
        return MockResponse::json({{"results", results}, {"total_results", 4}, {"start", 0}, {"facets", json::object()}});
    });
    summary(G, proc_doc(G, "cmd.exe"));
    server.on("GET", "/api/v3/process/" + G + "/[0-9]+/event", [&meter](const testing::RecordedRequest& r) {
        const test::InflightMeter::Scope counted(meter);
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
        const std::string seg = r.path.substr(r.path.size() - 7, 1);
        return MockResponse::json({{"process", {{"filemod_complete", {"1|2017-05-21 18:42:0" + seg + "|f" + seg}}}}});
    });
    Process p(cb.handle(), {{"id", G}}, false);
    std::vector<std::string> files;
    for (const auto& f : p.all_filemods()) files.push_back(f.path);
    EXPECT_EQ(files, (std::vector<std::string>{"f1", "f2", "f3", "f4"}));
    std::vector<std::string> kinds;
    for (const auto& e : p.all_events()) kinds.push_back(std::get<FileModEvent>(e).path);
    EXPECT_EQ(kinds, (std::vector<std::string>{"f1", "f2", "f3", "f4"}));
    for (int s = 1; s <= 4; ++s) EXPECT_EQ(count("/api/v3/process/" + G + "/" + std::to_string(s) + "/event"), 1u);
    EXPECT_GE(meter.max(), 2) << "the segments' events were asked for one after the other";
}

TEST_F(ProcessTest, ParentsWalkUpToTheRootAndDepthCountsThem) {
    auto cb = connect();
    summary(G, proc_doc(G, "cmd.exe", {{"parent_unique_id", P + "-000000000001"}}), proc_doc(P, "explorer.exe"));
    summary(P, proc_doc(P, "explorer.exe", {{"parent_unique_id", R}}), proc_doc(R, "services.exe"));
    summary(R, proc_doc(R, "services.exe", {{"parent_pid", -1}}));
    const auto p = cb.select<Process>(G);
    const auto up = p.parents();
    ASSERT_EQ(up.size(), 2u);
    EXPECT_EQ(up[0].process_name(), "explorer.exe");
    EXPECT_EQ(up[1].process_name(), "services.exe");
    EXPECT_EQ(p.depth(), 2);
    std::vector<int> depths;
    p.walk_parents([&](const Process&, int d) { depths.push_back(d); }, 1);
    EXPECT_EQ(depths, std::vector<int>{0});
}

TEST_F(ProcessTest, ParentWalkStopsAtPidMinusOneAndDetectsCycles) {
    auto cb = connect();
    summary(G, proc_doc(G, "cmd.exe", {{"parent_unique_id", P}}), proc_doc(P, "idle", {{"process_pid", -1}}));
    EXPECT_TRUE(cb.select<Process>(G).parents().empty());
    summary(G, proc_doc(G, "cmd.exe", {{"parent_unique_id", P}}), proc_doc(P, "x.exe"));
    summary(P, proc_doc(P, "x.exe", {{"parent_unique_id", G}}), proc_doc(G, "cmd.exe"));
    auto fresh = connect();  // another API object: the first one's read cache still holds G's old summary
    EXPECT_THROW(fresh.select<Process>(G).depth(), ApiError);
}

TEST_F(ProcessTest, ParentOnAnotherSensorIsTakenFromParentId) {
    auto cb = connect();
    const std::string other_sensor = "00000002-0000-0a10-01d2-d2e8c0000000";
    summary(G, proc_doc(G, "cmd.exe", {{"parent_unique_id", other_sensor + "-000000000001"}, {"parent_id", P}}));
    EXPECT_EQ(cb.select<Process>(G).parent()->guid(), P);
}

struct VersionCase {
    std::string server;
    std::string api;
};

class ProcessEventVersionTest : public ProcessTest, public ::testing::WithParamInterface<VersionCase> {};

TEST_P(ProcessEventVersionTest, EventsUseTheServersEventApi) {
    const auto& c = GetParam();
    auto cb = connect(c.server);
    const bool json_netconn = c.api != "v1";
    const bool json_childproc = c.api == "v3" || c.api == "v4";
    const long long seg = c.api == "v4" ? 0 : 1;
    server.on("GET", "/api/" + c.api + "/process/" + G + "/" + std::to_string(seg) + "/event", [&](const testing::RecordedRequest&) {
        json netconn = json_netconn ? json({{"timestamp", "2017-05-21 18:42:00"}, {"direction", "true"}, {"proto", 6},
                                            {"remote_port", 443}, {"domain", "x.example"},
                                            {"remote_ip", c.api == "v4" ? json("1.2.3.4") : json(16909060)}})
                                    : json("2017-05-21 18:42:00|16909060|443|6|x.example|true");
        json child = json_childproc ? json({{"processId", C1}, {"type", "start"}, {"start", "2017-05-21 18:43:00"}})
                                    : json("2017-05-21 18:43:00|" + C1 + "|AA|net.exe|5|true");
        return MockResponse::json({{"process", {{"netconn_complete", {netconn}}, {"childproc_complete", {child}}}}});
    });
    const auto p = cb.select<Process>(G);
    ASSERT_EQ(p.netconns().size(), 1u);
    EXPECT_EQ(p.netconns()[0].remote_ip, "1.2.3.4");
    EXPECT_EQ(p.netconns()[0].version, json_netconn ? 2 : 1);
    ASSERT_EQ(p.childprocs().size(), 1u);
    EXPECT_EQ(p.childprocs()[0].procguid, C1);
    EXPECT_EQ(server.requests().back().path, "/api/" + c.api + "/process/" + G + "/" + std::to_string(seg) + "/event");
}

INSTANTIATE_TEST_SUITE_P(Versions, ProcessEventVersionTest,
                         ::testing::Values(VersionCase{"5.0.1", "v1"}, VersionCase{"5.1.1.60603", "v2"},
                                           VersionCase{"5.2.0.161004", "v3"}, VersionCase{"6.1.0.180806.1200", "v4"}),
                         [](const ::testing::TestParamInfo<VersionCase>& case_info) { return "EventApi" + case_info.param.api; });

TEST_F(ProcessTest, AMalformedEventIsSkippedWithAWarning) {
    auto cb = connect();
    server.on("GET", "/api/v4/process/" + G + "/0/event", [](const testing::RecordedRequest&) {
        return MockResponse::json({{"process",
                                    {{"modload_complete", {"2017-05-21 18:42:00|AA|a.dll", "garbage", 42,
                                                           "2017-05-21 18:42:01|BB|b.dll"}},
                                     {"filemod_complete", {"", "8|not a time|x"}},
                                     {"netconn_complete", {json::object(), "x"}},
                                     {"crossproc_complete", {"RemoteThread|2017-05-21 18:42:00|g"}}}}});
    });
    test::LogCapture log(spdlog::level::warn);
    const auto p = cb.select<Process>(G);
    const auto& e = p.events();
    EXPECT_EQ(e.modloads.size(), 2u);
    EXPECT_EQ(e.modloads[1].sequence, 1u);
    EXPECT_TRUE(e.filemods.empty());
    EXPECT_TRUE(e.netconns.empty());
    EXPECT_TRUE(e.crossprocs.empty());
    EXPECT_EQ(e.skipped, 6u);
    EXPECT_NE(log.text().find("Skipping a malformed modload event of process " + G), std::string::npos);
    EXPECT_NE(log.text().find("crossproc"), std::string::npos);
}

TEST_F(ProcessTest, EventsAreCachedPerSegmentAndCrossProcSidesFilledIn) {
    auto cb = connect();
    server.on("GET", "/api/v4/process/" + G + "/[0-9]+/event", [](const testing::RecordedRequest& r) {
        const bool first = r.path.find("/7/") != std::string::npos;
        return MockResponse::json(
            {{"process",
              {{"process_md5", "OWNMD5"}, {"path", "c:\\own.exe"},
               {"crossproc_complete", first ? json::array({"ProcessOpen|2017-05-21 18:42:00|" + P + "|PM|c:\\p.exe|1|2097151|false"})
                                            : json::array({"RemoteThread|2017-05-21 18:43:00|" + P + "|PM|c:\\p.exe|0|0|false|true"})}}}});
    });
    Process p(cb.handle(), {{"id", G}, {"segment_id", 7}}, false);
    const auto& a = p.crossprocs();
    const auto& b = p.crossprocs();
    EXPECT_EQ(&a, &b);
    EXPECT_EQ(count("/api/v4/"), 1u);
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].source_procguid, G);
    EXPECT_EQ(a[0].source_md5, "OWNMD5");
    EXPECT_EQ(a[0].target_path, "c:\\p.exe");
    EXPECT_EQ(p.crossproc_peer(a[0]).guid(), P);
    const auto& other = p.events(8).crossprocs;
    EXPECT_EQ(count("/api/v4/"), 2u);
    ASSERT_EQ(other.size(), 1u);
    EXPECT_TRUE(other[0].is_target);
    EXPECT_EQ(other[0].target_procguid, G);
    EXPECT_EQ(other[0].source_procguid, P);
    EXPECT_EQ(p.process_md5(), "OWNMD5");  // fields the event call brought are kept
}

TEST_F(ProcessTest, AllEventsSpansEverySegmentInTimeOrderWithEveryChildprocRecord) {
    auto cb = connect();
    server.on("GET", "/api/v1/process/" + G + "/segment", [](const testing::RecordedRequest&) {
        return MockResponse::json({{"process", {{"segments", {{{"unique_id", G + "-000000000002"}}, {{"unique_id", G + "-000000000001"}}}}}}});
    });
    // The child starts in segment 1 and ends in segment 2: both records are events of the process.
    server.on("GET", "/api/v4/process/" + G + "/1/event", [](const testing::RecordedRequest&) {
        return MockResponse::json({{"process", {{"modload_complete", {"2017-05-21 18:42:05|AA|a.dll"}},
                                                {"regmod_complete", {"2|2017-05-21 18:42:01|k"}},
                                                {"childproc_complete", {{{"processId", C1 + "-000000000001"},
                                                                         {"md5", "BB"}, {"path", "net.exe"},
                                                                         {"pid", 5}, {"type", "start"},
                                                                         {"start", "2017-05-21 18:42:04"}}}}}}});
    });
    server.on("GET", "/api/v4/process/" + G + "/2/event", [](const testing::RecordedRequest&) {
        return MockResponse::json({{"process", {{"filemod_complete", {"1|2017-05-21 18:42:03|f"}},
                                                {"childproc_complete", {{{"processId", C1 + "-000000000001"},
                                                                         {"md5", "BB"}, {"path", "net.exe"},
                                                                         {"pid", 5}, {"type", "end"},
                                                                         {"start", "2017-05-21 18:42:04"},
                                                                         {"end", "2017-05-21 18:42:06"}}}}}}});
    });
    summary(G, proc_doc(G, "cmd.exe"), json::object(),
            json::array({proc_doc(C1, "net.exe", {{"start", "2017-05-21T18:42:04Z"}})}));
    Process p(cb.handle(), {{"id", G}, {"segment_id", 2}}, false);
    EXPECT_EQ(p.segments(), (std::vector<long long>{1, 2}));
    const auto all = p.all_events();
    std::vector<std::string> kinds;
    for (const auto& e : all) kinds.push_back(event_type_name(e));
    EXPECT_EQ(kinds, (std::vector<std::string>{"Cb Registry Modification event", "Cb File Modification event",
                                               "Cb Child Process event", "Cb Module Load event",
                                               "Cb Child Process event"}));
    const auto& spawn = std::get<ChildProcEvent>(all[2]);
    const auto& exit = std::get<ChildProcEvent>(all[4]);
    EXPECT_FALSE(spawn.terminated);
    EXPECT_TRUE(exit.terminated);
    // The summary listed the child: its document rides along, so its command line needs no request.
    EXPECT_EQ(spawn.proc_data.value("cmdline", ""), "net.exe /arg");
    EXPECT_EQ(exit.proc_data.value("cmdline", ""), "net.exe /arg");
    EXPECT_EQ(p.segment(), 2);  // unchanged (cbapi-python left the object on the last segment)
    EXPECT_EQ(count("/api/v1/process/" + G + "/segment"), 1u);
}

TEST_F(ProcessTest, AllEventsKeepsChildrenTheSummaryCutOff) {
    auto cb = connect();
    // The summary lists one child (the server cuts its list at `children=<n>`); the events name two.
    server.on("GET", "/api/v1/process/" + G + "/segment", [](const testing::RecordedRequest&) {
        return MockResponse::json({{"process", {{"segments", {{{"unique_id", G + "-000000000001"}}}}}}});
    });
    server.on("GET", "/api/v4/process/" + G + "/1/event", [](const testing::RecordedRequest&) {
        const json first = {{"processId", C1 + "-000000000001"}, {"md5", "BB"}, {"path", "net.exe"}, {"pid", 5},
                            {"type", "start"}, {"start", "2017-05-21 18:42:04"}};
        const json second = {{"processId", C2 + "-000000000001"}, {"md5", "CC"}, {"path", "ping.exe"}, {"pid", 6},
                             {"type", "start"}, {"start", "2017-05-21 18:42:07"}};
        return MockResponse::json({{"process", {{"childproc_complete", {first, second}}}}});
    });
    summary(G, proc_doc(G, "cmd.exe"), json::object(), json::array({proc_doc(C1, "net.exe")}));
    const Process p = cb.select<Process>(G);
    EXPECT_EQ(p.children().size(), 1u);
    const auto all = p.all_events();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(std::get<ChildProcEvent>(all[0]).path, "net.exe");
    EXPECT_EQ(std::get<ChildProcEvent>(all[1]).path, "ping.exe");
    EXPECT_EQ(std::get<ChildProcEvent>(all[1]).procguid, C2 + "-000000000001");
    EXPECT_TRUE(std::get<ChildProcEvent>(all[1]).proc_data.is_null() || std::get<ChildProcEvent>(all[1]).proc_data.empty());
    // One summary request, sent without children= (the server's default cut applies).
    const auto summaries = test::requests_to(server, "/api/v1/process/" + G + "/0");
    ASSERT_EQ(summaries.size(), 1u);
    EXPECT_FALSE(summaries[0].param("children"));
}

TEST_F(ProcessTest, SegmentsBefore60ComeFromASearch) {
    auto cb = connect("5.1.1.60603");
    server.on("GET", "/api/v1/process", [](const testing::RecordedRequest&) {
        return MockResponse::json({{"results", {{{"id", G}, {"segment_id", 2}}, {{"id", G}, {"segment_id", 1}}}},
                                   {"total_results", 2}});
    });
    EXPECT_EQ(cb.select<Process>(G).segments(), (std::vector<long long>{1, 2}));
    const auto searches = test::requests_to(server, "/api/v1/process");
    ASSERT_FALSE(searches.empty());
    EXPECT_EQ(searches.back().param("q"), "process_id:" + G);
}

TEST_F(ProcessTest, AnInvalidProcessMakesNoRequests) {
    auto cb = connect();
    const auto before = server.request_count();
    auto p = cb.select<Process>("not-a-guid");
    EXPECT_FALSE(p.valid());
    EXPECT_EQ(p.cmdline(), "");
    EXPECT_TRUE(p.children().empty());
    EXPECT_TRUE(p.modloads().empty());
    EXPECT_THROW(p.refresh(), InvalidObjectError);
    EXPECT_EQ(server.request_count(), before);
}

TEST_F(ProcessTest, Md5AndPathFallBackToTheFirstModuleLoad) {
    auto cb = connect();
    server.on("GET", "/api/v4/process/" + G + "/0/event", [](const testing::RecordedRequest&) {
        return MockResponse::json({{"process", {{"modload_complete", {"2017-05-21 18:42:00|aa11|c:\\self.exe", "2017-05-21 18:42:01|BB|b.dll"}}}}});
    });
    const Process p(cb.handle(), {{"id", G}, {"process_md5", ""}, {"path", ""}, {"modload_count", 2}}, true);
    EXPECT_EQ(p.process_md5(), "AA11");
    EXPECT_EQ(p.path(), "c:\\self.exe");
    EXPECT_EQ(p.cmdline(), "c:\\self.exe");  // cmdline falls back to the path
}

TEST_F(ProcessTest, SensorAndBinaryAreLazyHandles) {
    auto cb = connect();
    const Process p(cb.handle(), proc_doc(G, "cmd.exe", {{"process_md5", "0123456789abcdef0123456789abcdef"}, {"sensor_id", 3}}), true);
    const auto before = server.request_count();
    EXPECT_EQ(p.sensor().id(), "3");
    EXPECT_EQ(p.binary()->md5(), "0123456789ABCDEF0123456789ABCDEF");
    EXPECT_EQ(server.request_count(), before);
}

// --- ProcessQuery ---------------------------------------------------------------------------------------------------

TEST_F(ProcessTest, GroupByAndTimeFiltersSendCbParameters) {
    auto cb = connect();
    test::FakeSearch search;
    search.total = 3;
    search.install(server);
    const auto t = parse_cb_time("2017-05-21T18:41:58.999Z");
    const auto q = cb.select<Process>().where("process_name:cmd.exe").group_by("id").min_last_update(t)
                       .max_last_update(t + std::chrono::hours(1)).min_last_server_update(std::string("2017-05-20T00:00:00Z"))
                       .max_last_server_update(t + std::chrono::hours(2));
    std::size_t n = 0;
    for (const Process& p : q) n += p.valid() ? 0u : 1u;
    EXPECT_EQ(n, 3u);  // guid-<n> ids are not GUIDs
    const auto queries = test::queries_to(server, "/api/v1/process");
    ASSERT_FALSE(queries.empty());
    EXPECT_EQ(queries.front(),
              "cb.group=id&cb.max_last_server_update=2017-05-21T20%3A41%3A58Z&cb.max_last_update=2017-05-21T19%3A41%3A58Z"
              "&cb.min_last_server_update=2017-05-20T00%3A00%3A00Z&cb.min_last_update=2017-05-21T18%3A41%3A58Z&cb.urlver=1"
              "&facet=false&q=process_name%3Acmd.exe&rows=100&sort=last_update+desc&start=0");
    EXPECT_EQ(q.size(), 3u);
    q.facets({"process_name"});
    EXPECT_NE(test::queries_to(server, "/api/v1/process").back().find("cb.group=id"), std::string::npos);
}

TEST_F(ProcessTest, FiltersDoNotChangeTheQueryTheyWereCalledOn) {
    auto cb = connect();
    const auto base = cb.select<Process>().where("a");
    const auto grouped = base.group_by("id");
    EXPECT_TRUE(base.spec().extra.empty());
    ASSERT_EQ(grouped.spec().extra.size(), 1u);
    EXPECT_EQ(grouped.spec().extra[0], std::make_pair(std::string("cb.group"), std::string("id")));
}

TEST_F(ProcessTest, FiltersAreIgnoredBefore60WithADebugLog) {
    auto cb = connect("5.1.1.60603");
    test::LogCapture log(spdlog::level::debug);
    const auto q = cb.select<Process>().group_by("id").min_last_update(std::chrono::system_clock::now());
    EXPECT_TRUE(q.spec().extra.empty());
    EXPECT_NE(log.text().find("group_by() needs Cb Response 6.0 or later; ignored"), std::string::npos);
    EXPECT_NE(log.text().find("min_last_update() needs Cb Response 6.0"), std::string::npos);
}

TEST_F(ProcessTest, MaxChildrenOfAQueryReachesTheSummariesButNotTheSearch) {
    auto cb = connect();
    server.on("GET", "/api/v1/process", [](const testing::RecordedRequest&) {
        return MockResponse::json({{"results", {{{"id", G}, {"segment_id", 5}, {"process_name", "cmd.exe"}}}}, {"total_results", 1}});
    });
    summary(G, proc_doc(G, "cmd.exe"), json::object(), json::array({proc_doc(C1, "a.exe")}));
    summary(C1, proc_doc(C1, "a.exe"));
    const auto q = cb.select<Process>().max_children(50);
    EXPECT_EQ(q.max_children(), 50u);
    std::size_t visited = 0;
    for (const Process& p : q) {
        EXPECT_EQ(p.max_children(), 50u);
        p.walk_children([&](const Process&, int) { ++visited; });
    }
    EXPECT_EQ(visited, 1u);
    for (const auto& r : server.requests()) {
        if (r.path == "/api/v1/process") {
            EXPECT_FALSE(r.param("children")) << r.query;
        }
        if (r.path.rfind("/api/v1/process/", 0) == 0) {
            EXPECT_EQ(r.param("children"), "50") << r.path;
        }
    }
    EXPECT_THROW(cb.select<Process>().max_children(0), ApiError);
}

}  // namespace
}  // namespace cbapi::response
