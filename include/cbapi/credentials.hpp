#pragma once
/// @file
/// Credentials: the cbapi-python credential files (`credentials.response|protection|defense`), environment
/// variables, and explicit construction.

#include "cbapi/fwd.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace cbapi {

/// The Carbon Black product a credential file belongs to.
enum class Product { response, protection, defense };

/// "response", "protection" or "defense": the suffix of the credential file name.
std::string_view to_string(Product product) noexcept;

/// Connection settings of one profile. Field names and defaults are those of cbapi-python's credential files.
///
/// @code
/// cbapi::Credentials creds;            // explicit construction
/// creds.url = "https://cb.example.com";
/// creds.token = "0123abcd...";
/// @endcode
struct Credentials {
    /// Base URL of the server, scheme and host (and port) only; a trailing '/' is removed by load_credentials().
    std::string url;
    /// The API token, sent as `X-Auth-Token`. Never printed (see operator<<).
    std::string token;
    /// Verify the server's TLS certificate chain. Default on.
    bool ssl_verify = true;
    /// Verify that the certificate matches the host name. Default on.
    bool ssl_verify_hostname = true;
    /// A CA bundle (PEM) to verify the server with instead of the system store. The cbapi-python form
    /// `ssl_verify=<path>` sets this too (and keeps verification on).
    std::optional<std::string> ssl_cert_file;
    /// Require TLS 1.2 or newer.
    bool ssl_force_tls_1_2 = false;
    /// Proxy URL for http and https, e.g. `http://user:pass@proxy.corp:8001/`.
    std::optional<std::string> proxy;
    /// Allow a plain `http://` url (profile key `allow_http`). Off: a Connection refuses such a url with
    /// InsecureUrlError, since the token would travel in clear text (as cbapi-python has since 1.3.3). The other
    /// opt-ins are ConnectionOptions::allow_http and `CBAPI_ALLOW_HTTP=1` (docs/credentials.md).
    bool allow_http = false;
    /// Do not use proxies from the environment (`http_proxy`, `https_proxy`, `all_proxy`). An explicit `proxy`
    /// is still used.
    bool ignore_system_proxy = false;
    /// Event-bus settings (Cb Response), read for completeness.
    std::string rabbitmq_user = "cb";
    std::optional<std::string> rabbitmq_pass;
    std::string rabbitmq_host = "localhost";
    int rabbitmq_port = 5004;
    /// Every other key of the profile, lower-cased (e.g. Cb Defense's `api_key` and `connector_id`).
    std::map<std::string, std::string> extra;
};

/// Prints the credentials with the token (and rabbitmq password, and proxy password) replaced by `***`.
std::ostream& operator<<(std::ostream& os, const Credentials& credentials);

/// Where and how load_credentials() looks.
struct CredentialOptions {
    /// Profile (section) name. Unset: `CBAPI_PROFILE` from the environment, else "default".
    std::optional<std::string> profile;
    /// Files to read, replacing the default search path (like cbapi-python's `credential_file=`).
    std::optional<std::vector<std::filesystem::path>> files;
    /// Honour `CBAPI_URL`, `CBAPI_TOKEN`, `CBAPI_PROFILE` and `CBAPI_SSL_VERIFY`; they take precedence over files.
    /// (`CBAPI_ALLOW_HTTP` is read by every Connection, whatever this says: see check_url_scheme().)
    bool use_environment = true;
};

/// The default search path, in reading order (later files override earlier ones key by key):
/// `/etc/carbonblack/credentials.<product>`, `~/.carbonblack/credentials.<product>`,
/// `./.carbonblack/credentials.<product>`.
std::vector<std::filesystem::path> default_credential_files(Product product);

/// Loads the credentials of one profile.
///
/// Reads every existing file of the search path (missing ones are skipped; a malformed one is an error naming the
/// file and line), merges them, selects the profile and applies the environment variables on top. A file that is
/// readable by group or others causes a warning on the `cbapi` logger.
///
/// The result is not validated (a Connection validates what it is given; call validate() to check earlier).
///
/// @param product which credential file name to look for
/// @param options profile, files, environment use
/// @return the profile's credentials, url without trailing '/'
/// @throws CredentialError when the profile is not found (naming it and the files searched), when url or token are
///         missing, when a value is invalid (e.g. a boolean word or a port), or when a file cannot be parsed.
Credentials load_credentials(Product product, const CredentialOptions& options = {});

/// Parses a boolean word as cbapi-python does: 1/yes/true/on and 0/no/false/off, case-insensitive.
/// @return std::nullopt for any other text
std::optional<bool> parse_bool_word(std::string_view text) noexcept;

/// Checks the fields a connection needs: a non-empty token, and a url that starts with http:// or https://.
/// (Whether a plain http:// url may be used is decided when the connection is made: check_url_scheme().)
/// @throws CredentialError naming what is wrong (never the token)
void validate(const Credentials& credentials);

/// The environment variable that allows plain `http://` server URLs for every connection of the process.
inline constexpr const char* allow_http_variable = "CBAPI_ALLOW_HTTP";

/// Refuses a plain `http://` url unless plain HTTP is allowed by `allowed` (ConnectionOptions::allow_http or
/// Credentials::allow_http) or by `CBAPI_ALLOW_HTTP` in the environment (a boolean word, read at each call). Every
/// Connection calls it before it sends anything; a program that sends a token or password to a URL by other means
/// (e.g. cbapi::response::get_api_token) should call it too.
/// @param url the server URL (an https:// or non-http URL passes)
/// @param allowed the caller's explicit opt-in
/// @throws InsecureUrlError naming the URL (without its password) and the four ways to allow plain HTTP;
///         CredentialError when `CBAPI_ALLOW_HTTP` holds something other than a boolean word
void check_url_scheme(std::string_view url, bool allowed);

}  // namespace cbapi
