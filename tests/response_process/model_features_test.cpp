// cbapi-python 1.3.2 model features (issue 20) against the simulator: feed tags and threat-intelligence hits of
// processes and binaries, the process time fields, select<Process>(guid, segment) and all_events_segment(),
// create_watchlist() on process and binary queries, Binary::read() and banned(), Process::binary() without an MD5,
// investigations and tagged events.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cbapi/response.hpp"
#include "cbapi/testing/response_intel_simulator.hpp"
#include "cbapi/testing/response_process_simulator.hpp"
#include "support/response_fakes.hpp"
#include "support/zip_writer.hpp"

namespace cbapi::response {
namespace {

using nlohmann::json;

class ModelFeatures : public ::testing::Test {
protected:
    CbResponseAPI& start(const std::string& version = "6.1.0.180806.1200") {
        options.server_version = version;
        testing::install_response_info(server, options);
        testing::install_response_process_simulator(server, options);
        testing::install_response_intel_simulator(server, options);
        cb.emplace(test::response_api(server, sleeper));
        return *cb;
    }
    std::size_t count(const std::string& path) const { return test::requests_to(server, path).size(); }
    // The first simulated host's process of this name (one result per process).
    Process process_named(const std::string& name) {
        auto p = cb->select<Process>().where("process_name:" + name + " sensor_id:1").group_by("id").first();
        EXPECT_TRUE(p.has_value()) << name;
        return *p;
    }
    Binary payload() {
        auto b = cb->select<Binary>().where("original_filename:payload.exe").first();
        EXPECT_TRUE(b.has_value());
        return *b;
    }

