// Protection queries on the wire: one q= per clause, sort, offset/limit paging without skipped records, counts
// through limit=-1, immutable builders, and replies that are not pages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/protection_fakes.hpp"

namespace cbapi {
namespace {

using namespace protection;
using testing::MockResponse;

const std::string computers = "/api/bit9platform/v1/computer";

nlohmann::json docs(int from, int to) {
    auto out = nlohmann::json::array();
    for (int i = from; i < to; ++i) out.push_back({{"id", i}, {"name", "host" + std::to_string(i)}});
    return out;
}

class ProtectionQueryTest : public test::ProtectionWireTest {
protected:
    std::vector<std::string> queries() const {
        std::vector<std::string> out;
        for (const auto& r : server.requests()) out.push_back(r.method + " " + r.path + "?" + r.query);
        return out;
    }
};

TEST_F(ProtectionQueryTest, EachClauseIsItsOwnQParameterWithSortOffsetAndLimit) {
    server.enqueue("GET", computers, MockResponse::json(docs(1, 3)));
    auto q = cb.select<Computer>().where("ipAddress:10.201.2.*").and_("deleted:false").sort("  processorSpeed DESC ");
    std::vector<std::string> names;
    for (const auto& c : q) names.push_back(*c.name());
    EXPECT_EQ(names, (std::vector<std::string>{"host1", "host2"}));
    ASSERT_EQ(server.request_count(), 1u);
    const auto r = server.requests()[0];
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.path, computers);
    EXPECT_EQ(r.query, "limit=1000&offset=0&q=deleted%3Afalse&q=ipAddress%3A10.201.2.%2A&sort=processorSpeed+DESC");
}

TEST_F(ProtectionQueryTest, NoClausesNoSortSendsOnlyPaging) {
    server.enqueue("GET", computers, MockResponse::json(nlohmann::json::array()));
    EXPECT_FALSE(cb.select<Computer>().first().has_value());
    EXPECT_EQ(queries(), (std::vector<std::string>{"GET " + computers + "?limit=1&offset=0"}));
}

TEST_F(ProtectionQueryTest, PagesFollowEachOtherWithoutSkippingARecord) {
    // cbapi-python asks for offset=0&limit=3, then offset=4 (skipping record 3); here offset=3&limit=3.
    server.enqueue("GET", computers, MockResponse::json(docs(0, 3)));
    server.enqueue("GET", computers, MockResponse::json(docs(3, 6)));
    server.enqueue("GET", computers, MockResponse::json(docs(6, 7)));
    std::vector<long long> ids;
    for (const auto& c : cb.select<Computer>().batch_size(3)) ids.push_back(std::stoll(c.id()));
    EXPECT_EQ(ids, (std::vector<long long>{0, 1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(queries(), (std::vector<std::string>{"GET " + computers + "?limit=3&offset=0",
                                                   "GET " + computers + "?limit=3&offset=3",
                                                   "GET " + computers + "?limit=3&offset=6"}));
}

TEST_F(ProtectionQueryTest, AnEmptyPageEndsTheIteration) {
    server.enqueue("GET", computers, MockResponse::json(docs(0, 2)));
    server.enqueue("GET", computers, MockResponse::json(nlohmann::json::array()));
    EXPECT_EQ(cb.select<Computer>().batch_size(2).slice(0).size(), 2u);
    EXPECT_EQ(server.request_count(), 2u);
}

TEST_F(ProtectionQueryTest, SizeSendsLimitMinusOneAndIsCached) {
    server.enqueue("GET", computers, MockResponse::json({{"count", 2500}}));
    auto q = cb.select<Computer>().where("deleted:false").sort("name");
    EXPECT_EQ(q.size(), 2500u);
    EXPECT_EQ(q.size(), 2500u);
    EXPECT_EQ(queries(), (std::vector<std::string>{"GET " + computers + "?limit=-1&q=deleted%3Afalse"}));
}

TEST_F(ProtectionQueryTest, SizeWithoutCountIsZeroAndABadCountIsAServerError) {
    server.enqueue("GET", computers, MockResponse::json(nlohmann::json::object()));
    EXPECT_EQ(cb.select<Computer>().size(), 0u);
    server.enqueue("GET", computers, MockResponse::json({{"count", "many"}}));
    EXPECT_THROW(cb.select<Computer>().size(), ServerError);
    server.enqueue("GET", computers, MockResponse::json(nlohmann::json::array()));
    EXPECT_THROW(cb.select<Computer>().size(), ServerError);
}

TEST_F(ProtectionQueryTest, SliceAndAtSendOffsetAndRows) {
    server.enqueue("GET", computers, MockResponse::json(docs(10, 15)));
    EXPECT_EQ(cb.select<Computer>().slice(10, 15).size(), 5u);
    server.enqueue("GET", computers, MockResponse::json({{"count", 40}}));
    server.enqueue("GET", computers, MockResponse::json(docs(39, 40)));
    EXPECT_EQ(cb.select<Computer>().at(-1)->id(), "39");
    EXPECT_EQ(queries(), (std::vector<std::string>{"GET " + computers + "?limit=5&offset=10",
                                                   "GET " + computers + "?limit=-1",
                                                   "GET " + computers + "?limit=1&offset=39"}));
}

TEST_F(ProtectionQueryTest, OneAsksForTwoAndRefusesSeveral) {
    server.enqueue("GET", computers, MockResponse::json(docs(1, 3)));
    server.enqueue("GET", computers, MockResponse::json({{"count", 2}}));
    EXPECT_THROW(cb.select<Computer>().where("name:host*").one(), MoreThanOneResultError);
    server.enqueue("GET", computers, MockResponse::json(docs(1, 2)));
    EXPECT_EQ(cb.select<Computer>().where("name:host1").one().name(), "host1");
    EXPECT_EQ(queries().back(), "GET " + computers + "?limit=2&offset=0&q=name%3Ahost1");
}

TEST_F(ProtectionQueryTest, BuildersNeverChangeTheQueryTheyWereCalledOn) {
    const auto base = cb.select<FileRule>().where("fileState:3");
    const auto sorted = base.sort("dateCreated DESC");
    const auto more = base.and_("reportOnly:false");
    EXPECT_EQ(base.spec().clauses, (std::vector<std::string>{"fileState:3"}));
    EXPECT_EQ(base.spec().sort, "");
    EXPECT_EQ(sorted.spec().sort, "dateCreated DESC");
    EXPECT_EQ(more.spec().clauses.size(), 2u);
    EXPECT_EQ(base.spec().batch_size, 1000u);
    EXPECT_EQ(base.batch_size(7).spec().batch_size, 7u);
    EXPECT_EQ(base.spec().batch_size, 1000u);
}

TEST_F(ProtectionQueryTest, ConditionHelpersSpellTheOperators) {
    EXPECT_EQ(eq("fileName", "foo.exe"), "fileName:foo.exe");
    EXPECT_EQ(eq("deleted", false), "deleted:false");
    EXPECT_EQ(ne("fileState", 3), "fileState!3");
    EXPECT_EQ(lt("daysOffline", 10), "daysOffline<10");
    EXPECT_EQ(gt("dateCreated", std::string("2017-06-01")), "dateCreated>2017-06-01");
    EXPECT_EQ(has_all_flags("platformFlags", 5), "platformFlags+5");
    EXPECT_EQ(has_no_flags("platformFlags", 2), "platformFlags-2");
    EXPECT_EQ(any_of("fileState", std::vector<int>{2, 3}), "fileState:2|3");
    EXPECT_EQ(any_of("name", std::vector<std::string>{"a", "b"}), "name:a|b");
}

TEST_F(ProtectionQueryTest, OperatorsAreEncodedInTheQParameter) {
    server.enqueue("GET", "/api/bit9platform/v1/fileRule", MockResponse::json(nlohmann::json::array()));
    (void)cb.select<FileRule>().where(any_of("fileState", std::vector<int>{2, 3})).and_(has_all_flags("platformFlags", 5)).first();
    EXPECT_EQ(server.requests().back().query, "limit=1&offset=0&q=fileState%3A2%7C3&q=platformFlags%2B5");
}

TEST_F(ProtectionQueryTest, APageThatIsNotAnArrayIsAServerErrorAtItsPosition) {
    server.enqueue("GET", computers, MockResponse::json(docs(0, 2)));
    server.enqueue("GET", computers, MockResponse::json({{"error", "boom"}}));
    auto q = cb.select<Computer>().batch_size(2).prefetch(false);
    auto it = q.begin();
    ASSERT_NE(it, q.end());
    ++it;
    EXPECT_THROW(++it, ServerError);
}

TEST_F(ProtectionQueryTest, AServerErrorOnAPageSurfaces) {
    server.enqueue("GET", computers, MockResponse::text("bad query", 400));
    EXPECT_THROW(cb.select<Computer>().where("bogus").first(), ServerError);
}

TEST_F(ProtectionQueryTest, SearchResultsAreFullDocuments) {
    server.enqueue("GET", computers, MockResponse::json(nlohmann::json::array({{{"id", 4}, {"name", "h"}}})));
    auto c = cb.select<Computer>().first();
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->is_full());
    EXPECT_FALSE(c->policy_id().has_value());  // absent: no extra GET of /computer/4
    EXPECT_EQ(server.request_count(), 1u);
}

// What ProtectionPaging says of a reply that is not a page or a count (the message of the ServerError).
TEST(ProtectionPagingReplies, AMalformedPageOrCountSaysWhatIsWrong) {
    const ProtectionPaging paging{};
    const auto fails_with = [](const std::string& message) {
        return ::testing::ThrowsMessage<ServerError>(::testing::StrEq("Received error code 200 from API: " + message));
    };
    EXPECT_THAT([&] { (void)paging.parse_page({{"error", "boom"}}); },
                fails_with("Expected a JSON array of results, got object"));
    EXPECT_THAT([&] { (void)paging.parse_page(nlohmann::json::array({1})); },
                fails_with("Expected JSON objects in the results, got number"));
    EXPECT_THAT([&] { (void)paging.parse_count(nlohmann::json::array()); },
                fails_with("Expected a JSON object with a count, got array"));
    EXPECT_THAT([&] { (void)paging.parse_count({{"count", -1}}); },
                fails_with("Expected 'count' to be a non-negative integer, got -1"));
    EXPECT_EQ(paging.parse_page(nlohmann::json::array({{{"id", 1}}})).items.size(), 1u);
    EXPECT_TRUE(paging.parse_page(nullptr).items.empty());
    EXPECT_TRUE(paging.parse_page(nlohmann::json::object()).items.empty());
    EXPECT_EQ(paging.parse_count({{"count", nullptr}}), 0u);
    EXPECT_EQ(paging.parse_count({{"count", 12}}), 12u);
}

}  // namespace
}  // namespace cbapi
