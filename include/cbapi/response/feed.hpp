#pragma once
/// @file
/// Cb Response threat intelligence feeds (`/api/v1/feed`), their actions and their threat reports
/// (`/api/v1/threat_report`, `/api/v1/feed/<feed_id>/report/<report_id>`).

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "cbapi/detail/url.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/action.hpp"
#include "cbapi/response/binary.hpp"
#include "cbapi/response/model_support.hpp"
#include "cbapi/response/process.hpp"
#include "cbapi/response/query.hpp"

namespace cbapi::response {

class Feed;
class FeedAction;
class ThreatReport;
class ThreatReportQuery;

/// A threat report of a feed, identified by feed id and report id: `GET /api/v1/feed/<feed_id>/report/<id>`.
///
/// `select<ThreatReport>("<feed_id>:<report_id>")` names one; `select<ThreatReport>().where("feed_id:7")` (or
/// Feed::reports()) searches them. save() sends only the changed fields, in the bulk form
/// `POST /api/v1/threat_report {"ids": {"<feed_id>": ["<report_id>"]}, "updates": {...}}`, then reloads the report.
class ThreatReport : public MutableModel {
public:
    /// URL of one report, update verb POST.
    inline static const ModelInfo model_info =
        ModelInfo("ThreatReport", "/api/v1/threat_report")
            .updated_with(HttpMethod::post)
            .located_by([](const nlohmann::json& doc) {
                return "/api/v1/feed/" + cbapi::detail::encode_path_segment(detail::text_field(doc, "feed_id")) +
                       "/report/" + cbapi::detail::encode_path_segment(detail::text_field(doc, "id"));
            });
    /// Threat reports come from feeds; they cannot be created through the API.
    static constexpr bool creatable = false;
    /// What `select<ThreatReport>()` returns.
    using query_type = ThreatReportQuery;

    /// @param api API state
    /// @param doc the report document; without `feed_id`, its `id` must be "<feed_id>:<report_id>"
    /// @param full whether it is complete
    /// @throws ApiError "ThreatReport ID must be in form '<feed_id>:<report_id>'"
    ThreatReport(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
        : MutableModel(model_info, std::move(api), split_id(std::move(doc)), full) {}

    /// `feed_id` as text.
    std::string feed_id() const { return detail::text_field(document(), "feed_id"); }
    /// The report's id within its feed (`id`).
    std::string report_id() const { return id(); }
    /// "<feed_id>:<report_id>", the form select<ThreatReport>() takes.
    std::string unique_id() const { return feed_id() + ":" + report_id(); }
    /// `title`.
    std::string title() const { return get_or<std::string>("title", ""); }
    /// `score`; 0 when absent.
    long long score() const { return get_or<long long>("score", 0); }
    /// `link`: where the report is described.
    std::string link() const { return get_or<std::string>("link", ""); }
    /// `is_ignored`: whether the report's hits are ignored (false when absent).
    bool is_ignored() const { return get_or<bool>("is_ignored", false); }
    /// `timestamp`: when the report was published.
    std::optional<TimePoint> timestamp() const { return get<TimePoint>("timestamp"); }
    /// `iocs`: indicators by kind (md5, ipv4, dns, query); an empty object when absent.
    nlohmann::json iocs() const { return get_or<nlohmann::json>("iocs", nlohmann::json::object()); }

    /// The feed (loaded lazily). @throws InvalidObjectError when feed_id is not known
    Feed feed() const;

    /// Ignores the report (sets is_ignored and saves). @throws as save()
    void disable() { set_ignored_and_save(true); }
    /// Stops ignoring the report (clears is_ignored and saves). @throws as save()
    void enable() { set_ignored_and_save(false); }

protected:
    std::string save_path(bool create) const override {
        return create ? MutableModel::save_path(true) : model_info.url_path;
    }
    nlohmann::json update_body() const override {
        return {{"ids", {{feed_id(), nlohmann::json::array({report_id()})}}}, {"updates", changed_fields()}};
    }

private:
    void set_ignored_and_save(bool ignored) {
        set("is_ignored", ignored);
        save();
    }
    static nlohmann::json split_id(nlohmann::json doc) {
        if (!doc.is_object() || doc.contains("feed_id")) return doc;
        const std::string id = detail::text_field(doc, "id");
        const auto colon = id.find(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == id.size())
            throw ApiError("ThreatReport ID must be in form '<feed_id>:<report_id>', got '" + id + "'");
        doc["feed_id"] = detail::number_if_numeric(id.substr(0, colon));
        doc["id"] = id.substr(colon + 1);
        return doc;
    }
};

/// The query of threat reports (`GET /api/v1/threat_report`, paginated like every Cb Response search) with the
/// bulk set_ignored() of server 5.1.0 and later.
class ThreatReportQuery : public ResponseQueryBase<ThreatReportQuery, ThreatReport> {
public:
    /// @param api the API state
    explicit ThreatReportQuery(cbapi::detail::ApiHandle api)
        : ResponseQueryBase<ThreatReportQuery, ThreatReport>(std::move(api)) {}

