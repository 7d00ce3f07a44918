// The consumer: source threads → bounded queue → worker threads → Registry::dispatch → DoneCallback.
//
// One mutex guards the queue, the lifecycle flags and the counters; three condition variables wake who waits:
// workers (`not_empty`), blocked deliver() calls (`not_full`), and wait() (`changed`). Callbacks and DoneCallbacks
// always run without the lock held.
#include "cbapi/events/consumer.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include <spdlog/spdlog.h>

#include "cbapi/errors.hpp"
#include "cbapi/logging.hpp"

namespace cbapi::events {

namespace {

struct Item {
    Message message;
    DoneCallback done;
};

std::string describe(std::exception_ptr error) {
    try {
        std::rethrow_exception(std::move(error));
    } catch (const std::exception& e) {
        return cbapi::detail::redact_secrets(e.what());
    } catch (...) {
        return "unknown exception";
    }
}

}  // namespace

struct Consumer::State {
    State(Registry& r, ConsumerOptions o) : registry(r), options(o) {}

    Registry& registry;
    const ConsumerOptions options;

    mutable std::mutex mutex;
    std::condition_variable not_empty;
    std::condition_variable not_full;
    std::condition_variable changed;
    std::deque<Item> queue;
    std::vector<std::shared_ptr<Source>> sources;
    std::vector<std::thread> source_threads;
    std::vector<std::thread> workers;
    std::vector<std::thread::id> thread_ids;
    bool started = false;
    bool stopping = false;         // deliver() refuses
    bool stop_requested = false;   // stop() was called (maybe only requested, from a consumer thread)
    StopMode requested_mode = StopMode::drain;
    bool workers_may_exit = false; // set once no message can arrive any more
    bool finished = false;         // every thread joined
    std::size_t sources_running = 0;
    std::size_t in_flight = 0;
    ConsumerStats stats;

    std::mutex stop_mutex;  // serialises stop()

    mutable std::mutex records_mutex;
    std::deque<SourceProblem> problems;
    std::vector<SourceFailure> failures;

    /// Runs the item's DoneCallback; returns whether it threw (logged).
    bool call_done(Item& item, bool handled) {
        if (!item.done) return false;
        try {
            item.done(handled);
            return false;
        } catch (...) {
            logger()->error("the completion of event {} from {} threw: {}", item.message.routing_key,
                            item.message.origin, describe(std::current_exception()));
            return true;
        }
    }

    /// Counts a finished item; the caller holds `mutex`.
    void count_finished(bool handled, bool threw) {
        if (handled) {
            ++stats.handled;
        } else {
            ++stats.discarded;
        }
        if (threw) ++stats.done_errors;
    }

    void finish_item(Item& item, bool handled) {
        const bool threw = call_done(item, handled);
        std::lock_guard<std::mutex> lock(mutex);
        count_finished(handled, threw);
    }

    // One lock round per message besides the dispatch, and no wake-up nobody waits for: a blocked deliver() is woken
    // only when there is one, wait() only when the consumer may have become idle (its predicate needs an empty queue
    // and nothing in flight). Waking wait()'s thread for every message cost two context switches each.
    void work() {
        std::unique_lock<std::mutex> lock(mutex);
        while (true) {
            not_empty.wait(lock, [&] { return !queue.empty() || workers_may_exit; });
            if (queue.empty()) return;
            Item item = std::move(queue.front());
            queue.pop_front();
            ++in_flight;
            const bool deliver_blocked = stats.blocked_deliveries > 0;
            lock.unlock();
            if (deliver_blocked) not_full.notify_one();
            registry.dispatch(item.message);
            const bool threw = call_done(item, true);
            lock.lock();
            count_finished(true, threw);
            --in_flight;
            if (in_flight == 0 && queue.empty()) changed.notify_all();
        }
    }

