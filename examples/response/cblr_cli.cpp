// cblr_cli: a Live Response shell for Cb Response sensors, like cbapi-python's examples/response/cblr_cli.py.
// `connect <sensor id or hostname>`, then cd/dir/get/put/ps/exec/reg/... (see `help`). Non-interactive with
// -c "cmd; cmd" or a script file.
#include <iostream>
#include <string>

#include "cbapi/response.hpp"
#include "common/cblr_shell.hpp"
#include "common/cli.hpp"

namespace {

bool all_digits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

}  // namespace

int main(int argc, char** argv) {
    // First, before any thread exists: SIGINT and SIGTERM close the session and end the program with 130 or 143.
    cbapi::live_response::InterruptGuard guard;
    CLI::App app{"Cb Response Live Response CLI"};
    cbapi::examples::CblrOptions options;
    options.add_to(app);
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        const cbapi::response::CbResponseAPI cb(options.common.credentials(cbapi::Product::response));
        auto lr = cb.live_response();
        cbapi::examples::close_sessions_on_signals(guard, lr);
        // A number is a sensor id; anything else a host name (GET /api/v1/sensor?hostname=..., first match).
        auto connect = [&](const std::string& target) {
            if (all_digits(target) && target != "0") return lr.request_session(std::stoll(target));
            const auto sensors =
                cb.connection().get_json("/api/v1/sensor", {{"hostname", target}}, nlohmann::json::array());
            if (!sensors.is_array() || sensors.empty() || !sensors[0].contains("id"))
                throw cbapi::ApiError("No sensor with host name " + target);
            return lr.request_session(sensors[0]["id"].get<long long>());
        };
        return cbapi::examples::run_cblr_shell(options, connect);
    });
}
