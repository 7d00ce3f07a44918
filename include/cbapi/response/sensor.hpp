#pragma once
/// @file
/// Cb Response sensors (endpoints running the Cb Response sensor): Sensor and its non-paginated SensorQuery.
///
/// `Sensor::group()` and `SensorQuery`'s use from SensorGroup are completed in sensor_group.hpp, which this header
/// includes at its end, so including either header gives both.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cbapi/detail/api_state.hpp"
#include "cbapi/detail/json_text.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/live_response/manager.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/model_support.hpp"
#include "cbapi/retry.hpp"
#include "cbapi/time.hpp"

namespace cbapi::response {

class Sensor;
class SensorGroup;

namespace detail {

/// A field that the server sends as a number or as a numeric string (`"clock_delta": "-11"`), as an integer.
/// @throws ApiError for text that is not an integer
inline std::optional<long long> integer_value(const nlohmann::json& value, const std::string& field) {
    return cbapi::detail::lenient_integer(value, field);
}

}  // namespace detail

/// One network adapter of a sensor's host (from `network_adapters`, "<ip>,<12 hex digits of MAC>|...").
struct NetworkAdapter {
    /// MAC address as "00:15:5d:01:9c:02".
    std::string macaddr;
    /// IPv4 address as "192.168.1.159".
    std::string ipaddr;

    bool operator==(const NetworkAdapter& o) const { return macaddr == o.macaddr && ipaddr == o.ipaddr; }
};

/// How Sensor::isolate() / unisolate() wait for the sensor to confirm: poll every `poll_interval` until the server
/// reports the new state, at most `timeout`.
struct IsolationWait {
    /// Longest wait for the sensor to confirm (a sensor confirms at its next check-in). Zero = do not wait at all.
    std::chrono::milliseconds timeout{std::chrono::minutes(5)};
    /// Time between two polls (GET of the sensor).
    std::chrono::milliseconds poll_interval{std::chrono::seconds(1)};
    /// How to wait between polls; unset = the connection's sleeper (a real sleep unless the application or a test
    /// injected one).
    Sleeper sleeper;
    /// The clock that measures the deadline; unset = std::chrono::steady_clock. Tests inject one that advances with
    /// their sleeper.
    std::function<std::chrono::steady_clock::time_point()> clock;
};

/// The sensor query: `GET /api/v1/sensor` with optional `ip`, `hostname` and `groupid` filters, answered in one
/// reply (no paging; cbapi 1.3.0 dropped the v2 paged API because it skipped and repeated sensors).
///
/// `where("hostname:WIN-")`, `where("ip:10.1.")`, `where("groupid:2")`: each field may be given once, and several
/// fields are combined (all must match). The server matches `ip` and `hostname` as case-sensitive substrings and
/// `groupid` exactly, but uses only `ip` when both `ip` and `hostname` are sent; the query therefore also applies
/// every filter to the reply, so the result is what the clauses say on every server. A filtered query that the
/// server answers with HTTP 500 (how Cb Response reports "no sensor matched") gives an empty result.
///
/// A value, immutable like every query; results are fetched once per query value and cached.
class SensorQuery {
public:
    using model_type = Sensor;
    using iterator = std::vector<Sensor>::const_iterator;

    explicit SensorQuery(cbapi::detail::ApiHandle api) : api_(std::move(api)) {}

