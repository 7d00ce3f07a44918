// The Cb Defense paging strategy and queries, on the wire: key=value filters, repeated keys rejected before
// anything is sent, the 1-based start, rows, totalResults, slices that return exactly the rows asked for.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/defense_fakes.hpp"

namespace cbapi {
namespace {

using defense::Device;
using defense::Event;
using defense::Policy;

constexpr const char* kDevices = "/integrationServices/v3/device";
constexpr const char* kEvents = "/integrationServices/v3/event";

class DefenseQueryTest : public ::testing::Test {
protected:
    testing::MockServer server{test::defense_server_options()};
    test::RecordingSleeper sleeper;
    defense::CbDefenseAPI cb = test::defense_api(server, sleeper);

    // A device search of `total` devices (deviceId 1000 + 0-based position) honouring start (1-based) and rows.
    void serve_devices(std::size_t total) {
        server.on("GET", kDevices, [total](const testing::RecordedRequest& r) {
            const std::size_t start = std::stoul(r.param("start").value_or("1"));
            const std::size_t rows = std::stoul(r.param("rows").value_or("20"));
            nlohmann::json results = nlohmann::json::array();
            for (std::size_t i = start - 1; i < total && i < start - 1 + rows; ++i)
                results.push_back({{"deviceId", 1000 + i}, {"name", "HOST-" + std::to_string(i)}});
            return test::page_reply(results, total);
        });
    }
    std::vector<std::string> queries() const {
        std::vector<std::string> out;
        for (const auto& r : server.requests()) out.push_back(r.query);
        return out;
    }
    static std::vector<long long> ids(const std::vector<Device>& devices) {
        std::vector<long long> out;
        for (const auto& d : devices) out.push_back(d.device_id());
        return out;
    }
    static std::vector<long long> range(long long from, long long to) {
        std::vector<long long> out;
        for (long long i = from; i < to; ++i) out.push_back(1000 + i);
        return out;
    }
};

TEST_F(DefenseQueryTest, WhereBecomesAPlainKeyValueParameter) {
    serve_devices(1);
    std::vector<Device> found;
    for (const Device& d : cb.select<Device>().where("hostNameExact:WIN-IA9NQ1GN8OI")) found.push_back(d);
    ASSERT_EQ(found.size(), 1U);
    const auto r = test::last_request(server);
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.path, kDevices);
    EXPECT_EQ(r.query, "hostNameExact=WIN-IA9NQ1GN8OI&rows=100");  // the reference's wire example
}

TEST_F(DefenseQueryTest, ClauseIsSplitAtTheFirstColon) {
    serve_devices(0);
    EXPECT_EQ(cb.select<Device>().where("hostName:a:b c").slice(0).size(), 0U);
    EXPECT_EQ(test::last_request(server).query, "hostName=a%3Ab+c&rows=100");
}

TEST_F(DefenseQueryTest, TypedDeviceFiltersAreAndedParameters) {
    serve_devices(0);
    cb.select<Device>().host_name_exact("WIN-1").ip_address("10.0.0.5").slice(0);
    EXPECT_EQ(test::last_request(server).query, "hostNameExact=WIN-1&ipAddress=10.0.0.5&rows=100");
    cb.select<Device>().host_name("WIN").and_("status:REGISTERED").slice(0);
    EXPECT_EQ(test::last_request(server).query, "hostName=WIN&rows=100&status=REGISTERED");
}

TEST_F(DefenseQueryTest, ARepeatedKeyThrowsBeforeAnythingIsSent) {
    serve_devices(3);
    const auto q = cb.select<Device>().where("ipAddress:10.0.0.1");
    EXPECT_THROW(q.where("ipAddress:10.0.0.2"), ApiError);
    EXPECT_THROW(q.and_("ipAddress:10.0.0.2"), ApiError);
    EXPECT_THROW(q.ip_address("10.0.0.2"), ApiError);
    EXPECT_THROW(cb.select<Device>().host_name_exact("a").where("hostNameExact:b"), ApiError);
    try {
        q.where("ipAddress:10.0.0.2");
    } catch (const ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("'ipAddress' is given twice"), std::string::npos) << e.what();
    }
    EXPECT_EQ(server.request_count(), 0U);
}