    void run_source(const std::shared_ptr<Source>& source, Sink& sink) {
        try {
            source->run(sink);
        } catch (...) {
            fail(*source, std::current_exception());
        }
        {
            std::lock_guard<std::mutex> lock(mutex);
            --sources_running;
        }
        changed.notify_all();
    }

    void fail(const Source& source, std::exception_ptr error) {
        SourceFailure failure;
        try {
            failure.source = source.name();
        } catch (...) {
            failure.source = "(source without a name)";
        }
        failure.what = describe(std::move(error));
        failure.time = std::chrono::system_clock::now();
        logger()->error("event source {} failed and stopped: {}", failure.source, failure.what);
        {
            std::lock_guard<std::mutex> lock(records_mutex);
            failures.push_back(failure);
        }
        std::lock_guard<std::mutex> lock(mutex);
        ++stats.source_failures;
    }

    bool on_consumer_thread() const {
        std::lock_guard<std::mutex> lock(mutex);
        return std::find(thread_ids.begin(), thread_ids.end(), std::this_thread::get_id()) != thread_ids.end();
    }

    bool idle_after_sources() const {
        return started && !sources.empty() && sources_running == 0 && queue.empty() && in_flight == 0;
    }
};

Consumer::Consumer(Registry& registry, ConsumerOptions options) {
    if (options.queue_capacity == 0) throw std::invalid_argument("Consumer: queue_capacity must be at least 1");
    if (options.workers == 0) throw std::invalid_argument("Consumer: workers must be at least 1");
    state_ = std::make_unique<State>(registry, options);
}

Consumer::~Consumer() {
    try {
        stop(StopMode::drain);
    } catch (...) {
        logger()->error("stopping the event consumer failed: {}", describe(std::current_exception()));
    }
}

void Consumer::add(std::shared_ptr<Source> source) {
    if (!source) throw std::invalid_argument("Consumer::add: the source is null");
    std::lock_guard<std::mutex> lock(state_->mutex);
    if (state_->started || state_->stop_requested) throw std::logic_error("Consumer::add: the consumer has started");
    state_->sources.push_back(std::move(source));
}

void Consumer::start() {
    State& s = *state_;
    std::vector<std::shared_ptr<Source>> sources;
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        if (s.started || s.stop_requested) throw std::logic_error("Consumer::start: the consumer was already started");
        s.started = true;
        sources = s.sources;
    }
    const std::vector<std::string> patterns = s.registry.patterns();
    std::vector<std::shared_ptr<Source>> subscribed;
    for (const auto& source : sources) {
        try {
            source->subscribe(patterns);
            subscribed.push_back(source);
        } catch (...) {
            s.fail(*source, std::current_exception());
        }
    }
    std::lock_guard<std::mutex> lock(s.mutex);
    for (std::size_t i = 0; i < s.options.workers; ++i) {
        s.workers.emplace_back([&s] { s.work(); });
        s.thread_ids.push_back(s.workers.back().get_id());
    }
    s.sources_running = subscribed.size();
    for (const auto& source : subscribed) {
        s.source_threads.emplace_back([&s, source, this] { s.run_source(source, *this); });
        s.thread_ids.push_back(s.source_threads.back().get_id());
    }
}

