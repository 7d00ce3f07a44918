// cblr_cli: a Live Response shell for Cb Defense devices, like cbapi-python's examples/defense/cblr_cli.py.
// `connect <device id or hostname>`, then cd/dir/get/put/ps/exec/reg/... (see `help`). Non-interactive with
// -c "cmd; cmd" or a script file.
#include <iostream>
#include <optional>
#include <string>

#include "cbapi/defense.hpp"
#include "common/cblr_shell.hpp"
#include "common/cli.hpp"

namespace {

bool all_digits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

}  // namespace

int main(int argc, char** argv) {
    // First, before any thread exists: SIGINT and SIGTERM close the session and end the program with 130 or 143.
    cbapi::live_response::InterruptGuard guard;
    CLI::App app{"Cb Defense Live Response CLI"};
    cbapi::examples::CblrOptions options;
    options.add_to(app);
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        using cbapi::defense::Device;
        const cbapi::defense::CbDefenseAPI cb(options.common.credentials(cbapi::Product::defense));
        auto lr = cb.live_response();
        cbapi::examples::close_sessions_on_signals(guard, lr);
        // A number is a device id; anything else an exact host name (first match).
        auto connect = [&](const std::string& target) {
            std::optional<Device> device;
            if (all_digits(target) && target != "0")
                device = cb.fetch<Device>(std::stoll(target));
            else
                device = cb.select<Device>().host_name_exact(target).first();
            if (!device) throw cbapi::ApiError("No device with host name " + target);
            return lr.request_session(device->device_id(),
                                      cbapi::live_response::detail::os_from_device_type(device->device_type()));
        };
        return cbapi::examples::run_cblr_shell(options, connect);
    });
}
