#pragma once
/// @file
/// CbDefenseAPI: the entry point for Cb Defense (`/integrationServices/v3/...`).

#include "cbapi/fwd.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/api_base.hpp"
#include "cbapi/connection.hpp"
#include "cbapi/credentials.hpp"
#include "cbapi/defense/device.hpp"
#include "cbapi/defense/event.hpp"
#include "cbapi/defense/notification.hpp"
#include "cbapi/defense/paging.hpp"
#include "cbapi/defense/policy.hpp"
#include "cbapi/detail/api_state.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/live_response/manager.hpp"
#include "cbapi/retry.hpp"

namespace cbapi::defense {

/// Options of a CbDefenseAPI.
struct ApiOptions {
    /// Connection settings: the defaults of ConnectionOptions, as for every product (a 120 s request timeout, a
    /// low-speed limit and reply caps; docs/transport.md). cbapi-python sets no timeout for Defense.
    ConnectionOptions connection;
    /// Where credentials come from when the API is made from a profile.
    CredentialOptions credentials;
};

/// How notification_listener() polls.
struct ListenOptions {
    /// Time between two polls (cbapi-python's default: 60 s).
    std::chrono::milliseconds interval = std::chrono::seconds(60);
    /// Stop after this many polls; unset = until the handler returns false.
    std::optional<std::size_t> max_polls;
    /// How to wait between polls; unset = really sleep. Tests inject one that does not.
    Sleeper sleeper;
};

/// The `X-Auth-Token` value for Cb Defense, `<api key>/<connector id>`, from credentials.
///
/// Accepted forms: a combined `token` (what cbapi-python's `cbapi-defense configure` writes), or separate `api_key`
/// and `connector_id` values in `Credentials::extra` (both; a `token` given as well must then agree with them).
/// @param credentials the profile's credentials
/// @return the header value
/// @throws CredentialError naming what is wrong, never quoting the token
std::string defense_token(const Credentials& credentials);

/// The Cb Defense API. No request is made at construction.
///
/// Thread-safe and cheap to copy: copies share one connection. Queries and models it returns are plain values.
///
/// @code
/// cbapi::defense::CbDefenseAPI cb("https://api-prod05.conferdeploy.net", "APIKEY", "CONNECTORID");
/// for (const auto& d : cb.select<cbapi::defense::Device>().host_name_exact("WIN-1")) std::cout << d.name();
/// @endcode
class CbDefenseAPI : public ApiBase {
public:
    /// Uses the credentials of a profile of `credentials.defense` (`CBAPI_PROFILE` or "default" when none given).
    /// @param profile profile name @param options connection and credential options
    /// @return the API object
    /// @throws CredentialError when the profile is missing or its token is not `<api key>/<connector id>`
    static CbDefenseAPI from_profile(std::optional<std::string> profile = std::nullopt, ApiOptions options = {});

    /// Uses explicit credentials (token combined, or `api_key`/`connector_id` in `extra`).
    /// @param credentials url, token, TLS and proxy settings @param options connection options
    /// @throws CredentialError as defense_token() and for a bad url
    explicit CbDefenseAPI(const Credentials& credentials, ApiOptions options = {});

    /// Uses `url` and a combined `<api key>/<connector id>` token (TLS verification on).
    /// @param url API host root, without `/integrationServices` @param token the combined token
    /// @param options connection options
    /// @throws CredentialError as defense_token()
    CbDefenseAPI(std::string url, std::string token, ApiOptions options = {});

    /// Uses `url` with a separate API key and connector id.
    /// @param url API host root @param api_key the API key @param connector_id the connector id
    /// @param options connection options
    /// @throws CredentialError when either is empty or contains '/'
    CbDefenseAPI(std::string url, std::string api_key, std::string connector_id, ApiOptions options = {});

    /// A Live Response session manager for this organisation's devices (cbapi-python's `cb.live_response`). Each
    /// call makes a new manager; keep it to share its sessions, keepalive cache and job pool.
    /// @param options timeouts, keepalive, workers, sleeper and clock
    ::cbapi::live_response::SessionManager live_response(
        ::cbapi::live_response::LiveResponseOptions options = {}) const;

    /// The queued notifications: `GET /integrationServices/v3/notification` → `notifications` (needs a SIEM key).
    /// A 204 or a reply without the array gives an empty list (cbapi-python fails on a 204).
    ///
    /// The server dequeues what it returns, so the request is sent once and never repeated (not even by libcurl on
    /// a dead keep-alive connection): a broken reply would otherwise be retried into an empty one and its
    /// notifications silently lost. Such a failure is an error that says they may be lost.
    /// @return the notifications
    /// @throws ServerError for `"success": false` (with the server's message) or a malformed reply ("... may be
    ///         lost"); ConnectionError or TimeoutError saying the notifications may be lost; the request's HTTP
    ///         status exceptions
    std::vector<Notification> get_notifications() const;

    /// Polls the notifications and hands each to `handler`, waiting `options.interval` between polls
    /// (cbapi-python's `notification_listener`). Returns when `handler` returns false or after
    /// `options.max_polls` polls.
    /// @param handler called for each notification; return false to stop
    /// @param options interval, poll limit, sleeper
    /// @throws the errors of get_notifications() and whatever the handler throws
    void notification_listener(const std::function<bool(const Notification&)>& handler,
                               ListenOptions options = {}) const;

private:
    static Credentials make_credentials(std::string url, std::string token, std::string api_key,
                                        std::string connector_id);

    static cbapi::detail::ApiHandle connect(const Credentials& credentials, ApiOptions options);
};

}  // namespace cbapi::defense
