// CbProtectionAPI: construction (serverConfig, version, 401), version-gated models, select/fetch/create.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/protection_fakes.hpp"

namespace cbapi {
namespace {

using namespace protection;

class CbProtectionApiTest : public ::testing::Test {
protected:
    testing::MockServer server;
    test::RecordingSleeper sleeper;
    CbProtectionAPI connect() { return test::protection_api(server, sleeper); }
};

TEST_F(CbProtectionApiTest, ConstructionReadsServerConfig) {
    test::serve_server_config(server, "8.0.0.2562");
    auto cb = connect();
    const auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].method, "GET");
    EXPECT_EQ(reqs[0].path, "/api/bit9platform/v1/serverConfig");
    EXPECT_EQ(reqs[0].query, "");
    EXPECT_EQ(reqs[0].header("X-Auth-Token"), server.token());
    EXPECT_EQ(cb.info().at("ParityServerVersion"), "8.0.0.2562");
    EXPECT_EQ(cb.info().at("ServerName"), "bit9.test");
    ASSERT_TRUE(cb.server_version());
    EXPECT_EQ(*cb.server_version(), ServerVersion::parse("8.0.0.2562"));
    EXPECT_TRUE(cb.server_info().is_array());
    EXPECT_EQ(cb.server_info().size(), 2u);
    EXPECT_EQ(cb.handle()->product, Product::protection);
}

TEST_F(CbProtectionApiTest, UrlAndTokenConstructor) {
    test::serve_server_config(server);
    CbProtectionAPI cb(server.url() + "/", server.token());
    EXPECT_EQ(cb.url(), server.url());
    EXPECT_TRUE(cb.server_version());
}

TEST_F(CbProtectionApiTest, ARequestTimeoutAndAConnectTimeoutByDefault) {
    const ApiOptions options;
    EXPECT_EQ(options.connection.timeout, std::chrono::seconds(120));
    EXPECT_GT(options.connection.connect_timeout.count(), 0);
}

TEST_F(CbProtectionApiTest, UnauthorizedTokenNamesTheServer) {
    test::serve_server_config(server);
    auto credentials = test::credentials_for(server);
    credentials.token = "not-the-token";
    ApiOptions options;
    options.connection = test::test_options(sleeper);
    try {
        CbProtectionAPI cb(credentials, options);
        FAIL() << "no exception";
    } catch (const UnauthorizedError& e) {
        EXPECT_STREQ(e.what(), ("Invalid API token for server " + server.url() + ".").c_str());
        EXPECT_EQ(e.status(), 401);
        EXPECT_EQ(std::string(e.what()).find("not-the-token"), std::string::npos);
    }
}

TEST_F(CbProtectionApiTest, ServerConfigThatIsNotAListIsAServerError) {
    server.on("GET", "/api/bit9platform/v1/serverConfig",
              [](const testing::RecordedRequest&) { return testing::MockResponse::json({{"oops", 1}}); });
    EXPECT_THROW(connect(), ServerError);
}

TEST_F(CbProtectionApiTest, MissingVersionRefusesOnlyTheEightZeroModels) {
    server.on("GET", "/api/bit9platform/v1/serverConfig", [](const testing::RecordedRequest&) {
        return testing::MockResponse::json(nlohmann::json::array({{{"id", 1}, {"name", "ServerName"}, {"value", "x"}}}));
    });
    auto cb = connect();
    EXPECT_FALSE(cb.server_version());
    EXPECT_NO_THROW(cb.select<Computer>());
    try {
        cb.select<User>();
        FAIL() << "no exception";
    } catch (const ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("reports no version"), std::string::npos) << e.what();
    }
}

TEST_F(CbProtectionApiTest, EightZeroModelsNeedEightZero) {
    test::serve_server_config(server, "7.2.1.1826");
    auto cb = connect();
    try {
        cb.select<User>();
        FAIL() << "no exception";
    } catch (const HttpError&) {
        FAIL() << "expected a plain ApiError";
    } catch (const ApiError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "User requires server version 8.0 or later (server " + server.url() + " reports 7.2.1.1826)");
    }
    EXPECT_THROW(cb.select<UserGroup>(1), ApiError);
    EXPECT_THROW(cb.create<TrustedUser>(), ApiError);
    EXPECT_THROW(cb.select<AppCatalog>(), ApiError);
    EXPECT_THROW(cb.select<ScriptRule>(), ApiError);
    EXPECT_NO_THROW(cb.select<FileRule>());
    EXPECT_NO_THROW(cb.create<Policy>());
    EXPECT_EQ(server.request_count(), 1u);  // refused before anything is sent
}

TEST_F(CbProtectionApiTest, EightZeroModelsWorkOnEightZero) {
    test::serve_server_config(server, "8.0.0.2562");
    auto cb = connect();
    EXPECT_NO_THROW(cb.select<User>());
    EXPECT_NO_THROW(cb.create<UserGroup>());
    EXPECT_NO_THROW(cb.select<GrantedUserPolicyPermission>(3));
}

TEST_F(CbProtectionApiTest, SelectByIdIsLazyAndFetchLoads) {
    test::serve_server_config(server);
    auto cb = connect();
    server.clear_requests();
    auto computer = cb.select<Computer>(7);
    EXPECT_EQ(server.request_count(), 0u);
    server.enqueue("GET", "/api/bit9platform/v1/computer/7",
                   testing::MockResponse::json({{"id", 7}, {"name", "HOST7"}, {"policyId", 3}}));
    EXPECT_EQ(computer.name(), "HOST7");
    EXPECT_EQ(computer.policy_id(), 3);
    EXPECT_EQ(server.request_count(), 1u);

    server.enqueue("GET", "/api/bit9platform/v1/computer/0", testing::MockResponse::json({{"id", 0}, {"name", "zero"}}));
    auto zero = cb.fetch<Computer>(0);  // a falsy id is a valid id (cbapi 1.2.0)
    EXPECT_EQ(zero.name(), "zero");
    EXPECT_THROW(cb.select<Computer>(""), ApiError);
}

TEST_F(CbProtectionApiTest, FetchOfAMissingObjectIsNotFound) {
    testing::install_protection_simulator(server);
    auto cb = connect();
    EXPECT_THROW(cb.fetch<Policy>(999), ObjectNotFoundError);
}

TEST_F(CbProtectionApiTest, CopiesShareOneConnection) {
    test::serve_server_config(server);
    auto cb = connect();
    CbProtectionAPI copy = cb;
    EXPECT_EQ(&copy.connection(), &cb.connection());
    EXPECT_EQ(&copy.info(), &cb.info());
}

}  // namespace
}  // namespace cbapi
