// The threat-intelligence simulator on the wire: validation (400/404/409), search syntax, paging and sorting,
// determinism, persistence and thread safety.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cbapi/testing/simulators.hpp"
#include "response_intel/intel_fixture.hpp"

namespace cbapi {
namespace {

using nlohmann::json;
using test::IntelTest;

class IntelSimulatorTest : public IntelTest {
protected:
    Connection conn{test::credentials_for(server), test::test_options(sleeper)};

    /// The status of a request (0 when it succeeded).
    int status_of(HttpMethod method, const std::string& path, const json& body) {
        try {
            conn.send_json_raw(method, path, body);
            return 0;
        } catch (const HttpError& e) {
            return e.status();
        }
    }
    json search(const QueryParams& params) { return conn.get_json("/api/v1/alert", params); }
    std::vector<std::string> ids_of(const json& reply) {
        std::vector<std::string> out;
        for (const auto& a : reply.at("results")) out.push_back(a.at("unique_id").get<std::string>());
        return out;
    }
};

TEST_F(IntelSimulatorTest, WatchlistValidation) {
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/watchlist", {{"name", "x"}}), 400);
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/watchlist",
                        {{"name", "x"}, {"index_type", "alerts"}, {"search_query", "q=a"}}),
              400);
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/watchlist",
                        {{"name", "x"}, {"index_type", "events"}, {"search_query", "cb.urlver=1"}}),
              400);
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/watchlist",
                        {{"id", 2}, {"name", "x"}, {"index_type", "events"}, {"search_query", "q=a"}}),
              409);
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/watchlist",
                        {{"id", 40}, {"name", "x"}, {"index_type", "events"}, {"search_query", "q=a"}}),
              0);
    EXPECT_EQ(conn.get_json("/api/v1/watchlist/40").at("id"), "40");  // a caller-chosen id
    EXPECT_EQ(status_of(HttpMethod::put, "/api/v1/watchlist/99", {{"name", "y"}}), 404);
    EXPECT_EQ(status_of(HttpMethod::put, "/api/v1/watchlist/40",
                        {{"name", "Netcat usage"}, {"index_type", "events"}, {"search_query", "q=a"}}),
              409);
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/watchlist/1/action", {{"action_type", 7}}), 400);
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/watchlist/1/action", {{"action_type", 1}, {"watchlist_id", 2}}),
              400);
    EXPECT_EQ(status_of(HttpMethod::put, "/api/v1/watchlist/1/action/999", {{"action_type", 1}}), 404);
    EXPECT_THROW(conn.request(HttpMethod::post, "/api/v1/watchlist", {}, "not json"), ServerError);
}

TEST_F(IntelSimulatorTest, FeedValidation) {
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/feed", {{"enabled", true}}), 400);
    EXPECT_EQ(status_of(HttpMethod::put, "/api/v1/feed/1", {{"enabled", true}}), 400);  // feed_url required
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/feed/1/synchronize", {{"full_sync", "yes"}}), 400);
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/feed/3/synchronize", {{"full_sync", true}}), 409);
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/feed/1/action", {{"action_type", 0}}), 400);  // no watchlist_id
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/feed/1/action", {{"action_type", 0}, {"watchlist_id", 5}}), 400);
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/feed/1/action", {{"action_type", 3}, {"watchlist_id", -1}}), 409);
    EXPECT_THROW(conn.get_json("/api/v1/feed/1/report/nope"), ObjectNotFoundError);
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/threat_report", {{"ids", {{"1", json::array({"abusech-1"})}}}}), 400);
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/threat_report",
                        {{"ids", {{"1", json::array({"abusech-1"})}}}, {"updates", {{"is_ignored", "yes"}}}}),
              400);
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/threat_report",
                        {{"ids", {{"1", json::array({"abusech-9"})}}}, {"updates", {{"is_ignored", true}}}}),
              404);
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/threat_report", {{"updates", {{"is_ignored", true}}}}), 400);
}

TEST_F(IntelSimulatorTest, AlertValidation) {
    const std::string id = search({{"q", ""}, {"rows", "1"}}).at("results").at(0).at("unique_id");
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/alert/" + id, {{"status", "Resolved"}}), 400);
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/alert/" + id, {{"unique_id", "other"}, {"status", "Resolved"}}),
              400);
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/alert/nope", {{"unique_id", "nope"}, {"status", "Resolved"}}), 404);
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/alerts", {{"alert_ids", json::array()}, {"requested_status", "Resolved"}}),
              400);
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/alerts", {{"alert_ids", json::array({id})}}), 400);
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/alerts", {{"alert_ids", json::array({id})}, {"requested_status", "Gone"}}), 400);
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/alerts", {{"alert_ids", json::array({id})}, {"updates", {{"score", 1}}}}), 400);
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/alerts", {{"alert_ids", json::array({id, "nope"})}, {"requested_status", "Resolved"}}),
              404);
    EXPECT_NE(search({{"q", "unique_id:" + id}}).at("results").at(0).at("status"), "Gone");
    EXPECT_THROW(search({{"rows", "-1"}}), ServerError);
    EXPECT_THROW(search({{"q", "(status:Resolved)"}}), ServerError);
    EXPECT_THROW(search({{"q", "status:\"Resolved"}}), ServerError);
}