    testing::MockServer server;
    test::RecordingSleeper sleeper;
    testing::ResponseSimulatorOptions options;
    std::optional<CbResponseAPI> cb;
};

// --- feed tags -------------------------------------------------------------------------------------------------------

TEST_F(ModelFeatures, BinaryTagsAreTheAllianceFieldsByFeed) {
    start();
    const Binary b = payload();
    EXPECT_EQ(b.tags(), (std::vector<std::string>{"abusech", "virustotal"}));
    EXPECT_EQ(b.tag_score("abusech"), 85);  // sent as text
    EXPECT_EQ(b.tag_score("virustotal"), 12);
    std::string md5_lower = b.md5();
    for (char& c : md5_lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(b.tag_data("abusech"), std::vector<std::string>{"abusech-" + md5_lower.substr(0, 8)});
    EXPECT_EQ(b.tag_link("abusech").rfind("https://sslbl.abuse.ch/intel/", 0), 0u);
    const auto info = b.tag_info("abusech");
    ASSERT_TRUE(info);
    EXPECT_EQ(info->feed, "abusech");
    EXPECT_EQ(info->updated, parse_cb_time("2017-08-09T09:00:00Z"));
    EXPECT_EQ(info->fields.at("score"), "85");
    EXPECT_FALSE(b.tag_info("srstrust"));
    EXPECT_TRUE(b.tag_data("srstrust").empty());
    EXPECT_EQ(b.tag_score("srstrust"), std::nullopt);
    const auto hits = b.threat_intel_hits();
    ASSERT_EQ(hits.size(), 2u);
    EXPECT_EQ(hits[1].feed, "virustotal");
    EXPECT_EQ(hits[1].link, b.virustotal().link);
}

TEST_F(ModelFeatures, PartialBinaryLoadsItsSummaryForTags) {
    start();
    const std::string md5 = payload().md5();
    const auto before = count("/api/v1/binary/" + md5 + "/summary");
    const Binary lazy = cb->select<Binary>(md5);
    EXPECT_EQ(lazy.tags(), (std::vector<std::string>{"abusech", "virustotal"}));
    EXPECT_EQ(count("/api/v1/binary/" + md5 + "/summary"), before + 1);
}

TEST_F(ModelFeatures, ProcessTagsAndThreatIntelHits) {
    start();
    const Process p = process_named("powershell.exe");
    EXPECT_EQ(p.tags(), std::vector<std::string>{"abusech"});
    EXPECT_EQ(p.tag_data("abusech"), (std::vector<std::string>{"abusech-ps-enc", "abusech-ps-iex"}));
    EXPECT_EQ(p.tag_score("abusech"), 75);
    const auto hits = p.threat_intel_hits();
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].link, "https://sslbl.abuse.ch/intel/" + p.guid());
    ASSERT_TRUE(hits[0].updated);
    EXPECT_EQ(*hits[0].updated, *p.start() + std::chrono::seconds(60));
    EXPECT_TRUE(process_named("cmd.exe").tags().empty());
    // A search result reads its summary first (cbapi-python's full init); one known only by its GUID too (here
    // from the read cache: one summary request in all).
    EXPECT_EQ(count("/api/v1/process/" + p.guid() + "/0"), 1u);
    const auto lazy = cb->select<Process>(p.guid());
    EXPECT_EQ(lazy.tag_score("abusech"), 75);
    EXPECT_EQ(count("/api/v1/process/" + p.guid() + "/0"), 1u);
}

TEST_F(ModelFeatures, MalformedTagValuesNameTheField) {
    auto& api = start();
    const std::string g = "00000001-0000-0a8c-01d3-10e57fb50000";
    const auto with = [&](json fields) {
        json doc = {{"id", g}, {"process_name", "x.exe"}};
        doc.update(fields);
        return Process(api.handle(), doc, true);
    };
    const auto expect_error = [](const Process& p, const std::string& field) {
        try {
            p.threat_intel_hits();
            ADD_FAILURE() << "no error for " << field;
        } catch (const ApiError& e) {
            EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
        }
    };
    expect_error(with({{"alliance_score_x", "high"}}), "alliance_score_x");
    expect_error(with({{"alliance_data_x", 5}}), "alliance_data_x");
    expect_error(with({{"alliance_data_x", json::array({true})}}), "alliance_data_x");
    expect_error(with({{"alliance_updated_x", "yesterday"}}), "alliance_updated_x");
    // Names without a kind or a feed are not tags; a feed name may hold '_' (cbapi-python missed those).
    const Process odd = with({{"alliance_", 1}, {"alliance_score", 2}, {"alliance_score_my_feed", 3},
                              {"alliance_data_y", "one-report"}, {"alliance_score_y", nullptr}});
    EXPECT_EQ(odd.tags(), (std::vector<std::string>{"my_feed", "y"}));
    EXPECT_EQ(odd.tag_score("my_feed"), 3);
    EXPECT_EQ(odd.tag_data("y"), std::vector<std::string>{"one-report"});
    EXPECT_EQ(odd.tag_score("y"), std::nullopt);
}

// --- process time fields and binary() -----------------------------------------------------------------------------

TEST_F(ModelFeatures, ProcessUpdateTimesAreTimePoints) {
    start();
    const Process p = process_named("powershell.exe");  // three segments
    ASSERT_TRUE(p.min_last_update() && p.max_last_update());
    EXPECT_LT(*p.min_last_update(), *p.max_last_update());
    EXPECT_EQ(*p.min_last_server_update(), *p.min_last_update() + std::chrono::seconds(4));
    EXPECT_EQ(*p.max_last_server_update(), *p.max_last_update() + std::chrono::seconds(4));
    ASSERT_TRUE(p.last_server_update());
    EXPECT_LE(*p.last_server_update(), *p.max_last_server_update());
}

TEST_F(ModelFeatures, ProcessUpdateTimesAbsentOrMalformed) {
    auto& api = start("5.1.1.60603");
    const Process old = process_named("powershell.exe");
    EXPECT_EQ(old.min_last_update(), std::nullopt);  // 5.x documents have none
    EXPECT_EQ(old.max_last_server_update(), std::nullopt);
    const Process bad(api.handle(),
                      {{"id", old.guid()}, {"min_last_update", "not a time"}, {"max_last_update", json::array()}}, true);
    try {
        (void)bad.min_last_update();
        FAIL() << "no error";
    } catch (const ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("min_last_update"), std::string::npos) << e.what();
    }
    EXPECT_THROW((void)bad.max_last_update(), ApiError);
}

