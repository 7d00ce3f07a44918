#pragma once
/// @file
/// The Cb Response event bus: the server's RabbitMQ (AMQP 0-9-1) topic exchange `api.events`, read by EventBus (a
/// Source) and written by EventBusPublisher (used by the simulator and by tests to publish in the real formats).

#include "cbapi/fwd.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cbapi/events/source.hpp"
#include "cbapi/retry.hpp"

namespace cbapi::events {

/// The exchange the Cb Response server publishes its events to: topic, durable, not auto-delete. Declared with exactly
/// these flags (other flags make the broker close the channel with 406 PRECONDITION_FAILED).
inline constexpr const char* event_exchange = "api.events";

/// Where and how to connect to the broker. The password is kept out of every text the SDK produces (name(), logs,
/// exception messages); it is handed to rabbitmq-c as a separate argument, so any character (`@ / : %`) works.
struct BusConnectionOptions {
    /// Broker host name or address (the Cb Response server; its primary in a cluster).
    std::string host = "localhost";
    /// Broker AMQP port (the Cb Response server listens on 5004). 1..65535.
    int port = 5004;
    /// AMQP user (`RabbitMQUser` in the server's `/etc/cb/cb.conf`, usually `cb`).
    std::string user = "cb";
    /// AMQP password (`RabbitMQPassword`); required (not empty).
    std::string password;
    /// Virtual host.
    std::string vhost = "/";
    /// AMQP heartbeat interval negotiated with the broker (0 disables heartbeats). The broker drops a connection
    /// that stays silent for two intervals, e.g. while a Sink blocks the network thread that long.
    std::chrono::seconds heartbeat{60};
    /// Limit for the TCP connect, the AMQP handshake and each synchronous broker call (declare, bind, close).
    std::chrono::milliseconds connect_timeout{10'000};

    /// The connection settings of a credential profile (`rabbitmq_user`, `rabbitmq_pass`, `rabbitmq_host`,
    /// `rabbitmq_port`, as cbapi-python reads them).
    /// @param credentials a loaded profile (load_credentials())
    /// @return host, port, user and password from the profile; the other fields keep their defaults
    /// @throws CredentialError when `rabbitmq_pass` is missing or empty, or the port is out of range
    static BusConnectionOptions from_credentials(const Credentials& credentials);

    /// `amqp://user@host:port` (plus `/vhost` when not `/`), the user percent-encoded; never the password.
    std::string display_url() const;
};

/// How EventBus sets up its queue.
enum class QueueMode {
    /// cbapi's way: a queue of this process alone, `cbapi-event-handler-<hostname>-<pid>`, not durable, deleted by
    /// the broker when the consumer goes away; messages are acknowledged on receipt (auto-ack). At-most-once:
    /// messages in flight when the process dies, and those published while it is disconnected, are lost.
    per_process,
    /// A named durable queue that several consumer processes (on several machines) share as competing consumers:
    /// the broker hands each message to one of them. Manual acknowledgement after the callbacks ran: at-least-once.
    /// A message whose consumer died before acknowledging it is delivered again (Message::redelivered is then set).
    shared_durable,
};

/// Options of an EventBus.
struct EventBusOptions {
    /// The broker.
    BusConnectionOptions connection;
    /// The queue's kind (and with it the delivery guarantee).
    QueueMode queue_mode = QueueMode::per_process;
    /// The queue name. Required for QueueMode::shared_durable (every process of the group uses the same name); for
    /// QueueMode::per_process empty means `cbapi-event-handler-<hostname>-<pid>` (two such buses in one process would
    /// share that queue and split its messages: give the second one a name of its own). At most 255 bytes.
    std::string queue_name;
    /// The broker's prefetch limit (basic.qos): at most this many delivered but unacknowledged messages per consumer
    /// (shared_durable), which also spreads the work across competing consumers. With per_process (auto-ack) the
    /// broker ignores it and back-pressure comes from TCP (the source stops reading while the Sink blocks). 0 means
    /// no limit.
    std::uint16_t prefetch = 100;
    /// Delays between reconnect attempts after the broker went away, refused a declaration or closed the channel:
    /// exponential, capped, jittered. The attempt count starts again after a connection is fully set up.
    BackoffPolicy reconnect{std::chrono::milliseconds(1'000), std::chrono::milliseconds(30'000), 2.0, 0.2,
                            std::chrono::milliseconds(0)};
    /// Waits between reconnect attempts. Empty (the default): wait on the bus itself, so stop() ends the wait at
    /// once. Tests inject one that records the delays and returns at once.
    Sleeper sleeper;
    /// How long one wait for the broker lasts before the source checks for stop() and for acknowledgements to send;
    /// stop() takes effect within about this time. No busy loop: the wait blocks in poll().
    std::chrono::milliseconds poll_interval{100};
    /// On stop(), how long run() still waits for the callbacks of messages already handed to the Sink, to
    /// acknowledge them (shared_durable), before it closes the connection (unacknowledged messages are redelivered).
    std::chrono::milliseconds stop_ack_timeout{2'000};
};

/// What an EventBus has done so far (for monitoring and tests).
struct EventBusStats {
    /// Connections fully set up (declared, bound, consuming); 2 or more means the bus reconnected.
    std::uint64_t connections = 0;
    /// Messages handed to the Sink.
    std::uint64_t delivered = 0;
    /// Messages acknowledged to the broker after DoneCallback(true) (shared_durable).
    std::uint64_t acked = 0;
    /// Messages returned to the queue after DoneCallback(false) (shared_durable).
    std::uint64_t requeued = 0;
    /// Failures that led to a reconnect (lost connection, channel closed by the broker, refused connect).
    std::uint64_t failures = 0;
};

/// The Cb Response event bus as a Source.
///
/// On run(): connects, declares the exchange `api.events` (topic, durable, not auto-delete), declares the queue
/// (QueueMode), binds it with every pattern given to subscribe(), sets the prefetch limit and consumes. When the
/// broker goes away, closes the channel (reported through Sink::report with the broker's reply text) or refuses a
/// declaration, it reconnects with backoff and does all of it again, bindings and consume included (cbapi-python's
/// RabbitMQEventSource forgot the consume). Wrong credentials or a virtual host the user may not open are not retried:
/// run() throws CredentialError.
///
/// Every rabbitmq-c call happens on the thread that runs run(): DoneCallback, which the consumer may call on any
/// thread, only queues the acknowledgement, and run() sends it. Message::origin is `amqp://host:port queue <name>`.
///
/// @code
/// cbapi::events::EventBus bus(cbapi::load_credentials(cbapi::Product::response));
/// @endcode
class EventBus final : public Source {
public:
    /// @param options broker, queue mode and tuning
    /// @throws CredentialError when the password is empty
    /// @throws std::invalid_argument when the port is out of range, a shared queue has no name, or a name is too long
    explicit EventBus(EventBusOptions options);
    /// Connects with the event-bus settings of a credential profile (BusConnectionOptions::from_credentials).
    /// @param credentials a loaded profile
    /// @param options queue mode and tuning; its `connection` is replaced by the profile's
    /// @throws CredentialError when `rabbitmq_pass` is missing
    explicit EventBus(const Credentials& credentials, EventBusOptions options = {});
    ~EventBus() override;
    EventBus(const EventBus&) = delete;
    EventBus& operator=(const EventBus&) = delete;

