#pragma once
/// @file
/// Every bundled simulator on one MockServer: Cb Response, Cb Protection, Cb Defense and Live Response, and the
/// VirusTotal stand-in, all on one port (the paths do not overlap). This is what `cbapi-mock-server` serves.

#include "cbapi/testing/defense_simulator.hpp"
#include "cbapi/testing/mock_server.hpp"
#include "cbapi/testing/protection_simulator.hpp"
#include "cbapi/testing/response_simulator.hpp"
#include "cbapi/testing/virustotal_simulator.hpp"

namespace cbapi::testing {

/// The options of every product's simulator.
struct SimulatorOptions {
    ResponseSimulatorOptions response;
    ProtectionSimulatorOptions protection;
    DefenseSimulatorOptions defense;
    /// The VirusTotal API v2 stand-in (`/vtapi/v2/...`) analysis connectors talk to.
    VirusTotalSimulatorOptions virustotal;
};

/// Installs every product's endpoints on `server`. Call once per server.
void install_simulators(MockServer& server, const SimulatorOptions& options = {});

}  // namespace cbapi::testing
