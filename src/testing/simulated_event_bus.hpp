#pragma once
// The simulated Cb Response server's event bus (internal to cbapi::testing; not installed): the messages the
// simulator generates, published to a real RabbitMQ broker's `api.events` exchange through the SDK's
// EventBusPublisher, on a thread of its own so that HTTP handlers never wait for the broker. Built only with the
// event side (CBAPI_BUILD_EVENTS, which defines CBAPI_TESTING_EVENT_BUS); the interface is abstract so that the other
// simulator sources compile and link without it.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/testing/response_simulator.hpp"
#include "response_world.hpp"

namespace cbapi::testing::sim {

/// What the publishing thread has done so far.
struct EventBusCounters {
    std::uint64_t queued = 0;     ///< messages handed to the bus (all time)
    std::uint64_t published = 0;  ///< messages the broker confirmed
    std::uint64_t waiting = 0;    ///< messages not yet confirmed (queued and being retried)
    std::uint64_t failures = 0;   ///< failed publish attempts (broker gone, channel closed, ...)
    std::uint64_t dropped = 0;    ///< messages dropped because the queue was full while the broker was gone
};

/// A running publisher: queue a message, and it is published in order, retried with backoff while the broker is
/// away. Thread-safe.
class SimulatedEventBus {
public:
    virtual ~SimulatedEventBus() = default;
    /// Queues a JSON server event (`application/json`). @return its sequence number (1, 2, ...); 0 when it was
    /// dropped because too many messages wait for an absent broker
    virtual std::uint64_t publish_json(const std::string& routing_key, const nlohmann::json& body) = 0;
    /// Queues a raw process-start event: one `CbEventMsg` (`application/protobuf`) on `ingress.event.procstart`.
    /// @return its sequence number
    virtual std::uint64_t publish_procstart(const WorldProcess& process, const SimulatedHost& host) = 0;
    /// Waits until every message up to `sequence` was confirmed by the broker. @return false on timeout
    virtual bool wait_published(std::uint64_t sequence, std::chrono::milliseconds timeout) = 0;
    /// The counters so far.
    virtual EventBusCounters counters() const = 0;
    /// `amqp://user@host:port`, never the password.
    virtual std::string display_url() const = 0;
};

#ifdef CBAPI_TESTING_EVENT_BUS
/// Starts the publishing thread for `url` (`amqp://user:password@host:port[/vhost]`, percent-encoded parts; without a
/// password in the URL, the environment variable CBAPI_EVENT_BUS_PASSWORD gives it). Does not connect yet: the thread
/// connects when the first message is queued.
/// @throws std::invalid_argument for a URL it cannot parse (the text names the URL without its password)
std::shared_ptr<SimulatedEventBus> start_event_bus(const std::string& url);
#endif

/// The URL with any password replaced by `***` (for messages about a URL that may not parse).
inline std::string redact_amqp_url(const std::string& url) {
    const auto scheme = url.find("://");
    const std::size_t start = scheme == std::string::npos ? 0 : scheme + 3;
    const auto at = url.rfind('@');
    if (at == std::string::npos || at < start) return url;
    const auto colon = url.find(':', start);
    if (colon == std::string::npos || colon > at) return url;
    return url.substr(0, colon + 1) + "***" + url.substr(at);
}

}  // namespace cbapi::testing::sim
