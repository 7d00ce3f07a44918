#pragma once
/// @file
/// Callbacks by routing key, with AMQP topic wildcards, typed messages, and errors collected instead of thrown.
///
/// @code
/// cbapi::events::Registry registry;
/// registry.on<cbapi::events::WatchlistHit>("watchlist.hit.#", [&](const cbapi::events::WatchlistHit& hit) {
///     for (const auto& doc : hit.process_docs()) ban(doc.process_md5());
/// });
/// registry.on<cbapi::events::SensorEvent>("ingress.event.regmod", [](const cbapi::events::SensorEvent& event) {
///     std::cout << std::get<cbapi::events::RegMod>(event.payload).path << "\n";
/// });
/// @endcode

#include "cbapi/fwd.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "cbapi/events/json_events.hpp"
#include "cbapi/events/sensor_event.hpp"
#include "cbapi/events/source.hpp"

namespace cbapi::events {

/// Whether a routing key matches an AMQP topic pattern, as RabbitMQ's topic exchange decides: both are split into
/// words on `.` (empty words count: `a..b` has three; the empty key has none); `*` matches exactly one word, `#`
/// zero or more, any other word only itself.
/// @code topic_matches("feed.*.ingress.hit.process", "feed.24.ingress.hit.process") == true @endcode
bool topic_matches(std::string_view pattern, std::string_view key);

/// Identifies one registration, for Registry::off().
using SubscriptionId = std::uint64_t;

/// An exception a callback threw, as the registry keeps it.
struct CallbackError {
    /// The subscription's name (given to on(), else `#<id> <pattern>`).
    std::string subscription;
    /// The message's routing key.
    std::string routing_key;
    /// Where the message came from (Message::origin).
    std::string origin;
    /// The exception's what() (secrets the SDK knows redacted), or `unknown exception` for a non-std one.
    std::string what;
    /// When it was caught.
    std::chrono::system_clock::time_point time{};
};

/// The registry's counters (monotonic since construction).
struct RegistryStats {
    /// Messages handed to dispatch().
    std::uint64_t delivered = 0;
    /// Callback runs (a message matching three subscriptions counts three; a bundle's events count one each).
    std::uint64_t dispatched = 0;
    /// Messages no subscription's pattern matched.
    std::uint64_t unmatched = 0;
    /// Messages (or events of a bundle) a typed subscription could not decode: skipped, its callbacks not run.
    std::uint64_t malformed = 0;
    /// Callbacks that threw.
    std::uint64_t callback_errors = 0;
    /// Callback errors not kept because the error list was full (they were counted and logged).
    std::uint64_t errors_dropped = 0;
};

namespace detail {

/// How Registry::on<T>() decodes a message into a T (defined in src/events/registry.cpp for each supported type).
struct TypedDecoder {
    /// Decodes; throws DecodeError (or returns a batch with errors for SensorEvent).
    std::shared_ptr<const void> (*decode)(const Message& message);
    /// The type's name for logs (`WatchlistHit`).
    const char* type_name;
};

TypedDecoder typed_decoder(const JsonEvent*);
TypedDecoder typed_decoder(const WatchlistHit*);
TypedDecoder typed_decoder(const FeedHit*);
TypedDecoder typed_decoder(const AlertEvent*);
TypedDecoder typed_decoder(const BinaryInfoEvent*);
TypedDecoder typed_decoder(const BinaryStoreEvent*);
TypedDecoder typed_decoder(const SensorEvent*);

}  // namespace detail

/// Routes messages to callbacks by routing key.
///
/// Patterns use AMQP topic syntax (topic_matches()), unlike cbapi-python's registry, which compared keys as plain
/// strings (so `watchlist.hit.#` bound on the broker but never called its callback). A message runs every matching
/// callback, in registration order, on the thread calling dispatch(). An exception from a callback is caught, kept
/// as a CallbackError (errors()) and logged; the other callbacks still run and dispatch() never throws.
///
/// Typed subscriptions (on<T>()) decode the message once per dispatch for all subscriptions of that type, and skip
/// (count as `malformed` and log, without calling) a message that does not decode as T. For SensorEvent the callback
/// runs once per event: a raw-sensor-data bundle holds many.
///
/// Thread-safe: on(), off(), errors() and stats() may be called from any thread, also while other threads dispatch,
/// and from inside a callback. A subscription added during a dispatch takes effect from the next message; one
/// removed may still run for messages whose dispatch had already begun.
class Registry {
public:
    /// A callback on the raw message.
    using Callback = std::function<void(const Message&)>;

