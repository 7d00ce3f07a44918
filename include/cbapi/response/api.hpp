#pragma once
/// @file
/// CbResponseAPI: the entry point for Cb Response (Enterprise Response).

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

#include "cbapi/api_base.hpp"
#include "cbapi/connection.hpp"
#include "cbapi/credentials.hpp"
#include "cbapi/detail/api_state.hpp"
#include "cbapi/detail/json_text.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/live_response/manager.hpp"
#include "cbapi/response/console_url.hpp"
#include "cbapi/response/models.hpp"
#include "cbapi/response/query.hpp"
#include "cbapi/server_version.hpp"

namespace cbapi::response {

/// Options of a CbResponseAPI.
struct ApiOptions {
    /// Connection settings: the defaults of ConnectionOptions (a 120 s request timeout, as in cbapi-python, a
    /// low-speed limit and reply caps; docs/transport.md).
    ConnectionOptions connection = default_connection();
    /// Where credentials come from (profile, files, environment) when the API is made from a profile.
    CredentialOptions credentials;

    /// The default connection settings (ConnectionOptions' own).
    static ConnectionOptions default_connection() { return ConnectionOptions{}; }
};

/// What a console link points to: an object, or a search as a query.
using ConsoleObject = std::variant<Process, Binary, Watchlist, Investigation, ThreatReport, Process::query_type,
                                   Binary::query_type, Alert::query_type, ThreatReport::query_type>;

/// The Cb Response API. Construction asks the server for `/api/info` (its version decides several request formats).
///
/// Thread-safe and cheap to copy: copies share one connection. Queries and models it returns are plain values.
///
/// @code
/// auto cb = cbapi::response::CbResponseAPI::from_profile("default");
/// std::cout << cb.server_version() << "\n";
/// @endcode
class CbResponseAPI : public ApiBase {
public:
    /// Connects with the credentials of a profile (`CBAPI_PROFILE` or "default" when none is given).
    /// @throws CredentialError, UnauthorizedError "Invalid API token for server <url>.", ApiError for servers older
    ///         than 5.0, and the request's exceptions
    static CbResponseAPI from_profile(std::optional<std::string> profile = std::nullopt, ApiOptions options = {}) {
        if (profile) options.credentials.profile = std::move(profile);
        // Loaded first: in one call expression `options` could be moved from before it is read.
        const Credentials credentials = load_credentials(Product::response, options.credentials);
        return CbResponseAPI(credentials, std::move(options));
    }

    /// Connects with explicit credentials.
    explicit CbResponseAPI(const Credentials& credentials, ApiOptions options = {})
        : ApiBase(connect(credentials, std::move(options))) {}

    /// Connects to `url` with `token` (TLS verification on; use the Credentials form for other settings).
    CbResponseAPI(std::string url, std::string token, ApiOptions options = {})
        : CbResponseAPI(make_credentials(std::move(url), std::move(token)), std::move(options)) {}

    /// What `/api/info` said at construction.
    const nlohmann::json& server_info() const noexcept { return state_->server_info; }
    /// The server version from `/api/info`.
    const ServerVersion& server_version() const noexcept { return *state_->server_version; }

    /// Asks the server again for `/api/info`.
    nlohmann::json info() const { return state_->connection.get_json("/api/info"); }

    /// A Live Response session manager for this server's sensors (cbapi-python's `cb.live_response`). Each call
    /// makes a new manager; keep it to share its sessions, keepalive cache and job pool.
    /// @param options timeouts, keepalive, workers, sleeper and clock
    /// @throws ApiError "Cb server does not support Live Response" when `/api/info` lacks `cblrEnabled: true`
    /// @code
    /// auto session = cb.live_response().request_session(3);
    /// @endcode
    ::cbapi::live_response::SessionManager live_response(
        ::cbapi::live_response::LiveResponseOptions options = {}) const {
        return ::cbapi::live_response::SessionManager(state_, std::move(options));
    }

    /// The license request block (`GET /api/license`), empty when the server gives none.
    std::string license_request() const {
        const auto body = state_->connection.get_json("/api/license", {}, nlohmann::json::object());
        const auto it = body.find("license_request_block");
        return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
    }

