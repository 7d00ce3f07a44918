// feed_operations: lists, adds, deletes, enables, disables and synchronizes Cb Response threat feeds, and lists their
// actions (cbapi-python's feed_operations.py, plus `synchronize`).
//   feed_operations list
//   feed_operations list-actions (-i <id> | -f <name>)
//   feed_operations add -u <feed url> [--force] [-e] [-p] [-v] [--username U --password P] [--cert F --key F]
//   feed_operations delete (-i <id> | -f <name>) [--force]
//   feed_operations enable -f <name> | disable -f <name>
//   feed_operations synchronize -f <name> [--full]
// Passwords and client keys are shown masked.
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "cbapi/response.hpp"
#include "common/cli.hpp"
#include "common/intel_output.hpp"

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw cbapi::ApiError("Cannot open " + path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void print_feed(const cbapi::response::Feed& f) {
    auto line = [](const char* field, const std::string& value) { std::cout << fmt::format("{:<20}: {}\n", field, value); };
    auto flag = [](bool b) { return std::string(b ? "true" : "false"); };
    line("id", f.id());
    line("category", f.category());
    line("display_name", f.display_name());
    line("enabled", flag(f.enabled()));
    line("provider_url", f.provider_url());
    line("summary", f.summary());
    line("tech_data", f.tech_data());
    line("feed_url", f.feed_url());
    line("use_proxy", flag(f.use_proxy()));
    line("validate_server_cert", flag(f.validate_server_cert()));
    if (!f.username().empty()) {
        line("username", f.username());
        line("password", "********");
    }
    if (!f.ssl_client_crt().empty()) {
        line("ssl_client_crt", f.ssl_client_crt());
        line("ssl_client_key", "********");
    }
    std::cout << "\n\n";
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Add, list, delete, enable and disable Cb Response threat feeds"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    app.require_subcommand(1);

    auto* list = app.add_subcommand("list", "List all configured feeds");

    std::optional<long long> feed_id;
    std::string feed_name;
    auto* list_actions = app.add_subcommand("list-actions", "List actions associated with a feed");
    cbapi::examples::add_id_or_name(*list_actions, feed_id, "ID of feed", "-f,--feedname", feed_name, "Name of feed");

    std::string url, username, password, cert, key;
    bool force = false, enable_new = false, use_proxy = false, validate = false;
    auto* add = app.add_subcommand("add", "Add new feed");
    add->add_option("-u,--feed-url", url, "URL location of feed data")->required();
    add->add_flag("--force", force, "Force creation even if feed already exists");
    add->add_flag("-e,--enable", enable_new, "Enable this feed");
    add->add_flag("-p,--use_proxy", use_proxy, "Use configured proxy");
    add->add_flag("-v,--validate_server_cert", validate, "Validate server certificate");
    add->add_option("--username", username, "HTTP Authentication: username")->group("HTTP Authentication");
    add->add_option("--password", password, "HTTP Authentication: password")->group("HTTP Authentication");
    add->add_option("--cert", cert, "TLS client authentication: certificate file")
        ->check(CLI::ExistingFile)
        ->group("TLS Client Authentication");
    add->add_option("--key", key, "TLS client authentication: key file")
        ->check(CLI::ExistingFile)
        ->group("TLS Client Authentication");

    auto* del = app.add_subcommand("delete", "Delete feeds");
    cbapi::examples::add_id_or_name(*del, feed_id, "ID of feed to delete", "-f,--feedname", feed_name,
                                    "Name of feed to delete. Specify --force to delete multiple feeds that have the "
                                    "same name");
    del->add_flag("--force", force, "If FEEDNAME matches multiple feeds, delete all matching feeds");

    auto* enable = app.add_subcommand("enable", "Enable a feed");
    enable->add_option("-f,--feedname", feed_name, "Name of feed to enable")->required();
    auto* disable = app.add_subcommand("disable", "Disable a feed");
    disable->add_option("-f,--feedname", feed_name, "Name of feed to disable")->required();

    bool full_sync = false;
    auto* sync = app.add_subcommand("synchronize", "Ask the server to fetch a feed now");
    sync->add_option("-f,--feedname", feed_name, "Name of feed to synchronize")->required();
    sync->add_flag("--full", full_sync, "Fetch every report again, not only the changes");
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        using namespace cbapi::response;
        namespace ex = cbapi::examples;
        const CbResponseAPI cb(common.credentials(cbapi::Product::response));

        if (list->parsed()) {
            for (const Feed& f : cb.select<Feed>()) print_feed(f);
            return 0;
        }
        if (list_actions->parsed()) return ex::print_actions_of<Feed>(cb, feed_id, feed_name, "feed");
        if (add->parsed()) {
            const auto existing = cb.select<Feed>().where("feed_url:" + url);
            if (!existing.empty()) {
                std::cout << "Warning: Feeds already configured for this url: " << url << ":\n";
                for (const Feed& f : existing) std::cout << f.to_string() << "\n";
                if (!force) {
                    std::cerr << "Use --force to add it anyway.\n";
                    return 1;
                }
            }
            Feed f = cb.create<Feed>();
            f.set_feed_url(url);
            if (enable_new) f.set_enabled(true);
            if (use_proxy) f.set_use_proxy(true);
            if (validate) f.set_validate_server_cert(true);
            if (!username.empty() || !password.empty()) f.set_credentials(username, password);
            if (!cert.empty() || !key.empty()) {
                if (cert.empty() || key.empty()) throw cbapi::ApiError("--cert and --key must be given together");
                f.set_client_certificate(read_file(cert), read_file(key));
            }
            try {
                f.save();
            } catch (const cbapi::ServerError& e) {
                if (e.status() == 500) {
                    std::cerr << "Could not add feed:\n"
                              << " Received error code 500 from API. The Cb Response server could not retrieve the"
                                 " feed:\n"
                              << " check the feed URL, the server's connectivity to it and the credentials.\n";
                } else {
                    std::cerr << "Could not add feed: " << e.what() << "\n";
                }
                return 1;
            }
            std::cout << "Added feed. New feed ID is " << f.id() << "\n";
            return 0;
        }
        if (del->parsed()) return ex::delete_by_id_or_name<Feed>(cb, feed_id, feed_name, force, "feed");
        auto found = ex::find_by_id_or_name<Feed>(cb, std::nullopt, feed_name);
        if (found.empty()) {
            std::cerr << "Could not find feed with name " << feed_name << "\n";
            return 1;
        }
        int result = 0;
        for (Feed& f : found) {
            try {
                if (sync->parsed()) {
                    std::cout << fmt::format("Synchronizing feed named {} with id {}{}\n", f.name(), f.id(),
                                             full_sync ? " (full)" : "");
                    f.synchronize(full_sync);
                    continue;
                }
                const bool on = enable->parsed();
                if (f.enabled() == on) {
                    std::cout << fmt::format("Feed named {} with id {} already {}, continuing\n", f.name(), f.id(),
                                             on ? "Enabled" : "Disabled");
                    continue;
                }
                std::cout << fmt::format("{} feed named {} with id {}\n", on ? "Enabling" : "Disabling", f.name(),
                                         f.id());
                if (on)
                    f.enable();
                else
                    f.disable();
            } catch (const cbapi::ApiError& e) {
                std::cout << "-> Encountered error: " << e.what() << "\n";
                result = 1;
            }
        }
        return result;
    });
}
