// The adaptive pace of the paging engine (src/page_pace.hpp): the AIMD controller and the gate its page requests pass.
#include "page_pace.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "cbapi/http.hpp"

namespace cbapi::detail {

PaceResult classify(const AttemptOutcome& outcome) noexcept {
    if (outcome.timed_out || outcome.status == 504) return PaceResult::timeout;
    if (outcome.status == 429 || outcome.status == 503) return PaceResult::pushback;
    if (outcome.status > 0 && outcome.status < 400) return PaceResult::ok;
    return PaceResult::neutral;
}

// --- AdaptivePace ---------------------------------------------------------------------------------------------------

AdaptivePace::AdaptivePace(std::size_t cap, Clock::time_point now)
    : cap_(std::max<std::size_t>(cap, 1)),
      window_(std::min(initial_window, cap_)),
      max_window_(window_),
      slow_start_(window_ < cap_),
      round_start_(now),
      round_size_(window_) {}

std::chrono::milliseconds AdaptivePace::hold(Clock::time_point now) const noexcept {
    if (hold_until_ <= now) return std::chrono::milliseconds(0);
    // Rounded up: a hold of 0.4 ms is still a hold.
    return std::chrono::ceil<std::chrono::milliseconds>(hold_until_ - now);
}

AdaptivePace::Ticket AdaptivePace::start(Clock::time_point now) {
    ++active_;
    return Ticket{epoch_, active_, now};
}

std::size_t AdaptivePace::limit() const noexcept { return ceiling_ ? std::min(cap_, *ceiling_) : cap_; }

void AdaptivePace::grow() noexcept {
    if (window_ < limit()) ++window_;
    max_window_ = std::max(max_window_, window_);
    if (window_ >= cap_) slow_start_ = false;
}

void AdaptivePace::begin_round(Clock::time_point now) noexcept {
    round_start_ = now;
    round_size_ = window_;
    round_done_ = 0;
    round_latency_ = Clock::duration::zero();
}

// Multiplicative decrease: at least one page less (down to one), and a new epoch, so that the attempts sent at the old
// pace, which come back with the same news, do not decrease it again.
void AdaptivePace::decrease(double factor, Clock::time_point now) noexcept {
    const auto reduced = static_cast<std::size_t>(static_cast<double>(window_) * factor);
    window_ = std::max<std::size_t>(1, std::min(window_ - 1, reduced));
    slow_start_ = false;
    ++epoch_;
    rounds_at_ceiling_ = 0;
    begin_round(now);
}

void AdaptivePace::finish(const Ticket& ticket, PaceResult result, Clock::time_point now,
                          std::optional<std::chrono::milliseconds> retry_after) {
    if (active_ > 0) --active_;
    switch (result) {
        case PaceResult::ok: {
            const Clock::duration latency = now - ticket.sent;
            if (!base_latency_ || latency < *base_latency_) base_latency_ = latency;
            // Attempts sent before the last decrease say nothing about the pace since.
            if (ticket.epoch != epoch_) return;
            ++round_done_;
            round_latency_ += latency;
            if (slow_start_) grow();
            if (round_done_ >= round_size_) end_round(now);
            return;
        }
        case PaceResult::pushback:
        case PaceResult::timeout: {
            ++pushbacks_;
            if (retry_after) hold_until_ = std::max(hold_until_, now + *retry_after);
            if (ticket.epoch != epoch_) return;  // sent at a pace already reduced for it
            if (result == PaceResult::pushback) {
                // The server took one less than this attempt's concurrency: grow no further than that for a while,
                // and wait longer before the next probe every time a pushback comes.
                if (ceiling_) probe_rounds_ = std::min(max_probe_rounds, probe_rounds_ * 2);
                ceiling_ = ticket.concurrency > 1 ? ticket.concurrency - 1 : 1;
            }
            decrease(0.5, now);
            return;
        }
        case PaceResult::neutral: return;
    }
}

void AdaptivePace::end_round(Clock::time_point now) noexcept {
    const double seconds = std::chrono::duration<double>(now - round_start_).count();
    const double rate =
        seconds > 0 ? static_cast<double>(round_done_) / seconds : std::numeric_limits<double>::max();
    const Clock::duration mean = round_latency_ / static_cast<Clock::rep>(std::max<std::size_t>(round_done_, 1));
    // Slow start expects about twice the pages per second every round; afterwards one more page in flight is worth
    // at least 1/16 more (the cap's share), so 5 % tells growth from noise.
    const bool grew = previous_rate_ <= 0 || rate > previous_rate_ * (slow_start_ ? 1.25 : 1.05);
    const bool queueing = base_latency_ && mean > *base_latency_ * 2 && mean - *base_latency_ > min_queueing;
    previous_rate_ = rate;
    if (queueing && !grew) {
        // Latency rising while throughput does not: the server queues our requests; fewer do as well.
        decrease(0.75, now);
        return;
    }
    if (slow_start_) {
        if (!grew) slow_start_ = false;  // doubling stopped paying; carry on additively
    } else if (ceiling_ && window_ >= *ceiling_ && *ceiling_ < cap_) {
        // Sitting at what the server took: after enough quiet rounds, see whether it takes one more now.
        if (++rounds_at_ceiling_ >= probe_rounds_) {
            ++*ceiling_;
            rounds_at_ceiling_ = 0;
            grow();
        }
    } else if (grew) {
        grow();  // additive increase
    }
    begin_round(now);
}

// --- AheadDemand ---------------------------------------------------------------------------------------------------

AheadDemand::AheadDemand(std::size_t cap, std::size_t start) noexcept
    : cap_(std::max<std::size_t>(cap, 1)),
      floor_(std::min(AdaptivePace::initial_window, cap_)),
      wanted_(std::clamp<std::size_t>(start, floor_, cap_)) {}

void AheadDemand::waited(std::chrono::steady_clock::duration waited,
                         std::chrono::steady_clock::duration consumed) noexcept {
    using Duration = std::chrono::steady_clock::duration;
    ++waits_;
    // Far behind: the pace (or parallel(n)) alone decides, growing as it does (one more page per page that arrives in
    // slow start: requests staggered, not a burst that a busy server would serve all the slower).
    const bool far_behind = ready_in_a_row_ < wanted_ && waited > std::max<Duration>(far_behind_wait, 2 * consumed);
    wanted_ = far_behind ? cap_ : std::min(wanted_ + 1, cap_);
    ready_in_a_row_ = 0;
}

void AheadDemand::reached() noexcept {
    if (++ready_in_a_row_ > wanted_) {
        ready_in_a_row_ = 0;
        if (wanted_ > floor_) --wanted_;
    }
}

// --- PaceGate -------------------------------------------------------------------------------------------------------

/// The pacer of one page's request: every attempt takes a slot from the gate and gives it back.
class PaceGate::Pacer : public RequestPacer {
public:
    Pacer(std::shared_ptr<PaceGate> gate, std::size_t order, std::shared_ptr<const std::atomic<bool>> cancel)
        : gate_(std::move(gate)), order_(order), cancel_(std::move(cancel)) {}
    void before_attempt() override { ticket_ = gate_->acquire(order_, cancel_.get()); }
    void after_attempt(const AttemptOutcome& outcome) override { gate_->release(ticket_, outcome); }

private:
    std::shared_ptr<PaceGate> gate_;
    std::size_t order_;
    std::shared_ptr<const std::atomic<bool>> cancel_;
    AdaptivePace::Ticket ticket_;
};

PaceGate::PaceGate(std::size_t cap, Sleeper sleeper, std::function<Clock::time_point()> clock)
    : sleeper_(sleeper ? std::move(sleeper) : real_sleeper()),
      clock_(clock ? std::move(clock) : std::function<Clock::time_point()>([] { return Clock::now(); })),
      pace_(cap, clock_()) {}

std::unique_ptr<RequestPacer> PaceGate::pacer(std::size_t order, std::shared_ptr<const std::atomic<bool>> cancel) {
    return std::make_unique<Pacer>(shared_from_this(), order, std::move(cancel));
}

std::size_t PaceGate::window() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return pace_.window();
}

