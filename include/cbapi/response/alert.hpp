#pragma once
/// @file
/// Cb Response alerts (`/api/v1/alert`, `/api/v2/alert` on current servers) and their updates (`POST /api/v1/alerts`,
/// `POST /api/v1/alert/<id>`).
///
/// What changes with the server (see docs/server-versions.md):
/// - from Alert::v2_alert_api_since (6.3) alerts are read through `GET /api/v2/alert` (cbapi-python 1.4.3), before
///   through `GET /api/v1/alert`;
/// - from Alert::top_level_ignore_since (7.0) set_ignored() sends `{"set_ignored": <flag>, "requested_status":
///   <status>}` (cbapi-python 1.7.3), before `{"updates": {"is_ignored": <flag>, "requested_status": <status>}}`
///   (1.1.1 to 1.7.2).

#include "cbapi/fwd.hpp"

#include <cstddef>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/http.hpp"
#include "cbapi/model.hpp"
#include "cbapi/response/binary.hpp"
#include "cbapi/response/feed.hpp"
#include "cbapi/response/process.hpp"
#include "cbapi/response/query.hpp"
#include "cbapi/response/sensor.hpp"
#include "cbapi/response/watchlist.hpp"
#include "cbapi/server_version.hpp"
#include "cbapi/time.hpp"

namespace cbapi::response {

class AlertQuery;

/// An alert raised by a watchlist or feed hit. Search with `select<Alert>().where("-status:Resolved")`; read one with
/// `select<Alert>(unique_id)` (cbapi-python 1.7.1), which asks the server at once.
///
/// An Alert holds what the search returned and is complete as such (a missing field is nullopt, never a request).
/// Triage it with set_ignored(), assign() and change_status() (cbapi-python 1.7.2/1.7.3), or change it with
/// set_status()/set() and save(), which sends `POST /api/v1/alert/<unique_id>` with the whole document.
class Alert : public MutableModel {
public:
    /// Servers from this version are read through `/api/v2/alert` (cbapi-python 1.4.3 switched unconditionally).
    /// ASSUMPTION: 6.3, the first release whose REST API reference lists `/api/v2/alert`.
    static ServerVersion v2_alert_api_since() { return ServerVersion{6, 3}; }
    /// Servers from this version expect set_ignored()'s flag at the top level (cbapi-python 1.7.3, "payload keys
    /// modified based on manual testing" against the servers of 2021). ASSUMPTION: 7.0; older servers keep the
    /// 1.3.2 `updates` form that was written against them.
    static ServerVersion top_level_ignore_since() { return ServerVersion{7, 0}; }

    /// Statuses the server knows.
    static constexpr const char* status_unresolved = "Unresolved";
    static constexpr const char* status_in_progress = "In Progress";
    static constexpr const char* status_resolved = "Resolved";
    static constexpr const char* status_false_positive = "False Positive";

    /// URL, primary key `unique_id`, update verb POST.
    static const ModelInfo model_info;
    /// Alerts are raised by the server; they cannot be created through the API.
    static constexpr bool creatable = false;
    /// What `select<Alert>()` returns.
    using query_type = AlertQuery;

    /// @param api API state @param doc the alert document
    /// @param full whether `doc` is the whole alert (a search result). When false (`select<Alert>(unique_id)`), the
    /// alert is read now: `GET /api/v2/alert?cb.fq.unique_id=<id>` (cbapi-python 1.7.1), or on servers before
    /// v2_alert_api_since() a v1 search `q=unique_id:"<id>"`.
    /// @throws ObjectNotFoundError when no alert has the id; MoreThanOneResultError when several do; the request's
    ///         exceptions
    Alert(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full);

    /// Reads the alert again, as the constructor does for `select<Alert>(id)` (the server has no
    /// `GET /api/v1/alert/<id>`; Model::refresh() would ask for it). Local changes are dropped.
    /// @throws as the constructor
    void refresh();

    /// `unique_id`.
    std::string unique_id() const;
    /// `alert_type`, e.g. "watchlist.hit.query.process", "watchlist.hit.query.binary".
    std::string alert_type() const;
    /// `status` ("Unresolved" when absent).
    std::string status() const;
    /// `report_score`; 0 when absent.
    long long report_score() const;
    /// `alert_severity`; 0 when absent.
    double alert_severity() const;
    /// `watchlist_name` (watchlist hits) or the report name (feed hits).
    std::string watchlist_name() const;
    /// `watchlist_id` as text.
    std::string watchlist_id() const;
    /// `feed_name`.
    std::string feed_name() const;
    /// `feed_id` as text.
    std::string feed_id() const;
    /// `md5` of the binary involved.
    std::string md5() const;
    /// `hostname`.
    std::string hostname() const;
    /// `sensor_id` as text.
    std::string sensor_id() const;
    /// `process_name`.
    std::string process_name() const;
    /// `process_id`: the process GUID.
    std::string process_id() const;
    /// `segment_id` of the process; nullopt when absent.
    std::optional<long long> segment_id() const;
    /// `assigned_to`.
    std::string assigned_to() const;
    /// `created_time`.
    std::optional<TimePoint> created_time() const;
    /// `ioc_attr`: what triggered the alert (cbapi-python's `trigger_ioc`); an empty object when absent.
    nlohmann::json trigger_ioc() const;