TEST_F(IntelSimulatorTest, BanningValidation) {
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/banning/blacklist", {{"text", "x"}}), 400);
    EXPECT_EQ(status_of(HttpMethod::post, "/api/v1/banning/blacklist", {{"md5hash", "abc"}}), 400);
    EXPECT_EQ(status_of(HttpMethod::put, "/api/v1/banning/blacklist/e4b9902024ac32b3ca37f6b4c9b841e8",
                        {{"md5hash", "5a18f00ab9330ac7539675f3f326cf11"}}),
              400);
    EXPECT_EQ(status_of(HttpMethod::put, "/api/v1/banning/blacklist/00000000000000000000000000000000", {{"text", ""}}),
              404);
    EXPECT_EQ(conn.get_json("/api/v1/banning/blacklist", {{"count", "1"}}).size(), 1u);  // the server's limit
    EXPECT_EQ(conn.get_json("/api/v1/banning/blacklist/E4B9902024AC32B3CA37F6B4C9B841E8").at("enabled"), true);
}

TEST_F(IntelSimulatorTest, SearchSyntax) {
    const auto total = search({{"q", ""}, {"rows", "0"}}).at("total_results").get<std::size_t>();
    const auto count = [&](const std::string& q) {
        return search({{"q", q}, {"rows", "0"}}).at("total_results").get<std::size_t>();
    };
    const std::size_t resolved = count("status:resolved");
    EXPECT_GT(resolved, 0u);
    EXPECT_EQ(count("-status:Resolved"), total - resolved);
    EXPECT_EQ(count("NOT status:Resolved"), total - resolved);
    EXPECT_EQ(count("status:Resolved OR status:Unresolved"), resolved + count("status:Unresolved"));
    EXPECT_EQ(count("status:\"In Progress\""), count("status:In*"));
    EXPECT_EQ(count("report_score:[0 TO *]"), total);
    EXPECT_EQ(count("report_score:[50 TO 74]") + count("report_score:[75 TO 99]"), total);
    EXPECT_EQ(count("mimikatz"), count("process_name:mimikatz.exe"));  // free text
    EXPECT_EQ(count("status:Resolved AND status:Unresolved"), 0u);
}

TEST_F(IntelSimulatorTest, PagingAndSorting) {
    const auto all = search({{"q", ""}, {"rows", "1000"}, {"sort", "report_score desc"}});
    const auto& results = all.at("results");
    for (std::size_t i = 1; i < results.size(); ++i)
        EXPECT_GE(results[i - 1].at("report_score").get<long long>(), results[i].at("report_score").get<long long>());
    const auto page = search({{"q", ""}, {"rows", "5"}, {"start", "5"}, {"sort", "report_score desc"}});
    EXPECT_EQ(page.at("start"), 5);
    EXPECT_EQ(page.at("total_results"), results.size());
    std::vector<std::string> expected;
    for (std::size_t i = 5; i < 10; ++i) expected.push_back(results[i].at("unique_id"));
    EXPECT_EQ(ids_of(page), expected);
    EXPECT_EQ(search({{"q", ""}}).at("results").size(), 10u);  // the server's default rows
    EXPECT_THROW(search({{"sort", "report_score sideways"}}), ServerError);
    const auto facets = search({{"q", ""}, {"rows", "0"}, {"facets", "true"}, {"facet.field", "status"}});
    EXPECT_TRUE(facets.at("facets").contains("status"));
}

TEST_F(IntelSimulatorTest, SameSeedSameWorldAndHosts) {
    testing::MockServer other;
    testing::install_simulators(other);
    Connection other_conn(test::credentials_for(other), test::test_options(sleeper));
    const json mine = search({{"q", ""}, {"rows", "1000"}});
    const json theirs = other_conn.get_json("/api/v1/alert", {{"q", ""}, {"rows", "1000"}});
    EXPECT_EQ(mine, theirs);
    std::set<int> sensors;
    for (const auto& h : testing::simulated_hosts({})) sensors.insert(h.sensor_id);
    for (const auto& a : mine.at("results")) EXPECT_EQ(sensors.count(a.at("sensor_id").get<int>()), 1u);
}

TEST_F(IntelSimulatorTest, ConcurrentWritesAllPersist) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([this, t] {
            auto api = test::response_api(server, sleeper);
            for (int i = 0; i < 5; ++i) {
                auto w = api.create<response::Watchlist>();
                w.set_name("w-" + std::to_string(t) + "-" + std::to_string(i))
                    .set_index_type("events")
                    .set_query("process_name:x.exe");
                w.save();
                auto ban = api.create<response::BannedHash>();
                ban.set_md5hash(fmt::format("{:032x}", t * 100 + i + 1));
                ban.save();
            }
        });
    }
    for (auto& t : threads) t.join();
    std::set<std::string> ids;
    for (const auto& w : cb.select<response::Watchlist>()) ids.insert(w.id());
    EXPECT_EQ(ids.size(), 5u + 20u);
    EXPECT_EQ(cb.select<response::BannedHash>().size(), 2u + 20u);
}

}  // namespace
}  // namespace cbapi
