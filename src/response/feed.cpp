// Threat reports, their query, feeds and feed actions (include/cbapi/response/feed.hpp).

#include "cbapi/response/feed.hpp"

#include <cctype>
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cbapi/detail/url.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/http.hpp"
#include "cbapi/response/model_support.hpp"
#include "cbapi/server_version.hpp"
#include "response/action_query_impl.hpp"
#include "response/numeric_id.hpp"

namespace cbapi::response {

template class ActionQuery<FeedAction>;

namespace {

// "<feed_id>:<report_id>" (what select<ThreatReport>(id) takes) split into the document's feed_id and id.
nlohmann::json split_id(nlohmann::json doc) {
    if (!doc.is_object() || doc.contains("feed_id")) return doc;
    const std::string id = detail::text_field(doc, "id");
    const auto colon = id.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == id.size())
        throw ApiError("ThreatReport ID must be in form '<feed_id>:<report_id>', got '" + id + "'");
    doc["feed_id"] = detail::number_if_numeric(id.substr(0, colon));
    doc["id"] = id.substr(colon + 1);
    return doc;
}

// The server stores validate_server_cert as a boolean or as the text "true"/"false".
bool flag(const Model& model, const char* field) {
    const auto value = model.get<nlohmann::json>(field);
    if (!value) return false;
    if (value->is_boolean()) return value->get<bool>();
    if (value->is_string()) return value->get<std::string>() == "true";
    return false;
}

}  // namespace

// --- ThreatReport ------------------------------------------------------------------------------------------------

// One report's URL names its feed: /api/v1/feed/<feed_id>/report/<id>.
const ModelInfo ThreatReport::model_info =
    ModelInfo("ThreatReport", "/api/v1/threat_report")
        .updated_with(HttpMethod::post)
        .located_by([](const nlohmann::json& doc) {
            return "/api/v1/feed/" + cbapi::detail::encode_path_segment(detail::text_field(doc, "feed_id")) +
                   "/report/" + cbapi::detail::encode_path_segment(detail::text_field(doc, "id"));
        });

