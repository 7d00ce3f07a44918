#pragma once
/// @file
/// Cb Response sensors (endpoints running the Cb Response sensor): Sensor and its non-paginated SensorQuery.
///
/// SensorGroup (the type of `Sensor::group()`) is in sensor_group.hpp, which this header includes at its end, so
/// including either header gives both.

#include "cbapi/fwd.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/api_state.hpp"
#include "cbapi/detail/url.hpp"
#include "cbapi/live_response/session.hpp"
#include "cbapi/live_response/types.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/retry.hpp"
#include "cbapi/time.hpp"

namespace cbapi::response {

class Sensor;
class SensorGroup;

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

/// The sensor query, with optional `ip`, `hostname` and `groupid` filters sent to the server as parameters.
///
/// On servers from 5.2 it pages through `GET /api/v2/sensor` (`start`, `rows`, `total_results`), sorted by host
/// name (`sort.col=computer_name&sort.dir=asc`), as cbapi-python 1.7.6/1.7.7 does: sorted by host name the pages
/// stay stable while sensors check in (the server's default order, by check-in time, skipped and repeated sensors,
/// which made cbapi 1.3.0 fall back to the v1 list), and paging avoids the unpaged list's result limit. A sensor
/// that still appears twice is listed once. Older servers (and a server whose version is unknown) get the unpaged
/// `GET /api/v1/sensor`, answered in one reply.
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

    explicit SensorQuery(cbapi::detail::ApiHandle api);

    /// Adds a filter "ip:<text>", "hostname:<text>" or "groupid:<id>".
    /// @throws ApiError for another field, a clause without ':', an empty value or a field given twice
    SensorQuery where(const std::string& clause) const;
    /// Same as where().
    SensorQuery and_(const std::string& clause) const;

    /// Sorts the results by a field, ascending, or descending with a " desc" suffix (client-side).
    /// @throws ApiError for an empty field or an order other than asc/desc
    SensorQuery sort(const std::string& expression) const;

    /// The matching sensors (one request per query value).
    const std::vector<Sensor>& results() const;

    iterator begin() const;
    iterator end() const;
    std::size_t size() const;
    bool empty() const;
    /// The first sensor, if any.
    std::optional<Sensor> first() const;
    /// The only sensor. @throws MoreThanOneResultError for zero or several
    Sensor one() const;
    /// The sensor at `index` (negative: from the end); nullopt when out of range.
    std::optional<Sensor> at(std::ptrdiff_t index) const;

    /// The query parameters sent (sorted by the connection).
    QueryParams params() const;
    /// The filters as text.
    std::string describe() const;

private:
    /// The paginated sensor list of servers from 5.2.
    static constexpr const char* paged_list_path = "/api/v2/sensor";

    // The results of one query value, shared by its copies (defined in src/response/sensor.cpp).
    struct Cache;
    SensorQuery fresh() const;
    std::vector<Sensor> fetch() const;
    bool paged() const;
    std::vector<nlohmann::json> fetch_list() const;
    std::vector<nlohmann::json> fetch_pages() const;

    cbapi::detail::ApiHandle api_;
    std::vector<std::pair<std::string, std::string>> filters_;
    std::string sort_field_;
    bool descending_ = false;
    std::shared_ptr<Cache> cache_;
};

/// A sensor: `/api/v1/sensor/<id>`. Listed with `select<Sensor>()` (a SensorQuery); changed with set()/save()
/// (`PUT /api/v1/sensor/<id>` with the updatable_fields() only; the server answers 204 and the sensor is reloaded).
///
/// Live Response sessions (`lr_session()`) are added by the Live Response module.
class Sensor : public MutableModel {
public:
    static const ModelInfo model_info;
    /// The fields a save sends (when the document has them): `network_isolation_enabled`, `restart_queued`,
    /// `uninstall`, `group_id`, `notes` and `event_log_flush_time` (cbapi-python 1.6.2–1.7.10's list; EDR 7.1
    /// refuses a sensor update with other fields). save() refuses a change of any other field.
    static const std::vector<std::string>& updatable_fields();
    static constexpr bool creatable = false;
    using query_type = SensorQuery;
    Sensor(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full);

    /// The host name (`computer_name`).
    std::string hostname() const;
    /// The DNS name (`computer_dns_name`).
    std::string dns_name() const;
    /// The operating system (`os_environment_display_string`).
    std::string os() const;
    /// The host's security identifier (`computer_sid`).
    std::string sid() const;
    /// "Online", "Offline", ...
    std::string status() const;
    /// The sensor build (`build_version_string`).
    std::string build_version_string() const;
    /// The health message and score (0–100).
    std::string sensor_health_message() const;
    std::optional<long long> sensor_health_status() const;
    /// The id of the sensor's group (see group()).
    std::optional<long long> group_id() const;
    /// 1 = Windows, 2 = macOS, 3 = Linux.
    std::optional<long long> os_type() const;
    /// Seconds the sensor has been running, and the host (the server sends them as text or numbers).
    std::optional<long long> sensor_uptime() const;
    std::optional<long long> uptime() const;
    /// Difference between the host's clock and the server's, in seconds.
    std::optional<long long> clock_delta() const;
    std::optional<long long> physical_memory_size() const;
    std::optional<long long> systemvolume_total_size() const;
    std::optional<long long> systemvolume_free_size() const;
    /// Event log and store file bytes queued on the sensor.
    std::optional<long long> num_eventlog_bytes() const;
    std::optional<long long> num_storefiles_bytes() const;

