// The Cb Response simulator's administration endpoints: sensors, groups, sites, throttle rules, users, teams,
// /api/auth (HTTP digest), storage partitions and ingress filters, on one thread-safe in-memory store.
#include "cbapi/testing/response_admin_simulator.hpp"

#include "simulator_support.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include "cbapi/server_version.hpp"
#include "cbapi/time.hpp"

namespace cbapi::testing {
namespace {

using sim::lower;

using nlohmann::json;

MockResponse error(int status, const std::string& message) { return MockResponse::json({{"reason", message}}, status); }
MockResponse success() { return MockResponse::json({{"result", "success"}}); }
MockResponse no_content() {
    MockResponse r;
    r.status = 204;
    return r;
}

std::string percent_decode(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) != 0 &&
            std::isxdigit(static_cast<unsigned char>(text[i + 2])) != 0) {
            out.push_back(static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

// A path pattern: registered with MockServer::on() and used again to read the path's parts.
struct Pattern {
    explicit Pattern(const char* text) : source(text), regex(source) {}
    const std::string& str() const noexcept { return source; }
    std::string source;
    std::regex regex;
};

// The n-th capture of `pattern` matched against the path (percent-decoded).
std::string capture(const RecordedRequest& r, const Pattern& pattern, std::size_t n = 1) {
    std::smatch m;
    if (!std::regex_match(r.path, m, pattern.regex) || m.size() <= n) return {};
    return percent_decode(m[n].str());
}

std::optional<int> to_int(const std::string& text) {
    if (text.empty() || text.size() > 9 || !std::all_of(text.begin(), text.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c)) != 0;
        }))
        return std::nullopt;
    return std::stoi(text);
}

std::optional<json> parse_body(const RecordedRequest& r) {
    auto parsed = json::parse(r.body, nullptr, false);
    if (parsed.is_discarded()) return std::nullopt;
    return parsed;
}

bool nonempty_string(const json& doc, const char* field) {
    const auto it = doc.find(field);
    return it != doc.end() && it->is_string() && !it->get<std::string>().empty();
}

std::string md5_hex(const std::string& text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(text.data(), text.size(), digest, &length, EVP_md5(), nullptr);
    std::string out;
    for (unsigned int i = 0; i < length; ++i) out += fmt::format("{:02x}", digest[i]);
    return out;
}

