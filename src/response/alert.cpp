// Alerts and their bulk updates (include/cbapi/response/alert.hpp).

#include "cbapi/response/alert.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/errors.hpp"
#include "cbapi/response/model_support.hpp"
#include "cbapi/server_version.hpp"

namespace cbapi::response {

// --- Alert -------------------------------------------------------------------------------------------------------

const ModelInfo Alert::model_info =
    ModelInfo("Alert", "/api/v1/alert").key("unique_id").updated_with(HttpMethod::post).search_results_full();

Alert::Alert(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : MutableModel(model_info, std::move(api), std::move(doc), /*full=*/true) {
    (void)full;
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
    if (value != status_unresolved && value != status_in_progress && value != status_resolved &&
        value != status_false_positive)
        throw ApiError("Unknown alert status '" + value +
                       "' (expected Unresolved, In Progress, Resolved or False Positive)");
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

AlertQuery::AlertQuery(cbapi::detail::ApiHandle api) : ResponseQueryBase<AlertQuery, Alert>(std::move(api)) {}

AlertQuery AlertQuery::bulk_batch_size(std::size_t ids) const {
    if (ids == 0) throw ApiError("bulk_batch_size must be at least 1");
    AlertQuery copy = fresh();
    copy.bulk_batch_ = ids;
    return copy;
}

std::size_t AlertQuery::set_ignored(bool ignored) const {
    return bulk_update({{"updates", {{"is_ignored", ignored}, {"requested_status", Alert::status_false_positive}}}});
}

std::size_t AlertQuery::assign(const std::string& target) const {
    if (target.empty()) throw ApiError("assign() needs a user name");
    return bulk_update({{"assigned_to", target}, {"requested_status", Alert::status_in_progress}});
}

std::size_t AlertQuery::change_status(const std::string& new_status) const {
    if (new_status != Alert::status_unresolved && new_status != Alert::status_in_progress &&
        new_status != Alert::status_resolved && new_status != Alert::status_false_positive)
        throw ApiError("Unknown alert status '" + new_status +
                       "' (expected Unresolved, In Progress, Resolved or False Positive)");
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
