// Sensor and SensorQuery (include/cbapi/response/sensor.hpp).

#include "cbapi/response/sensor.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cbapi/detail/json_text.hpp"
#include "cbapi/detail/page_cursor.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/live_response/manager.hpp"
#include "cbapi/model.hpp"
#include "cbapi/response/model_support.hpp"
#include "cbapi/response/sensor_group.hpp"
#include "cbapi/server_version.hpp"
#include "cbapi/time.hpp"
#include "response/field_values.hpp"

namespace cbapi::response {

namespace {

// RFC 1123 ("Mon, 01 Jan 2018 00:00:00 GMT"), what servers from 6.0 take for event_log_flush_time.
std::string format_http_date(TimePoint tp) {
    static const char* const days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};  // 1970-01-01: Thu
    static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::string cb = format_cb_time(tp);  // "YYYY-MM-DD HH:MM:SS.ffffff", UTC
    const int year = std::stoi(cb.substr(0, 4));
    const int month = std::stoi(cb.substr(5, 2));
    const int day = std::stoi(cb.substr(8, 2));
    const auto days_since_epoch =
        cbapi::detail::days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    const auto weekday = static_cast<std::size_t>(((days_since_epoch % 7) + 7) % 7);
    return fmt::format("{}, {:02} {} {} {} GMT", days[weekday], day, months[month - 1], year, cb.substr(11, 8));
}

// cbapi-python 1.7.6 (src/cbapi/response/models.py, SensorPaginatedQuery) lists sensors through GET /api/v2/sensor
// with the filters, `start` and `rows`, reading {"results": [...], "total_results": N}; 1.7.7 adds
// sort.col=computer_name&sort.dir=asc: the server's default order (last_checkin_time) moves sensors between pages
// as they check in, which skipped and repeated sensors and made 1.3.0 fall back to the unpaged v1 list.
class SensorListPaging final : public PagingStrategy {
public:
    QueryParams page_params(const QuerySpec& spec, std::size_t start, std::size_t rows) const override {
        QueryParams params = spec.extra;
        params.emplace_back("sort.col", "computer_name");
        params.emplace_back("sort.dir", "asc");
        params.emplace_back("start", std::to_string(start));
        params.emplace_back("rows", std::to_string(rows));
        return params;
    }
    QueryParams count_params(const QuerySpec& spec) const override {
        QueryParams params = spec.extra;
        params.emplace_back("start", "0");
        params.emplace_back("rows", "0");
        return params;
    }
    Page parse_page(nlohmann::json body) const override {
        if (!body.is_object())
            throw ServerError(200, "Expected a sensor list page (an object), got " + std::string(body.type_name()));
        Page page;
        page.total = parse_count(body);
        page.items = cbapi::detail::take_field_items(body, "results", "Expected sensor objects in the sensor list");
        return page;
    }
    std::size_t parse_count(const nlohmann::json& body) const override {
        return cbapi::detail::count_field(body, "total_results");
    }
};

// The server version from which the paginated list is used: the gate cbapi-python's Sensor._query_implementation
// carries (`cb.cb_server_version >= LooseVersion("5.2.0")`, commented out until 1.7.6 used the v2 list always).
const ServerVersion paged_sensor_list_from{5, 2};

}  // namespace

// --- SensorQuery -------------------------------------------------------------------------------------------------

struct SensorQuery::Cache {
    std::mutex mutex;
    bool loaded = false;
    std::vector<Sensor> items;
};

SensorQuery::SensorQuery(cbapi::detail::ApiHandle api) : api_(std::move(api)), cache_(std::make_shared<Cache>()) {}

SensorQuery SensorQuery::where(const std::string& clause) const {
    const auto colon = clause.find(':');
    if (colon == std::string::npos)
        throw ApiError("A sensor query clause must look like 'field:value', got '" + clause + "'");
    const std::string field = clause.substr(0, colon);
    const std::string value = clause.substr(colon + 1);
    if (field != "ip" && field != "hostname" && field != "groupid")
        throw ApiError("Field name must be one of: ip, hostname, groupid (got '" + field + "')");
    if (value.empty()) throw ApiError("The sensor query clause '" + clause + "' has no value");
    for (const auto& [f, v] : filters_)
        if (f == field) throw ApiError("The sensor query already filters on " + field + " ('" + v + "')");
    SensorQuery copy = fresh();
    copy.filters_.emplace_back(field, value);
    return copy;
}