TEST_F(ModelFeatures, BinaryOfAProcessWithoutMd5IsNone) {
    auto& api = start();
    const auto before = server.requests().size();
    const Process none(api.handle(), {{"id", "00000001-0000-0a8c-01d3-10e57fb50000"}, {"process_md5", ""},
                                      {"modload_count", 0}}, true);
    EXPECT_EQ(none.binary(), std::nullopt);
    EXPECT_EQ(server.requests().size(), before);
    const Process p = process_named("cmd.exe");
    const auto b = p.binary();
    ASSERT_TRUE(b);
    EXPECT_EQ(b->md5(), p.process_md5());
    EXPECT_EQ(b->original_filename(), "cmd.exe");
}

// --- segments -------------------------------------------------------------------------------------------------------

TEST_F(ModelFeatures, SelectByGuidAndSegmentReadsThatSegmentsEvents) {
    start();
    const Process whole = process_named("powershell.exe");
    const auto segments = cb->select<Process>(whole.guid()).segments();
    ASSERT_EQ(segments.size(), 3u);
    const Process second = cb->select<Process>(whole.guid(), segments[1]);
    EXPECT_EQ(second.segment(), segments[1]);
    const auto events = second.all_events_segment();
    const std::string path = "/api/v4/process/" + whole.guid() + "/" + std::to_string(segments[1]) + "/event";
    EXPECT_EQ(count(path), 1u);
    const auto& e = second.events();
    EXPECT_EQ(events.size(), e.modloads.size() + e.filemods.size() + e.regmods.size() + e.netconns.size() +
                                 e.crossprocs.size() + e.childprocs.size());
    ASSERT_FALSE(events.empty());
    EXPECT_TRUE(std::is_sorted(events.begin(), events.end(), [](const ProcessEvent& a, const ProcessEvent& b) {
        return event_time(a) < event_time(b);
    }));
    // Segment 0 on 6.x is the whole process: the same events as all_events().
    const Process all = cb->select<Process>(whole.guid(), 0);
    EXPECT_EQ(all.segment(), 0);
    EXPECT_EQ(all.all_events_segment().size(), all.all_events().size());
    // A unique id's suffix gives way to the explicit segment.
    EXPECT_EQ(cb->select<Process>(whole.unique_id(), segments[2]).segment(), segments[2]);
    EXPECT_THROW(cb->select<Process>(whole.guid(), -1), ApiError);
    EXPECT_THROW(cb->select<Process>(std::string(), 1), ApiError);
}

// --- create_watchlist ----------------------------------------------------------------------------------------------

TEST_F(ModelFeatures, ProcessQueryBecomesAnEventsWatchlist) {
    start();
    const Watchlist w = cb->select<Process>().where("process_name:net.exe").and_("cmdline:admin").group_by("id")
                            .create_watchlist("net.exe adds users");
    const auto posts = test::requests_to(server, "/api/v1/watchlist");
    ASSERT_EQ(posts.size(), 1u);
    EXPECT_EQ(posts[0].method, "POST");
    const json body = json::parse(posts[0].body);
    EXPECT_EQ(body.at("name"), "net.exe adds users");
    EXPECT_EQ(body.at("index_type"), "events");
    EXPECT_EQ(body.at("search_query"),
              "cb.urlver=1&facet=false&cb.group=id&q=process_name%3Anet.exe+cmdline%3Aadmin&sort=last_update+desc");
    EXPECT_FALSE(w.id().empty());
    EXPECT_EQ(w.query(), "process_name:net.exe cmdline:admin");
    EXPECT_EQ(w.index_type(), "events");
    // The server runs it: the watchlist's search finds what the query found.
    EXPECT_EQ(w.process_search().size(),
              cb->select<Process>().where("process_name:net.exe cmdline:admin").group_by("id").size());
}

