#pragma once
// The adaptive pace of the paging engine: how many pages of one iteration may be in flight. AdaptivePace is the pure
// controller (events in, window out; the clock is passed in); PaceGate makes it a gate that page requests pass through
// on every attempt (threads, waiting, Retry-After holds). Private to the library (src/).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include "cbapi/retry.hpp"

namespace cbapi::detail {

/// How an attempt ended, as the pace counts it.
enum class PaceResult {
    ok,        ///< a reply below 400: a page
    pushback,  ///< 429 or 503: the server asks for less
    timeout,   ///< no reply in time (TimeoutError, 504)
    neutral,   ///< any other error status, or no reply for another reason (connection failure, cancelled): releases
               ///< the slot, nothing else
};

/// The controller: additive increase, multiplicative decrease of the pages in flight (the window), in the spirit of
/// TCP's congestion control with a Vegas-style latency signal.
///
/// - Slow start: from 2, the window grows by one for every page that comes back, so it doubles every round trip,
///   until the first sign of trouble or the cap.
/// - Rounds: a round ends when as many attempts have come back as the window allowed when it began. At its end the
///   round's throughput (pages per second) and mean latency are compared: latency above `queueing_factor` x the
///   lowest latency seen while throughput did not grow means the server is queueing our requests (more in flight
///   buys nothing): the window shrinks to 3/4. Otherwise, after slow start, it grows by one (additive increase).
/// - A pushback (429, 503) halves the window, once for all the attempts that were sent at the pace it answers
///   (they come back together), and remembers the concurrency it was sent at: the window then grows no further than
///   one below that (the ceiling) until `probe_rounds` quiet rounds have passed at the ceiling; then it tries one
///   more. Every pushback doubles that interval (up to 512 rounds), so a server with a hard limit of N sees the
///   window settle at N with a bounded number of 429s. A timeout halves the window too. A Retry-After holds every
///   new attempt until it has passed.
class AdaptivePace {
public:
    using Clock = std::chrono::steady_clock;

    /// What an attempt was sent at, handed back on finish().
    struct Ticket {
        std::uint64_t epoch = 0;       ///< how many decreases had happened when it was sent
        std::size_t concurrency = 0;   ///< attempts in flight when it was sent, itself included
        Clock::time_point sent{};
    };

    /// @param cap most pages in flight (at least 1) @param now the clock's time at the start
    AdaptivePace(std::size_t cap, Clock::time_point now);

    /// Pages that may be in flight now (1..cap).
    std::size_t window() const noexcept { return window_; }
    /// Attempts started and not yet finished.
    std::size_t active() const noexcept { return active_; }
    /// Whether another attempt may start (fewer active than the window).
    bool may_start() const noexcept { return active_ < window_; }
    /// How long new attempts must still wait for a Retry-After (zero when none).
    std::chrono::milliseconds hold(Clock::time_point now) const noexcept;

    /// An attempt starts. @return its ticket, for finish()
    Ticket start(Clock::time_point now);
    /// An attempt ended.
    /// @param ticket what start() returned @param result how it ended @param now the clock's time
    /// @param retry_after the server's Retry-After, when it sent one
    void finish(const Ticket& ticket, PaceResult result, Clock::time_point now,
                std::optional<std::chrono::milliseconds> retry_after = std::nullopt);

    /// Pushbacks and timeouts seen (each attempt counted).
    std::size_t pushbacks() const noexcept { return pushbacks_; }
    /// Times the window was decreased.
    std::uint64_t decreases() const noexcept { return epoch_; }
    /// The largest window so far.
    std::size_t max_window() const noexcept { return max_window_; }
    /// The ceiling a pushback set, if any.
    std::optional<std::size_t> ceiling() const noexcept { return ceiling_; }
    /// Whether the controller is still in slow start.
    bool slow_start() const noexcept { return slow_start_; }

    /// Latency above this multiple of the lowest seen, with throughput not growing, counts as queueing.
    static constexpr double queueing_factor = 2.0;
    /// Latency differences below this never count as queueing (a fast local server's jitter).
    static constexpr std::chrono::microseconds min_queueing{2000};
    /// Quiet rounds at a pushback's ceiling before trying one more page in flight (doubles with every pushback).
    static constexpr std::size_t first_probe_rounds = 64;
    static constexpr std::size_t max_probe_rounds = 512;
    /// The window an iteration starts with once the total is known.
    static constexpr std::size_t initial_window = 2;

private:
    std::size_t limit() const noexcept;
    void grow() noexcept;
    void decrease(double factor, Clock::time_point now) noexcept;
    void end_round(Clock::time_point now) noexcept;
    void begin_round(Clock::time_point now) noexcept;

