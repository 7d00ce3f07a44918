// cbapi-bench-iterate: iterating Cb Response process search results, the SDK against the floor.
//
// A server process serves real-shaped /api/v1/process pages from 127.0.0.1 (optionally with a fixed latency per
// page). Each measurement runs in its own child process, so that its CPU time and peak RSS are its own:
//   floor       one libcurl handle + nlohmann::json, page after page (what a hand-written loop costs)
//   sequential  the SDK with prefetch(false)
//   defaults    the SDK as it comes (prefetch / parallel pages by default)
//   parallel4   the SDK with parallel(4)
// It prints items/s, wall and CPU time, peak RSS and heap allocations per item, then checks the targets of the
// performance issue (--check makes a missed target the exit status).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <curl/curl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cbapi/response.hpp"
#include "cbapi/testing/mock_server.hpp"

// --- heap allocation counting (this program only) ---------------------------------------------------------------
namespace {
std::atomic<unsigned long long> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

constexpr const char* token = "bench-token";

// --- the server ---------------------------------------------------------------------------------------------------

// One process document shaped like a Cb Response 6.x search result (~1 KB).
std::string process_doc(std::size_t n) {
    return fmt::format(
        R"({{"id":"00000001-0000-{0:04x}-01d2-{0:012x}","unique_id":"00000001-0000-{0:04x}-01d2-{0:012x}-0000000{1}",)"
        R"("segment_id":1495465643405,"sensor_id":{2},"process_md5":"{3:032X}","process_name":"proc{4}.exe",)"
        R"("process_pid":{5},"parent_unique_id":"00000001-0000-0f5c-01d2-d2e8d4a7c3d9-000000000001",)"
        R"("parent_name":"explorer.exe","parent_pid":3932,"parent_md5":"AC4C51EB24AA95B77F705AB159189E24",)"
        R"("cmdline":"\"C:\\Windows\\system32\\proc{4}.exe\" /c dir C:\\Users\\alice\\Documents /s /b",)"
        R"("path":"c:\\windows\\system32\\proc{4}.exe","hostname":"WIN-HOST-{2:03}","host_type":"workstation",)"
        R"("os_type":"windows","group":"Default Group","username":"CORP\\alice","start":"2017-05-21T18:41:58.123Z",)"
        R"("last_update":"2017-05-21T18:42:00.456Z","last_server_update":"2017-05-21T18:42:10.789Z",)"
        R"("terminated":true,"comms_ip":-1062731519,"interface_ip":-1062731519,"modload_count":42,)"
        R"("filemod_count":{6},"regmod_count":3,"netconn_count":1,"crossproc_count":0,"childproc_count":2,)"
        R"("emet_count":0,"processblock_count":0,"filtering_known_dlls":false,"alliance_score_srstrust":-100,)"
        R"("alliance_link_srstrust":"https://example.invalid/ti/{3:032X}","alliance_data_srstrust":["{3:032X}"],)"
        R"("alliance_updated_srstrust":"2017-05-21T18:00:00Z","current_segment":1495465643405,"fork_children_count":0,)"
        R"("exec_events_count":0,"tags":[]}})",
        n & 0xffff, n % 10, n % 500, n * 2654435761u, n % 97, 1000 + n % 60000, n % 13);
}

[[noreturn]] void run_server(int ready_fd, std::size_t total, std::chrono::milliseconds latency) {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    cbapi::testing::MockServer::Options options;
    options.token = token;
    options.threads = 16;
    options.compress = false;  // page compression would cost the server more than the client's whole loop
    cbapi::testing::MockServer server(options);
    server.on("GET", "/api/info", [](const cbapi::testing::RecordedRequest&) {
        return cbapi::testing::MockResponse::json({{"version", "6.1.0.180806.1200"}, {"cblrEnabled", true}});
    });
    server.on("GET", "/api/v1/process", [total, latency](const cbapi::testing::RecordedRequest& r) {
        const std::size_t start = std::stoul(r.param("start").value_or("0"));
        const std::size_t rows = std::stoul(r.param("rows").value_or("10"));
        std::string body = R"({"results":[)";
        for (std::size_t i = start; i < std::min(total, start + rows); ++i) {
            if (i != start) body += ',';
            body += process_doc(i);
        }
        body += fmt::format(R"(],"total_results":{},"start":{},"terms":[],"highlights":[],"facets":{{}},"elapsed":0.01}})",
                            total, start);
        cbapi::testing::MockResponse reply;
        reply.headers.set("Content-Type", "application/json");
        reply.body = std::move(body);
        reply.delay = latency;
        return reply;
    });
    const std::string url = server.url();
    if (write(ready_fd, url.data(), url.size()) < 0) std::_Exit(2);
    close(ready_fd);
    int received = 0;
    sigwait(&signals, &received);
    server.stop();
    std::_Exit(0);
}