SensorQuery SensorQuery::and_(const std::string& clause) const { return where(clause); }

SensorQuery SensorQuery::sort(const std::string& expression) const {
    std::string field = expression;
    bool descending = false;
    if (const auto space = field.find(' '); space != std::string::npos) {
        const std::string order = field.substr(space + 1);
        if (order != "asc" && order != "desc" && order != "ASC" && order != "DESC")
            throw ApiError("Sort order must be 'asc' or 'desc', got '" + order + "'");
        descending = order == "desc" || order == "DESC";
        field.resize(space);
    }
    if (field.empty()) throw ApiError("sort() needs a field name");
    SensorQuery copy = fresh();
    copy.sort_field_ = field;
    copy.descending_ = descending;
    return copy;
}

const std::vector<Sensor>& SensorQuery::results() const {
    std::lock_guard<std::mutex> lock(cache_->mutex);
    if (!cache_->loaded) {
        cache_->items = fetch();
        cache_->loaded = true;
    }
    return cache_->items;
}

SensorQuery::iterator SensorQuery::begin() const { return results().begin(); }
SensorQuery::iterator SensorQuery::end() const { return results().end(); }
std::size_t SensorQuery::size() const { return results().size(); }
bool SensorQuery::empty() const { return results().empty(); }

std::optional<Sensor> SensorQuery::first() const {
    const auto& r = results();
    return r.empty() ? std::nullopt : std::optional<Sensor>(r.front());
}

Sensor SensorQuery::one() const {
    const auto& r = results();
    if (r.empty()) throw MoreThanOneResultError("0 results for query " + describe());
    if (r.size() > 1) throw MoreThanOneResultError(std::to_string(r.size()) + " results found for query " + describe());
    return r.front();
}

std::optional<Sensor> SensorQuery::at(std::ptrdiff_t index) const {
    const auto& r = results();
    if (index < 0) index += static_cast<std::ptrdiff_t>(r.size());
    if (index < 0 || static_cast<std::size_t>(index) >= r.size()) return std::nullopt;
    return r[static_cast<std::size_t>(index)];
}

QueryParams SensorQuery::params() const { return QueryParams(filters_.begin(), filters_.end()); }

std::string SensorQuery::describe() const {
    std::vector<std::string> parts;
    for (const auto& [f, v] : filters_) parts.push_back(f + ":" + v);
    return "'" + fmt::format("{}", fmt::join(parts, " ")) + "'";
}

// A new query value starts with an empty cache of its own (copies of one value share theirs).
SensorQuery SensorQuery::fresh() const {
    SensorQuery copy = *this;
    copy.cache_ = std::make_shared<Cache>();
    return copy;
}

bool SensorQuery::paged() const { return api_->at_least(paged_sensor_list_from); }

std::vector<nlohmann::json> SensorQuery::fetch_list() const {
    nlohmann::json body = api_->connection.get_json(Sensor::model_info.url_path, params(), nlohmann::json::array());
    if (body.is_null()) body = nlohmann::json::array();
    if (!body.is_array())
        throw ServerError(200, "Expected a JSON array of sensors, got " + std::string(body.type_name()), "GET",
                          api_->connection.url() + Sensor::model_info.url_path, cbapi::detail::json_text(body, 256));
    std::vector<nlohmann::json> docs;
    for (auto& doc : body) docs.push_back(std::move(doc));
    return docs;
}

