// The broker Environment of cbapi_events_bus_tests and the helpers of bus_support.hpp.
#include "events_bus/bus_support.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>

#include <memory>
#include <stdexcept>

#include "cbapi/errors.hpp"

namespace cbapi::test {

namespace {

std::unique_ptr<RabbitMqBroker>& broker_slot() {
    static std::unique_ptr<RabbitMqBroker> slot;
    return slot;
}

struct PublisherSlot {
    std::unique_ptr<events::EventBusPublisher> publisher;
    std::string key;
};

PublisherSlot& publisher_slot() {
    static PublisherSlot slot;
    return slot;
}

std::string& broker_error() {
    static std::string error;
    return error;
}

/// Starts one broker for the whole program (gtest runs SetUp before the first test and TearDown after the last).
class BrokerEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        try {
            RabbitMqBrokerOptions options;
            options.vhosts = {mismatch_vhost};
            options.users = {RabbitMqUser{odd_user, odd_password},
                             RabbitMqUser{noperm_user, noperm_password, "/", "^$", "^$", "^$"}};
            // guest needs rights on the mismatch vhost too (a second entry adds a permission; the user stays one).
            options.users.push_back(RabbitMqUser{"guest", "guest", mismatch_vhost});
            options.exchanges = {RabbitMqExchange{"api.events", mismatch_vhost, "topic", false, false}};
            auto b = std::make_unique<RabbitMqBroker>(options);
            b->start();
            broker_slot() = std::move(b);
        } catch (const std::exception& e) {
            broker_error() = e.what();
            // Not FAIL(): a fatal failure here would make gtest skip every test; instead each test fails on broker().
            ADD_FAILURE() << "cannot start the test RabbitMQ broker: " << e.what();
        }
    }
    void TearDown() override {
        publisher_slot().publisher.reset();
        broker_slot().reset();
    }
};

[[maybe_unused]] ::testing::Environment* const environment =
    ::testing::AddGlobalTestEnvironment(new BrokerEnvironment);

/// A raw rabbitmq-c connection with channel 1 open.
class RawConnection {
public:
    explicit RawConnection(const std::string& vhost) {
        const std::string host = broker().host();  // throws when the broker is not running
        state_ = amqp_new_connection();
        amqp_socket_t* socket = amqp_tcp_socket_new(state_);
        if (amqp_socket_open(socket, host.c_str(), broker().port()) != AMQP_STATUS_OK) {
            amqp_destroy_connection(state_);
            throw std::runtime_error("raw connection: cannot connect");
        }
        if (amqp_login(state_, vhost.c_str(), 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest").reply_type !=
            AMQP_RESPONSE_NORMAL) {
            amqp_destroy_connection(state_);
            throw std::runtime_error("raw connection: login failed");
        }
        amqp_channel_open(state_, 1);
        if (!ok()) {
            amqp_destroy_connection(state_);
            throw std::runtime_error("raw connection: channel.open failed");
        }
    }
    ~RawConnection() {
        if (channel_ok_) amqp_channel_close(state_, 1, AMQP_REPLY_SUCCESS);
        amqp_connection_close(state_, AMQP_REPLY_SUCCESS);
        amqp_destroy_connection(state_);
    }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;
    amqp_connection_state_t state() const { return state_; }
    /// Whether the last rpc worked; a channel close is answered (the channel is then unusable).
    bool ok() {
        const amqp_rpc_reply_t reply = amqp_get_rpc_reply(state_);
        if (reply.reply_type == AMQP_RESPONSE_NORMAL) return true;
        if (reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION && reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
            amqp_channel_close_ok_t close_ok{};
            amqp_send_method(state_, 1, AMQP_CHANNEL_CLOSE_OK_METHOD, &close_ok);
            channel_ok_ = false;
        }
        return false;
    }
    void expect_ok(const char* what) {
        if (!ok()) throw std::runtime_error(std::string("raw connection: ") + what + " failed");
    }

private:
    amqp_connection_state_t state_ = nullptr;
    bool channel_ok_ = true;
};

}  // namespace

