// The simulator's fault knobs (FaultOptions, the request log): what they inject, and that the SDK's retries absorb
// them for reads while a POST is never repeated.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "support/fixtures.hpp"

namespace cbapi {
namespace {

using testing::FaultOptions;
using testing::MockResponse;
using testing::MockServer;
using test::RecordingSleeper;

MockServer::Options with_faults(FaultOptions faults) {
    MockServer::Options o;
    o.faults = std::move(faults);
    return o;
}

TEST(MockFaults, ErrorRateOneAnswersEveryRequestWithAConfiguredStatus) {
    FaultOptions f;
    f.error_rate = 1.0;
    f.error_statuses = {503};
    MockServer server(with_faults(f));
    server.on("GET", "/x", [](const auto&) { return MockResponse::json({{"ok", true}}); });
    RecordingSleeper sleeper;
    auto options = test::test_options(sleeper);
    options.retry.max_retries = 2;
    Connection conn(test::credentials_for(server), options);
    try {
        conn.get_json("/x");
        FAIL() << "expected a ServerError";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 503);
    }
    EXPECT_EQ(server.request_count(), 3u);  // the first try and two retries
    EXPECT_EQ(server.faults_injected(), 3u);
    EXPECT_EQ(sleeper.delays().size(), 2u);
}

TEST(MockFaults, DropRateOneClosesTheConnectionWithoutReply) {
    FaultOptions f;
    f.drop_rate = 1.0;
    MockServer server(with_faults(f));
    server.on("GET", "/x", [](const auto&) { return MockResponse::json({{"ok", true}}); });
    RecordingSleeper sleeper;
    auto options = test::test_options(sleeper);
    options.retry.max_retries = 1;
    Connection conn(test::credentials_for(server), options);
    EXPECT_THROW(conn.get_json("/x"), ConnectionError);
    EXPECT_EQ(server.request_count(), 2u);
}

TEST(MockFaults, TruncateRateOneCutsTheBodyShort) {
    FaultOptions f;
    f.truncate_rate = 1.0;
    MockServer server(with_faults(f));
    server.on("GET", "/x", [](const auto&) { return MockResponse::json({{"payload", std::string(200, 'a')}}); });
    RecordingSleeper sleeper;
    auto options = test::test_options(sleeper);
    options.retry.max_retries = 0;
    Connection conn(test::credentials_for(server), options);
    EXPECT_THROW(conn.get_json("/x"), ConnectionError);
}

TEST(MockFaults, FaultsOnlyHitTheConfiguredMethods) {
    FaultOptions f;
    f.error_rate = 1.0;
    f.methods = {"GET"};
    MockServer server(with_faults(f));
    server.on("POST", "/x", [](const auto&) { return MockResponse::json({{"created", 1}}); });
    RecordingSleeper sleeper;
    Connection conn(test::credentials_for(server), test::test_options(sleeper));
    EXPECT_EQ(conn.post_json("/x", {{"a", 1}}).at("created"), 1);
    EXPECT_EQ(server.faults_injected(), 0u);
}

TEST(MockFaults, APostHitByAFaultIsNeverRepeated) {
    FaultOptions f;
    f.error_rate = 1.0;
    MockServer server(with_faults(f));
    server.on("POST", "/x", [](const auto&) { return MockResponse::json({{"created", 1}}); });
    RecordingSleeper sleeper;
    Connection conn(test::credentials_for(server), test::test_options(sleeper));
    EXPECT_THROW(conn.post_json("/x", {{"a", 1}}), ServerError);
    EXPECT_EQ(server.request_count(), 1u);
    EXPECT_TRUE(sleeper.delays().empty());
}

TEST(MockFaults, ModerateFaultRatesAreAbsorbedByRetriesOfReads) {
    FaultOptions f;
    f.error_rate = 0.2;
    f.drop_rate = 0.05;
    f.truncate_rate = 0.05;
    f.seed = 7;
    MockServer server(with_faults(f));
    server.on("GET", "/item/(\\d+)", [](const testing::RecordedRequest& r) {
        return MockResponse::json({{"path", r.path}, {"padding", std::string(64, 'x')}});
    });
    RecordingSleeper sleeper;
    auto options = test::test_options(sleeper);
    options.retry.max_retries = 10;
    Connection conn(test::credentials_for(server), options);
    for (int i = 0; i < 100; ++i)
        EXPECT_EQ(conn.get_json("/item/" + std::to_string(i)).at("path"), "/item/" + std::to_string(i));
    EXPECT_GT(server.faults_injected(), 10u);
    EXPECT_EQ(server.request_count(), 100u + server.faults_injected());
}

TEST(MockFaults, SetFaultsTakesEffectForTheNextRequest) {
    MockServer server;
    server.on("GET", "/x", [](const auto&) { return MockResponse::json({{"ok", true}}); });
    RecordingSleeper sleeper;
    auto options = test::test_options(sleeper);
    options.retry.max_retries = 0;
    Connection conn(test::credentials_for(server), options);
    EXPECT_NO_THROW(conn.get_json("/x"));
    FaultOptions f;
    f.error_rate = 1.0;
    f.error_statuses = {502};
    server.set_faults(f);
    EXPECT_THROW(conn.get_json("/x"), ServerError);
    server.set_faults({});
    EXPECT_NO_THROW(conn.get_json("/x"));
}

TEST(MockFaults, RequestLogHasOneJsonLinePerRequestAndNoToken) {
    const std::string dir = std::getenv("CBAPI_TEST_TMP") ? std::getenv("CBAPI_TEST_TMP") : "/tmp";
    std::filesystem::create_directories(dir);
    const std::string path = dir + "/mock_faults_record.jsonl";
    {
        MockServer::Options o;
        o.record_path = path;
        MockServer server(o);
        server.on("*", "/x", [](const auto&) { return MockResponse::json({{"ok", true}}); });
        RecordingSleeper sleeper;
        Connection conn(test::credentials_for(server), test::test_options(sleeper));
        conn.get_json("/x", {{"q", "a b"}});
        conn.post_json("/x", {{"name", "n"}});
    }
    std::ifstream in(path);
    std::string line;
    std::vector<nlohmann::json> lines;
    while (std::getline(in, line)) {
        EXPECT_EQ(line.find("mock-token"), std::string::npos) << line;
        lines.push_back(nlohmann::json::parse(line));
    }
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].at("method"), "GET");
    EXPECT_EQ(lines[0].at("path"), "/x");
    EXPECT_EQ(lines[0].at("query"), "q=a+b");
    EXPECT_EQ(lines[0].at("status"), 200);
    EXPECT_EQ(lines[1].at("method"), "POST");
    EXPECT_EQ(nlohmann::json::parse(lines[1].at("body").get<std::string>()), nlohmann::json({{"name", "n"}}));
}

TEST(MockFaults, UnwritableRequestLogIsAClearError) {
    MockServer::Options o;
    o.record_path = "/nonexistent-dir/requests.jsonl";
    EXPECT_THROW(MockServer server(o), std::runtime_error);
}

}  // namespace
}  // namespace cbapi