    /// Sets `status` (save() sends it). @param value one of the status_* values @return this alert
    /// @throws ApiError for another value
    Alert& set_status(const std::string& value);

    // --- triage of this one alert (cbapi-python 1.7.2/1.7.3); each sends at once and updates this object ----------

    /// Ignores future alerts of the report that raised this one (or stops ignoring them) and sets the alert's status:
    /// `POST /api/v1/alerts` with `"alert_ids": [<id>]` and the flag in the form the server expects (see the file
    /// comment). @param ignored the flag @param status the status to set (default "False Positive")
    /// @throws ApiError for an unknown status; the request's exceptions
    void set_ignored(bool ignored = true, const std::string& status = status_false_positive);
    /// Assigns the alert to a user and puts it "In Progress": `POST /api/v1/alerts` with `{"alert_ids": [<id>],
    /// "assigned_to": <user>, "requested_status": "In Progress"}`.
    /// @throws ApiError for an empty user; the request's exceptions
    void assign(const std::string& target);
    /// Sets the status: `POST /api/v1/alert/<id>` with `{"status": <status>, "unique_id": <id>}` (cbapi-python 1.7.3,
    /// which checks the status first, as here).
    /// @throws ApiError for an unknown status; the request's exceptions
    void change_status(const std::string& new_status);

    /// The process of a process alert (`alert_type` contains "process"), else nullopt. From server 6.0 on the
    /// process's default segment (0 = every segment) is used, because 6.x alerts carry truncated segment ids.
    std::optional<Process> process() const;
    /// The binary (`md5`), loaded lazily; nullopt when the alert has no md5.
    std::optional<Binary> binary() const;
    /// The sensor, loaded lazily; nullopt when the alert has no sensor_id.
    std::optional<Sensor> sensor() const;
    /// The feed of a feed hit, loaded lazily; nullopt when the alert has no feed_id or the server's -1 of
    /// watchlist hits.
    std::optional<Feed> feed() const;
    /// The watchlist of a watchlist hit, loaded lazily; nullopt when the alert has no watchlist_id.
    std::optional<Watchlist> watchlist() const;

protected:
    /// The reply to `POST /api/v1/alert/<id>` is the updated alert; `{"result": "success"}` keeps the local
    /// document (there is no GET of one alert to reload it from).
    void apply_reply(const Response& reply, HttpMethod method, const std::string& path, bool created) override;

private:
    void load_by_id();
};

/// The paginated alert query (`GET /api/v1/alert?cb.urlver=1&q=...&rows=...&start=...`, `/api/v2/alert` from
/// Alert::v2_alert_api_since()) with bulk updates.
///
/// Each bulk update first runs the whole search to collect the alerts' `unique_id`s (so that changing them cannot
/// shift the pages being read), then sends one `POST /api/v1/alerts` per batch of ids (500 by default; see
/// bulk_batch_size()) with `"alert_ids": [...]`. A query matching nothing sends nothing (cbapi-python posts an
/// empty id list, which the server rejects).
class AlertQuery : public ResponseQueryBase<AlertQuery, Alert> {
public:
    /// Default number of alert ids per bulk request.
    static constexpr std::size_t default_bulk_batch = 500;

    /// @param api the API state
    explicit AlertQuery(cbapi::detail::ApiHandle api);

    /// A copy that sends at most `ids` alert ids per bulk request. @throws ApiError for 0
    AlertQuery bulk_batch_size(std::size_t ids) const;

    /// Marks every matching alert ignored (or not) and sets their status: `{"set_ignored": <flag>,
    /// "requested_status": <status>}` from Alert::top_level_ignore_since() (cbapi-python 1.7.3), before
    /// `{"updates": {"is_ignored": <flag>, "requested_status": <status>}}`.
    /// @param ignored the flag @param status the status to set (default "False Positive")
    /// @return the number of alerts sent
    /// @throws ApiError for an unknown status; the exceptions of the search and of the POSTs
    std::size_t set_ignored(bool ignored = true, const std::string& status = Alert::status_false_positive) const;
    /// Assigns every matching alert to a user and puts it "In Progress": `{"assigned_to": <user>,
    /// "requested_status": "In Progress"}` (cbapi-python's documentation calls this `assign_to`).
    /// @param target the user name @return the number of alerts sent
    /// @throws ApiError for an empty user; the exceptions of the search and of the POSTs
    std::size_t assign(const std::string& target) const;
    /// Sets the status of every matching alert: `{"requested_status": <status>}`.
    /// @param new_status Unresolved, In Progress, Resolved or False Positive @return the number of alerts sent
    /// @throws ApiError for another status; the exceptions of the search and of the POSTs
    std::size_t change_status(const std::string& new_status) const;

private:
    std::size_t bulk_update(const nlohmann::json& payload) const;

    std::size_t bulk_batch_ = default_bulk_batch;
};

}  // namespace cbapi::response