// "Digest a="b", c=d" → {a: b, c: d}
std::map<std::string, std::string> parse_digest(const std::string& header) {
    std::map<std::string, std::string> out;
    if (header.rfind("Digest ", 0) != 0) return out;
    static const std::regex item(R"re(\s*([A-Za-z0-9_-]+)\s*=\s*(?:"([^"]*)"|([^,\s]*))\s*,?)re");
    const std::string rest = header.substr(7);
    for (auto it = std::sregex_iterator(rest.begin(), rest.end(), item); it != std::sregex_iterator(); ++it)
        out[lower((*it)[1].str())] = (*it)[2].matched ? (*it)[2].str() : (*it)[3].str();
    return out;
}

// A flush time as the server stores it ("2018-08-07 12:00:00.000000+00:00"), from what a client may send: a Cb time
// or an HTTP date ("Tue, 07 Aug 2018 12:00:00 GMT", what cbapi sends to servers from 6.0); nullopt when neither.
std::optional<std::string> stored_time(const std::string& text) {
    static const std::regex http_date(R"(^[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}:\d{2}:\d{2}) GMT$)");
    static const std::vector<std::string> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::string cb = text;
    std::smatch m;
    if (std::regex_match(text, m, http_date)) {
        const auto month = std::find(months.begin(), months.end(), m[2].str());
        if (month == months.end()) return std::nullopt;
        cb = fmt::format("{}-{:02}-{} {}+00:00", m[3].str(), month - months.begin() + 1, m[1].str(), m[4].str());
    }
    const auto parsed = try_parse_cb_time(cb);
    if (!parsed) return std::nullopt;
    return format_cb_time(*parsed) + "+00:00";
}

const char* const kRealm = "Cb Response";
const std::set<std::string> kAccessCategories = {"Administrator", "Viewer", "No Access"};

// Sensor fields a PUT may change; the rest is the sensor's to report.
const std::set<std::string> kWritableSensorFields = {"group_id", "network_isolation_enabled", "event_log_flush_time",
                                                     "restart_queued", "uninstall", "notes"};
// The fields EDR 7.1 accepts in a sensor PUT (cbapi-python 1.6.2, src/cbapi/response/models.py: "Only allowed fields
// are: [...]", which also names liveresponse_init). Servers before 7.1 ignore fields they do not change.
const std::set<std::string> kSensorPutFields71 = {"network_isolation_enabled", "restart_queued", "uninstall",
                                                  "liveresponse_init", "group_id", "notes", "event_log_flush_time"};

// Ingress filter fields the server keeps (anything else in a request is ignored, like the real server does).
const std::set<std::string> kIngressFields = {
    "id", "name", "description", "priority", "enabled", "filter_on_sensor", "filter_on_server", "track_metrics",
    "os_mask", "global", "group_ids", "sensor_ids", "path_filters", "cmdline_filters", "md5_filters",
    "descendant_filtering_level", "filter_all_events", "regmod_filters", "modload_filters", "filemod_filters",
    "non_binary_filemod_filters", "netconn_filters", "crossproc_filters", "internal", "version"};

json group_defaults(int id, const std::string& name, int site_id);

struct Store {
    std::mutex mutex;
    ServerVersion version;
    bool v61 = false;
    std::string server_token;

    std::map<int, json> sensors;
    std::map<int, int> isolation_pending;  // sensor id → GETs until is_isolating follows the request
    std::map<int, json> groups;
    int next_group = 1;
    std::map<int, json> sites;
    int next_site = 1;
    std::map<int, json> throttles;
    int next_throttle = 1;
    std::map<int, std::vector<json>> sharing;  // group id → settings
    int next_sharing = 1;
    std::map<std::string, json> users;
    std::map<std::string, std::string> passwords;
    std::map<int, json> teams;
    int next_team = 1;
    std::map<std::string, json> partitions;
    int partition_minutes = 0;  // the simulated clock of new partitions
    std::map<std::string, json> ingress;
    int next_ingress = 1;
    std::set<std::string> nonces;
    int next_nonce = 1;

    // --- documents -------------------------------------------------------------------------------------------

    json group_document(int id) const {
        json g = groups.at(id);
        json access = json::array();
        for (const auto& [tid, team] : teams)
            for (const auto& a : team["group_access"])
                if (a.value("group_id", 0) == id)
                    access.push_back(
                        {{"team_id", tid}, {"team_name", team["name"]}, {"access_category", a["access_category"]}});
        g["team_access"] = std::move(access);
        return g;
    }

    json user_document(const std::string& name) const {
        json u = users.at(name);
        json teams_out = json::array();
        for (const auto& tid : u["teams"]) {
            const auto it = teams.find(tid.get<int>());
            if (it != teams.end()) teams_out.push_back({{"id", it->first}, {"name", it->second["name"]}});
        }
        u["teams"] = std::move(teams_out);
        return u;
    }

    std::string token_of(const std::string& user) const {
        if (user == "admin") return server_token;
        return md5_hex("cb-simulator-token:" + user);
    }

    // --- validation ----------------------------------------------------------------------------------------

    // Team ids of a user request in the server's representation: a 6.1 update takes [{id, name}]; older servers,
    // and every server creating a user, take ids (cbapi-python 1.3.5, src/cbapi/response/models.py,
    // User._update_object: a new user is sent with team ids "where the user hasn't been created yet").
    // ASSUMPTION: a 6.1 server refuses team objects when creating (how cbapi-python before 1.3.5 failed to add a new
    // user to an existing team); the exact status and text are not documented.
    std::optional<std::string> read_teams(const json& value, std::vector<int>& out, bool creating) const {
        if (!value.is_array()) return std::string("teams must be a list");
        for (const auto& t : value) {
            json id;
            if (v61 && !creating) {
                if (!t.is_object() || !t.contains("id"))
                    return std::string("teams must be a list of {\"id\", \"name\"} objects on this server");
                id = t["id"];
            } else {
                if (!t.is_number_integer()) return std::string("teams must be a list of team ids on this server");
                id = t;
            }
            if (!id.is_number_integer() || teams.count(id.get<int>()) == 0)
                return "no team with id " + id.dump();
            out.push_back(id.get<int>());
        }
        return std::nullopt;
    }

    std::optional<MockResponse> check_team(const json& body, std::optional<int> self, json& access_out) const {
        if (!nonempty_string(body, "name")) return error(400, "name is required");
        for (const auto& [tid, t] : teams)
            if (tid != self && lower(t["name"].get<std::string>()) == lower(body["name"].get<std::string>()))
                return error(409, "A team named " + body["name"].get<std::string>() + " already exists");
        if (!body.contains("group_access") || !body["group_access"].is_array())
            return error(400, "group_access is required");
        access_out = json::array();
        for (const auto& a : body["group_access"]) {
            if (!a.is_object() || !a.contains("group_id") || !a["group_id"].is_number_integer())
                return error(400, "every group_access entry needs a numeric group_id");
            const int gid = a["group_id"].get<int>();
            if (groups.count(gid) == 0) return error(400, "no sensor group with id " + std::to_string(gid));
            const std::string category = a.value("access_category", std::string());
            if (kAccessCategories.count(category) == 0)
                return error(400, "access_category must be Administrator, Viewer or No Access");
            access_out.push_back({{"group_id", gid}, {"group_name", groups.at(gid)["name"]}, {"access_category", category}});
        }
        return std::nullopt;
    }

    std::optional<MockResponse> check_group(const json& body, std::optional<int> self) const {
        if (!nonempty_string(body, "name")) return error(400, "name is required");
        if (!body.contains("site_id")) return error(400, "site_id is required");
        const auto site = body["site_id"].is_number_integer() ? std::optional<int>(body["site_id"].get<int>())
                          : body["site_id"].is_string()         ? to_int(body["site_id"].get<std::string>())
                                                                : std::nullopt;
        if (!site || sites.count(*site) == 0) return error(400, "no site with id " + body["site_id"].dump());
        for (const auto& [gid, g] : groups)
            if (gid != self && lower(g["name"].get<std::string>()) == lower(body["name"].get<std::string>()))
                return error(409, "A sensor group named " + body["name"].get<std::string>() + " already exists");
        return std::nullopt;
    }

    // --- v3 groups and sensor builds (servers from 7.0) ---------------------------------------------------------

    // The builds GET /api/v2/builds lists (ASSUMPTION: these version strings are made up; the shape is cbapi-python
    // 1.7.3's models/sensor-builds.yaml).
    static const std::map<std::string, std::vector<std::string>>& builds() {
        static const std::map<std::string, std::vector<std::string>> list = {
            {"Windows", {"6.2.6.10001", "7.0.1.14522", "7.1.0.16511"}},
            {"OSX", {"6.2.8.10215", "7.0.0.11050"}},
            {"Linux", {"6.2.6.10101", "7.0.0.11410"}}};
        return list;
    }

    json new_group(int id, const std::string& name, int site_id) const {
        json g = group_defaults(id, name, site_id);
        if (version >= ServerVersion{7, 0}) {  // the fields of cbapi-python 1.7.4's group-modify.yaml
            g["sensor_version_windows"] = "Manual";
            g["sensor_version_osx"] = "Manual";
            g["sensor_version_linux"] = "Manual";
            g["collect_amsi"] = false;
            g["server_cert_id"] = 2;
            g["isolation_exclusions"] = json::array();
            g["event_exclusions"] = json::array();
        }
        return g;
    }

    // The v3 group fields: a per-OS version is "Manual" or one of that OS's builds; exclusions are lists of objects.
    std::optional<MockResponse> check_group_v3(const json& body) const {
        for (const auto& [field, os] : std::vector<std::pair<std::string, std::string>>{
                 {"sensor_version_windows", "Windows"}, {"sensor_version_osx", "OSX"}, {"sensor_version_linux", "Linux"}}) {
            if (!body.contains(field)) continue;
            const auto& v = body[field];
            const auto& known = builds().at(os);
            if (!v.is_string() ||
                (v != "Manual" && std::find(known.begin(), known.end(), v.get<std::string>()) == known.end()))
                return error(400, field + " must be Manual or a sensor build of " + os + ", got " + v.dump());
        }
        if (body.contains("isolation_exclusions")) {
            const auto& list = body["isolation_exclusions"];
            if (!list.is_array()) return error(400, "isolation_exclusions must be a list");
            for (const auto& e : list)
                if (!e.is_object() || !nonempty_string(e, "ip_address"))
                    return error(400, "every isolation exclusion needs an ip_address");
        }
        if (body.contains("event_exclusions")) {
            static const std::set<std::string> events = {"crossproc", "filemod", "filemod-non-binary", "modload",
                                                         "netconn", "process-info", "regmod"};
            const auto& list = body["event_exclusions"];
            if (!list.is_array()) return error(400, "event_exclusions must be a list");
            for (const auto& e : list) {
                if (!e.is_object() || !e.contains("eventsToIgnore") || !e["eventsToIgnore"].is_array() ||
                    !e.contains("paths") || !e["paths"].is_array())
                    return error(400, "every event exclusion needs eventsToIgnore and paths lists");
                for (const auto& ev : e["eventsToIgnore"])
                    if (!ev.is_string() || events.count(ev.get<std::string>()) == 0)
                        return error(400, "unknown event type in eventsToIgnore: " + ev.dump());
            }
        }
        return std::nullopt;
    }

    std::optional<std::string> check_throttle(const json& rule) const {
        for (const char* field : {"site_id", "day_of_week", "from", "to"})
            if (!rule.contains(field) || !rule[field].is_number_integer())
                return std::string(field) + " is required (an integer)";
        if (!rule.contains("bytes_per_second") || !rule["bytes_per_second"].is_number() ||
            rule["bytes_per_second"].get<double>() < 0)
            return std::string("bytes_per_second is required (a number >= 0)");
        if (sites.count(rule["site_id"].get<int>()) == 0) return "no site with id " + rule["site_id"].dump();
        const int day = rule["day_of_week"].get<int>(), from = rule["from"].get<int>(), to = rule["to"].get<int>();
        if (day < 0 || day > 6) return std::string("day_of_week must be 0 (Sunday) to 6");
        if (from < 0 || to > 24 || from >= to) return std::string("from and to must be hours with from < to");
        return std::nullopt;
    }

    // --- partitions ---------------------------------------------------------------------------------------------

    static json partition(const std::string& name, const std::string& status, long long docs, bool mounted_by_user) {
        const std::string date = name == "writer" ? "2018-08-06T12:00:00Z"
                                                  : fmt::format("{}-{}-{}T{}:{}:00Z", name.substr(9, 4), name.substr(14, 2),
                                                                name.substr(17, 2), name.substr(20, 2), name.substr(22, 2));
        return {{"name", name},
                {"status", status},
                {"info",
                 {{"dir", "/var/cb/data/solr5/cbevents/" + (name == "writer" ? std::string("cbevents") : name)},
                  {"startDate", date},
                  {"isLegacy", false},
                  {"numDocs", docs},
                  {"maxDoc", docs},
                  {"sizeInBytes", docs * 1843},
                  {"schema", "cbevents_6.1"},
                  {"userMounted", mounted_by_user}}}};
    }

    std::string next_partition_name() {
        const int minutes = 12 * 60 + partition_minutes++;  // 2018-08-06 12:00, 12:01, ...
        return fmt::format("cbevents_2018_08_06_{:02}{:02}", minutes / 60 % 24, minutes % 60);
    }
};

// Whether an adapter address in "<ip>,<mac>|<ip>,<mac>|" contains `part`.
bool has_address(const std::string& adapters, const std::string& part) {
    std::size_t start = 0;
    while (start < adapters.size()) {
        auto end = adapters.find('|', start);
        if (end == std::string::npos) end = adapters.size();
        const std::string ip = adapters.substr(start, std::min(adapters.find(',', start), end) - start);
        if (ip.find(part) != std::string::npos) return true;
        start = end + 1;
    }
    return false;
}

json sensor_document(const SimulatedHost& h) {
    std::string mac;
    for (char c : h.mac_address)
        if (c != ':') mac.push_back(c);
    const int os_type = h.os_type == "windows" ? 1 : (h.os_type == "osx" ? 2 : 3);
    const bool online = h.sensor_id % 5 != 0;
    const int minute = h.sensor_id % 60;
    return {{"id", h.sensor_id},
            {"computer_name", h.hostname},
            {"computer_dns_name", h.computer_dns_name},
            {"computer_sid", fmt::format("S-1-5-21-2002419555-2189168078-{}", 3053468000 + h.sensor_id)},
            {"os_environment_display_string", h.os_name},
            {"os_environment_id", 100 + os_type},
            {"os_type", os_type},
            {"build_version_string", h.build_version},
            {"build_id", 3},
            {"group_id", h.group_id},
            {"status", online ? "Online" : "Offline"},
            {"network_adapters", h.ip_address + "," + mac + "|"},
            {"registration_time", "2018-07-02 09:15:00.000000-05:00"},
            {"last_checkin_time", fmt::format("2018-08-06 11:{:02}:30.500000-05:00", minute)},
            {"next_checkin_time", fmt::format("2018-08-06 11:{:02}:00.500000-05:00", (minute + 1) % 60)},
            {"last_update", fmt::format("2018-08-06 11:{:02}:31.000000-05:00", minute)},
            {"uptime", std::to_string(86400 + h.sensor_id * 3600)},
            {"sensor_uptime", std::to_string(80000 + h.sensor_id * 3600)},
            {"clock_delta", std::to_string(h.sensor_id % 3 - 1)},
            {"physical_memory_size", "8589934592"},
            {"systemvolume_total_size", "255465615360"},
            {"systemvolume_free_size", std::to_string(100000000000LL + h.sensor_id * 1000000LL)},
            // A backlog that does not follow the sensor id, so that schedulers preferring small backlogs show.
            {"num_eventlog_bytes", std::to_string((h.sensor_id * 37) % 11 * 4096)},
            {"num_storefiles_bytes", "0"},
            {"sensor_health_status", online ? 100 : 80},
            {"sensor_health_message", online ? "Healthy" : "Sensor is offline"},
            {"supports_cblr", true},
            {"supports_isolation", h.os_type != "linux"},
            {"supports_2nd_gen_modloads", false},
            {"network_isolation_enabled", false},
            {"is_isolating", false},
            {"event_log_flush_time", nullptr},
            {"restart_queued", false},
            {"uninstall", false},
            {"uninstalled", nullptr},
            {"license_expiration", "1990-01-01 00:00:00-06:00"},
            {"parity_host_id", "0"},
            {"boot_id", std::to_string(h.sensor_id + 10)},
            {"node_id", 0},
            {"shard_id", 0},
            {"cookie", 1000 + h.sensor_id},
            {"power_state", 0},
            {"notes", nullptr},
            {"display", true}};
}

json group_defaults(int id, const std::string& name, int site_id) {
    return {{"id", id},
            {"name", name},
            {"site_id", site_id},
            {"sensorbackend_server", "https://cb.example.com:443"},
            {"sensor_exe_name", ""},
            {"sensor_version", "Manual"},
            {"datastore_server", nullptr},
            {"alert_criticality", 3},
            {"tamper_level", 0},
            {"max_licenses", -1},
            {"banning_enabled", true},
            {"vdi_enabled", false},
            {"collect_emet_events", true},
            {"collect_filemods", true},
            {"collect_filewritemd5s", true},
            {"collect_cross_procs", true},
            {"collect_moduleinfo", true},
            {"collect_moduleloads", true},
            {"collect_netconns", true},
            {"collect_nonbinary_filewrites", true},
            {"collect_processes", true},
            {"collect_regmods", true},
            {"collect_storefiles", true},
            {"collect_usercontext", true},
            {"filter_known_dlls", false},
            {"process_filter_level", 0},
            {"quota_eventlog_bytes", "1073741824"},
            {"quota_eventlog_percent", 1},
            {"quota_storefile_bytes", "1073741824"},
            {"quota_storefile_percent", 1}};
}

json ingress_defaults() {
    return {{"priority", 0},
            {"enabled", true},
            {"filter_on_sensor", false},
            {"filter_on_server", true},
            {"track_metrics", true},
            {"os_mask", 7},
            {"global", true},
            {"group_ids", json::array()},
            {"sensor_ids", json::array()},
            {"path_filters", json::array()},
            {"cmdline_filters", json::array()},
            {"md5_filters", json::array()},
            {"descendant_filtering_level", 0},
            {"filter_all_events", true},
            {"regmod_filters", json::array()},
            {"modload_filters", json::array()},
            {"filemod_filters", json::array()},
            {"non_binary_filemod_filters", json::array()},
            {"netconn_filters", json::array()},
            {"crossproc_filters", json::array()},
            {"internal", false},
            {"version", 1},
            {"hit_rate", 0.0},
            {"create_user_id", 1},
            {"modify_user_id", 1},
            {"create_timestamp", "2018-08-06 12:00:00.000000-05:00"},
            {"modify_timestamp", "2018-08-06 12:00:00.000000-05:00"}};
}

void seed(Store& s, const ResponseSimulatorOptions& options) {
    s.sites[1] = {{"id", 1}, {"name", "Default Site"}};
    s.next_site = 2;
    s.throttles[1] = {{"id", 1}, {"site_id", 1}, {"day_of_week", 1}, {"from", 9}, {"to", 17},
                      {"bytes_per_second", 1048576.0}};
    s.throttles[2] = {{"id", 2}, {"site_id", 1}, {"day_of_week", 2}, {"from", 9}, {"to", 17},
                      {"bytes_per_second", 524288.0}};
    s.next_throttle = 3;
    const auto& names = simulated_group_names();
    for (std::size_t i = 0; i < names.size(); ++i) {
        const int id = static_cast<int>(i + 1);
        s.groups[id] = s.new_group(id, names[i], 1);
    }
    s.next_group = static_cast<int>(names.size()) + 1;
    s.sharing[2].push_back({{"id", s.next_sharing++}, {"group_id", 2}, {"who", "VIRUSTOTAL"}, {"what", "BIN"}});
    for (const auto& h : simulated_hosts(options)) s.sensors[h.sensor_id] = sensor_document(h);

    json all_viewer = json::array();
    for (const auto& [gid, g] : s.groups)
        all_viewer.push_back({{"group_id", gid}, {"group_name", g["name"]}, {"access_category", "Viewer"}});
    s.teams[1] = {{"id", 1}, {"name", "Analysts"}, {"group_access", all_viewer}};
    s.teams[2] = {{"id", 2},
                  {"name", "Responders"},
                  {"group_access",
                   {{{"group_id", 2}, {"group_name", names.at(1)}, {"access_category", "Administrator"}},
                    {{"group_id", 3}, {"group_name", names.at(2)}, {"access_category", "Viewer"}}}}};
    s.next_team = 3;
    auto add_user = [&s](const std::string& name, const std::string& first, const std::string& last, bool admin,
                         json teams) {
        s.users[name] = {{"username", name},       {"first_name", first}, {"last_name", last},
                         {"email", name + "@example.com"}, {"global_admin", admin},  {"teams", std::move(teams)}};
        s.passwords[name] = name + "-password";
    };
    add_user("admin", "Cb", "Administrator", true, json::array());
    add_user("jsmith", "Jane", "Smith", false, json::array({1}));
    add_user("bwong", "Bob", "Wong", false, json::array({2}));

    s.partitions["writer"] = Store::partition("writer", "hot", 1203344, false);
    s.partitions["cbevents_2018_08_01_0000"] = Store::partition("cbevents_2018_08_01_0000", "warm", 4810233, false);
    s.partitions["cbevents_2018_07_01_0000"] = Store::partition("cbevents_2018_07_01_0000", "cold", 5520117, false);

    json filter = ingress_defaults();
    filter["id"] = "00000000-0000-4000-8000-000000000001";
    filter["name"] = "Windows Defender scans";
    filter["description"] = "Do not store the events of the Defender scan engine";
    filter["path_filters"] = {R"(c:\program files\windows defender\msmpeng.exe)"};
    filter["os_mask"] = 1;
    filter["hit_rate"] = 0.02;
    s.ingress[filter["id"].get<std::string>()] = filter;
    s.next_ingress = 2;
}

// --- handlers ---------------------------------------------------------------------------------------------------

void install_sensors(MockServer& server, const std::shared_ptr<Store>& store) {
    server.on("GET", "/api/v1/sensor", [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto ip = r.param("ip");
        const auto hostname = r.param("hostname");
        const auto groupid = r.param("groupid");
        json out = json::array();
        for (const auto& [id, s] : store->sensors) {
            // Like the server: substring matches, case-sensitive; with both ip and hostname only ip counts.
            if (ip && !has_address(s["network_adapters"].get<std::string>(), *ip)) continue;
            if (hostname && !ip && s["computer_name"].get<std::string>().find(*hostname) == std::string::npos) continue;
            if (groupid && std::to_string(s["group_id"].get<int>()) != *groupid) continue;
            out.push_back(s);
        }
        if (out.empty() && (ip || hostname || groupid))
            return error(500, "Unhandled exception: no sensor matches the query");  // how Cb Response says "none"
        return MockResponse::json(out);
    });

    // The paginated list, from 5.2 (the version cbapi-python's commented-out gate names; ASSUMPTION: 5.0/5.1 have
    // no /api/v2/sensor and answer 404). Filters as the v1 list; `start`, `rows` (ASSUMPTION: 10 by default, at most
    // 1000) and `sort.col`/`sort.dir`; without a sort the server's order is by last check-in time, newest first
    // (cbapi-python 1.7.7's changelog names last_checkin_time as the default sort). ASSUMPTION: a filter that
    // matches nothing gives an empty page here (the 500 of the v1 list is a bug of that route).
    if (store->version >= ServerVersion{5, 2}) {
        server.on("GET", "/api/v2/sensor", [store](const RecordedRequest& r) {
            std::lock_guard<std::mutex> lock(store->mutex);
            const auto ip = r.param("ip");
            const auto hostname = r.param("hostname");
            const auto groupid = r.param("groupid");
            std::vector<json> matched;
            for (const auto& [id, s] : store->sensors) {
                if (ip && !has_address(s["network_adapters"].get<std::string>(), *ip)) continue;
                if (hostname && !ip && s["computer_name"].get<std::string>().find(*hostname) == std::string::npos)
                    continue;
                if (groupid && std::to_string(s["group_id"].get<int>()) != *groupid) continue;
                matched.push_back(s);
            }
            const std::string column = r.param("sort.col").value_or("last_checkin_time");
            const bool descending = r.param("sort.dir") ? lower(*r.param("sort.dir")) == "desc" : !r.param("sort.col");
            std::stable_sort(matched.begin(), matched.end(), [&](const json& a, const json& b) {
                const json va = a.value(column, json()), vb = b.value(column, json());
                return descending ? vb < va : va < vb;
            });
            const auto start = to_int(r.param("start").value_or("0"));
            const auto rows = to_int(r.param("rows").value_or("10"));
            if (!start || !rows) return error(400, "start and rows must be non-negative integers");
            if (*rows > 1000) return error(400, "rows must be at most 1000");
            json page = json::array();
            for (std::size_t i = static_cast<std::size_t>(*start);
                 i < matched.size() && i < static_cast<std::size_t>(*start) + static_cast<std::size_t>(*rows); ++i)
                page.push_back(matched[i]);
            return MockResponse::json({{"results", std::move(page)}, {"total_results", matched.size()}});
        });
    }

    static const Pattern one(R"(/api/v1/sensor/([^/]+))");
    server.on("GET", one.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto id = to_int(capture(r, one));
        if (!id || store->sensors.count(*id) == 0) return error(404, "No sensor with id " + capture(r, one));
        json& s = store->sensors[*id];
        if (auto it = store->isolation_pending.find(*id); it != store->isolation_pending.end() && --it->second <= 0) {
            s["is_isolating"] = s["network_isolation_enabled"];
            store->isolation_pending.erase(it);
        }
        return MockResponse::json(s);
    });
    server.on("PUT", one.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto id = to_int(capture(r, one));
        if (!id || store->sensors.count(*id) == 0) return error(404, "No sensor with id " + capture(r, one));
        const auto body = parse_body(r);
        if (!body || !body->is_object()) return error(400, "Expected a JSON object");
        if (store->version >= ServerVersion{7, 1}) {
            // ASSUMPTION: the status and text of 7.1's refusal are not documented (its release notes, CB 28683,
            // only say the update is limited to these fields); a 400 naming the fields is what we imitate.
            std::vector<std::string> refused;
            for (const auto& [key, value] : body->items())
                if (kSensorPutFields71.count(key) == 0) refused.push_back(key);
            if (!refused.empty())
                return error(400, fmt::format("Invalid sensor update: field(s) {} cannot be updated",
                                              fmt::join(refused, ", ")));
        }
        json& s = store->sensors[*id];
        if (body->contains("group_id")) {
            const auto& g = (*body)["group_id"];
            if (!g.is_number_integer() || store->groups.count(g.get<int>()) == 0)
                return error(400, "no sensor group with id " + g.dump());
        }
        if (body->contains("network_isolation_enabled") && !(*body)["network_isolation_enabled"].is_boolean())
            return error(400, "network_isolation_enabled must be true or false");
        json flush = body->value("event_log_flush_time", s["event_log_flush_time"]);
        if (flush.is_string()) {
            const auto stored = stored_time(flush.get<std::string>());
            if (!stored) return error(400, "event_log_flush_time is not a time: " + flush.get<std::string>());
            flush = *stored;
        } else if (!flush.is_null()) {
            return error(400, "event_log_flush_time must be a time or null");
        }
        for (const auto& [key, value] : body->items()) {
            if (kWritableSensorFields.count(key) == 0) continue;
            if (key == "network_isolation_enabled" && value != s[key]) {
                if (!s["supports_isolation"].get<bool>() && value.get<bool>())
                    return error(409, "Sensor " + std::to_string(*id) + " does not support isolation");
                store->isolation_pending[*id] = simulated_isolation_polls;
            }
            s[key] = key == "event_log_flush_time" ? flush : value;
        }
        return no_content();
    });
    static const Pattern stats(R"(/api/v1/sensor/([^/]+)/(queued|activity|resourcestatus))");
    server.on("GET", stats.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto id = to_int(capture(r, stats));
        if (!id || store->sensors.count(*id) == 0) return error(404, "No sensor with id " + capture(r, stats));
        const std::string what = capture(r, stats, 2);
        const std::string stamp = "2018-08-06 11:59:00.000000-05:00";
        if (what == "queued") {
            if (*id % 2 == 0) return no_content();
            return MockResponse::json(json::array({{{"id", std::to_string(355500 + *id)},
                                                    {"num_eventlog_bytes", std::to_string(*id * 1024)},
                                                    {"num_eventlogs", "1"},
                                                    {"num_storefile_bytes", "0"},
                                                    {"num_storefiles", 0},
                                                    {"sensor_id", *id},
                                                    {"timestamp", stamp}}}));
        }
        if (what == "activity")
            return MockResponse::json(json::array(
                {{{"sensor_id", *id}, {"timestamp", stamp}, {"bytes_sent", 1048576 + *id}, {"events_sent", 4000 + *id}}}));
        return MockResponse::json(json::array({{{"sensor_id", *id},
                                                {"timestamp", stamp},
                                                {"commit_charge", 52428800},
                                                {"page_faults", 1200 + *id},
                                                {"working_set", 31457280}}}));
    });
}

