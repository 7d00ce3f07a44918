// The adaptive pages in flight of the paging engine, end to end over loopback: what the server saw (requests at once,
// 429s, Retry-After) and what the caller got (every result once, in order). Runs under ThreadSanitizer in .ci/run.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/response_fakes.hpp"

namespace cbapi {
namespace {

using namespace std::chrono_literals;
using test::InflightMeter;
using test::SearchItem;

constexpr const char* kSearch = "/api/v1/process";

/// A search of `total` documents {"n": i} whose pages take `latency` each, and that answers 429 (without serving the
/// page) to a request that arrives while `limit` requests are already being served (0 = no limit), as a rate-limiting
/// proxy in front of a real server would. Records what it saw.
struct LimitedSearch {
    std::size_t total = 0;
    std::size_t limit = 0;
    std::chrono::milliseconds latency{20};
    /// Reply to the first request for the page at this start with 429 and this Retry-After (seconds), once.
    std::optional<std::pair<std::size_t, int>> retry_after_once;

    std::shared_ptr<InflightMeter> all = std::make_shared<InflightMeter>();     // every page request
    std::shared_ptr<InflightMeter> arriving = std::make_shared<InflightMeter>();  // those not answered Retry-After
    std::shared_ptr<InflightMeter> served = std::make_shared<InflightMeter>();    // those answered with a page
    std::atomic<int> rejected{0};
    std::mutex mutex;
    std::map<std::size_t, int> pages_served;  // start -> times served
    /// Called with the page's start as each page request arrives (before anything else), when set.
    std::function<void(std::size_t)> on_request;

    void install(testing::MockServer& server) {
        server.on("GET", kSearch, [this](const testing::RecordedRequest& r) {
            const std::size_t start = std::stoul(r.param("start").value_or("0"));
            const std::size_t rows = std::stoul(r.param("rows").value_or("10"));
            if (on_request) on_request(start);
            const InflightMeter::Scope arrived(*all);
            {
                std::lock_guard<std::mutex> lock(mutex);
                if (retry_after_once && retry_after_once->first == start) {
                    auto busy = testing::MockResponse::text("slow down", 429);
                    busy.headers.set("Retry-After", std::to_string(retry_after_once->second));
                    retry_after_once.reset();
                    ++rejected;
                    return busy;
                }
            }
            // A request arriving while `limit` others are being served is turned away.
            std::optional<InflightMeter::Scope> candidate;
            candidate.emplace(*arriving);
            if (limit > 0 && static_cast<std::size_t>(candidate->now()) > limit) {
                candidate.reset();
                ++rejected;
                return testing::MockResponse::text("too many requests", 429);
            }
            const InflightMeter::Scope serving(*served);
            nlohmann::json results = nlohmann::json::array();
            for (std::size_t i = start; i < std::min(total, start + rows); ++i)
                results.push_back({{"id", "guid-" + std::to_string(i)}, {"n", i}});
            {
                std::lock_guard<std::mutex> lock(mutex);
                ++pages_served[start];
            }
            auto reply = testing::MockResponse::json(
                {{"results", results}, {"total_results", total}, {"start", start}, {"facets", nlohmann::json::object()}});
            // The page takes its time while it is counted as served (the server's work, on the server's thread; the
            // client under test never sleeps): MockResponse::delay would wait after the count ended.
            std::this_thread::sleep_for(latency);
            return reply;
        });
    }
};

class AdaptivePagingTest : public ::testing::Test {
protected:
    // Declared before the server: handlers refer to it until the server has stopped.
    LimitedSearch search;
    testing::MockServer server;
    test::RecordingSleeper sleeper;
    response::CbResponseAPI cb = test::connected_api(server, sleeper);

    response::Query<SearchItem> query() const { return cb.select<SearchItem>(); }