    /// Installs a license (`POST /api/license`).
    /// @throws ServerError unless the server answers `{"status": "success"}`
    void update_license(const std::string& license_block) const {
        const Response reply =
            state_->connection.send_json_raw(HttpMethod::post, "/api/license", {{"license", license_block}});
        const auto body = cbapi::detail::parse_json_body(reply.body);
        if (reply.status != 200 || !body.is_object() || body.value("status", std::string()) != "success")
            throw ServerError(reply.status, reply.body, "POST", url() + "/api/license", reply.body,
                              "Did not update license.");
    }

    /// Starts a new hot ("writer") event partition; the current one becomes warm
    /// (`POST /api/v1/storage/events/new_partition`, body null). See StoragePartition.
    /// @throws ApiError on a server older than 6.1; the request's exceptions
    void create_new_partition() const {
        check_version(StoragePartition::model_info);
        state_->connection.post_json("/api/v1/storage/events/new_partition", nlohmann::json(nullptr));
    }

    /// The object or search a console (web UI) link points to, e.g.
    /// `https://cb/#/analyze/<guid>/<segment>` → Process, `#/binary/<md5>` → Binary, `#/watchlist/<id>` → Watchlist,
    /// `#/search/?q=...` → Process::query_type, `#/binaries/...` → Binary::query_type, `#/alerts/...` → AlertQuery,
    /// `#/threats/...` → ThreatReportQuery, `#/threat-details/<feed>/<report>` → ThreatReport,
    /// `#/investigation/<id>` → Investigation (looked up in the list).
    /// @throws ApiError for a link to another server or one that names no object (see parse_console_url)
    ConsoleObject from_ui(std::string_view console_url) const {
        const ConsoleLink link = parse_console_url(url(), console_url);
        switch (link.kind) {
            case ConsoleLink::Kind::process:
                return Process(state_, {{"id", link.id}, {"segment_id", link.segment.value_or(0)}}, false);
            case ConsoleLink::Kind::binary: return select<Binary>(link.id);
            case ConsoleLink::Kind::watchlist: return select<Watchlist>(link.id);
            case ConsoleLink::Kind::investigation: return select<Investigation>().where("id:" + link.id).one();
            case ConsoleLink::Kind::threat_report:
                return ThreatReport(state_, {{"feed_id", link.id}, {"id", link.report_id}}, false);
            case ConsoleLink::Kind::process_search: return select<Process>().raw(link.query);
            case ConsoleLink::Kind::binary_search: return select<Binary>().raw(link.query);
            case ConsoleLink::Kind::alert_search: return select<Alert>().raw(link.query);
            case ConsoleLink::Kind::threat_search: return select<ThreatReport>().raw(link.query);
        }
        throw ApiError("Unknown URL endpoint: " + std::string(console_url));
    }

private:
    static Credentials make_credentials(std::string url, std::string token) {
        Credentials c;
        c.url = std::move(url);
        c.token = std::move(token);
        return c;
    }

    static cbapi::detail::ApiHandle connect(const Credentials& credentials, ApiOptions options) {
        Connection connection(credentials, std::move(options.connection));
        nlohmann::json info;
        try {
            info = connection.get_json("/api/info");
        } catch (const UnauthorizedError& e) {
            throw UnauthorizedError(connection.url(), "Invalid API token for server " + connection.url() + ".",
                                    "GET", e.body());
        }
        if (!info.is_object() || !info.contains("version") || !info["version"].is_string())
            throw ServerError(200, "The server's /api/info has no version", "GET", connection.url() + "/api/info",
                              cbapi::detail::json_text(info));
        ServerVersion version = ServerVersion::parse(info["version"].get<std::string>());
        if (version < ServerVersion{5, 0})
            throw ApiError("CbResponseAPI only supports Cb servers version >= 5.0.0 (server " + connection.url() +
                           " reports " + version.to_string() + ")");
        auto state = std::make_shared<cbapi::detail::ApiState>(
            cbapi::detail::ApiState{std::move(connection), Product::response, std::move(info), std::move(version)});
        return state;
    }
};

}  // namespace cbapi::response