// Pages through the one paging engine (prefetching the following pages once the total is known).
std::vector<nlohmann::json> SensorQuery::fetch_pages() const {
    static const auto paging = std::make_shared<const SensorListPaging>();
    QuerySpec spec;
    spec.extra = params();
    spec.sort.clear();
    auto cursor = cbapi::detail::open_cursor(api_, std::string(paged_list_path), spec, paging, 0, std::nullopt,
                                             std::make_shared<cbapi::detail::CountCache>());
    std::vector<nlohmann::json> docs;
    while (auto item = cbapi::detail::next_item(*cursor)) docs.push_back(std::move(*item));
    return docs;
}

// The server matches ip and hostname as substrings but uses only ip when both are sent, so every filter is also
// applied here to the reply (to the fields a document has: a field it lacks is loaded when read).
std::vector<Sensor> SensorQuery::fetch() const {
    std::vector<nlohmann::json> docs;
    try {
        docs = paged() ? fetch_pages() : fetch_list();
    } catch (const ServerError& e) {
        if (e.status() != 500 || filters_.empty()) throw;
        return {};  // Cb Response answers a filter that matches nothing with HTTP 500
    }
    std::vector<Sensor> out;
    std::set<std::string> seen;  // a sensor the server repeats on a later page is listed once
    for (auto& doc : docs) {
        if (!doc.is_object()) throw ServerError(200, "Expected JSON objects in the sensor list");
        if (const auto id = doc.find("id"); id != doc.end() && !id->is_null() && !seen.insert(id->dump()).second)
            continue;
        bool keep = true;
        for (const auto& [field, value] : filters_) {
            const char* doc_field = field == "ip"         ? "network_adapters"
                                    : field == "hostname" ? "computer_name"
                                                          : "group_id";
            if (!doc.contains(doc_field)) continue;
            if (field == "ip") {  // an address of one of the adapters ("<ip>,<mac>|...")
                const std::string adapters = detail::text_field(doc, "network_adapters");
                keep = false;
                for (std::size_t start = 0; start < adapters.size() && !keep;) {
                    auto end = adapters.find('|', start);
                    if (end == std::string::npos) end = adapters.size();
                    const std::string ip = adapters.substr(start, std::min(adapters.find(',', start), end) - start);
                    keep = ip.find(value) != std::string::npos;
                    start = end + 1;
                }
            } else if (field == "hostname") {
                keep = detail::text_field(doc, "computer_name").find(value) != std::string::npos;
            } else {
                keep = detail::text_field(doc, "group_id") == value;
            }
            if (!keep) break;
        }
        if (keep) out.emplace_back(api_, std::move(doc), true);
    }
    if (!sort_field_.empty()) {
        const std::string field = sort_field_;
        const bool desc = descending_;
        std::stable_sort(out.begin(), out.end(), [&](const Sensor& a, const Sensor& b) {
            const nlohmann::json va = a.document().value(field, nlohmann::json());
            const nlohmann::json vb = b.document().value(field, nlohmann::json());
            return desc ? vb < va : va < vb;
        });
    }
    return out;
}

// --- Sensor ------------------------------------------------------------------------------------------------------

const ModelInfo Sensor::model_info = ModelInfo("Sensor", "/api/v1/sensor");