    /// Ignores (or stops ignoring) every report the query matches, on the server side in one request:
    /// `POST /api/v1/threat_report` with `{"query": "cb.urlver=1&q=<query>", "updates": {"is_ignored": <flag>}}`
    /// (the query percent-encoded, space as %20). Nothing is searched client-side.
    /// @param ignored true to ignore, false to stop ignoring
    /// @throws ApiError on a server older than 5.1.0, for a query without where() clauses (it would change every
    ///         report of every feed) or a raw query; the request's exceptions
    void set_ignored(bool ignored = true) const {
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
};

/// A threat intelligence feed: `/api/v1/feed[/<id>]`.
///
/// Listed with `select<Feed>()` (client-side: `where("name:abusech")`), created with `create<Feed>()` (required:
/// feed_url; the server fetches the feed, and answers 500 when it cannot), updated with save() (PUT), deleted with
/// remove(). enable()/disable() set `enabled` and save.
class Feed : public MutableModel {
public:
    /// URL and required fields.
    inline static const ModelInfo model_info = ModelInfo("Feed", "/api/v1/feed").required({"feed_url"});
    /// `api.create<Feed>()` is allowed.
    static constexpr bool creatable = true;
    /// What `select<Feed>()` returns.
    using query_type = SimpleQuery<Feed>;

