// sensor_group_operations: lists, adds and deletes sensor groups and lists the sensors of a group, like
// cbapi-python's sensor_group_operations.py.
//   sensor_group_operations list
//   sensor_group_operations add -n <name> [-s <site name> | -i <site id>]
//   sensor_group_operations delete (-i <id> | -n <name>) [--force]
//   sensor_group_operations list-sensors [-n <group name>]
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cbapi/response.hpp"
#include "common/admin_output.hpp"
#include "common/cli.hpp"

namespace {

using namespace cbapi::response;

long long numeric_id(const cbapi::Model& m) { return std::stoll(m.id()); }

template <typename M, typename Query>
M lowest_id(const Query& query) {
    const auto& all = query.results();
    if (all.empty()) throw cbapi::ApiError("The server has no " + M::model_info.type_name + " objects");
    return *std::min_element(all.begin(), all.end(),
                             [](const M& a, const M& b) { return numeric_id(a) < numeric_id(b); });
}

std::string time_text(const std::optional<cbapi::TimePoint>& t) {
    return t ? cbapi::format_cb_time(*t) + "+00:00" : std::string("never");
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Manage Cb Response sensor groups"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    app.require_subcommand(1);

    auto* list = app.add_subcommand("list", "List all configured sensor groups");

    std::string new_group_name, site_name, site_id;
    auto* add = app.add_subcommand("add", "Add new sensor group");
    add->add_option("-n,--name", new_group_name, "Sensor group name")->required();
    auto* by_site_name = add->add_option("-s,--site", site_name, "Site name");
    auto* by_site_id = add->add_option("-i,--site-id", site_id, "Site ID");
    by_site_name->excludes(by_site_id);

    long long delete_id = -1;
    std::string delete_name;
    bool force = false;
    auto* del = app.add_subcommand("delete", "Delete sensor groups");
    auto* del_id = del->add_option("-i,--id", delete_id, "ID of sensor group to delete");
    auto* del_name = del->add_option("-n,--name", delete_name,
                                     "Name of sensor group to delete. Specify --force to delete multiple sensor groups "
                                     "that have the same name");
    del_id->excludes(del_name);
    del->require_option(1, 2);
    del->add_flag("--force", force, "If NAME matches multiple sensor groups, delete all matching sensor groups");

    std::string group_name;
    auto* list_sensors = app.add_subcommand("list-sensors", "List all sensors in a sensor group");
    list_sensors->add_option("-n,--name", group_name, "Sensor group name");
    CLI11_PARSE(app, argc, argv);
    if (del->parsed() && del_id->count() == 0 && del_name->count() == 0) {
        std::cerr << "delete needs --id or --name\n";
        return 2;
    }

    return cbapi::examples::run([&] {
        const CbResponseAPI cb(common.credentials(cbapi::Product::response));
        if (list->parsed()) {
            for (const SensorGroup& group : cb.select<SensorGroup>()) {
                cbapi::examples::print_model(std::cout, group, cb.url());
                std::cout << "\n";
            }
            return 0;
        }
        if (list_sensors->parsed()) {
            SensorGroup group = group_name.empty() ? lowest_id<SensorGroup>(cb.select<SensorGroup>()) : [&] {
                auto found = cb.select<SensorGroup>().where("name:" + group_name).first();
                if (!found) throw cbapi::ApiError("Could not find sensor group named " + group_name);
                return *found;
            }();
            std::cout << fmt::format("Sensors in group {} (id {}):\n", group.name(), group.id());
            std::cout << fmt::format("  {:40}{:18}{}\n", "Hostname", "IP Address", "Last Checkin Time");
            for (const Sensor& sensor : group.sensors()) {
                std::string ip;  // the first address that is not a placeholder (cbapi-python fails when none is)
                for (const auto& adapter : sensor.network_interfaces())
                    if (adapter.ipaddr != "127.0.0.1" && adapter.ipaddr != "0.0.0.0") {
                        ip = adapter.ipaddr;
                        break;
                    }
                std::cout << fmt::format("  {:40}{:18}{}\n", sensor.hostname(), ip, time_text(sensor.last_checkin_time()));
            }
            return 0;
        }
        if (add->parsed()) {
            std::optional<Site> site;
            if (!site_name.empty()) {
                site = cb.select<Site>().where("name:" + site_name).first();
                if (!site) {
                    std::cout << "Could not find site named " << site_name << "\n";
                    return 1;
                }
            } else if (!site_id.empty()) {
                site = cb.select<Site>().where("id:" + site_id).first();
                if (!site) {
                    std::cout << "Could not find site ID " << site_id << "\n";
                    return 1;
                }
            } else {
                site = lowest_id<Site>(cb.select<Site>());  // the first site by the lowest ID
            }
            SensorGroup group = cb.create<SensorGroup>();
            group.set("name", new_group_name);
            group.set_site(*site);
            try {
                group.save();
            } catch (const cbapi::ServerError& e) {
                std::cout << fmt::format("Received HTTP error {} when attempting to add sensor group: {}\n",
                                         e.error_code(), e.what());
                return 1;
            }
            std::cout << "Added sensor group. New sensor group ID is " << group.id() << "\n";
            return 0;
        }

        // delete
        std::vector<SensorGroup> groups;
        std::string attempted;
        try {
            if (delete_id >= 0) {
                attempted = fmt::format("ID of {}", delete_id);
                groups.push_back(cb.fetch<SensorGroup>(delete_id));
            } else {
                attempted = "name " + delete_name;
                groups = cb.select<SensorGroup>().where("name:" + delete_name).results();
                if (groups.empty()) throw cbapi::ApiError("No sensor groups match");
            }
        } catch (const cbapi::ApiError& e) {
            std::cout << fmt::format("Could not find sensor group with {}: {}\n", attempted, e.what());
            return 1;
        }
        if (groups.size() > 1 && !force) {
            std::cout << fmt::format("{} sensor groups match {} and --force not specified. No action taken.\n",
                                     groups.size(), attempted);
            return 1;
        }
        int result = 0;
        for (SensorGroup& group : groups) {
            try {
                group.remove();
                std::cout << fmt::format("Deleted sensor group id {} with name {}\n", group.id(), group.name());
            } catch (const cbapi::ApiError& e) {
                std::cout << fmt::format("Could not delete sensor group with {}: {}\n", attempted, e.what());
                result = 1;
            }
        }
        return result;
    });
}
