// The Cb Response threat-intelligence simulator: watchlists, feeds, threat reports, alerts and banned hashes in an
// in-memory store behind the /api/v1 endpoints, with the real server's validation, Solr-style alert searches and
// bulk updates.
#include "cbapi/testing/response_intel_simulator.hpp"

#include "response_event_messages.hpp"
#include "simulated_event_bus.hpp"
#include "simulator_support.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
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

#include "cbapi/detail/url.hpp"
#include "cbapi/server_version.hpp"
#include "cbapi/time.hpp"

namespace cbapi::testing {
namespace {

using sim::lower;
using sim::text_of;
using sim::to_double;
using sim::wildcard_match;

using nlohmann::json;

// The seeded data's "now" (writes are stamped with it, so runs are deterministic).
constexpr const char* kNow = "2017-08-10T12:00:00.000000Z";
const std::set<std::string> kStatuses = {"Unresolved", "In Progress", "Resolved", "False Positive"};

struct Failure {
    int status;
    std::string message;
    /// The reply's `reason` when it is not the message itself (e.g. "query_malformed_syntax").
    std::string reason = {};
};

// How the server says it cannot parse a search query: 400 with this reason (cbapi-python 1.7.0 `connection.py` maps
// it to QuerySyntaxError). ASSUMPTION: the explanation travels in `message`; cbapi-python shows the whole body.
Failure syntax_error(const std::string& message) { return Failure{400, message, "query_malformed_syntax"}; }

MockResponse success() { return MockResponse::json({{"result", "success"}}); }

std::vector<std::string> segments(const std::string& path) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= path.size()) {
        const auto next = path.find('/', pos);
        std::string part = path.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
        if (!part.empty()) out.push_back(detail::percent_decode(part, false));
        if (next == std::string::npos) break;
        pos = next + 1;
    }
    return out;
}

std::optional<long long> to_number(const std::string& text) {
    if (text.empty()) return std::nullopt;
    char* end = nullptr;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (end == nullptr || *end != '\0') return std::nullopt;
    return v;
}


json body_object(const RecordedRequest& r) {
    auto body = json::parse(r.body, nullptr, false);
    if (!body.is_object()) throw Failure{400, "The request body must be a JSON object"};
    return body;
}

void require_fields(const json& body, const std::vector<std::string>& fields) {
    std::vector<std::string> missing;
    for (const auto& f : fields)
        if (!body.contains(f) || body[f].is_null()) missing.push_back(f);
    if (!missing.empty()) throw Failure{400, fmt::format("Missing required fields: {}", fmt::join(missing, ", "))};
}

std::string required_string(const json& body, const std::string& field) {
    const auto it = body.find(field);
    if (it == body.end() || !it->is_string() || it->get<std::string>().empty())
        throw Failure{400, field + " is required and must be a non-empty string"};
    return it->get<std::string>();
}

bool is_md5(const std::string& text) {
    return text.size() == 32 && lower(text).find_first_not_of("0123456789abcdef") == std::string::npos;
}

// --- Solr-style search -------------------------------------------------------------------------------------------

struct Term {
    std::string field;  // empty: free text
    std::string value;
    bool negate = false;
    bool range = false;
    std::string low, high;
};
using Conjunction = std::vector<Term>;

// Parses q into OR-groups of AND-ed terms. Throws Failure 400 on syntax it does not support.
std::vector<Conjunction> parse_solr(const std::string& q) {
    std::vector<Conjunction> groups(1);
    std::size_t i = 0;
    bool pending_not = false;
    while (i < q.size()) {
        if (std::isspace(static_cast<unsigned char>(q[i])) != 0) {
            ++i;
            continue;
        }
        if (q[i] == '(' || q[i] == ')') throw Failure{400, "Unsupported query syntax (parentheses): " + q};
        Term term;
        term.negate = pending_not;
        pending_not = false;
        if (q[i] == '-' || q[i] == '!') {
            term.negate = !term.negate;
            ++i;
        }
        std::string field;
        while (i < q.size() && q[i] != ':' && q[i] != '"' && std::isspace(static_cast<unsigned char>(q[i])) == 0)
            field.push_back(q[i++]);
        if (i < q.size() && q[i] == ':') {
            ++i;
            term.field = field;
        } else if (field == "AND" || field == "OR" || field == "NOT") {
            if (term.negate) throw syntax_error("Unexpected '-' before " + field + " in query: " + q);
            if (field == "OR") groups.emplace_back();
            if (field == "NOT") pending_not = true;
            continue;
        } else {
            term.value = field;
        }
        if (!term.field.empty()) {
            if (i < q.size() && q[i] == '"') {
                const auto close = q.find('"', i + 1);
                if (close == std::string::npos) throw syntax_error("Unbalanced quote in query: " + q);
                term.value = q.substr(i + 1, close - i - 1);
                i = close + 1;
            } else if (i < q.size() && q[i] == '[') {
                const auto close = q.find(']', i);
                if (close == std::string::npos) throw syntax_error("Unbalanced range in query: " + q);
                const std::string inner = q.substr(i + 1, close - i - 1);
                const auto to = inner.find(" TO ");
                if (to == std::string::npos) throw syntax_error("A range needs 'TO': [" + inner + "]");
                term.range = true;
                term.low = inner.substr(0, to);
                term.high = inner.substr(to + 4);
                i = close + 1;
            } else {
                while (i < q.size() && std::isspace(static_cast<unsigned char>(q[i])) == 0) term.value.push_back(q[i++]);
            }
            if (!term.range && term.value.empty()) throw syntax_error("No value for field '" + term.field + "'");
        } else if (i < q.size() && q[i] == '"') {
            const auto close = q.find('"', i + 1);
            if (close == std::string::npos) throw syntax_error("Unbalanced quote in query: " + q);
            term.value = q.substr(i + 1, close - i - 1);
            i = close + 1;
        }
        groups.back().push_back(std::move(term));
    }
    return groups;
}

bool value_matches(const json& v, const std::string& wanted) {
    if (v.is_array()) return std::any_of(v.begin(), v.end(), [&](const json& e) { return value_matches(e, wanted); });
    if (v.is_null()) return false;
    if (v.is_boolean()) return lower(wanted) == (v.get<bool>() ? "true" : "false");
    if (v.is_number()) {
        if (wanted == "*") return true;
        const auto n = to_double(wanted);
        return n && *n == v.get<double>();
    }
    if (v.is_string()) return wildcard_match(v.get<std::string>(), wanted);
    return false;
}

bool in_range(const json& v, const std::string& low, const std::string& high) {
    if (v.is_null()) return false;
    auto cmp = [&v](const std::string& bound) -> int {  // v <=> bound
        if (v.is_number()) {
            const auto b = to_double(bound);
            if (b) return v.get<double>() < *b ? -1 : (v.get<double>() > *b ? 1 : 0);
        }
        const std::string a = text_of(v);
        return a < bound ? -1 : (a > bound ? 1 : 0);
    };
    return (low == "*" || cmp(low) >= 0) && (high == "*" || cmp(high) <= 0);
}