    /// `event bus amqp://user@host:port`, never the password.
    std::string name() const override;
    /// at_most_once for QueueMode::per_process, at_least_once for QueueMode::shared_durable.
    Delivery delivery() const override;
    /// Adds routing-key patterns to bind (duplicates are bound once). Patterns given while run() is connected are
    /// bound at the next (re)connect.
    /// @throws std::invalid_argument for a pattern longer than 255 bytes
    void subscribe(const std::vector<std::string>& patterns) override;
    /// Consumes until stop() (or until the Sink refuses a message), reconnecting as needed. Call it from one thread
    /// at a time; once stopped, a bus does not run again (make a new one).
    /// @throws CredentialError when the broker refuses the login or the virtual host
    void run(Sink& sink) override;
    /// Makes run() return within about EventBusOptions::poll_interval (plus stop_ack_timeout while callbacks of
    /// delivered messages are still running); ends a reconnect wait at once. Thread-safe.
    void stop() override;

    /// The queue this bus consumes from.
    const std::string& queue_name() const;
    /// The routing-key patterns bound (in subscription order).
    std::vector<std::string> patterns() const;
    /// Counters so far; thread-safe.
    EventBusStats stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Publishes messages to `api.events` in the formats the Cb Response server uses (routing key, content type, AMQP
/// headers, body). Used by the simulator (`cbapi-mock-server --event-bus`) and by tests.
///
/// Connects on the first publish() and declares the exchange like the server does. Each publish() waits for the
/// broker's confirmation (publisher confirms), so a message that publish() returned for has been routed (and, when
/// persistent and routed to a durable queue, written to disk). After a failure the next publish() reconnects.
/// Not thread-safe: use one publisher per thread.
class EventBusPublisher {
public:
    /// @param options the broker
    /// @throws CredentialError when the password is empty
    explicit EventBusPublisher(BusConnectionOptions options);
    ~EventBusPublisher();
    EventBusPublisher(const EventBusPublisher&) = delete;
    EventBusPublisher& operator=(const EventBusPublisher&) = delete;

    /// Publishes one message: `message.routing_key`, `message.content_type` (omitted when empty), `message.headers`
    /// (a value written as a decimal integer is sent as a signed 64-bit integer, as the server sends `sensorId`;
    /// anything else as a string) and `message.body`. Other fields are ignored.
    /// @param message what to publish
    /// @param persistent delivery mode 2 (kept on disk by a durable queue) instead of 1
    /// @throws ConnectionError when the broker cannot be reached or closes the channel (with its reply text)
    /// @throws TimeoutError when the broker does not confirm within the connect timeout
    /// @throws CredentialError when the broker refuses the login
    void publish(const Message& message, bool persistent = false);
    /// Closes the connection (publish() opens a new one).
    void close() noexcept;
    /// `amqp://user@host:port`, never the password.
    std::string name() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cbapi::events
