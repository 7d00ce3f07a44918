// The subscription registry: topic matching, typed decoding once per message, callback errors collected.
//
// Subscriptions live in an immutable snapshot (a shared vector) replaced on every on()/off(): dispatch() takes the
// current snapshot under a short lock and runs callbacks without holding any lock, so a callback may register,
// unregister or dispatch itself, and several threads may dispatch at once.
#include "cbapi/events/registry.hpp"

#include <atomic>
#include <deque>
#include <exception>
#include <mutex>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "cbapi/errors.hpp"
#include "cbapi/logging.hpp"

namespace cbapi::events {

namespace {

using Words = std::vector<std::string_view>;

Words split_words(std::string_view text) {
    Words words;
    if (text.empty()) return words;  // RabbitMQ: the empty key has no words
    std::size_t start = 0;
    while (true) {
        const auto dot = text.find('.', start);
        if (dot == std::string_view::npos) {
            words.push_back(text.substr(start));
            return words;
        }
        words.push_back(text.substr(start, dot - start));
        start = dot + 1;
    }
}

// Dynamic programming from the end: next[j] says whether pattern words i+1.. match key words j..; linear memory,
// O(pattern × key) time, no backtracking blow-up on patterns like `#.#.#.a`.
bool words_match(const Words& pattern, const Words& key) {
    const std::size_t k = key.size();
    std::vector<char> next(k + 1, 0), cur(k + 1, 0);
    next[k] = 1;
    for (std::size_t i = pattern.size(); i-- > 0;) {
        const std::string_view word = pattern[i];
        if (word == "#") {
            cur[k] = next[k];
            for (std::size_t j = k; j-- > 0;) cur[j] = static_cast<char>(next[j] || cur[j + 1]);
        } else {
            cur[k] = 0;
            for (std::size_t j = 0; j < k; ++j) cur[j] = static_cast<char>((word == "*" || word == key[j]) && next[j + 1]);
        }
        next.swap(cur);
    }
    return next[0] != 0;
}

template <typename T>
std::shared_ptr<const void> decode_json(const Message& message) {
    return std::make_shared<const T>(T::from_message(message));
}

std::shared_ptr<const void> decode_sensor(const Message& message) {
    return std::make_shared<const SensorEventBatch>(decode_sensor_events(message));
}

std::string redacted(std::string_view text) { return cbapi::detail::redact_secrets(text); }

}  // namespace

namespace detail {

TypedDecoder typed_decoder(const JsonEvent*) { return {&decode_json<JsonEvent>, "JsonEvent"}; }
TypedDecoder typed_decoder(const WatchlistHit*) { return {&decode_json<WatchlistHit>, "WatchlistHit"}; }
TypedDecoder typed_decoder(const FeedHit*) { return {&decode_json<FeedHit>, "FeedHit"}; }
TypedDecoder typed_decoder(const AlertEvent*) { return {&decode_json<AlertEvent>, "AlertEvent"}; }
TypedDecoder typed_decoder(const BinaryInfoEvent*) { return {&decode_json<BinaryInfoEvent>, "BinaryInfoEvent"}; }
TypedDecoder typed_decoder(const BinaryStoreEvent*) { return {&decode_json<BinaryStoreEvent>, "BinaryStoreEvent"}; }
TypedDecoder typed_decoder(const SensorEvent*) { return {&decode_sensor, "SensorEvent"}; }

}  // namespace detail

bool topic_matches(std::string_view pattern, std::string_view key) {
    return words_match(split_words(pattern), split_words(key));
}

struct Registry::Subscription {
    SubscriptionId id = 0;
    std::string pattern;
    Words words;  // views into `pattern`, which never changes after construction
    std::string name;
    detail::TypedDecoder decoder{nullptr, nullptr};
    TypedCallback callback;
};

struct Registry::State {
    using List = std::vector<std::shared_ptr<const Subscription>>;

    explicit State(std::size_t max) : max_errors(max) {}

    std::shared_ptr<const List> snapshot() const {
        std::lock_guard<std::mutex> lock(mutex);
        return subscriptions;
    }

    mutable std::mutex mutex;
    std::shared_ptr<const List> subscriptions = std::make_shared<const List>();
    SubscriptionId next_id = 1;

    mutable std::mutex errors_mutex;
    std::deque<CallbackError> errors;
    std::size_t max_errors;

    std::atomic<std::uint64_t> delivered{0};
    std::atomic<std::uint64_t> dispatched{0};
    std::atomic<std::uint64_t> unmatched{0};
    std::atomic<std::uint64_t> malformed{0};
    std::atomic<std::uint64_t> callback_errors{0};
    std::atomic<std::uint64_t> errors_dropped{0};
};

Registry::Registry(std::size_t max_errors) : state_(std::make_unique<State>(max_errors)) {}

Registry::~Registry() = default;

SubscriptionId Registry::on(std::string pattern, Callback callback, std::string name) {
    if (!callback) throw std::invalid_argument("Registry::on: the callback is empty");
    TypedCallback raw = [fn = std::move(callback)](const void*, const Message& message) { fn(message); };
    return add(std::move(pattern), std::move(name), detail::TypedDecoder{nullptr, nullptr}, std::move(raw));
}

SubscriptionId Registry::add(std::string pattern, std::string name, detail::TypedDecoder decoder,
                             TypedCallback callback) {
    if (!callback) throw std::invalid_argument("Registry::on: the callback is empty");
    auto subscription = std::make_shared<Subscription>();
    subscription->pattern = std::move(pattern);
    subscription->words = split_words(subscription->pattern);
    subscription->decoder = decoder;
    subscription->callback = std::move(callback);
    std::lock_guard<std::mutex> lock(state_->mutex);
    subscription->id = state_->next_id++;
    subscription->name = name.empty() ? "#" + std::to_string(subscription->id) + " " + subscription->pattern : std::move(name);
    auto list = std::make_shared<State::List>(*state_->subscriptions);
    list->push_back(std::move(subscription));
    state_->subscriptions = std::move(list);
    return state_->next_id - 1;
}

bool Registry::off(SubscriptionId id) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    auto list = std::make_shared<State::List>(*state_->subscriptions);
    for (auto it = list->begin(); it != list->end(); ++it) {
        if ((*it)->id == id) {
            list->erase(it);
            state_->subscriptions = std::move(list);
            return true;
        }
    }
    return false;
}

