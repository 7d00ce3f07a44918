#pragma once
// Test helpers for Cb Defense: a MockServer configured with a Defense token, an API object on it, request filters.

#include <memory>
#include <string>
#include <vector>

#include "cbapi/defense.hpp"
#include "cbapi/testing/defense_simulator.hpp"
#include "cbapi/testing/mock_server.hpp"
#include "support/fixtures.hpp"

namespace cbapi::test {

/// The API key, connector id and combined token the Defense test servers accept.
inline constexpr const char* kDefenseKey = "ABCDEFGHIJKLMNOP";
inline constexpr const char* kDefenseConnector = "CONN42";
inline constexpr const char* kDefenseToken = "ABCDEFGHIJKLMNOP/CONN42";

/// Options of a MockServer that accepts the Defense token.
inline testing::MockServer::Options defense_server_options() {
    testing::MockServer::Options o;
    o.token = kDefenseToken;
    o.threads = 8;
    return o;
}

/// A CbDefenseAPI on `server` with test connection options (no real sleeps).
inline defense::CbDefenseAPI defense_api(const testing::MockServer& server, RecordingSleeper& sleeper) {
    defense::ApiOptions options;
    options.connection = test_options(sleeper);
    return defense::CbDefenseAPI(server.url(), kDefenseKey, kDefenseConnector, options);
}

/// The requests received, as "METHOD path?query" lines.
inline std::vector<std::string> wire(const testing::MockServer& server) {
    std::vector<std::string> out;
    for (const auto& r : server.requests()) out.push_back(r.method + " " + r.path + (r.query.empty() ? "" : "?" + r.query));
    return out;
}

/// The last request received. Requires at least one.
inline testing::RecordedRequest last_request(const testing::MockServer& server) { return server.requests().back(); }

/// A Defense search reply.
inline testing::MockResponse page_reply(const nlohmann::json& results, std::size_t total) {
    return testing::MockResponse::json({{"success", true}, {"message", "Success"}, {"results", results},
                                        {"totalResults", total}});
}

/// `n` device documents with ids first, first+1, ...
inline nlohmann::json devices(long long first, std::size_t n) {
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t i = 0; i < n; ++i) {
        const long long id = first + static_cast<long long>(i);
        out.push_back({{"deviceId", id}, {"name", "HOST-" + std::to_string(id)}});
    }
    return out;
}

}  // namespace cbapi::test
