// alert_bulk_resolve: resolves every unresolved alert matching a query (cbapi-python's alert_bulk_resolve.py).
//   alert_bulk_resolve [--query <alert query>] [--timeout 25]
// Instead of sleeping 25 s blindly, it counts the unresolved alerts again (once a second, up to --timeout seconds)
// until the server has applied the change.
#include <chrono>
#include <iostream>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "cbapi/response.hpp"
#include "common/cli.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Bulk resolve Cb Response alerts"};
    cbapi::examples::QueryOptions options;
    options.add_to(app, "Alert query to narrow the alerts to resolve (default: every unresolved alert)");
    double timeout = 25;
    app.add_option("--timeout", timeout, "Seconds to wait for the change to take effect (default 25)")
        ->check(CLI::NonNegativeNumber);
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        using namespace cbapi::response;
        const CbResponseAPI cb(options.common.credentials(cbapi::Product::response));
        auto unresolved = [&] {
            auto q = cb.select<Alert>().where("-status:Resolved");
            return options.query.empty() ? q : q.where(options.query);
        };
        const std::size_t count = unresolved().size();
        if (count == 0) {
            std::cout << "Congratulations! You have no unresolved alerts!\n";
            return 0;
        }
        std::cout << fmt::format("Resolving {} alerts...\n", count);
        const std::size_t sent = unresolved().change_status(Alert::status_resolved);
        std::cout << "Waiting for alert changes to take effect..." << std::endl;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout);
        std::size_t left = unresolved().size();
        while (left > 0 && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::seconds(1));
            left = unresolved().size();
        }
        if (left > 0) {
            std::cout << fmt::format("Warning: {} alerts are still unresolved after {} s.\n", left, timeout);
            return 1;
        }
        std::cout << fmt::format("Complete. Resolved {} alerts.\n", sent);
        return 0;
    });
}
