#pragma once
/// @file
/// A local stand-in for the VirusTotal public API v2 (`/vtapi/v2/file/report` and `/vtapi/v2/file/scan`), for
/// testing analysis connectors (the virus_total_connector example) without the internet. It checks the `apikey`
/// parameter (403 otherwise) and the public API's rate limit (204 when a request comes too soon), and answers:
/// - a report for a hash (MD5, SHA-1 or SHA-256 as hex) whose first digit is 0–7: a finished scan by 60 engines, of
///   which `4 * <second digit>` detect it (so the verdict is deterministic and varied); any other hash:
///   `response_code` 0 (unknown);
/// - an upload (`multipart/form-data`, part `file`): queued, with a `scan_id`; the report for that `scan_id` says
///   "queued" (`response_code` -2) the first time and is a finished, clean scan afterwards.
///
/// @code
/// cbapi::testing::MockServer server;
/// cbapi::testing::VirusTotalSimulatorOptions vt;
/// vt.requests_per_minute = 600;   // tests: one request per 100 ms
/// cbapi::testing::install_virustotal_simulator(server, vt);
/// // base URL for the client: server.url() + "/vtapi/v2"
/// @endcode

#include <chrono>
#include <functional>
#include <string>

#include "cbapi/testing/mock_server.hpp"

namespace cbapi::testing {

/// What the VirusTotal stand-in accepts.
struct VirusTotalSimulatorOptions {
    /// The API key requests must carry as `apikey` (403 otherwise).
    std::string api_key = "vt-simulator-key";
    /// Requests accepted per minute (the public API allows 4). [assumption] The limit is enforced as an even
    /// spacing: a request less than `60 / requests_per_minute` seconds after the previous accepted one is answered
    /// 204 with an empty body, as VirusTotal answers a client over its quota. 0 = no limit.
    double requests_per_minute = 4;
    /// The clock the rate limit reads; unset = std::chrono::steady_clock.
    std::function<std::chrono::steady_clock::time_point()> clock;
};

/// Registers `GET /vtapi/v2/file/report` and `POST /vtapi/v2/file/scan` on `server` (without the X-Auth-Token check:
/// VirusTotal authenticates by `apikey`). May be called once per server.
/// @param server the mock server @param options API key, rate limit and clock
void install_virustotal_simulator(MockServer& server, const VirusTotalSimulatorOptions& options = {});

}  // namespace cbapi::testing
