// rabbitmq-c helpers shared by EventBus and EventBusPublisher: connection setup and teardown, reply texts, field
// tables as text, and the connection options (validation, display URL without the password).
#include "events/bus_amqp.hpp"

#include <amqp_tcp_socket.h>
#include <sys/time.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "cbapi/credentials.hpp"
#include "cbapi/detail/url.hpp"
#include "cbapi/errors.hpp"

namespace cbapi::events {

namespace {

std::string host_for_url(const std::string& host) {
    // An IPv6 literal needs brackets in a URL.
    if (host.find(':') != std::string::npos && host.front() != '[') return "[" + host + "]";
    return host;
}

}  // namespace

BusConnectionOptions BusConnectionOptions::from_credentials(const Credentials& credentials) {
    if (!credentials.rabbitmq_pass || credentials.rabbitmq_pass->empty()) {
        throw CredentialError(
            "The event bus needs a RabbitMQ password: rabbitmq_pass is missing from the credentials (it is "
            "RabbitMQPassword in the Cb Response server's /etc/cb/cb.conf)");
    }
    if (credentials.rabbitmq_port < 1 || credentials.rabbitmq_port > 65535) {
        throw CredentialError(fmt::format("rabbitmq_port {} is not a TCP port (1-65535)", credentials.rabbitmq_port));
    }
    BusConnectionOptions options;
    options.host = credentials.rabbitmq_host;
    options.port = credentials.rabbitmq_port;
    options.user = credentials.rabbitmq_user;
    options.password = *credentials.rabbitmq_pass;
    return options;
}

std::string BusConnectionOptions::display_url() const {
    std::string url = fmt::format("amqp://{}@{}:{}", cbapi::detail::percent_encode(user, "", false),
                                  host_for_url(host), port);
    if (vhost != "/") url += "/" + cbapi::detail::percent_encode(vhost, "", false);
    return url;
}

namespace detail {

std::string to_string(amqp_bytes_t bytes) {
    if (bytes.len == 0 || bytes.bytes == nullptr) return {};
    return std::string(static_cast<const char*>(bytes.bytes), bytes.len);
}

amqp_bytes_t to_bytes(std::string_view text) noexcept {
    amqp_bytes_t bytes;
    bytes.len = text.size();
    // rabbitmq-c never writes through the pointer of bytes it is given to send.
    bytes.bytes = const_cast<char*>(text.data());
    return bytes;
}

namespace {

std::string number_text(double value) {
    if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15) {
        return fmt::format("{}", static_cast<long long>(value));
    }
    return fmt::format("{}", value);
}

std::string decimal_text(amqp_decimal_t decimal) {
    // value / 10^decimals, written exactly.
    // The AMQP 0-9-1 decimal's value is unsigned (rabbitmq-c: uint32_t).
    std::string digits = std::to_string(decimal.value);
    if (decimal.decimals == 0) return digits;
    const std::size_t places = decimal.decimals;
    if (digits.size() <= places) digits.insert(0, places - digits.size() + 1, '0');
    digits.insert(digits.size() - places, ".");
    return digits;
}

}  // namespace

std::string field_to_text(const amqp_field_value_t& value) {
    switch (value.kind) {
        case AMQP_FIELD_KIND_BOOLEAN:
            return value.value.boolean ? "true" : "false";
        case AMQP_FIELD_KIND_I8:
            return std::to_string(value.value.i8);
        case AMQP_FIELD_KIND_U8:
            return std::to_string(value.value.u8);
        case AMQP_FIELD_KIND_I16:
            return std::to_string(value.value.i16);
        case AMQP_FIELD_KIND_U16:
            return std::to_string(value.value.u16);
        case AMQP_FIELD_KIND_I32:
            return std::to_string(value.value.i32);
        case AMQP_FIELD_KIND_U32:
            return std::to_string(value.value.u32);
        case AMQP_FIELD_KIND_I64:
            return std::to_string(value.value.i64);
        case AMQP_FIELD_KIND_U64:
        case AMQP_FIELD_KIND_TIMESTAMP:
            return std::to_string(value.value.u64);
        case AMQP_FIELD_KIND_F32:
            return number_text(static_cast<double>(value.value.f32));
        case AMQP_FIELD_KIND_F64:
            return number_text(value.value.f64);
        case AMQP_FIELD_KIND_DECIMAL:
            return decimal_text(value.value.decimal);
        case AMQP_FIELD_KIND_UTF8:
        case AMQP_FIELD_KIND_BYTES:
            return to_string(value.value.bytes);
        case AMQP_FIELD_KIND_TABLE: {
            std::string out = "{";
            for (int i = 0; i < value.value.table.num_entries; ++i) {
                const amqp_table_entry_t& entry = value.value.table.entries[i];
                if (i > 0) out += ", ";
                out += to_string(entry.key) + ": " + field_to_text(entry.value);
            }
            return out + "}";
        }
        case AMQP_FIELD_KIND_ARRAY: {
            std::string out = "[";
            for (int i = 0; i < value.value.array.num_entries; ++i) {
                if (i > 0) out += ", ";
                out += field_to_text(value.value.array.entries[i]);
            }
            return out + "]";
        }
        case AMQP_FIELD_KIND_VOID:
        default:
            return {};
    }
}

std::map<std::string, std::string> table_to_map(const amqp_table_t& table) {
    std::map<std::string, std::string> out;
    for (int i = 0; i < table.num_entries; ++i) {
        out.emplace(to_string(table.entries[i].key), field_to_text(table.entries[i].value));
    }
    return out;
}

namespace {

std::string close_text(std::uint16_t code, amqp_bytes_t text) { return fmt::format("{} {}", code, to_string(text)); }

}  // namespace

std::string describe(const amqp_rpc_reply_t& reply) {
    switch (reply.reply_type) {
        case AMQP_RESPONSE_NORMAL:
            return "ok";
        case AMQP_RESPONSE_NONE:
            return "no reply from the broker";
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            return amqp_error_string2(reply.library_error);
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD && reply.reply.decoded != nullptr) {
                const auto* m = static_cast<const amqp_connection_close_t*>(reply.reply.decoded);
                return "connection closed by the broker: " + close_text(m->reply_code, m->reply_text);
            }
            if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD && reply.reply.decoded != nullptr) {
                const auto* m = static_cast<const amqp_channel_close_t*>(reply.reply.decoded);
                return "channel closed by the broker: " + close_text(m->reply_code, m->reply_text);
            }
            return fmt::format("unexpected method 0x{:08x} from the broker", reply.reply.id);
    }
    return "unknown reply";
}

