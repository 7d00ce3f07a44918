// process_netconn_rate: flags processes whose average rate of network connections (connections per second between
// their start and their last event) exceeds a threshold, like cbapi-python's process_netconn_rate.py.
#include <chrono>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "cbapi/response.hpp"
#include "common/cli.hpp"

int main(int argc, char** argv) {
    CLI::App app{"High avg. netconn/second alert"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    bool skip_unknown = false;
    double rate_threshold = 100.0;
    long long gt_count = 100;
    app.add_flag("-s,--skip-unknown", skip_unknown, "Skip processes with unknown start or last update");
    app.add_option("-r,--rate", rate_threshold,
                   "Alert on processes with more than [--rate] network connections per second (default 100)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("-g,--gt-count", gt_count, "Filter processes with greater than [--gt-count] network events (default 100)")
        ->check(CLI::NonNegativeNumber);
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        using cbapi::response::Process;
        const cbapi::response::CbResponseAPI cb(common.credentials(cbapi::Product::response));
        const auto query =
            cb.select<Process>().where(fmt::format("netconn_count:[{} TO *]", gt_count)).sort("last_update desc");
        for (const Process& proc : query) {
            const auto start = proc.start();
            const auto last_update = proc.last_update();
            double runtime = 1.0;  // unknown start or last update: the Python script divides by one second
            if (start && last_update) {
                runtime = std::chrono::duration<double>(*last_update - *start).count();
            } else if (skip_unknown) {
                continue;
            }
            const long long count = proc.netconn_count();
            // A process whose events all share one timestamp: "infinity", as the Python script has it.
            const double rate = runtime == 0.0 && count > 0 ? 1000000.0 : static_cast<double>(count) / runtime;
            if (rate > rate_threshold)
                std::cout << fmt::format("{}|{}|{}|{:.4f}\n", proc.hostname(), proc.username(), proc.process_name(), rate);
        }
        return 0;
    });
}
