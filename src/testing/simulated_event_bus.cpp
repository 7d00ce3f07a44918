// The simulated server's event bus: a queue and a thread in front of the SDK's EventBusPublisher (one connection,
// publisher confirms). Messages go out in the order they were queued; while the broker is away the head message is
// retried with backoff (the HTTP side never waits for it), and publishing resumes by itself when the broker is back.
#include "simulated_event_bus.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include <spdlog/spdlog.h>

#include "cbapi/detail/url.hpp"
#include "cbapi/events/bus.hpp"
#include "cbapi/logging.hpp"
#include "sensor_events.pb.h"

namespace cbapi::testing::sim {
namespace {

namespace pb = cbapi::events::pb;

/// Messages kept while the broker is away; beyond this new ones are dropped (counted and logged).
constexpr std::size_t max_waiting = 100'000;
constexpr std::chrono::milliseconds first_retry{100};
constexpr std::chrono::milliseconds max_retry{5'000};

/// FILETIME (100 ns ticks since 1601) of a time in microseconds since the Unix epoch, as the sensor stamps events.
std::int64_t filetime(std::int64_t unix_us) { return (unix_us + 11'644'473'600LL * 1'000'000LL) * 10; }

/// 32 hex digits as the 16 raw bytes the sensor sends; empty for anything else.
std::string md5_bytes(const std::string& hex) {
    if (hex.size() != 32) return {};
    std::string out;
    for (std::size_t i = 0; i < 32; i += 2) {
        const std::string pair = hex.substr(i, 2);
        char* end = nullptr;
        const long v = std::strtol(pair.c_str(), &end, 16);
        if (end != pair.c_str() + 2) return {};
        out.push_back(static_cast<char>(v));
    }
    return out;
}

std::string string_field(const nlohmann::json& doc, const char* name) {
    const auto it = doc.find(name);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

events::BusConnectionOptions parse_url(const std::string& url) {
    const std::string shown = redact_amqp_url(url);
    const std::string scheme = "amqp://";
    if (url.rfind(scheme, 0) != 0)
        throw std::invalid_argument("event bus URL " + shown + ": expected amqp://user:password@host:port[/vhost]");
    std::string rest = url.substr(scheme.size());
    std::string vhost = "/";
    if (const auto slash = rest.find('/'); slash != std::string::npos) {
        if (slash + 1 < rest.size()) vhost = detail::percent_decode(rest.substr(slash + 1), false);
        rest.resize(slash);
    }
    events::BusConnectionOptions options;
    options.vhost = vhost;
    options.connect_timeout = std::chrono::milliseconds(3'000);
    std::string hostport = rest;
    if (const auto at = rest.rfind('@'); at != std::string::npos) {
        const std::string userinfo = rest.substr(0, at);
        hostport = rest.substr(at + 1);
        const auto colon = userinfo.find(':');
        options.user = detail::percent_decode(userinfo.substr(0, colon), false);
        if (colon != std::string::npos) options.password = detail::percent_decode(userinfo.substr(colon + 1), false);
    } else {
        options.user = "guest";
    }
    if (options.password.empty()) {
        const char* env = std::getenv("CBAPI_EVENT_BUS_PASSWORD");
        if (env != nullptr) options.password = env;
    }
    if (options.password.empty())
        throw std::invalid_argument("event bus URL " + shown +
                                    ": no password (put it in the URL or in CBAPI_EVENT_BUS_PASSWORD)");
    const auto colon = hostport.rfind(':');
    options.host = hostport.substr(0, colon);
    if (colon != std::string::npos) {
        const std::string port = hostport.substr(colon + 1);
        char* end = nullptr;
        const long value = std::strtol(port.c_str(), &end, 10);
        if (port.empty() || end != port.c_str() + port.size() || value < 1 || value > 65535)
            throw std::invalid_argument("event bus URL " + shown + ": the port must be a number from 1 to 65535");
        options.port = static_cast<int>(value);
    }
    if (options.host.empty()) throw std::invalid_argument("event bus URL " + shown + ": no host");
    return options;
}

class AmqpEventBus final : public SimulatedEventBus {
public:
    explicit AmqpEventBus(events::BusConnectionOptions options)
        : display_(options.display_url()), publisher_(std::move(options)) {
        thread_ = std::thread([this] { run(); });
    }

    ~AmqpEventBus() override {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        changed_.notify_all();
        thread_.join();
        if (!queue_.empty())
            cbapi::logger()->warn("simulated event bus {}: {} message(s) not published at shutdown", display_,
                                  queue_.size());
    }

    AmqpEventBus(const AmqpEventBus&) = delete;
    AmqpEventBus& operator=(const AmqpEventBus&) = delete;

    std::uint64_t publish_json(const std::string& routing_key, const nlohmann::json& body) override {
        events::Message m;
        m.routing_key = routing_key;
        m.content_type = "application/json";
        m.body = body.dump();
        return enqueue(std::move(m));
    }

    std::uint64_t publish_procstart(const WorldProcess& process, const SimulatedHost& host) override {
        const nlohmann::json& doc = process.doc;
        pb::CbEventMsg event;
        const std::int64_t path_guid = 1;
        auto* header = event.mutable_header();
        header->set_version(4);
        header->set_timestamp(filetime(process.start_us));
        header->set_process_create_time(filetime(process.start_us));
        header->set_process_pid(static_cast<std::int32_t>(doc.value("process_pid", 0LL)));
        header->set_process_md5(md5_bytes(string_field(doc, "process_md5")));
        header->set_process_path(string_field(doc, "path"));
        header->set_filepath_string_guid(path_guid);
        auto* path = event.add_strings();
        path->set_guid(path_guid);
        path->set_utf8string(string_field(doc, "path"));
        path->set_string_type(pb::CbStringMsg::typeFilepath);
        auto* proc = event.mutable_process();
        proc->set_created(true);
        proc->set_md5hash(md5_bytes(string_field(doc, "process_md5")));
        proc->set_commandline(string_field(doc, "cmdline"));
        proc->set_username(string_field(doc, "username"));
        if (process.parent_pid >= 0) {
            proc->set_parent_pid(static_cast<std::int32_t>(process.parent_pid));
            proc->set_parent_create_time(filetime(process.parent_start_us));
            proc->set_parent_md5(md5_bytes(process.parent_md5));
            proc->set_parent_path(process.parent_path);
        }
        proc->set_creationobserved(true);
        auto* endpoint = event.mutable_env()->mutable_endpoint();
        endpoint->set_sensorid(host.sensor_id);
        endpoint->set_sensorhostname(host.hostname);
        endpoint->set_hostid(host.sensor_id);
        event.mutable_env()->mutable_server()->set_nodeid(0);
        events::Message m;
        m.routing_key = "ingress.event.procstart";
        m.content_type = "application/protobuf";
        if (!event.SerializeToString(&m.body)) throw std::runtime_error("cannot serialize a process-start event");
        return enqueue(std::move(m));
    }

    bool wait_published(std::uint64_t sequence, std::chrono::milliseconds timeout) override {
        std::unique_lock<std::mutex> lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return confirmed_ >= sequence || stopping_; }) &&
               confirmed_ >= sequence;
    }

    EventBusCounters counters() const override {
        std::lock_guard<std::mutex> lock(mutex_);
        EventBusCounters c = counters_;
        c.waiting = queue_.size();
        return c;
    }

    std::string display_url() const override { return display_; }

private:
    std::uint64_t enqueue(events::Message message) {
        std::uint64_t sequence = 0;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ++counters_.queued;
            if (queue_.size() >= max_waiting) {
                // The broker has been away for long: this message is dropped (counted and logged, never silent).
                ++counters_.dropped;
                if (counters_.dropped == 1 || counters_.dropped % 1000 == 0)
                    cbapi::logger()->warn("simulated event bus {}: broker unreachable and {} messages waiting; {} "
                                          "dropped so far",
                                          display_, max_waiting, counters_.dropped);
                return 0;
            }
            sequence = ++last_;
            queue_.push_back(std::move(message));
        }
        changed_.notify_all();
        return sequence;
    }

    // The publishing thread: the only user of publisher_.
    void run() {
        std::unique_lock<std::mutex> lock(mutex_);
        std::chrono::milliseconds delay = first_retry;
        std::uint64_t failed_in_a_row = 0;
        for (;;) {
            changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            const events::Message message = queue_.front();
            lock.unlock();
            std::string error;
            try {
                publisher_.publish(message);
            } catch (const std::exception& e) {
                error = e.what();  // the SDK's errors name the broker by display URL, never the password
            }
            lock.lock();
            if (error.empty()) {
                queue_.pop_front();
                ++confirmed_;
                ++counters_.published;
                if (failed_in_a_row > 0)
                    cbapi::logger()->warn("simulated event bus {}: publishing again after {} failed attempt(s)",
                                          display_, failed_in_a_row);
                failed_in_a_row = 0;
                delay = first_retry;
                changed_.notify_all();
                continue;
            }
            ++counters_.failures;
            ++failed_in_a_row;
            // Log the first failure and then every tenth: a broker away for minutes must not flood the log.
            if (failed_in_a_row == 1 || failed_in_a_row % 10 == 0)
                cbapi::logger()->warn("simulated event bus {}: cannot publish ({}); {} message(s) waiting, retrying "
                                      "every {} ms at most",
                                      display_, error, queue_.size(), max_retry.count());
            publisher_.close();
            changed_.wait_for(lock, delay, [&] { return stopping_; });
            delay = std::min(delay * 2, max_retry);
        }
    }

    const std::string display_;
    events::EventBusPublisher publisher_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<events::Message> queue_;
    std::uint64_t last_ = 0;       // sequence of the last queued message
    std::uint64_t confirmed_ = 0;  // every message up to this one is published (or dropped)
    EventBusCounters counters_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace

std::shared_ptr<SimulatedEventBus> start_event_bus(const std::string& url) {
    return std::make_shared<AmqpEventBus>(parse_url(url));
}

}  // namespace cbapi::testing::sim