bool term_matches(const json& doc, const Term& t) {
    bool hit = false;
    if (t.field.empty()) {
        for (const auto& [k, v] : doc.items())
            if (v.is_string() && wildcard_match(v.get<std::string>(), "*" + t.value + "*")) hit = true;
    } else {
        const auto it = doc.find(t.field);
        if (it != doc.end()) hit = t.range ? in_range(*it, t.low, t.high) : value_matches(*it, t.value);
    }
    return t.negate ? !hit : hit;
}

bool doc_matches(const json& doc, const std::vector<Conjunction>& query) {
    return std::any_of(query.begin(), query.end(), [&](const Conjunction& c) {
        return std::all_of(c.begin(), c.end(), [&](const Term& t) { return term_matches(doc, t); });
    });
}

std::size_t count_param(const RecordedRequest& r, const std::string& name, std::size_t fallback) {
    const auto v = r.param(name);
    if (!v) return fallback;
    const auto n = to_number(*v);
    if (!n || *n < 0) throw Failure{400, "Parameter '" + name + "' must be a non-negative integer, got '" + *v + "'"};
    return static_cast<std::size_t>(*n);
}

// A Solr-style search reply over `docs`: q, start, rows, sort, facet(s) + facet.field.
MockResponse search(std::vector<json> docs, const RecordedRequest& r) {
    const auto query = parse_solr(r.param("q").value_or(""));
    docs.erase(std::remove_if(docs.begin(), docs.end(), [&](const json& d) { return !doc_matches(d, query); }),
               docs.end());
    if (const auto sort = r.param("sort"); sort && !sort->empty()) {
        const auto space = sort->find(' ');
        const std::string field = sort->substr(0, space);
        const std::string order = space == std::string::npos ? "asc" : lower(sort->substr(space + 1));
        if (order != "asc" && order != "desc") throw Failure{400, "Invalid sort order '" + order + "'"};
        std::stable_sort(docs.begin(), docs.end(), [&](const json& a, const json& b) {
            const json va = a.value(field, json()), vb = b.value(field, json());
            return order == "desc" ? vb < va : va < vb;
        });
    }
    const std::size_t start = count_param(r, "start", 0);
    const std::size_t rows = count_param(r, "rows", 10);
    json results = json::array();
    for (std::size_t i = start; i < docs.size() && i < start + rows; ++i) results.push_back(docs[i]);
    json facets = json::object();
    const std::string facet = lower(r.param("facet").value_or(r.param("facets").value_or("false")));
    if (facet == "true") {
        for (const auto& [key, field] : r.params) {
            if (key != "facet.field") continue;
            std::map<std::string, long long> counts;
            for (const auto& d : docs)
                if (const auto it = d.find(field); it != d.end() && !it->is_null()) ++counts[text_of(*it)];
            json entries = json::array();
            for (const auto& [name, count] : counts) {
                const double share = docs.empty() ? 0.0 : static_cast<double>(count) / static_cast<double>(docs.size());
                entries.push_back({{"name", name}, {"value", count}, {"ratio", share}, {"percent", share * 100.0}});
            }
            facets[field] = std::move(entries);
        }
    }
    return MockResponse::json({{"results", std::move(results)},
                               {"total_results", docs.size()},
                               {"start", start},
                               {"facets", std::move(facets)},
                               {"highlights", json::array()},
                               {"terms", json::array()},
                               {"elapsed", 0.01}});
}

// --- the store ---------------------------------------------------------------------------------------------------

class IntelSimulator {
public:
    explicit IntelSimulator(const ResponseSimulatorOptions& options) {
        const ServerVersion version = ServerVersion::parse(options.server_version);
        // ASSUMPTION: /api/v2/alert from 6.3 (the first REST API reference that lists it; cbapi-python 1.4.3 reads
        // alerts there), set_ignored's top-level keys from 7.0 (cbapi-python 1.7.3); see docs/server-versions.md.
        v2_alerts_ = version >= ServerVersion{6, 3};
        top_level_ignore_ = version >= ServerVersion{7, 0};
        seed(options);
        bus_context_.cb_version = options.server_version;
        bus_context_.feed_ids_in_keys = version >= ServerVersion{5, 2};
        if (!options.event_bus.empty()) {
#ifdef CBAPI_TESTING_EVENT_BUS
            bus_ = sim::start_event_bus(options.event_bus);
            world_ = sim::world_snapshot(options);
            hosts_ = simulated_hosts(options);
#else
            throw std::invalid_argument("the simulator's event bus (" + sim::redact_amqp_url(options.event_bus) +
                                        ") needs the event side, and this build has none (configure with "
                                        "-DCBAPI_BUILD_EVENTS=ON)");
#endif
        }
    }

    /// The simulator's own endpoints under /simulator/v1 (see the header): the event bus triggers and counters.
    /// Messages are queued under the store's lock; the reply waits (without it) until the broker confirmed them.
    MockResponse handle_simulator(const RecordedRequest& r) {
        std::uint64_t last = 0;
        json reply;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            try {
                reply = simulator_route(r, last);
            } catch (const Failure& f) {
                return MockResponse::json({{"reason", f.message}}, f.status);
            }
        }
        if (last > 0) reply["published"] = bus_->wait_published(last, std::chrono::seconds(5));
        return MockResponse::json(reply);
    }

    MockResponse handle(const RecordedRequest& r) {
        std::lock_guard<std::mutex> lock(mutex_);
        try {
            return route(r);
        } catch (const Failure& f) {
            if (!f.reason.empty()) return MockResponse::json({{"reason", f.reason}, {"message", f.message}}, f.status);
            return MockResponse::json({{"reason", f.message}}, f.status);
        }
    }

