// CbDefenseAPI (include/cbapi/defense/api.hpp): credentials, notifications and Live Response.

#include "cbapi/defense/api.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/connection.hpp"
#include "cbapi/credentials.hpp"
#include "cbapi/defense/notification.hpp"
#include "cbapi/defense/paging.hpp"
#include "cbapi/detail/api_state.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/live_response/manager.hpp"
#include "cbapi/retry.hpp"

namespace cbapi::defense {

std::string defense_token(const Credentials& credentials) {
    const auto extra = [&](const char* key) -> std::string {
        const auto it = credentials.extra.find(key);
        return it == credentials.extra.end() ? std::string() : it->second;
    };
    const std::string api_key = extra("api_key");
    const std::string connector_id = extra("connector_id");
    if (!api_key.empty() || !connector_id.empty()) {
        if (api_key.empty() || connector_id.empty())
            throw CredentialError("Cb Defense credentials need both api_key and connector_id (only " +
                                  std::string(api_key.empty() ? "connector_id" : "api_key") + " is set)");
        if (api_key.find('/') != std::string::npos || connector_id.find('/') != std::string::npos)
            throw CredentialError("Cb Defense api_key and connector_id must not contain '/'");
        std::string combined = api_key + "/" + connector_id;
        if (!credentials.token.empty() && credentials.token != combined)
            throw CredentialError("Cb Defense credentials give both a token and api_key/connector_id, and they differ");
        return combined;
    }
    const std::string& token = credentials.token;
    if (token.empty()) throw CredentialError("No API token specified (Cb Defense needs <api key>/<connector id>)");
    const auto slash = token.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == token.size() ||
        token.find('/', slash + 1) != std::string::npos)
        throw CredentialError(
            "The Cb Defense token must have the form <api key>/<connector id> (or give api_key and connector_id)");
    return token;
}

CbDefenseAPI CbDefenseAPI::from_profile(std::optional<std::string> profile, ApiOptions options) {
    if (profile) options.credentials.profile = std::move(profile);
    // Loaded before `options` is moved into the constructor's parameter (argument order is unspecified).
    const Credentials credentials = load_credentials(Product::defense, options.credentials);
    return CbDefenseAPI(credentials, std::move(options));
}

CbDefenseAPI::CbDefenseAPI(const Credentials& credentials, ApiOptions options)
    : ApiBase(connect(credentials, std::move(options))) {}

CbDefenseAPI::CbDefenseAPI(std::string url, std::string token, ApiOptions options)
    : CbDefenseAPI(make_credentials(std::move(url), std::move(token), {}, {}), std::move(options)) {}

CbDefenseAPI::CbDefenseAPI(std::string url, std::string api_key, std::string connector_id, ApiOptions options)
    : CbDefenseAPI(make_credentials(std::move(url), {}, std::move(api_key), std::move(connector_id)),
                   std::move(options)) {}

::cbapi::live_response::SessionManager CbDefenseAPI::live_response(
    ::cbapi::live_response::LiveResponseOptions options) const {
    return ::cbapi::live_response::SessionManager(state_, std::move(options));
}

// The server dequeues what it returns, so the request is sent once and never repeated (not even by libcurl on a dead
// keep-alive connection, Connection::consume_json): a broken reply would otherwise be retried into an empty one and
// its notifications silently lost. A 204 or a reply without the array is an empty list (cbapi-python fails on 204).
std::vector<Notification> CbDefenseAPI::get_notifications() const {
    auto body = state_->connection.consume_json("/integrationServices/v3/notification", {}, "notifications");
    if (body.is_null()) body = nlohmann::json::object();
    DefensePaging::check_reply(body);
    std::vector<Notification> out;
    const auto it = body.find("notifications");
    if (it == body.end() || it->is_null()) return out;
    if (!it->is_array())
        throw ServerError(200, "Expected 'notifications' to be an array, got " + std::string(it->type_name()) +
                                   "; the notifications this reply carried may be lost");
    for (const auto& n : *it) out.emplace_back(n);
    return out;
}

void CbDefenseAPI::notification_listener(const std::function<bool(const Notification&)>& handler,
                                         ListenOptions options) const {
    const Sleeper sleep = options.sleeper ? options.sleeper : real_sleeper();
    for (std::size_t poll = 0; !options.max_polls || poll < *options.max_polls; ++poll) {
        if (poll > 0) sleep(options.interval);
        for (const auto& n : get_notifications())
            if (!handler(n)) return;
    }
}

Credentials CbDefenseAPI::make_credentials(std::string url, std::string token, std::string api_key,
                                           std::string connector_id) {
    Credentials c;
    c.url = std::move(url);
    c.token = std::move(token);
    if (!api_key.empty() || !connector_id.empty()) {
        if (api_key.empty() || connector_id.empty())
            throw CredentialError("Cb Defense needs both an API key and a connector id");
        c.extra["api_key"] = std::move(api_key);
        c.extra["connector_id"] = std::move(connector_id);
    }
    return c;
}

cbapi::detail::ApiHandle CbDefenseAPI::connect(const Credentials& credentials, ApiOptions options) {
    Credentials resolved = credentials;
    resolved.token = defense_token(credentials);
    Connection connection(resolved, std::move(options.connection));
    return std::make_shared<cbapi::detail::ApiState>(
        cbapi::detail::ApiState{std::move(connection), Product::defense, nlohmann::json(), std::nullopt});
}

}  // namespace cbapi::defense
