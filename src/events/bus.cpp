// EventBus: the Cb Response event bus as a Source, over rabbitmq-c.
//
// One thread (the one in run()) owns the connection: rabbitmq-c connections are not thread-safe and service
// heartbeats only inside library calls. DoneCallbacks, which the consumer calls from its own threads, put the
// acknowledgement in a queue (AckQueue) that run() empties between two waits for the broker. Each connection has a
// generation number: an acknowledgement for a delivery of an earlier connection is dropped (its delivery tag means
// nothing on the new channel, and the broker has already put the message back when the old connection died).
// Acknowledgements are coalesced: delivery tags on a channel run 1, 2, 3, ..., so once every delivery up to tag N is
// settled (handled or returned), one basic.ack with `multiple` confirms all handled ones among them. A delivery handled
// while an earlier one is still in a callback is acknowledged on its own, so a slow callback never holds the prefetch
// window of the others.
#include "cbapi/events/bus.hpp"

#include <amqp.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <condition_variable>
#include <map>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "cbapi/credentials.hpp"
#include "cbapi/detail/secrets.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/logging.hpp"
#include "events/bus_amqp.hpp"

namespace cbapi::events {

namespace {

using detail::AmqpConnection;
using detail::BusFailure;

constexpr std::size_t max_name_length = 255;

std::string default_queue_name() {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    return fmt::format("cbapi-event-handler-{}-{}", host[0] != '\0' ? host : "localhost", ::getpid());
}

/// State shared with the DoneCallbacks, which may outlive the EventBus.
struct AckQueue {
    struct Pending {
        std::uint64_t generation;
        std::uint64_t tag;
        bool handled;
    };
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<Pending> pending;
    std::size_t in_flight = 0;  // handed to the Sink, DoneCallback not called yet (manual-ack mode only)
    bool stopping = false;
};

}  // namespace

struct EventBus::Impl {
    EventBusOptions options;
    std::string queue;
    std::string display;
    std::string origin;
    cbapi::detail::SecretRegistration secret;
    std::shared_ptr<AckQueue> acks = std::make_shared<AckQueue>();
    std::atomic<bool> stop_requested{false};

    mutable std::mutex mutex;  // guards patterns and stats
    // The run thread's acknowledgement state for the current connection (send_acks): every delivery tag up to
    // `settled_upto` is settled; `settled_above` holds settled tags past a gap, true while handled and not yet acked.
    std::uint64_t ack_generation = 0;
    std::uint64_t settled_upto = 0;
    std::map<std::uint64_t, bool> settled_above;
    std::vector<std::string> patterns;
    EventBusStats stats;

    bool manual_ack() const { return options.queue_mode == QueueMode::shared_durable; }

    void count(std::uint64_t EventBusStats::*field, std::uint64_t n = 1) {
        std::lock_guard<std::mutex> lock(mutex);
        stats.*field += n;
    }

