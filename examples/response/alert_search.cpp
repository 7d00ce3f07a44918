// alert_search: lists the alerts matching a query with their score, subject and watchlist (cbapi-python's
// alert_search.py).
//   alert_search [--query <alert query>]
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "cbapi/response.hpp"
#include "common/cli.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Search Cb Response alerts"};
    cbapi::examples::QueryOptions options;
    options.add_to(app, "Alert query, e.g. \"-status:Resolved hostname:WIN-FIN-01\" (default: all)");
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        using namespace cbapi::response;
        const CbResponseAPI cb(options.common.credentials(cbapi::Product::response));
        for (const Alert& alert : cb.select<Alert>().where(options.query)) {
            if (alert.alert_type().find("binary") != std::string::npos) {
                std::cout << fmt::format("Alert with score {}: Binary {} matched watchlist/report {}\n",
                                         alert.report_score(), alert.md5(), alert.watchlist_name());
                continue;
            }
            std::cout << fmt::format("Alert with score {}: Process {} matched watchlist/report {}\n",
                                     alert.report_score(), alert.process_name(), alert.watchlist_name());
            if (const auto process = alert.process())
                std::cout << fmt::format("-> visit {}/#analyze/{}/{} to view this process in the Carbon Black UI.\n",
                                         cb.url(), process->guid(), process->segment());
        }
        return 0;
    });
}