TEST_F(DefenseQueryTest, MalformedClauseThrows) {
    EXPECT_THROW(cb.select<Device>().where("no colon"), ApiError);
    EXPECT_THROW(cb.select<Device>().where(":value"), ApiError);
    EXPECT_EQ(server.request_count(), 0U);
}

TEST_F(DefenseQueryTest, QueriesAreValues) {
    const auto base = cb.select<Device>();
    const auto filtered = base.host_name_exact("x");
    EXPECT_TRUE(base.spec().clauses.empty());
    EXPECT_EQ(filtered.spec().clauses, (std::vector<std::string>{"hostNameExact:x"}));
    EXPECT_NO_THROW(base.host_name_exact("y"));  // the key is free on the original
}

TEST_F(DefenseQueryTest, FullIterationOmitsStartOnTheFirstPageThenCounts1Based) {
    serve_devices(5);
    std::vector<Device> all;
    for (const Device& d : cb.select<Device>().batch_size(2)) all.push_back(d);
    EXPECT_EQ(ids(all), range(0, 5));
    auto sent = queries();  // pages after the first may be fetched in parallel: compare as a set
    std::sort(sent.begin(), sent.end());
    EXPECT_EQ(sent, (std::vector<std::string>{"rows=2", "rows=2&start=3", "rows=2&start=5"}));
}

TEST_F(DefenseQueryTest, DefaultPageSizeIs100) {
    serve_devices(150);
    std::vector<Device> all;
    for (const Device& d : cb.select<Device>().prefetch(false)) all.push_back(d);
    EXPECT_EQ(all.size(), 150U);
    EXPECT_EQ(queries(), (std::vector<std::string>{"rows=100", "rows=100&start=101"}));
}

TEST_F(DefenseQueryTest, SliceSendsThe1BasedStartAndReturnsExactlyTheAskedRows) {
    serve_devices(50);
    const auto got = cb.select<Device>().slice(5, 10);
    // cbapi-python sends start=5 here (one row too early); positions 5..9 are rows 6..10.
    EXPECT_EQ(queries(), (std::vector<std::string>{"rows=5&start=6"}));
    EXPECT_EQ(ids(got), range(5, 10));
}

TEST_F(DefenseQueryTest, SliceAcrossPages) {
    serve_devices(50);
    const auto got = cb.select<Device>().batch_size(3).prefetch(false).slice(4, 10);
    EXPECT_EQ(ids(got), range(4, 10));
    EXPECT_EQ(queries(), (std::vector<std::string>{"rows=3&start=5", "rows=3&start=8"}));
}

TEST_F(DefenseQueryTest, SliceToTheEndStopsAtTotalResults) {
    serve_devices(7);
    const auto got = cb.select<Device>().slice(5);
    EXPECT_EQ(ids(got), range(5, 7));
    EXPECT_EQ(queries(), (std::vector<std::string>{"rows=100&start=6"}));
}

TEST_F(DefenseQueryTest, FirstAndAtAskForOneRow) {
    serve_devices(9);
    EXPECT_EQ(cb.select<Device>().first()->device_id(), 1000);
    EXPECT_EQ(cb.select<Device>().at(3)->device_id(), 1003);
    EXPECT_FALSE(cb.select<Device>().at(9).has_value());
    EXPECT_EQ(queries(), (std::vector<std::string>{"rows=1", "rows=1&start=4", "rows=1&start=10"}));
}

TEST_F(DefenseQueryTest, SizeReadsTotalResultsWithOneRowAndIsCached) {
    serve_devices(42);
    const auto q = cb.select<Device>().host_name("WIN");
    EXPECT_EQ(q.size(), 42U);
    EXPECT_EQ(q.size(), 42U);
    EXPECT_EQ(queries(), (std::vector<std::string>{"hostName=WIN&rows=1"}));
}

TEST_F(DefenseQueryTest, OneThrowsForSeveralResults) {
    serve_devices(2);
    EXPECT_THROW(cb.select<Device>().one(), MoreThanOneResultError);
}

