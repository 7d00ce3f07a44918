// CbProtectionAPI (include/cbapi/protection/api.hpp): connecting and reading the server's configuration.

#include "cbapi/protection/api.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "cbapi/connection.hpp"
#include "cbapi/credentials.hpp"
#include "cbapi/detail/api_state.hpp"
#include "cbapi/detail/json_text.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/logging.hpp"
#include "cbapi/protection/model_base.hpp"
#include "cbapi/server_version.hpp"

namespace cbapi::protection {

CbProtectionAPI CbProtectionAPI::from_profile(std::optional<std::string> profile, ApiOptions options) {
    if (profile) options.credentials.profile = std::move(profile);
    // Loaded first: in one call expression `options` could be moved from before it is read (it was, with g++).
    const Credentials credentials = load_credentials(Product::protection, options.credentials);
    return CbProtectionAPI(credentials, std::move(options));
}

CbProtectionAPI::CbProtectionAPI(const Credentials& credentials, ApiOptions options)
    : CbProtectionAPI(connect(credentials, std::move(options))) {}

CbProtectionAPI::CbProtectionAPI(std::string url, std::string token, ApiOptions options)
    : CbProtectionAPI(make_credentials(std::move(url), std::move(token)), std::move(options)) {}

CbProtectionAPI::CbProtectionAPI(Connected connected)
    : ApiBase(std::move(connected.state)), info_(std::move(connected.info)) {}

Credentials CbProtectionAPI::make_credentials(std::string url, std::string token) {
    Credentials c;
    c.url = std::move(url);
    c.token = std::move(token);
    return c;
}

// A 401 on the first request means the token is wrong: it is reported as such (with the server's URL, never the
// token). The configuration entries become a name → value object; entries that are not `{"name": ...}` objects are
// skipped.
CbProtectionAPI::Connected CbProtectionAPI::connect(const Credentials& credentials, ApiOptions options) {
    Connection connection(credentials, std::move(options.connection));
    const std::string path = std::string(api_prefix) + "/serverConfig";
    nlohmann::json config;
    try {
        config = connection.get_json(path, {}, nlohmann::json::array());
    } catch (const UnauthorizedError& e) {
        throw UnauthorizedError(connection.url(), "Invalid API token for server " + connection.url() + ".", "GET",
                                e.body());
    }
    if (!config.is_array())
        throw ServerError(200, "Expected a JSON array from serverConfig, got " + std::string(config.type_name()),
                          "GET", connection.url() + path, cbapi::detail::json_text(config, 256));
    auto info = std::make_shared<nlohmann::json>(nlohmann::json::object());
    for (const auto& entry : config) {
        if (!entry.is_object()) continue;
        const auto name = entry.find("name");
        if (name == entry.end() || !name->is_string()) continue;
        const auto value = entry.find("value");
        (*info)[name->get<std::string>()] = value == entry.end() ? nlohmann::json() : *value;
    }
    std::optional<ServerVersion> version;
    if (const auto it = info->find(version_entry); it != info->end() && it->is_string()) {
        version = ServerVersion::parse(it->get<std::string>());
        logger()->debug("Connected to Cb server version {} at {}", version->to_string(), connection.url());
    } else {
        logger()->warn("The Cb Protection server at {} reports no {}; models of server 8.0 and later are refused",
                       connection.url(), version_entry);
    }
    Connected out;
    out.state = std::make_shared<cbapi::detail::ApiState>(cbapi::detail::ApiState{
        std::move(connection), Product::protection, std::move(config), std::move(version)});
    out.info = std::move(info);
    return out;
}

}  // namespace cbapi::protection
