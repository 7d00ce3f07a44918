// cbapi-mock-server: the bundled simulator as a program, for the demo and for trying the SDK without a server.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cbapi/testing/mock_server.hpp"
#include "cbapi/testing/simulators.hpp"

int main(int argc, char** argv) {
    CLI::App app{"cbapi-mock-server: a local Carbon Black API simulator"};
    int port = 0;
    std::string token = "MOCKAPIKEY/MOCKCONNECTOR";  // also a valid Cb Defense "<api key>/<connector id>"
    std::string host = "127.0.0.1";
    std::string url_file;
    std::string server_version = "6.1.0.180806.1200";
    std::string protection_version = "8.0.0.2562";
    std::uint32_t seed = 1;
    std::size_t scale = 1;
    int latency_ms = 0;
    double error_rate = 0, drop_rate = 0, truncate_rate = 0;
    std::vector<int> error_statuses = {502, 503, 504};
    std::string record;
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
        cbapi::testing::install_simulators(server, simulators);
        std::cout << "cbapi-mock-server listening on " << server.url() << " (token: " << server.token() << ")"
                  << std::endl;
        if (!url_file.empty()) {
            std::ofstream out(url_file);
            out << server.url() << "\n";
        }
        int received = 0;
        sigwait(&signals, &received);
        std::cout << "cbapi-mock-server: shutting down" << std::endl;
    } catch (const std::exception& e) {
        std::cerr << "cbapi-mock-server: " << e.what() << std::endl;
        return 1;
    }
    return 0;
}
