#pragma once
// The options every example shares (as in cbapi-python's example_helpers): --profile, --cburl, --apitoken,
// --no-ssl-verify, --verbose; and ours: --ca-file (a CA bundle to verify the server with) and --allow-http (the
// explicit opt-in for a plain http:// server URL); and turning them into credentials.

#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "cbapi/credentials.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/files.hpp"
#include "cbapi/logging.hpp"

namespace cbapi::examples {

struct CommonOptions {
    std::string profile;
    std::string cburl;
    std::string apitoken;
    bool no_ssl_verify = false;
    std::string ca_file;
    bool allow_http = false;
    bool verbose = false;

    /// Adds the shared options to a CLI11 app.
    void add_to(CLI::App& app) {
        app.add_option("--profile", profile, "Credential profile (default: $CBAPI_PROFILE or 'default')");
        app.add_option("--cburl", cburl, "Server URL, e.g. https://cb.example.com (needs --apitoken)");
        app.add_option("--apitoken", apitoken, "API token (needs --cburl)");
        app.add_flag("--no-ssl-verify", no_ssl_verify, "Do not verify the server's TLS certificate");
        app.add_option("--ca-file", ca_file,
                       "Verify the server's certificate with this CA bundle (PEM) instead of the system store "
                       "(e.g. the file cbapi-mock-server --ca-file wrote)");
        app.add_flag("--allow-http", allow_http,
                     "Allow a plain http:// server URL (the API token then travels in clear text)");
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
        if (!ca_file.empty()) creds.ssl_cert_file = ca_file;
        if (allow_http) creds.allow_http = true;
        return creds;
    }
};

/// Options of an example that prints what one query matches: the shared ones and `--query` (empty: everything).
struct QueryOptions {
    CommonOptions common;
    std::string query;

    /// Adds the shared options and `--query` to a CLI11 app. @param query_help what --query selects
    void add_to(CLI::App& app, const std::string& query_help) {
        common.add_to(app);
        app.add_option("--query", query, query_help);
    }
};

/// Adds `-i,--id` and a name option to a (sub)command: they exclude each other, and exactly one option of the command
/// must be given.
/// @param command the (sub)command @param id, id_help the id option's value and help
/// @param name_flags the name option's flags, e.g. "-N,--name" @param name, name_help its value and help
inline void add_id_or_name(CLI::App& command, std::optional<long long>& id, const std::string& id_help,
                           const std::string& name_flags, std::string& name, const std::string& name_help) {
    // In a group of their own, so that exactly one of the two is required whatever other flags (--force) are given.
    auto* target = command.add_option_group("target", "Which one");
    auto* id_option = target->add_option("-i,--id", id, id_help);
    auto* name_option = target->add_option(name_flags, name, name_help);
    id_option->excludes(name_option);
    target->require_option(1);
}

/// Runs an example body, reporting any exception on stderr; returns the process exit code. Ctrl-C (and SIGTERM,
/// SIGHUP) while a file is being written removes its temporary: the target keeps its old content, nothing partial is
/// left (see cbapi::AtomicFile).
template <typename Body>
int run(Body&& body) {
    cbapi::remove_temporary_files_on_signal();
    try {
        return body();
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << std::endl;
        return 1;
    }
}

}  // namespace cbapi::examples