    void setup(AmqpConnection& conn);
    /// Returns true when run() should return (stop() or the Sink refused a message); throws BusFailure when the
    /// connection broke.
    bool consume(AmqpConnection& conn, Sink& sink, std::uint64_t generation);
    void send_acks(AmqpConnection& conn, std::uint64_t generation);
    void drain_and_close(AmqpConnection& conn, std::uint64_t generation);
    void wait_before_retry(std::chrono::milliseconds delay);
};

void EventBus::Impl::setup(AmqpConnection& conn) {
    amqp_connection_state_t st = conn.state();
    if (options.prefetch > 0) {
        amqp_basic_qos(st, AmqpConnection::channel, 0, options.prefetch, 0);
        conn.check("setting the prefetch limit (basic.qos)");
    }
    // Exactly cbapi's (and the server's) flags: topic, durable, not auto-delete, not internal.
    amqp_exchange_declare(st, AmqpConnection::channel, amqp_cstring_bytes(event_exchange), amqp_cstring_bytes("topic"),
                          0, 1, 0, 0, amqp_empty_table);
    conn.check("declaring exchange api.events (topic, durable)");
    const bool shared = options.queue_mode == QueueMode::shared_durable;
    amqp_queue_declare(st, AmqpConnection::channel, detail::to_bytes(queue), 0, shared ? 1 : 0, 0, shared ? 0 : 1,
                       amqp_empty_table);
    conn.check(shared ? "declaring the durable queue" : "declaring the auto-delete queue");
    std::vector<std::string> keys;
    {
        std::lock_guard<std::mutex> lock(mutex);
        keys = patterns;
    }
    for (const std::string& key : keys) {
        amqp_queue_bind(st, AmqpConnection::channel, detail::to_bytes(queue), amqp_cstring_bytes(event_exchange),
                        detail::to_bytes(key), amqp_empty_table);
        conn.check("binding the queue to api.events");
    }
    if (keys.empty() && !shared) {
        cbapi::logger()->warn("{}: no routing keys subscribed, so queue {} receives nothing", display, queue);
    }
    // The step cbapi-python's RabbitMQEventSource skipped after a reconnect: without it nothing arrives and the
    // auto-delete queue, never consumed, is never deleted.
    amqp_basic_consume(st, AmqpConnection::channel, detail::to_bytes(queue), amqp_empty_bytes, 0, manual_ack() ? 0 : 1,
                       0, amqp_empty_table);
    conn.check("starting to consume (basic.consume)");
}

void EventBus::Impl::send_acks(AmqpConnection& conn, std::uint64_t generation) {
    std::vector<AckQueue::Pending> todo;
    {
        std::lock_guard<std::mutex> lock(acks->mutex);
        todo.swap(acks->pending);
    }
    if (generation != ack_generation) {  // a new connection: its channel's delivery tags start again at 1
        ack_generation = generation;
        settled_upto = 0;
        settled_above.clear();
    }
    if (todo.empty()) return;
    std::sort(todo.begin(), todo.end(),
              [](const AckQueue::Pending& a, const AckQueue::Pending& b) { return a.tag < b.tag; });
    std::uint64_t acked = 0;
    std::uint64_t requeued = 0;
    std::uint64_t ack_upto = 0;  // the highest handled, unacknowledged tag of the settled prefix
    const auto advance = [&](std::uint64_t tag, bool handled) {
        settled_upto = tag;
        if (handled) {
            ack_upto = tag;
            ++acked;
        }
    };
    for (const AckQueue::Pending& p : todo) {
        if (p.generation != generation) continue;  // a delivery of a dead connection: already back in the queue
        if (!p.handled) {
            conn.check_status(amqp_basic_nack(conn.state(), AmqpConnection::channel, p.tag, 0, 1),
                              "returning a message to the queue (basic.nack)");
            ++requeued;
        }
        if (p.tag == settled_upto + 1 && settled_above.empty()) {
            advance(p.tag, p.handled);  // the usual case: settled in order
        } else {
            settled_above.emplace(p.tag, p.handled);
        }
    }
    while (!settled_above.empty() && settled_above.begin()->first == settled_upto + 1) {
        advance(settled_above.begin()->first, settled_above.begin()->second);
        settled_above.erase(settled_above.begin());
    }
    if (ack_upto != 0) {
        conn.check_status(amqp_basic_ack(conn.state(), AmqpConnection::channel, ack_upto, 1), "acknowledging");
    }
    for (auto& [tag, unacked] : settled_above) {  // past a gap: one by one
        if (!unacked) continue;
        conn.check_status(amqp_basic_ack(conn.state(), AmqpConnection::channel, tag, 0), "acknowledging");
        unacked = false;
        ++acked;
    }
    if (acked > 0) count(&EventBusStats::acked, acked);
    if (requeued > 0) count(&EventBusStats::requeued, requeued);
}

bool EventBus::Impl::consume(AmqpConnection& conn, Sink& sink, std::uint64_t generation) {
    amqp_connection_state_t st = conn.state();
    for (;;) {
        send_acks(conn, generation);
        if (stop_requested.load()) return true;
        amqp_maybe_release_buffers(st);
        amqp_envelope_t envelope;
        struct timeval timeout = detail::to_timeval(options.poll_interval);
        const amqp_rpc_reply_t reply = amqp_consume_message(st, &envelope, &timeout, 0);
        if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
            Message message;
            message.routing_key = detail::to_string(envelope.routing_key);
            const amqp_basic_properties_t& props = envelope.message.properties;
            if (props._flags & AMQP_BASIC_CONTENT_TYPE_FLAG) {
                message.content_type = detail::to_string(props.content_type);
            }
            if (props._flags & AMQP_BASIC_HEADERS_FLAG) message.headers = detail::table_to_map(props.headers);
            message.body = detail::to_string(envelope.message.body);
            message.redelivered = envelope.redelivered != 0;
            message.origin = origin;
            message.received = std::chrono::system_clock::now();
            const std::uint64_t tag = envelope.delivery_tag;
            amqp_destroy_envelope(&envelope);

            DoneCallback done;
            if (manual_ack()) {
                {
                    std::lock_guard<std::mutex> lock(acks->mutex);
                    ++acks->in_flight;
                }
                done = [queue = acks, generation, tag, called = std::make_shared<std::atomic<bool>>(false)](
                           bool handled) {
                    if (called->exchange(true)) return;  // the contract says once; a second call changes nothing
                    std::lock_guard<std::mutex> lock(queue->mutex);
                    queue->pending.push_back({generation, tag, handled});
                    --queue->in_flight;
                    queue->changed.notify_all();
                };
            }
            if (!sink.deliver(std::move(message), done)) {
                if (manual_ack()) {
                    std::lock_guard<std::mutex> lock(acks->mutex);
                    --acks->in_flight;  // not taken: left unacknowledged, the broker requeues it on close
                }
                return true;
            }
            count(&EventBusStats::delivered);
            continue;
        }
        if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT) {
            continue;
        }
        if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
            reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
            // Something other than a delivery: read it. Close methods and a broker-side cancel end this connection.
            amqp_frame_t frame;
            struct timeval now = detail::to_timeval(options.poll_interval);
            const int status = amqp_simple_wait_frame_noblock(st, &frame, &now);
            if (status == AMQP_STATUS_TIMEOUT) continue;
            conn.check_status(status, "reading from the broker");
            if (frame.frame_type != AMQP_FRAME_METHOD) continue;
            switch (frame.payload.method.id) {
                case AMQP_CHANNEL_CLOSE_METHOD:
                case AMQP_CONNECTION_CLOSE_METHOD:
                    conn.broker_closed(frame.payload.method, "consuming");
                case AMQP_BASIC_CANCEL_METHOD:
                    throw BusFailure(
                        fmt::format("the broker cancelled the consumer of queue {} (queue deleted?)", queue), false);
                default:
                    continue;  // e.g. a late basic.qos-ok; nothing to do
            }
        }
        conn.mark_broken();
        throw BusFailure(fmt::format("connection to {} lost: {}", display, detail::describe(reply)), false);
    }
}