    std::optional<TimePoint> registration_time() const;
    std::optional<TimePoint> last_checkin_time() const;
    std::optional<TimePoint> next_checkin_time() const;
    std::optional<TimePoint> last_update() const;
    /// When set, the sensor sends its queued events before that time (see flush_events()).
    std::optional<TimePoint> event_log_flush_time() const;
    std::optional<TimePoint> license_expiration() const;

    bool supports_cblr() const;
    bool supports_isolation() const;
    /// Whether isolation was requested, and whether the sensor reports it active.
    bool network_isolation_enabled() const;
    bool is_isolating() const;
    bool restart_queued() const;
    bool uninstall() const;
    bool uninstalled() const;

    /// The host's network adapters, parsed from `network_adapters` ("<ip>,<mac>|..."); malformed entries are
    /// skipped.
    std::vector<NetworkAdapter> network_interfaces() const;

    /// The sensor's group (`GET /api/group/<group_id>` when a field of it is read).
    /// @throws ApiError when the sensor has no group_id
    SensorGroup group() const;
    /// Moves the sensor to another group (sets `group_id`; call save()).
    /// @throws InvalidObjectError for a group without id
    Sensor& set_group(const SensorGroup& group);

    /// The console page of the sensor: `<server>/#/host/<id>`.
    std::string webui_link() const;

    /// Opens a Live Response session with this sensor (reusing a pending or active session of the sensor on the
    /// server), waiting until it is active; the session closes when its last handle goes away. See
    /// CbResponseAPI::live_response() and docs/live-response.md.
    /// @param options timeouts, waiting and keepalive (live_response::LiveResponseOptions)
    /// @return the session
    /// @throws ApiError "Sensor <id> does not support Cb Live Response" when `supports_cblr` is false, or when the
    ///         server's `/api/info` lacks `cblrEnabled`; TimeoutError, LiveResponseError and the request's exceptions
    live_response::Session lr_session(live_response::LiveResponseOptions options = {}) const;

    /// Queued event logs and store files (`GET /api/v1/sensor/<id>/queued`; empty for 204).
    nlohmann::json queued_stats() const;
    /// Activity statistics (`GET /api/v1/sensor/<id>/activity`).
    nlohmann::json activity_stats() const;
    /// Memory statistics of the sensor (`GET /api/v1/sensor/<id>/resourcestatus`).
    nlohmann::json resource_status() const;

    /// Asks the sensor to send its queued events now: sets `event_log_flush_time` one day ahead and saves
    /// (RFC 1123 "Mon, 01 Jan 2018 00:00:00 GMT" on servers from 6.0, "2018-01-01 00:00:00.000000" UTC before).
    /// May cause a lot of traffic from the sensor.
    /// @param now the current time (injectable for tests)
    /// @throws the exceptions of save()
    void flush_events(TimePoint now = std::chrono::system_clock::now());

    /// Asks the sensor to restart at its next check-in (sets `restart_queued` and saves).
    void restart_sensor();

    /// Turns network isolation on (sets `network_isolation_enabled`, saves) and waits until the sensor reports it
    /// active (`is_isolating`), polling the sensor.
    /// @throws TimeoutError "timed out waiting for isolation to become active" when `wait.timeout` passes first;
    ///         ApiError when the sensor does not support isolation; the exceptions of save() and refresh()
    void isolate(const IsolationWait& wait = {});

    /// Turns network isolation off and waits until the sensor reports it inactive.
    /// @throws TimeoutError "timed out waiting for isolation to be removed"; the exceptions of save() and refresh()
    void unisolate(const IsolationWait& wait = {});

protected:
    /// Only the fields a server accepts in a sensor update (see updatable_fields), on every server version: EDR 7.1
    /// refuses a PUT with any other field, and isolate(), flush_events(), restart_sensor() and group moves all save
    /// the sensor (cbapi-python 1.6.2). `event_log_flush_time` is sent as null unless it was changed: echoing the
    /// value the server sent would ask the sensor for another flush (cbapi-python did, until 1.3.5).
    /// @throws InvalidObjectError when a changed field is not one of them (cbapi-python dropped it silently)
    nlohmann::json update_body() const override;

private:
    std::optional<long long> integer(const char* field) const;
    nlohmann::json stats(const char* what) const;
    void change_isolation(bool on, const IsolationWait& wait, const char* timeout_message);
};

}  // namespace cbapi::response

#include "cbapi/response/sensor_group.hpp"
