#pragma once
/// @file
/// CbResponseAPI: the entry point for Cb Response (Enterprise Response).

#include "cbapi/fwd.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include <nlohmann/json.hpp>

#include "cbapi/api_base.hpp"
#include "cbapi/connection.hpp"
#include "cbapi/credentials.hpp"
#include "cbapi/detail/api_state.hpp"
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
    static ConnectionOptions default_connection();
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
    static CbResponseAPI from_profile(std::optional<std::string> profile = std::nullopt, ApiOptions options = {});

    /// Connects with explicit credentials.
    explicit CbResponseAPI(const Credentials& credentials, ApiOptions options = {});

    /// Connects to `url` with `token` (TLS verification on; use the Credentials form for other settings).
    CbResponseAPI(std::string url, std::string token, ApiOptions options = {});

    /// What `/api/info` said at construction.
    const nlohmann::json& server_info() const noexcept { return state_->server_info; }
    /// The server version from `/api/info`.
    const ServerVersion& server_version() const noexcept { return *state_->server_version; }

    /// Asks the server again for `/api/info`.
    nlohmann::json info() const;

    using ApiBase::select;

    /// One segment of a process, loaded lazily (cbapi-python's `select(Process, guid, segment)`): its events are
    /// that segment's (`GET /api/v<n>/process/<guid>/<segment>/event`); fields still come from the process summary.
    /// @tparam M Process (the only model with segments)
    /// @param guid the process GUID, or a unique id (its segment suffix is replaced by `segment`)
    /// @param segment the segment id (a millisecond timestamp on 6.x, 1, 2, ... before); 0 = the default segment
    ///        (the whole process on 6.x)
    /// @throws ApiError for an empty GUID or a negative segment
    /// @code
    /// auto p = cb.select<Process>("00000001-0000-0a8c-01d3-10e57fb50000", 1502265600000);
    /// for (const auto& e : p.all_events_segment()) { ... }
    /// @endcode
    template <typename M, typename = std::enable_if_t<std::is_same_v<M, Process>>>
    Process select(const std::string& guid, long long segment) const {
        return select_process(guid, segment);
    }

    /// A Live Response session manager for this server's sensors (cbapi-python's `cb.live_response`). Each call
    /// makes a new manager; keep it to share its sessions, keepalive cache and job pool.
    /// @param options timeouts, keepalive, workers, sleeper and clock
    /// @throws ApiError "Cb server does not support Live Response" when `/api/info` lacks `cblrEnabled: true`
    /// @code
    /// auto session = cb.live_response().request_session(3);
    /// @endcode
    ::cbapi::live_response::SessionManager live_response(
        ::cbapi::live_response::LiveResponseOptions options = {}) const;

    /// The license request block (`GET /api/license`), empty when the server gives none.
    std::string license_request() const;

    /// Installs a license (`POST /api/license`).
    /// @throws ServerError unless the server answers `{"status": "success"}`
    void update_license(const std::string& license_block) const;

    /// Starts a new hot ("writer") event partition; the current one becomes warm
    /// (`POST /api/v1/storage/events/new_partition`, body null). See StoragePartition.
    /// @throws ApiError on a server older than 6.1; the request's exceptions
    void create_new_partition() const;

    /// The sensor versions the server can install, per operating system (`GET /api/v2/builds`; cbapi-python 1.7.3's
    /// SensorBuilds). The `version_string` of each build is what a sensor group's per-OS version policy takes.
    /// @throws ObjectNotFoundError on a server without the builds API; ServerError for a reply that is not
    ///         `{"Windows": [...], "OSX": [...], "Linux": [...]}` of objects with a `version_string`
    SensorBuilds sensor_builds() const;

    /// The console dashboard's statistics (`GET /api/v1/dashboard/statistics`, as the legacy cbapi client's
    /// get_dashboard_stats()): the server's JSON as it sent it.
    /// @throws ServerError for a reply that is not a JSON object; the request's exceptions
    nlohmann::json dashboard_statistics() const;

    /// The object or search a console (web UI) link points to, e.g.
    /// `https://cb/#/analyze/<guid>/<segment>` → Process, `#/binary/<md5>` → Binary, `#/watchlist/<id>` → Watchlist,
    /// `#/search/?q=...` → Process::query_type, `#/binaries/...` → Binary::query_type, `#/alerts/...` → AlertQuery,
    /// `#/threats/...` → ThreatReportQuery, `#/threat-details/<feed>/<report>` → ThreatReport,
    /// `#/investigation/<id>` → Investigation (looked up in the list).
    /// @throws ApiError for a link to another server or one that names no object (see parse_console_url)
    ConsoleObject from_ui(std::string_view console_url) const;

private:
    Process select_process(const std::string& guid, long long segment) const;

    static Credentials make_credentials(std::string url, std::string token);

    static cbapi::detail::ApiHandle connect(const Credentials& credentials, ApiOptions options);
};

}  // namespace cbapi::response
