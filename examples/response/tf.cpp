// tf (term frequency): finds rare child processes of given parents — child names whose share of the parent's
// children is at most a percentage — and prints each instance with its descendant count or command lines, like
// cbapi-python's tf.py.
#include <algorithm>
#include <cstddef>
#include <exception>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
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
        // Each parent is asked about once, however often the terms name it (its lines are printed again for every
        // repeat): the facets, then the search of each rare child name; then the descendants of every process found,
        // of every parent, in one walk whose summary requests go out together (Process::walk_children_of). What a
        // failed request would have cut short is printed up to where it happened, then the error is reported.
        struct Hit {
            const FacetEntry* entry;
            std::string query;
            std::size_t first_root;  // index of its first process in `roots`
            std::size_t roots;
        };
        struct Parent {
            Facets facets;
            std::vector<Hit> hits;
        };
        std::map<std::string, Parent> asked;
        std::vector<Process> roots;
        std::exception_ptr failed;  // the first request that failed; nothing after it is asked or printed
        std::size_t failed_root = std::numeric_limits<std::size_t>::max();
        for (const auto& parent : parents) {
            if (failed) break;
            auto [known, inserted] = asked.try_emplace(parent);
            if (!inserted) continue;
            try {
                known->second.facets = cb.select<Process>().where("parent_name:" + parent).facets({"process_name"});
                const auto it = known->second.facets.find("process_name");
                if (it == known->second.facets.end()) continue;
                for (auto entry = it->second.rbegin(); entry != it->second.rend(); ++entry) {
                    if (static_cast<long long>(entry->ratio) > threshold) continue;
                    Hit hit{&*entry, "parent_name:" + parent + " process_name:" + entry->name, roots.size(), 0};
                    known->second.hits.push_back(hit);
                    for (const Process& proc : cb.select<Process>().where(hit.query)) {
                        roots.push_back(proc);
                        ++known->second.hits.back().roots;
                    }
                }
            } catch (const std::exception&) {
                failed = std::current_exception();
                failed_root = roots.size();
            }
        }
        // The walk: the roots' summaries together, then their descendants. A root the server cannot give is walked
        // on its own, where its error is raised as walk_children() raises it; the roots before a failure are printed.
        std::vector<long long> counts(roots.size(), 0);
        std::vector<std::vector<std::string>> descendants(roots.size());
        std::size_t done = 0;  // roots whose walk is complete
        try {
            const std::vector<Process>& wanted = roots;  // a failed search left nothing after its position
            const std::vector<bool> loaded = Process::load_summaries(wanted);
            const auto visit = [&](std::size_t root, const Process& child) {
                ++counts[root];
                if (cmdline) descendants[root].push_back(child.cmdline());
            };
            while (done < wanted.size()) {
                if (!loaded[done]) {
                    wanted[done].walk_children([&](const Process& child, int) { visit(done, child); });
                    ++done;
                    continue;
                }
                std::size_t end = done;
                while (end < wanted.size() && loaded[end]) ++end;
                const std::vector<Process> part(wanted.begin() + static_cast<std::ptrdiff_t>(done),
                                                wanted.begin() + static_cast<std::ptrdiff_t>(end));
                std::size_t reached = done;
                try {
                    Process::walk_children_of(part, [&](std::size_t root, const Process& child, int) {
                        reached = done + root;
                        visit(reached, child);
                    });
                } catch (...) {
                    done = reached;  // the walk of `reached` failed: the roots before it are complete
                    throw;
                }
                done = end;
            }
        } catch (const std::exception&) {
            if (!failed || done < failed_root) {
                failed = std::current_exception();
                failed_root = done;
            }
        }
        for (const auto& parent : parents) {
            const auto known_it = asked.find(parent);
            if (known_it == asked.end()) break;  // after the failed request
            const Parent& known = known_it->second;
            for (const Hit& hit : known.hits) {
                for (std::size_t i = hit.first_root; i < hit.first_root + hit.roots; ++i) {
                    if (i >= failed_root) std::rethrow_exception(failed);
                    const Process& proc = roots[i];
                    std::string tail =
                        cmdline ? fmt::format("{}", fmt::join(descendants[i], ",")) : std::to_string(counts[i]);
                    std::cout << fmt::format("{},{},{},{},{},{},{},{},{},{}\n", parent, hit.entry->name,
                                             hit.entry->value, python_float(hit.entry->ratio), hit.query,
                                             proc.hostname(), proc.username(), proc.webui_link(), proc.cmdline(), tail);
                }
            }
        }
        if (failed) std::rethrow_exception(failed);
        return 0;
    });
}