Sensor::Sensor(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : MutableModel(model_info, std::move(api), std::move(doc), full) {}

std::string Sensor::hostname() const { return get_or<std::string>("computer_name", ""); }
std::string Sensor::dns_name() const { return get_or<std::string>("computer_dns_name", ""); }
std::string Sensor::os() const { return get_or<std::string>("os_environment_display_string", ""); }
std::string Sensor::sid() const { return get_or<std::string>("computer_sid", ""); }
std::string Sensor::status() const { return get_or<std::string>("status", ""); }
std::string Sensor::build_version_string() const { return get_or<std::string>("build_version_string", ""); }
std::string Sensor::sensor_health_message() const { return get_or<std::string>("sensor_health_message", ""); }
std::optional<long long> Sensor::sensor_health_status() const { return integer("sensor_health_status"); }
std::optional<long long> Sensor::group_id() const { return integer("group_id"); }
std::optional<long long> Sensor::os_type() const { return integer("os_type"); }
std::optional<long long> Sensor::sensor_uptime() const { return integer("sensor_uptime"); }
std::optional<long long> Sensor::uptime() const { return integer("uptime"); }
std::optional<long long> Sensor::clock_delta() const { return integer("clock_delta"); }
std::optional<long long> Sensor::physical_memory_size() const { return integer("physical_memory_size"); }
std::optional<long long> Sensor::systemvolume_total_size() const { return integer("systemvolume_total_size"); }
std::optional<long long> Sensor::systemvolume_free_size() const { return integer("systemvolume_free_size"); }
std::optional<long long> Sensor::num_eventlog_bytes() const { return integer("num_eventlog_bytes"); }
std::optional<long long> Sensor::num_storefiles_bytes() const { return integer("num_storefiles_bytes"); }

std::optional<TimePoint> Sensor::registration_time() const { return get<TimePoint>("registration_time"); }
std::optional<TimePoint> Sensor::last_checkin_time() const { return get<TimePoint>("last_checkin_time"); }
std::optional<TimePoint> Sensor::next_checkin_time() const { return get<TimePoint>("next_checkin_time"); }
std::optional<TimePoint> Sensor::last_update() const { return get<TimePoint>("last_update"); }
std::optional<TimePoint> Sensor::event_log_flush_time() const { return get<TimePoint>("event_log_flush_time"); }
std::optional<TimePoint> Sensor::license_expiration() const { return get<TimePoint>("license_expiration"); }

bool Sensor::supports_cblr() const { return get_or<bool>("supports_cblr", false); }
bool Sensor::supports_isolation() const { return get_or<bool>("supports_isolation", false); }
bool Sensor::network_isolation_enabled() const { return get_or<bool>("network_isolation_enabled", false); }
bool Sensor::is_isolating() const { return get_or<bool>("is_isolating", false); }
bool Sensor::restart_queued() const { return get_or<bool>("restart_queued", false); }
bool Sensor::uninstall() const { return get_or<bool>("uninstall", false); }
bool Sensor::uninstalled() const { return get_or<bool>("uninstalled", false); }

// Each entry is "<ip>,<12 hex digits of MAC>"; the MAC gets a ':' between byte pairs.
std::vector<NetworkAdapter> Sensor::network_interfaces() const {
    std::vector<NetworkAdapter> out;
    const std::string text = get_or<std::string>("network_adapters", "");
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('|', start);
        if (end == std::string::npos) end = text.size();
        const std::string entry = text.substr(start, end - start);
        const auto comma = entry.find(',');
        if (comma != std::string::npos && entry.find(',', comma + 1) == std::string::npos) {
            const std::string mac = entry.substr(comma + 1);
            NetworkAdapter adapter;
            adapter.ipaddr = entry.substr(0, comma);
            for (std::size_t i = 0; i < mac.size(); i += 2) {
                if (i > 0) adapter.macaddr.push_back(':');
                adapter.macaddr += mac.substr(i, 2);
            }
            out.push_back(std::move(adapter));
        }
        start = end + 1;
    }
    return out;
}

SensorGroup Sensor::group() const {
    const auto gid = get<nlohmann::json>("group_id");
    if (!gid || gid->is_null()) throw ApiError(describe() + " has no group_id");
    return SensorGroup(api(), {{"id", *gid}}, false);
}

Sensor& Sensor::set_group(const SensorGroup& group) {
    const auto gid = group.get<nlohmann::json>("id");
    if (!gid || gid->is_null()) throw InvalidObjectError("Cannot move a sensor to a sensor group that has no id");
    set("group_id", *gid);
    return *this;
}

std::string Sensor::webui_link() const { return api()->connection.url() + "/#/host/" + id(); }

live_response::Session Sensor::lr_session(live_response::LiveResponseOptions options) const {
    if (!supports_cblr()) throw ApiError("Sensor " + id() + " does not support Cb Live Response");
    const auto sensor_id = integer("id");
    if (!sensor_id) throw ApiError("Sensor has no numeric id: " + id());
    return live_response::SessionManager(api(), std::move(options)).request_session(*sensor_id);
}

