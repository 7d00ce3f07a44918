// enumerate_usb_devices: lists the USB mass-storage devices seen in registry modifications (the device class
// {53f56307-b6bf-11d0-94f2-00a0c91efb8b}), like cbapi-python's enumerate_usb_devices.py: for each such registry
// path, the part after "usbstor#disk&" (vendor, product, revision and serial number), one per line.
#include <iostream>
#include <string>

#include "cbapi/response.hpp"
#include "common/cli.hpp"

namespace {

constexpr const char* disk_class = "{53f56307-b6bf-11d0-94f2-00a0c91efb8b}";
constexpr const char* usbstor = "usbstor#disk&";

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Enumerate USB Devices"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    std::string start_time;
    app.add_option("-s,--start", start_time, "Start time (example: -2h)");
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        using cbapi::response::Process;
        const cbapi::response::CbResponseAPI cb(common.credentials(cbapi::Product::response));
        std::string query = std::string(R"(regmod:registry\machine\system\currentcontrolset\control\deviceclasses\)") +
                            disk_class + R"(\*)";
        if (!start_time.empty()) query += " start:" + start_time;
        for (const Process& proc : cb.select<Process>().where(query)) {
            for (const auto& rm : proc.regmods()) {
                if (rm.path.find(disk_class) == std::string::npos) continue;
                const auto at = rm.path.find(usbstor);
                if (at == std::string::npos) {
                    // A key of the class that names no USB storage device (the Python script prints the pieces).
                    std::cout << "WARN:::: " << rm.path << "\n";
                } else {
                    std::cout << rm.path.substr(at + std::char_traits<char>::length(usbstor)) << "\n";
                }
            }
        }
        return 0;
    });
}
