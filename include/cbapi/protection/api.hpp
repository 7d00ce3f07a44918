#pragma once
/// @file
/// CbProtectionAPI: the entry point for Cb Protection (App Control, formerly Bit9).

#include "cbapi/fwd.hpp"

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/api_base.hpp"
#include "cbapi/connection.hpp"
#include "cbapi/credentials.hpp"
#include "cbapi/detail/api_state.hpp"
#include "cbapi/protection/models.hpp"
#include "cbapi/protection/query.hpp"
#include "cbapi/server_version.hpp"

namespace cbapi::protection {

/// Options of a CbProtectionAPI.
struct ApiOptions {
    /// Connection settings: the defaults of ConnectionOptions, as for every product (a 120 s request timeout, a
    /// 30 s connect timeout, a low-speed limit and reply caps; docs/transport.md). cbapi-python sets no timeout for
    /// Protection, so a stalled server held its calls for ever.
    ConnectionOptions connection;
    /// Where credentials come from (profile, files, environment) when the API is made from a profile.
    CredentialOptions credentials;
};

/// The Cb Protection API. Construction reads `GET /api/bit9platform/v1/serverConfig`: the server's configuration
/// entries (info()) and its version (`ParityServerVersion`), which gates the models new in 8.0.
///
/// Thread-safe and cheap to copy: copies share one connection. Queries and models it returns are plain values.
///
/// @code
/// auto cb = cbapi::protection::CbProtectionAPI::from_profile();
/// for (const auto& c : cb.select<Computer>().where("ipAddress:10.201.2.*").sort("processorSpeed DESC"))
///     std::cout << c.name().value_or("?") << "\n";
/// @endcode
class CbProtectionAPI : public ApiBase {
public:
    /// The serverConfig entry that holds the server version.
    static constexpr const char* version_entry = "ParityServerVersion";

    /// Connects with the credentials of a profile of `credentials.protection` (`CBAPI_PROFILE` or "default" when
    /// none is given).
    /// @param profile the profile name
    /// @param options connection and credential options
    /// @return the connected API
    /// @throws CredentialError, UnauthorizedError "Invalid API token for server <url>.", and the request's exceptions
    static CbProtectionAPI from_profile(std::optional<std::string> profile = std::nullopt, ApiOptions options = {});

    /// Connects with explicit credentials.
    /// @param credentials url, token, TLS and proxy settings
    /// @param options connection options (`options.credentials` is not used)
    /// @throws CredentialError, UnauthorizedError "Invalid API token for server <url>.", ServerError when
    ///         serverConfig is not a list, and the request's exceptions
    explicit CbProtectionAPI(const Credentials& credentials, ApiOptions options = {});

    /// Connects to `url` with `token` (TLS verification on; use the Credentials form for other settings).
    /// @param url the server URL, e.g. "https://bit9.example.com"
    /// @param token the API token
    /// @param options connection options
    /// @throws as the Credentials constructor
    CbProtectionAPI(std::string url, std::string token, ApiOptions options = {});

    /// The serverConfig reply read at construction (a JSON array of entries).
    const nlohmann::json& server_info() const noexcept { return state_->server_info; }

    /// The configuration as a name → value object (cbapi-python's `.info`).
    const nlohmann::json& info() const noexcept { return *info_; }

    /// The server version (`ParityServerVersion`); std::nullopt when the server did not report one (then the 8.0
    /// models are refused).
    const std::optional<ServerVersion>& server_version() const noexcept { return state_->server_version; }

private:
    struct Connected {
        cbapi::detail::ApiHandle state;
        std::shared_ptr<const nlohmann::json> info;
    };

    explicit CbProtectionAPI(Connected connected);

    static Credentials make_credentials(std::string url, std::string token);

    /// Reads serverConfig: the configuration entries and the server version.
    static Connected connect(const Credentials& credentials, ApiOptions options);

    std::shared_ptr<const nlohmann::json> info_;
};

/// The name cbapi-python keeps for backwards compatibility.
using CbEnterpriseProtectionAPI = CbProtectionAPI;

}  // namespace cbapi::protection