private:
    // --- seeding ------------------------------------------------------------------------------------------------
    void seed(const ResponseSimulatorOptions& options) {
        std::mt19937_64 random(options.seed * 0x2545F4914F6CDD1DULL + 5);
        auto hex = [&random](std::size_t digits) {
            static constexpr char h[] = "0123456789abcdef";
            std::string s;
            for (std::size_t i = 0; i < digits; ++i) s.push_back(h[random() % 16]);
            return s;
        };

        const struct {
            const char* name;
            const char* type;
            const char* query;
            bool alliance;
        } watchlists[] = {
            {"Netcat usage", "events", "cb.urlver=1&q=process_name%3Anc.exe", false},
            {"Non-System Filemods to system32", "events",
             "cb.urlver=1&q=-path%3Ac%3A%5Cwindows%5C%2A&cb.q.filemod=c%3A%5Cwindows%5Csystem32%5C%2A", false},
            {"Newly Loaded Modules", "modules",
             "cb.urlver=1&q=is_executable_image%3Atrue&sort=server_added_timestamp%20desc", false},
            {"PowerShell encoded commands", "events", "cb.urlver=1&q=process_name%3Apowershell.exe%20cmdline%3A-enc",
             false},
            {"Tor exit node connections", "events", "cb.urlver=1&q=alliance_score_tor%3A%5B1%20TO%20%2A%5D", true},
        };
        for (const auto& w : watchlists) {
            const long long id = next_watchlist_++;
            const long long hits = static_cast<long long>(random() % 40);
            watchlists_[id] = {{"id", std::to_string(id)},
                               {"name", w.name},
                               {"index_type", w.type},
                               {"search_query", w.query},
                               {"enabled", true},
                               {"search_timestamp", "2017-08-10T11:50:05.094133Z"},
                               {"date_added", "2017-05-20 02:10:07.923340-05:00"},
                               {"last_hit", hits > 0 ? json("2017-08-09 23:40:03.887094-05:00") : json()},
                               {"total_hits", std::to_string(hits)},
                               {"total_tags", std::to_string(hits)},
                               {"last_hit_count", hits > 0 ? 1 : 0},
                               {"group_id", -1},
                               {"readonly", w.alliance},
                               {"alliance_id", w.alliance ? json(2) : json()},
                               {"from_alliance", w.alliance}};
        }
        watchlist_actions_[1].push_back({{"id", next_action_++}, {"watchlist_id", 1}, {"action_type", 0},
                                         {"action_data", R"({"email_recipients": [1]})"}});
        watchlist_actions_[1].push_back({{"id", next_action_++}, {"watchlist_id", 1}, {"action_type", 3},
                                         {"action_data", R"({"watchlist_id": 1})"}});

        const struct {
            const char* name;
            const char* display;
            const char* url;
            bool enabled;
            bool manual;
            const char* category;
        } feeds[] = {
            {"abusech", "abuse.ch Malware Domains", "https://feeds.example.com/abusech.json", true, false,
             "Open Source"},
            {"tor", "Tor Exit Nodes", "https://feeds.example.com/tor.json", true, false, "Open Source"},
            {"sans", "SANS Infocon", "https://feeds.example.com/sans.json", false, false, "Open Source"},
            {"fuzzywombat", "FuzzyWombat Intel", "file:///var/cb/feeds/fuzzywombat.json", true, true, "Local"},
        };
        for (const auto& f : feeds) {
            const long long id = next_feed_++;
            feeds_[id] = feed_document(id, f.name, f.display, f.url, f.enabled, f.manual, f.category);
            add_reports(id, f.name, 3, random);
        }
        feed_actions_[1].push_back({{"id", next_action_++}, {"group_id", 1}, {"watchlist_id", -1},
                                    {"action_type", 3}, {"action_data", R"({"feed_id": 1})"}});

        const auto hosts = simulated_hosts(options);
        const char* const processes[] = {"nc.exe", "powershell.exe", "cmd.exe", "rundll32.exe", "mimikatz.exe"};
        std::size_t n = 0;
        for (const auto& host : hosts) {
            for (int k = 0; k < 3; ++k, ++n) {
                const auto kind = random() % 3;  // 0 process watchlist, 1 binary watchlist, 2 feed hit
                const std::string process = processes[random() % (sizeof processes / sizeof *processes)];
                std::string status = "Unresolved";
                if (n % 5 == 3) status = "Resolved";
                if (n % 7 == 5) status = "In Progress";
                if (n % 11 == 9) status = "False Positive";
                const long long segment = 1502366400000LL + static_cast<long long>(n) * 1000;
                json alert = {
                    {"unique_id", fmt::format("{}-{}-{}-{}-{}", hex(8), hex(4), hex(4), hex(4), hex(12))},
                    {"hostname", host.hostname},
                    {"sensor_id", host.sensor_id},
                    {"os_type", host.os_type},
                    {"md5", [&] {
                         std::string m = hex(32);
                         for (char& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                         return m;
                     }()},
                    {"process_name", process},
                    {"process_id", fmt::format("{:08x}-0000-{}-01d3-{}", host.sensor_id, hex(4), hex(12))},
                    {"segment_id", segment},
                    {"created_time", fmt::format("2017-08-{:02}T{:02}:{:02}:00.000Z", 1 + n % 9, n % 24, (n * 7) % 60)},
                    {"report_score", static_cast<long long>(50 + random() % 50)},
                    {"alert_severity", static_cast<double>(random() % 1000) / 10.0},
                    {"sensor_criticality", 3.0},
                    {"ioc_confidence", 0.5},
                    {"status", status},
                    {"assigned_to", status == "In Progress" ? json("admin") : json()},
                    {"is_ignored", status == "False Positive"},
                };
                if (kind == 2) {
                    const long long feed_id = 1 + static_cast<long long>(n % 2);
                    const json& report = reports_[feed_id][n % reports_[feed_id].size()];
                    alert["alert_type"] = "watchlist.hit.ingress.process";
                    alert["feed_id"] = feed_id;
                    alert["feed_name"] = feeds_[feed_id]["name"];
                    alert["feed_rating"] = 3.0;
                    alert["watchlist_name"] = report["title"];
                    alert["watchlist_id"] = report["id"];
                    alert["ioc_attr"] = {{"ioc_type", "ipv4"}, {"ioc_value", "185.220.101.1"}};
                } else {
                    const long long wid = kind == 1 ? 3 : (process == "nc.exe" ? 1 : 4);
                    alert["alert_type"] = kind == 1 ? "watchlist.hit.query.binary" : "watchlist.hit.query.process";
                    alert["watchlist_id"] = std::to_string(wid);
                    alert["watchlist_name"] = watchlists_[wid]["name"];
                    alert["feed_id"] = -1;
                    alert["feed_name"] = "My Watchlists";
                    alert["ioc_attr"] = json::object();
                    if (kind == 1) alert["process_name"] = process;
                }
                alerts_.push_back(std::move(alert));
            }
        }

        bans_["e4b9902024ac32b3ca37f6b4c9b841e8"] = ban_document("e4b9902024ac32b3ca37f6b4c9b841e8",
                                                                 "Known ransomware dropper", true);
        bans_["5a18f00ab9330ac7539675f3f326cf11"] = ban_document("5a18f00ab9330ac7539675f3f326cf11",
                                                                 "", false);
        bans_["5a18f00ab9330ac7539675f3f326cf11"]["block_count"] = 4;
        bans_["5a18f00ab9330ac7539675f3f326cf11"]["last_block_hostname"] = hosts.empty() ? "" : hosts.front().hostname;
        bans_["5a18f00ab9330ac7539675f3f326cf11"]["last_block_sensor_id"] = hosts.empty() ? 0 : hosts.front().sensor_id;
        bans_["5a18f00ab9330ac7539675f3f326cf11"]["last_block_time"] = "2017-08-01 10:00:00.000000-00:00";
    }

    static json feed_document(long long id, const std::string& name, const std::string& display, const std::string& url,
                              bool enabled, bool manual, const std::string& category) {
        return {{"id", id},
                {"name", name},
                {"display_name", display},
                {"feed_url", url},
                {"enabled", enabled},
                {"category", category},
                {"provider_url", "https://" + name + ".example.com/"},
                {"summary", display + " threat intelligence"},
                {"tech_data", "Hashes, IP addresses and domains published by " + display},
                {"use_proxy", false},
                {"validate_server_cert", false},
                {"manually_added", manual},
                {"order", id},
                {"local_rating", 3},
                {"provider_rating", 3.0},
                {"icon", ""},
                {"icon_small", ""},
                {"username", ""},
                {"password", ""},
                {"ssl_client_crt", ""},
                {"ssl_client_key", ""},
                {"requires", nullptr},
                {"requires_who", nullptr},
                {"requires_what", nullptr}};
    }

    void add_reports(long long feed_id, const std::string& feed_name, std::size_t count, std::mt19937_64& random) {
        auto& list = reports_[feed_id];
        for (std::size_t i = 0; i < count; ++i) {
            const std::string id = fmt::format("{}-{}", feed_name, list.size() + 1);
            json iocs;
            switch (i % 3) {
                case 0: iocs = {{"ipv4", {fmt::format("185.220.{}.{}", random() % 256, 1 + random() % 254)}}}; break;
                case 1: iocs = {{"dns", {fmt::format("c2-{}.{}.example.net", random() % 1000, feed_name)}}}; break;
                default: {
                    std::string md5;
                    for (int k = 0; k < 32; ++k) md5.push_back("0123456789abcdef"[random() % 16]);
                    iocs = {{"md5", {md5}}};
                }
            }
            list.push_back({{"id", id},
                            {"feed_id", feed_id},
                            {"feed_name", feed_name},
                            {"title", fmt::format("{} report {}", feed_name, list.size() + 1)},
                            {"score", static_cast<long long>(10 + random() % 90)},
                            {"link", fmt::format("https://{}.example.com/reports/{}", feed_name, id)},
                            {"timestamp", 1502000000 + static_cast<long long>(list.size()) * 3600},
                            {"iocs", iocs},
                            {"is_ignored", false}});
        }
    }

    static json ban_document(const std::string& md5, const std::string& text, bool enabled) {
        return {{"md5hash", md5},
                {"text", text},
                {"enabled", enabled},
                {"username", "admin"},
                {"user_id", 1},
                {"timestamp", "2017-08-01 09:00:00.000000-00:00"},
                {"block_count", 0},
                {"last_block_time", nullptr},
                {"last_block_hostname", nullptr},
                {"last_block_sensor_id", nullptr},
                {"audit", json::array({{{"enabled", enabled},
                                        {"text", text},
                                        {"timestamp", "2017-08-01 09:00:00.000000-00:00"},
                                        {"user_id", 1},
                                        {"username", "admin"}}})}};
    }

    // --- routing ------------------------------------------------------------------------------------------------
    MockResponse route(const RecordedRequest& r) {
        const auto p = segments(r.path);  // api, v1, <what>, ...
        const std::size_t n = p.size();
        const std::string& m = r.method;
        const std::string what = n > 2 ? p[2] : "";
        if (what == "watchlist") {
            if (n == 3 && m == "GET") return list(watchlists_);
            if (n == 3 && m == "POST") return create_watchlist(r);
            if (n == 4 && m == "GET") return MockResponse::json(watchlist(p[3]));
            if (n == 4 && m == "PUT") return update_watchlist(p[3], r);
            if (n == 4 && m == "DELETE") return delete_watchlist(p[3]);
            if (n >= 5 && p[4] == "action") {
                json& parent = watchlist(p[3]);
                auto& actions = watchlist_actions_[parent_key(parent)];
                return action_route(actions, "watchlist_id", parent_key(parent), n == 6 ? p[5] : "", r);
            }
        } else if (what == "feed") {
            if (n == 3 && m == "GET") return list(feeds_);
            if (n == 3 && m == "POST") return create_feed(r);
            if (n == 4 && m == "GET") return MockResponse::json(feed(p[3]));
            if (n == 4 && m == "PUT") return update_feed(p[3], r);
            if (n == 4 && m == "DELETE") return delete_feed(p[3]);
            if (n == 5 && p[4] == "synchronize" && m == "POST") return synchronize(p[3], r);
            if (n == 6 && p[4] == "report" && m == "GET") return MockResponse::json(report(p[3], p[5]));
            if (n >= 5 && p[4] == "action") {
                json& parent = feed(p[3]);
                auto& actions = feed_actions_[parent_key(parent)];
                return action_route(actions, "group_id", parent_key(parent), n == 6 ? p[5] : "", r);
            }
        } else if (what == "threat_report" && n == 3) {
            if (m == "GET") return search(all_reports(), r);
            if (m == "POST") return update_reports(r);
        } else if (what == "alert" && p[1] == "v2") {
            if (!v2_alerts_) throw Failure{404, "No such endpoint: " + m + " " + r.path};
            if (n == 3 && m == "GET") return search_v2_alerts(r);
        } else if (what == "alert") {
            if (n == 3 && m == "GET") return search(alerts_, r);
            if (n == 4 && m == "POST") return update_alert(p[3], r);
        } else if (what == "alerts" && n == 3 && m == "POST") {
            return bulk_update_alerts(r);
        } else if (what == "banning" && n >= 4 && p[3] == "blacklist") {
            if (n == 4 && m == "GET") return list_bans(r);
            if (n == 4 && m == "POST") return ban(r);
            if (n == 5 && m == "GET") return MockResponse::json(banned(p[4]));
            if (n == 5 && m == "PUT") return update_ban(p[4], r);
            if (n == 5 && m == "DELETE") return unban(p[4]);
        }
        throw Failure{404, "No such endpoint: " + m + " " + r.path};
    }

    static long long parent_key(const json& parent) { return *to_number(text_of(parent["id"])); }

    static MockResponse list(const std::map<long long, json>& items) {
        json out = json::array();
        for (const auto& kv : items) out.push_back(kv.second);
        return MockResponse::json(out);
    }

    // --- watchlists ---------------------------------------------------------------------------------------------
    json& watchlist(const std::string& id_text) {
        const auto id = to_number(id_text);
        const auto it = id ? watchlists_.find(*id) : watchlists_.end();
        if (it == watchlists_.end()) throw Failure{404, "Watchlist " + id_text + " not found"};
        return it->second;
    }

    void check_watchlist_fields(const json& body, std::optional<long long> self) {
        require_fields(body, {"name", "search_query", "index_type"});
        const std::string name = required_string(body, "name");
        const std::string type = required_string(body, "index_type");
        if (type != "events" && type != "modules")
            throw Failure{400, "index_type must be 'events' or 'modules', got '" + type + "'"};
        const std::string query = required_string(body, "search_query");
        bool has_q = false;
        for (const auto& [k, v] : detail::parse_query_string(query))
            if ((k == "q" || k.rfind("cb.q.", 0) == 0) && !v.empty()) has_q = true;
        if (!has_q) throw Failure{400, "search_query has no query (q=...): " + query};
        for (const auto& [id, w] : watchlists_)
            if ((!self || id != *self) && lower(w["name"].get<std::string>()) == lower(name))
                throw Failure{409, "A watchlist named '" + name + "' already exists"};
    }

    MockResponse create_watchlist(const RecordedRequest& r) {
        const json body = body_object(r);
        check_watchlist_fields(body, std::nullopt);
        long long id = next_watchlist_;
        if (body.contains("id") && !body["id"].is_null()) {
            const auto wanted = to_number(text_of(body["id"]));
            if (!wanted || *wanted <= 0) throw Failure{400, "id must be a positive integer"};
            if (watchlists_.count(*wanted) > 0) throw Failure{409, fmt::format("Watchlist {} already exists", *wanted)};
            id = *wanted;
        }
        next_watchlist_ = std::max(next_watchlist_, id + 1);
        watchlists_[id] = {{"id", std::to_string(id)},
                           {"name", body["name"]},
                           {"index_type", body["index_type"]},
                           {"search_query", body["search_query"]},
                           {"enabled", body.value("enabled", true)},
                           {"search_timestamp", nullptr},
                           {"date_added", kNow},
                           {"last_hit", nullptr},
                           {"total_hits", "0"},
                           {"total_tags", "0"},
                           {"last_hit_count", 0},
                           {"group_id", -1},
                           {"readonly", false},
                           {"alliance_id", nullptr},
                           {"from_alliance", false}};
        return MockResponse::json({{"id", id}});
    }

    MockResponse update_watchlist(const std::string& id_text, const RecordedRequest& r) {
        json& w = watchlist(id_text);
        const json body = body_object(r);
        check_watchlist_fields(body, parent_key(w));
        if (body.contains("id") && text_of(body["id"]) != text_of(w["id"]))
            throw Failure{400, "The id in the body does not match the URL"};
        for (const char* field : {"name", "index_type", "search_query", "enabled"})
            if (body.contains(field)) w[field] = body[field];
        return success();
    }

    MockResponse delete_watchlist(const std::string& id_text) {
        const long long id = parent_key(watchlist(id_text));
        watchlists_.erase(id);
        watchlist_actions_.erase(id);
        return success();
    }

    // --- actions (watchlists and feeds) ---------------------------------------------------------------------------
    MockResponse action_route(std::vector<json>& actions, const std::string& parent_field, long long parent,
                              const std::string& action_id, const RecordedRequest& r) {
        const std::string& m = r.method;
        if (action_id.empty() && m == "GET") return MockResponse::json(json(actions));
        if (action_id.empty() && m == "POST") {
            json body = body_object(r);
            const json action = checked_action(body, parent_field, parent, actions, std::nullopt);
            actions.push_back(action);
            return MockResponse::json({{"id", action["id"]}});
        }
        if (!action_id.empty() && (m == "PUT" || m == "DELETE")) {
            const auto it = std::find_if(actions.begin(), actions.end(),
                                         [&](const json& a) { return text_of(a["id"]) == action_id; });
            if (it == actions.end()) throw Failure{404, "Action " + action_id + " not found"};
            if (m == "DELETE") {
                actions.erase(it);
                return success();
            }
            json body = body_object(r);
            *it = checked_action(body, parent_field, parent, actions, (*it)["id"].get<long long>());
            return success();
        }
        throw Failure{404, "No such endpoint: " + m + " " + r.path};
    }

    json checked_action(const json& body, const std::string& parent_field, long long parent,
                        const std::vector<json>& actions, std::optional<long long> self) {
        std::vector<std::string> required = {"action_type"};
        if (parent_field == "group_id") required.push_back("watchlist_id");
        require_fields(body, required);
        if (!body["action_type"].is_number_integer() || body["action_type"].get<long long>() < 0 ||
            body["action_type"].get<long long>() > 3)
            throw Failure{400, "action_type must be 0 (email), 1 (syslog), 2 (http_post) or 3 (alert)"};
        if (body.contains(parent_field) && !body[parent_field].is_null() &&
            to_number(text_of(body[parent_field])) != parent)
            throw Failure{400, parent_field + " in the body does not match the URL"};
        if (parent_field == "group_id" && body["watchlist_id"] != -1)
            throw Failure{400, "watchlist_id must be -1 for a feed action"};
        const long long type = body["action_type"].get<long long>();
        for (const auto& a : actions)
            if (a["action_type"] == type && (!self || a["id"] != *self))
                throw Failure{409, fmt::format("An action of type {} already exists", type)};
        json action = {{"id", self ? *self : next_action_++},
                       {parent_field, parent},
                       {"action_type", type},
                       {"action_data", body.value("action_data", json(""))}};
        if (parent_field == "group_id") action["watchlist_id"] = -1;
        return action;
    }

    // --- feeds and reports --------------------------------------------------------------------------------------
    json& feed(const std::string& id_text) {
        const auto id = to_number(id_text);
        const auto it = id ? feeds_.find(*id) : feeds_.end();
        if (it == feeds_.end()) throw Failure{404, "Feed " + id_text + " not found"};
        return it->second;
    }

    static std::string checked_feed_url(const json& body) {
        const std::string url = required_string(body, "feed_url");
        const auto scheme_end = url.find("://");
        const std::string scheme = scheme_end == std::string::npos ? "" : lower(url.substr(0, scheme_end));
        if (scheme != "http" && scheme != "https" && scheme != "file")
            throw Failure{400, "feed_url must be a file://, http:// or https:// URL: " + url};
        std::string host = url.substr(scheme_end + 3);
        host = lower(host.substr(0, host.find_first_of("/:?")));
        // The server fetches the feed when it is added: an unreachable host is its HTTP 500.
        if (host.size() >= 8 && host.compare(host.size() - 8, 8, ".invalid") == 0)
            throw Failure{500, "Unable to retrieve feed from " + url};
        return url;
    }

    MockResponse create_feed(const RecordedRequest& r) {
        const json body = body_object(r);
        const std::string url = checked_feed_url(body);
        std::string name;
        std::string last = url.substr(url.find_last_of('/') + 1);
        last = last.substr(0, last.find('.'));
        for (char c : last)
            if (std::isalnum(static_cast<unsigned char>(c)) != 0) name.push_back(static_cast<char>(std::tolower(c)));
        const long long id = next_feed_++;
        if (name.empty()) name = fmt::format("feed{}", id);
        json doc = feed_document(id, name, body.value("display_name", name), url, body.value("enabled", false), true,
                                 "Local");
        for (const char* field : {"use_proxy", "validate_server_cert", "username", "password", "ssl_client_crt",
                                  "ssl_client_key"})
            if (body.contains(field)) doc[field] = body[field];
        feeds_[id] = std::move(doc);
        std::mt19937_64 random(static_cast<std::uint64_t>(id));
        add_reports(id, name, 2, random);
        return MockResponse::json({{"id", id}});
    }

    MockResponse update_feed(const std::string& id_text, const RecordedRequest& r) {
        json& f = feed(id_text);
        const json body = body_object(r);
        checked_feed_url(body);
        if (body.contains("id") && text_of(body["id"]) != text_of(f["id"]))
            throw Failure{400, "The id in the body does not match the URL"};
        if (body.contains("enabled") && !body["enabled"].is_boolean()) throw Failure{400, "enabled must be a boolean"};
        for (const char* field : {"feed_url", "enabled", "display_name", "use_proxy", "validate_server_cert", "username",
                                  "password", "ssl_client_crt", "ssl_client_key", "local_rating"})
            if (body.contains(field)) f[field] = body[field];
        return success();
    }

    MockResponse delete_feed(const std::string& id_text) {
        const long long id = parent_key(feed(id_text));
        feeds_.erase(id);
        feed_actions_.erase(id);
        reports_.erase(id);
        return success();
    }

    MockResponse synchronize(const std::string& id_text, const RecordedRequest& r) {
        json& f = feed(id_text);
        const json body = body_object(r);
        if (body.contains("full_sync") && !body["full_sync"].is_boolean())
            throw Failure{400, "full_sync must be a boolean"};
        if (!f.value("enabled", false)) throw Failure{409, "Feed " + id_text + " is disabled"};
        f["last_sync"] = kNow;
        return success();
    }

    json& report(const std::string& feed_id, const std::string& report_id) {
        const long long fid = parent_key(feed(feed_id));
        auto& list = reports_[fid];
        const auto it =
            std::find_if(list.begin(), list.end(), [&](const json& rep) { return rep["id"] == report_id; });
        if (it == list.end()) throw Failure{404, "Report " + report_id + " of feed " + feed_id + " not found"};
        return *it;
    }

    std::vector<json> all_reports() const {
        std::vector<json> out;
        for (const auto& [fid, list] : reports_) out.insert(out.end(), list.begin(), list.end());
        return out;
    }

    MockResponse update_reports(const RecordedRequest& r) {
        const json body = body_object(r);
        const auto updates = body.find("updates");
        if (updates == body.end() || !updates->is_object() || updates->empty())
            throw Failure{400, "updates is required and must be a non-empty object"};
        for (const auto& [k, v] : updates->items()) {
            if (k != "is_ignored") throw Failure{400, "Only is_ignored can be updated, not " + k};
            if (!v.is_boolean()) throw Failure{400, "is_ignored must be a boolean"};
        }
        const bool ignored = (*updates)["is_ignored"].get<bool>();
        std::vector<json*> targets;
        if (const auto ids = body.find("ids"); ids != body.end()) {
            if (!ids->is_object() || ids->empty()) throw Failure{400, "ids must be an object {feed_id: [report ids]}"};
            for (const auto& [fid, list] : ids->items()) {
                if (!list.is_array()) throw Failure{400, "ids of feed " + fid + " must be an array"};
                for (const auto& rid : list) targets.push_back(&report(fid, text_of(rid)));
            }
        } else if (const auto query = body.find("query"); query != body.end() && query->is_string()) {
            std::string q;
            for (const auto& [k, v] : detail::parse_query_string(query->get<std::string>()))
                if (k == "q") q = v;
            if (q.find_first_not_of(' ') == std::string::npos) throw Failure{400, "query has no q=..."};
            const auto parsed = parse_solr(q);
            for (auto& [fid, list] : reports_)
                for (auto& rep : list)
                    if (doc_matches(rep, parsed)) targets.push_back(&rep);
        } else {
            throw Failure{400, "Either ids or query is required"};
        }
        for (json* rep : targets) (*rep)["is_ignored"] = ignored;
        return success();
    }

    // --- alerts -------------------------------------------------------------------------------------------------
    json* find_alert(const std::string& id) {
        const auto it = std::find_if(alerts_.begin(), alerts_.end(), [&](const json& a) { return a["unique_id"] == id; });
        return it == alerts_.end() ? nullptr : &*it;
    }

    static void check_status(const json& status, const std::string& field) {
        if (!status.is_string() || kStatuses.count(status.get<std::string>()) == 0)
            throw Failure{400, field + " must be one of Unresolved, In Progress, Resolved, False Positive"};
    }

    MockResponse update_alert(const std::string& id, const RecordedRequest& r) {
        json* alert = find_alert(id);
        if (alert == nullptr) throw Failure{404, "Alert " + id + " not found"};
        const json body = body_object(r);
        require_fields(body, {"unique_id", "status"});
        if (body["unique_id"] != id) throw Failure{400, "unique_id in the body does not match the URL"};
        check_status(body["status"], "status");
        (*alert)["status"] = body["status"];
        if (body.contains("assigned_to") && (body["assigned_to"].is_string() || body["assigned_to"].is_null()))
            (*alert)["assigned_to"] = body["assigned_to"];
        if (body.contains("is_ignored") && body["is_ignored"].is_boolean()) (*alert)["is_ignored"] = body["is_ignored"];
        return MockResponse::json(*alert);
    }

    // The v2 alert search (6.3+): the v1 search plus `cb.fq.<field>=<value>` filters (cbapi-python 1.7.1 reads one
    // alert with cb.fq.unique_id).
    MockResponse search_v2_alerts(const RecordedRequest& r) {
        std::vector<json> docs = alerts_;
        for (const auto& [key, value] : r.params) {
            if (key.rfind("cb.fq.", 0) != 0) continue;
            const std::string field = key.substr(6);
            docs.erase(std::remove_if(docs.begin(), docs.end(),
                                      [&](const json& d) {
                                          const auto it = d.find(field);
                                          return it == d.end() || text_of(*it) != value;
                                      }),
                       docs.end());
        }
        return search(std::move(docs), r);
    }

    MockResponse bulk_update_alerts(const RecordedRequest& r) {
        const json body = body_object(r);
        const auto ids = body.find("alert_ids");
        if (ids == body.end() || !ids->is_array() || ids->empty())
            throw Failure{400, "alert_ids is required and must be a non-empty array"};
        const bool has_status = body.contains("requested_status");
        const bool has_assignee = body.contains("assigned_to");
        const bool has_updates = body.contains("updates");
        const bool has_ignore = body.contains("set_ignored");
        // ASSUMPTION (see the constructor): 7.0+ takes the ignore flag at the top level and refuses the old form;
        // older servers know only the `updates` object.
        if (top_level_ignore_ && has_updates)
            throw Failure{400, "updates is not supported; send set_ignored and requested_status"};
        if (!top_level_ignore_ && has_ignore) throw Failure{400, "Unknown field set_ignored"};
        if (has_ignore && !body["set_ignored"].is_boolean()) throw Failure{400, "set_ignored must be a boolean"};
        if (!has_status && !has_assignee && !has_updates && !has_ignore)
            throw Failure{400, "Nothing to update: give requested_status, assigned_to or updates"};
        if (has_status) check_status(body["requested_status"], "requested_status");
        if (has_assignee && !body["assigned_to"].is_string()) throw Failure{400, "assigned_to must be a string"};
        if (has_updates) {
            if (!body["updates"].is_object()) throw Failure{400, "updates must be an object"};
            for (const auto& [k, v] : body["updates"].items()) {
                if (k == "is_ignored" && v.is_boolean()) continue;
                if (k == "requested_status") {
                    check_status(v, "updates.requested_status");
                    continue;
                }
                throw Failure{400, "updates cannot change " + k};
            }
        }
        std::vector<json*> targets;
        std::vector<std::string> unknown;
        for (const auto& id : *ids) {
            json* alert = id.is_string() ? find_alert(id.get<std::string>()) : nullptr;
            if (alert == nullptr)
                unknown.push_back(text_of(id));
            else
                targets.push_back(alert);
        }
        if (!unknown.empty()) throw Failure{404, fmt::format("Unknown alert ids: {}", fmt::join(unknown, ", "))};
        for (json* alert : targets) {
            if (has_status) (*alert)["status"] = body["requested_status"];
            if (has_assignee) (*alert)["assigned_to"] = body["assigned_to"];
            if (has_ignore) (*alert)["is_ignored"] = body["set_ignored"];
            if (has_updates) {
                const auto& u = body["updates"];
                if (u.contains("is_ignored")) (*alert)["is_ignored"] = u["is_ignored"];
                if (u.contains("requested_status")) (*alert)["status"] = u["requested_status"];
            }
        }
        return MockResponse::json({{"result", "success"}, {"updated", targets.size()}});
    }

    // --- banning ------------------------------------------------------------------------------------------------
    json& banned(const std::string& md5) {
        const auto it = bans_.find(lower(md5));
        if (it == bans_.end()) throw Failure{404, "Hash " + md5 + " is not in the blacklist"};
        return it->second;
    }

    MockResponse list_bans(const RecordedRequest& r) {
        const std::size_t count = count_param(r, "count", 500);
        json out = json::array();
        for (const auto& [md5, doc] : bans_) {
            if (out.size() >= count) break;
            out.push_back(doc);
        }
        return MockResponse::json(out);
    }

    static void audit(json& doc, bool enabled, const std::string& text) {
        doc["audit"].push_back(
            {{"enabled", enabled}, {"text", text}, {"timestamp", kNow}, {"user_id", 1}, {"username", "admin"}});
    }

    MockResponse ban(const RecordedRequest& r) {
        const json body = body_object(r);
        const std::string md5 = required_string(body, "md5hash");
        if (!is_md5(md5)) throw Failure{400, "md5hash must be 32 hexadecimal digits: " + md5};
        if (body.contains("text") && !body["text"].is_string() && !body["text"].is_null())
            throw Failure{400, "text must be a string"};
        const std::string text = body.contains("text") && body["text"].is_string() ? body["text"].get<std::string>() : "";
        const auto it = bans_.find(lower(md5));
        if (it != bans_.end()) {
            if (it->second.value("enabled", false)) throw Failure{409, "Hash " + md5 + " is already banned"};
            it->second["enabled"] = true;
            it->second["text"] = text;
            it->second["timestamp"] = kNow;
            audit(it->second, true, text);
            publish_ban("banning.hash.added", it->second);
            return success();
        }
        json doc = ban_document(lower(md5), text, true);
        doc["timestamp"] = kNow;
        doc["audit"][0]["timestamp"] = kNow;
        publish_ban("banning.hash.added", doc);
        bans_[lower(md5)] = std::move(doc);
        return success();
    }

    MockResponse update_ban(const std::string& md5, const RecordedRequest& r) {
        json& doc = banned(md5);
        const json body = body_object(r);
        if (body.contains("md5hash") && lower(text_of(body["md5hash"])) != lower(md5))
            throw Failure{400, "md5hash in the body does not match the URL"};
        if (body.contains("text")) {
            if (!body["text"].is_string() && !body["text"].is_null()) throw Failure{400, "text must be a string"};
            doc["text"] = body["text"].is_null() ? "" : body["text"];
        }
        return success();
    }

    MockResponse unban(const std::string& md5) {
        json& doc = banned(md5);
        doc["enabled"] = false;
        doc["text"] = "";  // the real server clears the text when it disables a ban
        audit(doc, false, "");
        publish_ban("banning.hash.removed", doc);
        return MockResponse::json(doc);
    }

    // --- the event bus (ResponseSimulatorOptions::event_bus) --------------------------------------------------------
    sim::BusContext bus_now() const {
        sim::BusContext c = bus_context_;
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        c.event_timestamp =
            static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()) / 1000.0;
        return c;
    }

    static std::string now_iso() {
        return format_solr_time(std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()));
    }

    std::string new_alert_id() {
        static constexpr char h[] = "0123456789abcdef";
        std::string id;
        for (const int len : {8, 4, 4, 4, 12}) {
            if (!id.empty()) id.push_back('-');
            for (int i = 0; i < len; ++i) id.push_back(h[alert_random_() % 16]);
        }
        return id;
    }

    void publish_ban(const char* key, const json& ban) {
        if (bus_) bus_->publish_json(key, sim::ban_event(bus_now(), ban));
    }

    /// The optional body of a trigger: `sensor_id` (a simulated sensor) and `count` (1..100).
    static std::pair<std::optional<long long>, std::size_t> trigger_options(const RecordedRequest& r) {
        if (r.body.empty()) return {std::nullopt, 1};
        const json body = body_object(r);
        std::optional<long long> sensor;
        std::size_t count = 1;
        if (body.contains("sensor_id")) {
            if (!body["sensor_id"].is_number_integer()) throw Failure{400, "sensor_id must be an integer"};
            sensor = body["sensor_id"].get<long long>();
        }
        if (body.contains("count")) {
            if (!body["count"].is_number_integer() || body["count"].get<long long>() < 1 ||
                body["count"].get<long long>() > 100)
                throw Failure{400, "count must be an integer from 1 to 100"};
            count = body["count"].get<std::size_t>();
        }
        return {sensor, count};
    }

    std::vector<const sim::WorldProcess*> pick_processes(std::optional<long long> sensor, std::size_t count) {
        std::vector<const sim::WorldProcess*> candidates;
        for (const auto& p : world_.processes)
            if (!sensor || p.doc.value("sensor_id", 0LL) == *sensor) candidates.push_back(&p);
        if (candidates.empty()) throw Failure{404, fmt::format("No simulated process on sensor {}", sensor.value_or(0))};
        std::vector<const sim::WorldProcess*> out;
        for (std::size_t i = 0; i < count; ++i) out.push_back(candidates[(next_process_ + i) % candidates.size()]);
        next_process_ += count;
        return out;
    }

    std::vector<json> pick_binaries(std::optional<long long> sensor, std::size_t count) {
        std::vector<const json*> candidates;
        for (const auto& b : world_.binaries) {
            bool on_sensor = !sensor;
            for (const auto& e : b.value("endpoint", json::array()))
                if (sensor && text_of(e).size() > 0 && text_of(e).substr(text_of(e).rfind('|') + 1) == std::to_string(*sensor))
                    on_sensor = true;
            if (on_sensor) candidates.push_back(&b);
        }
        if (candidates.empty()) throw Failure{404, fmt::format("No simulated binary on sensor {}", sensor.value_or(0))};
        std::vector<json> out;
        for (std::size_t i = 0; i < count; ++i)
            out.push_back(sim::bus_binary_doc(*candidates[(next_binary_ + i) % candidates.size()]));
        next_binary_ += count;
        return out;
    }

    const SimulatedHost& host_of(long long sensor_id) const {
        for (const auto& h : hosts_)
            if (h.sensor_id == sensor_id) return h;
        throw Failure{404, fmt::format("No simulated sensor {}", sensor_id)};
    }

    json simulator_route(const RecordedRequest& r, std::uint64_t& last) {
        const auto p = segments(r.path);  // simulator, v1, ...
        const std::size_t n = p.size();
        const std::string& m = r.method;
        if (!bus_)
            throw Failure{409, "The simulator runs without an event bus (cbapi-mock-server --event-bus amqp://..., "
                               "ResponseSimulatorOptions::event_bus)"};
        if (n == 3 && p[2] == "event_bus" && m == "GET") {
            const auto c = bus_->counters();
            return {{"url", bus_->display_url()}, {"queued", c.queued}, {"published", c.published},
                    {"waiting", c.waiting}, {"failures", c.failures}, {"dropped", c.dropped}};
        }
        if (m != "POST") throw Failure{404, "No such endpoint: " + m + " " + r.path};
        json messages = json::array();
        auto publish = [&](const std::string& key, const json& body) {
            const std::uint64_t seq = bus_->publish_json(key, body);
            last = std::max(last, seq);
            messages.push_back({{"routing_key", key}, {"body", body}});
        };
        const auto [sensor, count] = trigger_options(r);
        if (n == 5 && p[2] == "watchlist" && p[4] == "hit") {
            const json wl = watchlist(p[3]);
            const bool binary = wl.value("index_type", std::string()) == "modules";
            std::vector<json> docs;
            if (binary) {
                docs = pick_binaries(sensor, count);
            } else {
                for (const auto* proc : pick_processes(sensor, count)) docs.push_back(sim::bus_process_doc(*proc));
            }
            const sim::BusContext context = bus_now();
            publish(binary ? "watchlist.hit.binary" : "watchlist.hit.process",
                    sim::watchlist_hit(context, wl, docs, binary));
            for (const auto& doc : docs) {
                const json alert = sim::watchlist_alert(context, wl, doc, binary, new_alert_id(), now_iso());
                publish(binary ? "alert.watchlist.hit.query.binary" : "alert.watchlist.hit.query.process", alert);
                alerts_.push_back(sim::rest_alert(alert));
            }
            json& stored = watchlist(p[3]);
            const long long hits = to_number(text_of(stored.value("total_hits", json("0")))).value_or(0) +
                                   static_cast<long long>(docs.size());
            stored["total_hits"] = std::to_string(hits);
            stored["last_hit"] = kNow;
            stored["last_hit_count"] = docs.size();
        } else if (n == 5 && p[2] == "feed" && p[4] == "hit") {
            const json f = feed(p[3]);
            const long long feed_id = parent_key(f);
            const auto& reports = reports_[feed_id];
            if (reports.empty()) throw Failure{409, "Feed " + p[3] + " has no reports"};
            bool binary = false;
            if (!r.body.empty()) {
                const json body = body_object(r);
                if (body.contains("binary") && !body["binary"].is_boolean()) throw Failure{400, "binary must be a boolean"};
                binary = body.value("binary", false);
            }
            std::vector<json> docs;
            if (binary) {
                docs = pick_binaries(sensor, count);
            } else {
                for (const auto* proc : pick_processes(sensor, count)) docs.push_back(sim::bus_process_doc(*proc));
            }
            const sim::BusContext context = bus_now();
            for (std::size_t i = 0; i < docs.size(); ++i) {
                const json hit = sim::feed_hit(context, f, reports[(next_report_++) % reports.size()], docs[i], binary);
                publish(sim::feed_hit_key(context, feed_id, binary), hit);
                const json alert = sim::feed_alert(context, hit, docs[i], binary, new_alert_id(), now_iso());
                publish(binary ? "alert.watchlist.hit.ingress.binary" : "alert.watchlist.hit.ingress.process", alert);
                alerts_.push_back(sim::rest_alert(alert));
            }
        } else if (n == 3 && p[2] == "procstart") {
            for (const auto* proc : pick_processes(sensor, count)) {
                const SimulatedHost& host = host_of(proc->doc.value("sensor_id", 0LL));
                last = std::max(last, bus_->publish_procstart(*proc, host));
                messages.push_back({{"routing_key", "ingress.event.procstart"},
                                    {"body", {{"sensor_id", host.sensor_id},
                                              {"process_guid", proc->doc.value("id", std::string())},
                                              {"process_pid", proc->doc.value("process_pid", 0LL)},
                                              {"path", proc->doc.value("path", std::string())}}}});
            }
        } else {
            throw Failure{404, "No such endpoint: " + m + " " + r.path};
        }
        return {{"messages", std::move(messages)}};
    }

    std::mutex mutex_;
    bool v2_alerts_ = false;
    bool top_level_ignore_ = false;
    std::map<long long, json> watchlists_;
    std::map<long long, std::vector<json>> watchlist_actions_;
    std::map<long long, json> feeds_;
    std::map<long long, std::vector<json>> feed_actions_;
    std::map<long long, std::vector<json>> reports_;
    std::vector<json> alerts_;
    std::map<std::string, json> bans_;
    long long next_watchlist_ = 1;
    long long next_feed_ = 1;
    long long next_action_ = 1;
    // The event bus (empty unless ResponseSimulatorOptions::event_bus is set) and what its messages name.
    std::shared_ptr<sim::SimulatedEventBus> bus_;
    sim::BusContext bus_context_;
    sim::WorldSnapshot world_;
    std::vector<SimulatedHost> hosts_;
    std::size_t next_process_ = 0;
    std::size_t next_binary_ = 0;
    std::size_t next_report_ = 0;
    std::mt19937_64 alert_random_{0x5EED};
};

}  // namespace

void install_response_intel_simulator(MockServer& server, const ResponseSimulatorOptions& options) {
    auto sim = std::make_shared<IntelSimulator>(options);
    auto handler = [sim](const RecordedRequest& r) { return sim->handle(r); };
    server.on("*", "/api/v1/(watchlist|feed|threat_report|alert|alerts)(/.*)?", handler);
    server.on("GET", "/api/v2/alert", handler);
    server.on("*", "/api/v1/banning/blacklist(/[^/]*)?", handler);
    server.on("*", "/simulator/v1/(event_bus|procstart|watchlist/[^/]+/hit|feed/[^/]+/hit)",
              [sim](const RecordedRequest& r) { return sim->handle_simulator(r); });
}

}  // namespace cbapi::testing