    std::size_t cap_;
    std::size_t window_;
    std::size_t max_window_;
    std::size_t active_ = 0;
    bool slow_start_ = true;
    std::optional<std::size_t> ceiling_;
    std::size_t rounds_at_ceiling_ = 0;
    std::size_t probe_rounds_ = first_probe_rounds;
    std::uint64_t epoch_ = 0;
    std::size_t pushbacks_ = 0;
    std::optional<Clock::duration> base_latency_;
    Clock::time_point hold_until_{};
    // The current round.
    Clock::time_point round_start_;
    std::size_t round_size_ = 1;
    std::size_t round_done_ = 0;
    Clock::duration round_latency_{};
    double previous_rate_ = 0;  // pages/s of the previous round (0: none yet)
};

/// AdaptivePace as a gate for the attempts of one iteration's page requests, shared by its worker threads. An attempt
/// waits until the window has room and it is the earliest page waiting (the consumer needs the earliest first; a
/// page's retry keeps its place), and until a Retry-After has passed (waited through the connection's Sleeper, in
/// slices, so that a cancelled iteration does not wait it out).
class PaceGate : public std::enable_shared_from_this<PaceGate> {
public:
    using Clock = AdaptivePace::Clock;

    /// @param cap most pages in flight @param sleeper how to wait for a Retry-After
    /// @param clock the time (unset: steady_clock)
    PaceGate(std::size_t cap, Sleeper sleeper, std::function<Clock::time_point()> clock = {});

    /// A pacer for the requests of the page at `order` (its start position), cancelled with `cancel`.
    std::unique_ptr<RequestPacer> pacer(std::size_t order, std::shared_ptr<const std::atomic<bool>> cancel);

    /// The window now.
    std::size_t window() const;
    /// A copy of the controller's state (for tests and logs).
    AdaptivePace snapshot() const;
    /// Wakes every waiting attempt so that it sees its cancel flag.
    void wake_all();

    /// Longest single wait on the Sleeper while held, so that cancellation is seen promptly.
    static constexpr std::chrono::milliseconds hold_slice{50};

private:
    class Pacer;

    AdaptivePace::Ticket acquire(std::size_t order, const std::atomic<bool>* cancel);
    void release(const AdaptivePace::Ticket& ticket, const AttemptOutcome& outcome);

    Sleeper sleeper_;
    std::function<Clock::time_point()> clock_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    AdaptivePace pace_;
    std::multiset<std::size_t> waiting_;
};

/// How many pages an iteration wants fetched ahead of its consumer, below the pace's window or parallel(n) (issue 21,
/// targets 2 and 4): the pages in flight a consumer needs, measured by whether it has to wait for them. It starts at
/// AdaptivePace::initial_window (parallel(n): at n). When the consumer reaches a page that has not arrived yet, it
/// wants as many as the cap allows when it had used up what was ahead since its last wait (fewer pages found ready in
/// a row than it wanted) and waited longer than `far_behind_wait` and twice what it took to consume the page before
/// (fetching is far behind: a slow
/// server; the pace, or parallel(n), then decides alone, growing as it does), else one more (a hiccup of a fast one).
/// When it finds more pages ready in a row than it wants ahead, fetching keeps up without them: one less (not below
/// the start). Without it a fast server lets the pace's window grow to the cap, and the iteration keeps that many
/// finished pages waiting: threads, wake-ups and memory that buy nothing. Pure logic (the times are passed in); one
/// consumer.
class AheadDemand {
public:
    /// @param cap the most pages in flight (the query's cap, at least 1)
    /// @param start pages wanted at first (the adaptive default starts at AdaptivePace::initial_window), and the least
    ///        it shrinks to when larger than AdaptivePace::initial_window: it never shrinks below that (within 1..cap)
    explicit AheadDemand(std::size_t cap, std::size_t start = AdaptivePace::initial_window) noexcept;
    /// Pages wanted in flight now (fetched or being fetched, not yet consumed): 1..cap.
    std::size_t wanted() const noexcept { return wanted_; }
    /// The consumer reached its next page, which was ready.
    void reached() noexcept;
    /// The consumer reached its next page and had to wait for it.
    /// @param waited how long it waited @param consumed how long it took to consume the page before
    void waited(std::chrono::steady_clock::duration waited, std::chrono::steady_clock::duration consumed) noexcept;
    /// Pages the consumer had to wait for.
    std::size_t waits() const noexcept { return waits_; }

    /// Shorter waits never count as fetching far behind (a fast server's scheduling hiccups).
    static constexpr std::chrono::milliseconds far_behind_wait{10};

private:
    std::size_t cap_;
    std::size_t floor_;
    std::size_t wanted_;
    std::size_t waits_ = 0;
    std::size_t ready_in_a_row_ = 0;
};

/// How the pace counts an attempt's outcome: 429 and 503 push back, a timeout or 504 is a timeout, a status below 400
/// is ok, anything else (other errors, no reply) is neutral.
PaceResult classify(const AttemptOutcome& outcome) noexcept;

}  // namespace cbapi::detail