    /// An empty registry.
    /// @param max_errors how many callback errors errors() keeps (older ones are dropped first, and counted)
    explicit Registry(std::size_t max_errors = 1000);
    ~Registry();
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    /// Calls `callback` for every message whose routing key matches `pattern`.
    /// @param pattern AMQP topic pattern (`watchlist.hit.#`, `ingress.event.*`, `feed.*.ingress.hit.process`)
    /// @param callback what to run
    /// @param name the subscription's name in error records and logs (default `#<id> <pattern>`)
    /// @return the id for off()
    /// @throws std::invalid_argument when `callback` is empty
    SubscriptionId on(std::string pattern, Callback callback, std::string name = {});

    /// Calls `callback` with the message decoded as `T` (JsonEvent, WatchlistHit, FeedHit, AlertEvent,
    /// BinaryInfoEvent, BinaryStoreEvent, or SensorEvent: once per event) for every message whose routing key matches
    /// `pattern`. `callback` takes `(const T&)` or `(const T&, const Message&)`. A message that does not decode as `T`
    /// is counted as malformed, logged and skipped.
    /// @param pattern AMQP topic pattern
    /// @param callback what to run
    /// @param name the subscription's name in error records and logs
    /// @return the id for off()
    template <typename T, typename F>
    SubscriptionId on(std::string pattern, F callback, std::string name = {}) {
        static_assert(std::is_invocable_v<F&, const T&, const Message&> || std::is_invocable_v<F&, const T&>,
                      "the callback must take (const T&) or (const T&, const Message&)");
        TypedCallback typed = [fn = std::move(callback)](const void* decoded, const Message& message) mutable {
            if constexpr (std::is_same_v<T, SensorEvent>) {
                for (const SensorEvent& event : static_cast<const SensorEventBatch*>(decoded)->events) {
                    invoke<T>(fn, event, message);
                }
            } else {
                invoke<T>(fn, *static_cast<const T*>(decoded), message);
            }
        };
        return add(std::move(pattern), std::move(name), detail::typed_decoder(static_cast<const T*>(nullptr)),
                   std::move(typed));
    }

    /// Removes a subscription. @return whether it existed
    bool off(SubscriptionId id);

    /// Removes every subscription (errors and counters stay).
    void clear();

    /// The distinct patterns of the current subscriptions, in registration order: what a source such as the event
    /// bus binds its queue with.
    std::vector<std::string> patterns() const;

    /// Runs every matching callback for `message` on the calling thread. Never throws.
    void dispatch(const Message& message) noexcept;

    /// The callback errors kept (most recent last; at most `max_errors`).
    std::vector<CallbackError> errors() const;

    /// Forgets the kept callback errors (the counters stay).
    void clear_errors();

    /// The counters.
    RegistryStats stats() const;

private:
    using TypedCallback = std::function<void(const void* decoded, const Message& message)>;
    struct Subscription;
    struct State;

    template <typename T, typename F, typename V>
    static void invoke(F& fn, const V& value, const Message& message) {
        if constexpr (std::is_invocable_v<F&, const T&, const Message&>) {
            fn(value, message);
        } else {
            fn(value);
        }
    }

    SubscriptionId add(std::string pattern, std::string name, detail::TypedDecoder decoder, TypedCallback callback);

    std::unique_ptr<State> state_;
};

}  // namespace cbapi::events
