// Alerts on current servers (issue 23): the v2 read route (cbapi-python 1.4.3), select<Alert>(id) (1.7.1), triage of
// one alert (1.7.2/1.7.3) and set_ignored's payload (1.7.3), against the simulator imitating 6.1, 6.3 and 7.1.
#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "cbapi/detail/url.hpp"
#include "response_intel/intel_fixture.hpp"

namespace cbapi {
namespace {

using namespace cbapi::response;
using nlohmann::json;

class Alerts61 : public test::IntelTest {
protected:
    Alerts61() : IntelTest("6.1.0.180806.1200") {}
};
class Alerts63 : public test::IntelTest {
protected:
    Alerts63() : IntelTest("6.3.2.190508.1234") {}
};
class Alerts71 : public test::IntelTest {
protected:
    Alerts71() : IntelTest("7.1.0.200304.1530") {}
};

std::string some_unresolved(const AlertQuery& q) { return q.where("status:Unresolved").first()->unique_id(); }

TEST_F(Alerts61, SearchesUseTheV1RouteWhichIsTheOnlyOne) {
    EXPECT_EQ(cb.select<Alert>().search_path(), "/api/v1/alert");
    EXPECT_GT(cb.select<Alert>().size(), 0u);
    EXPECT_EQ(test::requests_to(server, "/api/v2/alert").size(), 0u);
    // The simulated 6.1 server has no v2 route, like the real one.
    EXPECT_THROW(cb.connection().get_json("/api/v2/alert"), ObjectNotFoundError);
}

TEST_F(Alerts63, SearchesCountsAndFacetsUseTheV2Route) {
    const auto q = cb.select<Alert>().where("status:Unresolved");
    EXPECT_EQ(q.search_path(), "/api/v2/alert");
    const std::size_t n = q.size();
    std::size_t seen = 0;
    for (const Alert& a : q) {
        EXPECT_EQ(a.status(), "Unresolved");
        ++seen;
    }
    EXPECT_EQ(seen, n);
    EXPECT_EQ(q.facets({"status"}).at("status").size(), 1u);
    EXPECT_EQ(test::requests_to(server, "/api/v1/alert").size(), 0u);
    const auto sent = test::queries_to(server, "/api/v2/alert");
    ASSERT_GE(sent.size(), 3u);
    EXPECT_EQ(sent[0], "cb.urlver=1&facet=false&q=status%3AUnresolved&rows=0&start=0");
}

TEST_F(Alerts63, SelectByIdReadsTheAlertThroughTheV2Filter) {
    const std::string id = some_unresolved(cb.select<Alert>());
    server.clear_requests();
    const Alert a = cb.select<Alert>(id);
    EXPECT_EQ(a.unique_id(), id);
    EXPECT_FALSE(a.hostname().empty());
    EXPECT_EQ(a.status(), "Unresolved");
    ASSERT_EQ(server.request_count(), 1u);
    EXPECT_EQ(test::queries_to(server, "/api/v2/alert"),
              std::vector<std::string>{"cb.fq.unique_id=" + cbapi::detail::quote_plus(id)});
    try {
        (void)cb.select<Alert>("no-such-alert");
        FAIL() << "expected ObjectNotFoundError";
    } catch (const ObjectNotFoundError& e) {
        EXPECT_NE(std::string(e.what()).find("no-such-alert"), std::string::npos);
    }
}

TEST_F(Alerts61, SelectByIdOnOlderServersSearchesTheV1Route) {
    const std::string id = some_unresolved(cb.select<Alert>());
    server.clear_requests();
    Alert a = cb.select<Alert>(id);
    EXPECT_EQ(a.unique_id(), id);
    EXPECT_FALSE(a.hostname().empty());
    const auto sent = test::requests_to(server, "/api/v1/alert");
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].param("q"), std::optional<std::string>("unique_id:\"" + id + "\""));
    // refresh() reads it the same way again (the server has no GET /api/v1/alert/<id>).
    a.set("status", "Resolved");
    a.refresh();
    EXPECT_EQ(a.status(), "Unresolved");
    EXPECT_FALSE(a.is_dirty());
    EXPECT_EQ(test::requests_to(server, "/api/v1/alert").size(), 2u);
}

TEST_F(Alerts71, SetIgnoredOnOneAlertSendsTheTopLevelPayload) {
    const std::string id = some_unresolved(cb.select<Alert>());
    Alert a = cb.select<Alert>(id);
    server.clear_requests();
    a.set_ignored();
    const auto posts = test::requests_to(server, "/api/v1/alerts");
    ASSERT_EQ(posts.size(), 1u);
    EXPECT_EQ(posts[0].json(), (json{{"alert_ids", {id}}, {"set_ignored", true}, {"requested_status", "False Positive"}}));
    EXPECT_EQ(a.status(), "False Positive");
    EXPECT_EQ(a.get<bool>("is_ignored"), std::optional<bool>(true));
    // What the server holds now.
    const Alert again = cb.select<Alert>(id);
    EXPECT_EQ(again.status(), "False Positive");
    EXPECT_EQ(again.get<bool>("is_ignored"), std::optional<bool>(true));
    EXPECT_THROW(a.set_ignored(false, "Closed"), ApiError);
}

