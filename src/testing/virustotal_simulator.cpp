// The VirusTotal public API v2 stand-in (see the header): reports by hash, uploads, the API key and the rate limit.
#include "cbapi/testing/virustotal_simulator.hpp"

#include <cctype>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace cbapi::testing {
namespace {

using nlohmann::json;

constexpr int engines = 60;
constexpr const char* scan_date = "2017-08-09 12:00:00";
constexpr long long scan_epoch = 1502280000;

std::optional<int> hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return std::nullopt;
}

bool is_hash(const std::string& s) {
    if (s.size() != 32 && s.size() != 40 && s.size() != 64) return false;
    for (char c : s)
        if (!hex_value(c)) return false;
    return true;
}

// A 64-digit hex name for uploaded content (FNV-1a with four seeds; not a real SHA-256).
std::string content_digest(const std::string& data) {
    std::string out;
    for (std::uint64_t seed : {1469598103934665603ULL, 7ULL, 1099511628211ULL, 0x9E3779B97F4A7C15ULL}) {
        std::uint64_t h = seed;
        for (char c : data) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
        out += fmt::format("{:016x}", h);
    }
    return out;
}

json finished_report(const std::string& resource, const std::string& sha256, int positives) {
    json scans = json::object();
    for (int i = 0; i < engines; ++i) {
        const bool detected = i < positives;
        scans[fmt::format("Engine{:02}", i + 1)] = {{"detected", detected},
                                                   {"version", "1.0"},
                                                   {"result", detected ? json(fmt::format("Trojan.Sim.{}", i + 1)) : json()},
                                                   {"update", "20170809"}};
    }
    return {{"response_code", 1},
            {"verbose_msg", "Scan finished, information embedded"},
            {"resource", resource},
            {"scan_id", fmt::format("{}-{}", sha256, scan_epoch)},
            {"sha256", sha256},
            {"scan_date", scan_date},
            {"permalink", fmt::format("https://www.virustotal.com/file/{}/analysis/{}/", sha256, scan_epoch)},
            {"positives", positives},
            {"total", engines},
            {"scans", std::move(scans)}};
}

// The content of the multipart part named `file`; nothing when there is none.
std::optional<std::string> file_part(const RecordedRequest& r) {
    const std::string type = r.header("Content-Type").value_or("");
    const auto at = type.find("boundary=");
    if (type.rfind("multipart/form-data", 0) != 0 || at == std::string::npos) return std::nullopt;
    std::string boundary = type.substr(at + 9);
    if (boundary.size() >= 2 && boundary.front() == '"') boundary = boundary.substr(1, boundary.size() - 2);
    const std::string delimiter = "--" + boundary;
    std::size_t pos = r.body.find(delimiter);
    while (pos != std::string::npos) {
        const std::size_t headers = pos + delimiter.size() + 2;
        const std::size_t body = r.body.find("\r\n\r\n", headers);
        if (body == std::string::npos) return std::nullopt;
        const std::size_t end = r.body.find("\r\n" + delimiter, body + 4);
        if (end == std::string::npos) return std::nullopt;
        if (r.body.substr(headers, body - headers).find("name=\"file\"") != std::string::npos)
            return r.body.substr(body + 4, end - body - 4);
        pos = end + 2;
    }
    return std::nullopt;
}

class StandIn {
public:
    explicit StandIn(VirusTotalSimulatorOptions options) : options_(std::move(options)) {
        if (!options_.clock) options_.clock = [] { return std::chrono::steady_clock::now(); };
    }

    // The answer for a request that fails the key or rate check; nothing when it may proceed.
    std::optional<MockResponse> refuse(const RecordedRequest& r) {
        if (r.param("apikey").value_or("") != options_.api_key) return MockResponse::text("", 403);
        if (options_.requests_per_minute <= 0) return std::nullopt;
        const auto now = options_.clock();
        const auto spacing = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(60.0 / options_.requests_per_minute));
        if (last_ && now - *last_ < spacing) return MockResponse::text("", 204);
        last_ = now;
        return std::nullopt;
    }

    MockResponse report(const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (auto refused = refuse(r)) return *refused;
        const std::string resource = r.param("resource").value_or("");
        if (resource.empty()) return MockResponse::json({{"response_code", 0}, {"verbose_msg", "Invalid resource"}}, 400);
        const auto scan = scans_.find(resource);
        if (scan != scans_.end()) {
            if (scan->second++ == 0)
                return MockResponse::json({{"response_code", -2},
                                           {"resource", resource},
                                           {"scan_id", resource},
                                           {"verbose_msg", "Your resource is queued for analysis"}});
            return MockResponse::json(finished_report(resource, resource.substr(0, 64), 0));
        }
        if (is_hash(resource) && *hex_value(resource[0]) < 8) {
            const std::string sha256 = resource.size() == 64 ? resource : content_digest(resource);
            return MockResponse::json(finished_report(resource, sha256, 4 * *hex_value(resource[1])));
        }
        return MockResponse::json(
            {{"response_code", 0},
             {"resource", resource},
             {"verbose_msg", "The requested resource is not among the finished, queued or pending scans"}});
    }

    MockResponse scan(const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (auto refused = refuse(r)) return *refused;
        const auto file = file_part(r);
        if (!file) return MockResponse::json({{"response_code", 0}, {"verbose_msg", "No file part in the upload"}}, 400);
        const std::string sha256 = content_digest(*file);
        const std::string scan_id = fmt::format("{}-{}", sha256, scan_epoch);
        scans_.emplace(scan_id, 0);
        return MockResponse::json(
            {{"response_code", 1},
             {"verbose_msg", "Scan request successfully queued, come back later for the report"},
             {"resource", sha256},
             {"scan_id", scan_id},
             {"sha256", sha256},
             {"permalink", fmt::format("https://www.virustotal.com/file/{}/analysis/{}/", sha256, scan_epoch)}});
    }

private:
    VirusTotalSimulatorOptions options_;
    std::mutex mutex_;
    std::optional<std::chrono::steady_clock::time_point> last_;
    std::map<std::string, int> scans_;  // scan_id -> reports asked for so far
};

}  // namespace

void install_virustotal_simulator(MockServer& server, const VirusTotalSimulatorOptions& options) {
    auto vt = std::make_shared<StandIn>(options);
    server.on_public("GET", "/vtapi/v2/file/report", [vt](const RecordedRequest& r) { return vt->report(r); });
    server.on_public("POST", "/vtapi/v2/file/scan", [vt](const RecordedRequest& r) { return vt->scan(r); });
}

}  // namespace cbapi::testing
