#pragma once
// Test doubles for Cb Response: minimal model declarations and a paginated search endpoint on the MockServer.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/api.hpp"
#include "cbapi/response/query.hpp"
#include "cbapi/testing/mock_server.hpp"
#include "support/fixtures.hpp"

namespace cbapi::test {

/// A search model like Process: paginated, default sort "last_update desc".
class SearchItem : public Model {
public:
    inline static const ModelInfo model_info =
        ModelInfo("SearchItem", "/api/v1/process").sorted_by("last_update desc");
    static constexpr bool creatable = false;
    using query_type = response::Query<SearchItem>;
    SearchItem(detail::ApiHandle api, nlohmann::json doc, bool full)
        : Model(model_info, std::move(api), std::move(doc), full) {}
    long long n() const { return get_or<long long>("n", -1); }
};

/// A list model like Watchlist: client-side query, creatable, required fields.
class ListItem : public MutableModel {
public:
    inline static const ModelInfo model_info =
        ModelInfo("ListItem", "/api/v1/watchlist").required({"name", "search_query"});
    static constexpr bool creatable = true;
    using query_type = SimpleQuery<ListItem>;
    ListItem(detail::ApiHandle api, nlohmann::json doc, bool full)
        : MutableModel(model_info, std::move(api), std::move(doc), full) {}
    std::string name() const { return get_or<std::string>("name", ""); }
};

/// A one-shot event for synchronising a test with mock-server handlers. Waits are bounded (never a bare sleep), so a
/// broken library makes a test fail instead of hang.
class Event {
public:
    void set() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            set_ = true;
        }
        cv_.notify_all();
    }
    bool is_set() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return set_;
    }
    /// Waits until set() or until `max` passed; true when set.
    bool wait(std::chrono::milliseconds max = std::chrono::seconds(5)) const {
        std::unique_lock<std::mutex> lock(mutex_);
        return cv_.wait_for(lock, max, [this] { return set_; });
    }

private:
    mutable std::mutex mutex_;
    mutable std::condition_variable cv_;
    bool set_ = false;
};

/// Counts the requests a handler is serving at once, and the most ever seen at once.
class InflightMeter {
public:
    /// Counts one request for its lifetime.
    class Scope {
    public:
        explicit Scope(InflightMeter& meter) : meter_(meter), now_(meter.enter()) {}
        ~Scope() { meter_.leave(); }
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;
        /// Requests in flight right after this one arrived (this one included).
        int now() const noexcept { return now_; }

    private:
        InflightMeter& meter_;
        int now_;
    };

    int now() const noexcept { return now_.load(); }
    int max() const noexcept { return max_.load(); }

private:
    int enter() {
        const int n = ++now_;
        int seen = max_.load();
        while (n > seen && !max_.compare_exchange_weak(seen, n)) {
        }
        return n;
    }
    void leave() { --now_; }

    std::atomic<int> now_{0};
    std::atomic<int> max_{0};
};

/// A fake /api/v1/process search with `total` documents {"id": "guid-<n>", "n": n}.
struct FakeSearch {
    std::size_t total = 0;
    /// What total_results claims (default: total).
    std::optional<std::size_t> reported_total;
    /// Reply with this status for the page starting here.
    std::optional<std::size_t> fail_at_start;
    int fail_status = 500;
    /// Echo a wrong start (a server ignoring `start`).
    bool ignore_start = false;

    // --- optional instrumentation (all off by default) ---
    /// The result-set size as seen by the request for the page at `start` (both the documents served and the
    /// total_results reported, unless reported_total is set); lets a test change the total during an iteration.
    std::function<std::size_t(std::size_t start)> total_at;
    /// At most this many documents for the page starting at the key (a short page).
    std::map<std::size_t, std::size_t> page_items;
    /// Called for every page request (rows > 0), in the server's handler thread, before it is answered; may block.
    std::function<void(const testing::RecordedRequest&, std::size_t start)> before_page;
    /// Page requests starting here are answered with MockResponse::hold (until MockServer::release_held()).
    std::set<std::size_t> hold_at_start;
    /// When set, counts the page requests (rows > 0) being served at once.
    std::shared_ptr<InflightMeter> meter;

    void install(testing::MockServer& server, const std::string& path = "/api/v1/process") {
        server.on("GET", path, [this](const testing::RecordedRequest& r) {
            const std::size_t start = std::stoul(r.param("start").value_or("0"));
            const std::size_t rows = std::stoul(r.param("rows").value_or("10"));
            std::optional<InflightMeter::Scope> counted;
            if (meter && rows > 0) counted.emplace(*meter);
            if (before_page && rows > 0) before_page(r, start);
            if (fail_at_start && *fail_at_start == start && rows > 0)
                return testing::MockResponse::text("page failed", fail_status);
            const std::size_t size = total_at ? total_at(start) : total;
            nlohmann::json results = nlohmann::json::array();
            const std::size_t from = ignore_start ? 0 : start;
            std::size_t to = std::min(size, from + rows);
            if (const auto it = page_items.find(start); it != page_items.end()) to = std::min(to, from + it->second);
            for (std::size_t i = from; i < to; ++i) results.push_back({{"id", "guid-" + std::to_string(i)}, {"n", i}});
            auto reply = testing::MockResponse::json({{"results", results},
                                                      {"total_results", reported_total.value_or(size)},
                                                      {"start", ignore_start ? 0 : start},
                                                      {"facets", nlohmann::json::object()}});
            if (rows > 0 && hold_at_start.count(start) > 0) reply.hold = true;
            return reply;
        });
    }
};

/// Serves /api/info with the given version.
inline void serve_info(testing::MockServer& server, const std::string& version = "6.1.0.180806.1200") {
    server.on("GET", "/api/info", [version](const testing::RecordedRequest&) {
        return testing::MockResponse::json({{"version", version}, {"cblrEnabled", true}});
    });
}

/// A CbResponseAPI on a MockServer with test connection options.
inline response::CbResponseAPI response_api(testing::MockServer& server, RecordingSleeper& sleeper) {
    response::ApiOptions options;
    options.connection = test_options(sleeper);
    return response::CbResponseAPI(credentials_for(server), options);
}

/// Serves /api/info (version `version`) and connects a CbResponseAPI to the server.
inline response::CbResponseAPI connected_api(testing::MockServer& server, RecordingSleeper& sleeper,
                                             const std::string& version = "6.1.0.180806.1200") {
    serve_info(server, version);
    return response_api(server, sleeper);
}

/// The requests the server received for `path`, in order.
inline std::vector<testing::RecordedRequest> requests_to(const testing::MockServer& server, const std::string& path) {
    std::vector<testing::RecordedRequest> out;
    for (auto& r : server.requests())
        if (r.path == path) out.push_back(r);
    return out;
}

/// The requests the server received, but for those to /api/info, as "METHOD path?query body", in order.
inline std::vector<std::string> request_log(const testing::MockServer& server) {
    std::vector<std::string> out;
    for (const auto& r : server.requests()) {
        if (r.path == "/api/info") continue;
        out.push_back(r.method + " " + r.path + (r.query.empty() ? "" : "?" + r.query) +
                      (r.body.empty() ? "" : " " + r.body));
    }
    return out;
}

/// The raw query strings of the requests the server received for `path`, in order.
inline std::vector<std::string> queries_to(const testing::MockServer& server, const std::string& path) {
    std::vector<std::string> out;
    for (auto& r : requests_to(server, path)) out.push_back(r.query);
    return out;
}

}  // namespace cbapi::test