    /// @param api API state @param doc the feed document @param full whether it is complete
    Feed(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
        : MutableModel(model_info, std::move(api), std::move(doc), full) {}

    /// `name`: the short alphanumeric name used in `alliance_score_<name>` search fields.
    std::string name() const { return get_or<std::string>("name", ""); }
    /// `display_name`.
    std::string display_name() const { return get_or<std::string>("display_name", ""); }
    /// `feed_url`: where the server fetches the feed (file://, http:// or https://).
    std::string feed_url() const { return get_or<std::string>("feed_url", ""); }
    /// `enabled` (false when absent).
    bool enabled() const { return get_or<bool>("enabled", false); }
    /// `category`.
    std::string category() const { return get_or<std::string>("category", ""); }
    /// `provider_url`.
    std::string provider_url() const { return get_or<std::string>("provider_url", ""); }
    /// `summary`.
    std::string summary() const { return get_or<std::string>("summary", ""); }
    /// `tech_data`.
    std::string tech_data() const { return get_or<std::string>("tech_data", ""); }
    /// `use_proxy`.
    bool use_proxy() const { return get_or<bool>("use_proxy", false); }
    /// `validate_server_cert` (HTTPS feeds).
    bool validate_server_cert() const { return flag("validate_server_cert"); }
    /// `manually_added`: false for feeds that come from the Alliance.
    bool manually_added() const { return get_or<bool>("manually_added", false); }
    /// `username` for HTTP authentication.
    std::string username() const { return get_or<std::string>("username", ""); }
    /// `password` for HTTP authentication.
    std::string password() const { return get_or<std::string>("password", ""); }
    /// `ssl_client_crt`: PEM client certificate.
    std::string ssl_client_crt() const { return get_or<std::string>("ssl_client_crt", ""); }
    /// `ssl_client_key`: PEM client key.
    std::string ssl_client_key() const { return get_or<std::string>("ssl_client_key", ""); }

    /// Sets `feed_url`. @param value the URL @return this feed
    Feed& set_feed_url(const std::string& value) { return chain("feed_url", value); }
    /// Sets `enabled`. @param value whether the feed is used @return this feed
    Feed& set_enabled(bool value) { return chain("enabled", value); }
    /// Sets `use_proxy`. @param value whether the server fetches through its proxy @return this feed
    Feed& set_use_proxy(bool value) { return chain("use_proxy", value); }
    /// Sets `validate_server_cert`. @param value whether the server checks the feed's certificate @return this feed
    Feed& set_validate_server_cert(bool value) { return chain("validate_server_cert", value); }
    /// Sets `username` and `password` for HTTP authentication. @param user the user @param pass the password
    /// @return this feed
    Feed& set_credentials(const std::string& user, const std::string& pass) {
        set("username", user);
        return chain("password", pass);
    }
    /// Sets `ssl_client_crt` and `ssl_client_key` (PEM text) for TLS client authentication.
    /// @param certificate the certificate @param key the private key @return this feed
    Feed& set_client_certificate(const std::string& certificate, const std::string& key) {
        set("ssl_client_crt", certificate);
        return chain("ssl_client_key", key);
    }

    /// Enables the feed (sets `enabled` and saves). @throws as save()
    void enable() {
        set("enabled", true);
        save();
    }
    /// Disables the feed (clears `enabled` and saves). @throws as save()
    void disable() {
        set("enabled", false);
        save();
    }

    /// Asks the server to fetch the feed now: `POST /api/v1/feed/<id>/synchronize` with `{"full_sync": <flag>}`.
    /// @param full_sync fetch every report again (true) or only what changed
    /// @throws InvalidObjectError for a feed never saved; ApiError "Cannot synchronize feed <id>: feed is disabled"
    ///         when the server answers 409; the request's other exceptions
    void synchronize(bool full_sync = true) const {
        require_saved("synchronize");
        const std::string path = "/api/v1/feed/" + cbapi::detail::encode_path_segment(id()) + "/synchronize";
        try {
            api()->connection.post_json(path, {{"full_sync", full_sync}});
        } catch (const ServerError& e) {
            if (e.status() == 409) throw ApiError("Cannot synchronize feed " + id() + ": feed is disabled");
            throw;
        }
    }

    /// The feed's actions (`GET /api/v1/feed/<id>/action`). @throws InvalidObjectError for a feed never saved
    ActionQuery<FeedAction> actions() const;
    /// A new action of this feed (`group_id` = the feed's id, `watchlist_id` = -1 as the server requires); nothing
    /// is sent until its save(). @throws InvalidObjectError for a feed never saved
    FeedAction create_action() const;

    /// The feed's threat reports: `select<ThreatReport>().where("feed_id:<id>")`.
    /// @throws InvalidObjectError for a feed never saved
    ThreatReportQuery reports() const {
        require_saved("list reports of");
        return ThreatReportQuery(api()).where("feed_id:" + id());
    }

    /// The processes the feed scored between `min_score` and `max_score`:
    /// `alliance_score_<name>:[<min> TO <max>]`; nullopt when the feed is disabled.
    /// @param min_score lowest score ("1" by default) @param max_score highest score ("*" = no limit)
    /// @throws InvalidObjectError "Feed has no name"
    std::optional<typename Process::query_type> search_processes(const std::string& min_score = "1",
                                                                 const std::string& max_score = "*") const {
        if (!enabled()) return std::nullopt;
        return typename Process::query_type(api()).where(score_clause(min_score, max_score));
    }
    /// The binaries the feed scored between `min_score` and `max_score`; nullopt when the feed is disabled.
    /// @param min_score lowest score ("1" by default) @param max_score highest score ("*" = no limit)
    /// @throws InvalidObjectError "Feed has no name"
    std::optional<typename Binary::query_type> search_binaries(const std::string& min_score = "1",
                                                               const std::string& max_score = "*") const {
        if (!enabled()) return std::nullopt;
        return typename Binary::query_type(api()).where(score_clause(min_score, max_score));
    }

private:
    Feed& chain(const char* field, nlohmann::json value) {
        set(field, std::move(value));
        return *this;
    }
    // The server stores validate_server_cert as a boolean or as the text "true"/"false".
    bool flag(const char* field) const {
        const auto value = get<nlohmann::json>(field);
        if (!value) return false;
        if (value->is_boolean()) return value->get<bool>();
        if (value->is_string()) return value->get<std::string>() == "true";
        return false;
    }
    std::string score_clause(const std::string& min_score, const std::string& max_score) const {
        std::string lowered = name();
        if (lowered.empty()) throw InvalidObjectError("Feed has no name");
        for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return "alliance_score_" + lowered + ":[" + min_score + " TO " + max_score + "]";
    }
    void require_saved(const char* what) const {
        if (id().empty()) throw InvalidObjectError(std::string("Save the feed before you ") + what + " it");
    }
};

/// An action of a feed: `/api/v1/feed/<group_id>/action[/<id>]` (POST creates, PUT updates, DELETE removes; no GET
/// of one action). Required: action_type, group_id (the feed id), watchlist_id (-1 for feeds).
class FeedAction : public ActionModel {
public:
    /// The list (and creation) URL of a feed's actions. @param feed_id the feed's id
    static std::string list_path(const std::string& feed_id) {
        return "/api/v1/feed/" + cbapi::detail::encode_path_segment(feed_id) + "/action";
    }
    /// URL of one action, required fields.
    inline static const ModelInfo model_info =
        ModelInfo("FeedAction", "/api/v1/feed")
            .required({"action_type", "group_id", "watchlist_id"})
            .located_by([](const nlohmann::json& doc) {
                return list_path(detail::text_field(doc, "group_id")) + "/" +
                       cbapi::detail::encode_path_segment(detail::text_field(doc, "id"));
            });
    /// `api.create<FeedAction>()` is allowed (set group_id and watchlist_id yourself, or use Feed::create_action()).
    static constexpr bool creatable = true;
    /// What `select<FeedAction>()` returns: needs `.where("group_id:<feed id>")`.
    using query_type = ActionQuery<FeedAction>;
    /// The where() field of the query.
    static constexpr const char* parent_field = "group_id";

