// cbapi-mock-server: the bundled simulator as a program, for the demo and for trying the SDK without a server. It
// serves HTTPS by default, like a real Cb server, with a certificate made at start-up whose CA file it writes for
// clients to trust (--ca-file); --http serves plain HTTP, which clients then have to allow explicitly.
#include <algorithm>
#include <chrono>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "cbapi/files.hpp"
#include "cbapi/testing/mock_server.hpp"
#include "cbapi/testing/simulators.hpp"

namespace {

// The names a client may use for the server: the listening address, and the loopback names when it listens there.
std::vector<std::string> certificate_names(const std::string& host) {
    std::vector<std::string> names{host};
    for (const char* loopback : {"127.0.0.1", "localhost", "::1"})
        if (std::find(names.begin(), names.end(), loopback) == names.end()) names.emplace_back(loopback);
    return names;
}

// A private directory for the CA file when --ca-file is not given (removed at shutdown).
std::filesystem::path make_private_directory() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/cbapi-mock-server-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr)
        throw std::system_error(errno, std::generic_category(), "cannot create a directory for the CA file");
    return pattern;
}

// An amqp:// URL as it may be shown: without the password.
std::string without_password(const std::string& url) {
    const auto start = url.find("://");
    const auto at = url.rfind('@');
    if (start == std::string::npos || at == std::string::npos || at < start) return url;
    const auto colon = url.find(':', start + 3);
    if (colon == std::string::npos || colon > at) return url;
    return url.substr(0, colon) + url.substr(at);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"cbapi-mock-server: a local Carbon Black API simulator"};
    int port = 0;
    std::string token = "MOCKAPIKEY/MOCKCONNECTOR";  // also a valid Cb Defense "<api key>/<connector id>"
    std::string host = "127.0.0.1";
    std::string url_file;
    std::string ca_file;
    bool plain_http = false;
    std::string server_version = "6.1.0.180806.1200";
    std::string protection_version = "8.0.0.2562";
    std::uint32_t seed = 1;
    std::size_t scale = 1;
    int latency_ms = 0;
    double error_rate = 0, drop_rate = 0, truncate_rate = 0;
    std::vector<int> error_statuses = {502, 503, 504};
    std::string record;
    std::string event_bus;
    app.add_option("--port", port, "Port to listen on (0 = any free port, printed)")->check(CLI::Range(0, 65535));
    app.add_option("--host", host, "Address to listen on");
    app.add_option("--token", token, "API token the server accepts");
    app.add_option("--server-version", server_version, "Cb Response version reported by /api/info");
    app.add_option("--protection-version", protection_version, "Cb Protection version reported by serverConfig");
    app.add_option("--seed", seed, "Seed of the generated data");
    app.add_option("--scale", scale, "Multiply the amount of generated data")->check(CLI::Range(1, 1000));
    app.add_option("--latency-ms", latency_ms, "Delay every reply by this many milliseconds")
        ->check(CLI::Range(0, 60000));
    app.add_option("--error-rate", error_rate, "Fraction of requests answered with an error status")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--error-statuses", error_statuses, "Statuses the injected errors use (default 502 503 504)")
        ->check(CLI::Range(400, 599));
    app.add_option("--drop-rate", drop_rate, "Fraction of connections closed without a reply")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--truncate-rate", truncate_rate, "Fraction of replies cut off halfway through the body")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--record", record, "Append every request to this file as JSON lines (no headers, no token)");
    app.add_option("--url-file", url_file, "Write the server URL to this file once it is listening");
    app.add_option("--ca-file", ca_file,
                   "Write the CA certificate clients must trust (PEM) to this file (default: a file in a new "
                   "directory under $TMPDIR, printed and removed at shutdown)");
    app.add_flag("--http", plain_http,
                 "Serve plain HTTP instead of HTTPS (clients must then allow it: --allow-http, CBAPI_ALLOW_HTTP=1)");
    app.add_option("--event-bus", event_bus,
                   "Publish Cb Response events (watchlist and feed hits, alerts, process starts, bans) to this RabbitMQ "
                   "broker's api.events exchange: amqp://user:password@host:port[/vhost] (without a password in the "
                   "URL, CBAPI_EVENT_BUS_PASSWORD gives it); trigger hits with POST /simulator/v1/watchlist/<id>/hit");
    app.get_option("--ca-file")->excludes(app.get_option("--http"));
    CLI11_PARSE(app, argc, argv);

    // Block the shutdown signals before any thread starts, then wait for them on the main thread.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    try {
        cbapi::testing::MockServer::Options options;
        options.host = host;
        options.port = port;
        options.token = token;
        options.record_path = record;
        options.faults.seed = seed;
        options.faults.latency = std::chrono::milliseconds(latency_ms);
        options.faults.error_rate = error_rate;
        options.faults.error_statuses = error_statuses;
        options.faults.drop_rate = drop_rate;
        options.faults.truncate_rate = truncate_rate;
        if (error_rate + drop_rate + truncate_rate > 1.0) {
            std::cerr << "cbapi-mock-server: --error-rate, --drop-rate and --truncate-rate add up to more than 1\n";
            return 2;
        }
        std::filesystem::path private_directory;
        std::filesystem::path ca_path = ca_file;
        if (!plain_http) {
            options.tls = cbapi::testing::MockServer::Tls::generate(certificate_names(host));
            if (ca_path.empty()) {
                private_directory = make_private_directory();
                ca_path = private_directory / "ca.pem";
            }
            cbapi::write_file_atomically(ca_path, options.tls->certificate_pem);
        }
        struct RemoveOnExit {
            std::filesystem::path directory;
            ~RemoveOnExit() {
                std::error_code ignored;
                if (!directory.empty()) std::filesystem::remove_all(directory, ignored);
            }
        } remove_private_directory{private_directory};
        cbapi::testing::MockServer server(options);
        cbapi::testing::SimulatorOptions simulators;
        simulators.response.server_version = server_version;
        simulators.response.seed = seed;
        simulators.response.scale = scale;
        simulators.protection.scale = scale;
        simulators.defense.devices *= scale;
        simulators.defense.events *= scale;
        simulators.protection.server_version = protection_version;
        simulators.protection.seed = seed;
        simulators.defense.seed = seed;
        simulators.response.event_bus = event_bus;
        cbapi::testing::install_simulators(server, simulators);
        std::cout << "cbapi-mock-server listening on " << server.url() << " (token: " << server.token() << ")"
                  << std::endl;
        if (plain_http)
            std::cout << "cbapi-mock-server: plain HTTP; clients must allow it explicitly (--allow-http, "
                         "CBAPI_ALLOW_HTTP=1)"
                      << std::endl;
        else
            std::cout << "cbapi-mock-server: CA certificate to trust: " << ca_path.string()
                      << " (the examples take --ca-file " << ca_path.string() << ")" << std::endl;
        if (!event_bus.empty())
            std::cout << "cbapi-mock-server: publishing events to " << without_password(event_bus)
                      << " (exchange api.events); trigger a watchlist hit with POST " << server.url()
                      << "/simulator/v1/watchlist/<id>/hit" << std::endl;
        if (!url_file.empty()) cbapi::write_file_atomically(url_file, server.url() + "\n");
        int received = 0;
        sigwait(&signals, &received);
        std::cout << "cbapi-mock-server: shutting down" << std::endl;
    } catch (const std::exception& e) {
        std::cerr << "cbapi-mock-server: " << e.what() << std::endl;
        return 1;
    }
    return 0;
}