// The group routes under `base` ("/api/group", and "/api/v3/group" on servers from 7.0); `v3` adds the v3 rules.
void install_group_routes(MockServer& server, const std::shared_ptr<Store>& store, const std::string& base, bool v3) {
    server.on("GET", base, [store](const RecordedRequest&) {
        std::lock_guard<std::mutex> lock(store->mutex);
        json out = json::array();
        for (const auto& [id, g] : store->groups) out.push_back(store->group_document(id));
        return MockResponse::json(out);
    });
    server.on("POST", base, [store, v3](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto body = parse_body(r);
        if (!body || !body->is_object()) return error(400, "Expected a JSON object");
        if (auto problem = store->check_group(*body, std::nullopt)) return *problem;
        if (v3 && !nonempty_string(*body, "sensorbackend_server"))
            return error(400, "sensorbackend_server is required");
        if (auto problem = v3 ? store->check_group_v3(*body) : std::nullopt) return *problem;
        const int id = store->next_group++;
        json g = store->new_group(id, (*body)["name"].get<std::string>(), 1);
        for (const auto& [key, value] : body->items())
            if (key != "id" && key != "team_access") g[key] = value;
        g["site_id"] = (*body)["site_id"].is_string() ? json(std::stoi((*body)["site_id"].get<std::string>()))
                                                      : (*body)["site_id"];
        store->groups[id] = std::move(g);
        return MockResponse::json({{"id", id}});
    });
    const auto one = std::make_shared<Pattern>((base + "/([^/]+)").c_str());
    server.on("GET", one->str(), [store, one](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto id = to_int(capture(r, *one));
        if (!id || store->groups.count(*id) == 0) return error(404, "No sensor group with id " + capture(r, *one));
        return MockResponse::json(json::array({store->group_document(*id)}));  // an array of one, like the server
    });
    server.on("PUT", one->str(), [store, one, v3](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto id = to_int(capture(r, *one));
        if (!id || store->groups.count(*id) == 0) return error(404, "No sensor group with id " + capture(r, *one));
        const auto body = parse_body(r);
        if (!body || !body->is_object()) return error(400, "Expected a JSON object");
        if (auto problem = store->check_group(*body, *id)) return *problem;
        if (auto problem = v3 ? store->check_group_v3(*body) : std::nullopt) return *problem;
        json& g = store->groups[*id];
        for (const auto& [key, value] : body->items())
            if (key != "id" && key != "team_access") g[key] = value;
        return success();
    });
    server.on("DELETE", one->str(), [store, one](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto id = to_int(capture(r, *one));
        if (!id || store->groups.count(*id) == 0) return error(404, "No sensor group with id " + capture(r, *one));
        if (*id == 1) return error(409, "The default sensor group cannot be deleted");
        for (const auto& [sid, s] : store->sensors)
            if (s["group_id"] == *id)
                return error(409, "Sensor group " + std::to_string(*id) + " still has sensors; move them first");
        store->groups.erase(*id);
        store->sharing.erase(*id);
        for (auto& [tid, t] : store->teams) {
            json kept = json::array();
            for (const auto& a : t["group_access"])
                if (a["group_id"] != *id) kept.push_back(a);
            t["group_access"] = std::move(kept);
        }
        return success();
    });
}

