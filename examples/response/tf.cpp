// tf (term frequency): finds rare child processes of given parents — child names whose share of the parent's
// children is at most a percentage — and prints each instance with its descendant count or command lines, like
// cbapi-python's tf.py.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cbapi/response.hpp"
#include "common/cli.hpp"

namespace {

// A facet ratio as cbapi-python prints it (`str()` of the float the server sent): the shortest text that reads back
// as the same number, with ".0" kept on whole numbers ("50.0", "33.3", "1e+16").
std::string python_float(double value) {
    std::string text = fmt::format("{}", value);
    if (text.find_first_of(".eni") == std::string::npos) text += ".0";
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Find rare child processes of the given parent processes"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    std::string percentage = "2", terms, termfile;
    bool count = false, cmdline = false;
    app.add_option("-p,--percentage", percentage, "Report children whose share is at most this percentage (default 2)");
    auto* term_option = app.add_option("-t,--term", terms, "Comma-separated parent process names");
    auto* file_option = app.add_option("-f,--termfile", termfile, "File with one parent process name per line");
    term_option->excludes(file_option);
    auto* count_flag = app.add_flag("--count", count, "Print the number of descendants of each hit (default)");
    auto* cmdline_flag = app.add_flag("--cmdline", cmdline, "Print the command lines of the descendants of each hit");
    count_flag->excludes(cmdline_flag);
    CLI11_PARSE(app, argc, argv);
    if (terms.empty() && termfile.empty()) {
        std::cerr << "One of --term or --termfile is required\n" << app.help();
        return 2;
    }

    return cbapi::examples::run([&] {
        using namespace cbapi::response;
        double threshold = 0;
        try {
            threshold = std::stod(percentage);
        } catch (const std::exception&) {
            throw cbapi::ApiError("--percentage must be a number, got '" + percentage + "'");
        }
        std::vector<std::string> parents;
        std::string line;
        if (!termfile.empty()) {
            std::ifstream in(termfile);
            if (!in) throw cbapi::ApiError("Cannot read " + termfile);
            while (std::getline(in, line))
                if (!line.empty()) parents.push_back(line);
        } else {
            std::istringstream in(terms);
            while (std::getline(in, line, ','))
                if (!line.empty()) parents.push_back(line);
        }

        const CbResponseAPI cb(common.credentials(cbapi::Product::response));
        for (const auto& parent : parents) {
            const auto facets = cb.select<Process>().where("parent_name:" + parent).facets({"process_name"});
            const auto it = facets.find("process_name");
            if (it == facets.end()) continue;
            for (auto entry = it->second.rbegin(); entry != it->second.rend(); ++entry) {
                if (static_cast<long long>(entry->ratio) > threshold) continue;
                const std::string q = "parent_name:" + parent + " process_name:" + entry->name;
                for (const Process& proc : cb.select<Process>().where(q)) {
                    std::vector<std::string> descendants;
                    long long n = 0;
                    proc.walk_children([&](const Process& child, int) {
                        ++n;
                        if (cmdline) descendants.push_back(child.cmdline());
                    });
                    std::string tail = cmdline ? fmt::format("{}", fmt::join(descendants, ",")) : std::to_string(n);
                    std::cout << fmt::format("{},{},{},{},{},{},{},{},{},{}\n", parent, entry->name, entry->value,
                                             python_float(entry->ratio), q, proc.hostname(), proc.username(), proc.webui_link(),
                                             proc.cmdline(), tail);
                }
            }
        }
        return 0;
    });
}
