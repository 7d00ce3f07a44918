// event_export: writes every event of a process (or of every process a query matches) to <guid>.csv, like
// cbapi-python's event_export.py.
#include <iostream>
#include <map>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "cbapi/files.hpp"
#include "cbapi/response.hpp"
#include "common/cli.hpp"
#include "common/process_output.hpp"

namespace {

using namespace cbapi::response;
using cbapi::examples::csv_field;
using cbapi::examples::python_time;

// A child's command line, as cbapi-python's `event.process.cmdline`: from the record's process data when the summary
// listed the child, else from the child's own summary (looked up beforehand by child_cmdlines into `known`);
// "<unknown>" when the server does not know the child.
std::string child_cmdline(const ChildProcEvent& e, const std::map<std::string, std::string>& known) {
    if (e.proc_data.is_object()) {
        if (const auto it = e.proc_data.find("cmdline"); it != e.proc_data.end() && it->is_string() && !it->empty())
            return it->get<std::string>();
    }
    const auto it = known.find(e.procguid);
    return it == known.end() || it->second.empty() ? "<unknown>" : it->second;
}

// The command lines of the children whose records do not carry one: their summaries asked for together (one request
// per child, Process::load_summaries), keyed by the record's procguid.
std::map<std::string, std::string> child_cmdlines(const Process& proc, const std::vector<ProcessEvent>& events) {
    std::map<std::string, std::string> known;
    std::vector<Process> children;
    std::vector<std::string> guids;
    for (const auto& event : events) {
        const auto* e = std::get_if<ChildProcEvent>(&event);
        if (e == nullptr) continue;
        if (e->proc_data.is_object()) {
            if (const auto it = e->proc_data.find("cmdline"); it != e->proc_data.end() && it->is_string() && !it->empty())
                continue;
        }
        if (!known.try_emplace(e->procguid).second) continue;
        children.push_back(proc.childproc_process(*e));
        guids.push_back(e->procguid);
    }
    const std::vector<bool> loaded = Process::load_summaries(children);
    for (std::size_t i = 0; i < children.size(); ++i) {
        // A child that cannot be asked for (suppressed, no valid GUID) has what its record says; one the server does
        // not know has nothing.
        if (loaded[i] || !children[i].valid() || children[i].suppressed()) known[guids[i]] = children[i].cmdline();
    }
    return known;
}

// The CSV row of one event: ProcessPath, Timestamp, Event, Path/IP/Domain, Comments.
std::vector<std::string> row(const Process& proc, const ProcessEvent& event,
                             const std::map<std::string, std::string>& known) {
    const std::string path = proc.path();
    return std::visit(
        [&](const auto& e) -> std::vector<std::string> {
            using E = std::decay_t<decltype(e)>;
            const std::string ts = python_time(e.timestamp);
            if constexpr (std::is_same_v<E, FileModEvent>) {
                return {path, ts, e.type, e.path, ""};
            } else if constexpr (std::is_same_v<E, NetConnEvent>) {
                const std::string where = (e.domain.empty() ? e.remote_ip : e.domain) + ":" + std::to_string(e.remote_port);
                return {path, ts, e.direction + " netconn", where, ""};
            } else if constexpr (std::is_same_v<E, RegModEvent>) {
                return {path, ts, e.type, e.path, ""};
            } else if constexpr (std::is_same_v<E, ChildProcEvent>) {
                return {path, ts, "childproc", e.path, child_cmdline(e, known)};
            } else if constexpr (std::is_same_v<E, ModLoadEvent>) {
                return {path, ts, "modload", e.path, e.md5};
            } else {
                return {e.source_path, ts, e.type, e.target_path, e.privileges};
            }
        },
        event);
}

void export_process(const Process& proc, const std::string& directory) {
    // The file is named after the server's process id: safe_output_path keeps it inside `directory` whatever the
    // server sends.
    // Written through an AtomicFile: a link planted at the (predictable) name is refused, the rows go to a temporary
    // with an unpredictable name, and the CSV replaces an older one only once it is complete.
    const std::string file = cbapi::safe_output_path(directory, proc.guid() + ".csv").string();
    cbapi::AtomicFile csv(file);
    std::ostream& out = csv.stream();
    out << "ProcessPath,Timestamp,Event,Path/IP/Domain,Comments\r\n";
    const auto events = proc.all_events();
    std::size_t written = 0;
    const std::map<std::string, std::string> known = child_cmdlines(proc, events);
    for (const auto& e : events) {
        const auto fields = row(proc, e, known);
        for (std::size_t i = 0; i < fields.size(); ++i) out << (i ? "," : "") << csv_field(fields[i]);
        out << "\r\n";
        ++written;
    }
    csv.commit();
    std::cout << fmt::format("{} events out of {} total events exported from process at {}\n", written, events.size(),
                             proc.webui_link());
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Export the events of processes to CSV files (<guid>.csv)"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    std::string process_id, query, directory = ".";
    auto* process_option = app.add_option("--processid", process_id, "Process GUID or console URL of a process");
    auto* query_option = app.add_option("--query", query, "Process query (every matching process is exported)");
    process_option->excludes(query_option);
    app.add_option("--directory", directory, "Where to write the CSV files (default: the current directory)");
    CLI11_PARSE(app, argc, argv);
    if (process_id.empty() == query.empty()) {
        std::cerr << "Exactly one of --processid or --query is required\n" << app.help();
        return 2;
    }

    return cbapi::examples::run([&] {
        const CbResponseAPI cb(common.credentials(cbapi::Product::response));
        if (!query.empty()) {
            for (const Process& proc : cb.select<Process>().where(query).group_by("id")) export_process(proc, directory);
            return 0;
        }
        if (process_id.rfind("http", 0) == 0) {
            auto object = cb.from_ui(process_id);
            if (!std::holds_alternative<Process>(object)) throw cbapi::ApiError("The URL does not point to a process: " + process_id);
            export_process(std::get<Process>(object), directory);
        } else {
            export_process(cb.select<Process>(process_id), directory);
        }
        return 0;
    });
}