void install_groups(MockServer& server, const std::shared_ptr<Store>& store) {
    install_group_routes(server, store, "/api/group", false);
    // ASSUMPTION: /api/v3/group from 7.0 (cbapi-python 1.7.4 used it on every server; the version that added it is not
    // documented), with /api/group still answering.
    if (store->version >= ServerVersion{7, 0}) install_group_routes(server, store, "/api/v3/group", true);

    static const Pattern installer(R"(/api/v1/group/([^/]+)/installer/(windows/exe|windows/msi|osx|linux))");
    server.on("GET", R"(/api/v1/group/[^/]+/installer/.*)", [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto id = to_int(capture(r, installer));
        if (!id || store->groups.count(*id) == 0) return error(404, "No installer at " + r.path);
        const std::string type = capture(r, installer, 2);
        MockResponse reply;
        reply.headers.set("Content-Type", type == "linux" ? "application/x-gzip" : "application/zip");
        reply.body = std::string(type == "linux" ? "\x1f\x8b\x08\x00" : "PK\x03\x04", 4) + "cb-simulator " + type +
                     " installer for sensor group " + std::to_string(*id) + " (" +
                     store->groups[*id]["name"].get<std::string>() + ")\n";
        return reply;
    });

    static const Pattern sharing(R"(/api/v1/group/([^/]+)/datasharing)");
    static const Pattern sharing_one(R"(/api/v1/group/([^/]+)/datasharing/([^/]+))");
    server.on("GET", sharing.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto id = to_int(capture(r, sharing));
        if (!id || store->groups.count(*id) == 0) return error(404, "No sensor group with id " + capture(r, sharing));
        return MockResponse::json(store->sharing[*id]);
    });
    server.on("POST", sharing.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto id = to_int(capture(r, sharing));
        if (!id || store->groups.count(*id) == 0) return error(404, "No sensor group with id " + capture(r, sharing));
        const auto body = parse_body(r);
        if (!body || !body->is_object()) return error(400, "Expected a JSON object");
        if (!nonempty_string(*body, "who") || !nonempty_string(*body, "what"))
            return error(400, "who and what are required");
        if (body->contains("group_id") && (*body)["group_id"] != *id)
            return error(400, "group_id does not match the URL");
        auto& list = store->sharing[*id];
        for (const auto& s : list)
            if (s["who"] == (*body)["who"] && s["what"] == (*body)["what"])
                return error(409, "Group " + std::to_string(*id) + " already shares this");
        json setting = {{"id", store->next_sharing++}, {"group_id", *id}, {"who", (*body)["who"]}, {"what", (*body)["what"]}};
        list.push_back(setting);
        return MockResponse::json(setting);
    });
    server.on("DELETE", sharing.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto id = to_int(capture(r, sharing));
        if (!id || store->groups.count(*id) == 0) return error(404, "No sensor group with id " + capture(r, sharing));
        store->sharing[*id].clear();
        return success();
    });
    server.on("DELETE", sharing_one.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto id = to_int(capture(r, sharing_one));
        const auto sid = to_int(capture(r, sharing_one, 2));
        if (!id || store->groups.count(*id) == 0) return error(404, "No sensor group with id " + capture(r, sharing_one));
        auto& list = store->sharing[*id];
        const auto it = std::find_if(list.begin(), list.end(), [&](const json& s) { return sid && s["id"] == *sid; });
        if (it == list.end()) return error(404, "No data sharing setting " + capture(r, sharing_one, 2));
        list.erase(it);
        return success();
    });
}