    /// Adds a filter "ip:<text>", "hostname:<text>" or "groupid:<id>".
    /// @throws ApiError for another field, a clause without ':', an empty value or a field given twice
    SensorQuery where(const std::string& clause) const {
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
    /// Same as where().
    SensorQuery and_(const std::string& clause) const { return where(clause); }

    /// Sorts the results by a field, ascending, or descending with a " desc" suffix (client-side).
    /// @throws ApiError for an empty field or an order other than asc/desc
    SensorQuery sort(const std::string& expression) const;

    /// The matching sensors (one request per query value).
    const std::vector<Sensor>& results() const;

    iterator begin() const;
    iterator end() const;
    std::size_t size() const { return results().size(); }
    bool empty() const { return results().empty(); }
    /// The first sensor, if any.
    std::optional<Sensor> first() const;
    /// The only sensor. @throws MoreThanOneResultError for zero or several
    Sensor one() const;
    /// The sensor at `index` (negative: from the end); nullopt when out of range.
    std::optional<Sensor> at(std::ptrdiff_t index) const;

    /// The query parameters sent (sorted by the connection).
    QueryParams params() const { return QueryParams(filters_.begin(), filters_.end()); }
    /// The filters as text.
    std::string describe() const;

private:
    struct Cache {
        std::mutex mutex;
        bool loaded = false;
        std::vector<Sensor> items;
    };
    SensorQuery fresh() const {
        SensorQuery copy = *this;
        copy.cache_ = std::make_shared<Cache>();
        return copy;
    }
    std::vector<Sensor> fetch() const;

    cbapi::detail::ApiHandle api_;
    std::vector<std::pair<std::string, std::string>> filters_;
    std::string sort_field_;
    bool descending_ = false;
    std::shared_ptr<Cache> cache_ = std::make_shared<Cache>();
};

/// A sensor: `/api/v1/sensor/<id>`. Listed with `select<Sensor>()` (a SensorQuery); changed with set()/save()
/// (`PUT /api/v1/sensor/<id>`, the server answers 204 and the sensor is reloaded).
///
/// Live Response sessions (`lr_session()`) are added by the Live Response module.
class Sensor : public MutableModel {
public:
    inline static const ModelInfo model_info = ModelInfo("Sensor", "/api/v1/sensor");
    static constexpr bool creatable = false;
    using query_type = SensorQuery;
    Sensor(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
        : MutableModel(model_info, std::move(api), std::move(doc), full) {}

    /// The host name (`computer_name`).
    std::string hostname() const { return get_or<std::string>("computer_name", ""); }
    /// The DNS name (`computer_dns_name`).
    std::string dns_name() const { return get_or<std::string>("computer_dns_name", ""); }
    /// The operating system (`os_environment_display_string`).
    std::string os() const { return get_or<std::string>("os_environment_display_string", ""); }
    /// The host's security identifier (`computer_sid`).
    std::string sid() const { return get_or<std::string>("computer_sid", ""); }
    /// "Online", "Offline", ...
    std::string status() const { return get_or<std::string>("status", ""); }
    /// The sensor build (`build_version_string`).
    std::string build_version_string() const { return get_or<std::string>("build_version_string", ""); }
    /// The health message and score (0–100).
    std::string sensor_health_message() const { return get_or<std::string>("sensor_health_message", ""); }
    std::optional<long long> sensor_health_status() const { return integer("sensor_health_status"); }
    /// The id of the sensor's group (see group()).
    std::optional<long long> group_id() const { return integer("group_id"); }
    /// 1 = Windows, 2 = macOS, 3 = Linux.
    std::optional<long long> os_type() const { return integer("os_type"); }
    /// Seconds the sensor has been running, and the host (the server sends them as text or numbers).
    std::optional<long long> sensor_uptime() const { return integer("sensor_uptime"); }
    std::optional<long long> uptime() const { return integer("uptime"); }
    /// Difference between the host's clock and the server's, in seconds.
    std::optional<long long> clock_delta() const { return integer("clock_delta"); }
    std::optional<long long> physical_memory_size() const { return integer("physical_memory_size"); }
    std::optional<long long> systemvolume_total_size() const { return integer("systemvolume_total_size"); }
    std::optional<long long> systemvolume_free_size() const { return integer("systemvolume_free_size"); }
    /// Event log and store file bytes queued on the sensor.
    std::optional<long long> num_eventlog_bytes() const { return integer("num_eventlog_bytes"); }
    std::optional<long long> num_storefiles_bytes() const { return integer("num_storefiles_bytes"); }

    std::optional<TimePoint> registration_time() const { return get<TimePoint>("registration_time"); }
    std::optional<TimePoint> last_checkin_time() const { return get<TimePoint>("last_checkin_time"); }
    std::optional<TimePoint> next_checkin_time() const { return get<TimePoint>("next_checkin_time"); }
    std::optional<TimePoint> last_update() const { return get<TimePoint>("last_update"); }
    /// When set, the sensor sends its queued events before that time (see flush_events()).
    std::optional<TimePoint> event_log_flush_time() const { return get<TimePoint>("event_log_flush_time"); }
    std::optional<TimePoint> license_expiration() const { return get<TimePoint>("license_expiration"); }

    bool supports_cblr() const { return get_or<bool>("supports_cblr", false); }
    bool supports_isolation() const { return get_or<bool>("supports_isolation", false); }
    /// Whether isolation was requested, and whether the sensor reports it active.
    bool network_isolation_enabled() const { return get_or<bool>("network_isolation_enabled", false); }
    bool is_isolating() const { return get_or<bool>("is_isolating", false); }
    bool restart_queued() const { return get_or<bool>("restart_queued", false); }
    bool uninstall() const { return get_or<bool>("uninstall", false); }
    bool uninstalled() const { return get_or<bool>("uninstalled", false); }

    /// The host's network adapters, parsed from `network_adapters` ("<ip>,<mac>|..."); malformed entries are
    /// skipped.
    std::vector<NetworkAdapter> network_interfaces() const {
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

    /// The sensor's group (`GET /api/group/<group_id>` when a field of it is read). Defined in sensor_group.hpp.
    /// @throws ApiError when the sensor has no group_id
    SensorGroup group() const;
    /// Moves the sensor to another group (sets `group_id`; call save()). Defined in sensor_group.hpp.
    /// @throws InvalidObjectError for a group without id
    Sensor& set_group(const SensorGroup& group);

    /// The console page of the sensor: `<server>/#/host/<id>`.
    std::string webui_link() const { return api()->connection.url() + "/#/host/" + id(); }

    /// Opens a Live Response session with this sensor (reusing a pending or active session of the sensor on the
    /// server), waiting until it is active; the session closes when its last handle goes away. See
    /// CbResponseAPI::live_response() and docs/live-response.md.
    /// @param options timeouts, waiting and keepalive (live_response::LiveResponseOptions)
    /// @return the session
    /// @throws ApiError "Sensor <id> does not support Cb Live Response" when `supports_cblr` is false, or when the
    ///         server's `/api/info` lacks `cblrEnabled`; TimeoutError, LiveResponseError and the request's exceptions
    live_response::Session lr_session(live_response::LiveResponseOptions options = {}) const {
        if (!supports_cblr()) throw ApiError("Sensor " + id() + " does not support Cb Live Response");
        const auto sensor_id = integer("id");
        if (!sensor_id) throw ApiError("Sensor has no numeric id: " + id());
        return live_response::SessionManager(api(), std::move(options)).request_session(*sensor_id);
    }

    /// Queued event logs and store files (`GET /api/v1/sensor/<id>/queued`; empty for 204).
    nlohmann::json queued_stats() const { return stats("queued"); }
    /// Activity statistics (`GET /api/v1/sensor/<id>/activity`).
    nlohmann::json activity_stats() const { return stats("activity"); }
    /// Memory statistics of the sensor (`GET /api/v1/sensor/<id>/resourcestatus`).
    nlohmann::json resource_status() const { return stats("resourcestatus"); }

    /// Asks the sensor to send its queued events now: sets `event_log_flush_time` one day ahead and saves
    /// (RFC 1123 "Mon, 01 Jan 2018 00:00:00 GMT" on servers from 6.0, "2018-01-01 00:00:00.000000" UTC before).
    /// May cause a lot of traffic from the sensor.
    /// @param now the current time (injectable for tests)
    /// @throws the exceptions of save()
    void flush_events(TimePoint now = std::chrono::system_clock::now()) {
        const TimePoint when = now + std::chrono::hours(24);
        set("event_log_flush_time", api()->at_least(ServerVersion{6, 0}) ? format_http_date(when) : format_cb_time(when));
        save();
    }

    /// Asks the sensor to restart at its next check-in (sets `restart_queued` and saves).
    void restart_sensor() {
        set("restart_queued", true);
        save();
    }

    /// Turns network isolation on (sets `network_isolation_enabled`, saves) and waits until the sensor reports it
    /// active (`is_isolating`), polling the sensor.
    /// @throws TimeoutError "timed out waiting for isolation to become active" when `wait.timeout` passes first;
    ///         ApiError when the sensor does not support isolation; the exceptions of save() and refresh()
    void isolate(const IsolationWait& wait = {}) {
        if (has("supports_isolation") && !supports_isolation())
            throw ApiError("Sensor " + id() + " (" + hostname() + ") does not support network isolation");
        change_isolation(true, wait, "timed out waiting for isolation to become active");
    }

    /// Turns network isolation off and waits until the sensor reports it inactive.
    /// @throws TimeoutError "timed out waiting for isolation to be removed"; the exceptions of save() and refresh()
    void unisolate(const IsolationWait& wait = {}) {
        change_isolation(false, wait, "timed out waiting for isolation to be removed");
    }

protected:
    /// The whole document, except that `event_log_flush_time` is sent as null unless it was changed: echoing the
    /// value the server sent would ask the sensor for another flush (cbapi-python did, until 1.3.5).
    nlohmann::json update_body() const override {
        nlohmann::json body = document();
        const auto dirty = dirty_fields();
        if (body.contains("event_log_flush_time") &&
            std::find(dirty.begin(), dirty.end(), "event_log_flush_time") == dirty.end())
            body["event_log_flush_time"] = nullptr;
        return body;
    }

private:
    std::optional<long long> integer(const char* field) const {
        const auto value = get<nlohmann::json>(field);
        return value ? detail::integer_value(*value, field) : std::nullopt;
    }

    nlohmann::json stats(const char* what) const {
        if (id().empty()) throw InvalidObjectError("A Sensor without id has no statistics");
        return api()->connection.get_json(model_info.path_of(id()) + "/" + what, {}, nlohmann::json::array());
    }

    static std::string format_http_date(TimePoint tp) {
        static const char* const days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};  // 1970-01-01: Thu
        static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        const std::string cb = format_cb_time(tp);  // "YYYY-MM-DD HH:MM:SS.ffffff", UTC
        const int year = std::stoi(cb.substr(0, 4));
        const int month = std::stoi(cb.substr(5, 2));
        const int day = std::stoi(cb.substr(8, 2));
        const auto days_since_epoch = cbapi::detail::days_from_civil(year, static_cast<unsigned>(month),
                                                                      static_cast<unsigned>(day));
        const auto weekday = static_cast<std::size_t>(((days_since_epoch % 7) + 7) % 7);
        return fmt::format("{}, {:02} {} {} {} GMT", days[weekday], day, months[month - 1], year, cb.substr(11, 8));
    }

    void change_isolation(bool on, const IsolationWait& wait, const char* timeout_message) {
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
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now()) +
                    std::chrono::milliseconds(1)));
            refresh();
        }
    }
};

