// Smoke tests of the query engine and model base through CbResponseAPI.
#include <gtest/gtest.h>

#include "support/response_fakes.hpp"

namespace cbapi {
namespace {

using test::FakeSearch;
using test::SearchItem;

TEST(ResponseQuery, IteratesAllPagesInOrder) {
    testing::MockServer server;
    test::serve_info(server);
    FakeSearch search;
    search.total = 250;
    search.install(server);
    test::RecordingSleeper sleeper;
    auto cb = test::response_api(server, sleeper);
    std::size_t expected = 0;
    for (const SearchItem& item : cb.select<SearchItem>().where("process_name:cmd.exe")) {
        EXPECT_EQ(item.n(), static_cast<long long>(expected));
        ++expected;
    }
    EXPECT_EQ(expected, 250u);
    const auto reqs = test::requests_to(server, "/api/v1/process");
    ASSERT_EQ(reqs.size(), 3u);
    EXPECT_EQ(reqs[0].query, "cb.urlver=1&facet=false&q=process_name%3Acmd.exe&rows=100&sort=last_update+desc&start=0");
    EXPECT_EQ(reqs[2].query, "cb.urlver=1&facet=false&q=process_name%3Acmd.exe&rows=100&sort=last_update+desc&start=200");
}

}  // namespace
}  // namespace cbapi
