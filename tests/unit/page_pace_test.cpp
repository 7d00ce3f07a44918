// The adaptive pace of the paging engine (src/page_pace.hpp) as pure logic: a simulated client keeps as many requests
// in flight as the pace allows against simulated servers (fixed latency, a limit of N at once, one worker queueing
// every request), on a simulated clock.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <thread>
#include <vector>

#include "page_pace.hpp"

namespace cbapi::detail {
namespace {

using namespace std::chrono_literals;
using Clock = AdaptivePace::Clock;

/// What a simulated server does with a request sent at `concurrency` (itself included) at `now`.
struct Answer {
    Clock::time_point done;
    PaceResult result = PaceResult::ok;
    std::optional<std::chrono::milliseconds> retry_after;
};
using Server = std::function<Answer(std::size_t concurrency, Clock::time_point now)>;

struct Run {
    Clock::duration took{};
    std::size_t pushbacks = 0;
    std::size_t max_ok_concurrency = 0;            // most requests the server answered with a page at once
    std::vector<std::size_t> window_after_page;     // the window after every page that arrived
};

// Fetches `pages` pages as the paging engine does: start attempts while the pace allows, a pushback is sent again.
Run simulate(AdaptivePace& pace, Clock::time_point t0, std::size_t pages, const Server& server) {
    struct Pending {
        AdaptivePace::Ticket ticket;
        Answer answer;
    };
    Run run;
    std::vector<Pending> pending;
    std::size_t to_send = pages;
    std::size_t received = 0;
    Clock::time_point now = t0;
    while (received < pages) {
        const auto hold = pace.hold(now);
        if (hold > 0ms && pending.empty()) now += hold;
        while (hold == 0ms && to_send > 0 && pace.may_start()) {
            const auto ticket = pace.start(now);
            pending.push_back({ticket, server(ticket.concurrency, now)});
            --to_send;
        }
        std::size_t ok_now = 0;
        for (const auto& p : pending) ok_now += p.answer.result == PaceResult::ok ? 1 : 0;
        run.max_ok_concurrency = std::max(run.max_ok_concurrency, ok_now);
        const auto next = std::min_element(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) {
            return a.answer.done < b.answer.done;
        });
        if (next == pending.end()) continue;
        const Pending p = *next;
        pending.erase(next);
        now = std::max(now, p.answer.done);
        pace.finish(p.ticket, p.answer.result, now, p.answer.retry_after);
        if (p.answer.result == PaceResult::ok) {
            ++received;
            run.window_after_page.push_back(pace.window());
        } else {
            ++run.pushbacks;
            ++to_send;  // retried
        }
    }
    run.took = now - t0;
    return run;
}

Server fixed_latency(std::chrono::milliseconds latency) {
    return [latency](std::size_t, Clock::time_point now) { return Answer{now + latency, PaceResult::ok, std::nullopt}; };
}

// Answers 429 at once above `limit` requests at once, else a page after `latency`.
Server limited(std::size_t limit, std::chrono::milliseconds latency,
               std::optional<std::chrono::milliseconds> retry_after = std::nullopt) {
    return [=](std::size_t concurrency, Clock::time_point now) {
        if (concurrency > limit) return Answer{now + 1ms, PaceResult::pushback, retry_after};
        return Answer{now + latency, PaceResult::ok, std::nullopt};
    };
}

// One worker: every request waits for the ones before it (throughput fixed, latency grows with the window).
Server one_worker(std::chrono::milliseconds service) {
    auto free_at = std::make_shared<Clock::time_point>();
    return [free_at, service](std::size_t, Clock::time_point now) {
        *free_at = std::max(*free_at, now) + service;
        return Answer{*free_at, PaceResult::ok, std::nullopt};
    };
}

TEST(AdaptivePace, StartsWithTwoPagesInFlight) {
    const AdaptivePace pace(16, Clock::time_point{});
    EXPECT_EQ(pace.window(), 2u);
    EXPECT_TRUE(pace.may_start());
    EXPECT_EQ(AdaptivePace(1, Clock::time_point{}).window(), 1u);
}

TEST(AdaptivePace, SlowStartDoublesEveryRoundTripUpToTheCap) {
    const Clock::time_point t0{};
    AdaptivePace pace(16, t0);
    const auto run = simulate(pace, t0, 200, fixed_latency(48ms));
    // 2 -> 4 -> 8 -> 16: the cap after the first 14 pages, and it stays there.
    ASSERT_GE(run.window_after_page.size(), 15u);
    EXPECT_EQ(run.window_after_page[13], 16u);
    EXPECT_EQ(pace.window(), 16u);
    EXPECT_EQ(pace.max_window(), 16u);
    EXPECT_EQ(run.pushbacks, 0u);
    // 200 pages of 48 ms: sequentially 9.6 s; at 16 in flight after a few round trips, under 1.2 s (8x).
    EXPECT_LT(run.took, 1200ms) << std::chrono::duration<double>(run.took).count();
}

TEST(AdaptivePace, TheCapIsSettable) {
    const Clock::time_point t0{};
    AdaptivePace pace(5, t0);
    const auto run = simulate(pace, t0, 100, fixed_latency(48ms));
    EXPECT_EQ(pace.window(), 5u);
    EXPECT_EQ(*std::max_element(run.window_after_page.begin(), run.window_after_page.end()), 5u);
}

TEST(AdaptivePace, ServerAnswering429AboveNSettlesAtNWithFew429s) {
    for (const std::size_t limit : {1u, 3u, 4u, 7u}) {
        const Clock::time_point t0{};
        AdaptivePace pace(16, t0);
        const auto run = simulate(pace, t0, 2000, limited(limit, 48ms));
        EXPECT_EQ(pace.ceiling(), limit) << "limit " << limit;
        EXPECT_LE(run.max_ok_concurrency, limit);
        // The slow-start overshoot, then one 429 per probe; probes come ever more rarely.
        EXPECT_LE(run.pushbacks, 16u) << "limit " << limit;
        // Settled: over the last half, the window is at N most of the time (dips after a probe only).
        const auto& w = run.window_after_page;
        const auto at_limit = std::count(w.begin() + static_cast<std::ptrdiff_t>(w.size() / 2), w.end(), limit);
        EXPECT_GE(static_cast<double>(at_limit), 0.8 * static_cast<double>(w.size() / 2)) << "limit " << limit;
        for (std::size_t i = w.size() / 2; i < w.size(); ++i) ASSERT_LE(w[i], limit + 1) << "page " << i;
    }
}

TEST(AdaptivePace, PushbackHalvesTheWindowOnceForTheAttemptsSentTogether) {
    const Clock::time_point t0{};
    AdaptivePace pace(16, t0);
    // Grow to 8 (slow start: one more per page).
    Clock::time_point now = t0;
    for (int i = 0; i < 6; ++i) {
        const auto t = pace.start(now);
        now += 10ms;
        pace.finish(t, PaceResult::ok, now);
    }
    ASSERT_EQ(pace.window(), 8u);
    std::vector<AdaptivePace::Ticket> tickets;
    for (int i = 0; i < 8; ++i) tickets.push_back(pace.start(now));
    EXPECT_FALSE(pace.may_start());
    // Four of the eight come back 429: one decrease (8 -> 4), ceiling one below the first one's concurrency.
    for (int i = 4; i < 8; ++i) pace.finish(tickets[static_cast<std::size_t>(i)], PaceResult::pushback, now);
    EXPECT_EQ(pace.window(), 4u);
    EXPECT_EQ(pace.decreases(), 1u);
    EXPECT_EQ(pace.pushbacks(), 4u);
    EXPECT_EQ(pace.ceiling(), 4u);
    EXPECT_FALSE(pace.slow_start());
    // A retry sent at the reduced pace that is pushed back again decreases again.
    for (int i = 0; i < 4; ++i) pace.finish(tickets[static_cast<std::size_t>(i)], PaceResult::ok, now + 40ms);
    const auto retry = pace.start(now + 40ms);
    pace.finish(retry, PaceResult::pushback, now + 41ms);
    EXPECT_EQ(pace.window(), 2u);
    EXPECT_EQ(pace.decreases(), 2u);
    EXPECT_EQ(pace.ceiling(), 1u);  // it was alone, and still pushed back
}

TEST(AdaptivePace, TimeoutHalvesTheWindowWithoutSettingACeiling) {
    const Clock::time_point t0{};
    AdaptivePace pace(16, t0);
    Clock::time_point now = t0;
    for (int i = 0; i < 6; ++i) {
        const auto t = pace.start(now);
        now += 10ms;
        pace.finish(t, PaceResult::ok, now);
    }
    ASSERT_EQ(pace.window(), 8u);
    const auto t = pace.start(now);
    pace.finish(t, PaceResult::timeout, now + 30s);
    EXPECT_EQ(pace.window(), 4u);
    EXPECT_FALSE(pace.ceiling().has_value());
}

TEST(AdaptivePace, NeutralOutcomesOnlyReleaseTheSlot) {
    const Clock::time_point t0{};
    AdaptivePace pace(16, t0);
    const auto a = pace.start(t0);
    const auto b = pace.start(t0);
    EXPECT_FALSE(pace.may_start());
    pace.finish(a, PaceResult::neutral, t0 + 1ms);
    pace.finish(b, PaceResult::neutral, t0 + 1ms);
    EXPECT_EQ(pace.active(), 0u);
    EXPECT_EQ(pace.window(), 2u);
    EXPECT_EQ(pace.decreases(), 0u);
}

TEST(AdaptivePace, RetryAfterHoldsNewAttemptsUntilItHasPassed) {
    const Clock::time_point t0{};
    AdaptivePace pace(16, t0);
    EXPECT_EQ(pace.hold(t0), 0ms);
    const auto t = pace.start(t0);
    pace.finish(t, PaceResult::pushback, t0 + 100ms, 2000ms);
    EXPECT_EQ(pace.hold(t0 + 100ms), 2000ms);
    EXPECT_EQ(pace.hold(t0 + 1600ms), 500ms);
    EXPECT_EQ(pace.hold(t0 + 2100ms), 0ms);
    EXPECT_EQ(pace.hold(t0 + 5s), 0ms);
}

TEST(AdaptivePace, RetryAfterIsHonouredEndToEnd) {
    const Clock::time_point t0{};
    AdaptivePace pace(16, t0);
    const auto run = simulate(pace, t0, 100, limited(2, 48ms, 1000ms));
    EXPECT_EQ(pace.ceiling(), 2u);
    // Every 429 held the next attempts for a second.
    EXPECT_GE(run.took, std::chrono::milliseconds(1000 * static_cast<long>(run.pushbacks > 0 ? 1 : 0)));
    EXPECT_GT(run.pushbacks, 0u);
}

TEST(AdaptivePace, RisingLatencyWithoutMoreThroughputShrinksTheWindow) {
    const Clock::time_point t0{};
    AdaptivePace pace(16, t0);
    const auto run = simulate(pace, t0, 400, one_worker(10ms));
    // Throughput is one page per 10 ms whatever the window: more in flight only queues. The window comes back down
    // (to where latency is within twice its best) and stays there.
    EXPECT_LE(pace.window(), 3u);
    const auto& w = run.window_after_page;
    EXPECT_LE(*std::max_element(w.begin() + 200, w.end()), 4u);
    EXPECT_GE(pace.decreases(), 1u);
    EXPECT_EQ(run.pushbacks, 0u);
}

TEST(AdaptivePace, ClassifiesOutcomes) {
    AttemptOutcome o;
    o.status = 200;
    EXPECT_EQ(classify(o), PaceResult::ok);
    o.status = 429;
    EXPECT_EQ(classify(o), PaceResult::pushback);
    o.status = 503;
    EXPECT_EQ(classify(o), PaceResult::pushback);
    o.status = 504;
    EXPECT_EQ(classify(o), PaceResult::timeout);
    o.status = 500;
    EXPECT_EQ(classify(o), PaceResult::neutral);
    o.status = 0;
    EXPECT_EQ(classify(o), PaceResult::neutral);
    o.timed_out = true;
    EXPECT_EQ(classify(o), PaceResult::timeout);
}

// The gate: a Retry-After is waited out through the sleeper, in slices; the earliest page goes first.
TEST(PaceGate, RetryAfterIsWaitedThroughTheSleeperInSlices) {
    std::vector<std::chrono::milliseconds> slept;
    Clock::time_point now{};
    auto gate = std::make_shared<PaceGate>(
        4, [&](std::chrono::milliseconds d) { slept.push_back(d); }, [&] { return now; });
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    auto first = gate->pacer(0, cancel);
    first->before_attempt();
    AttemptOutcome busy;
    busy.status = 429;
    busy.retry_after = 120ms;
    first->after_attempt(busy);
    auto second = gate->pacer(100, cancel);
    second->before_attempt();  // held for 120 ms on the (fake) clock: 50 + 50 + 20 through the sleeper
    EXPECT_EQ(slept, (std::vector<std::chrono::milliseconds>{50ms, 50ms, 20ms}));
    AttemptOutcome ok;
    ok.status = 200;
    second->after_attempt(ok);
    EXPECT_EQ(gate->snapshot().active(), 0u);
}

TEST(PaceGate, CancelledWaiterThrowsRequestCancelled) {
    auto gate = std::make_shared<PaceGate>(1, [](std::chrono::milliseconds) {});
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    auto holder = gate->pacer(0, cancel);
    holder->before_attempt();  // the only slot
    auto waiter = gate->pacer(100, cancel);
    std::atomic<bool> threw{false};
    std::thread t([&] {
        try {
            waiter->before_attempt();
        } catch (const RequestCancelled&) {
            threw = true;
        }
    });
    cancel->store(true);
    gate->wake_all();
    t.join();
    EXPECT_TRUE(threw.load());
    AttemptOutcome ok;
    ok.status = 200;
    holder->after_attempt(ok);
}

// Issue 21, target 2: a consumer that finds its pages ready wants no more ahead than the start; one that waits for
// its pages for long, having used up what was ahead, leaves it to the pace (the cap).
TEST(AheadDemand, AConsumerThatNeverWaitsKeepsTheInitialLookahead) {
    AheadDemand ahead(16);
    EXPECT_EQ(ahead.wanted(), AdaptivePace::initial_window);
    for (int page = 0; page < 1000; ++page) ahead.reached();
    EXPECT_EQ(ahead.wanted(), AdaptivePace::initial_window);
    EXPECT_EQ(ahead.waits(), 0u);
}

TEST(AheadDemand, AConsumerThatUsesUpItsPagesAndWaitsLongLeavesItToThePace) {
    // Pages sent together come back together: the consumer finds the rest of a burst ready, then waits again.
    AheadDemand ahead(16);
    std::vector<std::size_t> wanted;
    for (int burst = 0; burst < 5; ++burst) {
        const std::size_t in_flight = ahead.wanted();
        ahead.waited(40ms, 2ms);  // a slow server: the consumer waits far longer than it takes to consume a page
        for (std::size_t page = 1; page < in_flight; ++page) ahead.reached();
        wanted.push_back(ahead.wanted());
    }
    EXPECT_EQ(wanted, (std::vector<std::size_t>{16, 16, 16, 16, 16}));
    EXPECT_EQ(ahead.waits(), 5u);
    EXPECT_EQ(AheadDemand(1).wanted(), 1u);  // parallel(1), max_parallel(1)
    AheadDemand one(1);
    one.waited(40ms, 2ms);
    EXPECT_EQ(one.wanted(), 1u);
    EXPECT_EQ(AheadDemand(0).wanted(), 1u);
}

TEST(AheadDemand, AWaitAfterALongRunOfReadyPagesWantsOneMore) {
    AheadDemand ahead(16);
    ahead.waited(500us, 2ms);  // 3
    for (int page = 0; page < 3; ++page) ahead.reached();
    EXPECT_EQ(ahead.wanted(), 3u);
    ahead.waited(40ms, 2ms);  // three ready in a row before it: a hiccup, not too few in flight
    EXPECT_EQ(ahead.wanted(), 4u);
}

TEST(AheadDemand, AShortWaitForAFastServerWantsOneMore) {
    AheadDemand ahead(16);
    ahead.waited(500us, 2ms);  // less than the consumer spends on a page: the next one was nearly there
    EXPECT_EQ(ahead.wanted(), 3u);
    ahead.waited(8ms, 2ms);  // four times as long, but a few milliseconds: a hiccup
    EXPECT_EQ(ahead.wanted(), 4u);
    ahead.waited(30ms, 20ms);  // less than twice the time a page takes the consumer
    EXPECT_EQ(ahead.wanted(), 5u);
    ahead.waited(41ms, 20ms);
    EXPECT_EQ(ahead.wanted(), 16u);
}

TEST(AheadDemand, MorePagesReadyInARowThanWantedShrinkItBackToTheStart) {
    AheadDemand ahead(16);
    ahead.waited(40ms, 2ms);
    EXPECT_EQ(ahead.wanted(), 16u);
    for (int page = 0; page < 16; ++page) ahead.reached();
    EXPECT_EQ(ahead.wanted(), 16u);
    ahead.reached();  // the 17th page in a row that was ready
    EXPECT_EQ(ahead.wanted(), 15u);
    for (int page = 0; page < 10000; ++page) ahead.reached();
    EXPECT_EQ(ahead.wanted(), AdaptivePace::initial_window);
}

TEST(AheadDemand, ParallelStartsAtItsNumberAndShrinksWhilePagesAreReady) {
    AheadDemand ahead(8, 8);
    EXPECT_EQ(ahead.wanted(), 8u);
    for (int page = 0; page < 9; ++page) ahead.reached();
    EXPECT_EQ(ahead.wanted(), 7u);
    for (int page = 0; page < 10000; ++page) ahead.reached();
    EXPECT_EQ(ahead.wanted(), AdaptivePace::initial_window);
    ahead.waited(500us, 2ms);
    EXPECT_EQ(ahead.wanted(), 3u);  // a short wait: one more
    ahead.waited(40ms, 2ms);
    EXPECT_EQ(ahead.wanted(), 8u);  // a long one right after it: up to the cap
    EXPECT_EQ(AheadDemand(16, 40).wanted(), 16u);
    EXPECT_EQ(AheadDemand(1, 1).wanted(), 1u);
}

}  // namespace
}  // namespace cbapi::detail
