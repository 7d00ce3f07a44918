// virus_total_connector: a Cb Protection analysis connector that asks VirusTotal about the files waiting for
// analysis, like cbapi-python's virus_total_connector.py. It registers a Connector, polls its pending analyses and,
// for each file: reports VirusTotal's verdict (a Notification: malicious above 50% of the engines, potential risk
// above 10%, else clean) and marks the analysis done; or, when VirusTotal does not know the file, uploads it (if the
// configuration allows and the agent has uploaded it to the server) and checks back later; or cancels the analysis.
//
// Configuration: an INI file (--config, default virustotal.ini), section [bridge]:
//   vt_api_key              the VirusTotal API key (required)
//   upload_binaries_to_vt   true/false (default false)
//   connector_name          default VirusTotal
//   retrieve_files          true/false (default true; read for compatibility, unused as in the Python script)
//   log_file                also append the log to this file
//   vt_url                  the API's base URL (default https://www.virustotal.com/vtapi/v2)
//   vt_requests_per_minute  the most requests sent to VirusTotal per minute (default 4, the public API's limit);
//                           requests are spaced evenly
//   vt_rate_limit_wait      seconds to wait when VirusTotal still answers 204 "rate limit exceeded" (default 60)
//   recheck_minutes         how long to wait before asking again about a file submitted or queued (default 60)
//   malicious_threshold, potential_threshold   percentages of engines (defaults 50 and 10)
// The API key goes to VirusTotal only (as the `apikey` parameter) and is never logged.
#include <cctype>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cbapi/connection.hpp"
#include "cbapi/protection.hpp"
#include "common/analysis_connector.hpp"
#include "common/cli.hpp"

