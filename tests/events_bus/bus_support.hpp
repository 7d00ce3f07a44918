#pragma once
// Shared by the event bus tests: the one broker of this test program (a gtest Environment starts it once), a Sink that
// records what the bus hands over, a thread that runs a source, and a few raw AMQP operations (rabbitmq-c) to check
// what the broker holds.

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cbapi/events/bus.hpp"
#include "support/rabbitmq_broker.hpp"

namespace cbapi::test {

/// The user with a password full of URL delimiters, and one without any permission on "/".
inline constexpr const char* odd_user = "we@ird:user";
inline constexpr const char* odd_password = "p@ss/w:rd%40#?x";
inline constexpr const char* noperm_user = "noperm";
inline constexpr const char* noperm_password = "noperm-secret-pass";
/// A virtual host where `api.events` exists non-durable (a client declaring it durable gets 406).
inline constexpr const char* mismatch_vhost = "mismatch";

/// The broker the gtest Environment started (fails the test when it could not start).
RabbitMqBroker& broker();

/// Connection options for guest on the test broker (vhost "/").
events::BusConnectionOptions guest_connection(const std::string& vhost = "/");

/// Waits (polling every 10 ms) until `condition` holds or `timeout` passes; returns whether it held.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = std::chrono::seconds(10));

/// A Sink that keeps every message and report. By default it confirms each message at once (DoneCallback(true));
/// `on_deliver` replaces that (it receives the message and its DoneCallback, which may be empty).
class RecordingSink : public events::Sink {
public:
    using Handler = std::function<void(const events::Message&, events::DoneCallback&)>;

    bool deliver(events::Message message, events::DoneCallback done = {}) override;
    void report(events::SourceProblem problem) override;

    void on_deliver(Handler handler);
    std::vector<events::Message> messages() const;
    std::vector<events::SourceProblem> reports() const;
    /// Waits until at least `count` messages arrived (event-driven, bounded).
    bool wait_for_messages(std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
    bool wait_for_reports(std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

private:
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::vector<events::Message> messages_;
    std::vector<events::SourceProblem> reports_;
    Handler handler_;
};

/// Runs source.run(sink) on a thread; stops and joins on destruction. Keeps what run() threw.
class SourceThread {
public:
    SourceThread(events::Source& source, events::Sink& sink);
    ~SourceThread();
    SourceThread(const SourceThread&) = delete;
    SourceThread& operator=(const SourceThread&) = delete;
    /// stop() and join; returns how long the join took after stop().
    std::chrono::milliseconds stop();
    /// Joins without stopping (run() must end by itself), bounded by waiting on `finished`.
    bool wait_finished(std::chrono::milliseconds timeout);
    /// What run() threw (empty when it returned).
    std::optional<std::string> error() const;

private:
    events::Source& source_;
    std::thread thread_;
    mutable std::mutex mutex_;
    std::condition_variable done_;
    bool finished_ = false;
    std::optional<std::string> error_;
};

/// Raw broker operations on their own connection (guest unless told).
/// Whether `queue` exists in `vhost` (passive declare).
bool queue_exists(const std::string& queue, const std::string& vhost = "/");
/// Deletes an exchange.
void delete_exchange(const std::string& exchange, const std::string& vhost);
/// Declares a durable queue bound to api.events with `pattern` (the flags EventBus's shared mode uses).
void declare_shared_queue(const std::string& queue, const std::string& pattern);
/// Number of messages ready in `queue`.
std::uint32_t queue_depth(const std::string& queue);

/// Publishes on its own rabbitmq-c connection a message whose AMQP headers have every field type RabbitMQ passes on:
/// bool `flag` true, int32 `sensorId` 7, int64 `big` -5000000000, double `ratio` 0.5, decimal `price` 12.34 (1234,
/// 2 places), string `sensorHostName` WIN-OTEMNUTBS23, array `list` [1, "a"], table `nested` {k: v}, timestamp `at`
/// 1447697666.
void publish_typed_headers(const std::string& routing_key);

/// Publishes through EventBusPublisher on the test broker.
void publish(const std::string& routing_key, const std::string& body,
             const std::string& content_type = "application/json",
             const std::map<std::string, std::string>& headers = {}, const std::string& vhost = "/");

}  // namespace cbapi::test