TEST_F(Alerts61, SetIgnoredBefore70SendsTheUpdatesObject) {
    const std::string id = some_unresolved(cb.select<Alert>());
    Alert a = cb.select<Alert>(id);
    server.clear_requests();
    a.set_ignored(true, "Resolved");
    const auto posts = test::requests_to(server, "/api/v1/alerts");
    ASSERT_EQ(posts.size(), 1u);
    EXPECT_EQ(posts[0].json(),
              (json{{"alert_ids", {id}}, {"updates", {{"is_ignored", true}, {"requested_status", "Resolved"}}}}));
    EXPECT_EQ(cb.select<Alert>(id).status(), "Resolved");
}

TEST_F(Alerts71, BulkSetIgnoredSendsTheTopLevelPayloadInBatches) {
    const auto q = cb.select<Alert>().where("status:Unresolved").bulk_batch_size(2);
    const std::size_t expected = q.size();
    ASSERT_GT(expected, 2u);
    server.clear_requests();
    EXPECT_EQ(q.set_ignored(), expected);
    const auto posts = test::requests_to(server, "/api/v1/alerts");
    EXPECT_EQ(posts.size(), (expected + 1) / 2);
    for (const auto& p : posts) {
        const json body = p.json();
        EXPECT_EQ(body.at("set_ignored"), true);
        EXPECT_EQ(body.at("requested_status"), "False Positive");
        EXPECT_FALSE(body.contains("updates"));
    }
    EXPECT_EQ(cb.select<Alert>().where("status:Unresolved").size(), 0u);
}

TEST_F(Alerts71, AssignPutsOneAlertInProgressForAUser) {
    const std::string id = some_unresolved(cb.select<Alert>());
    Alert a = cb.select<Alert>(id);
    server.clear_requests();
    a.assign("jdoe");
    const auto posts = test::requests_to(server, "/api/v1/alerts");
    ASSERT_EQ(posts.size(), 1u);
    EXPECT_EQ(posts[0].json(), (json{{"alert_ids", {id}}, {"assigned_to", "jdoe"}, {"requested_status", "In Progress"}}));
    EXPECT_EQ(a.assigned_to(), "jdoe");
    EXPECT_EQ(a.status(), "In Progress");
    const Alert again = cb.select<Alert>(id);
    EXPECT_EQ(again.assigned_to(), "jdoe");
    EXPECT_EQ(again.status(), "In Progress");
    EXPECT_THROW(a.assign(""), ApiError);
}

TEST_F(Alerts71, ChangeStatusPostsStatusAndIdToTheAlertsV1Route) {
    const std::string id = some_unresolved(cb.select<Alert>());
    Alert a = cb.select<Alert>(id);
    EXPECT_THROW(a.change_status("Closed"), ApiError);  // checked before anything is sent (1.7.3)
    server.clear_requests();
    a.change_status("Resolved");
    ASSERT_EQ(server.request_count(), 1u);
    const auto posts = test::requests_to(server, "/api/v1/alert/" + id);
    ASSERT_EQ(posts.size(), 1u);
    EXPECT_EQ(posts[0].method, "POST");
    EXPECT_EQ(posts[0].json(), (json{{"status", "Resolved"}, {"unique_id", id}}));
    EXPECT_EQ(a.status(), "Resolved");
    EXPECT_FALSE(a.is_dirty());
    EXPECT_EQ(cb.select<Alert>(id).status(), "Resolved");
}

TEST_F(Alerts63, WebuiLinkIsTheConsolesAlertsPageAndComesBackThroughFromUi) {
    const auto q = cb.select<Alert>().where("status:Unresolved");
    const std::string link = q.webui_link();
    EXPECT_EQ(link, cb.url() + "/#/alerts?cb.urlver=1&facet=false&q=status%3AUnresolved");
    const auto back = cb.from_ui(link);
    ASSERT_TRUE(std::holds_alternative<AlertQuery>(back));
    EXPECT_EQ(std::get<AlertQuery>(back).size(), q.size());
    EXPECT_EQ(std::get<AlertQuery>(back).search_path(), "/api/v2/alert");
}

TEST_F(Alerts63, AnAlertQueryTheServerCannotParseIsAQuerySyntaxError) {
    try {
        (void)cb.select<Alert>().where("hostname:\"unbalanced").size();
        FAIL() << "expected QuerySyntaxError";
    } catch (const QuerySyntaxError& e) {
        EXPECT_EQ(e.server_message(), "Unbalanced quote in query: hostname:\"unbalanced");
        EXPECT_NE(e.uri().find("/api/v2/alert?"), std::string::npos);
    }
}

}  // namespace
}  // namespace cbapi
