// The Cb Defense simulator: an in-memory store of devices, events, policies (with rules) and notifications behind
// the /integrationServices/v3 endpoints, with the real paging (1-based start, rows, totalResults) and reply shapes.
#include "cbapi/testing/defense_simulator.hpp"

#include "simulator_support.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cbapi/time.hpp"

namespace cbapi::testing {
namespace {

using sim::lower;

using nlohmann::json;

constexpr const char* kBase = "/integrationServices/v3";
constexpr long long kEpochMs = 1'500'000'000'000LL;  // 2017-07-14T02:40:00Z: the seeded data's "now"

struct Failure {
    int status;
    std::string message;
};

MockResponse ok(json body) {
    body["success"] = true;
    if (!body.contains("message")) body["message"] = "Success";
    return MockResponse::json(body);
}
MockResponse fail(int status, const std::string& message) {
    return MockResponse::json({{"success", false}, {"message", message}}, status);
}

std::vector<std::string> segments(const std::string& path) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= path.size()) {
        const auto next = path.find('/', pos);
        const std::string part = path.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
        if (!part.empty()) out.push_back(part);
        if (next == std::string::npos) break;
        pos = next + 1;
    }
    return out;
}

std::optional<long long> to_number(const std::string& text) {
    if (text.empty() || text.size() > 18) return std::nullopt;
    std::size_t i = text[0] == '-' ? 1 : 0;
    if (i == text.size()) return std::nullopt;
    for (std::size_t k = i; k < text.size(); ++k)
        if (!std::isdigit(static_cast<unsigned char>(text[k]))) return std::nullopt;
    return std::stoll(text);
}

// Query parameters as a map; a repeated or unknown parameter is an error (an assumption: docs/simulator.md).
// `limit` is accepted and ignored, as the real server does: it is not a Defense paging parameter, yet cbapi-python
// sent `limit=0` with every count for years and the server answered with its first page and `totalResults`.
std::map<std::string, std::string> params_of(const RecordedRequest& r, const std::set<std::string>& filters) {
    std::map<std::string, std::string> out;
    for (const auto& [key, value] : r.params) {
        if (key == "limit") continue;
        if (key != "start" && key != "rows" && filters.count(key) == 0)
            throw Failure{400, "Unknown search parameter: " + key};
        if (!out.emplace(key, value).second) throw Failure{400, "Parameter given more than once: " + key};
    }
    return out;
}

const json& deref(const json& item) { return item; }
const json& deref(const json* item) { return *item; }

// The page [start, start + rows) (start 1-based) of `items` (documents or pointers to them), in the search reply
// shape; only the page's documents are copied.
template <typename Item>
MockResponse page_of(const std::vector<Item>& items, const std::map<std::string, std::string>& params,
                     std::size_t max_rows) {
    long long start = 1;
    long long rows = 20;
    if (const auto it = params.find("start"); it != params.end()) {
        const auto n = to_number(it->second);
        if (!n || *n < 1) throw Failure{400, "Invalid value for start: " + it->second + " (the first row is 1)"};
        start = *n;
    }
    if (const auto it = params.find("rows"); it != params.end()) {
        const auto n = to_number(it->second);
        if (!n || *n < 1) throw Failure{400, "Invalid value for rows: " + it->second};
        rows = *n;
    }
    rows = std::min<long long>(rows, static_cast<long long>(max_rows));
    json results = json::array();
    const auto first = static_cast<std::size_t>(start - 1);
    for (std::size_t i = first; i < items.size() && i < first + static_cast<std::size_t>(rows); ++i)
        results.push_back(deref(items[i]));
    return ok({{"totalResults", items.size()}, {"results", std::move(results)}, {"elapsed", 0}});
}

long long time_param(const std::string& key, const std::string& value) {
    if (const auto ms = to_number(value)) return *ms;
    const auto tp = try_parse_cb_time(value);
    if (!tp) throw Failure{400, "Invalid value for " + key + ": " + value};
    return std::chrono::floor<std::chrono::milliseconds>(tp->time_since_epoch()).count();
}

json rule_json(long long id, const char* action, const char* type, const char* value, const char* operation) {
    return {{"id", id},
            {"required", false},
            {"action", action},
            {"application", {{"type", type}, {"value", value}}},
            {"operation", operation}};
}

class Store {
public:
    explicit Store(const DefenseSimulatorOptions& o) : options_(o) { seed(); }

