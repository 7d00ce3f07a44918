#pragma once
/// @file
/// Cb Response alerts (`/api/v1/alert`) and their bulk updates (`POST /api/v1/alerts`).

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cbapi/detail/url.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/binary.hpp"
#include "cbapi/response/feed.hpp"
#include "cbapi/response/model_support.hpp"
#include "cbapi/response/process.hpp"
#include "cbapi/response/query.hpp"
#include "cbapi/response/sensor.hpp"
#include "cbapi/response/watchlist.hpp"

namespace cbapi::response {

class AlertQuery;

/// An alert raised by a watchlist or feed hit. Search with `select<Alert>().where("-status:Resolved")`.
///
/// The server has no route to read one alert: an Alert holds what the search returned and is complete as such
/// (a missing field is nullopt, never a request). Change it with set_status()/set() and save(), which sends
/// `POST /api/v1/alert/<unique_id>` with the whole document.
class Alert : public MutableModel {
public:
    /// Statuses the server knows.
    static constexpr const char* status_unresolved = "Unresolved";
    static constexpr const char* status_in_progress = "In Progress";
    static constexpr const char* status_resolved = "Resolved";
    static constexpr const char* status_false_positive = "False Positive";

    /// URL, primary key `unique_id`, update verb POST.
    inline static const ModelInfo model_info =
        ModelInfo("Alert", "/api/v1/alert").key("unique_id").updated_with(HttpMethod::post).search_results_full();
    /// Alerts are raised by the server; they cannot be created through the API.
    static constexpr bool creatable = false;
    /// What `select<Alert>()` returns.
    using query_type = AlertQuery;

    /// @param api API state @param doc the alert document @param full ignored: an alert is always complete
    Alert(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
        : MutableModel(model_info, std::move(api), std::move(doc), /*full=*/true) {
        (void)full;
    }

    /// `unique_id`.
    std::string unique_id() const { return id(); }
    /// `alert_type`, e.g. "watchlist.hit.query.process", "watchlist.hit.query.binary".
    std::string alert_type() const { return get_or<std::string>("alert_type", ""); }
    /// `status` ("Unresolved" when absent).
    std::string status() const { return get_or<std::string>("status", status_unresolved); }
    /// `report_score`; 0 when absent.
    long long report_score() const { return get_or<long long>("report_score", 0); }
    /// `alert_severity`; 0 when absent.
    double alert_severity() const { return get_or<double>("alert_severity", 0.0); }
    /// `watchlist_name` (watchlist hits) or the report name (feed hits).
    std::string watchlist_name() const { return get_or<std::string>("watchlist_name", ""); }
    /// `watchlist_id` as text.
    std::string watchlist_id() const { return detail::text_field(document(), "watchlist_id"); }
    /// `feed_name`.
    std::string feed_name() const { return get_or<std::string>("feed_name", ""); }
    /// `feed_id` as text.
    std::string feed_id() const { return detail::text_field(document(), "feed_id"); }
    /// `md5` of the binary involved.
    std::string md5() const { return get_or<std::string>("md5", ""); }
    /// `hostname`.
    std::string hostname() const { return get_or<std::string>("hostname", ""); }
    /// `sensor_id` as text.
    std::string sensor_id() const { return detail::text_field(document(), "sensor_id"); }
    /// `process_name`.
    std::string process_name() const { return get_or<std::string>("process_name", ""); }
    /// `process_id`: the process GUID.
    std::string process_id() const { return get_or<std::string>("process_id", ""); }
    /// `segment_id` of the process; nullopt when absent.
    std::optional<long long> segment_id() const { return get<long long>("segment_id"); }
    /// `assigned_to`.
    std::string assigned_to() const { return get_or<std::string>("assigned_to", ""); }
    /// `created_time`.
    std::optional<TimePoint> created_time() const { return get<TimePoint>("created_time"); }
    /// `ioc_attr`: what triggered the alert (cbapi-python's `trigger_ioc`); an empty object when absent.
    nlohmann::json trigger_ioc() const { return get_or<nlohmann::json>("ioc_attr", nlohmann::json::object()); }

    /// Sets `status` (save() sends it). @param value one of the status_* values @return this alert
    /// @throws ApiError for another value
    Alert& set_status(const std::string& value) {
        if (value != status_unresolved && value != status_in_progress && value != status_resolved &&
            value != status_false_positive)
            throw ApiError("Unknown alert status '" + value +
                           "' (expected Unresolved, In Progress, Resolved or False Positive)");
        set("status", value);
        return *this;
    }

    /// The process of a process alert (`alert_type` contains "process"), else nullopt. From server 6.0 on the
    /// process's default segment (0 = every segment) is used, because 6.x alerts carry truncated segment ids.
    std::optional<Process> process() const {
        if (alert_type().find("process") == std::string::npos || process_id().empty()) return std::nullopt;
        nlohmann::json doc = {{"id", process_id()}};
        static const ServerVersion segments_from_zero{6, 0};
        if (!api()->at_least(segments_from_zero) && segment_id()) doc["segment_id"] = *segment_id();
        return Process(api(), std::move(doc), false);
    }
    /// The binary (`md5`), loaded lazily; nullopt when the alert has no md5.
    std::optional<Binary> binary() const {
        if (md5().empty()) return std::nullopt;
        return Binary(api(), {{"md5", md5()}}, false);
    }
    /// The sensor, loaded lazily; nullopt when the alert has no sensor_id.
    std::optional<Sensor> sensor() const {
        if (sensor_id().empty()) return std::nullopt;
        return Sensor(api(), {{"id", document().at("sensor_id")}}, false);
    }
    /// The feed of a feed hit, loaded lazily; nullopt when the alert has no feed_id or the server's -1 of
    /// watchlist hits.
    std::optional<Feed> feed() const {
        if (feed_id().empty() || feed_id().front() == '-') return std::nullopt;
        return Feed(api(), {{"id", document().at("feed_id")}}, false);
    }
    /// The watchlist of a watchlist hit, loaded lazily; nullopt when the alert has no watchlist_id.
    std::optional<Watchlist> watchlist() const {
        if (watchlist_id().empty()) return std::nullopt;
        return Watchlist(api(), {{"id", watchlist_id()}}, false);
    }

protected:
    /// The reply to `POST /api/v1/alert/<id>` is the updated alert; `{"result": "success"}` keeps the local
    /// document (there is no GET of one alert to reload it from).
    void apply_reply(const Response& reply, HttpMethod method, const std::string& path, bool created) override {
        const auto parsed = nlohmann::json::parse(reply.body, nullptr, false);
        if (parsed.is_object() && parsed.size() == 1 && parsed.contains("result") && parsed["result"] == "success")
            return;
        if (parsed.is_object() && parsed.contains("unique_id")) {
            mutable_document() = parsed;
            return;
        }
        if (!parsed.is_object()) return;  // no JSON: the change was accepted, the document stays as sent
        MutableModel::apply_reply(reply, method, path, created);
    }
};

/// The paginated alert query (`GET /api/v1/alert?cb.urlver=1&q=...&rows=...&start=...`) with bulk updates.
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
    explicit AlertQuery(cbapi::detail::ApiHandle api) : ResponseQueryBase<AlertQuery, Alert>(std::move(api)) {}

