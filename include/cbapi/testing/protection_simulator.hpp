#pragma once
/// @file
/// A Cb Protection server in memory, on top of MockServer: every `/api/bit9platform/v1` endpoint the SDK calls,
/// with the real server's paging (`offset`/`limit`, `limit=0` = everything, `limit=-1` = `{"count": N}`, no limit =
/// the first 1000), `q=` conditions (`:` `!` `<` `>` `+` `-`, `|` alternatives, `*` wildcards), `sort`, creation,
/// update (PUT, and POST like the real server), deletion, 404s, and the models of server 8.0 answered with 404 on
/// an older configured version.
///
/// @code
/// cbapi::testing::MockServer server;
/// cbapi::testing::install_protection_simulator(server);   // or with ProtectionSimulatorOptions
/// cbapi::protection::CbProtectionAPI cb(server.url(), server.token());
/// @endcode

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "cbapi/testing/mock_server.hpp"

namespace cbapi::testing {

/// What the simulated Cb Protection server holds and reports.
struct ProtectionSimulatorOptions {
    /// The version reported as `ParityServerVersion` in serverConfig; below 8.0 the 8.0 models answer 404.
    std::string server_version = "8.0.0.2562";
    /// Seed of the deterministic data generator (same seed, same data).
    std::uint32_t seed = 1;
    /// Multiplies the default number of objects of every collection.
    std::size_t scale = 1;
    /// Exact object counts per collection, overriding the defaults (e.g. `{{"computer", 2500}}`).
    std::map<std::string, std::size_t> counts;
};

/// Registers the Cb Protection endpoints on `server` (handlers with `server.on`), backed by a thread-safe
/// in-memory store seeded from `options`. May be called once per server.
/// @param server the mock server
/// @param options version, seed and sizes
/// @throws ApiError for an unparsable server_version
void install_protection_simulator(MockServer& server, const ProtectionSimulatorOptions& options = {});

}  // namespace cbapi::testing
