// SimpleQuery: one GET of a list endpoint, then client-side where/sort/first/one/at/slice (ListItem over
// /api/v1/watchlist).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/response_fakes.hpp"

namespace cbapi {
namespace {

using test::ListItem;

constexpr const char* kList = "/api/v1/watchlist";

std::vector<std::string> ids(const std::vector<ListItem>& items) {
    std::vector<std::string> out;
    for (const auto& item : items) out.push_back(item.id());
    return out;
}

template <typename Q>
std::vector<std::string> ids_of(const Q& query) {
    std::vector<std::string> out;
    for (const ListItem& item : query) out.push_back(item.id());
    return out;
}

class SimpleQueryTest : public ::testing::Test {
protected:
    testing::MockServer server;
    test::RecordingSleeper sleeper;
    response::CbResponseAPI cb = test::connected_api(server, sleeper);
    void serve_list(nlohmann::json list) {
        server.on("GET", kList, [list](const testing::RecordedRequest&) { return testing::MockResponse::json(list); });
    }
    // A list with a variety of field types and missing/null fields.
    void serve_default_list() {
        serve_list(nlohmann::json::parse(R"([
            {"id": 1, "name": "foo", "search_query": "q=process_name:cmd.exe", "enabled": true, "hits": 3},
            {"id": 2, "name": "Foo", "search_query": "q=a", "enabled": false, "hits": 10},
            {"id": 3, "name": "foobar", "search_query": "q=b", "enabled": true, "hits": 3},
            {"id": 4, "name": null, "search_query": "q=c", "enabled": true},
            {"id": 5, "search_query": "q=d", "enabled": false, "hits": 1.5}
        ])"));
    }
    std::size_t lists() const { return test::requests_to(server, kList).size(); }
    SimpleQuery<ListItem> query() const { return cb.select<ListItem>(); }
};

TEST_F(SimpleQueryTest, OneGetWithoutParameters) {
    serve_default_list();
    auto q = query();
    EXPECT_EQ(lists(), 0u);  // nothing until evaluated
    EXPECT_EQ(ids_of(q), (std::vector<std::string>{"1", "2", "3", "4", "5"}));
    const auto reqs = test::requests_to(server, kList);
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].method, "GET");
    EXPECT_EQ(reqs[0].query, "");
    EXPECT_EQ(reqs[0].body, "");
}

TEST_F(SimpleQueryTest, ResultsAreFullDocuments) {
    serve_default_list();
    const auto first = query().first();
    ASSERT_TRUE(first.has_value());
    EXPECT_TRUE(first->is_full());
    EXPECT_FALSE(first->get<std::string>("description").has_value());
    EXPECT_EQ(server.request_count(), 2u);  // /api/info and the list: no load of the object
}

TEST_F(SimpleQueryTest, NoContentIsEmpty) {
    server.on("GET", kList, [](const testing::RecordedRequest&) { return testing::MockResponse::text("", 204); });
    auto q = query();
    EXPECT_EQ(q.size(), 0u);
    EXPECT_TRUE(q.empty());
    EXPECT_FALSE(q.first().has_value());
    EXPECT_EQ(lists(), 1u);
}

TEST_F(SimpleQueryTest, EmptyArrayIsEmpty) {
    serve_list(nlohmann::json::array());
    EXPECT_TRUE(query().empty());
}

TEST_F(SimpleQueryTest, WhereIsACaseInsensitiveExactMatch) {
    serve_default_list();
    EXPECT_EQ(ids_of(query().where("name:FOO")), (std::vector<std::string>{"1", "2"}));
    EXPECT_EQ(ids_of(query().where("name:foob")), std::vector<std::string>{});
    EXPECT_EQ(ids_of(query().where("name:FooBar")), std::vector<std::string>{"3"});
}

TEST_F(SimpleQueryTest, WhereSplitsAtTheFirstColon) {
    serve_default_list();
    EXPECT_EQ(ids_of(query().where("search_query:Q=PROCESS_NAME:cmd.exe")), std::vector<std::string>{"1"});
}