    /// @param api API state @param doc the action document @param full ignored: actions are always complete
    FeedAction(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full = true)
        : ActionModel(model_info, std::move(api), std::move(doc)) {
        (void)full;
    }

    /// The feed's id (`group_id`).
    std::string feed_id() const { return detail::text_field(document(), "group_id"); }
    /// The feed (loaded lazily). @throws InvalidObjectError when group_id is not set
    Feed feed() const {
        if (feed_id().empty()) throw InvalidObjectError("This FeedAction has no group_id");
        return Feed(api(), {{"id", parent_id_value(feed_id())}}, false);
    }
    /// Sets `group_id` (the feed). @param id the feed's id @return this action
    FeedAction& set_feed_id(const std::string& id) {
        set("group_id", parent_id_value(id));
        return *this;
    }
    /// Sets `watchlist_id` (-1 for a feed action). @param id the value @return this action
    FeedAction& set_watchlist_id(long long id) {
        set("watchlist_id", id);
        return *this;
    }

protected:
    std::string save_path(bool create) const override {
        if (!create) return ActionModel::save_path(false);
        return list_path(feed_id());
    }
};

inline Feed ThreatReport::feed() const {
    if (feed_id().empty()) throw InvalidObjectError("This ThreatReport has no feed_id");
    return Feed(api(), {{"id", document().at("feed_id")}}, false);
}

inline ActionQuery<FeedAction> Feed::actions() const {
    require_saved("list actions of");
    return ActionQuery<FeedAction>(api()).where(std::string(FeedAction::parent_field) + ":" + id());
}

inline FeedAction Feed::create_action() const {
    require_saved("add actions to");
    FeedAction action(api(), nlohmann::json::object());
    action.set_feed_id(id());
    action.set_watchlist_id(-1);
    return action;
}

}  // namespace cbapi::response