std::string origin_url(const BusConnectionOptions& options) {
    return fmt::format("amqp://{}:{}", host_for_url(options.host), options.port);
}

void validate(const BusConnectionOptions& options) {
    if (options.password.empty()) {
        throw CredentialError(fmt::format(
            "The event bus {} needs a password (rabbitmq_pass in the credentials; RabbitMQPassword in the Cb "
            "Response server's /etc/cb/cb.conf)",
            options.display_url()));
    }
    if (options.port < 1 || options.port > 65535) {
        throw std::invalid_argument(fmt::format("event bus port {} is not a TCP port (1-65535)", options.port));
    }
    if (options.host.empty()) throw std::invalid_argument("event bus host is empty");
    if (options.heartbeat.count() < 0 || options.heartbeat.count() > 65535) {
        throw std::invalid_argument("event bus heartbeat must be 0..65535 seconds");
    }
}

struct timeval to_timeval(std::chrono::milliseconds d) noexcept {
    const long long ms = std::max<long long>(d.count(), 1);
    struct timeval tv {};
    tv.tv_sec = static_cast<time_t>(ms / 1000);
    tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
    return tv;
}

AmqpConnection::AmqpConnection(const BusConnectionOptions& options) : url_(options.display_url()) {
    state_ = amqp_new_connection();
    if (state_ == nullptr) throw BusFailure("cannot allocate an AMQP connection", false);
    amqp_socket_t* socket = amqp_tcp_socket_new(state_);
    if (socket == nullptr) {
        close();
        throw BusFailure("cannot create a TCP socket for " + url_, false);
    }
    struct timeval timeout = to_timeval(options.connect_timeout);
    // The handshake and every synchronous call (declare, bind, close) are bounded too: a broker that stops answering
    // must not hang the consumer thread forever.
    amqp_set_handshake_timeout(state_, &timeout);
    amqp_set_rpc_timeout(state_, &timeout);
    const int opened = amqp_socket_open_noblock(socket, options.host.c_str(), options.port, &timeout);
    if (opened != AMQP_STATUS_OK) {
        close();
        throw BusFailure(fmt::format("cannot connect to {}: {}", url_, amqp_error_string2(opened)), false);
    }
    // The password goes to rabbitmq-c as its own argument (SASL PLAIN): no URL, so no character needs escaping.
    const amqp_rpc_reply_t login =
        amqp_login(state_, options.vhost.c_str(), 0, 131072, static_cast<int>(options.heartbeat.count()),
                   AMQP_SASL_METHOD_PLAIN, options.user.c_str(), options.password.c_str());
    if (login.reply_type != AMQP_RESPONSE_NORMAL) {
        bool fatal = false;
        std::string text = describe(login);
        if (login.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION && login.reply.id == AMQP_CONNECTION_CLOSE_METHOD &&
            login.reply.decoded != nullptr) {
            const auto code = static_cast<const amqp_connection_close_t*>(login.reply.decoded)->reply_code;
            // 403 ACCESS_REFUSED: user or password wrong; 530 NOT_ALLOWED: no access to the virtual host.
            fatal = code == AMQP_ACCESS_REFUSED || code == AMQP_NOT_ALLOWED;
            amqp_connection_close_ok_t ok{};
            amqp_send_method(state_, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
        }
        close();
        throw BusFailure(fmt::format("{} refused the login of user '{}' to virtual host '{}': {}", url_, options.user,
                                     options.vhost, text),
                         fatal);
    }
    usable_ = true;
    amqp_channel_open(state_, channel);
    check("opening channel 1");
    channel_open_ = true;
}

AmqpConnection::~AmqpConnection() { close(); }

void AmqpConnection::check(const char* doing) {
    const amqp_rpc_reply_t reply = amqp_get_rpc_reply(state_);
    if (reply.reply_type == AMQP_RESPONSE_NORMAL) return;
    if (reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION) {
        broker_closed(reply.reply, doing);
    }
    usable_ = false;
    throw BusFailure(fmt::format("{} failed on {}: {}", doing, url_, describe(reply)), false);
}

void AmqpConnection::check_status(int status, const char* doing) {
    if (status == AMQP_STATUS_OK) return;
    usable_ = false;
    throw BusFailure(fmt::format("{} failed on {}: {}", doing, url_, amqp_error_string2(status)), false);
}

void AmqpConnection::broker_closed(const amqp_method_t& method, const char* doing) {
    amqp_rpc_reply_t reply{};
    reply.reply_type = AMQP_RESPONSE_SERVER_EXCEPTION;
    reply.reply = method;
    const std::string text = describe(reply);
    if (method.id == AMQP_CHANNEL_CLOSE_METHOD) {
        amqp_channel_close_ok_t ok{};
        amqp_send_method(state_, channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
        channel_open_ = false;
        // The connection itself is still open: close it politely (connection.close) in close().
    } else if (method.id == AMQP_CONNECTION_CLOSE_METHOD) {
        amqp_connection_close_ok_t ok{};
        amqp_send_method(state_, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
        usable_ = false;
    } else {
        usable_ = false;
    }
    throw BusFailure(fmt::format("{} failed on {}: {}", doing, url_, text), false);
}

void AmqpConnection::close() noexcept {
    if (state_ == nullptr) return;
    if (usable_) {
        if (channel_open_) amqp_channel_close(state_, channel, AMQP_REPLY_SUCCESS);
        amqp_connection_close(state_, AMQP_REPLY_SUCCESS);
    }
    usable_ = false;
    amqp_destroy_connection(state_);
    state_ = nullptr;
}

}  // namespace detail
}  // namespace cbapi::events
