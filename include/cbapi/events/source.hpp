#pragma once
// The contract between an event source (the RabbitMQ event bus, an Event Forwarder file, HTTP receiver or S3 bucket)
// and the consumer that dispatches its messages to callbacks. A user only writes a Source to add a new transport; the
// sources the SDK ships implement it, and `Consumer` (consumer.hpp) implements Sink.
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace cbapi::events {

/// What a source promises about each message.
enum class Delivery {
    /// A message may be lost (e.g. when the process dies between receiving and handling it), never handled twice.
    at_most_once,
    /// A message is handled at least once: the source confirms it (broker acknowledgement, S3 checkpoint, HTTP 200)
    /// only after every callback for it has run, so a crash re-delivers it.
    at_least_once,
};

/// `at-most-once` or `at-least-once`, as docs/events.md writes it.
const char* to_string(Delivery delivery) noexcept;

/// One message exactly as a source received it, before decoding.
struct Message {
    /// The event bus routing key (e.g. `watchlist.hit.process`, `feed.24.ingress.hit.process`, `ingress.event.regmod`);
    /// for Event Forwarder output, the record's `type` field (empty when the record has none).
    std::string routing_key;
    /// `application/json` (server events; every forwarder record), `application/protobuf` (one `CbEventMsg`) or
    /// `application/zip` (a raw-sensor-data bundle); empty when the source did not say.
    std::string content_type;
    /// The payload, byte for byte: one JSON object, or one serialized protobuf message.
    std::string body;
    /// Message headers the transport carried (AMQP headers such as `sensorId`, `sensorHostName`), as text.
    std::map<std::string, std::string> headers;
    /// Where the message came from, for error reports and logs, never containing a secret: e.g.
    /// `amqp://127.0.0.1:5004 queue cbapi-event-handler-host-42`, `/var/cb/out.json line 1234`,
    /// `s3://bucket/prefix/event-forwarder.2017-11-07T12:00:00.000 line 7`, `http POST from 10.0.0.5`.
    std::string origin;
    /// When the source received it.
    std::chrono::system_clock::time_point received{};
    /// The source has delivered this message before, possibly to another consumer process, without confirming it (an
    /// at-least-once source after a consumer died or returned it with DoneCallback(false)): its callbacks may already
    /// have run once. Set from the AMQP `redelivered` flag by the event bus; false for the other sources.
    bool redelivered = false;
};

/// A problem a source skipped over without stopping: a malformed line, an S3 object that is not forwarder output, a
/// broker that closed the channel, a POST that is not JSON. Counted and logged by the consumer.
struct SourceProblem {
    /// The source's name() (no secrets).
    std::string source;
    /// Where, as in Message::origin (may be empty).
    std::string origin;
    /// What went wrong, for a human (no secrets, no payload dumps beyond a short excerpt).
    std::string what;
};

/// Called exactly once per delivered message, on any thread, after every callback for it has run (`handled` true), or
/// when the consumer discarded it without running the callbacks (`handled` false, e.g. stop(discard)). At-least-once
/// sources confirm the message here (and must not confirm a message whose `handled` is false).
using DoneCallback = std::function<void(bool handled)>;

/// Where a source hands its messages: implemented by Consumer.
class Sink {
public:
    virtual ~Sink() = default;
    /// Hands one message over. Blocks while the consumer's bounded queue is full (back-pressure reaches the network
    /// or the file). Returns false, without taking the message, when the consumer is stopping: the source should
    /// then return from run() (an at-least-once source leaves the message unconfirmed). `done`, when set, is called
    /// as described for DoneCallback; when deliver() returns false it is not called.
    virtual bool deliver(Message message, DoneCallback done = {}) = 0;
    /// Reports a problem the source skipped; never blocks for long, never throws.
    virtual void report(SourceProblem problem) = 0;
};

/// A source of event messages. The consumer calls subscribe() once, then run() on a thread of its own, and stop()
/// from another thread to end it.
class Source {
public:
    virtual ~Source() = default;
    /// A short description for logs and errors, without secrets (e.g. `event bus amqp://cb@host:5004`).
    virtual std::string name() const = 0;
    /// What this source promises about each message.
    virtual Delivery delivery() const = 0;
    /// The routing-key patterns (AMQP topic syntax: `*` one word, `#` zero or more words) the consumer's registry
    /// has callbacks for; called before run(). The event bus binds its queue with them; the forwarder sources, which
    /// receive every record, may ignore them (the registry filters).
    virtual void subscribe(const std::vector<std::string>& patterns) { static_cast<void>(patterns); }
    /// Reads and delivers until stop() is called or the source is exhausted (a one-shot S3 pass), then returns. Bad
    /// input is reported through Sink::report and skipped; a source throws only when it cannot work at all (e.g.
    /// invalid configuration, credentials refused), and the consumer then reports that as its error.
    virtual void run(Sink& sink) = 0;
    /// Makes run() return promptly (within about 100 ms, without busy-waiting); thread-safe; may be called before
    /// run() and more than once.
    virtual void stop() = 0;
};

}  // namespace cbapi::events
