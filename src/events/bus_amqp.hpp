#pragma once
// Private helpers of the event bus over rabbitmq-c: one AMQP connection with its channel (RAII), the broker's reply
// as text, and AMQP field tables to and from text. Used by bus.cpp (EventBus) and bus_publisher.cpp.

#include <amqp.h>

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

#include "cbapi/events/bus.hpp"

namespace cbapi::events::detail {

/// Why a connection attempt or an open connection failed. `fatal`: retrying cannot help (credentials or virtual host
/// refused); otherwise the bus reconnects with backoff.
class BusFailure : public std::runtime_error {
public:
    BusFailure(const std::string& what, bool fatal) : std::runtime_error(what), fatal_(fatal) {}
    bool fatal() const noexcept { return fatal_; }

private:
    bool fatal_;
};

/// The bytes as a std::string (amqp_bytes_t is not NUL-terminated).
std::string to_string(amqp_bytes_t bytes);
/// A view of `text` as amqp_bytes_t (no copy; valid while `text` lives).
amqp_bytes_t to_bytes(std::string_view text) noexcept;

/// One AMQP field value as text: strings as they are, integers in decimal, booleans `true`/`false`, floating point
/// and decimals in shortest form, timestamps in seconds, tables and arrays as JSON-like `{k: v, ...}`/`[v, ...]`.
std::string field_to_text(const amqp_field_value_t& value);
/// Every entry of a header table, stringified with field_to_text (a repeated key keeps its first value).
std::map<std::string, std::string> table_to_map(const amqp_table_t& table);

/// What an rpc reply says, for a human: "ok", the broker's close code and reply text (e.g. `406
/// PRECONDITION_FAILED - inequivalent arg 'durable' ...`) or the library's error text.
std::string describe(const amqp_rpc_reply_t& reply);

/// One connection with channel 1 open. Every call on it must come from one thread at a time.
class AmqpConnection {
public:
    /// Opens the TCP connection, logs in and opens channel 1.
    /// @throws BusFailure (fatal when the broker refused the credentials or the virtual host)
    explicit AmqpConnection(const BusConnectionOptions& options);
    ~AmqpConnection();
    AmqpConnection(const AmqpConnection&) = delete;
    AmqpConnection& operator=(const AmqpConnection&) = delete;

    amqp_connection_state_t state() const noexcept { return state_; }
    static constexpr amqp_channel_t channel = 1;

    /// Throws BusFailure("<doing>: <describe(reply)>") unless the last rpc succeeded. A channel or connection close
    /// from the broker is answered (close-ok) so that the reply text is what the user sees; the connection is then
    /// unusable (it is marked so and closed without further rpc).
    void check(const char* doing);
    /// Throws BusFailure unless `status` (an int returned by rabbitmq-c) is AMQP_STATUS_OK.
    void check_status(int status, const char* doing);
    /// Answers a close method the broker sent (frame already read) and throws BusFailure with its reply text.
    [[noreturn]] void broker_closed(const amqp_method_t& method, const char* doing);
    /// Closes channel and connection politely when still usable, then frees it. Never throws.
    void close() noexcept;
    /// Marks the connection as not usable for the polite close (e.g. after a socket error).
    void mark_broken() noexcept { usable_ = false; }

private:
    amqp_connection_state_t state_ = nullptr;
    bool usable_ = false;
    bool channel_open_ = false;
    std::string url_;
};

/// `amqp://host:port` (no user), for Message::origin.
std::string origin_url(const BusConnectionOptions& options);
/// Validates host, port, password; throws CredentialError / std::invalid_argument.
void validate(const BusConnectionOptions& options);
/// A timeval of `d` (at least 1 ms).
struct timeval to_timeval(std::chrono::milliseconds d) noexcept;

}  // namespace cbapi::events::detail
