// The fan-out of independent GETs (src/fan_out.hpp), end to end over loopback: what the server saw (requests at once,
// each asked once, 429s, Retry-After) and what the caller got (every reply at its position, errors where they
// belong). Runs under ThreadSanitizer in .ci/run.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cbapi/connection.hpp"
#include "fan_out.hpp"
#include "reply_cache.hpp"
#include "support/response_fakes.hpp"

namespace cbapi {
namespace {

using namespace std::chrono_literals;
using detail::FanOut;
using test::InflightMeter;

/// `/item/<n>` answers {"n": n} after `latency` (later items faster, so that replies arrive out of order), 429 to a
/// request that arrives while `limit` others are served (0 = no limit), `fail_status` for item `fail_at`, and a
/// Retry-After 429 once for item `retry_after_at`. Counts what it saw.
struct ItemServer {
    std::chrono::milliseconds latency{20};
    std::size_t limit = 0;
    std::optional<std::size_t> fail_at;
    int fail_status = 500;
    std::optional<std::size_t> retry_after_at;
    std::shared_ptr<test::Event> release;  // when set, every request waits for it (at most 10 s)

    InflightMeter arriving;
    InflightMeter served;
    std::atomic<int> rejected{0};
    std::mutex mutex;
    std::map<std::size_t, int> asked;  // item -> times served

    void install(testing::MockServer& server) {
        server.on("GET", "/item/[0-9]+", [this](const testing::RecordedRequest& r) {
            const std::size_t n = std::stoul(r.path.substr(6));
            if (release) release->wait(10s);
            {
                std::lock_guard<std::mutex> lock(mutex);
                if (retry_after_at && *retry_after_at == n) {
                    retry_after_at.reset();
                    ++rejected;
                    auto busy = testing::MockResponse::text("slow down", 429);
                    busy.headers.set("Retry-After", "1");
                    return busy;
                }
            }
            std::optional<InflightMeter::Scope> candidate;
            candidate.emplace(arriving);
            if (limit > 0 && static_cast<std::size_t>(candidate->now()) > limit) {
                candidate.reset();
                ++rejected;
                return testing::MockResponse::text("too many requests", 429);
            }
            const InflightMeter::Scope serving(served);
            {
                std::lock_guard<std::mutex> lock(mutex);
                ++asked[n];
            }
            if (fail_at && *fail_at == n) return testing::MockResponse::text("item failed", fail_status);
            // The server's work, while counted as served (the client under test never sleeps).
            std::this_thread::sleep_for(latency / static_cast<long>(1 + n % 4));
            return testing::MockResponse::json({{"n", n}});
        });
    }
    std::map<std::size_t, int> served_counts() {
        std::lock_guard<std::mutex> lock(mutex);
        return asked;
    }
};

class FanOutTest : public ::testing::Test {
protected:
    // Declared before the server: handlers refer to it until the server has stopped.
    ItemServer items;
    testing::MockServer server;
    test::RecordingSleeper sleeper;
    Connection connection{test::credentials_for(server), test::test_options(sleeper)};

