// Feed (CRUD, enable/disable, synchronize, actions, reports, score searches), ThreatReport and ThreatReportQuery.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "response_intel/intel_fixture.hpp"

namespace cbapi {
namespace {

using namespace cbapi::response;
using test::IntelTest;

class FeedTest : public IntelTest {};

TEST_F(FeedTest, ListIsClientSideFiltered) {
    std::vector<std::string> names;
    for (const Feed& f : cb.select<Feed>().where("enabled:true")) names.push_back(f.name());
    EXPECT_EQ(names, (std::vector<std::string>{"abusech", "tor", "fuzzywombat"}));
    EXPECT_EQ(log(), std::vector<std::string>{"GET /api/v1/feed"});
}

TEST_F(FeedTest, CreateNeedsAFeedUrl) {
    auto f = cb.create<Feed>();
    f.set_enabled(true);
    try {
        f.save();
        FAIL() << "expected InvalidObjectError";
    } catch (const InvalidObjectError& e) {
        EXPECT_STREQ(e.what(), "Missing fields: [feed_url]");
    }
    EXPECT_TRUE(log().empty());
}

TEST_F(FeedTest, CreateEnableDisableDelete) {
    auto f = cb.create<Feed>();
    f.set_feed_url("https://intel.example.com/badguys.json").set_credentials("reader", "s3cret");
    f.save();
    EXPECT_EQ(f.id(), "5");
    EXPECT_EQ(f.name(), "badguys");
    EXPECT_FALSE(f.enabled());  // the server's default
    EXPECT_EQ(f.username(), "reader");
    f.enable();
    EXPECT_TRUE(cb.fetch<Feed>(5).enabled());
    f.disable();
    EXPECT_FALSE(cb.fetch<Feed>(5).enabled());
    f.remove();
    EXPECT_THROW(cb.fetch<Feed>(5), ObjectNotFoundError);
    const auto sent = log();
    ASSERT_GE(sent.size(), 4u);
    EXPECT_EQ(sent[0],
              R"(POST /api/v1/feed {"feed_url":"https://intel.example.com/badguys.json","password":"s3cret","username":"reader"})");
    EXPECT_EQ(sent[1], "GET /api/v1/feed/5");
    EXPECT_EQ(sent[2].rfind("PUT /api/v1/feed/5 {", 0), 0u);
    EXPECT_NE(sent[2].find(R"("enabled":true)"), std::string::npos);
    EXPECT_NE(sent[2].find(R"("feed_url":"https://intel.example.com/badguys.json")"), std::string::npos);
    EXPECT_EQ(sent.back(), "GET /api/v1/feed/5");
    EXPECT_NE(std::find(sent.begin(), sent.end(), "DELETE /api/v1/feed/5"), sent.end());
}

TEST_F(FeedTest, AnUnreachableFeedIsAServerError) {
    auto f = cb.create<Feed>();
    f.set_feed_url("https://feeds.down.invalid/x.json");
    try {
        f.save();
        FAIL() << "expected ServerError";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 500);
    }
    auto bad = cb.create<Feed>();
    bad.set_feed_url("ftp://example.com/feed");
    try {
        bad.save();
        FAIL() << "expected ServerError";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 400);
    }
}

TEST_F(FeedTest, SynchronizeSendsTheFullSyncFlag) {
    cb.select<Feed>(1).synchronize(false);
    cb.select<Feed>(1).synchronize();
    EXPECT_EQ(log(), (std::vector<std::string>{R"(POST /api/v1/feed/1/synchronize {"full_sync":false})",
                                               R"(POST /api/v1/feed/1/synchronize {"full_sync":true})"}));
}

TEST_F(FeedTest, SynchronizingADisabledFeedSaysSo) {
    try {
        cb.select<Feed>(3).synchronize();
        FAIL() << "expected ApiError";
    } catch (const ServerError&) {
        FAIL() << "the 409 must become a clear ApiError";
    } catch (const ApiError& e) {
        EXPECT_STREQ(e.what(), "Cannot synchronize feed 3: feed is disabled");
    }
    EXPECT_THROW(cb.select<Feed>(77).synchronize(), ObjectNotFoundError);
    EXPECT_THROW(cb.create<Feed>().synchronize(), InvalidObjectError);
}

TEST_F(FeedTest, ActionsAndCreateAction) {
    const Feed feed = cb.select<Feed>(2);
    EXPECT_TRUE(feed.actions().empty());
    FeedAction action = feed.create_action();
    action.set_type("email").set_action_data(R"({"email_recipients": [1]})");
    action.save();
    const auto listed = cb.select<FeedAction>().where("group_id:2");
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed.first()->type(), "email");
    EXPECT_EQ(listed.first()->feed_id(), "2");
    EXPECT_EQ(listed.first()->feed().name(), "tor");
    const auto sent = log();
    ASSERT_GE(sent.size(), 2u);
    EXPECT_EQ(sent[1],
              R"(POST /api/v1/feed/2/action {"action_data":"{\"email_recipients\": [1]}","action_type":0,"group_id":2,"watchlist_id":-1})");
    EXPECT_THROW((void)cb.select<FeedAction>().where("watchlist_id:2"), ApiError);
}

TEST_F(FeedTest, ReportsAreTheFeedsThreatReports) {
    const auto reports = cb.select<Feed>(1).reports();
    EXPECT_EQ(reports.size(), 3u);
    for (const ThreatReport& r : reports) {
        EXPECT_EQ(r.feed_id(), "1");
        EXPECT_EQ(r.unique_id(), "1:" + r.report_id());
    }
    const auto sent = test::requests_to(server, "/api/v1/threat_report");
    ASSERT_FALSE(sent.empty());
    EXPECT_EQ(sent[0].query, "cb.urlver=1&facet=false&q=feed_id%3A1&rows=0&start=0");
}

TEST_F(FeedTest, ScoreSearchesUseTheFeedName) {
    const Feed feed = cb.fetch<Feed>(1);
    const auto processes = feed.search_processes();
    ASSERT_TRUE(processes.has_value());
    EXPECT_EQ(processes->spec().clauses, std::vector<std::string>{"alliance_score_abusech:[1 TO *]"});
    const auto binaries = feed.search_binaries("50", "100");
    ASSERT_TRUE(binaries.has_value());
    EXPECT_EQ(binaries->spec().clauses, std::vector<std::string>{"alliance_score_abusech:[50 TO 100]"});
    EXPECT_FALSE(cb.fetch<Feed>(3).search_processes().has_value());  // disabled
    const Feed unnamed(cb.handle(), {{"id", 9}, {"enabled", true}}, true);
    EXPECT_THROW((void)unnamed.search_processes(), InvalidObjectError);
}

class ThreatReportTest : public IntelTest {};

TEST_F(ThreatReportTest, SelectByCompositeIdLoadsFromTheFeed) {
    const ThreatReport report = cb.select<ThreatReport>("1:abusech-2");
    EXPECT_EQ(report.feed_id(), "1");
    EXPECT_EQ(report.report_id(), "abusech-2");
    EXPECT_EQ(report.title(), "abusech report 2");
    EXPECT_FALSE(report.is_ignored());
    EXPECT_EQ(report.feed().name(), "abusech");
    EXPECT_EQ(log(), (std::vector<std::string>{"GET /api/v1/feed/1/report/abusech-2", "GET /api/v1/feed/1"}));
    try {
        (void)cb.select<ThreatReport>("abusech-2");
        FAIL();
    } catch (const ApiError& e) {
        EXPECT_STREQ(e.what(), "ThreatReport ID must be in form '<feed_id>:<report_id>', got 'abusech-2'");
    }
}

TEST_F(ThreatReportTest, DisableSendsTheBulkBodyThenReloads) {
    ThreatReport report = cb.select<ThreatReport>("1:abusech-1");
    report.disable();
    EXPECT_TRUE(report.is_ignored());
    EXPECT_EQ(log(), (std::vector<std::string>{
                         "GET /api/v1/feed/1/report/abusech-1",
                         R"(POST /api/v1/threat_report {"ids":{"1":["abusech-1"]},"updates":{"is_ignored":true}})",
                         "GET /api/v1/feed/1/report/abusech-1"}));
    report.enable();
    EXPECT_FALSE(cb.fetch<ThreatReport>("1:abusech-1").is_ignored());
}

TEST_F(ThreatReportTest, OnlyIsIgnoredCanBeChanged) {
    ThreatReport report = cb.fetch<ThreatReport>("2:tor-1");
    report.set("title", "renamed");
    try {
        report.save();
        FAIL() << "expected ServerError";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 400);
    }
}

TEST_F(ThreatReportTest, QuerySetIgnoredSendsTheQueryNotTheResults) {
    cb.select<ThreatReport>().where("feed_id:2").where("title:\"tor report 3\"").set_ignored();
    EXPECT_EQ(log(), std::vector<std::string>{
                         R"(POST /api/v1/threat_report {"query":"cb.urlver=1&q=feed_id%3A2%20title%3A%22tor%20report%203%22","updates":{"is_ignored":true}})"});
    EXPECT_TRUE(cb.fetch<ThreatReport>("2:tor-3").is_ignored());
    EXPECT_FALSE(cb.fetch<ThreatReport>("2:tor-2").is_ignored());
    EXPECT_EQ(cb.select<ThreatReport>().where("is_ignored:true").size(), 1u);
}

TEST_F(ThreatReportTest, QuerySetIgnoredNeedsAWhereClause) {
    EXPECT_THROW(cb.select<ThreatReport>().set_ignored(), ApiError);
    EXPECT_THROW(cb.select<ThreatReport>().where(" ").set_ignored(false), ApiError);
    EXPECT_TRUE(log().empty());
}

class OldServerThreatReportTest : public IntelTest {
protected:
    OldServerThreatReportTest() : IntelTest("5.0.0.150101.0000") {}
};

TEST_F(OldServerThreatReportTest, BulkSetIgnoredNeedsServer510) {
    EXPECT_THROW(cb.select<ThreatReport>().where("feed_id:1").set_ignored(), ApiError);
    EXPECT_TRUE(log().empty());
}

}  // namespace
}  // namespace cbapi