namespace {

using nlohmann::json;
using namespace cbapi::protection;
using cbapi::examples::log_line;
using Clock = std::chrono::steady_clock;

// --- configuration ---------------------------------------------------------------------------------------------

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    const auto e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// The keys of one section of an INI file (as Python's RawConfigParser reads it: `key = value` or `key: value`,
// comments starting with '#' or ';', keys lower-cased).
std::map<std::string, std::string> read_ini_section(const std::string& path, const std::string& section) {
    std::ifstream in(path);
    if (!in) throw cbapi::ApiError("Cannot read the configuration file " + path);
    std::map<std::string, std::string> keys;
    std::string line, current;
    bool found = false;
    for (int number = 1; std::getline(in, line); ++number) {
        line = trim(line);
        if (line.empty() || line[0] == '#' || line[0] == ';') continue;
        if (line.front() == '[') {
            if (line.back() != ']') throw cbapi::ApiError(fmt::format("{} line {}: bad section header", path, number));
            current = trim(line.substr(1, line.size() - 2));
            found = found || current == section;
            continue;
        }
        const auto sep = line.find_first_of("=:");
        if (sep == std::string::npos)
            throw cbapi::ApiError(fmt::format("{} line {}: expected key = value", path, number));
        if (current != section) continue;
        std::string key = trim(line.substr(0, sep));
        for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        keys[key] = trim(line.substr(sep + 1));
    }
    if (!found) throw cbapi::ApiError("The configuration file " + path + " has no [" + section + "] section");
    return keys;
}

struct Config {
    std::string vt_api_key;
    bool retrieve_files = true;
    bool upload_binaries_to_vt = false;
    std::string connector_name = "VirusTotal";
    std::string log_file;
    std::string vt_url = "https://www.virustotal.com/vtapi/v2";
    double vt_requests_per_minute = 4;
    double vt_rate_limit_wait = 60;
    double recheck_minutes = 60;
    double malicious_threshold = 50;
    double potential_threshold = 10;
};

bool to_bool(const std::string& key, const std::string& value) {
    std::string v = value;
    for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (v == "1" || v == "yes" || v == "true" || v == "on") return true;
    if (v == "0" || v == "no" || v == "false" || v == "off") return false;
    throw cbapi::ApiError("Configuration: " + key + " must be true or false, not '" + value + "'");
}

double to_number(const std::string& key, const std::string& value, bool positive) {
    std::size_t used = 0;
    double v = 0;
    try {
        v = std::stod(value, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != value.size() || v < 0 || (positive && v == 0))
        throw cbapi::ApiError("Configuration: " + key + " must be a " + (positive ? "positive" : "non-negative") +
                              " number, not '" + value + "'");
    return v;
}

Config read_config(const std::string& path) {
    const auto keys = read_ini_section(path, "bridge");
    Config c;
    const auto get = [&](const char* key) -> std::optional<std::string> {
        const auto it = keys.find(key);
        return it == keys.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    c.vt_api_key = get("vt_api_key").value_or("");
    if (auto v = get("retrieve_files")) c.retrieve_files = to_bool("retrieve_files", *v);
    if (auto v = get("upload_binaries_to_vt")) c.upload_binaries_to_vt = to_bool("upload_binaries_to_vt", *v);
    if (auto v = get("connector_name"); v && !v->empty()) c.connector_name = *v;
    if (auto v = get("log_file")) c.log_file = *v;
    if (auto v = get("vt_url"); v && !v->empty()) c.vt_url = *v;
    if (auto v = get("vt_requests_per_minute"))
        c.vt_requests_per_minute = to_number("vt_requests_per_minute", *v, true);
    if (auto v = get("vt_rate_limit_wait")) c.vt_rate_limit_wait = to_number("vt_rate_limit_wait", *v, false);
    if (auto v = get("recheck_minutes")) c.recheck_minutes = to_number("recheck_minutes", *v, false);
    if (auto v = get("malicious_threshold")) c.malicious_threshold = to_number("malicious_threshold", *v, false);
    if (auto v = get("potential_threshold")) c.potential_threshold = to_number("potential_threshold", *v, false);
    return c;
}

// --- VirusTotal ------------------------------------------------------------------------------------------------

// The VirusTotal API v2 through the SDK's connection (timeouts, retries of GETs, redaction of the key in logs and
// errors), with the rate limit honoured: requests are spaced `60 / requests_per_minute` seconds apart.
class VirusTotal {
public:
    explicit VirusTotal(const Config& config) : key_(config.vt_api_key), wait_after_204_(config.vt_rate_limit_wait) {
        // "https://host[:port]/path": the connection takes the origin; the path prefixes every request.
        const auto scheme = config.vt_url.find("://");
        if (scheme == std::string::npos) throw cbapi::ApiError("Configuration: vt_url must be an http(s) URL");
        const auto path = config.vt_url.find('/', scheme + 3);
        cbapi::Credentials credentials;
        credentials.url = config.vt_url.substr(0, path);
        credentials.token = key_;  // registered for redaction; VirusTotal ignores the X-Auth-Token header
        prefix_ = path == std::string::npos ? std::string() : config.vt_url.substr(path);
        while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
        connection_.emplace(credentials);
        spacing_ = std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(60.0 / config.vt_requests_per_minute));
    }

    // The report on a hash or scan id; nothing when VirusTotal stays over its rate limit.
    std::optional<json> report(const std::string& resource) {
        for (int attempt = 0; attempt < 3; ++attempt) {
            pace();
            const auto reply = connection_->request(cbapi::HttpMethod::get, prefix_ + "/file/report",
                                                    {{"apikey", key_}, {"resource", resource}});
            last_ = Clock::now();
            if (reply.status == 200) return json::parse(reply.body);
            if (reply.status != 204) throw cbapi::ApiError(fmt::format("VirusTotal answered {}", reply.status));
            log_line("INFO",
                     fmt::format("VirusTotal API rate limit reached, sleeping for {} seconds", wait_after_204_));
            std::this_thread::sleep_for(std::chrono::duration<double>(wait_after_204_));
        }
        return std::nullopt;
    }

    // Uploads a file for scanning; returns its scan id.
    std::string scan(const std::string& name, const std::string& content) {
        std::mt19937_64 random(std::random_device{}());
        const std::string boundary = fmt::format("cbapi-{:016x}", random());
        std::string body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name +
                           "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + "\r\n--" + boundary +
                           "--\r\n";
        pace();
        const auto reply = connection_->request(cbapi::HttpMethod::post, prefix_ + "/file/scan", {{"apikey", key_}},
                                                std::move(body),
                                                {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
        last_ = Clock::now();
        if (reply.status != 200)
            throw cbapi::ApiError(fmt::format("VirusTotal answered {} to the upload", reply.status));
        const json answer = json::parse(reply.body);
        if (!answer.contains("scan_id") || !answer["scan_id"].is_string())
            throw cbapi::ApiError("VirusTotal's answer to the upload has no scan_id");
        return answer["scan_id"].get<std::string>();
    }

private:
    // Waits until `spacing_` has passed since the previous reply arrived (counting from the reply, not the request,
    // keeps the requests at least that far apart when they reach the service too).
    void pace() {
        if (last_) {
            const auto next = *last_ + spacing_;
            if (Clock::now() < next) std::this_thread::sleep_until(next);
        }
    }

    std::string key_;
    double wait_after_204_;
    std::string prefix_;
    std::optional<cbapi::Connection> connection_;
    Clock::duration spacing_{};
    std::optional<Clock::time_point> last_;
};

// --- the connector ---------------------------------------------------------------------------------------------

class VirusTotalConnector {
public:
    VirusTotalConnector(const Config& config, VirusTotal& vt) : config_(config), vt_(vt) {}

    void process_request(PendingAnalysis& analysis) {
        const std::string hash = analysis.file_hash();
        std::string resource = hash;
        if (const auto it = awaiting_.find(hash); it != awaiting_.end()) {
            if (Clock::now() < it->second.next_check) return;
            resource = it->second.scan_id;
        }
        const auto report = vt_.report(resource);
        if (!report) return;  // still over the rate limit: next poll
        if (report->contains("positives")) {
            report_result(analysis, *report);
        } else if (report->value("response_code", 0) == -2) {
            schedule_check(hash, resource);  // queued at VirusTotal
        } else if (config_.upload_binaries_to_vt) {
            upload(analysis);
        } else {
            log_line("INFO", hash + ": VirusTotal has no information and we aren't allowed to upload it. Cancelling "
                                    "the analysis request.");
            analysis.set_analysis_status(PendingAnalysis::StatusCancelled);
            analysis.save();
        }
    }

private:
    struct Awaiting {
        std::string scan_id;
        Clock::time_point next_check;
    };

    void report_result(PendingAnalysis& analysis, const json& scan) {
        const double total = scan.value("total", 0.0);
        if (total <= 0) throw cbapi::ApiError("VirusTotal's report for " + analysis.file_hash() + " has no engines");
        const double percent = 100.0 * scan.value("positives", 0.0) / total;
        int result = Notification::ResultClean;
        std::string severity = "low", type = "clean_file";
        if (percent > config_.malicious_threshold) {
            result = Notification::ResultMalicious;
            severity = "critical";
            type = "malicious_file";
        } else if (percent > config_.potential_threshold) {
            result = Notification::ResultPotentialThreat;
            severity = "high";
            type = "potential_risk_file";
        }
        std::string names, types;
        int detections = 0;
        const json scans = scan.value("scans", json::object());
        for (const auto& [engine, verdict] : scans.items()) {
            if (!verdict.value("detected", false)) continue;
            const std::string name = verdict.contains("result") && verdict["result"].is_string()
                                         ? verdict["result"].get<std::string>()
                                         : std::string();
            if (detections++ < 4) {
                names += (names.empty() ? "" : "; ") + name;
                types += (types.empty() ? "" : "; ") + engine + ":" + name;
            }
        }
        if (detections > 4) {
            names += "...";
            types += "...";
        }
        cbapi::examples::report_verdict(analysis, [&](Notification& n) {
            n.set_product("VirusTotal").set_malware_name(names).set_malware_type(types);
            n.set_analysis_result(result).set_severity(severity).set_type(type);
            n.set_external_url(scan.value("permalink", std::string()));
        });
        awaiting_.erase(analysis.file_hash());
        log_line("INFO",
                 fmt::format("VT analysis for {} completed. VT result is {}% malware ({}). Reporting status: {}",
                                     analysis.file_hash(), static_cast<int>(percent), names, type));
    }

    void upload(PendingAnalysis& analysis) {
        const std::string hash = analysis.file_hash();
        if (!analysis.uploaded().value_or(false)) {
            log_line("INFO", hash + ": VirusTotal has no information on this hash. Waiting for agent to upload it.");
            return;
        }
        log_line("INFO", hash + ": VirusTotal has no information on this hash. Uploading the file");
        try {
            const std::string scan_id =
                vt_.scan(analysis.file_name().value_or(hash), cbapi::examples::analysis_file(analysis));
            analysis.set_analysis_status(PendingAnalysis::StatusSubmitted);
            analysis.save();
            schedule_check(hash, scan_id);
        } catch (const cbapi::ApiError& e) {
            log_line("ERROR", "Could not send file " + hash + " to VirusTotal: " + e.what());
            analysis.set_analysis_status(PendingAnalysis::StatusError);
            analysis.set_analysis_error("VirusTotal returned error when attempting to send file for scanning");
            analysis.save();
        }
    }

    void schedule_check(const std::string& hash, const std::string& scan_id) {
        const auto wait = std::chrono::duration<double>(config_.recheck_minutes * 60);
        awaiting_[hash] = {scan_id, Clock::now() + std::chrono::duration_cast<Clock::duration>(wait)};
        const auto at = std::chrono::system_clock::to_time_t(
            std::chrono::system_clock::now() + std::chrono::duration_cast<std::chrono::system_clock::duration>(wait));
        std::tm tm{};
        ::localtime_r(&at, &tm);
        char when[32];
        std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        log_line("INFO", hash + ": Waiting for analysis to complete. Will check back after " + when + ".");
    }

    const Config& config_;
    VirusTotal& vt_;
    std::map<std::string, Awaiting> awaiting_;
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"VirusTotal Connector"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    cbapi::examples::PollOptions polling;
    polling.add_to(app, 30);
    std::string config_path = "virustotal.ini";
    app.add_option("-c,--config", config_path, "Path to configuration file")->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        const Config config = read_config(config_path);
        if (!config.log_file.empty()) cbapi::examples::set_log_file(config.log_file);
        if (config.vt_api_key.empty()) {
            log_line("CRITICAL", "Cannot start without a valid VirusTotal API key, exiting");
            return 1;
        }
        log_line("INFO", "Configuration:");
        const auto show = [](const std::string& key, const std::string& value) {
            log_line("INFO", fmt::format("    {:<20}: {}", key, value));
        };
        show("vt_api_key", "<redacted>");
        show("retrieve_files", config.retrieve_files ? "True" : "False");
        show("connector_name", config.connector_name);
        show("upload_binaries_to_vt", config.upload_binaries_to_vt ? "True" : "False");
        show("vt_url", config.vt_url);
        show("vt_requests_per_minute", fmt::format("{}", config.vt_requests_per_minute));

        VirusTotal vt(config);
        const CbProtectionAPI cb(common.credentials(cbapi::Product::protection));
        const Connector connector = cbapi::examples::register_connector(cb, config.connector_name);
        VirusTotalConnector vt_connector(config, vt);
        log_line("INFO", "Starting VirusTotal processing loop");
        const auto failures = cbapi::examples::poll(
            connector, polling, [&](PendingAnalysis& analysis) { vt_connector.process_request(analysis); });
        return failures == 0 ? 0 : 1;
    });
}
