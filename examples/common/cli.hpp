#pragma once
// The options every example shares (as in cbapi-python's example_helpers): --profile, --cburl, --apitoken,
// --no-ssl-verify, --verbose; and turning them into credentials.

#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "cbapi/credentials.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/logging.hpp"

namespace cbapi::examples {

struct CommonOptions {
    std::string profile;
    std::string cburl;
    std::string apitoken;
    bool no_ssl_verify = false;
    bool verbose = false;

    /// Adds the shared options to a CLI11 app.
    void add_to(CLI::App& app) {
        app.add_option("--profile", profile, "Credential profile (default: $CBAPI_PROFILE or 'default')");
        app.add_option("--cburl", cburl, "Server URL, e.g. https://cb.example.com (needs --apitoken)");
        app.add_option("--apitoken", apitoken, "API token (needs --cburl)");
        app.add_flag("--no-ssl-verify", no_ssl_verify, "Do not verify the server's TLS certificate");
        app.add_flag("--verbose", verbose, "Log every HTTP request (debug level)");
    }

    /// Credentials from --cburl/--apitoken when both are given, else from the credential files and environment.
    /// @throws CredentialError if only one of --cburl/--apitoken is given, or the profile cannot be loaded
    Credentials credentials(Product product) const {
        if (verbose) set_log_level(spdlog::level::debug);
        Credentials creds;
        if (!cburl.empty() || !apitoken.empty()) {
            if (cburl.empty() || apitoken.empty())
                throw CredentialError("--cburl and --apitoken must be given together");
            creds.url = cburl;
            creds.token = apitoken;
        } else {
            CredentialOptions options;
            if (!profile.empty()) options.profile = profile;
            creds = load_credentials(product, options);
        }
        if (no_ssl_verify) creds.ssl_verify = false;
        return creds;
    }
};

/// Runs an example body, reporting any exception on stderr; returns the process exit code.
template <typename Body>
int run(Body&& body) {
    try {
        return body();
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << std::endl;
        return 1;
    }
}

}  // namespace cbapi::examples
