// The Cb Response simulator's shared world (hosts, groups) and /api/info.
#include "cbapi/testing/response_simulator.hpp"

#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace cbapi::testing {

const std::vector<std::string>& simulated_group_names() {
    static const std::vector<std::string> names = {"Default Group", "Servers", "Workstations"};
    return names;
}

std::vector<SimulatedHost> simulated_hosts(const ResponseSimulatorOptions& options) {
    static const char* const departments[] = {"FIN", "HR", "ENG", "OPS", "SALES", "IT", "LEGAL", "DEV"};
    std::mt19937_64 random(options.seed * 0x9E3779B97F4A7C15ULL + 17);
    const std::size_t count = options.hosts * (options.scale == 0 ? 1 : options.scale);
    std::vector<SimulatedHost> hosts;
    hosts.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        SimulatedHost h;
        h.sensor_id = static_cast<int>(i + 1);
        const auto roll = random() % 10;
        h.os_type = roll < 7 ? "windows" : (roll < 9 ? "osx" : "linux");
        const std::string dept = departments[random() % (sizeof departments / sizeof *departments)];
        if (h.os_type == "windows") {
            h.hostname = fmt::format("WIN-{}-{:02}", dept, i + 1);
            h.os_name = random() % 2 ? "Windows 10 Enterprise, 64-bit" : "Windows Server 2016 Standard, 64-bit";
            h.group_id = h.os_name.rfind("Windows Server", 0) == 0 ? 2 : 3;
        } else if (h.os_type == "osx") {
            h.hostname = fmt::format("MAC-{}-{:02}", dept, i + 1);
            h.os_name = "Mac OS X 10.13.6";
            h.group_id = 3;
        } else {
            h.hostname = fmt::format("LNX-{}-{:02}", dept, i + 1);
            h.os_name = "CentOS 7.5";
            h.group_id = 2;
        }
        if (i == 0) h.group_id = 1;  // at least one sensor in the default group
        h.computer_dns_name = fmt::format("{}.corp.example.com", h.hostname);
        h.ip_address = fmt::format("10.{}.{}.{}", 1 + random() % 20, random() % 256, 1 + (i % 254));
        h.mac_address = fmt::format("00:50:56:{:02x}:{:02x}:{:02x}", random() % 256, random() % 256, i % 256);
        h.site_id = 1;
        h.build_version = h.os_type == "windows" ? "6.1.2.71109" : "6.1.1.10312";
        hosts.push_back(std::move(h));
    }
    return hosts;
}

void install_response_info(MockServer& server, const ResponseSimulatorOptions& options) {
    const nlohmann::json info = {{"version", options.server_version},
                                 {"cblrEnabled", options.cblr_enabled},
                                 {"banningEnabled", true},
                                 {"processPageSize", options.process_page_size},
                                 {"maxSearchResultRows", 1000},
                                 {"timestampDeltaThreshold", 5},
                                 {"linuxInstallerExists", true},
                                 {"osxInstallerExists", true}};
    server.on("GET", "/api/info", [info](const RecordedRequest&) { return MockResponse::json(info); });
    server.on("GET", "/api/license", [](const RecordedRequest&) {
        return MockResponse::json({{"license_request_block", "-----BEGIN CB LICENSE REQUEST-----\nSIMULATOR\n"
                                                             "-----END CB LICENSE REQUEST-----"},
                                   {"license_valid", true}});
    });
}

}  // namespace cbapi::testing
