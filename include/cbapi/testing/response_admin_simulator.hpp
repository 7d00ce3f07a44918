#pragma once
/// @file
/// The Cb Response administration endpoints of the simulator: sensors (with network isolation that takes effect a
/// few polls later), sensor groups with their data sharing settings and installers, sites, throttle rules, users
/// and teams (the pre-6.1 and 6.1 representations), `/api/auth` with HTTP digest authentication, event storage
/// partitions and ingress filters (both only on servers from 6.1).
///
/// The world: one sensor per simulated host (simulated_hosts()), the groups of simulated_group_names() in site 1
/// "Default Site", two throttle rules of site 1, teams "Analysts" (viewer of every group) and "Responders"
/// (administrator of "Servers", viewer of "Workstations"), users `admin` (global administrator, password
/// "admin-password", whose API token is the server's token), `jsmith` (Analysts, password "jsmith-password") and
/// `bwong` (Responders, password "bwong-password"); "Servers" sends unknown binaries to VirusTotal. Writes are kept
/// for the server's lifetime; every handler is thread-safe.
///
/// Validation as the real server: missing required fields → 400, unknown ids → 404, duplicates and conflicting
/// states (deleting the default group, the writer partition, a group with sensors, ...) → 409.

#include "cbapi/testing/mock_server.hpp"
#include "cbapi/testing/response_simulator.hpp"

namespace cbapi::testing {

/// How many GETs of a sensor pass before a change of `network_isolation_enabled` shows in `is_isolating` (the
/// real sensor confirms at its next check-in).
inline constexpr int simulated_isolation_polls = 2;

/// Registers the administration endpoints on `server`, backed by an in-memory store seeded from `options`.
/// Call once per server (install_simulators() does).
/// @throws ApiError for an unparsable `options.server_version`
void install_response_admin_simulator(MockServer& server, const ResponseSimulatorOptions& options = {});

}  // namespace cbapi::testing
