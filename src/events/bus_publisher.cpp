// EventBusPublisher: publishes to api.events with publisher confirms, in the formats the Cb Response server uses.
#include <amqp.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <optional>
#include <vector>

#include "cbapi/detail/secrets.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/events/bus.hpp"
#include "events/bus_amqp.hpp"

namespace cbapi::events {

namespace {

using detail::AmqpConnection;
using detail::BusFailure;

/// A decimal integer as the server writes `sensorId`: optional '-', digits, no leading zero, fits int64.
std::optional<std::int64_t> as_integer(const std::string& text) {
    const std::size_t digits_at = (!text.empty() && text[0] == '-') ? 1 : 0;
    if (text.size() == digits_at || text.size() - digits_at > 19) return std::nullopt;
    for (std::size_t i = digits_at; i < text.size(); ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
    }
    if (text[digits_at] == '0' && text.size() > digits_at + 1) return std::nullopt;
    if (text == "-0") return std::nullopt;
    errno = 0;
    char* end = nullptr;
    const long long value = std::strtoll(text.c_str(), &end, 10);
    if (errno == ERANGE || end != text.c_str() + text.size()) return std::nullopt;
    return static_cast<std::int64_t>(value);
}

}  // namespace

struct EventBusPublisher::Impl {
    BusConnectionOptions options;
    cbapi::detail::SecretRegistration secret;
    std::unique_ptr<AmqpConnection> conn;

    AmqpConnection& connection() {
        if (conn) return *conn;
        auto fresh = std::make_unique<AmqpConnection>(options);
        amqp_exchange_declare(fresh->state(), AmqpConnection::channel, amqp_cstring_bytes(event_exchange),
                              amqp_cstring_bytes("topic"), 0, 1, 0, 0, amqp_empty_table);
        fresh->check("declaring exchange api.events (topic, durable)");
        amqp_confirm_select(fresh->state(), AmqpConnection::channel);
        fresh->check("enabling publisher confirms");
        conn = std::move(fresh);
        return *conn;
    }

    void wait_for_confirm(AmqpConnection& c) {
        for (;;) {
            amqp_frame_t frame;
            struct timeval timeout = detail::to_timeval(options.connect_timeout);
            const int status = amqp_simple_wait_frame_noblock(c.state(), &frame, &timeout);
            if (status == AMQP_STATUS_TIMEOUT) {
                throw TimeoutError(options.display_url(), "the broker did not confirm a published message");
            }
            c.check_status(status, "waiting for the broker's confirmation");
            if (frame.frame_type != AMQP_FRAME_METHOD) continue;
            switch (frame.payload.method.id) {
                case AMQP_BASIC_ACK_METHOD:
                    return;
                case AMQP_BASIC_NACK_METHOD:
                    throw BusFailure("the broker refused (nack) a published message", false);
                case AMQP_CHANNEL_CLOSE_METHOD:
                case AMQP_CONNECTION_CLOSE_METHOD:
                    c.broker_closed(frame.payload.method, "publishing");
                default:
                    continue;
            }
        }
    }
};

EventBusPublisher::EventBusPublisher(BusConnectionOptions options) : impl_(std::make_unique<Impl>()) {
    detail::validate(options);
    impl_->secret = cbapi::detail::SecretRegistration({options.password});
    impl_->options = std::move(options);
}

EventBusPublisher::~EventBusPublisher() { close(); }

std::string EventBusPublisher::name() const { return impl_->options.display_url(); }

void EventBusPublisher::close() noexcept { impl_->conn.reset(); }

void EventBusPublisher::publish(const Message& message, bool persistent) {
    try {
        AmqpConnection& c = impl_->connection();
        amqp_basic_properties_t props{};
        props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG;
        props.delivery_mode = persistent ? 2 : 1;
        if (!message.content_type.empty()) {
            props._flags |= AMQP_BASIC_CONTENT_TYPE_FLAG;
            props.content_type = detail::to_bytes(message.content_type);
        }
        std::vector<amqp_table_entry_t> entries;
        if (!message.headers.empty()) {
            entries.reserve(message.headers.size());
            for (const auto& [key, value] : message.headers) {
                amqp_table_entry_t entry{};
                entry.key = detail::to_bytes(key);
                if (const auto number = as_integer(value)) {
                    entry.value.kind = AMQP_FIELD_KIND_I64;
                    entry.value.value.i64 = *number;
                } else {
                    entry.value.kind = AMQP_FIELD_KIND_UTF8;
                    entry.value.value.bytes = detail::to_bytes(value);
                }
                entries.push_back(entry);
            }
            props._flags |= AMQP_BASIC_HEADERS_FLAG;
            props.headers.num_entries = static_cast<int>(entries.size());
            props.headers.entries = entries.data();
        }
        const int status =
            amqp_basic_publish(c.state(), AmqpConnection::channel, amqp_cstring_bytes(event_exchange),
                               detail::to_bytes(message.routing_key), 0, 0, &props, detail::to_bytes(message.body));
        c.check_status(status, "publishing");
        impl_->wait_for_confirm(c);
    } catch (const BusFailure& failure) {
        impl_->conn.reset();
        if (failure.fatal()) throw CredentialError(failure.what());
        throw ConnectionError(failure.what(), impl_->options.display_url());
    } catch (...) {
        impl_->conn.reset();
        throw;
    }
}

}  // namespace cbapi::events