RabbitMqBroker& broker() {
    if (!broker_slot()) {
        throw std::runtime_error("the test RabbitMQ broker is not running: " + broker_error());
    }
    return *broker_slot();
}

events::BusConnectionOptions guest_connection(const std::string& vhost) {
    events::BusConnectionOptions options;
    options.host = broker().host();
    options.port = broker().port();
    options.user = "guest";
    options.password = "guest";
    options.vhost = vhost;
    options.connect_timeout = std::chrono::seconds(5);
    return options;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

bool RecordingSink::deliver(events::Message message, events::DoneCallback done) {
    Handler handler;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        handler = handler_;
    }
    if (handler) {
        handler(message, done);
    } else if (done) {
        done(true);
    }
    std::lock_guard<std::mutex> lock(mutex_);
    messages_.push_back(std::move(message));
    changed_.notify_all();
    return true;
}

void RecordingSink::report(events::SourceProblem problem) {
    std::lock_guard<std::mutex> lock(mutex_);
    reports_.push_back(std::move(problem));
    changed_.notify_all();
}

void RecordingSink::on_deliver(Handler handler) {
    std::lock_guard<std::mutex> lock(mutex_);
    handler_ = std::move(handler);
}

std::vector<events::Message> RecordingSink::messages() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return messages_;
}

std::vector<events::SourceProblem> RecordingSink::reports() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return reports_;
}

bool RecordingSink::wait_for_messages(std::size_t count, std::chrono::milliseconds timeout) const {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return messages_.size() >= count; });
}

bool RecordingSink::wait_for_reports(std::size_t count, std::chrono::milliseconds timeout) const {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return reports_.size() >= count; });
}

SourceThread::SourceThread(events::Source& source, events::Sink& sink) : source_(source) {
    thread_ = std::thread([this, &sink] {
        std::optional<std::string> error;
        try {
            source_.run(sink);
        } catch (const std::exception& e) {
            error = e.what();
        }
        std::lock_guard<std::mutex> lock(mutex_);
        error_ = std::move(error);
        finished_ = true;
        done_.notify_all();
    });
}

SourceThread::~SourceThread() {
    if (thread_.joinable()) stop();
}

std::chrono::milliseconds SourceThread::stop() {
    const auto start = std::chrono::steady_clock::now();
    source_.stop();
    if (thread_.joinable()) thread_.join();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

bool SourceThread::wait_finished(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!done_.wait_for(lock, timeout, [&] { return finished_; })) return false;
    lock.unlock();
    if (thread_.joinable()) thread_.join();
    return true;
}

std::optional<std::string> SourceThread::error() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return error_;
}

bool queue_exists(const std::string& queue, const std::string& vhost) {
    RawConnection conn(vhost);
    amqp_queue_declare(conn.state(), 1, amqp_cstring_bytes(queue.c_str()), 1, 0, 0, 0, amqp_empty_table);
    return conn.ok();
}

void delete_exchange(const std::string& exchange, const std::string& vhost) {
    RawConnection conn(vhost);
    amqp_exchange_delete(conn.state(), 1, amqp_cstring_bytes(exchange.c_str()), 0);
    conn.expect_ok("exchange.delete");
}

void declare_shared_queue(const std::string& queue, const std::string& pattern) {
    RawConnection conn("/");
    amqp_exchange_declare(conn.state(), 1, amqp_cstring_bytes("api.events"), amqp_cstring_bytes("topic"), 0, 1, 0, 0,
                          amqp_empty_table);
    conn.expect_ok("exchange.declare");
    amqp_queue_declare(conn.state(), 1, amqp_cstring_bytes(queue.c_str()), 0, 1, 0, 0, amqp_empty_table);
    conn.expect_ok("queue.declare");
    amqp_queue_bind(conn.state(), 1, amqp_cstring_bytes(queue.c_str()), amqp_cstring_bytes("api.events"),
                    amqp_cstring_bytes(pattern.c_str()), amqp_empty_table);
    conn.expect_ok("queue.bind");
}

std::uint32_t queue_depth(const std::string& queue) {
    RawConnection conn("/");
    amqp_queue_declare_ok_t* ok =
        amqp_queue_declare(conn.state(), 1, amqp_cstring_bytes(queue.c_str()), 1, 0, 0, 0, amqp_empty_table);
    conn.expect_ok("queue.declare passive");
    return ok->message_count;
}

