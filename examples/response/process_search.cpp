// process_search: runs a process query, optionally grouped and limited to a time window, and prints the matching
// processes as a table.
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "cbapi/response.hpp"
#include "common/cli.hpp"
#include "common/process_output.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Search processes and print them as a table"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    std::string query, group_by, min_last_update, max_last_update, min_last_server_update, max_last_server_update;
    std::size_t limit = 0;
    app.add_option("-q,--query", query, "Process query (default: every process)");
    app.add_option("--group-by", group_by, "Group results by this field (e.g. id: one row per process; Cb Response 6.0+)");
    app.add_option("--min-last-update", min_last_update, "Last event at or after this time, sensor clock (YYYY-MM-DDTHH:MM:SSZ)");
    app.add_option("--max-last-update", max_last_update, "Last event at or before this time, sensor clock");
    app.add_option("--min-last-server-update", min_last_server_update, "Last event received at or after this time, server clock");
    app.add_option("--max-last-server-update", max_last_server_update, "Last event received at or before this time, server clock");
    app.add_option("-n,--limit", limit, "Print at most this many processes (default: all)");
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        using namespace cbapi::response;
        const CbResponseAPI cb(common.credentials(cbapi::Product::response));
        ProcessQuery processes = cb.select<Process>();
        if (!query.empty()) processes = processes.where(query);
        if (!group_by.empty()) processes = processes.group_by(group_by);
        // Checked here so that a typo is an error rather than a server-side surprise.
        const auto time = [](const std::string& text) { return cbapi::parse_cb_time(text); };
        if (!min_last_update.empty()) processes = processes.min_last_update(time(min_last_update));
        if (!max_last_update.empty()) processes = processes.max_last_update(time(max_last_update));
        if (!min_last_server_update.empty()) processes = processes.min_last_server_update(time(min_last_server_update));
        if (!max_last_server_update.empty()) processes = processes.max_last_server_update(time(max_last_server_update));

        const std::string format = "{:<26} {:<16} {:<18} {:<20} {:>6} {}\n";
        std::cout << fmt::format(format, "Last update", "Hostname", "Username", "Process", "PID", "Command line");
        std::cout << std::string(120, '-') << "\n";
        std::size_t shown = 0;
        for (auto it = limit ? processes.iterate(0, limit) : processes.begin(); it != processes.end(); ++it) {
            const Process& p = *it;
            std::cout << fmt::format(format, cbapi::examples::python_time(p.last_update()), p.hostname(), p.username(),
                                     p.process_name(), p.process_pid(), p.cmdline());
            ++shown;
        }
        std::cout << fmt::format("{} of {} processes\n", shown, processes.size());
        return 0;
    });
}