    /// A copy that sends at most `ids` alert ids per bulk request. @throws ApiError for 0
    AlertQuery bulk_batch_size(std::size_t ids) const {
        if (ids == 0) throw ApiError("bulk_batch_size must be at least 1");
        AlertQuery copy = fresh();
        copy.bulk_batch_ = ids;
        return copy;
    }

    /// Marks every matching alert ignored (or not): `{"updates": {"is_ignored": <flag>, "requested_status":
    /// "False Positive"}}`. @param ignored the flag @return the number of alerts sent
    /// @throws the exceptions of the search and of the POSTs
    std::size_t set_ignored(bool ignored = true) const {
        return bulk_update({{"updates", {{"is_ignored", ignored}, {"requested_status", Alert::status_false_positive}}}});
    }
    /// Assigns every matching alert to a user and puts it "In Progress": `{"assigned_to": <user>,
    /// "requested_status": "In Progress"}` (cbapi-python's documentation calls this `assign_to`).
    /// @param target the user name @return the number of alerts sent
    /// @throws ApiError for an empty user; the exceptions of the search and of the POSTs
    std::size_t assign(const std::string& target) const {
        if (target.empty()) throw ApiError("assign() needs a user name");
        return bulk_update({{"assigned_to", target}, {"requested_status", Alert::status_in_progress}});
    }
    /// Sets the status of every matching alert: `{"requested_status": <status>}`.
    /// @param new_status Unresolved, In Progress, Resolved or False Positive @return the number of alerts sent
    /// @throws ApiError for another status; the exceptions of the search and of the POSTs
    std::size_t change_status(const std::string& new_status) const {
        if (new_status != Alert::status_unresolved && new_status != Alert::status_in_progress &&
            new_status != Alert::status_resolved && new_status != Alert::status_false_positive)
            throw ApiError("Unknown alert status '" + new_status +
                           "' (expected Unresolved, In Progress, Resolved or False Positive)");
        return bulk_update({{"requested_status", new_status}});
    }

private:
    std::size_t bulk_update(const nlohmann::json& payload) const {
        std::vector<std::string> ids;
        for (const Alert& alert : *this) {
            const std::string id = alert.unique_id();
            if (id.empty()) throw ServerError(200, "An alert in the search results has no unique_id");
            ids.push_back(id);
        }
        for (std::size_t from = 0; from < ids.size(); from += bulk_batch_) {
            const std::size_t to = std::min(ids.size(), from + bulk_batch_);
            nlohmann::json body = payload;
            body["alert_ids"] = std::vector<std::string>(ids.begin() + static_cast<std::ptrdiff_t>(from),
                                                         ids.begin() + static_cast<std::ptrdiff_t>(to));
            api()->connection.post_json("/api/v1/alerts", body);
        }
        return ids.size();
    }

    std::size_t bulk_batch_ = default_bulk_batch;
};

}  // namespace cbapi::response
