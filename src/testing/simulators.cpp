// Every bundled simulator on one server.
#include "cbapi/testing/simulators.hpp"

#include "cbapi/testing/live_response_simulator.hpp"
#include "cbapi/testing/response_admin_simulator.hpp"
#include "cbapi/testing/response_intel_simulator.hpp"
#include "cbapi/testing/response_process_simulator.hpp"

namespace cbapi::testing {

void install_simulators(MockServer& server, const SimulatorOptions& options) {
    install_response_info(server, options.response);
    install_response_process_simulator(server, options.response);
    install_response_admin_simulator(server, options.response);
    install_response_intel_simulator(server, options.response);
    install_protection_simulator(server, options.protection);
    install_defense_simulator(server, options.defense);
    LiveResponseSimulatorOptions live_response;
    live_response.response = options.response;
    live_response.defense_devices = options.defense.devices;
    install_live_response_simulator(server, live_response);
    install_virustotal_simulator(server, options.virustotal);
}

}  // namespace cbapi::testing
