// Process and binary queries on current servers (issue 23): webui_link() (cbapi-python 1.3.3),
// use_comprehensive_search() (1.3.5), the automatic cb.legacy_5x_mode (1.3.5), and ClientError / QuerySyntaxError
// from the search (1.7.0), against the simulator imitating 5.1 and 6.1 servers.
#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "cbapi/response/process.hpp"
#include "cbapi/testing/response_process_simulator.hpp"
#include "support/response_fakes.hpp"

namespace cbapi::response {
namespace {

using nlohmann::json;
using testing::MockResponse;

class QueriesOnCurrentServers : public ::testing::Test {
protected:
    CbResponseAPI& start(const std::string& version) {
        options.server_version = version;
        testing::install_response_info(server, options);
        testing::install_response_process_simulator(server, options);
        cb.emplace(test::response_api(server, sleeper));
        return *cb;
    }
    // A storage partition list as 6.x serves it, with or without a legacy (5.x) core.
    void partitions(bool legacy) {
        server.on("GET", "/api/v1/storage/events/partition", [legacy](const testing::RecordedRequest&) {
            return MockResponse::json(
                {{"writer", {{"name", "writer"}, {"status", "hot"}, {"isLegacy", false}}},
                 {"cbevents_2016_06_11_1351", {{"name", "cbevents_2016_06_11_1351"}, {"status", "warm"}, {"isLegacy", legacy}}}});
        });
    }
    std::vector<testing::RecordedRequest> searches() const { return test::requests_to(server, "/api/v1/process"); }
    std::size_t count(const std::string& path) const { return test::requests_to(server, path).size(); }