void EventBus::Impl::drain_and_close(AmqpConnection& conn, std::uint64_t generation) {
    // Messages already handed to the Sink: give their callbacks a moment to finish so that a clean stop acknowledges
    // what was handled (no redelivery), without reading new messages.
    if (manual_ack()) {
        const auto deadline = std::chrono::steady_clock::now() + options.stop_ack_timeout;
        for (;;) {
            send_acks(conn, generation);
            std::unique_lock<std::mutex> lock(acks->mutex);
            if (acks->in_flight == 0 && acks->pending.empty()) break;
            if (!acks->changed.wait_until(lock, deadline, [&] { return !acks->pending.empty(); })) break;
        }
        send_acks(conn, generation);
    }
    conn.close();
}

void EventBus::Impl::wait_before_retry(std::chrono::milliseconds delay) {
    if (options.sleeper) {
        options.sleeper(delay);
        return;
    }
    std::unique_lock<std::mutex> lock(acks->mutex);
    acks->changed.wait_for(lock, delay, [&] { return acks->stopping; });
}

EventBus::EventBus(EventBusOptions options) : impl_(std::make_unique<Impl>()) {
    detail::validate(options.connection);
    if (options.queue_mode == QueueMode::shared_durable && options.queue_name.empty()) {
        throw std::invalid_argument("the event bus's shared durable queue needs a name (EventBusOptions::queue_name)");
    }
    if (options.queue_name.size() > max_name_length) {
        throw std::invalid_argument("event bus queue name longer than 255 bytes");
    }
    if (options.poll_interval.count() <= 0) options.poll_interval = std::chrono::milliseconds(100);
    impl_->queue = options.queue_name.empty() ? default_queue_name() : options.queue_name;
    impl_->display = "event bus " + options.connection.display_url();
    impl_->origin = fmt::format("{} queue {}", detail::origin_url(options.connection), impl_->queue);
    impl_->secret = cbapi::detail::SecretRegistration({options.connection.password});
    impl_->options = std::move(options);
}

