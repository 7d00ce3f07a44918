// CbResponseAPI::from_ui: console links to objects and queries.
#include <gtest/gtest.h>

#include "support/response_fakes.hpp"

namespace cbapi {
namespace {

using namespace cbapi::response;

class FromUiTest : public ::testing::Test {
protected:
    testing::MockServer server;
    test::RecordingSleeper sleeper;
    CbResponseAPI cb = test::connected_api(server, sleeper);
};

TEST_F(FromUiTest, AnalyzeLinkIsALazyProcessOfThatSegment) {
    const auto guid = "00000001-0000-0f5c-01d2-d2e8d4a7c3d9";
    auto obj = cb.from_ui(server.url() + "/#/analyze/" + guid + "/1495465643405");
    ASSERT_TRUE(std::holds_alternative<Process>(obj));
    const auto before = server.request_count();
    // The summary is always asked for the default segment (0 on 6.x); the object keeps the link's segment.
    server.on("GET", std::string("/api/v1/process/") + guid + "/0", [](const testing::RecordedRequest&) {
        return testing::MockResponse::json({{"process", {{"id", "x"}, {"process_name", "cmd.exe"}}}});
    });
    auto& p = std::get<Process>(obj);
    EXPECT_EQ(p.guid(), guid);
    EXPECT_EQ(p.segment(), 1495465643405);
    EXPECT_EQ(server.request_count(), before);  // nothing loaded yet
    EXPECT_EQ(p.process_name(), "cmd.exe");
    EXPECT_EQ(server.requests().back().path, std::string("/api/v1/process/") + guid + "/0");
    EXPECT_EQ(p.segment(), 1495465643405);
}

TEST_F(FromUiTest, SearchLinkIsARawProcessQuery) {
    test::FakeSearch search;
    search.total = 3;
    search.install(server);
    auto obj = cb.from_ui(server.url() + "/#/search/?q=process_name%3Acmd.exe&cb.urlver=1&sort=start%20desc");
    ASSERT_TRUE(std::holds_alternative<Query<Process>>(obj));
    auto& q = std::get<Query<Process>>(obj);
    EXPECT_THROW(q.where("x:y"), ApiError);
    EXPECT_EQ(q.size(), 3u);
    EXPECT_EQ(test::requests_to(server, "/api/v1/process").back().query, "cb.urlver=1&q=process_name%3Acmd.exe&rows=0&start=0");
    // Pages keep the link's own sort rather than the model's default.
    std::size_t n = 0;
    for (const Process& p : q) n += p.guid().empty() ? 0u : 1u;
    EXPECT_EQ(n, 3u);
    EXPECT_EQ(test::requests_to(server, "/api/v1/process").back().query,
              "cb.urlver=1&q=process_name%3Acmd.exe&rows=100&sort=start+desc&start=0");
}

TEST_F(FromUiTest, BinaryWatchlistAndThreatReportLinks) {
    EXPECT_TRUE(std::holds_alternative<Binary>(cb.from_ui(server.url() + "/#/binary/eab975db4c2805927fe5bd047d05c9aa")));
    EXPECT_TRUE(std::holds_alternative<Watchlist>(cb.from_ui(server.url() + "/#/watchlist/5")));
    auto report = cb.from_ui(server.url() + "/#/threat-details/7/abc-123");
    ASSERT_TRUE(std::holds_alternative<ThreatReport>(report));
    EXPECT_EQ(std::get<ThreatReport>(report).feed_id(), "7");
    EXPECT_TRUE(std::holds_alternative<AlertQuery>(cb.from_ui(server.url() + "/#/alerts/?q=status%3AUnresolved")));
    EXPECT_TRUE(std::holds_alternative<Query<Binary>>(cb.from_ui(server.url() + "/#/binaries/?q=md5%3Aabc")));
}

TEST_F(FromUiTest, InvestigationLinkLooksUpTheList) {
    server.enqueue("GET", "/api/investigations",
                   testing::MockResponse::json(nlohmann::json::array({{{"id", 1}, {"name", "Default"}},
                                                                       {{"id", 2}, {"name", "Incident 42"}}})));
    auto obj = cb.from_ui(server.url() + "/#/investigation/2");
    ASSERT_TRUE(std::holds_alternative<Investigation>(obj));
    EXPECT_EQ(std::get<Investigation>(obj).name(), "Incident 42");
}

TEST_F(FromUiTest, LinkToAnotherServerIsRejected) {
    EXPECT_THROW(cb.from_ui("https://other.example.com/#/binary/ABC"), ApiError);
    EXPECT_THROW(cb.from_ui(server.url() + "/#/nonsense/1"), ApiError);
}

}  // namespace
}  // namespace cbapi