AdaptivePace PaceGate::snapshot() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return pace_;
}

void PaceGate::wake_all() {
    { std::lock_guard<std::mutex> lock(mutex_); }  // a waiter between its check and its wait sees the notification
    changed_.notify_all();
}

AdaptivePace::Ticket PaceGate::acquire(std::size_t order, const std::atomic<bool>* cancel) {
    std::unique_lock<std::mutex> lock(mutex_);
    const auto mine = waiting_.insert(order);
    bool held = false;
    for (;;) {
        if (cancel != nullptr && cancel->load()) {
            waiting_.erase(mine);
            lock.unlock();
            changed_.notify_all();
            throw RequestCancelled();
        }
        if (!held) {
            // A Retry-After holds every new attempt; waited out once per attempt, through the Sleeper (so that tests
            // record it instead of sleeping), in slices so that cancellation is seen.
            const auto hold = pace_.hold(clock_());
            if (hold > std::chrono::milliseconds(0)) {
                held = true;
                lock.unlock();
                for (auto left = hold; left > std::chrono::milliseconds(0); left -= hold_slice) {
                    if (cancel != nullptr && cancel->load()) break;
                    sleeper_(std::min(left, hold_slice));
                }
                lock.lock();
                continue;
            }
        }
        // The earliest page waiting goes first: the consumer needs it first, and a page's retry keeps its place.
        if (pace_.may_start() && *waiting_.begin() == order) {
            waiting_.erase(mine);
            const auto ticket = pace_.start(clock_());
            lock.unlock();
            changed_.notify_all();
            return ticket;
        }
        changed_.wait_for(lock, hold_slice);
    }
}

void PaceGate::release(const AdaptivePace::Ticket& ticket, const AttemptOutcome& outcome) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        pace_.finish(ticket, classify(outcome), clock_(), outcome.retry_after);
    }
    changed_.notify_all();
}

}  // namespace cbapi::detail