    template <typename Q>
    static std::vector<long long> collect(const Q& q) {
        std::vector<long long> out;
        for (const SearchItem& item : q) out.push_back(item.n());
        return out;
    }
    static std::vector<long long> range(long long to) {
        std::vector<long long> out;
        for (long long i = 0; i < to; ++i) out.push_back(i);
        return out;
    }
    // Every page start of a result set of `total` in pages of `rows`, each served exactly once.
    void expect_every_page_served_once(std::size_t total, std::size_t rows) {
        std::lock_guard<std::mutex> lock(search.mutex);
        std::map<std::size_t, int> expected;
        for (std::size_t s = 0; s < total; s += rows) expected[s] = 1;
        EXPECT_EQ(search.pages_served, expected);
    }
};

TEST_F(AdaptivePagingTest, DefaultsSettleAtAServersLimitOf429AboveNWithoutFailing) {
    search.total = 800;
    search.limit = 3;
    search.install(server);
    EXPECT_EQ(collect(query().batch_size(10)), range(800));  // in order, exactly once, no error
    expect_every_page_served_once(800, 10);
    // The server never served more than its limit, and the defaults did reach it.
    EXPECT_LE(search.served->max(), 3);
    EXPECT_EQ(search.served->max(), 3);
    // The 429s: the slow-start overshoot, then a probe now and then; each one retried (a recorded backoff, no sleep).
    const int rejected = search.rejected.load();
    EXPECT_LE(rejected, 16) << "the pace kept asking for more than the server takes";
    EXPECT_EQ(sleeper.delays().size(), static_cast<std::size_t>(rejected));
    EXPECT_EQ(test::requests_to(server, kSearch).size(), 80u + static_cast<std::size_t>(rejected));
}

TEST_F(AdaptivePagingTest, DefaultsGrowPastFourPagesInFlightWhenTheServerKeepsUp) {
    search.total = 600;
    search.install(server);
    EXPECT_EQ(collect(query().batch_size(10)), range(600));
    expect_every_page_served_once(600, 10);
    EXPECT_GT(search.all->max(), 4) << "the defaults stayed at the old fixed prefetch";
    EXPECT_LE(search.all->max(), 16);
    EXPECT_EQ(search.rejected.load(), 0);
}

TEST_F(AdaptivePagingTest, MaxParallelCapsThePagesInFlight) {
    search.total = 400;
    search.install(server);
    EXPECT_EQ(collect(query().batch_size(10).max_parallel(3)), range(400));
    expect_every_page_served_once(400, 10);
    EXPECT_LE(search.all->max(), 3);
}

TEST_F(AdaptivePagingTest, RetryAfterHoldsThePagesSentAfterIt) {
    search.total = 300;
    search.latency = 5ms;
    search.retry_after_once = std::make_pair(std::size_t{20}, 1);
    search.install(server);
    EXPECT_EQ(collect(query().batch_size(10)), range(300));
    expect_every_page_served_once(300, 10);
    const auto delays = sleeper.delays();
    // The page that got the 429 waits the second it was told (the retry path), ...
    EXPECT_EQ(std::count(delays.begin(), delays.end(), 1000ms), 1) << delays.size();
    // ... and the pages sent after it wait out what is left of that second first, in slices of at most 50 ms
    // (the recording sleeper returns at once, so every later page takes its turn at it).
    std::chrono::milliseconds held{0};
    std::size_t slices = 0;
    for (const auto d : delays) {
        if (d == 1000ms) continue;
        EXPECT_LE(d, 50ms);
        held += d;
        ++slices;
    }
    EXPECT_GT(slices, 0u) << "no page waited for the Retry-After";
}

TEST_F(AdaptivePagingTest, ParallelStaysAFixedSetting) {
    search.total = 400;
    search.install(server);
    EXPECT_EQ(collect(query().batch_size(10).parallel(2)), range(400));
    EXPECT_LE(search.all->max(), 2);
    expect_every_page_served_once(400, 10);
}

TEST_F(AdaptivePagingTest, ParallelKeepsItsPagesInFlightWhenTheLoopIsSlowerThanTheServer) {
    // The loop's own work (3 ms an item, 30 ms a page) is slower than 5 pages in flight deliver (one per 20 ms): the
    // adaptive default would keep no more pages ahead than the loop needs; parallel(5) is the user's fixed setting and
    // sends 5 at once, whatever the loop does.
    search.total = 100;
    search.latency = 100ms;
    std::atomic<long long> reached{-1};  // the last result the loop has taken
    std::mutex mutex;
    std::map<std::size_t, long long> reached_at;  // page start -> where the loop was when its request arrived
    search.on_request = [&](std::size_t start) {
        std::lock_guard<std::mutex> lock(mutex);
        reached_at.emplace(start, reached.load());
    };
    search.install(server);
    std::vector<long long> got;
    for (const SearchItem& item : query().batch_size(10).parallel(5)) {
        got.push_back(item.n());
        reached = item.n();
        std::this_thread::sleep_for(3ms);  // the caller's work on each result (not a clock the SDK reads)
    }
    EXPECT_EQ(got, range(100));
    EXPECT_EQ(search.all->max(), 5) << "parallel(5) had fewer than 5 pages in flight";
    expect_every_page_served_once(100, 10);
    // Not only the first burst: every later page was asked for when the loop took up the page 5 before it (so 5
    // stayed in flight), not when the loop came close to it (one page of slack for the request's way to the server).
    std::lock_guard<std::mutex> lock(mutex);
    for (std::size_t start = 60; start < 100; start += 10)
        EXPECT_LT(reached_at.at(start), static_cast<long long>(start) - 30)
            << "page " << start << " was asked for only when the loop was at " << reached_at.at(start);
}

TEST_F(AdaptivePagingTest, PrefetchOffStaysSequential) {
    search.total = 100;
    search.install(server);
    EXPECT_EQ(collect(query().batch_size(10).prefetch(false)), range(100));
    EXPECT_EQ(search.all->max(), 1);
    expect_every_page_served_once(100, 10);
}

TEST_F(AdaptivePagingTest, ABrokenLoopReturnsPromptlyWhilePagesWaitForThePace) {
    // A limit of one: after the overshoot the pace is at one page in flight, and launched pages wait in the gate.
    search.total = 2000;
    search.limit = 1;
    search.latency = 30ms;
    search.install(server);
    std::vector<long long> seen;
    std::chrono::steady_clock::duration took{};
    {
        auto q = query().batch_size(10);
        auto it = q.begin();
        for (int i = 0; i < 35 && it != q.end(); ++i, ++it) seen.push_back(it->n());
        const auto t1 = std::chrono::steady_clock::now();
        it = q.end();  // abandons the iteration
        took = std::chrono::steady_clock::now() - t1;
    }
    EXPECT_EQ(seen, range(35));
    EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(took).count(), 500);
}

}  // namespace
}  // namespace cbapi
