#pragma once
/// @file
/// The Cb Response simulator: `/api/info` plus the endpoint families (processes and binaries, administration,
/// watchlists/feeds/alerts, Live Response), each installed by its own function on a MockServer and all sharing one
/// deterministic world: the hosts (sensors) below, derived from the seed.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cbapi/testing/mock_server.hpp"

namespace cbapi::testing {

/// What the simulated Cb Response server reports and holds.
struct ResponseSimulatorOptions {
    /// The version `/api/info` reports; "5.1..." and "6.1..." select the two server behaviours (segments,
    /// event API versions, user/team shapes, partitions).
    std::string server_version = "6.1.0.180806.1200";
    /// Seed of the deterministic data generator (same seed, same data).
    std::uint64_t seed = 1;
    /// Multiplies the default number of objects (hosts, process trees, binaries, ...).
    std::size_t scale = 1;
    /// Number of hosts (sensors) before scaling.
    std::size_t hosts = 8;
    /// `cblrEnabled` in `/api/info`.
    bool cblr_enabled = true;
    /// `processPageSize` in `/api/info`.
    int process_page_size = 10;
    /// When set, the server's event bus: a RabbitMQ broker as `amqp://user:password@host:port[/vhost]` (parts
    /// percent-encoded; without a password in the URL the environment variable `CBAPI_EVENT_BUS_PASSWORD` gives it).
    /// install_response_intel_simulator() (and so install_simulators()) then publishes to the broker's `api.events`
    /// exchange, in the real server's formats, the watchlist hits, feed hits, alerts and process starts triggered
    /// through `POST /simulator/v1/...` and the bans clients create (docs/simulator.md lists the messages). The
    /// password never appears in a log line or an error. Needs the event side (CBAPI_BUILD_EVENTS); without it,
    /// installing throws std::invalid_argument.
    std::string event_bus;
};

/// One simulated endpoint: a sensor with its host. Every endpoint family uses the same list, so a process's
/// `sensor_id`, the sensor list and the Live Response sessions agree.
struct SimulatedHost {
    int sensor_id = 0;          ///< 1, 2, ...
    std::string hostname;       ///< e.g. "WIN-FIN-03" (upper case, unique)
    std::string computer_dns_name;
    std::string ip_address;     ///< "10.x.y.z"
    std::string mac_address;    ///< "00:50:56:xx:xx:xx"
    std::string os_type;        ///< "windows", "osx" or "linux"
    std::string os_name;        ///< e.g. "Windows 10 Enterprise, 64-bit"
    int group_id = 1;           ///< sensor group (1 = "Default Group", 2 = "Servers", 3 = "Workstations")
    int site_id = 1;            ///< site (1 = "Default Site")
    std::string build_version;  ///< sensor build, e.g. "6.1.2.71109"
};

/// The hosts of a simulated server, deterministic for `options.seed`; `options.hosts * options.scale` of them,
/// mostly Windows with some macOS and Linux.
std::vector<SimulatedHost> simulated_hosts(const ResponseSimulatorOptions& options);

/// The names of the sensor groups every simulated server starts with, by id (1-based).
const std::vector<std::string>& simulated_group_names();

/// Registers `GET /api/info` (version, cblrEnabled, banningEnabled, processPageSize, maxSearchResultRows) and
/// `GET /api/license`.
void install_response_info(MockServer& server, const ResponseSimulatorOptions& options = {});

}  // namespace cbapi::testing
