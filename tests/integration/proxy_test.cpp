// Proxies: an explicit proxy is used; environment proxies are used unless ignore_system_proxy says no.
#include <gtest/gtest.h>

#include "support/env_guard.hpp"
#include "support/fixtures.hpp"

namespace cbapi {
namespace {

using testing::MockResponse;
using testing::MockServer;

class ProxyTest : public ::testing::Test {
protected:
    ProxyTest() : proxy(proxy_options()) {
        for (const char* name : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                                 "no_proxy", "NO_PROXY"})
            env.unset(name);
        proxy.on("*", ".*", [](const testing::RecordedRequest&) { return MockResponse::json({{"via", "proxy"}}); });
        target.on("GET", "/api/info", [](const testing::RecordedRequest&) {
            return MockResponse::json({{"via", "direct"}});
        });
    }

    static MockServer::Options proxy_options() {
        MockServer::Options o;
        o.token.clear();  // a proxy does not check the API token
        return o;
    }

    std::string fetch(const Credentials& c) {
        return Connection(c, test::test_options(sleeper)).get_json("/api/info").at("via").get<std::string>();
    }

    test::EnvGuard env;
    MockServer target;
    MockServer proxy;
    test::RecordingSleeper sleeper;
};

TEST_F(ProxyTest, WithoutProxiesRequestsGoDirect) {
    EXPECT_EQ(fetch(test::credentials_for(target)), "direct");
    EXPECT_EQ(proxy.request_count(), 0u);
}

TEST_F(ProxyTest, ExplicitProxyIsUsed) {
    Credentials c = test::credentials_for(target);
    c.proxy = proxy.url();
    EXPECT_EQ(fetch(c), "proxy");
    const auto reqs = proxy.requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].path, target.url() + "/api/info");  // absolute-form request line: it went through the proxy
    EXPECT_EQ(target.request_count(), 0u);
}

TEST_F(ProxyTest, EnvironmentProxyIsUsedByDefault) {
    env.set("http_proxy", proxy.url());
    EXPECT_EQ(fetch(test::credentials_for(target)), "proxy");
    EXPECT_EQ(target.request_count(), 0u);
}

TEST_F(ProxyTest, IgnoreSystemProxyBypassesTheEnvironmentProxy) {
    env.set("http_proxy", proxy.url());
    env.set("all_proxy", proxy.url());
    Credentials c = test::credentials_for(target);
    c.ignore_system_proxy = true;
    EXPECT_EQ(fetch(c), "direct");
    EXPECT_EQ(proxy.request_count(), 0u);
}

TEST_F(ProxyTest, IgnoreSystemProxyStillUsesAnExplicitProxy) {
    env.set("http_proxy", "http://127.0.0.1:1");  // would fail if used
    Credentials c = test::credentials_for(target);
    c.ignore_system_proxy = true;
    c.proxy = proxy.url();
    EXPECT_EQ(fetch(c), "proxy");
}

}  // namespace
}  // namespace cbapi