TEST_F(DefenseQueryTest, SuccessFalseInASearchReplyIsAServerErrorWithTheMessage) {
    server.enqueue("GET", kDevices,
                   testing::MockResponse::json({{"success", false}, {"message", "Invalid search parameter"}}));
    try {
        cb.select<Device>().slice(0);
        ADD_FAILURE() << "no error";
    } catch (const ServerError& e) {
        EXPECT_NE(std::string(e.what()).find("Invalid search parameter"), std::string::npos) << e.what();
    }
}

TEST_F(DefenseQueryTest, MalformedSearchRepliesAreServerErrors) {
    server.enqueue("GET", kDevices, testing::MockResponse::json({{"results", "x"}, {"totalResults", 1}}));
    EXPECT_THROW(cb.select<Device>().slice(0), ServerError);
    server.enqueue("GET", kDevices, testing::MockResponse::json({{"results", {1}}, {"totalResults", 1}}));
    EXPECT_THROW(cb.select<Device>().slice(0), ServerError);
    server.enqueue("GET", kDevices, testing::MockResponse::json({{"results", nlohmann::json::array()}, {"totalResults", -3}}));
    EXPECT_THROW(cb.select<Device>().size(), ServerError);
}

TEST_F(DefenseQueryTest, EventFiltersFormatTimesInUtcMilliseconds) {
    server.on("GET", kEvents, [](const testing::RecordedRequest&) {
        return test::page_reply(nlohmann::json::array(), 0);
    });
    const TimePoint from = parse_cb_time("2017-07-01T00:00:00Z");
    const TimePoint to = parse_cb_time("2017-07-14T02:40:00.123456Z");
    cb.select<Event>().host_name_exact("WIN-1").start_time(from).end_time(to).event_type("NETWORK").device_id(7).slice(0);
    EXPECT_EQ(test::last_request(server).query,
              "deviceId=7&endTime=2017-07-14T02%3A40%3A00.123Z&eventType=NETWORK&hostNameExact=WIN-1&rows=100&"
              "startTime=2017-07-01T00%3A00%3A00.000Z");
}

TEST_F(DefenseQueryTest, PolicyListUsesTheSamePaging) {
    server.on("GET", "/integrationServices/v3/policy", [](const testing::RecordedRequest&) {
        return test::page_reply({{{"id", 1}, {"name", "default"}}}, 1);
    });
    const auto all = cb.select<Policy>().slice(0);
    ASSERT_EQ(all.size(), 1U);
    EXPECT_EQ(all[0].name(), "default");
    EXPECT_EQ(test::last_request(server).query, "rows=100");
}

// What DefensePaging says of a reply that is not a page or a count (the message of the ServerError).
TEST(DefensePagingReplies, AMalformedPageOrCountSaysWhatIsWrong) {
    const defense::DefensePaging paging{};
    const auto fails_with = [](const std::string& message) {
        return ::testing::ThrowsMessage<ServerError>(::testing::StrEq("Received error code 200 from API: " + message));
    };
    EXPECT_THAT([&] { (void)paging.parse_page(nlohmann::json::array()); },
                fails_with("Expected a JSON object from Cb Defense, got array"));
    EXPECT_THAT([&] { (void)paging.parse_page({{"success", false}, {"message", "nope"}}); }, fails_with("nope"));
    EXPECT_THAT([&] { (void)paging.parse_count({{"totalResults", -3}}); },
                fails_with("Expected 'totalResults' to be a non-negative integer, got -3"));
    EXPECT_THAT([&] { (void)paging.parse_page({{"totalResults", 1}, {"results", "x"}}); },
                fails_with("Expected 'results' to be an array, got string"));
    EXPECT_THAT([&] { (void)paging.parse_page({{"totalResults", 1}, {"results", {1}}}); },
                fails_with("Expected the items of 'results' to be objects, got number"));
    const Page page = paging.parse_page({{"totalResults", 1}, {"results", {{{"id", 1}}}}});
    EXPECT_EQ(page.items, (std::vector<nlohmann::json>{{{"id", 1}}}));
    EXPECT_EQ(page.total, std::optional<std::size_t>(1));
    EXPECT_TRUE(paging.parse_page({{"totalResults", nullptr}}).items.empty());
    EXPECT_EQ(paging.parse_count({{"success", true}}), 0u);
}

}  // namespace
}  // namespace cbapi