void Registry::clear() {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->subscriptions = std::make_shared<const State::List>();
}

std::vector<std::string> Registry::patterns() const {
    std::vector<std::string> out;
    for (const auto& subscription : *state_->snapshot()) {
        bool seen = false;
        for (const auto& pattern : out) seen = seen || pattern == subscription->pattern;
        if (!seen) out.push_back(subscription->pattern);
    }
    return out;
}

void Registry::dispatch(const Message& message) noexcept {
    State& state = *state_;
    state.delivered.fetch_add(1, std::memory_order_relaxed);
    try {
        const auto subscriptions = state.snapshot();
        const Words key = split_words(message.routing_key);
        // Decoded values of this message, one per decoder (null: it failed to decode).
        std::vector<std::pair<detail::TypedDecoder, std::shared_ptr<const void>>> decoded;
        bool matched = false;
        for (const auto& subscription : *subscriptions) {
            if (!words_match(subscription->words, key)) continue;
            matched = true;
            const void* value = nullptr;
            std::uint64_t runs = 1;
            if (subscription->decoder.decode != nullptr) {
                auto cached = decoded.begin();
                while (cached != decoded.end() && cached->first.decode != subscription->decoder.decode) ++cached;
                if (cached == decoded.end()) {
                    std::shared_ptr<const void> result;
                    try {
                        result = subscription->decoder.decode(message);
                    } catch (const std::exception& e) {
                        state.malformed.fetch_add(1, std::memory_order_relaxed);
                        logger()->warn("event {} from {} is not a valid {}, skipped: {}", message.routing_key,
                                       message.origin, subscription->decoder.type_name, redacted(e.what()));
                    }
                    if (result && subscription->decoder.decode == &decode_sensor) {
                        const auto& batch = *static_cast<const SensorEventBatch*>(result.get());
                        state.malformed.fetch_add(batch.errors.size(), std::memory_order_relaxed);
                        for (const auto& error : batch.errors) {
                            logger()->warn("raw sensor event in {} from {} skipped: {}", message.routing_key,
                                           message.origin, error);
                        }
                        if (batch.events.empty()) result.reset();
                    }
                    decoded.emplace_back(subscription->decoder, std::move(result));
                    cached = decoded.end() - 1;
                }
                if (!cached->second) continue;
                value = cached->second.get();
                if (subscription->decoder.decode == &decode_sensor)
                    runs = static_cast<const SensorEventBatch*>(value)->events.size();
            }
            std::string failure;
            try {
                subscription->callback(value, message);
            } catch (const std::exception& e) {
                failure = e.what();
                if (failure.empty()) failure = "exception without a message";
            } catch (...) {
                failure = "unknown exception";
            }
            state.dispatched.fetch_add(runs, std::memory_order_relaxed);
            if (failure.empty()) continue;
            state.callback_errors.fetch_add(1, std::memory_order_relaxed);
            CallbackError error{subscription->name, message.routing_key, message.origin, redacted(failure),
                                std::chrono::system_clock::now()};
            logger()->error("event callback {} failed on {} from {}: {}", error.subscription, error.routing_key,
                            error.origin, error.what);
            std::lock_guard<std::mutex> lock(state.errors_mutex);
            if (state.max_errors == 0) {
                state.errors_dropped.fetch_add(1, std::memory_order_relaxed);
                continue;
            }
            if (state.errors.size() >= state.max_errors) {
                state.errors.pop_front();
                state.errors_dropped.fetch_add(1, std::memory_order_relaxed);
            }
            state.errors.push_back(std::move(error));
        }
        if (!matched) state.unmatched.fetch_add(1, std::memory_order_relaxed);
    } catch (const std::exception& e) {
        // Only allocation failure gets here; the message is lost, and said so.
        logger()->error("event {} from {} could not be dispatched: {}", message.routing_key, message.origin, e.what());
    }
}

std::vector<CallbackError> Registry::errors() const {
    std::lock_guard<std::mutex> lock(state_->errors_mutex);
    return {state_->errors.begin(), state_->errors.end()};
}

void Registry::clear_errors() {
    std::lock_guard<std::mutex> lock(state_->errors_mutex);
    state_->errors.clear();
}

RegistryStats Registry::stats() const {
    RegistryStats out;
    out.delivered = state_->delivered.load(std::memory_order_relaxed);
    out.dispatched = state_->dispatched.load(std::memory_order_relaxed);
    out.unmatched = state_->unmatched.load(std::memory_order_relaxed);
    out.malformed = state_->malformed.load(std::memory_order_relaxed);
    out.callback_errors = state_->callback_errors.load(std::memory_order_relaxed);
    out.errors_dropped = state_->errors_dropped.load(std::memory_order_relaxed);
    return out;
}

}  // namespace cbapi::events
