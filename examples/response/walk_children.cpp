// walk_children: prints the descendants of a process (or of each process a query matches) with their lifetimes,
// console link and command lines, like cbapi-python's walk_children.py.
#include <iostream>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "cbapi/response.hpp"
#include "common/cli.hpp"
#include "common/process_output.hpp"

namespace {

using cbapi::examples::python_duration;
using cbapi::examples::python_time;
using cbapi::response::Process;

void print_tree(const Process& root) {
    std::cout << fmt::format("Process {} on {} executed by {}:\n", root.cmdline(), root.hostname(), root.username());
    const auto start = root.start();
    const auto end = root.end();
    if (root.terminated() && start && end)
        std::cout << fmt::format("started at {} ({})\n", python_time(start), python_duration(*end - *start));
    else
        std::cout << fmt::format("started at {} (still running)\n", python_time(start));
    std::cout << "Cb Response console link: " << root.webui_link() << "\n";
    try {
        root.walk_children([](const Process& child, int depth) {
            std::cout << std::string(static_cast<std::size_t>(2 * (depth + 1)), ' ')
                      << fmt::format("{} -- {}: {} {}\n", python_time(child.start()), python_time(child.end()),
                                     child.cmdline(), child.suppressed() ? "(suppressed)" : "");
        });
    } catch (const std::exception& e) {
        std::cout << "** Encountered error while walking children: " << e.what() << "\n";
    }
    std::cout << "\n";
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Print the process tree below a process, or below every process a query matches"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    std::string process_id, query;
    std::size_t max_children = 15;
    auto* process_option = app.add_option("-p,--process", process_id, "Process GUID");
    auto* query_option = app.add_option("-q,--query", query, "Process query (one tree per process)");
    process_option->excludes(query_option);
    app.add_option("-c,--children", max_children, "Children listed per process (default 15)")->check(CLI::PositiveNumber);
    CLI11_PARSE(app, argc, argv);
    if (process_id.empty() && query.empty()) {
        std::cerr << "Requires either a --process or --query argument\n" << app.help();
        return 2;
    }

    return cbapi::examples::run([&] {
        const cbapi::response::CbResponseAPI cb(common.credentials(cbapi::Product::response));
        if (!process_id.empty()) {
            Process root = cb.select<Process>(process_id);
            root.set_max_children(max_children);
            try {
                root.refresh();
            } catch (const cbapi::ObjectNotFoundError&) {
                std::cerr << "Could not find process " << process_id << "\n";
                return 1;
            }
            print_tree(root);
            return 0;
        }
        for (const Process& root : cb.select<Process>().where(query).group_by("id").max_children(max_children))
            print_tree(root);
        return 0;
    });
}