// --- the measured loops ---------------------------------------------------------------------------------------------

struct Result {
    std::size_t items = 0;
    std::size_t checksum = 0;
    double wall_seconds = 0;
    unsigned long long allocations = 0;
};

size_t append_body(char* data, size_t size, size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

Result run_floor(const std::string& url, std::size_t total) {
    Result r;
    CURL* h = curl_easy_init();
    curl_slist* headers = curl_slist_append(nullptr, (std::string("X-Auth-Token: ") + token).c_str());
    std::string body;
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &append_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    const auto started = std::chrono::steady_clock::now();
    const auto allocations = g_allocations.load();
    for (std::size_t start = 0; start < total; start += 100) {
        const std::string page =
            fmt::format("{}/api/v1/process?cb.urlver=1&facet=false&q=&rows=100&sort=last_update+desc&start={}", url, start);
        body.clear();
        curl_easy_setopt(h, CURLOPT_URL, page.c_str());
        if (curl_easy_perform(h) != CURLE_OK) throw std::runtime_error("floor: request failed");
        const auto doc = nlohmann::json::parse(body);
        for (const auto& item : doc.at("results")) {
            r.checksum += item.at("process_name").get<std::string>().size();
            ++r.items;
        }
    }
    r.allocations = g_allocations.load() - allocations;
    r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    return r;
}

Result run_sdk(const std::string& url, const std::string& mode) {
    using namespace cbapi::response;
    ApiOptions options;
    options.connection.allow_http = true;  // the loopback simulator, compared with a plain-HTTP libcurl loop
    const CbResponseAPI cb(url, token, options);
    auto query = cb.select<Process>();
    if (mode == "sequential") query = query.prefetch(false);
    if (mode == "parallel4") query = query.parallel(4);
    Result r;
    const auto started = std::chrono::steady_clock::now();
    const auto allocations = g_allocations.load();
    for (const Process& p : query) {
        r.checksum += p.process_name().size();
        ++r.items;
    }
    r.allocations = g_allocations.load() - allocations;
    r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return r;
}

struct Measurement {
    std::string mode;
    std::size_t total = 0;
    long latency_ms = 0;
    Result result;
    double cpu_seconds = 0;
    double peak_rss_mb = 0;
};

// Runs one mode in a child process; its CPU time and peak RSS come from wait4.
Measurement measure(const std::string& url, const std::string& mode, std::size_t total, long latency_ms) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    const pid_t child = fork();
    if (child == 0) {
        close(fds[0]);
        Result r;
        try {
            r = mode == "floor" ? run_floor(url, total) : run_sdk(url, mode);
        } catch (const std::exception& e) {
            std::cerr << mode << ": " << e.what() << "\n";
            std::_Exit(3);
        }
        if (write(fds[1], &r, sizeof r) != static_cast<ssize_t>(sizeof r)) std::_Exit(2);
        std::_Exit(0);
    }
    close(fds[1]);
    Measurement m{mode, total, latency_ms, {}, 0, 0};
    const ssize_t got = read(fds[0], &m.result, sizeof m.result);
    close(fds[0]);
    int status = 0;
    rusage usage{};
    wait4(child, &status, 0, &usage);
    if (got != static_cast<ssize_t>(sizeof m.result) || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("measurement '" + mode + "' failed");
    m.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                    static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    m.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
    return m;
}

struct Server {
    pid_t pid = -1;
    std::string url;
    Server(std::size_t total, long latency_ms) {
        int fds[2];
        if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
        pid = fork();
        if (pid == 0) {
            close(fds[0]);
            run_server(fds[1], total, std::chrono::milliseconds(latency_ms));
        }
        close(fds[1]);
        char buffer[128] = {};
        const ssize_t n = read(fds[0], buffer, sizeof buffer - 1);
        close(fds[0]);
        if (n <= 0) throw std::runtime_error("the benchmark server did not start");
        url.assign(buffer, static_cast<std::size_t>(n));
    }
    ~Server() {
        kill(pid, SIGTERM);
        waitpid(pid, nullptr, 0);
    }
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Iterate Cb Response process search results: the SDK against a plain libcurl + nlohmann loop"};
    std::vector<std::size_t> sizes{20000, 200000};
    long latency_ms = 50;
    std::size_t latency_items = 20000;
    bool check = false;
    std::vector<std::string> modes{"floor", "sequential", "defaults", "parallel4"};
    app.add_option("--items", sizes, "Result-set sizes to iterate without latency");
    app.add_option("--modes", modes, "Modes to run")->check(CLI::IsMember({"floor", "sequential", "defaults", "parallel4"}));
    app.add_option("--latency-ms", latency_ms, "Server latency per page for the latency run (0 skips it)");
    app.add_option("--latency-items", latency_items, "Result-set size of the latency run");
    app.add_flag("--check", check, "Exit non-zero when a target is missed");
    CLI11_PARSE(app, argc, argv);

    std::vector<Measurement> all;
    try {
        for (const std::size_t n : sizes) {
            Server server(n, 0);
            for (const auto& mode : modes) all.push_back(measure(server.url, mode, n, 0));
        }
        if (latency_ms > 0) {
            Server server(latency_items, latency_ms);
            for (const auto& mode : modes) all.push_back(measure(server.url, mode, latency_items, latency_ms));
        }
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }

    std::cout << fmt::format("{:<11} {:>8} {:>8} {:>12} {:>9} {:>9} {:>10} {:>10}\n", "mode", "items", "latency",
                             "items/s", "wall s", "cpu s", "peak MB", "allocs/item");
    for (const auto& m : all) {
        std::cout << fmt::format("{:<11} {:>8} {:>6}ms {:>12.0f} {:>9.3f} {:>9.3f} {:>10.1f} {:>10.1f}\n", m.mode,
                                 m.result.items, m.latency_ms,
                                 static_cast<double>(m.result.items) / m.result.wall_seconds, m.result.wall_seconds,
                                 m.cpu_seconds, m.peak_rss_mb,
                                 static_cast<double>(m.result.allocations) / static_cast<double>(m.result.items));
    }

    auto find = [&](const std::string& mode, std::size_t n, long latency) -> const Measurement* {
        for (const auto& m : all)
            if (m.mode == mode && m.total == n && m.latency_ms == latency) return &m;
        return nullptr;
    };
    bool ok = true;
    auto target = [&](bool met, const std::string& text) {
        std::cout << (met ? "PASS " : "MISS ") << text << "\n";
        ok = ok && met;
    };
    std::cout << "\n";
    for (const std::size_t n : sizes) {
        const auto* floor = find("floor", n, 0);
        const auto* seq = find("sequential", n, 0);
        for (const auto* m : {floor, seq, find("defaults", n, 0), find("parallel4", n, 0)})
            if (m && m->result.items != n) target(false, fmt::format("{} returned {} of {} items", m->mode, m->result.items, n));
        if (floor && seq)
            target(seq->result.wall_seconds <= 1.15 * floor->result.wall_seconds,
                   fmt::format("sequential SDK at {} items: {:.2f}x the floor's wall time (target <= 1.15x)", n,
                               seq->result.wall_seconds / floor->result.wall_seconds));
    }
    if (latency_ms > 0) {
        const auto* seq = find("sequential", latency_items, latency_ms);
        const auto* def = find("defaults", latency_items, latency_ms);
        if (seq && def)
            target(def->result.wall_seconds * 3 <= seq->result.wall_seconds,
                   fmt::format("defaults with {} ms per page: {:.2f}x faster than sequential fetching (target >= 3x)",
                               latency_ms, seq->result.wall_seconds / def->result.wall_seconds));
    }
    for (const std::size_t n : sizes) {
        // A copy of each result's JSON would cost about one allocation per field (~40 here) per item.
        const auto* floor = find("floor", n, 0);
        const auto* def = find("defaults", n, 0);
        if (floor && def) {
            const double extra = static_cast<double>(def->result.allocations) / static_cast<double>(def->result.items) -
                                 static_cast<double>(floor->result.allocations) / static_cast<double>(floor->result.items);
            target(extra <= 5.0, fmt::format("models at {} items: {:.1f} heap allocations per item beyond the floor's "
                                             "(target <= 5: the page's JSON is moved into the models, not copied)",
                                             n, extra));
        }
    }
    if (sizes.size() >= 2) {
        const auto* small = find("defaults", sizes.front(), 0);
        const auto* large = find("defaults", sizes.back(), 0);
        if (small && large)
            target(large->peak_rss_mb - small->peak_rss_mb <= 10.0,
                   fmt::format("defaults peak RSS: {:.1f} MB at {} items vs {:.1f} MB at {} (target: within 10 MB)",
                               large->peak_rss_mb, sizes.back(), small->peak_rss_mb, sizes.front()));
    }
    return check && !ok ? 1 : 0;
}