ThreatReport::ThreatReport(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : MutableModel(model_info, std::move(api), split_id(std::move(doc)), full) {}

std::string ThreatReport::feed_id() const { return detail::text_field(document(), "feed_id"); }

std::string ThreatReport::report_id() const { return id(); }

std::string ThreatReport::unique_id() const { return feed_id() + ":" + report_id(); }

std::string ThreatReport::title() const { return get_or<std::string>("title", ""); }

long long ThreatReport::score() const { return get_or<long long>("score", 0); }

std::string ThreatReport::link() const { return get_or<std::string>("link", ""); }

bool ThreatReport::is_ignored() const { return get_or<bool>("is_ignored", false); }

std::optional<TimePoint> ThreatReport::timestamp() const { return get<TimePoint>("timestamp"); }

nlohmann::json ThreatReport::iocs() const { return get_or<nlohmann::json>("iocs", nlohmann::json::object()); }

void ThreatReport::disable() { set_ignored_and_save(true); }

void ThreatReport::enable() { set_ignored_and_save(false); }

std::string ThreatReport::save_path(bool create) const {
    return create ? MutableModel::save_path(true) : model_info.url_path;
}

nlohmann::json ThreatReport::update_body() const {
    return {{"ids", {{feed_id(), nlohmann::json::array({report_id()})}}}, {"updates", changed_fields()}};
}

void ThreatReport::set_ignored_and_save(bool ignored) {
    set("is_ignored", ignored);
    save();
}

Feed ThreatReport::feed() const {
    if (feed_id().empty()) throw InvalidObjectError("This ThreatReport has no feed_id");
    return Feed(api(), {{"id", document().at("feed_id")}}, false);
}

// --- ThreatReportQuery -------------------------------------------------------------------------------------------

ThreatReportQuery::ThreatReportQuery(cbapi::detail::ApiHandle api)
    : ResponseQueryBase<ThreatReportQuery, ThreatReport>(std::move(api)) {}

void ThreatReportQuery::set_ignored(bool ignored) const {
    if (!api()->at_least(ServerVersion{5, 1, 0}))
        throw ApiError("Bulk set_ignored of threat reports needs server version 5.1.0 or later");
    if (spec().raw) throw ApiError("set_ignored() cannot be used on a raw query; use where()");
    const std::string q = fmt::format("{}", fmt::join(spec().clauses, " "));
    if (q.find_first_not_of(' ') == std::string::npos)
        throw ApiError("set_ignored() needs a where() clause: an empty query would change every threat report");
    const nlohmann::json body = {{"query", "cb.urlver=1&q=" + cbapi::detail::quote(q)},
                                 {"updates", {{"is_ignored", ignored}}}};
    api()->connection.post_json("/api/v1/threat_report", body);
}

// --- Feed --------------------------------------------------------------------------------------------------------

const ModelInfo Feed::model_info = ModelInfo("Feed", "/api/v1/feed").required({"feed_url"});

Feed::Feed(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : MutableModel(model_info, std::move(api), std::move(doc), full) {}

std::string Feed::name() const { return get_or<std::string>("name", ""); }

std::string Feed::display_name() const { return get_or<std::string>("display_name", ""); }

std::string Feed::feed_url() const { return get_or<std::string>("feed_url", ""); }

bool Feed::enabled() const { return get_or<bool>("enabled", false); }

std::string Feed::category() const { return get_or<std::string>("category", ""); }

std::string Feed::provider_url() const { return get_or<std::string>("provider_url", ""); }

std::string Feed::summary() const { return get_or<std::string>("summary", ""); }

std::string Feed::tech_data() const { return get_or<std::string>("tech_data", ""); }

bool Feed::use_proxy() const { return get_or<bool>("use_proxy", false); }

bool Feed::validate_server_cert() const { return flag(*this, "validate_server_cert"); }

bool Feed::manually_added() const { return get_or<bool>("manually_added", false); }

std::string Feed::username() const { return get_or<std::string>("username", ""); }

std::string Feed::password() const { return get_or<std::string>("password", ""); }

std::string Feed::ssl_client_crt() const { return get_or<std::string>("ssl_client_crt", ""); }

std::string Feed::ssl_client_key() const { return get_or<std::string>("ssl_client_key", ""); }

Feed& Feed::set_feed_url(const std::string& value) { return chain("feed_url", value); }

Feed& Feed::set_enabled(bool value) { return chain("enabled", value); }

Feed& Feed::set_use_proxy(bool value) { return chain("use_proxy", value); }

Feed& Feed::set_validate_server_cert(bool value) { return chain("validate_server_cert", value); }

Feed& Feed::set_credentials(const std::string& user, const std::string& pass) {
    set("username", user);
    return chain("password", pass);
}

Feed& Feed::set_client_certificate(const std::string& certificate, const std::string& key) {
    set("ssl_client_crt", certificate);
    return chain("ssl_client_key", key);
}

void Feed::enable() {
    set("enabled", true);
    save();
}

void Feed::disable() {
    set("enabled", false);
    save();
}

void Feed::synchronize(bool full_sync) const {
    require_saved("synchronize");
    const std::string path = "/api/v1/feed/" + cbapi::detail::encode_path_segment(id()) + "/synchronize";
    try {
        api()->connection.post_json(path, {{"full_sync", full_sync}});
    } catch (const ServerError& e) {
        if (e.status() == 409) throw ApiError("Cannot synchronize feed " + id() + ": feed is disabled");
        throw;
    }
}

ThreatReportQuery Feed::reports() const {
    require_saved("list reports of");
    return ThreatReportQuery(api()).where("feed_id:" + id());
}

ActionQuery<FeedAction> Feed::actions() const {
    require_saved("list actions of");
    return ActionQuery<FeedAction>(api()).where(std::string(FeedAction::parent_field) + ":" + id());
}

FeedAction Feed::create_action() const {
    require_saved("add actions to");
    FeedAction action(api(), nlohmann::json::object());
    action.set_feed_id(id());
    action.set_watchlist_id(-1);
    return action;
}

std::optional<typename Process::query_type> Feed::search_processes(const std::string& min_score,
                                                                   const std::string& max_score) const {
    if (!enabled()) return std::nullopt;
    return typename Process::query_type(api()).where(score_clause(min_score, max_score));
}

std::optional<typename Binary::query_type> Feed::search_binaries(const std::string& min_score,
                                                                 const std::string& max_score) const {
    if (!enabled()) return std::nullopt;
    return typename Binary::query_type(api()).where(score_clause(min_score, max_score));
}

Feed& Feed::chain(const char* field, nlohmann::json value) {
    set(field, std::move(value));
    return *this;
}

std::string Feed::score_clause(const std::string& min_score, const std::string& max_score) const {
    std::string lowered = name();
    if (lowered.empty()) throw InvalidObjectError("Feed has no name");
    for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return "alliance_score_" + lowered + ":[" + min_score + " TO " + max_score + "]";
}

void Feed::require_saved(const char* what) const {
    if (id().empty()) throw InvalidObjectError(std::string("Save the feed before you ") + what + " it");
}

// --- FeedAction --------------------------------------------------------------------------------------------------

std::string FeedAction::list_path(const std::string& feed_id) {
    return "/api/v1/feed/" + cbapi::detail::encode_path_segment(feed_id) + "/action";
}

const ModelInfo FeedAction::model_info =
    ModelInfo("FeedAction", "/api/v1/feed")
        .required({"action_type", "group_id", "watchlist_id"})
        .located_by([](const nlohmann::json& doc) {
            return list_path(detail::text_field(doc, "group_id")) + "/" +
                   cbapi::detail::encode_path_segment(detail::text_field(doc, "id"));
        });

FeedAction::FeedAction(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : ActionModel(model_info, std::move(api), std::move(doc)) {
    (void)full;
}

std::string FeedAction::feed_id() const { return detail::text_field(document(), "group_id"); }

Feed FeedAction::feed() const {
    if (feed_id().empty()) throw InvalidObjectError("This FeedAction has no group_id");
    return Feed(api(), {{"id", parent_id_value(feed_id())}}, false);
}

FeedAction& FeedAction::set_feed_id(const std::string& id) {
    set("group_id", parent_id_value(id));
    return *this;
}

FeedAction& FeedAction::set_watchlist_id(long long id) {
    set("watchlist_id", id);
    return *this;
}

std::string FeedAction::save_path(bool create) const {
    if (!create) return ActionModel::save_path(false);
    return list_path(feed_id());
}


}  // namespace cbapi::response