// The sensor builds (ASSUMPTION: from 7.0, like the v3 groups that use them) and the dashboard statistics
// (ASSUMPTION: the shape, counts of the simulated world, is ours; the legacy cbapi client only passes the JSON on).
void install_builds_and_dashboard(MockServer& server, const std::shared_ptr<Store>& store) {
    if (store->version >= ServerVersion{7, 0}) {
        server.on("GET", "/api/v2/builds", [](const RecordedRequest&) {
            json out = json::object();
            for (const auto& [os, versions] : Store::builds()) {
                json list = json::array();
                for (const auto& v : versions) list.push_back({{"version_string", v}, {"os", os}});
                out[os] = std::move(list);
            }
            return MockResponse::json(out);
        });
    }
    server.on("GET", "/api/v1/dashboard/statistics", [store](const RecordedRequest&) {
        std::lock_guard<std::mutex> lock(store->mutex);
        int online = 0, isolated = 0;
        for (const auto& [id, s] : store->sensors) {
            if (s["status"] == "Online") ++online;
            if (s["is_isolating"] == true) ++isolated;
        }
        return MockResponse::json({{"sensor_count", store->sensors.size()},
                                   {"online_sensor_count", online},
                                   {"isolated_sensor_count", isolated},
                                   {"group_count", store->groups.size()},
                                   {"user_count", store->users.size()}});
    });
}

