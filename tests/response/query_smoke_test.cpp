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
    for (const SearchItem& item : cb.select<SearchItem>().where("process_name:cmd.exe").parallel(1)) {
        EXPECT_EQ(item.n(), static_cast<long long>(expected));
        ++expected;
    }
    EXPECT_EQ(expected, 250u);
    const auto reqs = test::requests_to(server, "/api/v1/process");
    ASSERT_EQ(reqs.size(), 3u);
    EXPECT_EQ(reqs[0].query, "cb.urlver=1&facet=false&q=process_name%3Acmd.exe&rows=100&sort=last_update+desc&start=0");
    EXPECT_EQ(reqs[2].query, "cb.urlver=1&facet=false&q=process_name%3Acmd.exe&rows=100&sort=last_update+desc&start=200");
}

class NewerItem : public Model {
public:
    inline static const ModelInfo model_info = ModelInfo("NewerItem", "/api/v1/newer").since(ServerVersion{7, 0});
    static constexpr bool creatable = true;
    using query_type = SimpleQuery<NewerItem>;
    NewerItem(detail::ApiHandle api, nlohmann::json doc, bool full)
        : Model(model_info, std::move(api), std::move(doc), full) {}
};

TEST(ApiBase, ModelsNewerThanTheServerAreRefusedAtSelect) {
    testing::MockServer server;
    test::serve_info(server, "6.1.0.180806.1200");
    test::RecordingSleeper sleeper;
    auto cb = test::response_api(server, sleeper);
    try {
        cb.select<NewerItem>();
        FAIL();
    } catch (const ApiError& e) {
        EXPECT_EQ(std::string(e.what()), "NewerItem requires server version 7.0 or later (server " + server.url() +
                                             " reports 6.1.0.180806.1200)");
    }
    EXPECT_THROW(cb.select<NewerItem>(1), ApiError);
    EXPECT_THROW(cb.create<NewerItem>(), ApiError);
}

TEST(ApiBase, ModelsAreAvailableFromTheirMinimumVersion) {
    testing::MockServer server;
    test::serve_info(server, "7.0");
    test::RecordingSleeper sleeper;
    auto cb = test::response_api(server, sleeper);
    EXPECT_NO_THROW(cb.select<NewerItem>());
    EXPECT_EQ(cb.select<NewerItem>(3).id(), "3");
}

TEST(ResponseApi, RequestTimeoutDefaultsTo120Seconds) {
    EXPECT_EQ(response::ApiOptions{}.connection.timeout, std::chrono::seconds(120));
}

}  // namespace
}  // namespace cbapi
