#pragma once
// Test helpers for Cb Protection: a serverConfig reply, an API on a MockServer, and a simulator-backed fixture.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cbapi/protection.hpp"
#include "cbapi/testing/mock_server.hpp"
#include "cbapi/testing/protection_simulator.hpp"
#include "support/fixtures.hpp"

namespace cbapi::test {

inline const std::string protection_prefix = "/api/bit9platform/v1";

/// Serves serverConfig with `ParityServerVersion` = `version`.
inline void serve_server_config(testing::MockServer& server, const std::string& version = "8.0.0.2562") {
    server.on("GET", protection_prefix + "/serverConfig", [version](const testing::RecordedRequest&) {
        return testing::MockResponse::json(nlohmann::json::array(
            {{{"id", 1}, {"name", "ParityServerVersion"}, {"value", version}},
             {{"id", 2}, {"name", "ServerName"}, {"value", "bit9.test"}}}));
    });
}

/// A CbProtectionAPI on a MockServer with test connection options.
inline protection::CbProtectionAPI protection_api(testing::MockServer& server, RecordingSleeper& sleeper) {
    protection::ApiOptions options;
    options.connection = test_options(sleeper);
    return protection::CbProtectionAPI(credentials_for(server), options);
}

/// The requests after the construction (serverConfig) request, i.e. what a test's calls sent.
inline std::vector<testing::RecordedRequest> requests_after_connect(const testing::MockServer& server) {
    auto all = server.requests();
    if (!all.empty() && all.front().path == protection_prefix + "/serverConfig") all.erase(all.begin());
    return all;
}

/// A server with scripted replies (serverConfig served) and an API connected to it; requests are cleared after
/// connecting, so a test sees only what its own calls sent.
class ProtectionWireTest : public ::testing::Test {
protected:
    testing::MockServer server;
    RecordingSleeper sleeper;
    protection::CbProtectionAPI cb = [this] {
        serve_server_config(server);
        return protection_api(server, sleeper);
    }();
    void SetUp() override { server.clear_requests(); }
    testing::RecordedRequest last() const { return server.requests().back(); }
};

/// A simulator-backed server and API; `options` may be changed before start().
class ProtectionSimTest : public ::testing::Test {
protected:
    testing::MockServer server;
    RecordingSleeper sleeper;
    testing::ProtectionSimulatorOptions options;

    protection::CbProtectionAPI start() {
        testing::install_protection_simulator(server, options);
        auto cb = protection_api(server, sleeper);
        server.clear_requests();
        return cb;
    }
};

}  // namespace cbapi::test
