#pragma once
/// @file
/// The Cb Defense simulator: handlers for every `/integrationServices/v3/...` endpoint the SDK calls, on a
/// MockServer, backed by an in-memory store seeded deterministically.
///
/// Semantics (as the real API, where known):
/// - searches (`device`, `event`, `policy`): 1-based `start` (default 1), `rows` (default 20, capped at
///   `max_rows`), replies `{"success": true, "message": "Success", "totalResults": N, "results": [...]}`; each
///   filter parameter once; an unknown parameter, a repeated one or a bad number → 400 with
///   `{"success": false, "message": ...}`;
/// - device filters `hostNameExact`, `hostName` (contains), `ipAddress` (internal or external), `policyId`,
///   `policyName`, `status`; event filters `hostNameExact`, `deviceId`, `eventType`, `startTime`, `endTime`
///   (inclusive; any time string the SDK parses, or epoch milliseconds);
/// - single objects: `{"success": true, "deviceInfo"|"eventInfo"|"policyInfo": {...}}`; unknown ids → 404;
/// - `PATCH device/{id}`: `policyId`, `policyName` (the other is kept in step) and `targetPriorityType`;
///   `{"success": true, "deviceId": id}`;
/// - policies: `POST policy` / `PUT policy/{id}` with `{"policyInfo": {...}}` (name unique, priorityLevel
///   HIGH/MEDIUM/LOW, version 2, policy an object) → `{"success": true, "policyId": id}`; `DELETE policy/{id}`
///   (refused for system policies and for policies with devices); rules `POST policy/{id}/rule`,
///   `PUT|DELETE policy/{id}/rule/{ruleId}` with `{"ruleInfo": {...}}` → `{"success": true, "ruleId": id}`;
/// - a request body that is not the expected JSON envelope → 400; a change the server refuses (validation,
///   conflicts) → 200 with `{"success": false, "message": ...}`, the way the Cb Defense API reports them;
/// - `GET notification`: the queued notifications, drained by each call.
///
/// Writes persist in memory for the server's lifetime. Thread-safe: one lock around the store.

#include <cstddef>
#include <cstdint>

#include "cbapi/testing/mock_server.hpp"

namespace cbapi::testing {

/// What the Cb Defense simulator is seeded with.
struct DefenseSimulatorOptions {
    /// Seed of the deterministic generator (same seed, same data).
    std::uint64_t seed = 1;
    /// Number of devices (ids 1001, 1002, ...).
    std::size_t devices = 25;
    /// Number of events.
    std::size_t events = 120;
    /// Number of policies (at least 1; id 1 is the system policy "default", then "Standard",
    /// "Restrictive_Windows_Workstation", "Advanced", "Policy-5", ...).
    std::size_t policies = 4;
    /// Notifications queued at start.
    std::size_t notifications = 3;
    /// The most rows one page returns, whatever `rows` asks.
    std::size_t max_rows = 1000;
};

/// Registers the Cb Defense endpoints on `server` (configure the server's token as `<api key>/<connector id>`).
/// @param server the mock server @param options what to seed
void install_defense_simulator(MockServer& server, const DefenseSimulatorOptions& options = {});

}  // namespace cbapi::testing
