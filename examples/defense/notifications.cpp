// notifications: prints Cb Defense notifications as they are queued (needs a SIEM API key), like cbapi-python's
// examples/defense/notifications.py. Polls every -s seconds, forever unless -c limits the number of polls.
#include <chrono>
#include <cstddef>
#include <iostream>

#include "cbapi/defense.hpp"
#include "common/cli.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Listen for notifications"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    int seconds = 30;
    std::size_t polls = 0;
    app.add_option("-s", seconds, "Seconds between polls (default 30)")->check(CLI::NonNegativeNumber);
    app.add_option("-c,--count", polls, "Stop after this many polls (default: never; not in cbapi-python)");
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        const cbapi::defense::CbDefenseAPI cb(common.credentials(cbapi::Product::defense));
        cbapi::defense::ListenOptions options;
        options.interval = std::chrono::seconds(seconds);
        if (polls > 0) options.max_polls = polls;
        cb.notification_listener(
            [](const cbapi::defense::Notification& n) {
                std::cout << n.document().dump(2) << std::endl;
                return true;
            },
            options);
        return 0;
    });
}
