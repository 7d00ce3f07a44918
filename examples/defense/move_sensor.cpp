// move_sensor: moves Cb Defense devices into another policy, like cbapi-python's examples/defense/move_sensor.py.
// Devices by id (-i) or host name (-n); destination by policy id (--policyid) or name (--policyname).
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cbapi/defense.hpp"
#include "common/cli.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Move a device into a new security policy"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    std::optional<long long> device_id;
    std::string hostname;
    std::optional<long long> policy_id;
    std::string policy_name;
    auto* id_opt = app.add_option("-i,--id", device_id, "Device id");
    auto* host_opt = app.add_option("-n,--hostname", hostname, "Device host name")->excludes(id_opt);
    auto* pid_opt = app.add_option("--policyid", policy_id, "Id of the destination policy");
    auto* pname_opt = app.add_option("--policyname", policy_name, "Name of the destination policy")->excludes(pid_opt);
    CLI11_PARSE(app, argc, argv);
    if (id_opt->count() + host_opt->count() != 1 || pid_opt->count() + pname_opt->count() != 1) {
        std::cerr << "error: give one of -i/--id or -n/--hostname, and one of --policyid or --policyname\n"
                  << app.help();
        return 2;
    }

    return cbapi::examples::run([&] {
        using cbapi::defense::Device;
        const cbapi::defense::CbDefenseAPI cb(common.credentials(cbapi::Product::defense));
        std::vector<Device> devices;
        if (device_id) {
            devices.push_back(cb.select<Device>(*device_id));
        } else {
            for (const Device& d : cb.select<Device>().host_name_exact(hostname)) devices.push_back(d);
        }
        if (devices.empty()) {
            std::cerr << "error: no device named " << hostname << "\n";
            return 1;
        }
        const std::string destination = policy_id ? std::to_string(*policy_id) : policy_name;
        for (Device& d : devices) {
            if (policy_id)
                d.move_to_policy(*policy_id);
            else
                d.move_to_policy(policy_name);
            std::cout << "Moved device id " << d.device_id() << " (hostname " << d.name() << ") into policy "
                      << destination << "\n";
        }
        return 0;
    });
}
