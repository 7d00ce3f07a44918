// Alert (fields, joins, save) and AlertQuery (search, facets, bulk updates in batches).
#include <algorithm>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "response_intel/intel_fixture.hpp"

namespace cbapi {
namespace {

using namespace cbapi::response;
using test::IntelTest;

class AlertTest : public IntelTest {
protected:
    std::vector<Alert> all(const AlertQuery& q) const { return q.slice(0); }
    std::vector<testing::RecordedRequest> bulk_posts() const { return test::requests_to(server, "/api/v1/alerts"); }
};

TEST_F(AlertTest, SearchSendsTheClausesAsQAndPages) {
    const auto q = cb.select<Alert>().where("status:Unresolved").batch_size(5);
    const auto alerts = all(q);
    ASSERT_FALSE(alerts.empty());
    for (const Alert& a : alerts) EXPECT_EQ(a.status(), "Unresolved");
    EXPECT_EQ(q.size(), alerts.size());
    auto sent = test::queries_to(server, "/api/v1/alert");
    ASSERT_GE(sent.size(), 2u);
    EXPECT_EQ(sent[0], "cb.urlver=1&facet=false&q=status%3AUnresolved&rows=5&start=0");
    // Later pages are prefetched concurrently: the server may see them in any order.
    EXPECT_NE(std::find(sent.begin() + 1, sent.end(), "cb.urlver=1&facet=false&q=status%3AUnresolved&rows=5&start=5"),
              sent.end())
        << ::testing::PrintToString(sent);
}

TEST_F(AlertTest, AlertsNameTheSimulatedHosts) {
    const auto hosts = testing::simulated_hosts({});
    std::set<std::string> names;
    for (const auto& h : hosts) names.insert(h.hostname);
    const auto alerts = all(cb.select<Alert>());
    EXPECT_EQ(alerts.size(), hosts.size() * 3);
    for (const Alert& a : alerts) {
        EXPECT_EQ(names.count(a.hostname()), 1u) << a.hostname();
        EXPECT_FALSE(a.unique_id().empty());
        EXPECT_TRUE(a.is_full());
        EXPECT_TRUE(a.created_time().has_value());
    }
    // Search results are complete: reading a missing field sends nothing.
    const std::size_t before = server.request_count();
    EXPECT_FALSE(alerts.front().get<std::string>("no_such_field").has_value());
    EXPECT_EQ(server.request_count(), before);
}

TEST_F(AlertTest, FacetsCountStatuses) {
    const auto facets = cb.select<Alert>().facets({"status"});
    ASSERT_EQ(facets.count("status"), 1u);
    long long total = 0;
    for (const auto& f : facets.at("status")) total += f.value;
    EXPECT_EQ(static_cast<std::size_t>(total), cb.select<Alert>().size());
    const auto sent = test::queries_to(server, "/api/v1/alert");
    EXPECT_EQ(sent[0], "cb.urlver=1&facet=true&facet.field=status&rows=0&start=0");
}

TEST_F(AlertTest, JoinsBuildObjectsWithoutRequests) {
    const Alert process_alert = *cb.select<Alert>().where("alert_type:watchlist.hit.query.process").first();
    const Alert binary_alert = *cb.select<Alert>().where("alert_type:watchlist.hit.query.binary").first();
    const Alert feed_alert = *cb.select<Alert>().where("alert_type:watchlist.hit.ingress.process").first();
    const std::size_t before = server.request_count();
    const auto process = process_alert.process();
    ASSERT_TRUE(process.has_value());
    EXPECT_EQ(process->guid(), process_alert.process_id());
    EXPECT_EQ(process->segment(), 0);  // 6.x: the alert's truncated segment id is not used
    EXPECT_FALSE(binary_alert.process().has_value());
    EXPECT_EQ(binary_alert.binary()->md5(), binary_alert.md5());
    EXPECT_EQ(process_alert.sensor()->id(), process_alert.sensor_id());
    EXPECT_EQ(process_alert.watchlist()->id(), process_alert.watchlist_id());
    EXPECT_EQ(process_alert.feed_id(), "-1");
    EXPECT_FALSE(process_alert.feed().has_value());
    EXPECT_EQ(feed_alert.feed()->id(), feed_alert.feed_id());
    EXPECT_EQ(feed_alert.trigger_ioc().at("ioc_type"), "ipv4");
    EXPECT_EQ(server.request_count(), before);
    EXPECT_EQ(feed_alert.feed()->name(), feed_alert.feed_name());  // loads the feed
}

TEST_F(AlertTest, SaveSendsTheWholeDocumentToTheAlertsUrl) {
    Alert alert = *cb.select<Alert>().where("status:Unresolved").first();
    const std::string id = alert.unique_id();
    alert.set_status(Alert::status_in_progress);
    alert.save();
    EXPECT_EQ(alert.status(), "In Progress");
    const auto posts = test::requests_to(server, "/api/v1/alert/" + id);
    ASSERT_EQ(posts.size(), 1u);
    EXPECT_EQ(posts[0].method, "POST");
    EXPECT_EQ(posts[0].json().at("unique_id"), id);
    EXPECT_EQ(posts[0].json().at("status"), "In Progress");
    EXPECT_TRUE(posts[0].json().contains("hostname"));
    EXPECT_EQ(cb.select<Alert>().where("unique_id:" + id).one().status(), "In Progress");
    EXPECT_THROW(alert.set_status("Closed"), ApiError);
    alert.set("status", "Closed");
    try {
        alert.save();
        FAIL() << "expected ServerError";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 400);
    }
}

TEST_F(AlertTest, ChangeStatusCollectsEveryIdThenPostsOnce) {
    const auto unresolved = cb.select<Alert>().where("-status:Resolved").where("-status:\"False Positive\"");
    std::vector<std::string> ids;
    for (const Alert& a : unresolved) ids.push_back(a.unique_id());
    ASSERT_GT(ids.size(), 10u);
    server.clear_requests();
    EXPECT_EQ(unresolved.batch_size(7).change_status("Resolved"), ids.size());
    const auto posts = bulk_posts();
    ASSERT_EQ(posts.size(), 1u);
    EXPECT_EQ(posts[0].json(), (nlohmann::json{{"alert_ids", ids}, {"requested_status", "Resolved"}}));
    // Every page was read before the POST.
    const auto sent = server.requests();
    EXPECT_EQ(sent.back().path, "/api/v1/alerts");
    EXPECT_EQ(cb.select<Alert>().where("-status:Resolved").where("-status:\"False Positive\"").size(), 0u);
}

TEST_F(AlertTest, BulkUpdatesAreSentInBatches) {
    const auto q = cb.select<Alert>().where("hostname:WIN-*").bulk_batch_size(4);
    const std::size_t n = q.size();
    ASSERT_GT(n, 8u);
    EXPECT_EQ(q.assign("analyst1"), n);
    const auto posts = bulk_posts();
    ASSERT_EQ(posts.size(), (n + 3) / 4);
    std::size_t sent_ids = 0;
    for (const auto& p : posts) {
        const auto body = p.json();
        EXPECT_EQ(body.at("assigned_to"), "analyst1");
        EXPECT_EQ(body.at("requested_status"), "In Progress");
        EXPECT_LE(body.at("alert_ids").size(), 4u);
        sent_ids += body.at("alert_ids").size();
    }
    EXPECT_EQ(sent_ids, n);
    for (const Alert& a : cb.select<Alert>().where("hostname:WIN-*")) EXPECT_EQ(a.assigned_to(), "analyst1");
    EXPECT_THROW((void)q.bulk_batch_size(0), ApiError);
}

TEST_F(AlertTest, SetIgnoredSendsTheUpdatesObject) {
    const auto q = cb.select<Alert>().where("alert_type:watchlist.hit.query.binary");
    const std::size_t n = q.set_ignored();
    ASSERT_GT(n, 0u);
    const auto body = bulk_posts().at(0).json();
    EXPECT_EQ(body.at("updates"), (nlohmann::json{{"is_ignored", true}, {"requested_status", "False Positive"}}));
    EXPECT_EQ(body.at("alert_ids").size(), n);
    for (const Alert& a : q) EXPECT_EQ(a.status(), "False Positive");
}

TEST_F(AlertTest, NoMatchSendsNoBulkRequest) {
    EXPECT_EQ(cb.select<Alert>().where("hostname:NO-SUCH-HOST").change_status("Resolved"), 0u);
    EXPECT_TRUE(bulk_posts().empty());
}

TEST_F(AlertTest, BadArgumentsFailBeforeAnyRequest) {
    EXPECT_THROW((void)cb.select<Alert>().change_status("Done"), ApiError);
    EXPECT_THROW((void)cb.select<Alert>().assign(""), ApiError);
    EXPECT_TRUE(log().empty());
}

TEST_F(AlertTest, ConsoleLinkToAlertsIsAnAlertQuery) {
    const auto link = cb.from_ui(server.url() + "/#/alerts/?q=status%3AResolved&cb.urlver=1");
    ASSERT_TRUE(std::holds_alternative<AlertQuery>(link));
    for (const Alert& a : std::get<AlertQuery>(link)) EXPECT_EQ(a.status(), "Resolved");
}

class OldServerAlertTest : public IntelTest {
protected:
    OldServerAlertTest() : IntelTest("5.1.1.160416.0935") {}
};

TEST_F(OldServerAlertTest, ProcessKeepsTheAlertSegmentBefore60) {
    const Alert a = *cb.select<Alert>().where("alert_type:watchlist.hit.query.process").first();
    ASSERT_TRUE(a.segment_id().has_value());
    EXPECT_EQ(a.process()->segment(), *a.segment_id());
}

}  // namespace
}  // namespace cbapi