TEST_F(SimpleQueryTest, TwoWhereClausesAreAnded) {
    serve_default_list();
    EXPECT_EQ(ids_of(query().where("name:foo").where("enabled:false")), std::vector<std::string>{"2"});
    EXPECT_EQ(ids_of(query().where("name:foo").and_("hits:3")), std::vector<std::string>{"1"});
    EXPECT_EQ(ids_of(query().where("name:foobar").and_("enabled:false")), std::vector<std::string>{});
}

TEST_F(SimpleQueryTest, ClauseWithoutColonThrows) {
    EXPECT_THROW(query().where("name"), ApiError);
    EXPECT_THROW(query().where(":foo"), ApiError);
    EXPECT_THROW(query().and_(""), ApiError);
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(SimpleQueryTest, MissingOrNullFieldsDoNotMatch) {
    serve_default_list();
    EXPECT_EQ(ids_of(query().where("name:null")), std::vector<std::string>{});
    EXPECT_EQ(ids_of(query().where("name:")), std::vector<std::string>{});
    EXPECT_EQ(ids_of(query().where("nonexistent:1")), std::vector<std::string>{});
    EXPECT_EQ(ids_of(query().where("hits:")), std::vector<std::string>{});
}

TEST_F(SimpleQueryTest, NumbersAndBooleansAreComparedAsText) {
    serve_default_list();
    EXPECT_EQ(ids_of(query().where("id:3")), std::vector<std::string>{"3"});
    EXPECT_EQ(ids_of(query().where("hits:3")), (std::vector<std::string>{"1", "3"}));
    EXPECT_EQ(ids_of(query().where("hits:1.5")), std::vector<std::string>{"5"});
    EXPECT_EQ(ids_of(query().where("enabled:TRUE")), (std::vector<std::string>{"1", "3", "4"}));
    EXPECT_EQ(ids_of(query().where("enabled:false")), (std::vector<std::string>{"2", "5"}));
}

TEST_F(SimpleQueryTest, SortAscendingPutsMissingFieldsFirst) {
    serve_default_list();
    // ids 4 (null) and 5 (missing) have no name; the sort is stable.
    EXPECT_EQ(ids_of(query().sort("name")), (std::vector<std::string>{"4", "5", "2", "1", "3"}));
    EXPECT_EQ(ids_of(query().sort("name asc")), (std::vector<std::string>{"4", "5", "2", "1", "3"}));
    EXPECT_EQ(ids_of(query().sort("hits")), (std::vector<std::string>{"4", "5", "1", "3", "2"}));
}

TEST_F(SimpleQueryTest, SortDescending) {
    serve_default_list();
    EXPECT_EQ(ids_of(query().sort("name desc")), (std::vector<std::string>{"3", "1", "2", "4", "5"}));
    EXPECT_EQ(ids_of(query().sort("hits DESC")), (std::vector<std::string>{"2", "1", "3", "5", "4"}));
}

TEST_F(SimpleQueryTest, SortAfterWhere) {
    serve_default_list();
    EXPECT_EQ(ids_of(query().where("enabled:true").sort("id desc")), (std::vector<std::string>{"4", "3", "1"}));
}

TEST_F(SimpleQueryTest, BadSortThrows) {
    EXPECT_THROW(query().sort(""), ApiError);
    EXPECT_THROW(query().sort("name sideways"), ApiError);
    EXPECT_THROW(query().sort(" desc"), ApiError);
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(SimpleQueryTest, ResultsAreCachedPerQueryValue) {
    serve_default_list();
    auto q = query().where("enabled:true");
    EXPECT_EQ(q.size(), 3u);
    EXPECT_EQ(q.size(), 3u);
    EXPECT_EQ(ids_of(q), (std::vector<std::string>{"1", "3", "4"}));
    EXPECT_TRUE(q.first().has_value());
    EXPECT_TRUE(q.at(-1).has_value());
    EXPECT_EQ(q.slice(0).size(), 3u);
    EXPECT_EQ(lists(), 1u);
}

TEST_F(SimpleQueryTest, BuilderCallsFetchAgain) {
    serve_default_list();
    auto q = query().where("enabled:true");
    EXPECT_EQ(q.size(), 3u);
    EXPECT_EQ(q.where("hits:3").size(), 2u);
    EXPECT_EQ(lists(), 2u);
    EXPECT_EQ(q.sort("id desc").size(), 3u);
    EXPECT_EQ(lists(), 3u);
    EXPECT_EQ(q.size(), 3u);  // the original keeps its cached results
    EXPECT_EQ(lists(), 3u);
}

TEST_F(SimpleQueryTest, FirstOneAt) {
    serve_default_list();
    auto all = query();
    EXPECT_EQ(all.first()->id(), "1");
    EXPECT_EQ(all.at(0)->id(), "1");
    EXPECT_EQ(all.at(4)->id(), "5");
    EXPECT_EQ(all.at(-1)->id(), "5");
    EXPECT_EQ(all.at(-5)->id(), "1");
    EXPECT_FALSE(all.at(5).has_value());
    EXPECT_FALSE(all.at(-6).has_value());
    EXPECT_EQ(query().where("id:2").one().name(), "Foo");
    EXPECT_FALSE(query().where("id:99").first().has_value());
}

TEST_F(SimpleQueryTest, OneThrowsForZeroOrSeveral) {
    serve_default_list();
    try {
        (void)query().where("name:nothing").one();
        FAIL() << "no exception";
    } catch (const MoreThanOneResultError& e) {
        EXPECT_STREQ(e.what(), "0 results for query 'name:nothing'");  // as PaginatedQuery and cbapi-python
    }
    try {
        (void)query().where("name:foo").one();
        FAIL() << "no exception";
    } catch (const MoreThanOneResultError& e) {
        EXPECT_STREQ(e.what(), "2 results found for query 'name:foo'");
    }
}

TEST_F(SimpleQueryTest, SliceSemantics) {
    serve_default_list();
    auto all = query();
    EXPECT_EQ(ids(all.slice(1, 3)), (std::vector<std::string>{"2", "3"}));
    EXPECT_EQ(ids(all.slice(3)), (std::vector<std::string>{"4", "5"}));
    EXPECT_EQ(ids(all.slice(-2)), (std::vector<std::string>{"4", "5"}));
    EXPECT_EQ(ids(all.slice(-4, -2)), (std::vector<std::string>{"2", "3"}));
    EXPECT_EQ(ids(all.slice(0, 100)), (std::vector<std::string>{"1", "2", "3", "4", "5"}));
    EXPECT_EQ(ids(all.slice(-100, 1)), std::vector<std::string>{"1"});
    EXPECT_TRUE(all.slice(3, 1).empty());
    EXPECT_TRUE(all.slice(2, 2).empty());
    EXPECT_TRUE(all.slice(10).empty());
    EXPECT_EQ(lists(), 1u);
}

TEST_F(SimpleQueryTest, NonArrayReplyIsServerError) {
    server.enqueue("GET", kList, testing::MockResponse::json({{"results", nlohmann::json::array()}}));
    EXPECT_THROW(query().size(), ServerError);
    server.enqueue("GET", kList, testing::MockResponse::json(nlohmann::json::array({1, 2})));
    EXPECT_THROW(query().size(), ServerError);
    server.enqueue("GET", kList, testing::MockResponse::text("not json"));
    EXPECT_THROW(query().size(), ServerError);
}

TEST_F(SimpleQueryTest, HttpErrorPropagates) {
    server.enqueue("GET", kList, testing::MockResponse::text("boom", 500));
    try {
        (void)query().size();
        FAIL() << "no exception";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 500);
    }
}

}  // namespace
}  // namespace cbapi