nlohmann::json Sensor::queued_stats() const { return stats("queued"); }
nlohmann::json Sensor::activity_stats() const { return stats("activity"); }
nlohmann::json Sensor::resource_status() const { return stats("resourcestatus"); }

// Servers from 6.0 take an RFC 1123 date, older ones the Cb time format.
void Sensor::flush_events(TimePoint now) {
    const TimePoint when = now + std::chrono::hours(24);
    set("event_log_flush_time", api()->at_least(ServerVersion{6, 0}) ? format_http_date(when) : format_cb_time(when));
    save();
}

void Sensor::restart_sensor() {
    set("restart_queued", true);
    save();
}

void Sensor::isolate(const IsolationWait& wait) {
    if (has("supports_isolation") && !supports_isolation())
        throw ApiError("Sensor " + id() + " (" + hostname() + ") does not support network isolation");
    change_isolation(true, wait, "timed out waiting for isolation to become active");
}

void Sensor::unisolate(const IsolationWait& wait) {
    change_isolation(false, wait, "timed out waiting for isolation to be removed");
}

// cbapi-python 1.6.2 (src/cbapi/response/models.py, Sensor._update_object, unchanged to 1.7.10) sends these fields
// only, on every server version: "Workarounds for updating a sensor's ability to update attributes in Cb Response
// 7.1". Its comment also names `liveresponse_init` as allowed, but it never sends it; neither do we.
const std::vector<std::string>& Sensor::updatable_fields() {
    static const std::vector<std::string> fields = {"network_isolation_enabled", "restart_queued", "uninstall",
                                                    "group_id", "notes", "event_log_flush_time"};
    return fields;
}

nlohmann::json Sensor::update_body() const {
    nlohmann::json body = nlohmann::json::object();
    const nlohmann::json& doc = document();
    for (const auto& field : updatable_fields())
        if (const auto it = doc.find(field); it != doc.end()) body[field] = *it;
    const auto dirty = dirty_fields();
    std::vector<std::string> not_sent;
    for (const auto& field : dirty)
        if (std::find(updatable_fields().begin(), updatable_fields().end(), field) == updatable_fields().end())
            not_sent.push_back(field);
    if (!not_sent.empty())  // nothing is silently dropped: the caller learns the change would not be saved
        throw InvalidObjectError(fmt::format(
            "Cannot save {}: field(s) {} cannot be changed through the API (a sensor update sends only {})",
            describe(), fmt::join(not_sent, ", "), fmt::join(updatable_fields(), ", ")));
    if (body.contains("event_log_flush_time") &&
        std::find(dirty.begin(), dirty.end(), "event_log_flush_time") == dirty.end())
        body["event_log_flush_time"] = nullptr;
    return body;
}

std::optional<long long> Sensor::integer(const char* field) const {
    const auto value = get<nlohmann::json>(field);
    return value ? detail::integer_value(*value, field) : std::nullopt;
}

nlohmann::json Sensor::stats(const char* what) const {
    if (id().empty()) throw InvalidObjectError("A Sensor without id has no statistics");
    return api()->connection.get_json(model_info.path_of(id()) + "/" + what, {}, nlohmann::json::array());
}

// Saves the flag, then polls the sensor until it reports the new state; each sleep ends at the deadline at the
// latest (plus 1 ms, so that the last poll comes after it).
void Sensor::change_isolation(bool on, const IsolationWait& wait, const char* timeout_message) {
    set("network_isolation_enabled", on);
    save();
    using clock = std::chrono::steady_clock;
    const auto now = [&wait] { return wait.clock ? wait.clock() : clock::now(); };
    const Sleeper& sleep = wait.sleeper ? wait.sleeper : api()->connection.options().sleeper;
    const auto deadline = now() + wait.timeout;
    while (is_isolating() != on) {
        if (now() >= deadline)
            throw TimeoutError(api()->connection.url() + model_info.path_of(id()),
                               std::string(timeout_message) + " on sensor " + id());
        sleep(std::min<std::chrono::milliseconds>(
            wait.poll_interval,
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now()) + std::chrono::milliseconds(1)));
        refresh();
    }
}

}  // namespace cbapi::response