    static std::map<std::size_t, int> once_each(std::size_t n) {
        std::map<std::size_t, int> out;
        for (std::size_t i = 0; i < n; ++i) out[i] = 1;
        return out;
    }
};

TEST_F(FanOutTest, RepliesComeBackInOrderEachAskedOnceSeveralAtOnce) {
    items.install(server);
    FanOut fan(connection);
    for (std::size_t i = 0; i < 40; ++i) EXPECT_EQ(fan.add("/item/" + std::to_string(i)), i);
    for (std::size_t i = 0; i < 40; ++i) EXPECT_EQ(fan.take(i), (nlohmann::json{{"n", i}})) << i;
    EXPECT_EQ(items.served_counts(), once_each(40));
    EXPECT_GT(items.served.max(), 2) << "the requests were not sent together";
    EXPECT_LE(items.served.max(), static_cast<int>(FanOut::default_cap));
    EXPECT_THROW(fan.take(3), ApiError);   // taken already
    EXPECT_THROW(fan.take(40), ApiError);  // never added
}

TEST_F(FanOutTest, NeverMoreThanTheCapInFlight) {
    items.install(server);
    FanOut fan(connection, 3);
    for (std::size_t i = 0; i < 30; ++i) fan.add("/item/" + std::to_string(i));
    for (std::size_t i = 0; i < 30; ++i) EXPECT_EQ(fan.take(i).at("n"), i);
    EXPECT_LE(items.served.max(), 3);
    EXPECT_GE(items.served.max(), 2);
    EXPECT_EQ(items.served_counts(), once_each(30));
}

TEST_F(FanOutTest, ARepeatedGetIsSentOnceAndEveryPositionGetsTheReply) {
    items.install(server);
    FanOut fan(connection);
    EXPECT_EQ(fan.add("/item/1"), 0u);
    EXPECT_EQ(fan.add("/item/2"), 1u);
    EXPECT_EQ(fan.add("/item/1"), 2u);
    EXPECT_EQ(fan.add("/item/1", {{"x", "1"}}), 3u);  // other parameters: another request
    EXPECT_EQ(fan.size(), 4u);
    EXPECT_EQ(fan.requests(), 3u);
    EXPECT_EQ(fan.take(0), (nlohmann::json{{"n", 1}}));
    EXPECT_EQ(fan.take(1), (nlohmann::json{{"n", 2}}));
    EXPECT_EQ(fan.take(2), (nlohmann::json{{"n", 1}}));
    EXPECT_EQ(fan.take(3), (nlohmann::json{{"n", 1}}));
    std::size_t sent = 0;
    for (const auto& r : server.requests()) sent += r.path == "/item/1" && r.query.empty() ? 1u : 0u;
    EXPECT_EQ(sent, 1u);
}

TEST_F(FanOutTest, AServerThatAnswers429AboveNPacesItWithoutFailing) {
    items.limit = 3;
    items.latency = 30ms;
    items.install(server);
    FanOut fan(connection);
    for (std::size_t i = 0; i < 80; ++i) fan.add("/item/" + std::to_string(i));
    for (std::size_t i = 0; i < 80; ++i) EXPECT_EQ(fan.take(i).at("n"), i);
    EXPECT_EQ(items.served_counts(), once_each(80));
    EXPECT_LE(items.served.max(), 3);
    EXPECT_GT(items.rejected.load(), 0);
    // The pace came down to the server's limit instead of hammering it: few 429s for 80 requests.
    EXPECT_LE(fan.window(), 4u);
    EXPECT_LT(items.rejected.load(), 40);
}

TEST_F(FanOutTest, RetryAfterIsWaitedBeforeTheRetry) {
    items.retry_after_at = 2;
    items.install(server);
    FanOut fan(connection);
    for (std::size_t i = 0; i < 10; ++i) fan.add("/item/" + std::to_string(i));
    for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(fan.take(i).at("n"), i);
    EXPECT_EQ(items.rejected.load(), 1);
    EXPECT_EQ(items.served_counts(), once_each(10));
    const auto delays = sleeper.delays();
    EXPECT_EQ(std::count(delays.begin(), delays.end(), 1000ms), 1) << delays.size();
}

TEST_F(FanOutTest, AnErrorSurfacesAtItsPositionAndNothingAfterItIsLost) {
    items.fail_at = 5;
    items.fail_status = 500;
    items.install(server);
    FanOut fan(connection);
    for (std::size_t i = 0; i < 12; ++i) fan.add("/item/" + std::to_string(i));
    for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(fan.take(i).at("n"), i);
    try {
        fan.take(5);
        FAIL() << "no error at position 5";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 500);
    }
    for (std::size_t i = 6; i < 12; ++i) EXPECT_EQ(fan.take(i).at("n"), i);
}

TEST_F(FanOutTest, ANotFoundIsItsOwnPositionsError) {
    items.fail_at = 1;
    items.fail_status = 404;
    items.install(server);
    FanOut fan(connection);
    fan.add("/item/0");
    fan.add("/item/1");
    fan.add("/item/2");
    EXPECT_EQ(fan.take(0).at("n"), 0);
    EXPECT_THROW(fan.take(1), ObjectNotFoundError);
    EXPECT_EQ(fan.take(2).at("n"), 2);
}

TEST_F(FanOutTest, DestroyingItCancelsTheRequestsInFlightAndJoinsItsThreads) {
    items.release = std::make_shared<test::Event>();
    items.install(server);
    const auto started = std::chrono::steady_clock::now();
    {
        FanOut fan(connection);
        for (std::size_t i = 0; i < 20; ++i) fan.add("/item/" + std::to_string(i));
        // Wait (bounded) until the first requests reached the server, then leave: the caller gave up (a visitor threw).
        for (int spin = 0; spin < 500 && server.requests().size() < 2; ++spin) std::this_thread::sleep_for(2ms);
        EXPECT_GE(server.requests().size(), 2u);
    }
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_LT(took, 5s) << "the fan-out waited for requests the caller no longer wanted";
    // Nothing that had not started was sent after the fan-out was gone.
    const std::size_t seen = server.requests().size();
    EXPECT_LT(seen, 20u);
    items.release->set();
}

TEST_F(FanOutTest, AnExceptionWhileTakingLeavesNothingRunning) {
    items.install(server);
    const auto consume = [this] {
        FanOut fan(connection);
        for (std::size_t i = 0; i < 30; ++i) fan.add("/item/" + std::to_string(i));
        for (std::size_t i = 0; i < 30; ++i) {
            fan.take(i);
            if (i == 3) throw std::runtime_error("the visitor gave up");
        }
    };
    EXPECT_THROW(consume(), std::runtime_error);
    // It stopped: the requests not yet started were never sent (and the workers, joined by the destructor, left
    // nothing behind that ASan or TSan would see touching the destroyed fan-out).
    EXPECT_LT(server.requests().size(), 30u);
}

TEST_F(FanOutTest, RepliesTheReadCacheHoldsAreNotAskedForAgain) {
    items.install(server);
    // A lazy load read item 1 before (Connection::get_json_cached, as a model's first field access does).
    EXPECT_EQ(connection.get_json_cached("/item/1").at("n"), 1);
    {
        FanOut fan(connection);
        for (std::size_t i = 0; i < 4; ++i) fan.add("/item/" + std::to_string(i));
        for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(fan.take(i).at("n"), i);
    }
    EXPECT_EQ(items.served_counts(), once_each(4));
    // A second operation over the same objects within the cache's TTL sends nothing.
    FanOut again(connection);
    for (std::size_t i = 0; i < 4; ++i) again.add("/item/" + std::to_string(i));
    for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(again.take(i).at("n"), i);
    EXPECT_EQ(items.served_counts(), once_each(4));
    EXPECT_EQ(server.requests().size(), 4u);
}

TEST_F(FanOutTest, NoRequestCanBeAddedAfterCancel) {
    items.install(server);
    FanOut fan(connection);
    fan.add("/item/0");
    fan.cancel();
    EXPECT_THROW(fan.add("/item/1"), ApiError);
}

// The read cache sends concurrent identical reads once: the callers that wait get the reply of the one that sends.
// When that caller cancels its request (a fan-out given up), the waiters were not cancelled: one of them sends.
TEST(ReplyCacheCancel, AWaiterWhoseSenderWasCancelledSendsItself) {
    detail::ReplyCache cache(CacheOptions{});
    test::Event release;
    std::atomic<bool> sending{false};
    std::atomic<int> second_fetches{0};
    const auto until = [](const auto& done) {
        const auto give_up = std::chrono::steady_clock::now() + 10s;
        while (!done() && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
        return done();
    };
    std::thread cancelled([&] {
        EXPECT_THROW(cache.get("/x",
                               [&]() -> std::pair<detail::ReplyCache::Value, std::size_t> {
                                   sending = true;
                                   release.wait(10s);
                                   throw RequestCancelled();
                               }),
                     RequestCancelled);
    });
    ASSERT_TRUE(until([&] { return sending.load(); }));
    detail::ReplyCache::Value got;
    std::thread waiter([&] {
        got = cache.get("/x", [&] {
            ++second_fetches;
            return std::make_pair(std::make_shared<const nlohmann::json>(nlohmann::json{{"n", 7}}), std::size_t{9});
        });
    });
    EXPECT_TRUE(until([&] { return cache.waiters() == 1; })) << "the second caller did not wait for the first";
    release.set();
    cancelled.join();
    waiter.join();
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, (nlohmann::json{{"n", 7}}));
    EXPECT_EQ(second_fetches.load(), 1);
    EXPECT_EQ(cache.waiters(), 0u);
    // What the waiter fetched is cached: a third read sends nothing.
    const auto third = cache.get("/x", []() -> std::pair<detail::ReplyCache::Value, std::size_t> {
        throw std::logic_error("sent again");
    });
    EXPECT_EQ(*third, (nlohmann::json{{"n", 7}}));
}

// A waiter whose own operation is cancelled (a fan-out whose visitor threw) stops waiting at once, instead of
// waiting for another caller's request against a server that may take its whole deadline; that request goes on.
TEST(ReplyCacheCancel, AWaiterThatIsCancelledStopsWaitingAndTheSenderGoesOn) {
    detail::ReplyCache cache(CacheOptions{});
    test::Event release;
    std::atomic<bool> sending{false};
    const auto until = [](const auto& done) {
        const auto give_up = std::chrono::steady_clock::now() + 10s;
        while (!done() && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
        return done();
    };
    detail::ReplyCache::Value sent;
    std::thread sender([&] {
        sent = cache.get("/x", [&] {
            sending = true;
            release.wait(10s);
            return std::make_pair(std::make_shared<const nlohmann::json>(nlohmann::json{{"n", 1}}), std::size_t{7});
        });
    });
    ASSERT_TRUE(until([&] { return sending.load(); }));
    std::atomic<bool> cancel{false};
    std::atomic<bool> gave_up{false};
    std::thread waiter([&] {
        EXPECT_THROW(cache.get("/x",
                               []() -> std::pair<detail::ReplyCache::Value, std::size_t> {
                                   throw std::logic_error("the waiter sent a request");
                               },
                               &cancel),
                     RequestCancelled);
        gave_up = true;
    });
    EXPECT_TRUE(until([&] { return cache.waiters() == 1; }));
    cancel = true;
    EXPECT_TRUE(until([&] { return gave_up.load(); })) << "the cancelled waiter kept waiting for the other request";
    EXPECT_FALSE(release.is_set());
    release.set();
    waiter.join();
    sender.join();
    ASSERT_TRUE(sent);
    EXPECT_EQ(*sent, (nlohmann::json{{"n", 1}}));
    EXPECT_EQ(cache.waiters(), 0u);
}

// Any other error of the sender is the waiters' error too (the same request would fail the same way).
TEST(ReplyCacheCancel, AWaiterGetsTheSendersOtherErrors) {
    detail::ReplyCache cache(CacheOptions{});
    test::Event release;
    std::atomic<bool> sending{false};
    std::thread sender([&] {
        EXPECT_THROW(cache.get("/x",
                               [&]() -> std::pair<detail::ReplyCache::Value, std::size_t> {
                                   sending = true;
                                   release.wait(10s);
                                   throw ServerError(500, "boom");
                               }),
                     ServerError);
    });
    const auto give_up = std::chrono::steady_clock::now() + 10s;
    while (!sending && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
    std::atomic<int> fetched{0};
    std::thread waiter([&] {
        EXPECT_THROW(cache.get("/x",
                               [&]() -> std::pair<detail::ReplyCache::Value, std::size_t> {
                                   ++fetched;
                                   throw ServerError(500, "sent");
                               }),
                     ServerError);
    });
    while (cache.waiters() == 0 && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
    EXPECT_EQ(cache.waiters(), 1u);
    release.set();
    sender.join();
    waiter.join();
    EXPECT_EQ(fetched.load(), 0) << "the waiter sent a request of its own";
}

}  // namespace
}  // namespace cbapi