void Consumer::stop(StopMode mode) {
    State& s = *state_;
    if (s.on_consumer_thread()) {
        // From a callback or a source: joining would wait for this very thread. Request the stop; wait() or the
        // destructor completes it.
        std::vector<std::shared_ptr<Source>> sources;
        {
            std::lock_guard<std::mutex> lock(s.mutex);
            if (!s.stop_requested) s.requested_mode = mode;
            s.stop_requested = true;
            s.stopping = true;
            sources = s.sources;
        }
        s.not_full.notify_all();
        s.changed.notify_all();
        for (const auto& source : sources) {
            try {
                source->stop();
            } catch (...) {
                logger()->error("stopping event source failed: {}", describe(std::current_exception()));
            }
        }
        return;
    }
    std::lock_guard<std::mutex> serial(s.stop_mutex);
    std::vector<std::shared_ptr<Source>> sources;
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        if (s.finished) return;
        s.stop_requested = true;
        s.stopping = true;
        sources = s.sources;
    }
    s.not_full.notify_all();
    s.changed.notify_all();
    for (const auto& source : sources) {
        try {
            source->stop();
        } catch (...) {
            logger()->error("stopping event source failed: {}", describe(std::current_exception()));
        }
    }
    if (mode == StopMode::discard) {
        std::deque<Item> dropped;
        {
            std::lock_guard<std::mutex> lock(s.mutex);
            dropped.swap(s.queue);
        }
        s.not_full.notify_all();
        for (auto& item : dropped) s.finish_item(item, false);
    }
    std::vector<std::thread> source_threads, workers;
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        source_threads.swap(s.source_threads);
    }
    for (auto& thread : source_threads) thread.join();
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        s.workers_may_exit = true;
        workers.swap(s.workers);
    }
    s.not_empty.notify_all();
    for (auto& thread : workers) thread.join();
    // Never started (or no worker left): what was delivered is handled here, or discarded.
    while (true) {
        Item item;
        {
            std::lock_guard<std::mutex> lock(s.mutex);
            if (s.queue.empty()) break;
            item = std::move(s.queue.front());
            s.queue.pop_front();
        }
        if (mode == StopMode::drain) s.registry.dispatch(item.message);
        s.finish_item(item, mode == StopMode::drain);
    }
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        s.finished = true;
    }
    s.changed.notify_all();
}

void Consumer::wait() {
    State& s = *state_;
    StopMode mode = StopMode::drain;
    {
        std::unique_lock<std::mutex> lock(s.mutex);
        s.changed.wait(lock, [&] { return s.finished || s.stop_requested || s.idle_after_sources(); });
        if (s.finished) return;
        if (s.stop_requested) mode = s.requested_mode;
    }
    stop(mode);
}

void Consumer::run() {
    start();
    wait();
}

bool Consumer::deliver(Message message, DoneCallback done) {
    State& s = *state_;
    std::unique_lock<std::mutex> lock(s.mutex);
    if (!s.stopping && s.queue.size() >= s.options.queue_capacity) {
        ++s.stats.blocked_deliveries;
        s.not_full.wait(lock, [&] { return s.stopping || s.queue.size() < s.options.queue_capacity; });
        --s.stats.blocked_deliveries;
    }
    if (s.stopping) {
        ++s.stats.refused;
        return false;
    }
    s.queue.push_back(Item{std::move(message), std::move(done)});
    ++s.stats.accepted;
    lock.unlock();
    s.not_empty.notify_one();
    return true;
}

void Consumer::report(SourceProblem problem) {
    State& s = *state_;
    try {
        problem.what = cbapi::detail::redact_secrets(problem.what);
        problem.origin = cbapi::detail::redact_secrets(problem.origin);
        logger()->warn("event source {}: {}{}{}", problem.source, problem.what, problem.origin.empty() ? "" : " at ",
                       problem.origin);
        {
            std::lock_guard<std::mutex> lock(s.mutex);
            ++s.stats.problems;
        }
        std::lock_guard<std::mutex> lock(s.records_mutex);
        if (s.options.max_problems == 0) return;
        if (s.problems.size() >= s.options.max_problems) s.problems.pop_front();
        s.problems.push_back(std::move(problem));
    } catch (...) {
        // report() never throws; only allocation can fail here, and the problem was counted if it got that far.
    }
}

ConsumerStats Consumer::stats() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    ConsumerStats out = state_->stats;
    out.queued = state_->queue.size();
    return out;
}

std::vector<SourceProblem> Consumer::problems() const {
    std::lock_guard<std::mutex> lock(state_->records_mutex);
    return {state_->problems.begin(), state_->problems.end()};
}

std::vector<SourceFailure> Consumer::failures() const {
    std::lock_guard<std::mutex> lock(state_->records_mutex);
    return state_->failures;
}

}  // namespace cbapi::events