    testing::MockServer server;
    test::RecordingSleeper sleeper;
    testing::ResponseSimulatorOptions options;
    std::optional<CbResponseAPI> cb;
};

TEST_F(QueriesOnCurrentServers, WebuiLinkIsTheConsoleSearchOfTheQuery) {
    auto& api = start("6.1.0.180806.1200");
    const auto q = api.select<Process>().where("process_name:cmd.exe").where("hostname:win 7").group_by("id");
    const std::string link = q.webui_link();
    EXPECT_EQ(link, api.url() + "/#/search?cb.urlver=1&facet=false&cb.group=id&q=process_name%3Acmd.exe+hostname%3Awin+7");
    EXPECT_EQ(server.request_count(), 1u);  // /api/info only: a link costs no request
    // Without a query, `q=` is empty (as cbapi-python); a binary query links the binaries page.
    EXPECT_EQ(api.select<Process>().webui_link(), api.url() + "/#/search?cb.urlver=1&facet=false&q=");
    EXPECT_EQ(api.select<Binary>().where("md5:AA").webui_link(), api.url() + "/#/binaries?cb.urlver=1&facet=false&q=md5%3AAA");
    // from_ui() takes the link back: the same search.
    const auto back = api.from_ui(link);
    ASSERT_TRUE(std::holds_alternative<ProcessQuery>(back));
    const auto& again = std::get<ProcessQuery>(back);
    EXPECT_EQ(again.size(), q.size());
    EXPECT_EQ(again.webui_link(), link);
}

TEST_F(QueriesOnCurrentServers, WebuiLinkOn51HasNoFacetFalseBefore511) {
    auto& api = start("5.1.0.150625.500");
    EXPECT_EQ(api.select<Process>().where("a:b").webui_link(), api.url() + "/#/search?cb.urlver=1&q=a%3Ab");
}

TEST_F(QueriesOnCurrentServers, ComprehensiveSearchJoinsTheSegmentsOfAProcess) {
    auto& api = start("6.1.0.180806.1200");
    // powershell's three network connections are in three different segments: no one segment has two of them.
    const auto q = api.select<Process>().where("process_name:powershell.exe sensor_id:1 ipaddr:198.51.100.7 ipaddr:10.1.2.3");
    EXPECT_EQ(q.size(), 0u);
    const auto joined = q.use_comprehensive_search();
    EXPECT_EQ(joined.size(), 3u);  // every segment of the one process
    EXPECT_EQ(joined.group_by("id").size(), 1u);
    EXPECT_EQ(searches().back().param("comprehensive_search"), std::optional<std::string>("true"));
    EXPECT_EQ(searches().front().param("comprehensive_search"), std::nullopt);
    // The original query is unchanged.
    EXPECT_EQ(q.spec().extra.size(), 0u);
    EXPECT_NE(joined.webui_link().find("comprehensive_search=true"), std::string::npos);
}

TEST_F(QueriesOnCurrentServers, LegacyModeIsSentWhenA5xCoreIsLoaded) {
    auto& api = start("6.1.0.180806.1200");
    partitions(true);
    const auto q = api.select<Process>().where("process_name:cmd.exe");
    (void)q.size();
    (void)q.first();
    (void)q.facets({"hostname"});
    const auto sent = searches();
    ASSERT_EQ(sent.size(), 3u);
    for (const auto& r : sent) EXPECT_EQ(r.param("cb.legacy_5x_mode"), std::optional<std::string>("true")) << r.query;
    // Asked once (then the read cache answers), before the first search.
    EXPECT_EQ(count("/api/v1/storage/events/partition"), 1u);
    (void)api.select<Process>().size();
    EXPECT_EQ(count("/api/v1/storage/events/partition"), 1u);
    // The caller's explicit choice wins.
    (void)q.legacy_5x_mode(false).size();
    EXPECT_EQ(searches().back().param("cb.legacy_5x_mode"), std::optional<std::string>("false"));
}

TEST_F(QueriesOnCurrentServers, NoLegacyModeWithoutALegacyCore) {
    auto& api = start("6.1.0.180806.1200");
    partitions(false);
    (void)api.select<Process>().where("process_name:cmd.exe").size();
    EXPECT_EQ(count("/api/v1/storage/events/partition"), 1u);
    EXPECT_EQ(searches().back().param("cb.legacy_5x_mode"), std::nullopt);
}

TEST_F(QueriesOnCurrentServers, APartitionListTheServerRefusesMeansNoLegacyCore) {
    auto& api = start("6.1.0.180806.1200");
    server.on("GET", "/api/v1/storage/events/partition", [](const testing::RecordedRequest&) {
        return MockResponse::json({{"reason", "forbidden"}}, 403);
    });
    EXPECT_GT(api.select<Process>().where("process_name:cmd.exe").size(), 0u);
    EXPECT_EQ(searches().back().param("cb.legacy_5x_mode"), std::nullopt);
}

TEST_F(QueriesOnCurrentServers, NoPartitionRequestBefore60) {
    auto& api = start("5.1.1.60603");
    partitions(true);
    EXPECT_GT(api.select<Process>().where("process_name:cmd.exe").size(), 0u);
    EXPECT_EQ(count("/api/v1/storage/events/partition"), 0u);
    EXPECT_EQ(searches().back().param("cb.legacy_5x_mode"), std::nullopt);
    // Explicitly asked for, it is sent (the server decides).
    (void)api.select<Process>().legacy_5x_mode(true).size();
    EXPECT_EQ(searches().back().param("cb.legacy_5x_mode"), std::optional<std::string>("true"));
}

TEST_F(QueriesOnCurrentServers, AQueryTheServerCannotParseIsAQuerySyntaxError) {
    auto& api = start("6.1.0.180806.1200");
    const auto q = api.select<Process>().where("process_name:\"cmd.exe");
    try {
        (void)q.size();
        FAIL() << "expected QuerySyntaxError";
    } catch (const QuerySyntaxError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_EQ(e.server_message(), "Invalid query: missing '\"'");
        EXPECT_NE(std::string(e.what()).find("Received query syntax error for " + api.url() + "/api/v1/process?"),
                  std::string::npos);
        EXPECT_NE(std::string(e.what()).find(": Invalid query: missing '\"'"), std::string::npos);
    }
    // Code written for the 1.3.2 tree still catches it.
    EXPECT_THROW((void)q.size(), ServerError);
    EXPECT_THROW((void)q.first(), ClientError);
}

TEST_F(QueriesOnCurrentServers, AnotherRefusedRequestIsAClientErrorWithTheServersMessage) {
    auto& api = start("6.1.0.180806.1200");
    const auto q = api.select<Process>().min_last_update(std::string("yesterday"));
    try {
        (void)q.size();
        FAIL() << "expected ClientError";
    } catch (const QuerySyntaxError&) {
        FAIL() << "not a query syntax error";
    } catch (const ClientError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_NE(e.body().find("Invalid cb.min_last_update: yesterday"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("Received error code 400 from API: "), std::string::npos);
    }
}

}  // namespace
}  // namespace cbapi::response
