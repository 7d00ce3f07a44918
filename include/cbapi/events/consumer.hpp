#pragma once
/// @file
/// Runs sources and dispatches their messages to a Registry through a bounded queue.
///
/// **Delivery semantics.** Each source thread hands messages to the consumer (Sink::deliver); worker threads take
/// them from a bounded queue, run the registry's callbacks, and then call the message's DoneCallback with `true`.
/// - Back-pressure: when the queue is full, deliver() blocks the source's thread (so the broker, file or HTTP
///   client waits) until a worker frees a slot; memory stays bounded by the queue capacity.
/// - Order: with one worker (the default) messages are handled one at a time in the order they were delivered, so
///   each source's order is kept. With several workers messages are handled concurrently, in no guaranteed order,
///   and callbacks must be thread-safe.
/// - `stop(StopMode::drain)` (the default, also what the destructor does): stops the sources, refuses new
///   messages, runs the callbacks for everything already queued, then returns. Nothing accepted is lost.
/// - `stop(StopMode::discard)`: stops the sources, refuses new messages, lets the callbacks already running finish,
///   and calls the DoneCallback of every queued message with `false`: an at-least-once source leaves them
///   unconfirmed and they are delivered again later (the broker re-queues unacknowledged messages, the S3 reader
///   does not advance its checkpoint); an at-most-once source loses them.
/// - A message deliver() refused (returned false) was never taken: its DoneCallback is not called.
/// - Whether a message survives a crash is the source's promise (Source::delivery()): at-least-once sources confirm
///   a message only from its DoneCallback(true), i.e. after every callback for it ran; at-most-once sources confirm
///   (or have no confirmation) on receipt.
/// - A callback that throws does not stop anything: the registry keeps the error (Registry::errors()) and the
///   message still counts as handled (DoneCallback(true)): re-delivering it would only fail again.
///
/// @code
/// cbapi::events::Registry registry;
/// registry.on<cbapi::events::WatchlistHit>("watchlist.hit.#", on_hit);
/// cbapi::events::Consumer consumer(registry);
/// consumer.add(std::make_shared<cbapi::events::EventBus>(...));
/// consumer.start();
/// ...                       // e.g. until SIGINT
/// consumer.stop();          // drains
/// @endcode

#include "cbapi/fwd.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cbapi/events/registry.hpp"
#include "cbapi/events/source.hpp"

namespace cbapi::events {

/// What stop() does with messages still queued.
enum class StopMode {
    /// Run their callbacks first (DoneCallback(true)).
    drain,
    /// Skip them (DoneCallback(false): at-least-once sources leave them unconfirmed).
    discard,
};

/// Consumer settings.
struct ConsumerOptions {
    /// The most messages waiting between the sources and the callbacks; deliver() blocks beyond it. At least 1.
    std::size_t queue_capacity = 1024;
    /// Threads running callbacks. 1 keeps delivery order; more run callbacks concurrently. At least 1.
    std::size_t workers = 1;
    /// How many SourceProblems problems() keeps (the most recent; all are counted and logged).
    std::size_t max_problems = 100;
};

/// A source whose run() threw: it stopped, the others go on.
struct SourceFailure {
    /// The source's name().
    std::string source;
    /// The exception's what() (secrets the SDK knows redacted).
    std::string what;
    /// When it happened.
    std::chrono::system_clock::time_point time{};
};

/// The consumer's counters.
struct ConsumerStats {
    /// Messages deliver() accepted.
    std::uint64_t accepted = 0;
    /// Messages deliver() refused because the consumer was stopping.
    std::uint64_t refused = 0;
    /// Messages whose callbacks ran (DoneCallback(true)).
    std::uint64_t handled = 0;
    /// Messages discarded by stop(discard) (DoneCallback(false)).
    std::uint64_t discarded = 0;
    /// SourceProblems reported.
    std::uint64_t problems = 0;
    /// Sources whose run() threw.
    std::uint64_t source_failures = 0;
    /// DoneCallbacks that threw (caught and logged).
    std::uint64_t done_errors = 0;
    /// Messages in the queue now.
    std::size_t queued = 0;
    /// Source threads blocked in deliver() now, waiting for room in the queue.
    std::size_t blocked_deliveries = 0;
};

/// Runs Sources on threads of their own and dispatches what they deliver to a Registry (see the file comment for
/// the delivery semantics). Implements Sink, so a program may also deliver() messages itself.
///
/// Thread-safe: stop(), stats(), problems(), failures() and deliver() may be called from any thread; stop() also
/// from a callback (it then only requests the stop, and wait() finishes it).
class Consumer : public Sink {
public:
    /// @param registry the callbacks; must outlive the consumer
    /// @param options queue and thread settings
    /// @throws std::invalid_argument when queue_capacity or workers is 0
    explicit Consumer(Registry& registry, ConsumerOptions options = {});
    /// Stops (drain) and joins every thread.
    ~Consumer() override;
    Consumer(const Consumer&) = delete;
    Consumer& operator=(const Consumer&) = delete;

    /// Adds a source (before start()). The consumer shares its ownership.
    /// @throws std::logic_error after start()
    void add(std::shared_ptr<Source> source);

    /// Subscribes every source to the registry's patterns, then starts the worker threads and one thread per
    /// source. A consumer runs once: it cannot be started again after stop().
    /// @throws std::logic_error when already started
    void start();

    /// Stops the sources, refuses new messages, handles or discards the queued ones (`mode`), and joins the
    /// threads. Returns within the time the sources take to honour Source::stop() (about 100 ms each, in parallel)
    /// plus, for `drain`, the time the queued callbacks take. Idempotent; concurrent calls wait for the first.
    void stop(StopMode mode = StopMode::drain);

    /// Blocks until the consumer has stopped: stop() was called, or every source's run() returned (e.g. a one-shot
    /// S3 pass) and everything delivered was handled. With no sources, only stop() ends it.
    void wait();

    /// start() then wait().
    void run();

    /// Queues a message (see Sink::deliver): blocks while the queue is full; false once stopping.
    bool deliver(Message message, DoneCallback done = {}) override;

    /// Counts, logs (warning, without payload) and keeps a source's problem. Never throws.
    void report(SourceProblem problem) override;

    /// The counters.
    ConsumerStats stats() const;

    /// The most recent SourceProblems (at most ConsumerOptions::max_problems), oldest first.
    std::vector<SourceProblem> problems() const;

    /// The sources whose run() threw.
    std::vector<SourceFailure> failures() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace cbapi::events