EventBus::EventBus(const Credentials& credentials, EventBusOptions options)
    : EventBus([&] {
          options.connection = BusConnectionOptions::from_credentials(credentials);
          return std::move(options);
      }()) {}

EventBus::~EventBus() = default;

std::string EventBus::name() const { return impl_->display; }

Delivery EventBus::delivery() const {
    return impl_->manual_ack() ? Delivery::at_least_once : Delivery::at_most_once;
}

void EventBus::subscribe(const std::vector<std::string>& patterns) {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    for (const std::string& p : patterns) {
        if (p.size() > max_name_length) {
            throw std::invalid_argument("routing-key pattern longer than 255 bytes: " + p.substr(0, 40) + "...");
        }
        if (std::find(impl_->patterns.begin(), impl_->patterns.end(), p) == impl_->patterns.end()) {
            impl_->patterns.push_back(p);
        }
    }
}

void EventBus::run(Sink& sink) {
    Impl& d = *impl_;
    int attempt = 0;
    std::uint64_t generation = 0;
    while (!d.stop_requested.load()) {
        try {
            AmqpConnection conn(d.options.connection);
            ++generation;
            try {
                d.setup(conn);
            } catch (...) {
                conn.close();
                throw;
            }
            attempt = 0;
            d.count(&EventBusStats::connections);
            cbapi::logger()->info("{}: consuming from queue {} ({})", d.display, d.queue, to_string(delivery()));
            if (d.consume(conn, sink, generation)) {
                d.drain_and_close(conn, generation);
                return;
            }
        } catch (const BusFailure& failure) {
            if (failure.fatal()) throw CredentialError(failure.what());
            d.count(&EventBusStats::failures);
            sink.report(SourceProblem{d.display, d.origin, failure.what()});
            const std::chrono::milliseconds delay = d.options.reconnect.delay(attempt);
            attempt = std::min(attempt + 1, 30);  // the delay is capped long before; keep the exponent finite
            cbapi::logger()->warn("{}: {}; reconnecting in {} ms", d.display, failure.what(), delay.count());
            if (d.stop_requested.load()) break;
            d.wait_before_retry(delay);
        }
    }
}

void EventBus::stop() {
    impl_->stop_requested.store(true);
    std::lock_guard<std::mutex> lock(impl_->acks->mutex);
    impl_->acks->stopping = true;
    impl_->acks->changed.notify_all();
}

const std::string& EventBus::queue_name() const { return impl_->queue; }

std::vector<std::string> EventBus::patterns() const {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    return impl_->patterns;
}

EventBusStats EventBus::stats() const {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    return impl_->stats;
}

}  // namespace cbapi::events
