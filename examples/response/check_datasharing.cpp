// check_datasharing: reports the sensor groups that send unknown binaries to VirusTotal, like cbapi-python's
// check_datasharing.py. Exit code 0 when none does, 1 when some or all do.
#include <iostream>
#include <vector>

#include "cbapi/response.hpp"
#include "common/cli.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Check datasharing settings on server"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        using namespace cbapi::response;
        const CbResponseAPI cb(common.credentials(cbapi::Product::response));
        const auto groups = cb.select<SensorGroup>();
        std::vector<SensorGroup> virustotal_groups;
        for (const SensorGroup& group : groups)
            if (group.shares("VIRUSTOTAL", "BIN")) virustotal_groups.push_back(group);

        if (virustotal_groups.empty()) {
            std::cout << "No sensor groups are configured to send unknown binaries to VirusTotal\n";
            return 0;
        }
        if (virustotal_groups.size() == groups.size()) {
            std::cout << "**ALL** sensor groups are configured to send unknown binaries to VirusTotal\n";
            return 1;
        }
        std::cout << "The following sensor groups are configured to send unknown binaries to VirusTotal:\n";
        for (const SensorGroup& group : virustotal_groups) std::cout << "  id " << group.id() << ": " << group.name() << "\n";
        return 1;
    });
}
