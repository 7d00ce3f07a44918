// The Cb Protection simulator: an in-memory store behind MockServer handlers, with the real server's paging,
// q= conditions, sort, counting, creation/update/deletion and version-gated 8.0 models.
#include "cbapi/testing/protection_simulator.hpp"

#include "simulator_support.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/zip.hpp"
#include "cbapi/server_version.hpp"

namespace cbapi::testing {
namespace {

using sim::lower;
using sim::text_of;
using sim::to_double;
using sim::wildcard_match;

using nlohmann::json;

const std::string prefix = "/api/bit9platform/v1";
// The fixed "now" of the simulator: dates it writes are deterministic.
const std::string sim_now = "2017-08-10T00:00:00Z";

struct Collection {
    std::string name;
    bool changeable;                    // PUT/POST update and DELETE allowed
    bool creatable;                     // POST without id creates
    bool since_8_0;                     // absent (404) on older servers
    std::vector<std::string> required;  // checked on creation
    std::size_t default_count;
};

const std::vector<Collection>& collections() {
    static const std::vector<Collection> all = {
        {"appCatalog", false, false, true, {}, 2},
        {"approvalRequest", true, false, false, {}, 6},
        {"appTemplate", true, false, true, {}, 2},
        {"certificate", true, false, false, {}, 8},
        {"computer", true, false, false, {}, 40},
        {"connector", true, true, false,
         {"name", "analysisName", "connectorVersion", "canAnalyze", "enabled", "analysisEnabled"}, 2},
        {"driftReport", false, false, true, {}, 2},
        {"driftReportContents", false, false, true, {}, 2},
        {"event", false, false, false, {}, 100},
        {"fileAnalysis", true, false, false, {}, 4},
        {"fileCatalog", true, false, false, {}, 60},
        {"fileInstance", true, false, false, {}, 200},
        {"fileInstanceDeleted", false, false, false, {}, 2},
        {"fileInstanceGroup", false, false, false, {}, 2},
        {"fileRule", true, true, false, {"name"}, 12},
        {"fileUpload", true, false, false, {}, 3},
        {"grantedUserPolicyPermission", false, false, true, {}, 2},
        {"internalEvent", false, false, false, {}, 3},
        {"meteredExecution", false, false, false, {}, 2},
        {"notification", true, true, false, {"analysisResult", "fileAnalysisId"}, 2},
        {"notifier", false, false, false, {}, 2},
        {"pendingAnalysis", true, false, false, {}, 4},
        {"policy", true, true, false, {"name"}, 6},
        {"publisher", true, false, false, {}, 8},
        {"publisherCertificate", false, false, true, {}, 2},
        {"scriptRule", true, false, true, {}, 2},
        {"serverConfig", false, false, false, {}, 0},
        {"serverPerformance", false, false, false, {}, 1},
        {"trustedDirectory", true, false, true, {}, 2},
        {"trustedUser", true, true, true, {"name", "userSid", "description", "platformId"}, 2},
        {"updater", true, false, false, {}, 5},
        {"user", true, true, true, {"name"}, 4},
        {"userGroup", true, true, true, {"name"}, 3},
    };
    return all;
}

const Collection* find_collection(const std::string& name) {
    for (const auto& c : collections())
        if (c.name == name) return &c;
    return nullptr;
}


struct Condition {
    std::string field;
    char op = ':';
    std::vector<std::string> values;
};

std::optional<Condition> parse_condition(const std::string& clause) {
    Condition c;
    std::size_t i = 0;
    while (i < clause.size() &&
           (std::isalnum(static_cast<unsigned char>(clause[i])) != 0 || clause[i] == '_' || clause[i] == '.'))
        ++i;
    if (i == 0 || i >= clause.size()) return std::nullopt;
    c.field = clause.substr(0, i);
    c.op = clause[i];
    if (std::string(":!<>+-").find(c.op) == std::string::npos) return std::nullopt;
    const std::string rest = clause.substr(i + 1);
    std::size_t start = 0;
    for (;;) {
        const std::size_t bar = rest.find('|', start);
        c.values.push_back(rest.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
        if (bar == std::string::npos) break;
        start = bar + 1;
    }
    return c;
}

bool equals(const json& v, const std::string& wanted) {
    if (v.is_null()) return wanted.empty() || lower(wanted) == "null";
    if (v.is_boolean()) {
        const std::string w = lower(wanted);
        return (v.get<bool>() && (w == "true" || w == "1")) || (!v.get<bool>() && (w == "false" || w == "0"));
    }
    if (v.is_number()) {
        const auto n = to_double(wanted);
        return n && *n == v.get<double>();
    }
    if (v.is_string()) return wildcard_match(v.get<std::string>(), wanted);
    return false;
}

int compare_to(const json& v, const std::string& wanted) {
    if (v.is_number()) {
        if (const auto n = to_double(wanted)) {
            const double d = v.get<double>();
            return d < *n ? -1 : (d > *n ? 1 : 0);
        }
    }
    const std::string a = lower(text_of(v)), b = lower(wanted);
    return a < b ? -1 : (a > b ? 1 : 0);
}

bool matches(const json& doc, const Condition& c) {
    const auto it = doc.find(c.field);
    const json value = it == doc.end() ? json() : *it;
    switch (c.op) {
        case ':':
            return std::any_of(c.values.begin(), c.values.end(), [&](const auto& w) { return equals(value, w); });
        case '!':
            return std::none_of(c.values.begin(), c.values.end(), [&](const auto& w) { return equals(value, w); });
        case '<':
        case '>':
            if (value.is_null()) return false;
            return std::any_of(c.values.begin(), c.values.end(), [&](const auto& w) {
                const int r = compare_to(value, w);
                return c.op == '<' ? r < 0 : r > 0;
            });
        case '+':
        case '-': {
            if (!value.is_number_integer()) return false;
            const auto bits = value.get<long long>();
            return std::any_of(c.values.begin(), c.values.end(), [&](const auto& w) {
                const auto mask = to_double(w);
                if (!mask) return false;
                const auto m = static_cast<long long>(*mask);
                return c.op == '+' ? (bits & m) == m : (bits & m) == 0;
            });
        }
        default: return false;
    }
}

// Orders JSON values: null first, then numbers, booleans, strings (case-insensitive).
bool value_less(const json& a, const json& b) {
    auto rank = [](const json& v) { return v.is_null() ? 0 : v.is_number() ? 1 : v.is_boolean() ? 2 : 3; };
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    if (a.is_number()) return a.get<double>() < b.get<double>();
    if (a.is_boolean()) return !a.get<bool>() && b.get<bool>();
    if (a.is_null()) return false;
    return lower(text_of(a)) < lower(text_of(b));
}

// Like the real server (IIS), JSON replies say their charset. (This also keeps cpp-httplib from compressing
// large pages, which costs seconds per megabyte with brotli.)
MockResponse json_reply(const json& body, int status = 200) {
    MockResponse r;
    r.status = status;
    r.headers.set("Content-Type", "application/json; charset=utf-8");
    r.body = body.dump();
    return r;
}

MockResponse error(int status, const std::string& message) { return json_reply({{"error", message}}, status); }

class Store {
public:
    explicit Store(const ProtectionSimulatorOptions& options)
        : version_(ServerVersion::parse(options.server_version)), rng_(options.seed) {
        v8_ = version_ >= ServerVersion{8, 0};
        seed(options);
    }

    MockResponse handle(const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(mutex_);
        std::string rest = r.path.substr(prefix.size() + 1);
        std::string name = rest, id_text;
        if (const auto slash = rest.find('/'); slash != std::string::npos) {
            name = rest.substr(0, slash);
            id_text = rest.substr(slash + 1);
        }
        const Collection* c = find_collection(name);
        if (c == nullptr || (c->since_8_0 && !v8_)) return error(404, "Not found: " + r.path);
        auto& objects = data_[name];
        std::optional<long long> id;
        if (!id_text.empty()) {
            const auto n = to_double(id_text);
            if (!n) return error(404, "Not found: " + r.path);
            id = static_cast<long long>(*n);
        }
        if (r.method == "GET") return id ? get_one(r, objects, *id) : list(r, objects);
        if (r.method == "DELETE") {
            if (!id) return error(405, "Method not allowed");
            if (!c->changeable) return error(405, "Cannot delete " + name);
            if (objects.erase(*id) == 0) return error(404, "Not found: " + r.path);
            MockResponse ok;
            ok.status = 204;
            return ok;
        }
        if (r.method == "PUT" || r.method == "POST") return save(*c, objects, id, r);
        return error(405, "Method not allowed");
    }

private:
    using Objects = std::map<long long, json>;

    MockResponse get_one(const RecordedRequest& r, const Objects& objects, long long id) const {
        const auto it = objects.find(id);
        if (it == objects.end()) return error(404, "Not found: " + r.path);
        if (r.param("downloadFile") == std::optional<std::string>("true")) {
            // Like the real server: a ZIP archive holding the file (named after the object's fileName).
            const std::string name = it->second.contains("fileName") && it->second["fileName"].is_string()
                                         ? it->second["fileName"].get<std::string>()
                                         : "file";
            MockResponse zip;
            zip.headers.set("Content-Type", "application/zip");
            zip.body = stored_zip(name, "simulated file content of " + r.path);
            return zip;
        }
        return json_reply(it->second);
    }

    MockResponse list(const RecordedRequest& r, const Objects& objects) const {
        std::vector<Condition> conditions;
        std::optional<long long> limit, offset;
        std::string sort;
        for (const auto& [k, v] : r.params) {
            if (k == "q") {
                auto c = parse_condition(v);
                if (!c) return error(400, "Invalid query condition: " + v);
                conditions.push_back(std::move(*c));
            } else if (k == "limit" || k == "offset") {
                const auto n = to_double(v);
                if (!n) return error(400, "Invalid " + k + ": " + v);
                (k == "limit" ? limit : offset) = static_cast<long long>(*n);
            } else if (k == "sort") {
                sort = v;
            }
        }
        std::vector<const json*> hits;
        for (const auto& [id, doc] : objects)
            if (std::all_of(conditions.begin(), conditions.end(), [&](const auto& c) { return matches(doc, c); }))
                hits.push_back(&doc);
        if (limit && *limit == -1) return json_reply({{"count", hits.size()}});
        if ((limit && *limit < -1) || (offset && *offset < 0)) return error(400, "Invalid offset or limit");
        if (!sort.empty()) {
            std::string field = sort, direction = "asc";
            if (const auto space = sort.find(' '); space != std::string::npos) {
                field = sort.substr(0, space);
                direction = lower(sort.substr(sort.find_first_not_of(' ', space)));
            }
            if (direction != "asc" && direction != "desc") return error(400, "Invalid sort: " + sort);
            const bool desc = direction == "desc";
            std::stable_sort(hits.begin(), hits.end(), [&](const json* a, const json* b) {
                const json va = a->contains(field) ? a->at(field) : json();
                const json vb = b->contains(field) ? b->at(field) : json();
                return desc ? value_less(vb, va) : value_less(va, vb);
            });
        }
        // No limit: the first 1000 (the real server's default); limit=0: everything.
        const auto from = static_cast<std::size_t>(offset.value_or(0));
        std::size_t count = hits.size();
        const long long lim = limit.value_or(1000);
        if (lim > 0) count = static_cast<std::size_t>(lim);
        json out = json::array();
        for (std::size_t i = from; i < hits.size() && i - from < count; ++i) out.push_back(*hits[i]);
        return json_reply(out);
    }

    MockResponse save(const Collection& c, Objects& objects, std::optional<long long> id, const RecordedRequest& r) {
        json body = json::parse(r.body, nullptr, false);
        if (r.body.empty()) body = json::object();
        if (!body.is_object()) return error(400, "Expected a JSON object");
        if (!id && r.method == "POST" && body.contains("id") && body["id"].is_number_integer())
            id = body["id"].get<long long>();  // the real server updates through POST of the collection too
        if (!id && r.method == "POST" && c.name == "fileRule") id = rule_with_same_hash(objects, body);
        if (id) {
            if (!c.changeable) return error(405, "Cannot change " + c.name);
            const auto it = objects.find(*id);
            if (it == objects.end()) return error(404, "Not found: " + r.path);
            update(c, it->second, body, r);
            return json_reply(it->second);
        }
        if (r.method != "POST" || !c.creatable) return error(405, "Cannot create " + c.name);
        std::vector<std::string> missing;
        for (const auto& f : c.required)
            if (!body.contains(f) || body[f].is_null()) missing.push_back(f);
        if (!missing.empty()) return error(400, "Missing required field " + missing.front());
        const long long new_id = ++next_id_[c.name];
        body["id"] = new_id;
        fill_defaults(c.name, body);
        objects[new_id] = body;
        if (c.name == "connector") hand_out_analyses(new_id);
        return json_reply(body, 201);
    }

    // The real server keeps one rule per hash: posting a rule for a known hash changes that rule.
    static std::optional<long long> rule_with_same_hash(const Objects& rules, const json& body) {
        const auto hash = body.find("hash");
        if (hash == body.end() || !hash->is_string() || hash->get<std::string>().empty()) return std::nullopt;
        for (const auto& [rid, rule] : rules)
            if (rule.contains("hash") && rule["hash"].is_string() &&
                lower(rule["hash"].get<std::string>()) == lower(hash->get<std::string>()))
                return rid;
        return std::nullopt;
    }

    // Computer fields the server changes only when the update's URL carries a flag (cbapi-python 1.3.3/1.3.5,
    // src/cbapi/protection/models.py, Computer._build_api_request_uri; the reference's "later versions add ... to
    // the PUT"). ASSUMPTION: without the flag those fields are ignored silently, as cbapi-python's fix implies.
    static const std::string* computer_flag(const std::string& field) {
        static const std::string diagnostics = "changeDiagnostics", templ = "changeTemplate",
                                 tamper = "newTamperProtectionActive";
        static const std::map<std::string, const std::string*> flags = {
            {"debugLevel", &diagnostics}, {"kernelDebugLevel", &diagnostics}, {"debugFlags", &diagnostics},
            {"debugDuration", &diagnostics}, {"ccLevel", &diagnostics}, {"ccFlags", &diagnostics},
            {"template", &templ}, {"templateCloneCleanupMode", &templ}, {"templateCloneCleanupTime", &templ},
            {"templateCloneCleanupTimeScale", &templ}, {"templateTrackModsOnly", &templ},
            {"tamperProtectionActive", &tamper}};
        const auto it = flags.find(field);
        return it == flags.end() ? nullptr : it->second;
    }

    void update(const Collection& c, json& doc, const json& body, const RecordedRequest& r) {
        const json old_policy = doc.value("policyId", json());
        for (const auto& [k, v] : body.items()) {
            if (k == "id") continue;
            if (c.name == "computer") {
                if (const std::string* flag = computer_flag(k)) {
                    const auto given = r.param(*flag);
                    if (!given) continue;  // ignored without its flag
                    // The tamper protection state is the flag's value, not the field's.
                    if (*flag == "newTamperProtectionActive") {
                        doc[k] = lower(*given) == "true";
                        continue;
                    }
                    if (lower(*given) != "true") continue;
                }
            }
            doc[k] = v;
        }
        doc["dateModified"] = sim_now;
        if (c.name == "computer") {
            if (doc.value("policyId", json()) != old_policy) {
                doc["previousPolicyId"] = old_policy;
                doc["policyName"] = policy_name(doc["policyId"]);
            }
            if (r.param("resetCLIPassword") == std::optional<std::string>("true")) doc["CLIPassword"] = hex(16);
        }
    }

    // [assumption] A newly registered analysis connector is handed files waiting for analysis: three catalog files,
    // the first one the VirusTotal stand-in knows (its MD5 starts with 0-7, see virustotal_simulator.hpp) and two it
    // does not; the agents have uploaded the first two.
    void hand_out_analyses(long long connector_id) {
        const auto& catalog = data_["fileCatalog"];
        const auto& computers = data_["computer"];
        std::vector<long long> files;
        for (bool known : {true, false, false})
            for (const auto& [cid, file] : catalog) {
                const std::string md5 = file.value("md5", std::string());
                const bool taken = std::find(files.begin(), files.end(), cid) != files.end();
                if (!md5.empty() && !taken && (std::string("01234567").find(md5[0]) != std::string::npos) == known) {
                    files.push_back(cid);
                    break;
                }
            }
        for (std::size_t k = 0; k < files.size(); ++k) {
            const json& file = catalog.at(files[k]);
            json d = {{"connectorId", connector_id},
                      {"fileCatalogId", files[k]},
                      {"computerId", computers.empty() ? json(0) : json(computers.begin()->first)},
                      {"analysisStatus", 0},
                      {"analysisResult", 0},
                      {"uploaded", k < 2},
                      {"dateCreated", sim_now}};
            for (const char* f : {"md5", "sha1", "sha256", "fileName", "pathName"}) d[f] = file.value(f, json(""));
            const long long id = ++next_id_["pendingAnalysis"];
            d["id"] = id;
            data_["pendingAnalysis"][id] = std::move(d);
        }
    }

    // A ZIP archive with one stored (uncompressed) member.
    static std::string stored_zip(const std::string& name, const std::string& data) {
        cbapi::detail::Crc32 crc;
        crc.update(data.data(), data.size());
        std::string zip, central;
        const auto put = [](std::string& s, std::uint32_t v, int bytes) {
            for (int i = 0; i < bytes; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
        };
        const auto size = static_cast<std::uint32_t>(data.size());
        const auto name_size = static_cast<std::uint32_t>(name.size());
        put(zip, 0x04034b50, 4);
        put(zip, 20, 2);
        put(zip, 0, 2);
        put(zip, 0, 2);  // stored
        put(zip, 0, 2);
        put(zip, 0x4B09, 2);
        put(zip, crc.value(), 4);
        put(zip, size, 4);
        put(zip, size, 4);
        put(zip, name_size, 2);
        put(zip, 0, 2);
        zip += name + data;
        put(central, 0x02014b50, 4);
        put(central, 20, 2);
        put(central, 20, 2);
        put(central, 0, 2);
        put(central, 0, 2);
        put(central, 0, 2);
        put(central, 0x4B09, 2);
        put(central, crc.value(), 4);
        put(central, size, 4);
        put(central, size, 4);
        put(central, name_size, 2);
        for (int i = 0; i < 4; ++i) put(central, 0, 2);  // extra, comment, disk, internal attributes
        put(central, 0, 4);                              // external attributes
        put(central, 0, 4);                              // local header offset
        central += name;
        const auto central_offset = static_cast<std::uint32_t>(zip.size());
        zip += central;
        put(zip, 0x06054b50, 4);
        put(zip, 0, 2);
        put(zip, 0, 2);
        put(zip, 1, 2);
        put(zip, 1, 2);
        put(zip, static_cast<std::uint32_t>(central.size()), 4);
        put(zip, central_offset, 4);
        put(zip, 0, 2);
        return zip;
    }

    void fill_defaults(const std::string& name, json& doc) {
        doc["dateCreated"] = sim_now;
        if (name == "fileRule") {
            if (!doc.contains("fileState")) doc["fileState"] = 1;
            if (!doc.contains("sourceType")) doc["sourceType"] = 5;
            if (!doc.contains("policyIds")) doc["policyIds"] = "0";
            doc["createdBy"] = "api";
            doc["createdByUserId"] = "1";
            doc["visible"] = true;
            doc["fileCatalogId"] = json();
            if (doc.contains("hash") && doc["hash"].is_string()) {
                const std::string h = lower(doc["hash"].get<std::string>());
                for (const auto& [cid, cat] : data_["fileCatalog"])
                    for (const char* f : {"md5", "sha1", "sha256"})
                        if (cat.contains(f) && lower(cat[f].get<std::string>()) == h) doc["fileCatalogId"] = cid;
            }
        } else if (name == "policy") {
            const json defaults = {{"enforcementLevel", 20}, {"disconnectedEnforcementLevel", 20},
                                   {"readOnly", false}, {"hidden", false}, {"automatic", false},
                                   {"totalComputers", 0}, {"connectedComputers", 0},
                                   {"atEnforcementComputers", 0}, {"description", ""}};
            for (const auto& [k, v] : defaults.items())
                if (!doc.contains(k)) doc[k] = v;
            doc["createdByUserId"] = 1;
        } else if (name == "connector") {
            doc["isInternal"] = false;
        } else if (name == "notification") {
            doc["time"] = sim_now;
        }
    }

    json policy_name(const json& policy_id) {
        if (!policy_id.is_number_integer()) return json();
        const auto& policies = data_["policy"];
        const auto it = policies.find(policy_id.get<long long>());
        return it == policies.end() ? json() : it->second.value("name", json());
    }

    // --- deterministic data ------------------------------------------------------------------------------------

    std::uint32_t next() { return static_cast<std::uint32_t>(rng_()); }
    std::size_t pick(std::size_t n) { return n == 0 ? 0 : next() % n; }
    std::string hex(std::size_t digits) {
        static constexpr char h[] = "0123456789ABCDEF";
        std::string s;
        for (std::size_t i = 0; i < digits; ++i) s.push_back(h[next() % 16]);
        return s;
    }
    static std::string date(std::size_t minutes) {
        const std::size_t day = 1 + (minutes / 1440) % 28, hour = (minutes / 60) % 24, minute = minutes % 60;
        char buf[32];
        std::snprintf(buf, sizeof buf, "2017-06-%02zuT%02zu:%02zu:00Z", day, hour, minute);
        return buf;
    }
    long long ref(const std::string& collection) {
        const std::size_t n = counts_[collection];
        return n == 0 ? 0 : static_cast<long long>(1 + pick(n));
    }

    void seed(const ProtectionSimulatorOptions& options) {
        for (const auto& c : collections()) {
            const auto it = options.counts.find(c.name);
            counts_[c.name] = it != options.counts.end() ? it->second : c.default_count * std::max<std::size_t>(1, options.scale);
        }
        // Order matters only for references: policies and catalogs first.
        static const char* policy_names[] = {"Default Policy", "High Enforcement", "Medium Enforcement",
                                             "Low Enforcement", "Visibility", "Disabled"};
        static const int levels[] = {20, 20, 30, 40, 60, 80};
        add("policy", [&](std::size_t i, json& d) {
            d["name"] = i < 6 ? std::string(policy_names[i]) : "Policy " + std::to_string(i + 1);
            d["description"] = "Simulated policy " + std::to_string(i + 1);
            d["enforcementLevel"] = levels[i % 6];
            d["disconnectedEnforcementLevel"] = levels[i % 6];
            d["packageName"] = "Package" + std::to_string(i + 1);
            d["readOnly"] = false;
            d["hidden"] = false;
            d["automatic"] = false;
            d["reputationEnabled"] = true;
            d["fileTrackingEnabled"] = true;
            d["allowAgentUpgrades"] = true;
            d["dateCreated"] = date(i);
            d["createdByUserId"] = 1;
            d["totalComputers"] = 0;
            d["connectedComputers"] = 0;
        });
        static const char* os[] = {"Windows 10", "Windows 7", "Windows Server 2012", "macOS", "Linux"};
        add("computer", [&](std::size_t i, json& d) {
            // Every tenth computer repeats the previous name (what remove_duplicates cleans up).
            const std::size_t n = (i % 10 == 9) ? i : i + 1;
            d["name"] = "CORP\\WIN-HOST-" + std::to_string(1000 + n);
            const long long policy = ref("policy");
            d["policyId"] = policy;
            d["policyName"] = policy_name(policy);
            d["previousPolicyId"] = ref("policy");
            d["automaticPolicy"] = false;
            d["localApproval"] = false;
            d["ipAddress"] = (i % 2 == 0 ? "10.201.2." : "192.168.1.") + std::to_string(1 + i % 250);
            d["macAddress"] = hex(12);
            d["connected"] = pick(4) != 0;
            d["daysOffline"] = pick(30);
            d["deleted"] = i % 15 == 14;
            d["uninstalled"] = false;
            d["osShortName"] = os[pick(5)];
            d["platformId"] = 1;
            d["processorCount"] = 1 + pick(8);
            d["processorSpeed"] = 1.6 + static_cast<double>(pick(20)) / 10.0;
            d["processorModel"] = "Simulated CPU";
            d["memorySize"] = 4096 * (1 + pick(4));
            d["agentVersion"] = "8.0.0.2562";
            d["template"] = false;
            d["templateComputerId"] = 0;
            d["lastRegisterDate"] = date(i);
            d["lastPollDate"] = date(i + 60);
            d["CLIPassword"] = hex(16);
            d["users"] = "CORP\\user" + std::to_string(i + 1);
            d["enforcementLevel"] = 20;
            // Diagnostics, template clean-up and tamper protection (constants: the random sequence stays as it was).
            d["debugLevel"] = 0;
            d["kernelDebugLevel"] = 0;
            d["debugFlags"] = 0;
            d["debugDuration"] = 0;
            d["ccLevel"] = 0;
            d["ccFlags"] = 0;
            d["templateCloneCleanupMode"] = 0;
            d["templateCloneCleanupTime"] = 0;
            d["templateCloneCleanupTimeScale"] = 0;
            d["templateTrackModsOnly"] = false;
            d["tamperProtectionActive"] = true;
        });
        for (auto& [pid, p] : data_["policy"]) {
            long long total = 0;
            for (const auto& [cid, c] : data_["computer"])
                if (c["policyId"] == pid) ++total;
            p["totalComputers"] = total;
            p["connectedComputers"] = total;
        }
        add("publisher", [&](std::size_t i, json& d) {
            d["name"] = "Publisher " + std::to_string(i + 1) + " Inc.";
            d["publisherState"] = 1 + pick(3);
            d["publisherReputation"] = pick(4);
            d["signedFilesCount"] = pick(100);
            d["policyIds"] = "";
            d["dateCreated"] = date(i);
        });
        add("certificate", [&](std::size_t i, json& d) {
            d["subjectName"] = "CN=Publisher " + std::to_string(i + 1);
            d["thumbprint"] = hex(40);
            d["serialNumber"] = hex(16);
            d["parentCertificateId"] = i == 0 ? 0 : 1;
            d["publisherId"] = ref("publisher");
            d["firstSeenComputerId"] = ref("computer");
            d["certificateState"] = 1 + pick(4);
            d["validFrom"] = date(i);
            d["validTo"] = "2020-01-01T00:00:00Z";
        });
        add("fileCatalog", [&](std::size_t i, json& d) {
            d["fileName"] = "app" + std::to_string(i + 1) + ".exe";
            d["pathName"] = "c:\\program files\\app" + std::to_string(i + 1);
            d["fileExtension"] = "exe";
            d["md5"] = hex(32);
            d["sha1"] = hex(40);
            d["sha256"] = hex(64);
            d["fileSize"] = 1024 * (1 + pick(1000));
            d["computerId"] = ref("computer");
            d["publisherId"] = pick(3) == 0 ? 0 : ref("publisher");
            d["certificateId"] = d["publisherId"] == 0 ? 0 : ref("certificate");
            d["prevalence"] = 1 + pick(40);
            d["fileState"] = 1 + pick(3);
            d["effectiveState"] = d["fileState"];
            d["productName"] = "Product " + std::to_string(i + 1);
            d["company"] = "Company " + std::to_string(1 + pick(5));
            d["dateCreated"] = date(i);
        });
        add("fileInstance", [&](std::size_t i, json& d) {
            const long long catalog = ref("fileCatalog");
            const auto& cats = data_["fileCatalog"];
            const auto cat = cats.find(catalog);
            d["computerId"] = counts_["computer"] == 0 ? 0 : static_cast<long long>(1 + i % counts_["computer"]);
            d["fileCatalogId"] = catalog;
            d["fileName"] = cat == cats.end() ? json("file.exe") : cat->second.at("fileName");
            d["pathName"] = cat == cats.end() ? json("c:\\") : cat->second.at("pathName");
            d["localState"] = pick(4) == 0 ? 2 : 1;
            d["detailedLocalState"] = d["localState"];
            d["executed"] = pick(2) == 0;
            d["topLevel"] = true;
            d["policyId"] = ref("policy");
            d["dateCreated"] = date(i);
        });
        add("fileRule", [&](std::size_t i, json& d) {
            const long long catalog = ref("fileCatalog");
            const auto& cats = data_["fileCatalog"];
            const auto cat = cats.find(catalog);
            d["name"] = "Rule " + std::to_string(i + 1);
            d["description"] = "";
            d["fileState"] = i % 3 == 0 ? 3 : 2;
            d["sourceType"] = 1;
            d["hash"] = cat == cats.end() ? json(hex(32)) : cat->second.at("md5");
            d["fileCatalogId"] = cat == cats.end() ? json() : json(catalog);
            d["policyIds"] = "0";
            d["reportOnly"] = false;
            d["platformFlags"] = 1;
            d["createdBy"] = "admin";
            d["createdByUserId"] = "1";
            d["visible"] = true;
            d["dateCreated"] = date(i);
        });
        add("event", [&](std::size_t i, json& d) {
            d["timestamp"] = date(i * 7);
            d["receivedTimestamp"] = date(i * 7 + 1);
            d["description"] = "Simulated event " + std::to_string(i + 1);
            d["type"] = pick(5);
            d["subtype"] = 800 + pick(50);
            d["severity"] = 2 + pick(5);
            d["computerId"] = ref("computer");
            d["fileCatalogId"] = pick(4) == 0 ? 0 : ref("fileCatalog");
            d["policyId"] = ref("policy");
        });
        add("approvalRequest", [&](std::size_t i, json& d) {
            d["computerId"] = ref("computer");
            d["fileCatalogId"] = ref("fileCatalog");
            d["processFileCatalogId"] = ref("fileCatalog");
            d["installerFileCatalogId"] = 0;
            d["resolution"] = 0;
            d["status"] = 1 + pick(2);
            d["requestorComments"] = "Please approve " + std::to_string(i + 1);
            d["dateCreated"] = date(i);
        });
        add("connector", [&](std::size_t i, json& d) {
            d["name"] = i == 0 ? "Palo Alto Networks" : "Connector " + std::to_string(i + 1);
            d["analysisName"] = d["name"];
            d["connectorVersion"] = "1.0";
            d["canAnalyze"] = true;
            d["enabled"] = true;
            d["analysisEnabled"] = true;
            d["isInternal"] = true;
        });
        add("pendingAnalysis", [&](std::size_t i, json& d) {
            const long long catalog = ref("fileCatalog");
            const auto& cats = data_["fileCatalog"];
            const auto cat = cats.find(catalog);
            d["connectorId"] = ref("connector");
            d["fileCatalogId"] = catalog;
            d["computerId"] = ref("computer");
            for (const char* f : {"md5", "sha1", "sha256", "fileName", "pathName"})
                d[f] = cat == cats.end() ? json("") : cat->second.at(f);
            d["analysisStatus"] = 0;
            d["analysisResult"] = 0;
            d["uploaded"] = i % 2 == 0;
            d["dateCreated"] = date(i);
        });
        add("user", [&](std::size_t i, json& d) {
            d["name"] = i == 0 ? "admin" : "user" + std::to_string(i + 1);
            d["firstName"] = "First" + std::to_string(i + 1);
            d["lastName"] = "Last" + std::to_string(i + 1);
            d["eMailAddress"] = d["name"].get<std::string>() + "@example.com";
            d["userGroupIds"] = "1";
            d["enabled"] = true;
            d["readOnly"] = i == 0;
            d["external"] = false;
            d["registrationDate"] = date(i);
        });
        add("userGroup", [&](std::size_t i, json& d) {
            d["name"] = i == 0 ? "Admins" : "Group " + std::to_string(i + 1);
            d["permissions"] = "FFFFFFFF";
            d["policyIds"] = "";
            d["enabled"] = true;
            d["editable"] = i != 0;
        });
        add("trustedUser", [&](std::size_t i, json& d) {
            d["name"] = "Trusted " + std::to_string(i + 1);
            d["userSid"] = "S-1-5-21-" + std::to_string(1000 + i);
            d["description"] = "";
            d["platformId"] = 1;
        });
        for (const auto& c : collections())
            if (data_.find(c.name) == data_.end() && c.name != "serverConfig")
                add(c.name, [&](std::size_t i, json& d) {
                    d["name"] = c.name + " " + std::to_string(i + 1);
                    d["computerId"] = ref("computer");
                    d["fileCatalogId"] = ref("fileCatalog");
                    d["dateCreated"] = date(i);
                });
        const std::vector<std::pair<std::string, std::string>> config = {
            {"ParityServerVersion", version_.to_string()},
            {"ServerName", "bit9.simulator.local"},
            {"MaxLoggedInUsers", "10"},
            {"AgentManagementEnabled", "true"}};
        auto& entries = data_["serverConfig"];
        for (std::size_t i = 0; i < config.size(); ++i) {
            const auto key = static_cast<long long>(i + 1);
            entries[key] = json{{"id", key}, {"name", config[i].first}, {"value", config[i].second}};
        }
        next_id_["serverConfig"] = static_cast<long long>(config.size());
    }

    template <typename Fill>
    void add(const std::string& name, Fill fill) {
        auto& objects = data_[name];
        for (std::size_t i = 0; i < counts_[name]; ++i) {
            const auto key = static_cast<long long>(i + 1);
            json doc = {{"id", key}};
            fill(i, doc);
            objects[key] = std::move(doc);
        }
        next_id_[name] = static_cast<long long>(counts_[name]);
    }

    std::mutex mutex_;
    ServerVersion version_;
    bool v8_ = true;
    std::mt19937 rng_;
    std::map<std::string, std::size_t> counts_;
    std::map<std::string, Objects> data_;
    std::map<std::string, long long> next_id_;
};

}  // namespace

void install_protection_simulator(MockServer& server, const ProtectionSimulatorOptions& options) {
    auto store = std::make_shared<Store>(options);
    server.on("*", prefix + "/[A-Za-z]+(/[^/]*)?", [store](const RecordedRequest& r) { return store->handle(r); });
}

}  // namespace cbapi::testing