void publish_typed_headers(const std::string& routing_key) {
    RawConnection conn("/");
    auto entry = [](const char* key, amqp_field_value_t value) {
        amqp_table_entry_t e{};
        e.key = amqp_cstring_bytes(key);
        e.value = value;
        return e;
    };
    amqp_field_value_t v{};
    std::vector<amqp_table_entry_t> entries;
    v.kind = AMQP_FIELD_KIND_BOOLEAN;
    v.value.boolean = 1;
    entries.push_back(entry("flag", v));
    v = {};
    v.kind = AMQP_FIELD_KIND_I32;
    v.value.i32 = 7;
    entries.push_back(entry("sensorId", v));
    v = {};
    v.kind = AMQP_FIELD_KIND_I64;
    v.value.i64 = -5000000000;
    entries.push_back(entry("big", v));
    v = {};
    v.kind = AMQP_FIELD_KIND_F64;
    v.value.f64 = 0.5;
    entries.push_back(entry("ratio", v));
    v = {};
    v.kind = AMQP_FIELD_KIND_DECIMAL;
    v.value.decimal.decimals = 2;
    v.value.decimal.value = 1234;
    entries.push_back(entry("price", v));
    v = {};
    v.kind = AMQP_FIELD_KIND_UTF8;
    v.value.bytes = amqp_cstring_bytes("WIN-OTEMNUTBS23");
    entries.push_back(entry("sensorHostName", v));
    amqp_field_value_t items[2] = {};
    items[0].kind = AMQP_FIELD_KIND_I32;
    items[0].value.i32 = 1;
    items[1].kind = AMQP_FIELD_KIND_UTF8;
    items[1].value.bytes = amqp_cstring_bytes("a");
    v = {};
    v.kind = AMQP_FIELD_KIND_ARRAY;
    v.value.array.num_entries = 2;
    v.value.array.entries = items;
    entries.push_back(entry("list", v));
    amqp_table_entry_t inner[1] = {};
    inner[0].key = amqp_cstring_bytes("k");
    inner[0].value.kind = AMQP_FIELD_KIND_UTF8;
    inner[0].value.value.bytes = amqp_cstring_bytes("v");
    v = {};
    v.kind = AMQP_FIELD_KIND_TABLE;
    v.value.table.num_entries = 1;
    v.value.table.entries = inner;
    entries.push_back(entry("nested", v));
    v = {};
    v.kind = AMQP_FIELD_KIND_TIMESTAMP;
    v.value.u64 = 1447697666;
    entries.push_back(entry("at", v));

    amqp_basic_properties_t props{};
    props._flags = AMQP_BASIC_HEADERS_FLAG | AMQP_BASIC_CONTENT_TYPE_FLAG;
    props.content_type = amqp_cstring_bytes("application/zip");
    props.headers.num_entries = static_cast<int>(entries.size());
    props.headers.entries = entries.data();
    if (amqp_basic_publish(conn.state(), 1, amqp_cstring_bytes("api.events"), amqp_cstring_bytes(routing_key.c_str()),
                           0, 0, &props, amqp_cstring_bytes("PK")) != AMQP_STATUS_OK) {
        throw std::runtime_error("raw publish failed");
    }
}

void publish(const std::string& routing_key, const std::string& body, const std::string& content_type,
             const std::map<std::string, std::string>& headers, const std::string& vhost) {
    auto& slot = publisher_slot();
    const std::string key = vhost + "|" + std::to_string(broker().port());
    if (!slot.publisher || slot.key != key) {
        slot.publisher = std::make_unique<events::EventBusPublisher>(guest_connection(vhost));
        slot.key = key;
    }
    events::Message message;
    message.routing_key = routing_key;
    message.body = body;
    message.content_type = content_type;
    message.headers = headers;
    try {
        slot.publisher->publish(message, true);
    } catch (const ConnectionError&) {
        // A connection from before a broker restart: the publisher reconnects on the next call.
        slot.publisher->publish(message, true);
    }
}

}  // namespace cbapi::test