    MockResponse handle(const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(mutex_);
        try {
            return route(r);
        } catch (const Failure& f) {
            return fail(f.status, f.message);
        }
    }

private:
    // --- seeding ----------------------------------------------------------------------------------------------
    void seed() {
        std::mt19937_64 rng(options_.seed);
        auto pick = [&rng](std::uint64_t n) { return static_cast<std::size_t>(rng() % n); };
        static const char* names[] = {"default", "Standard", "Restrictive_Windows_Workstation", "Advanced"};
        static const char* levels[] = {"MEDIUM", "HIGH", "LOW"};
        const std::vector<json> all_rules = {
            rule_json(1, "TERMINATE", "REPUTATION", "KNOWN_MALWARE", "INVOKE_SCRIPT"),
            rule_json(2, "IGNORE", "REPUTATION", "COMPANY_BLACK_LIST", "RANSOM"),
            rule_json(3, "IGNORE", "NAME_PATH", "c:\\windows\\notepad.exe", "RUN"),
            rule_json(15, "DENY", "REPUTATION", "RESOLVING", "RUN"),
            rule_json(16, "DENY", "REPUTATION", "PUP", "RUN"),
            rule_json(17, "DENY", "REPUTATION", "SUSPECT_MALWARE", "RUN"),
        };
        const std::size_t npolicies = std::max<std::size_t>(options_.policies, 1);
        for (std::size_t i = 0; i < npolicies; ++i) {
            const long long id = static_cast<long long>(i) + 1;
            json rules = json::array();
            for (std::size_t k = 0; k < all_rules.size(); ++k)
                if (i == 0 || k % npolicies != i % npolicies) rules.push_back(all_rules[k]);
            json doc = {
                {"id", id},
                {"name", i < 4 ? std::string(names[i]) : fmt::format("Policy-{}", id)},
                {"description", i == 0 ? std::string("Default policy") : fmt::format("Seeded policy {}", id)},
                {"priorityLevel", levels[i % 3]},
                {"systemPolicy", i == 0},
                {"version", 2},
                {"latestRevision", kEpochMs - static_cast<long long>(pick(86'400'000))},
                {"policy",
                 {{"id", -1},
                  {"rules", std::move(rules)},
                  {"sensorSettings",
                   json::array({{{"name", "ALLOW_UNINSTALL"}, {"value", "true"}},
                                {{"name", "SCAN_NETWORK_DRIVE"}, {"value", i % 2 ? "true" : "false"}}})},
                  {"avSettings", {{"apc", {{"enabled", false}}}, {"onAccessScan", {{"profile", "NORMAL"}}}}},
                  {"directoryActionRules", json::array()},
                  {"knownBadHashAutoDeleteDelayMs", nullptr}}},
            };
            policies_.emplace(id, std::move(doc));
        }
        next_policy_id_ = static_cast<long long>(npolicies) + 1;

        static const char* statuses[] = {"REGISTERED", "REGISTERED", "REGISTERED", "BYPASS", "DEREGISTERED"};
        for (std::size_t i = 0; i < options_.devices; ++i) {
            const long long id = 1001 + static_cast<long long>(i);
            const bool mac = pick(5) == 0;
            const long long policy_id = static_cast<long long>(pick(npolicies)) + 1;
            const long long created = kEpochMs - 86'400'000LL * static_cast<long long>(1 + pick(60));
            json doc = {
                {"deviceId", id},
                {"name", fmt::format("{}-{:03}", mac ? "MAC-LAPTOP" : "WIN-DESKTOP", i + 1)},
                {"deviceType", mac ? "MAC" : "WINDOWS"},
                {"osVersion", mac ? "Mac OS X 10.12.5" : "Windows 10 x64"},
                {"sensorVersion", mac ? "3.0.1.10" : "3.0.2.7"},
                {"status", statuses[pick(5)]},
                {"email", fmt::format("user{}@example.com", i + 1)},
                {"organizationId", 428},
                {"organizationName", "example.com"},
                {"policyId", policy_id},
                {"policyName", policies_.at(policy_id)["name"]},
                {"targetPriorityType", "MEDIUM"},
                {"quarantined", false},
                {"passiveMode", false},
                {"lastInternalIpAddress", fmt::format("10.0.{}.{}", i / 250, i % 250 + 1)},
                {"lastExternalIpAddress", fmt::format("198.51.100.{}", i % 5 + 1)},
                {"lastLocation", pick(2) ? "OFFSITE" : "ONSITE"},
                {"avStatus", json::array({"AV_ACTIVE", "ONDEMAND_SCAN_DISABLED"})},
                {"sensorStates", json::array({"ACTIVE"})},
                {"createTime", created},
                {"registeredTime", created},
                {"lastContact", kEpochMs - static_cast<long long>(pick(3'600'000))},
                {"lastReportedTime", kEpochMs - static_cast<long long>(pick(3'600'000))},
            };
            devices_.emplace(id, std::move(doc));
        }

        static const char* types[] = {"NETWORK", "FILE_CREATE", "SYSTEM_API_CALL", "POLICY_ACTION", "CREATE_PROCESS"};
        for (std::size_t i = 0; i < options_.events && !devices_.empty(); ++i) {
            const auto device = std::next(devices_.begin(), static_cast<std::ptrdiff_t>(pick(devices_.size())));
            const long long when = kEpochMs - 60'000LL * static_cast<long long>(pick(60 * 24 * 14));
            const char* type = types[pick(5)];
            json doc = {
                {"eventId", fmt::format("{:016x}{:016x}", rng(), rng())},
                {"eventType", type},
                {"eventTime", when},
                {"createTime", when + 1000 + static_cast<long long>(pick(60'000))},
                {"shortDescription", fmt::format("{} event on {}", type, device->second["name"].get<std::string>())},
                {"longDescription", fmt::format("<b>{}</b> observed by the sensor", type)},
                {"deviceDetails",
                 {{"deviceId", device->first},
                  {"deviceName", device->second["name"]},
                  {"deviceIpAddress", device->second["lastInternalIpAddress"]}}},
                {"processDetails", {{"name", "cmd.exe"}, {"processId", 100 + static_cast<long long>(pick(9000))}}},
            };
            events_.push_back(std::move(doc));
        }
        // Newest first, as the console lists them; ties keep a fixed order.
        std::stable_sort(events_.begin(), events_.end(),
                         [](const json& a, const json& b) { return a["eventTime"] > b["eventTime"]; });

        for (std::size_t i = 0; i < options_.notifications && !devices_.empty(); ++i) {
            const auto& device = std::next(devices_.begin(), static_cast<std::ptrdiff_t>(i % devices_.size()))->second;
            notifications_.push_back({
                {"type", "THREAT"},
                {"eventTime", kEpochMs + static_cast<long long>(i) * 1000},
                {"ruleName", "Alert all threats"},
                {"url", fmt::format("https://defense.example.com/investigate?s[c][DEVICE_ID][0]={}",
                                    device["deviceId"].get<long long>())},
                {"threatInfo", {{"incidentId", fmt::format("INC{:04}", i + 1)}, {"score", 7}}},
                {"deviceInfo", {{"deviceId", device["deviceId"]}, {"deviceName", device["name"]}}},
            });
        }
    }

    // --- routing ----------------------------------------------------------------------------------------------
    MockResponse route(const RecordedRequest& r) {
        const auto parts = segments(r.path);  // integrationServices, v3, <collection>, ...
        if (parts.size() < 3) throw Failure{404, "No such endpoint"};
        const std::string& what = parts[2];
        const std::size_t n = parts.size();
        const std::string& m = r.method;
        if (what == "device") {
            if (n == 3 && m == "GET") return search_devices(r);
            if (n == 4 && m == "GET") return ok({{"deviceInfo", device(parts[3])}});
            if (n == 4 && m == "PATCH") return patch_device(parts[3], r);
        } else if (what == "event") {
            if (n == 3 && m == "GET") return search_events(r);
            if (n == 4 && m == "GET") return ok({{"eventInfo", event(parts[3])}});
        } else if (what == "policy") {
            if (n == 3 && m == "GET") return page_of(values(policies_), params_of(r, {}), options_.max_rows);
            if (n == 3 && m == "POST") return create_policy(r);
            if (n == 4 && m == "GET") return ok({{"policyInfo", policy(parts[3])}});
            if (n == 4 && m == "PUT") return update_policy(parts[3], r);
            if (n == 4 && m == "DELETE") return delete_policy(parts[3]);
            if (n == 5 && parts[4] == "rule" && m == "POST") return add_rule(parts[3], r);
            if (n == 6 && parts[4] == "rule" && m == "PUT") return replace_rule(parts[3], parts[5], r);
            if (n == 6 && parts[4] == "rule" && m == "DELETE") return delete_rule(parts[3], parts[5]);
        } else if (what == "notification") {
            if (n == 3 && m == "GET") {
                json list = json::array();
                for (auto& item : notifications_) list.push_back(std::move(item));
                notifications_.clear();
                return ok({{"notifications", std::move(list)}});
            }
        }
        throw Failure{404, "No such endpoint: " + m + " " + r.path};
    }

    static std::vector<json> values(const std::map<long long, json>& items) {
        std::vector<json> out;
        out.reserve(items.size());
        for (const auto& kv : items) out.push_back(kv.second);
        return out;
    }

    // --- devices ----------------------------------------------------------------------------------------------
    json& device(const std::string& id_text) {
        const auto id = to_number(id_text);
        const auto it = id ? devices_.find(*id) : devices_.end();
        if (it == devices_.end()) throw Failure{404, "Device " + id_text + " not found"};
        return it->second;
    }

    MockResponse search_devices(const RecordedRequest& r) {
        const auto params =
            params_of(r, {"hostNameExact", "hostName", "ipAddress", "policyId", "policyName", "status"});
        auto text = [](const json& doc, const char* key) {
            const auto it = doc.find(key);
            return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
        };
        std::vector<const json*> matched;
        for (const auto& [id, doc] : devices_) {
            bool keep = true;
            for (const auto& [key, value] : params) {
                if (key == "hostNameExact") keep = lower(text(doc, "name")) == lower(value);
                else if (key == "hostName") keep = lower(text(doc, "name")).find(lower(value)) != std::string::npos;
                else if (key == "ipAddress")
                    keep = text(doc, "lastInternalIpAddress") == value || text(doc, "lastExternalIpAddress") == value;
                else if (key == "policyId") keep = std::to_string(doc["policyId"].get<long long>()) == value;
                else if (key == "policyName") keep = text(doc, "policyName") == value;
                else if (key == "status") keep = text(doc, "status") == value;
                if (!keep) break;
            }
            if (keep) matched.push_back(&doc);
        }
        return page_of(matched, params, options_.max_rows);
    }

    MockResponse patch_device(const std::string& id_text, const RecordedRequest& r) {
        json& doc = device(id_text);
        const json body = json::parse(r.body, nullptr, false);
        if (!body.is_object()) throw Failure{400, "The request body must be a JSON object"};
        std::optional<long long> policy_id;
        for (const auto& [key, value] : body.items()) {
            if (key == "policyId") {
                if (!value.is_number_integer() || policies_.count(value.get<long long>()) == 0)
                    return fail(200, "Invalid policy id " + value.dump());
                if (policy_id && *policy_id != value.get<long long>())
                    return fail(200, "policyId and policyName name different policies");
                policy_id = value.get<long long>();
            } else if (key == "policyName") {
                const auto found = policy_named(value.is_string() ? value.get<std::string>() : std::string());
                if (!found) return fail(200, "Invalid policy name " + value.dump());
                if (policy_id && *policy_id != *found)
                    return fail(200, "policyId and policyName name different policies");
                policy_id = found;
            } else if (key == "targetPriorityType") {
                static const std::set<std::string> allowed{"HIGH", "LOW", "MEDIUM", "MISSION_CRITICAL"};
                if (!value.is_string() || allowed.count(value.get<std::string>()) == 0)
                    return fail(200, "Invalid targetPriorityType " + value.dump());
            } else {
                return fail(200, "Field " + key + " cannot be changed");
            }
        }
        if (policy_id) {
            doc["policyId"] = *policy_id;
            doc["policyName"] = policies_.at(*policy_id)["name"];
        }
        if (body.contains("targetPriorityType")) doc["targetPriorityType"] = body["targetPriorityType"];
        return ok({{"deviceId", doc["deviceId"]}});
    }

    // --- events -----------------------------------------------------------------------------------------------
    json& event(const std::string& id) {
        for (auto& e : events_)
            if (e["eventId"] == id) return e;
        throw Failure{404, "Event " + id + " not found"};
    }

    MockResponse search_events(const RecordedRequest& r) {
        const auto params = params_of(r, {"hostNameExact", "deviceId", "eventType", "startTime", "endTime"});
        std::optional<long long> from;
        std::optional<long long> to;
        if (const auto it = params.find("startTime"); it != params.end()) from = time_param(it->first, it->second);
        if (const auto it = params.find("endTime"); it != params.end()) to = time_param(it->first, it->second);
        std::vector<const json*> matched;
        for (const auto& e : events_) {
            const auto& details = e["deviceDetails"];
            const long long when = e["eventTime"].get<long long>();
            bool keep = (!from || when >= *from) && (!to || when <= *to);
            if (const auto it = params.find("hostNameExact"); keep && it != params.end())
                keep = lower(details["deviceName"].get<std::string>()) == lower(it->second);
            if (const auto it = params.find("deviceId"); keep && it != params.end())
                keep = std::to_string(details["deviceId"].get<long long>()) == it->second;
            if (const auto it = params.find("eventType"); keep && it != params.end())
                keep = e["eventType"].get<std::string>() == it->second;
            if (keep) matched.push_back(&e);
        }
        return page_of(matched, params, options_.max_rows);
    }

    // --- policies ---------------------------------------------------------------------------------------------
    json& policy(const std::string& id_text) {
        const auto id = to_number(id_text);
        const auto it = id ? policies_.find(*id) : policies_.end();
        if (it == policies_.end()) throw Failure{404, "Policy " + id_text + " not found"};
        return it->second;
    }

    std::optional<long long> policy_named(const std::string& name) const {
        for (const auto& [id, doc] : policies_)
            if (doc["name"] == name) return id;
        return std::nullopt;
    }

    static json envelope(const RecordedRequest& r, const char* key) {
        const json body = json::parse(r.body, nullptr, false);
        if (!body.is_object() || !body.contains(key) || !body[key].is_object())
            throw Failure{400, std::string("The request body must be {\"") + key + "\": {...}}"};
        return body[key];
    }

    // A reason the policy document cannot be stored, or nothing.
    std::optional<std::string> invalid_policy(const json& info, std::optional<long long> self) const {
        for (const char* field : {"name", "description", "priorityLevel", "policy", "version"})
            if (!info.contains(field)) return std::string("Missing field ") + field;
        if (!info["name"].is_string() || info["name"].get<std::string>().empty()) return std::string("Invalid name");
        if (!info["description"].is_string()) return std::string("Invalid description");
        static const std::set<std::string> levels{"HIGH", "MEDIUM", "LOW"};
        if (!info["priorityLevel"].is_string() || levels.count(info["priorityLevel"].get<std::string>()) == 0)
            return "Invalid priorityLevel " + info["priorityLevel"].dump();
        if (info["version"] != 2) return "Unsupported policy version " + info["version"].dump();
        if (!info["policy"].is_object()) return std::string("The policy must be an object");
        if (const auto rules = info["policy"].find("rules"); rules != info["policy"].end()) {
            if (!rules->is_array()) return std::string("policy.rules must be an array");
            for (const auto& rule : *rules)
                if (auto why = invalid_rule(rule)) return why;
        }
        const auto other = policy_named(info["name"].get<std::string>());
        if (other && other != self) return "Policy name " + info["name"].dump() + " is already in use";
        return std::nullopt;
    }

    static std::optional<std::string> invalid_rule(const json& rule) {
        static const std::set<std::string> actions{"TERMINATE", "DENY", "IGNORE", "ALLOW"};
        static const std::set<std::string> types{"REPUTATION", "NAME_PATH", "SIGNED_BY"};
        if (!rule.is_object()) return std::string("A rule must be an object");
        if (!rule.contains("action") || !rule["action"].is_string() ||
            actions.count(rule["action"].get<std::string>()) == 0)
            return "Invalid rule action " + rule.value("action", json()).dump();
        if (!rule.contains("operation") || !rule["operation"].is_string() ||
            rule["operation"].get<std::string>().empty())
            return std::string("Invalid rule operation");
        const auto app = rule.find("application");
        if (app == rule.end() || !app->is_object() || !app->contains("type") || !(*app)["type"].is_string() ||
            types.count((*app)["type"].get<std::string>()) == 0 || !app->contains("value") ||
            !(*app)["value"].is_string() || (*app)["value"].get<std::string>().empty())
            return std::string("Invalid rule application");
        if (rule.contains("id") && !rule["id"].is_number_integer()) return std::string("Invalid rule id");
        return std::nullopt;
    }

    MockResponse create_policy(const RecordedRequest& r) {
        json info = envelope(r, "policyInfo");
        if (auto why = invalid_policy(info, std::nullopt)) return fail(200, *why);
        const long long id = next_policy_id_++;
        info["id"] = id;
        info["systemPolicy"] = false;
        info["latestRevision"] = kEpochMs + (++revision_);
        policies_.emplace(id, std::move(info));
        return ok({{"policyId", id}});
    }

    MockResponse update_policy(const std::string& id_text, const RecordedRequest& r) {
        json& doc = policy(id_text);
        json info = envelope(r, "policyInfo");
        const long long id = doc["id"].get<long long>();
        if (info.contains("id") && info["id"] != id) return fail(200, "The policy id does not match the URL");
        if (auto why = invalid_policy(info, id)) return fail(200, *why);
        info["id"] = id;
        info["systemPolicy"] = doc["systemPolicy"];
        info["latestRevision"] = kEpochMs + (++revision_);
        doc = std::move(info);
        for (auto& [device_id, device] : devices_)
            if (device["policyId"] == id) device["policyName"] = doc["name"];
        return ok({{"policyId", id}});
    }

    MockResponse delete_policy(const std::string& id_text) {
        json& doc = policy(id_text);
        const long long id = doc["id"].get<long long>();
        if (doc.value("systemPolicy", false)) return fail(200, "Cannot delete a system policy");
        for (const auto& [device_id, device] : devices_)
            if (device["policyId"] == id)
                return fail(200, fmt::format("Policy {} still has devices assigned (e.g. device {})", id, device_id));
        policies_.erase(id);
        return ok({});
    }

    static json& rules_of(json& doc) {
        json& body = doc["policy"];
        if (!body.contains("rules") || !body["rules"].is_array()) body["rules"] = json::array();
        return body["rules"];
    }

    MockResponse add_rule(const std::string& id_text, const RecordedRequest& r) {
        json& doc = policy(id_text);
        json rule = envelope(r, "ruleInfo");
        if (auto why = invalid_rule(rule)) return fail(200, *why);
        json& rules = rules_of(doc);
        long long next = 1;
        for (const auto& existing : rules) next = std::max(next, existing.value("id", 0LL) + 1);
        if (rule.contains("id")) {
            for (const auto& existing : rules)
                if (existing.value("id", 0LL) == rule["id"].get<long long>())
                    return fail(200, "Rule id " + rule["id"].dump() + " already exists");
        } else {
            rule["id"] = next;
        }
        const long long rule_id = rule["id"].get<long long>();
        rules.push_back(std::move(rule));
        doc["latestRevision"] = kEpochMs + (++revision_);
        return ok({{"ruleId", rule_id}});
    }

    json::iterator find_rule(json& rules, const std::string& policy_id, const std::string& rule_text) {
        const auto rule_id = to_number(rule_text);
        for (auto it = rules.begin(); it != rules.end(); ++it)
            if (rule_id && it->value("id", 0LL) == *rule_id) return it;
        throw Failure{404, "Rule " + rule_text + " not found in policy " + policy_id};
    }

    MockResponse replace_rule(const std::string& id_text, const std::string& rule_text, const RecordedRequest& r) {
        json& doc = policy(id_text);
        json& rules = rules_of(doc);
        const auto it = find_rule(rules, id_text, rule_text);
        json rule = envelope(r, "ruleInfo");
        if (auto why = invalid_rule(rule)) return fail(200, *why);
        const long long rule_id = (*it)["id"].get<long long>();
        if (rule.contains("id") && rule["id"] != rule_id) return fail(200, "The rule id does not match the URL");
        rule["id"] = rule_id;
        *it = std::move(rule);
        doc["latestRevision"] = kEpochMs + (++revision_);
        return ok({{"ruleId", rule_id}});
    }

    MockResponse delete_rule(const std::string& id_text, const std::string& rule_text) {
        json& doc = policy(id_text);
        json& rules = rules_of(doc);
        rules.erase(find_rule(rules, id_text, rule_text));
        doc["latestRevision"] = kEpochMs + (++revision_);
        return ok({});
    }

    DefenseSimulatorOptions options_;
    std::mutex mutex_;
    std::map<long long, json> devices_;
    std::vector<json> events_;
    std::map<long long, json> policies_;
    std::deque<json> notifications_;
    long long next_policy_id_ = 1;
    long long revision_ = 0;
};

}  // namespace

void install_defense_simulator(MockServer& server, const DefenseSimulatorOptions& options) {
    auto store = std::make_shared<Store>(options);
    server.on("*", std::string(kBase) + "/(device|event|policy|notification)(/.*)?",
              [store](const RecordedRequest& r) { return store->handle(r); });
}

}  // namespace cbapi::testing