void install_sites(MockServer& server, const std::shared_ptr<Store>& store) {
    server.on("GET", "/api/site", [store](const RecordedRequest&) {
        std::lock_guard<std::mutex> lock(store->mutex);
        json out = json::array();
        for (const auto& [id, s] : store->sites) out.push_back(s);
        return MockResponse::json(out);
    });
    server.on("POST", "/api/site", [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto body = parse_body(r);
        if (!body || !body->is_object()) return error(400, "Expected a JSON object");
        if (!nonempty_string(*body, "name")) return error(400, "name is required");
        for (const auto& [id, s] : store->sites)
            if (lower(s["name"].get<std::string>()) == lower((*body)["name"].get<std::string>()))
                return error(409, "A site named " + (*body)["name"].get<std::string>() + " already exists");
        const int id = store->next_site++;
        store->sites[id] = {{"id", id}, {"name", (*body)["name"]}};
        return MockResponse::json({{"id", id}});
    });
    static const Pattern one(R"(/api/site/([^/]+))");
    server.on("GET", one.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto id = to_int(capture(r, one));
        if (!id || store->sites.count(*id) == 0) return error(404, "No site with id " + capture(r, one));
        return MockResponse::json(json::array({store->sites[*id]}));
    });
    server.on("PUT", one.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto id = to_int(capture(r, one));
        if (!id || store->sites.count(*id) == 0) return error(404, "No site with id " + capture(r, one));
        const auto body = parse_body(r);
        if (!body || !body->is_object() || !nonempty_string(*body, "name")) return error(400, "name is required");
        store->sites[*id]["name"] = (*body)["name"];
        return success();
    });
    server.on("DELETE", one.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto id = to_int(capture(r, one));
        if (!id || store->sites.count(*id) == 0) return error(404, "No site with id " + capture(r, one));
        if (*id == 1) return error(409, "The default site cannot be deleted");
        for (const auto& [gid, g] : store->groups)
            if (g["site_id"] == *id) return error(409, "Site " + std::to_string(*id) + " still has sensor groups");
        store->sites.erase(*id);
        for (auto it = store->throttles.begin(); it != store->throttles.end();)
            it = it->second["site_id"] == *id ? store->throttles.erase(it) : std::next(it);
        return success();
    });

    server.on("GET", "/api/throttle", [store](const RecordedRequest&) {
        std::lock_guard<std::mutex> lock(store->mutex);
        json out = json::array();
        for (const auto& [id, t] : store->throttles) out.push_back(t);
        return MockResponse::json(out);
    });
    server.on("POST", "/api/throttle", [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto body = parse_body(r);
        if (!body || !body->is_object()) return error(400, "Expected a JSON object");
        if (auto problem = store->check_throttle(*body)) return error(400, *problem);
        const int id = store->next_throttle++;
        store->throttles[id] = {{"id", id},
                                {"site_id", (*body)["site_id"]},
                                {"day_of_week", (*body)["day_of_week"]},
                                {"from", (*body)["from"]},
                                {"to", (*body)["to"]},
                                {"bytes_per_second", (*body)["bytes_per_second"].get<double>()}};
        return MockResponse::json({{"id", id}});
    });
    static const Pattern throttle(R"(/api/throttle/([^/]+))");
    server.on("GET", throttle.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto id = to_int(capture(r, throttle));
        if (!id || store->throttles.count(*id) == 0) return error(404, "No throttle rule " + capture(r, throttle));
        return MockResponse::json(store->throttles[*id]);
    });
    server.on("PUT", throttle.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto id = to_int(capture(r, throttle));
        if (!id || store->throttles.count(*id) == 0) return error(404, "No throttle rule " + capture(r, throttle));
        const auto body = parse_body(r);
        if (!body || !body->is_object()) return error(400, "Expected a JSON object");
        json merged = store->throttles[*id];
        for (const char* field : {"site_id", "day_of_week", "from", "to", "bytes_per_second"})
            if (body->contains(field)) merged[field] = (*body)[field];
        if (auto problem = store->check_throttle(merged)) return error(400, *problem);
        store->throttles[*id] = std::move(merged);
        return success();
    });
    server.on("DELETE", throttle.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto id = to_int(capture(r, throttle));
        if (!id || store->throttles.count(*id) == 0) return error(404, "No throttle rule " + capture(r, throttle));
        store->throttles.erase(*id);
        return success();
    });
}

