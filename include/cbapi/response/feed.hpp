#pragma once
/// @file
/// Cb Response threat intelligence feeds (`/api/v1/feed`), their actions and their threat reports
/// (`/api/v1/threat_report`, `/api/v1/feed/<feed_id>/report/<report_id>`).

#include "cbapi/fwd.hpp"

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/action.hpp"
#include "cbapi/response/binary.hpp"
#include "cbapi/response/process.hpp"
#include "cbapi/response/query.hpp"
#include "cbapi/time.hpp"

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
    static const ModelInfo model_info;
    /// Threat reports come from feeds; they cannot be created through the API.
    static constexpr bool creatable = false;
    /// What `select<ThreatReport>()` returns.
    using query_type = ThreatReportQuery;

    /// @param api API state
    /// @param doc the report document; without `feed_id`, its `id` must be "<feed_id>:<report_id>"
    /// @param full whether it is complete
    /// @throws ApiError "ThreatReport ID must be in form '<feed_id>:<report_id>'"
    ThreatReport(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full);

    /// `feed_id` as text.
    std::string feed_id() const;
    /// The report's id within its feed (`id`).
    std::string report_id() const;
    /// "<feed_id>:<report_id>", the form select<ThreatReport>() takes.
    std::string unique_id() const;
    /// `title`.
    std::string title() const;
    /// `score`; 0 when absent.
    long long score() const;
    /// `link`: where the report is described.
    std::string link() const;
    /// `is_ignored`: whether the report's hits are ignored (false when absent).
    bool is_ignored() const;
    /// `timestamp`: when the report was published.
    std::optional<TimePoint> timestamp() const;
    /// `iocs`: indicators by kind (md5, ipv4, dns, query); an empty object when absent.
    nlohmann::json iocs() const;

    /// The feed (loaded lazily). @throws InvalidObjectError when feed_id is not known
    Feed feed() const;

    /// Ignores the report (sets is_ignored and saves). @throws as save()
    void disable();
    /// Stops ignoring the report (clears is_ignored and saves). @throws as save()
    void enable();

protected:
    std::string save_path(bool create) const override;
    nlohmann::json update_body() const override;

private:
    void set_ignored_and_save(bool ignored);
};

/// The query of threat reports (`GET /api/v1/threat_report`, paginated like every Cb Response search) with the
/// bulk set_ignored() of server 5.1.0 and later.
class ThreatReportQuery : public ResponseQueryBase<ThreatReportQuery, ThreatReport> {
public:
    /// @param api the API state
    explicit ThreatReportQuery(cbapi::detail::ApiHandle api);

    /// Ignores (or stops ignoring) every report the query matches, on the server side in one request:
    /// `POST /api/v1/threat_report` with `{"query": "cb.urlver=1&q=<query>", "updates": {"is_ignored": <flag>}}`
    /// (the query percent-encoded, space as %20). Nothing is searched client-side.
    /// @param ignored true to ignore, false to stop ignoring
    /// @throws ApiError on a server older than 5.1.0, for a query without where() clauses (it would change every
    ///         report of every feed) or a raw query; the request's exceptions
    void set_ignored(bool ignored = true) const;
};

/// A threat intelligence feed: `/api/v1/feed[/<id>]`.
///
/// Listed with `select<Feed>()` (client-side: `where("name:abusech")`), created with `create<Feed>()` (required:
/// feed_url; the server fetches the feed, and answers 500 when it cannot), updated with save() (PUT), deleted with
/// remove(). enable()/disable() set `enabled` and save.
class Feed : public MutableModel {
public:
    /// URL and required fields.
    static const ModelInfo model_info;
    /// `api.create<Feed>()` is allowed.
    static constexpr bool creatable = true;
    /// What `select<Feed>()` returns.
    using query_type = SimpleQuery<Feed>;

    /// @param api API state @param doc the feed document @param full whether it is complete
    Feed(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full);

    /// `name`: the short alphanumeric name used in `alliance_score_<name>` search fields.
    std::string name() const;
    /// `display_name`.
    std::string display_name() const;
    /// `feed_url`: where the server fetches the feed (file://, http:// or https://).
    std::string feed_url() const;
    /// `enabled` (false when absent).
    bool enabled() const;
    /// `category`.
    std::string category() const;
    /// `provider_url`.
    std::string provider_url() const;
    /// `summary`.
    std::string summary() const;
    /// `tech_data`.
    std::string tech_data() const;
    /// `use_proxy`.
    bool use_proxy() const;
    /// `validate_server_cert` (HTTPS feeds).
    bool validate_server_cert() const;
    /// `manually_added`: false for feeds that come from the Alliance.
    bool manually_added() const;
    /// `username` for HTTP authentication.
    std::string username() const;
    /// `password` for HTTP authentication.
    std::string password() const;
    /// `ssl_client_crt`: PEM client certificate.
    std::string ssl_client_crt() const;
    /// `ssl_client_key`: PEM client key.
    std::string ssl_client_key() const;

