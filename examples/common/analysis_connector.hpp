#pragma once
// The analysis-connector workflow of Cb Protection shared by the connector examples (empty_analysis_connector,
// virus_total_connector): register a Connector, poll its PendingAnalysis list, fetch a file the agent uploaded (the
// first member of the server's ZIP archive), report a verdict as a Notification and mark the analysis done. Logging
// goes to stderr as cbapi-python's connectors log ("<time> LEVEL:message").

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <functional>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cbapi/errors.hpp"
#include "cbapi/protection.hpp"

namespace cbapi::examples {

/// How often and how long a connector polls (`--interval`, `--max-polls`).
struct PollOptions {
    double interval_seconds = 10;
    long long max_polls = 0;  ///< 0: forever

    /// Adds `--interval` and `--max-polls` to a CLI11 app. @param default_interval the seconds between polls
    void add_to(CLI::App& app, double default_interval) {
        interval_seconds = default_interval;
        app.add_option("--interval", interval_seconds, "Seconds between two polls of the pending analyses")
            ->capture_default_str()
            ->check(CLI::NonNegativeNumber);
        app.add_option("--max-polls", max_polls, "Stop after this many polls (default 0: run until interrupted)")
            ->check(CLI::NonNegativeNumber);
    }
};

/// The file descriptor log lines are also appended to (-1: none).
inline int& log_file_descriptor() {
    static int fd = -1;
    return fd;
}

/// Also appends every log line to `path` (created with mode 0600; never through a symbolic link).
/// @throws ApiError when it cannot be opened
inline void set_log_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) throw ApiError("Cannot open the log file " + path + ": " + std::strerror(errno));
    log_file_descriptor() = fd;
}

/// Logs one line to stderr (and the log file, see set_log_file()) as Python's
/// logging.basicConfig(format='%(asctime)s %(levelname)s:%(message)s') does.
inline void log_line(const char* level, const std::string& message) {
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::ostringstream line;
    line << stamp << ',' << (ms < 100 ? (ms < 10 ? "00" : "0") : "") << ms << ' ' << level << ':' << message << '\n';
    const std::string text = line.str();
    std::cerr << text << std::flush;
    if (log_file_descriptor() >= 0 && ::write(log_file_descriptor(), text.data(), text.size()) < 0)
        std::cerr << "warning: cannot write to the log file: " << std::strerror(errno) << "\n";
}

/// Registers an analysis connector named `name` (`POST /connector`): it can analyze and is enabled.
/// @throws the request's errors
inline cbapi::protection::Connector register_connector(const cbapi::protection::CbProtectionAPI& cb,
                                                       const std::string& name) {
    auto connector = cb.create<cbapi::protection::Connector>();
    connector.set_name(name).set_analysis_name(name).set_connector_version("1.0");
    connector.set_can_analyze(true).set_analysis_enabled(true).set_enabled(true);
    connector.save();
    log_line("INFO", "Connector: " + connector.document().dump());
    return connector;
}

/// The file of a pending analysis: the first member of the ZIP archive `GET /pendingAnalysis/<id>?downloadFile=true`
/// returns (PendingAnalysis::file(), as cbapi-python's PendingAnalysis.file reads it).
/// @throws ApiError when the reply is not a ZIP archive or its member is corrupt; the request's errors
inline std::string analysis_file(const cbapi::protection::PendingAnalysis& analysis) { return analysis.file(); }

/// Whether an analysis still waits for a verdict (scheduled, or submitted to the analysis service).
inline bool is_waiting(const cbapi::protection::PendingAnalysis& analysis) {
    const auto status = analysis.analysis_status().value_or(cbapi::protection::PendingAnalysis::StatusScheduled);
    return status == cbapi::protection::PendingAnalysis::StatusScheduled ||
           status == cbapi::protection::PendingAnalysis::StatusSubmitted;
}

/// Posts a verdict (`POST /notification`, the Notification filled in by `fill`) and marks the analysis done
/// (`analysisStatus` Analyzed with that result, `PUT /pendingAnalysis/<id>`).
/// @throws the requests' errors
inline void report_verdict(cbapi::protection::PendingAnalysis& analysis,
                           const std::function<void(cbapi::protection::Notification&)>& fill) {
    auto notification = analysis.create_notification();
    fill(notification);
    notification.save();
    analysis.set_analysis_status(cbapi::protection::PendingAnalysis::StatusAnalyzed);
    analysis.set_analysis_result(notification.analysis_result().value_or(0));
    analysis.save();
}

/// Polls the connector's pending analyses every `options.interval_seconds` and calls `process` for each one that
/// still waits (is_waiting()); an exception from `process` is logged and the loop goes on with the next analysis.
/// @return the number of analyses whose processing failed
inline std::size_t poll(const cbapi::protection::Connector& connector, const PollOptions& options,
                        const std::function<void(cbapi::protection::PendingAnalysis&)>& process) {
    std::size_t failures = 0;
    for (long long n = 1; options.max_polls == 0 || n <= options.max_polls; ++n) {
        // Collected first: marking analyses done changes what the query returns, which would shift its pages.
        const auto pending = connector.pending_analyses().slice(0);
        for (auto analysis : pending) {
            if (!is_waiting(analysis)) continue;
            try {
                process(analysis);
            } catch (const std::exception& e) {
                ++failures;
                log_line("ERROR", "Pending analysis " + analysis.id() + ": " + e.what());
            }
        }
        if (options.max_polls != 0 && n == options.max_polls) break;
        std::this_thread::sleep_for(std::chrono::duration<double>(options.interval_seconds));
    }
    return failures;
}

}  // namespace cbapi::examples