// --- SensorQuery (needs the complete Sensor) ------------------------------------------------------------------------

inline SensorQuery SensorQuery::sort(const std::string& expression) const {
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

inline const std::vector<Sensor>& SensorQuery::results() const {
    std::lock_guard<std::mutex> lock(cache_->mutex);
    if (!cache_->loaded) {
        cache_->items = fetch();
        cache_->loaded = true;
    }
    return cache_->items;
}

inline SensorQuery::iterator SensorQuery::begin() const { return results().begin(); }
inline SensorQuery::iterator SensorQuery::end() const { return results().end(); }

inline std::optional<Sensor> SensorQuery::first() const {
    const auto& r = results();
    return r.empty() ? std::nullopt : std::optional<Sensor>(r.front());
}

inline Sensor SensorQuery::one() const {
    const auto& r = results();
    if (r.empty()) throw MoreThanOneResultError("0 results for query " + describe());
    if (r.size() > 1) throw MoreThanOneResultError(std::to_string(r.size()) + " results found for query " + describe());
    return r.front();
}

inline std::optional<Sensor> SensorQuery::at(std::ptrdiff_t index) const {
    const auto& r = results();
    if (index < 0) index += static_cast<std::ptrdiff_t>(r.size());
    if (index < 0 || static_cast<std::size_t>(index) >= r.size()) return std::nullopt;
    return r[static_cast<std::size_t>(index)];
}

inline std::string SensorQuery::describe() const {
    std::vector<std::string> parts;
    for (const auto& [f, v] : filters_) parts.push_back(f + ":" + v);
    return "'" + fmt::format("{}", fmt::join(parts, " ")) + "'";
}

inline std::vector<Sensor> SensorQuery::fetch() const {
    nlohmann::json body;
    try {
        body = api_->connection.get_json(Sensor::model_info.url_path, params(), nlohmann::json::array());
    } catch (const ServerError& e) {
        if (e.status() != 500 || filters_.empty()) throw;
        return {};  // Cb Response answers a filter that matches nothing with HTTP 500
    }
    if (body.is_null()) body = nlohmann::json::array();
    if (!body.is_array())
        throw ServerError(200, "Expected a JSON array of sensors, got " + std::string(body.type_name()), "GET",
                          api_->connection.url() + Sensor::model_info.url_path, cbapi::detail::json_text(body, 256));
    std::vector<Sensor> out;
    for (auto& doc : body) {
        if (!doc.is_object()) throw ServerError(200, "Expected JSON objects in the sensor list");
        bool keep = true;
        for (const auto& [field, value] : filters_) {
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

}  // namespace cbapi::response

#include "cbapi/response/sensor_group.hpp"
