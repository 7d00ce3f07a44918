// download_sensor_installer: downloads a sensor group's installer package to a file, like cbapi-python's
// download_sensor_installer.py. The group is given by id or by name; the file is replaced only by a complete
// download (never written through a symbolic link).
#include <cctype>
#include <iostream>
#include <optional>
#include <string>

#include "cbapi/files.hpp"
#include "cbapi/response.hpp"
#include "common/cli.hpp"

namespace {

using cbapi::response::SensorGroup;

// The whole text as a group id; nothing when it is not all digits.
std::optional<long long> as_id(const std::string& text) {
    if (text.empty() || text.size() > 18) return std::nullopt;
    for (char c : text)
        if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    return std::stoll(text);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Download a sensor installer package for a sensor group"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    std::string filename, group = "1", type = "windows/exe";
    app.add_option("-f,--filename", filename, "Filename to save the installer package to")->required();
    app.add_option("-g,--sensor-group", group, "Sensor group name or ID of the group to download an installer for")
        ->capture_default_str();
    app.add_option("-t,--installer-type", type, "Installer type; must be one of windows/exe, windows/msi, linux, osx")
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    try {
        cbapi::response::parse_installer_type(type);
    } catch (const cbapi::ApiError&) {
        std::cerr << "error: unknown installer type '" << type
                  << "'; must be one of windows/exe, windows/msi, linux, osx\n";
        return 2;
    }

    return cbapi::examples::run([&] {
        const cbapi::response::CbResponseAPI cb(common.credentials(cbapi::Product::response));
        std::optional<SensorGroup> sensor_group;
        if (const auto id = as_id(group)) {
            try {
                sensor_group = cb.fetch<SensorGroup>(*id);
            } catch (const cbapi::ObjectNotFoundError&) {
                // Not an id after all: a group may be named "2019", as the Python script allows.
            }
        }
        if (!sensor_group) {
            const auto named = cb.select<SensorGroup>().where("name:" + group);
            if (named.empty()) {
                std::cerr << "Could not find sensor group via id or name (" << group << ")\n";
                return 1;
            }
            if (named.size() > 1) {
                std::cerr << named.size() << " sensor groups are named " << group << "; give the group's id instead\n";
                return 1;
            }
            sensor_group = named.first();
        }

        std::cout << "-> Downloading " << type << " installer for group " << sensor_group->name() << " to file "
                  << filename << "..." << std::endl;
        std::string package;
        try {
            package = sensor_group->get_installer(type);
        } catch (const cbapi::ObjectNotFoundError&) {
            std::cerr << "** Could not find an installer for " << type << "\n";
            return 1;
        }
        try {
            cbapi::write_file_atomically(filename, package);
        } catch (const cbapi::ApiError& e) {
            std::cerr << "** Error writing to file " << filename << ": " << e.what() << "\n";
            return 1;
        }
        std::cout << "-> Download complete (" << package.size() << " bytes)\n";
        return 0;
    });
}
