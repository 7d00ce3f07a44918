// Every bundled simulator on one server.
#include "cbapi/testing/simulators.hpp"

#include "cbapi/testing/response_intel_simulator.hpp"

namespace cbapi::testing {

void install_simulators(MockServer& server, const SimulatorOptions& options) {
    install_response_info(server, options.response);
    install_response_intel_simulator(server, options.response);
    install_protection_simulator(server, options.protection);
    install_defense_simulator(server, options.defense);
}

}  // namespace cbapi::testing