    /// Sets `feed_url`. @param value the URL @return this feed
    Feed& set_feed_url(const std::string& value);
    /// Sets `enabled`. @param value whether the feed is used @return this feed
    Feed& set_enabled(bool value);
    /// Sets `use_proxy`. @param value whether the server fetches through its proxy @return this feed
    Feed& set_use_proxy(bool value);
    /// Sets `validate_server_cert`. @param value whether the server checks the feed's certificate @return this feed
    Feed& set_validate_server_cert(bool value);
    /// Sets `username` and `password` for HTTP authentication. @param user the user @param pass the password
    /// @return this feed
    Feed& set_credentials(const std::string& user, const std::string& pass);
    /// Sets `ssl_client_crt` and `ssl_client_key` (PEM text) for TLS client authentication.
    /// @param certificate the certificate @param key the private key @return this feed
    Feed& set_client_certificate(const std::string& certificate, const std::string& key);

    /// Enables the feed (sets `enabled` and saves). @throws as save()
    void enable();
    /// Disables the feed (clears `enabled` and saves). @throws as save()
    void disable();

    /// Asks the server to fetch the feed now: `POST /api/v1/feed/<id>/synchronize` with `{"full_sync": <flag>}`.
    /// @param full_sync fetch every report again (true) or only what changed
    /// @throws InvalidObjectError for a feed never saved; ApiError "Cannot synchronize feed <id>: feed is disabled"
    ///         when the server answers 409; the request's other exceptions
    void synchronize(bool full_sync = true) const;

    /// The feed's actions (`GET /api/v1/feed/<id>/action`). @throws InvalidObjectError for a feed never saved
    ActionQuery<FeedAction> actions() const;
    /// A new action of this feed (`group_id` = the feed's id, `watchlist_id` = -1 as the server requires); nothing
    /// is sent until its save(). @throws InvalidObjectError for a feed never saved
    FeedAction create_action() const;

    /// The feed's threat reports: `select<ThreatReport>().where("feed_id:<id>")`.
    /// @throws InvalidObjectError for a feed never saved
    ThreatReportQuery reports() const;

    /// The processes the feed scored between `min_score` and `max_score`:
    /// `alliance_score_<name>:[<min> TO <max>]`; nullopt when the feed is disabled.
    /// @param min_score lowest score ("1" by default) @param max_score highest score ("*" = no limit)
    /// @throws InvalidObjectError "Feed has no name"
    std::optional<typename Process::query_type> search_processes(const std::string& min_score = "1",
                                                                 const std::string& max_score = "*") const;
    /// The binaries the feed scored between `min_score` and `max_score`; nullopt when the feed is disabled.
    /// @param min_score lowest score ("1" by default) @param max_score highest score ("*" = no limit)
    /// @throws InvalidObjectError "Feed has no name"
    std::optional<typename Binary::query_type> search_binaries(const std::string& min_score = "1",
                                                               const std::string& max_score = "*") const;

private:
    Feed& chain(const char* field, nlohmann::json value);
    std::string score_clause(const std::string& min_score, const std::string& max_score) const;
    void require_saved(const char* what) const;
};

/// An action of a feed: `/api/v1/feed/<group_id>/action[/<id>]` (POST creates, PUT updates, DELETE removes; no GET
/// of one action). Required: action_type, group_id (the feed id), watchlist_id (-1 for feeds).
class FeedAction : public ActionModel {
public:
    /// The list (and creation) URL of a feed's actions. @param feed_id the feed's id
    static std::string list_path(const std::string& feed_id);
    /// URL of one action, required fields.
    static const ModelInfo model_info;
    /// `api.create<FeedAction>()` is allowed (set group_id and watchlist_id yourself, or use Feed::create_action()).
    static constexpr bool creatable = true;
    /// What `select<FeedAction>()` returns: needs `.where("group_id:<feed id>")`.
    using query_type = ActionQuery<FeedAction>;
    /// The where() field of the query.
    static constexpr const char* parent_field = "group_id";

    /// @param api API state @param doc the action document @param full ignored: actions are always complete
    FeedAction(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full = true);

    /// The feed's id (`group_id`).
    std::string feed_id() const;
    /// The feed (loaded lazily). @throws InvalidObjectError when group_id is not set
    Feed feed() const;
    /// Sets `group_id` (the feed). @param id the feed's id @return this action
    FeedAction& set_feed_id(const std::string& id);
    /// Sets `watchlist_id` (-1 for a feed action). @param id the value @return this action
    FeedAction& set_watchlist_id(long long id);

protected:
    std::string save_path(bool create) const override;
};

}  // namespace cbapi::response