TEST_F(ModelFeatures, BinaryQueryBecomesAModulesWatchlist) {
    start();
    const Watchlist w = cb->select<Binary>().where("original_filename:payload.exe").create_watchlist("payloads");
    const auto posts = test::requests_to(server, "/api/v1/watchlist");
    ASSERT_EQ(posts.size(), 1u);
    const json body = json::parse(posts[0].body);
    EXPECT_EQ(body.at("index_type"), "modules");
    EXPECT_EQ(body.at("search_query"), "cb.urlver=1&facet=false&q=original_filename%3Apayload.exe");
    EXPECT_EQ(w.binary_search().size(), cb->select<Binary>().where("original_filename:payload.exe").size());
    EXPECT_GT(w.binary_search().size(), 0u);
    // A raw query keeps its own parameters; a sort is added.
    cb->select<Binary>().raw("q=md5%3A*&cb.urlver=1").sort("server_added_timestamp desc").create_watchlist("all");
    EXPECT_EQ(json::parse(test::requests_to(server, "/api/v1/watchlist").at(1).body).at("search_query"),
              "q=md5%3A%2A&cb.urlver=1&sort=server_added_timestamp+desc");
}

TEST_F(ModelFeatures, WatchlistNeedsANameAndTheServersConsent) {
    start();
    EXPECT_THROW(cb->select<Process>().where("process_name:a.exe").create_watchlist(""), ApiError);
    EXPECT_EQ(count("/api/v1/watchlist"), 0u);
    server.enqueue("POST", "/api/v1/watchlist", testing::MockResponse::json({{"reason", "duplicate name"}}, 409));
    EXPECT_THROW(cb->select<Process>().where("process_name:a.exe").create_watchlist("dup"), ServerError);
}

// --- Binary::read() and banned() -----------------------------------------------------------------------------------

TEST_F(ModelFeatures, BinaryReadReturnsTheFileInMemory) {
    start();
    const Binary b = payload();
    const std::string bytes = b.read();
    EXPECT_EQ(bytes.substr(0, 2), "MZ");
    EXPECT_EQ(static_cast<long long>(bytes.size()), b.size());
    const std::string path = ::testing::TempDir() + "/cbapi_read_" + b.md5();
    b.file(path);
    std::ifstream in(path, std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), bytes);
    std::remove(path.c_str());
}

TEST_F(ModelFeatures, BinaryReadIsBoundedAndAllOrNothing) {
    start();
    const Binary b = payload();
    try {
        (void)b.read(100);
        FAIL() << "no error";
    } catch (const ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("100"), std::string::npos) << e.what();
    }
    // Not held by the server.
    const auto helper = cb->select<Binary>().where("original_filename:helper.dll").first();
    ASSERT_TRUE(helper);
    EXPECT_THROW((void)helper->read(), ObjectNotFoundError);
    // A corrupt archive, a truncated one.
    const std::string url = "/api/v1/binary/" + b.md5();
    testing::MockResponse junk;
    junk.body = "not a zip at all";
    server.enqueue("GET", url, junk);
    EXPECT_THROW((void)b.read(), ApiError);
    testing::MockResponse cut;
    cut.body = test::zip_archive({test::stored_member("filedata", std::string(4000, 'A'))}).substr(0, 1000);
    server.enqueue("GET", url, cut);
    EXPECT_THROW((void)b.read(), ApiError);
}

TEST_F(ModelFeatures, BannedReturnsTheBannedHash) {
    start();
    const Binary b = payload();
    EXPECT_FALSE(b.banned());
    EXPECT_FALSE(b.ban_record());
    auto ban = cb->create<BannedHash>();
    ban.set_md5hash(b.md5()).set_text("dropper").set_enabled(true);
    ban.save();
    const auto banned = b.banned();
    ASSERT_TRUE(banned);
    EXPECT_EQ(banned->text(), "dropper");
    EXPECT_TRUE(banned->enabled());
    EXPECT_EQ(banned->binary().md5(), b.md5());
    ban.set_enabled(false);
    ban.save();
    EXPECT_FALSE(b.banned());                // lifted
    ASSERT_TRUE(b.ban_record());             // but still on record
    EXPECT_FALSE(b.ban_record()->enabled());
}

// --- investigations and tagged events --------------------------------------------------------------------------------