void install_users(MockServer& server, const std::shared_ptr<Store>& store) {
    server.on("GET", "/api/users", [store](const RecordedRequest&) {
        std::lock_guard<std::mutex> lock(store->mutex);
        json out = json::array();
        for (const auto& [name, u] : store->users) out.push_back(store->user_document(name));
        return MockResponse::json(out);
    });
    server.on("POST", "/api/user", [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto body = parse_body(r);
        if (!body || !body->is_object()) return error(400, "Expected a JSON object");
        for (const char* field : {"username", "first_name", "last_name", "email", "password"})
            if (!nonempty_string(*body, field)) return error(400, std::string(field) + " is required");
        if (!body->contains("global_admin") || !(*body)["global_admin"].is_boolean())
            return error(400, "global_admin is required (true or false)");
        if (!body->contains("teams")) return error(400, "teams is required");
        // ASSUMPTION: like the team objects, an `id` in a new user is refused (cbapi-python 1.3.5 removes it on every
        // server version).
        if (body->contains("id")) return error(400, "id cannot be given for a new user");
        std::vector<int> teams;
        if (auto problem = store->read_teams((*body)["teams"], teams, true)) return error(400, *problem);
        const std::string name = (*body)["username"].get<std::string>();
        if (store->users.count(name) > 0) return error(409, "User " + name + " already exists");
        store->users[name] = {{"username", name},
                              {"first_name", (*body)["first_name"]},
                              {"last_name", (*body)["last_name"]},
                              {"email", (*body)["email"]},
                              {"global_admin", (*body)["global_admin"]},
                              {"teams", teams}};
        store->passwords[name] = (*body)["password"].get<std::string>();
        return success();
    });
    static const Pattern one(R"(/api/user/([^/]+))");
    server.on("GET", one.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const std::string name = capture(r, one);
        if (store->users.count(name) == 0) return error(404, "No user named " + name);
        return MockResponse::json(store->user_document(name));
    });
    server.on("PUT", one.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const std::string name = capture(r, one);
        if (store->users.count(name) == 0) return error(404, "No user named " + name);
        const auto body = parse_body(r);
        if (!body || !body->is_object()) return error(400, "Expected a JSON object");
        if (body->contains("username") && (*body)["username"] != name)
            return error(400, "username cannot be changed");
        json& u = store->users[name];
        if (body->contains("teams")) {
            std::vector<int> teams;
            if (auto problem = store->read_teams((*body)["teams"], teams, false)) return error(400, *problem);
            u["teams"] = teams;
        }
        for (const char* field : {"first_name", "last_name", "email"}) {
            if (!body->contains(field)) continue;
            if (!nonempty_string(*body, field)) return error(400, std::string(field) + " cannot be empty");
            u[field] = (*body)[field];
        }
        if (body->contains("global_admin")) {
            if (!(*body)["global_admin"].is_boolean()) return error(400, "global_admin must be true or false");
            u["global_admin"] = (*body)["global_admin"];
        }
        if (body->contains("password")) {
            if (!nonempty_string(*body, "password")) return error(400, "password cannot be empty");
            store->passwords[name] = (*body)["password"].get<std::string>();
        }
        return success();
    });
    server.on("DELETE", one.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const std::string name = capture(r, one);
        if (store->users.count(name) == 0) return error(404, "No user named " + name);
        const auto admins = std::count_if(store->users.begin(), store->users.end(),
                                          [](const auto& kv) { return kv.second["global_admin"].template get<bool>(); });
        if (store->users[name]["global_admin"].get<bool>() && admins == 1)
            return error(409, "Cannot delete the last global administrator");
        store->users.erase(name);
        store->passwords.erase(name);
        return success();
    });

    server.on("GET", "/api/teams", [store](const RecordedRequest&) {
        std::lock_guard<std::mutex> lock(store->mutex);
        json out = json::array();
        for (const auto& [id, t] : store->teams) out.push_back(t);
        return MockResponse::json(out);
    });
    server.on("POST", "/api/team", [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto body = parse_body(r);
        if (!body || !body->is_object()) return error(400, "Expected a JSON object");
        json access;
        if (auto problem = store->check_team(*body, std::nullopt, access)) return *problem;
        const int id = store->next_team++;
        store->teams[id] = {{"id", id}, {"name", (*body)["name"]}, {"group_access", access}};
        return MockResponse::json(store->teams[id]);
    });
    static const Pattern team(R"(/api/team/([^/]+))");
    server.on("GET", team.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto id = to_int(capture(r, team));
        if (!id || store->teams.count(*id) == 0) return error(404, "No team with id " + capture(r, team));
        return MockResponse::json(store->teams[*id]);
    });
    server.on("PUT", team.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto id = to_int(capture(r, team));
        if (!id || store->teams.count(*id) == 0) return error(404, "No team with id " + capture(r, team));
        const auto body = parse_body(r);
        if (!body || !body->is_object()) return error(400, "Expected a JSON object");
        json access;
        if (auto problem = store->check_team(*body, *id, access)) return *problem;
        store->teams[*id] = {{"id", *id}, {"name", (*body)["name"]}, {"group_access", access}};
        return MockResponse::json(store->teams[*id]);
    });
    server.on("DELETE", team.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto id = to_int(capture(r, team));
        if (!id || store->teams.count(*id) == 0) return error(404, "No team with id " + capture(r, team));
        store->teams.erase(*id);
        for (auto& [name, u] : store->users) {
            json kept = json::array();
            for (const auto& t : u["teams"])
                if (t != *id) kept.push_back(t);
            u["teams"] = std::move(kept);
        }
        return success();
    });

    // The API token of a user, for their password (HTTP digest, RFC 2617 with qop=auth): no X-Auth-Token needed.
    server.on_public("GET", "/api/auth", [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        auto challenge = [&store](const std::string& why) {
            const std::string nonce = md5_hex("cb-simulator-nonce:" + std::to_string(store->next_nonce++));
            store->nonces.insert(nonce);
            MockResponse reply = error(401, why);
            reply.headers.set("WWW-Authenticate", fmt::format(R"(Digest realm="{}", qop="auth", nonce="{}", )"
                                                              R"(opaque="cbsim", algorithm=MD5)",
                                                              kRealm, nonce));
            return reply;
        };
        const auto fields = parse_digest(r.header("Authorization").value_or(""));
        if (fields.empty()) return challenge("Authentication required");
        auto field = [&fields](const char* name) {
            const auto it = fields.find(name);
            return it == fields.end() ? std::string() : it->second;
        };
        const std::string user = field("username");
        const auto password = store->passwords.find(user);
        if (password == store->passwords.end() || store->nonces.count(field("nonce")) == 0 || field("realm") != kRealm)
            return challenge("Invalid credentials");
        const std::string ha1 = md5_hex(user + ":" + kRealm + ":" + password->second);
        const std::string ha2 = md5_hex(r.method + ":" + field("uri"));
        const std::string expected =
            field("qop").empty()
                ? md5_hex(ha1 + ":" + field("nonce") + ":" + ha2)
                : md5_hex(ha1 + ":" + field("nonce") + ":" + field("nc") + ":" + field("cnonce") + ":" + field("qop") +
                          ":" + ha2);
        if (expected != field("response")) return challenge("Invalid credentials");
        return MockResponse::json({{"auth_token", store->token_of(user)}});
    });
}

