// Alerts and their bulk updates (include/cbapi/response/alert.hpp).

#include "cbapi/response/alert.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/api_state.hpp"
#include "cbapi/detail/url.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/model.hpp"
#include "cbapi/response/model_support.hpp"
#include "cbapi/server_version.hpp"

namespace cbapi::response {

// --- Alert -------------------------------------------------------------------------------------------------------

const ModelInfo Alert::model_info =
    ModelInfo("Alert", "/api/v1/alert").key("unique_id").updated_with(HttpMethod::post).search_results_full();

namespace alert_detail {

void check_status(const std::string& value) {
    if (value != Alert::status_unresolved && value != Alert::status_in_progress && value != Alert::status_resolved &&
        value != Alert::status_false_positive)
        throw ApiError("Unknown alert status '" + value +
                       "' (expected Unresolved, In Progress, Resolved or False Positive)");
}

// The set_ignored payload the server expects: top-level keys from 7.0 (cbapi-python 1.7.3, response/models.py
// AlertQuery.set_ignored), the `updates` object before (1.1.1 to 1.7.2).
nlohmann::json ignore_payload(const cbapi::detail::ApiState& api, bool ignored, const std::string& status) {
    check_status(status);
    if (api.at_least(Alert::top_level_ignore_since())) return {{"set_ignored", ignored}, {"requested_status", status}};
    return {{"updates", {{"is_ignored", ignored}, {"requested_status", status}}}};
}

}  // namespace alert_detail

Alert::Alert(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : MutableModel(model_info, std::move(api), std::move(doc), /*full=*/true) {
    if (!full) load_by_id();
}

// cbapi-python 1.7.1 (response/models.py Alert.refresh): GET /api/v2/alert?cb.fq.unique_id=<id>, exactly one result.
// Servers before 6.3 have no v2 route: a v1 search on the field does the same (ASSUMPTION: v1 searches unique_id).
void Alert::load_by_id() {
    const std::string key = id();
    if (key.empty()) throw InvalidObjectError("Cannot load an Alert that has no unique_id");
    std::string path;
    QueryParams params;
    if (api()->at_least(v2_alert_api_since())) {
        path = "/api/v2/alert";
        params = {{"cb.fq.unique_id", key}};
    } else {
        path = "/api/v1/alert";
        std::string quoted;
        for (char c : key) {
            if (c == '"' || c == '\\') quoted.push_back('\\');
            quoted.push_back(c);
        }
        params = {{"cb.urlver", "1"}, {"q", "unique_id:\"" + quoted + "\""}, {"rows", "2"}, {"start", "0"}};
    }
    const nlohmann::json body = api()->connection.get_json(path, params, nlohmann::json::object());
    const auto results = body.find("results");
    if (!body.is_object() || results == body.end() || !results->is_array())
        throw ServerError(200, "Expected {\"results\": [...]} from " + path + " for Alert " + key);
    if (results->empty())
        throw ObjectNotFoundError(api()->connection.url() + path, "Alert could not be found by unique_id " + key);
    if (results->size() > 1) throw MoreThanOneResultError("More than one Alert matched the unique_id " + key);
    if (!(*results)[0].is_object()) throw ServerError(200, "Expected an alert object from " + path);
    mutable_document() = (*results)[0];
}

void Alert::refresh() {
    load_by_id();
    on_refreshed();  // forgets the change marks: the document is the server's again
}

void Alert::set_ignored(bool ignored, const std::string& status) {
    nlohmann::json body = alert_detail::ignore_payload(*api(), ignored, status);
    body["alert_ids"] = {unique_id()};
    api()->connection.post_json("/api/v1/alerts", body);
    mutable_document()["is_ignored"] = ignored;
    mutable_document()["status"] = status;
}

void Alert::assign(const std::string& target) {
    if (target.empty()) throw ApiError("assign() needs a user name");
    api()->connection.post_json("/api/v1/alerts", {{"alert_ids", {unique_id()}},
                                                   {"assigned_to", target},
                                                   {"requested_status", status_in_progress}});
    mutable_document()["assigned_to"] = target;
    mutable_document()["status"] = status_in_progress;
}

// cbapi-python 1.7.3 (Alert.change_status): the single-alert v1 route with just the status and the id.
void Alert::change_status(const std::string& new_status) {
    alert_detail::check_status(new_status);
    const std::string path = "/api/v1/alert/" + cbapi::detail::encode_path_segment(unique_id());
    const nlohmann::json reply =
        api()->connection.post_json(path, {{"status", new_status}, {"unique_id", unique_id()}});
    if (reply.is_object() && reply.contains("unique_id") && reply["unique_id"] == unique_id())
        mutable_document() = reply;
    mutable_document()["status"] = new_status;
}

std::string Alert::unique_id() const { return id(); }

std::string Alert::alert_type() const { return get_or<std::string>("alert_type", ""); }

std::string Alert::status() const { return get_or<std::string>("status", status_unresolved); }

long long Alert::report_score() const { return get_or<long long>("report_score", 0); }

double Alert::alert_severity() const { return get_or<double>("alert_severity", 0.0); }

std::string Alert::watchlist_name() const { return get_or<std::string>("watchlist_name", ""); }

std::string Alert::watchlist_id() const { return detail::text_field(document(), "watchlist_id"); }

std::string Alert::feed_name() const { return get_or<std::string>("feed_name", ""); }

std::string Alert::feed_id() const { return detail::text_field(document(), "feed_id"); }

std::string Alert::md5() const { return get_or<std::string>("md5", ""); }

std::string Alert::hostname() const { return get_or<std::string>("hostname", ""); }

std::string Alert::sensor_id() const { return detail::text_field(document(), "sensor_id"); }

std::string Alert::process_name() const { return get_or<std::string>("process_name", ""); }

std::string Alert::process_id() const { return get_or<std::string>("process_id", ""); }

std::optional<long long> Alert::segment_id() const { return get<long long>("segment_id"); }

std::string Alert::assigned_to() const { return get_or<std::string>("assigned_to", ""); }

std::optional<TimePoint> Alert::created_time() const { return get<TimePoint>("created_time"); }

nlohmann::json Alert::trigger_ioc() const {
    return get_or<nlohmann::json>("ioc_attr", nlohmann::json::object());
}

Alert& Alert::set_status(const std::string& value) {
    alert_detail::check_status(value);
    set("status", value);
    return *this;
}

std::optional<Process> Alert::process() const {
    if (alert_type().find("process") == std::string::npos || process_id().empty()) return std::nullopt;
    nlohmann::json doc = {{"id", process_id()}};
    const ServerVersion segments_from_zero{6, 0};  // 6.x alerts carry truncated segment ids
    if (!api()->at_least(segments_from_zero) && segment_id()) doc["segment_id"] = *segment_id();
    return Process(api(), std::move(doc), false);
}

std::optional<Binary> Alert::binary() const {
    if (md5().empty()) return std::nullopt;
    return Binary(api(), {{"md5", md5()}}, false);
}

std::optional<Sensor> Alert::sensor() const {
    if (sensor_id().empty()) return std::nullopt;
    return Sensor(api(), {{"id", document().at("sensor_id")}}, false);
}

std::optional<Feed> Alert::feed() const {
    if (feed_id().empty() || feed_id().front() == '-') return std::nullopt;
    return Feed(api(), {{"id", document().at("feed_id")}}, false);
}

std::optional<Watchlist> Alert::watchlist() const {
    if (watchlist_id().empty()) return std::nullopt;
    return Watchlist(api(), {{"id", watchlist_id()}}, false);
}

void Alert::apply_reply(const Response& reply, HttpMethod method, const std::string& path, bool created) {
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

// --- AlertQuery --------------------------------------------------------------------------------------------------

// cbapi-python 1.4.3 (#155): alerts are read through the v2 route, where the server has it.
AlertQuery::AlertQuery(cbapi::detail::ApiHandle api) : ResponseQueryBase<AlertQuery, Alert>(std::move(api)) {
    if (this->api()->at_least(Alert::v2_alert_api_since())) set_search_path("/api/v2/alert");
}

AlertQuery AlertQuery::bulk_batch_size(std::size_t ids) const {
    if (ids == 0) throw ApiError("bulk_batch_size must be at least 1");
    AlertQuery copy = fresh();
    copy.bulk_batch_ = ids;
    return copy;
}

std::size_t AlertQuery::set_ignored(bool ignored, const std::string& status) const {
    return bulk_update(alert_detail::ignore_payload(*api(), ignored, status));
}

std::size_t AlertQuery::assign(const std::string& target) const {
    if (target.empty()) throw ApiError("assign() needs a user name");
    return bulk_update({{"assigned_to", target}, {"requested_status", Alert::status_in_progress}});
}

std::size_t AlertQuery::change_status(const std::string& new_status) const {
    alert_detail::check_status(new_status);
    return bulk_update({{"requested_status", new_status}});
}

// The ids are collected first, so that changing the alerts cannot shift the pages being read; then one POST per
// batch. A query matching nothing sends nothing (cbapi-python posts an empty list, which the server rejects).
std::size_t AlertQuery::bulk_update(const nlohmann::json& payload) const {
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


}  // namespace cbapi::response
