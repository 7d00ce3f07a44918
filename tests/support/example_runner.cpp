// cbapi_example_runner [--expect-failure] [--no-repeated-gets] [--server-version V] [--tls | --tls-without-ca]
//                      [--no-allow-http] <example> [args...] [--then args...]...
// (--tls: the simulator serves HTTPS with a certificate made for this run, the example gets --ca-file with it and runs
// without CBAPI_ALLOW_HTTP; --tls-without-ca: the same without --ca-file, so the chain does not verify;
// --no-allow-http: the example runs without CBAPI_ALLOW_HTTP whatever the simulator speaks.)
// (--no-repeated-gets: after the request list, a line "repeated GET (n times): <url>" for each URL fetched more than
// once, and exit code 1 if there is one.)
// Starts a MockServer with every simulator (install_simulators; --server-version sets the Cb Response version), runs the example with --cburl/--apitoken and each argument
// group in turn (--expect-failure, anywhere: each run must fail), echoes the example's output (stdout and stderr) and exit code, then lists the requests the
// simulator received ("METHOD path?query body"). Exits non-zero when an example's exit code is not the expected one.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "cbapi/testing/mock_server.hpp"
#include "cbapi/testing/simulators.hpp"
#include "run_program.hpp"

namespace {

using cbapi::test::shell_quote;

// Runs `command` and passes its output (stdout and stderr) through as it arrives, which run_program() would hold
// until the end; returns its exit code (127 when it could not start, 128 when it did not exit normally).
int run(const std::string& command) {
    std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) return 127;
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) std::cout.write(buffer, static_cast<std::streamsize>(n));
    const int status = ::pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    bool expect_failure = false;
    bool no_repeated_gets = false;
    bool tls = false;
    bool pass_ca_file = false;
    bool allow_http = true;
    cbapi::testing::SimulatorOptions options;
    // The runner's own options come before the example's path.
    while (!args.empty() && args.front().rfind("--", 0) == 0) {
        if (args.front() == "--expect-failure") {
            expect_failure = true;
            args.erase(args.begin());
        } else if (args.front() == "--no-repeated-gets") {
            no_repeated_gets = true;
            args.erase(args.begin());
        } else if (args.front() == "--tls" || args.front() == "--tls-without-ca") {
            tls = true;
            pass_ca_file = args.front() == "--tls";
            args.erase(args.begin());
        } else if (args.front() == "--no-allow-http") {
            allow_http = false;
            args.erase(args.begin());
        } else if (args.front() == "--server-version" && args.size() > 1) {
            options.response.server_version = args[1];
            args.erase(args.begin(), args.begin() + 2);
        } else {
            std::cerr << "cbapi_example_runner: unknown option " << args.front() << "\n";
            return 2;
        }
    }
    if (args.empty()) {
        std::cerr << "usage: cbapi_example_runner [--expect-failure] [--no-repeated-gets] [--server-version V] "
                     "[--tls | --tls-without-ca] [--no-allow-http] <example> [args...] [--then args...]\n";
        return 2;
    }
    const std::string program = args.front();
    std::vector<std::vector<std::string>> groups(1);
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--then")
            groups.emplace_back();
        else
            groups.back().push_back(args[i]);
    }

    cbapi::testing::MockServer::Options server_options;
    std::string ca_file;
    if (tls) {
        server_options.tls = cbapi::testing::MockServer::Tls::generate();
        char name[] = "/tmp/cbapi-example-ca-XXXXXX";
        const int fd = ::mkstemp(name);
        if (fd < 0) {
            std::cerr << "cbapi_example_runner: cannot create the CA file\n";
            return 2;
        }
        ::close(fd);
        ca_file = name;
        std::ofstream(ca_file) << server_options.tls->certificate_pem;
    }
    // Over HTTPS the example must work without the plain-HTTP opt-in.
    if (tls || !allow_http) ::unsetenv("CBAPI_ALLOW_HTTP");
    cbapi::testing::MockServer server(server_options);
    cbapi::testing::install_simulators(server, options);
    int result = 0;
    for (const auto& group : groups) {
        std::string command = shell_quote(program) + " --cburl " + shell_quote(server.url()) + " --apitoken " +
                              shell_quote(server.token());
        if (pass_ca_file) command += " --ca-file " + shell_quote(ca_file);
        for (const auto& a : group) command += " " + shell_quote(a);
        std::cout << "$ " << command << std::endl;
        const int code = run(command);
        if (expect_failure) {
            std::cout << (code != 0 ? "example failed as expected" : "UNEXPECTED SUCCESS") << std::endl;
            if (code == 0) result = 1;
        } else {
            std::cout << "example exited with " << code << std::endl;
            if (code != 0) result = 1;
        }
    }
    std::cout << "--- requests ---" << std::endl;
    std::map<std::string, int> gets;
    for (const auto& r : server.requests()) {
        const std::string target = r.path + (r.query.empty() ? "" : "?" + r.query);
        std::cout << r.method << " " << target << (r.body.empty() ? "" : " " + r.body) << std::endl;
        if (r.method == "GET") ++gets[target];
    }
    // The same object asked for twice in one run (the read cache should have answered).
    if (no_repeated_gets) {
        for (const auto& [target, n] : gets) {
            if (n < 2) continue;
            std::cout << "repeated GET (" << n << " times): " << target << std::endl;
            result = 1;
        }
    }
    if (!ca_file.empty()) ::unlink(ca_file.c_str());
    return result;
}