void install_partitions(MockServer& server, const std::shared_ptr<Store>& store) {
    server.on("GET", "/api/v1/storage/events/partition", [store](const RecordedRequest&) {
        std::lock_guard<std::mutex> lock(store->mutex);
        json out = json::object();
        for (const auto& [name, p] : store->partitions) out[name] = p;
        return MockResponse::json(out);
    });
    server.on("POST", "/api/v1/storage/events/new_partition", [store](const RecordedRequest&) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const std::string name = store->next_partition_name();
        json old = store->partitions.at("writer");
        store->partitions[name] = Store::partition(name, "warm", old["info"]["numDocs"].get<long long>(), false);
        store->partitions["writer"] = Store::partition("writer", "hot", 0, false);
        return success();
    });
    static const Pattern one(R"(/api/v1/storage/events/([^/]+))");
    server.on("DELETE", one.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const std::string name = capture(r, one);
        const auto it = store->partitions.find(name);
        if (it == store->partitions.end()) return error(404, "No storage partition named " + name);
        if (it->second["status"] == "hot") return error(409, "The writer partition cannot be deleted");
        store->partitions.erase(it);
        return success();
    });
    static const Pattern action(R"(/api/v1/storage/events/([^/]+)/(mount|unmount))");
    server.on("POST", action.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const std::string name = capture(r, action);
        const std::string what = capture(r, action, 2);
        const auto it = store->partitions.find(name);
        if (it == store->partitions.end()) return error(404, "No storage partition named " + name);
        json& p = it->second;
        const std::string status = p["status"].get<std::string>();
        if (what == "mount") {
            if (status != "cold") return error(409, "Partition " + name + " is already mounted");
            p["status"] = "warm";
            p["info"]["userMounted"] = true;
        } else {
            if (status == "hot") return error(409, "The writer partition cannot be unmounted");
            if (status == "cold") return error(409, "Partition " + name + " is not mounted");
            p["status"] = "cold";
            p["info"]["userMounted"] = false;
        }
        return success();
    });
}

std::optional<std::string> check_ingress(const json& f, bool creating) {
    if (!f.is_object()) return std::string("every ingress filter must be a JSON object");
    if (creating || f.contains("name"))
        if (!nonempty_string(f, "name")) return std::string("name is required");
    if (creating || f.contains("description"))
        if (!nonempty_string(f, "description")) return std::string("description is required");
    for (const char* list : {"group_ids", "sensor_ids", "path_filters", "cmdline_filters", "md5_filters"})
        if (f.contains(list) && !f[list].is_array()) return std::string(list) + " must be a list";
    return std::nullopt;
}

void install_ingress(MockServer& server, const std::shared_ptr<Store>& store) {
    server.on("GET", "/api/v1/ingress_whitelist", [store](const RecordedRequest&) {
        std::lock_guard<std::mutex> lock(store->mutex);
        json out = json::array();
        for (const auto& [id, f] : store->ingress) out.push_back(f);
        return MockResponse::json(out);
    });
    server.on("POST", "/api/v1/ingress_whitelist", [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto body = parse_body(r);
        if (!body || !body->is_array() || body->empty()) return error(400, "Expected a list of ingress filters");
        static const std::regex id_syntax("[A-Za-z0-9-]+");
        std::vector<json> made;
        std::set<std::string> ids;
        for (const auto& f : *body) {
            if (auto problem = check_ingress(f, true)) return error(400, *problem);
            json doc = ingress_defaults();
            for (const auto& [key, value] : f.items())
                if (kIngressFields.count(key) > 0) doc[key] = value;
            if (!f.contains("id") || f["id"].is_null()) {
                doc["id"] = fmt::format("00000000-0000-4000-8000-{:012}", store->next_ingress++);
            } else if (!f["id"].is_string() || !std::regex_match(f["id"].get<std::string>(), id_syntax)) {
                return error(400, "id must be letters, digits and dashes");
            }
            const std::string id = doc["id"].get<std::string>();
            if (store->ingress.count(id) > 0 || ids.count(id) > 0)
                return error(409, "An ingress filter with id " + id + " already exists");
            ids.insert(id);
            made.push_back(std::move(doc));
        }
        json out = json::array();
        for (auto& doc : made) {
            const std::string id = doc["id"].get<std::string>();
            out.push_back(id);
            store->ingress[id] = std::move(doc);
        }
        return MockResponse::json(out);
    });
    static const Pattern one(R"(/api/v1/ingress_whitelist/([^/]+))");
    server.on("GET", one.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto it = store->ingress.find(capture(r, one));
        if (it == store->ingress.end()) return error(404, "No ingress filter with id " + capture(r, one));
        return MockResponse::json(it->second);
    });
    server.on("PUT", one.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const std::string id = capture(r, one);
        const auto it = store->ingress.find(id);
        if (it == store->ingress.end()) return error(404, "No ingress filter with id " + id);
        const auto body = parse_body(r);
        if (!body) return error(400, "Expected a JSON object");
        if (auto problem = check_ingress(*body, false)) return error(400, *problem);
        if (body->contains("id") && (*body)["id"] != id) return error(400, "id cannot be changed");
        for (const auto& [key, value] : body->items())
            if (kIngressFields.count(key) > 0 && key != "id") it->second[key] = value;
        it->second["modify_timestamp"] = "2018-08-06 12:30:00.000000-05:00";
        return success();
    });
    server.on("DELETE", one.str(), [store](const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(store->mutex);
        const auto it = store->ingress.find(capture(r, one));
        if (it == store->ingress.end()) return error(404, "No ingress filter with id " + capture(r, one));
        store->ingress.erase(it);
        return success();
    });
}

}  // namespace

void install_response_admin_simulator(MockServer& server, const ResponseSimulatorOptions& options) {
    auto store = std::make_shared<Store>();
    store->version = ServerVersion::parse(options.server_version);
    store->v61 = store->version >= ServerVersion{6, 1};
    store->server_token = server.token();
    seed(*store, options);
    install_sensors(server, store);
    install_groups(server, store);
    install_builds_and_dashboard(server, store);
    install_sites(server, store);
    install_users(server, store);
    if (store->v61) {  // event partitions and ingress filters came with 6.1
        install_partitions(server, store);
        install_ingress(server, store);
    }
}

}  // namespace cbapi::testing