TEST_F(ModelFeatures, InvestigationEventsAreReadable) {
    start();
    const auto investigations = cb->select<Investigation>().results();
    ASSERT_EQ(investigations.size(), 1u);
    const Investigation& inv = investigations[0];
    EXPECT_EQ(inv.name(), "Default Investigation");
    EXPECT_TRUE(inv.date_started());
    const auto events = inv.events();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(test::requests_to(server, "/api/tagged_event/1").size(), 1u);
    const TaggedEvent& e = *events.begin();
    EXPECT_EQ(e.event_type(), "procstart");
    EXPECT_EQ(e.investigation_id(), 1);
    EXPECT_EQ(e.event_data().at("path").get<std::string>().find("cmd.exe") != std::string::npos, true);
    const auto p = e.process();
    ASSERT_TRUE(p);
    EXPECT_EQ(p->process_name(), "cmd.exe");
    EXPECT_EQ(p->guid(), e.process_guid());
    EXPECT_EQ(e.investigation().name(), "Default Investigation");
    EXPECT_EQ(cb->select<TaggedEvent>().where("investigation_id:1").size(), 1u);
    EXPECT_THROW(cb->select<TaggedEvent>().size(), ApiError);  // needs the investigation
    EXPECT_THROW(cb->select<TaggedEvent>().where("investigation_id:99").size(), ObjectNotFoundError);
}

TEST_F(ModelFeatures, TaggedEventsAreCreatedUpdatedAndDeleted) {
    start();
    const Investigation inv = cb->select<Investigation>().results().at(0);
    const Process p = process_named("powershell.exe");
    TaggedEvent tag = inv.tag_event();
    tag.set_process(p).set_event_type("netconn").set_event_data({{"domain", "www.example.com"}}).set_notes("c2?");
    tag.save();
    const auto posts = test::requests_to(server, "/api/tagged_event");
    ASSERT_EQ(posts.size(), 1u);
    const json body = json::parse(posts[0].body);
    EXPECT_EQ(body, (json{{"investigation_id", 1}, {"unique_id", p.guid()}, {"segment_id", p.segment()},
                          {"start_date", format_solr_time(*p.start())}, {"event_type", "netconn"},
                          {"event_data", {{"domain", "www.example.com"}}}, {"notes", "c2?"}}));
    ASSERT_FALSE(tag.id().empty());
    const auto listed = inv.events();
    ASSERT_EQ(listed.size(), 2u);
    const TaggedEvent& stored = *(listed.begin() + 1);
    EXPECT_EQ(stored.id(), tag.id());
    EXPECT_EQ(stored.notes(), "c2?");
    EXPECT_TRUE(stored.date_tagged());
    tag.set_notes("confirmed c2");
    tag.save();
    EXPECT_EQ(test::requests_to(server, "/api/tagged_event/" + tag.id()).back().method, "PUT");
    EXPECT_EQ((inv.events().begin() + 1)->notes(), "confirmed c2");
    tag.remove();
    EXPECT_EQ(test::requests_to(server, "/api/tagged_event/" + tag.id()).back().method, "DELETE");
    EXPECT_EQ(inv.events().size(), 1u);
}

TEST_F(ModelFeatures, BadTaggedEventsAreRefused) {
    start();
    const Investigation inv = cb->select<Investigation>().results().at(0);
    TaggedEvent missing = inv.tag_event();
    missing.set_notes("no process, no type");
    EXPECT_THROW(missing.save(), InvalidObjectError);
    EXPECT_EQ(count("/api/tagged_event"), 0u);
    EXPECT_THROW(missing.set_event_type(""), ApiError);
    TaggedEvent unknown = cb->create<TaggedEvent>();
    unknown.set_investigation_id(1).set_event_type("filemod");
    unknown.set("unique_id", "00000009-0000-0000-0000-000000000000");
    EXPECT_THROW(unknown.save(), ServerError);  // the server does not know the process
    EXPECT_THROW(Investigation(cb->handle(), json::object(), true).events(), InvalidObjectError);
}

}  // namespace
}  // namespace cbapi::response
