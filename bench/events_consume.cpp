// cbapi-bench-events: how fast the event side consumes the Cb Response event bus, next to its baselines, in one run.
//
// It starts a throwaway RabbitMQ node on loopback (the tests' fixture), fills a durable queue with a realistic mix of
// bus messages (JSON watchlist, feed and alert hits, binary notifications; protobuf raw endpoint events with their
// string tables), and lets each contender drain it, one process each, measured from outside (wall time from start to
// exit, CPU time from wait4; peak RSS as each child reads its own VmHWM, since wait4's ru_maxrss keeps the forking
// parent's high-water mark across exec):
//   bare     a rabbitmq-c consume loop that decodes nothing (auto-ack): the floor;
//   cbapi    EventBus (shared durable queue, at-least-once: acknowledged after the callback) -> Consumer -> Registry
//            with typed subscriptions (WatchlistHit, FeedHit, AlertEvent, JsonEvent, SensorEvent) and trivial callbacks;
//   cbapi-at-most-once  the same on a per-process queue (cbapi-python's kind: auto-delete, auto-ack), the like-for-like
//            comparison with the bare loop and the Python consumer, which do not acknowledge either;
//   python   a consumer built the way cbapi-python 1.3.2's RabbitMQEventSource works (bench/events/pika_consumer.py:
//            python3-pika, one auto-ack consumer, json.loads / ParseFromString per message on a worker thread).
// `cbapi` also runs on a tenth of the messages, to show its memory does not grow with the message count.
//
//   cbapi-bench-events [--count N] [--python PATH] [--skip-python] [--check]
// --check exits non-zero when a target of issue 19 is missed: at least 10x the Python consumer's throughput (messages
// per CPU second: on one broker the broker's delivery rate bounds every consumer's wall time), within 1.5x of the bare
// loop's wall time (at-most-once, as the bare loop), and peak RSS at N within 1.25x of that at N/10. Run it on a
// release build (the release preset).
#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cbapi/events/bus.hpp"
#include "cbapi/events/consumer.hpp"
#include "cbapi/events/json_events.hpp"
#include "cbapi/events/registry.hpp"
#include "cbapi/events/sensor_event.hpp"
#include "sensor_events.pb.h"
#include "support/rabbitmq_broker.hpp"

namespace {

namespace pb = cbapi::events::pb;
using Clock = std::chrono::steady_clock;

struct BusMessage {
    std::string routing_key;
    std::string content_type;
    std::string body;
};

// A FILETIME near 2017 (100 ns ticks since 1601).
constexpr std::int64_t filetime_2017 = 131'300'000'000'000'000;

void fill_header(pb::CbEventMsg& msg, std::mt19937& rng, std::int64_t path_guid) {
    auto* header = msg.mutable_header();
    header->set_version(4);
    header->set_timestamp(filetime_2017 + static_cast<std::int64_t>(rng() % 10'000'000));
    header->set_process_create_time(filetime_2017 - 5'000'000);
    header->set_process_pid(static_cast<std::int32_t>(1000 + rng() % 5000));
    header->set_process_md5(std::string("\xc1\x0a\x66\x18\x9d\xc8\xc0\x90\xe7\xc8\x48\x73\xed\xce\xbc\x88", 16));
    header->set_filepath_string_guid(path_guid);
    auto* endpoint = msg.mutable_env()->mutable_endpoint();
    endpoint->set_sensorid(static_cast<std::int32_t>(1 + rng() % 50));
    endpoint->set_sensorhostname("WIN-OTEMNUTBS23");
}

void add_string(pb::CbEventMsg& msg, std::int64_t guid, const std::string& text, pb::CbStringMsg::CbStringType type) {
    auto* string = msg.add_strings();
    string->set_guid(guid);
    string->set_utf8string(text);
    string->set_string_type(type);
}

std::string serialize(const pb::CbEventMsg& msg) {
    std::string out;
    if (!msg.SerializeToString(&out)) {
        throw std::runtime_error("could not serialize a CbEventMsg");
    }
    return out;
}

BusMessage raw_event(std::mt19937& rng, std::size_t i) {
    pb::CbEventMsg msg;
    const auto guid = static_cast<std::int64_t>(1000 + i);
    fill_header(msg, rng, guid);
    switch (i % 4) {
        case 0: {
            add_string(msg, guid, fmt::format("\\registry\\machine\\software\\microsoft\\windows\\currentversion\\run\\entry{}", i),
                       pb::CbStringMsg::typeRegpath);
            auto* regmod = msg.mutable_regmod();
            regmod->set_action(pb::CbRegModMsg::actionRegModWriteValue);
            regmod->set_utf8_regpath(fmt::format("\\registry\\machine\\software\\vendor\\key{}", i));
            return {"ingress.event.regmod", "application/protobuf", serialize(msg)};
        }
        case 1: {
            auto* net = msg.mutable_network();
            net->set_ipv4address(465241111);
            net->set_port(20480);
            net->set_protocol(pb::CbNetConnMsg::ProtoTcp);
            net->set_outbound(true);
            net->set_utf8_netpath("www.example.com");
            return {"ingress.event.netconn", "application/protobuf", serialize(msg)};
        }
        case 2: {
            add_string(msg, guid, fmt::format("c:\\users\\admin\\appdata\\local\\temp\\file{}.tmp", i),
                       pb::CbStringMsg::typeFilepath);
            auto* filemod = msg.mutable_filemod();
            filemod->set_action(pb::CbFileModMsg::actionFileModWrite);
            return {"ingress.event.filemod", "application/protobuf", serialize(msg)};
        }
        default: {
            add_string(msg, guid, "c:\\windows\\system32\\ntdll.dll", pb::CbStringMsg::typeFilepath);
            auto* modload = msg.mutable_modload();
            modload->set_md5hash(std::string("\x2c\x35\x4f\xa9\x1e\xf6\x05\x00\x7f\xd1\x1b\xb8\x9e\xed\x22\x66", 16));
            modload->set_image_size(1'700'000);
            return {"ingress.event.moduleload", "application/protobuf", serialize(msg)};
        }
    }
}

BusMessage json_event(std::size_t i) {
    switch (i % 4) {
        case 0:
            return {"watchlist.hit.process", "application/json",
                    fmt::format(R"({{"server_name":"cbtest","cb_version":"5.1.0.150914.1400","watchlist_id":2,)"
                                R"("watchlist_name":"Non-System Filemods to system32","event_timestamp":1447698003.24,)"
                                R"("highlights":[],"docs":[{{"unique_id":"00000007-0000-0fd4-01d1-209aa22a57ee-00000001",)"
                                R"("segment_id":1,"sensor_id":7,"hostname":"WIN-OTEMNUTBS23","process_name":"procexp64.exe",)"
                                R"("process_pid":{},"process_md5":"445c3e95c8cb05403aedaec3baaa3a1d",)"
                                R"("parent_md5":"000000000000000000000000000000","comms_ip":917477092,)"
                                R"("interface_ip":-1407246848,"cmdline":"procexp64.exe /t","username":"SYSTEM"}}]}})",
                                4000 + i)};
        case 1:
            return {"feed.24.ingress.hit.process", "application/json",
                    fmt::format(R"({{"process_id":"00000003-0000-03a0-01d2-3eb59e345cd5","report_id":"{}",)"
                                R"("report_score":100,"ioc_type":"dns","ioc_value":"actblues.com","ioc_attr":{{)"
                                R"("protocol":"TCP","remote_ip":"40.112.210.240","port":80,"direction":"Outbound",)"
                                R"("dns_name":"actblues.com"}},"hostname":"WIN-IA9NQ1GN8OI","group":"Default Group",)"
                                R"("sensor_id":3,"cb_version":"5.2.0.161004.1206","server_name":"localhost",)"
                                R"("from_feed_search":false,"feed_id":24,"feed_name":"threatconnect",)"
                                R"("event_timestamp":1479155289.752}})",
                                17326959 + i)};
        case 2:
            return {"alert.watchlist.hit.query.process", "application/json",
                    fmt::format(R"({{"alert_type":"watchlist.hit.query.process","unique_id":"c02c7a6a-07a5-49d9-8e7a-{:012x}",)"
                                R"("created_time":"2016-07-19T16:26:49.830563Z","status":"Unresolved",)"
                                R"("alert_severity":"40.5","watchlist_id":"11","watchlist_name":"Chrome","feed_id":"-1",)"
                                R"("feed_name":"My Watchlists","ioc_type":"query",)"
                                R"("ioc_attr":"{{\"highlights\": [\"PREPREPREchrome.exePOSTPOSTPOST\"]}}","sensor_id":"9",)"
                                R"("process_id":"00000009-0000-0420-01d1-e1d90eaf1d93","segment_id":"1",)"
                                R"("md5":"028228c7068de998d9251c82e61d13a4","interface_ip":"172.22.5.141",)"
                                R"("event_timestamp":1468945624.954}})",
                                i)};
        default:
            return {"binarystore.file.added", "application/json",
                    fmt::format(R"({{"md5":"33AE1B209D9BE2FC6835B8A35A{:06X}","size":126056,"compressed_size":57682,)"
                                R"("node_id":0,"file_path":"/var/cb/data/modulestore/33A/E1B/33AE1B209D9BE2FC6835B8A35A889CEC.zip",)"
                                R"("event_timestamp":1447697837.504}})",
                                i % 0xFFFFFF)};
    }
}

// 70% raw endpoint events, 30% JSON server events, interleaved.
std::vector<BusMessage> message_mix(std::size_t count) {
    std::mt19937 rng(7);
    std::vector<BusMessage> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        out.push_back(i % 10 < 7 ? raw_event(rng, i) : json_event(i));
    }
    return out;
}

// --- plain rabbitmq-c (filling queues and the bare baseline) ---------------------------------------------------------

class Amqp {
public:
    Amqp(const std::string& host, int port) : conn_(amqp_new_connection()) {
        amqp_socket_t* socket = amqp_tcp_socket_new(conn_);
        if (socket == nullptr || amqp_socket_open(socket, host.c_str(), port) != AMQP_STATUS_OK) {
            throw std::runtime_error(fmt::format("cannot connect to {}:{}", host, port));
        }
        check(amqp_login(conn_, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest"), "login");
        amqp_channel_open(conn_, 1);
        check(amqp_get_rpc_reply(conn_), "channel.open");
    }
    ~Amqp() {
        amqp_channel_close(conn_, 1, AMQP_REPLY_SUCCESS);
        amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);
        amqp_destroy_connection(conn_);
    }
    Amqp(const Amqp&) = delete;
    Amqp& operator=(const Amqp&) = delete;

    amqp_connection_state_t state() const { return conn_; }

    void check(const amqp_rpc_reply_t& reply, const char* what) const {
        if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
            throw std::runtime_error(fmt::format("AMQP {} failed", what));
        }
    }

    // The queue as the cbapi contender declares it: in its shared-durable mode durable, not exclusive, not
    // auto-delete; in its per-process mode not durable, auto-delete (deleted when its last consumer goes, so it
    // survives the filling connection, which never consumes).
    std::uint32_t declare_queue(const std::string& name, bool passive, bool per_process = false) {
        auto* ok = amqp_queue_declare(conn_, 1, amqp_cstring_bytes(name.c_str()), passive ? 1 : 0, per_process ? 0 : 1,
                                      0, per_process ? 1 : 0, amqp_empty_table);
        check(amqp_get_rpc_reply(conn_), "queue.declare");
        return ok->message_count;
    }

    void fill(const std::string& queue, const std::vector<BusMessage>& messages, bool per_process = false) {
        amqp_exchange_declare(conn_, 1, amqp_cstring_bytes("api.events"), amqp_cstring_bytes("topic"), 0, 1, 0, 0,
                              amqp_empty_table);
        check(amqp_get_rpc_reply(conn_), "exchange.declare");
        declare_queue(queue, false, per_process);
        amqp_queue_purge(conn_, 1, amqp_cstring_bytes(queue.c_str()));
        check(amqp_get_rpc_reply(conn_), "queue.purge");
        amqp_queue_bind(conn_, 1, amqp_cstring_bytes(queue.c_str()), amqp_cstring_bytes("api.events"),
                        amqp_cstring_bytes("#"), amqp_empty_table);
        check(amqp_get_rpc_reply(conn_), "queue.bind");
        for (const BusMessage& m : messages) {
            amqp_basic_properties_t props{};
            props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG;
            props.content_type = amqp_cstring_bytes(m.content_type.c_str());
            props.delivery_mode = 1;
            amqp_bytes_t body{m.body.size(), const_cast<char*>(m.body.data())};
            if (amqp_basic_publish(conn_, 1, amqp_cstring_bytes("api.events"), amqp_cstring_bytes(m.routing_key.c_str()),
                                   0, 0, &props, body) != AMQP_STATUS_OK) {
                throw std::runtime_error("basic.publish failed");
            }
        }
        // Publishing is asynchronous: wait until the broker has routed every message into the queue.
        const auto deadline = Clock::now() + std::chrono::seconds(120);
        while (declare_queue(queue, true, per_process) < messages.size()) {
            if (Clock::now() > deadline) {
                throw std::runtime_error("the broker did not queue every message within 120 s");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }

private:
    amqp_connection_state_t conn_;
};

// --- contenders (each runs in a child process) -----------------------------------------------------------------------

// This process's peak resident set (VmHWM of /proc/self/status), in KiB; 0 where unknown.
long peak_rss_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0) {
            return std::strtol(line.c_str() + 6, nullptr, 10);
        }
    }
    return 0;
}

int child_bare(int port, const std::string& queue, std::size_t count) {
    Amqp amqp("127.0.0.1", port);
    amqp_basic_qos(amqp.state(), 1, 0, 1000, 0);
    amqp.check(amqp_get_rpc_reply(amqp.state()), "basic.qos");
    amqp_basic_consume(amqp.state(), 1, amqp_cstring_bytes(queue.c_str()), amqp_empty_bytes, 0, 1, 0, amqp_empty_table);
    amqp.check(amqp_get_rpc_reply(amqp.state()), "basic.consume");
    std::size_t received = 0;
    std::size_t bytes = 0;
    while (received < count) {
        amqp_maybe_release_buffers(amqp.state());
        amqp_envelope_t envelope;
        const amqp_rpc_reply_t reply = amqp_consume_message(amqp.state(), &envelope, nullptr, 0);
        if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
            std::cerr << "bare: consume failed\n";
            return 1;
        }
        bytes += envelope.message.body.len;
        ++received;
        amqp_destroy_envelope(&envelope);
    }
    std::cout << nlohmann::json{{"messages", received}, {"bytes", bytes}, {"peak_rss_kib", peak_rss_kib()}}.dump()
              << std::endl;
    return 0;
}

struct Result {
    std::string name;
    std::size_t messages = 0;
    double wall_s = 0;
    double cpu_s = 0;
    long peak_rss_kib = 0;
    std::string output;
};

// The subscriptions every cbapi contender makes: trivial callbacks on typed views (the decoding is what is measured).
void subscribe(cbapi::events::Registry& registry, const std::function<void()>& count_one, std::atomic<std::size_t>& events) {
    namespace ev = cbapi::events;
    registry.on<ev::WatchlistHit>("watchlist.hit.#", [=](const ev::WatchlistHit&) { count_one(); });
    registry.on<ev::FeedHit>("feed.#", [=](const ev::FeedHit&) { count_one(); });
    registry.on<ev::AlertEvent>("alert.#", [=](const ev::AlertEvent&) { count_one(); });
    registry.on<ev::JsonEvent>("binarystore.#", [=](const ev::JsonEvent&) { count_one(); });
    registry.on<ev::SensorEvent>("ingress.event.*", [=, &events](const ev::SensorEvent&) {
        events.fetch_add(1);
        count_one();
    });
}

// No broker, no threads: the registry's decoding and dispatch alone, in this process (CPU time of this thread).
Result decode_only(const std::vector<BusMessage>& mix) {
    namespace ev = cbapi::events;
    ev::Registry registry;
    std::size_t handled = 0;
    std::atomic<std::size_t> events{0};
    subscribe(registry, [&handled] { ++handled; }, events);
    std::vector<ev::Message> messages;
    messages.reserve(mix.size());
    for (const BusMessage& m : mix) {
        ev::Message message;
        message.routing_key = m.routing_key;
        message.content_type = m.content_type;
        message.body = m.body;
        messages.push_back(std::move(message));
    }
    const auto cpu = [] {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
    };
    const auto start = Clock::now();
    const double cpu_start = cpu();
    for (const ev::Message& message : messages) {
        registry.dispatch(message);
    }
    Result r;
    r.name = "registry alone (no broker)";
    r.cpu_s = cpu() - cpu_start;
    r.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
    r.messages = handled;
    return r;
}

int child_cbapi(int port, const std::string& queue, std::size_t count, bool at_least_once) {
    namespace ev = cbapi::events;
    ev::Registry registry;
    std::atomic<std::size_t> handled{0};
    std::atomic<std::size_t> events{0};
    ev::Consumer* consumer_ptr = nullptr;
    auto count_one = [&] {
        if (handled.fetch_add(1) + 1 == count) {
            consumer_ptr->stop(ev::StopMode::drain);
        }
    };
    subscribe(registry, count_one, events);

    ev::EventBusOptions options;
    options.connection.host = "127.0.0.1";
    options.connection.port = port;
    options.connection.user = "guest";
    options.connection.password = "guest";
    options.queue_mode = at_least_once ? ev::QueueMode::shared_durable : ev::QueueMode::per_process;
    options.queue_name = queue;
    options.prefetch = 1000;
    auto bus = std::make_shared<ev::EventBus>(options);
    ev::Consumer consumer(registry);
    consumer_ptr = &consumer;
    consumer.add(bus);
    consumer.run();
    const auto stats = registry.stats();
    std::cout << nlohmann::json{{"messages", handled.load()}, {"sensor_events", events.load()},
                                {"malformed", stats.malformed}, {"callback_errors", stats.callback_errors},
                                {"peak_rss_kib", peak_rss_kib()}}
                     .dump()
              << std::endl;
    return handled.load() == count && stats.malformed == 0 ? 0 : 1;
}

// --- the parent ------------------------------------------------------------------------------------------------------


Result run_child(const std::string& name, const std::vector<std::string>& argv) {
    int out[2];
    if (pipe(out) != 0) {
        throw std::runtime_error("pipe failed");
    }
    const auto start = Clock::now();
    const pid_t pid = fork();
    if (pid < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        std::vector<char*> args;
        for (const auto& a : argv) {
            args.push_back(const_cast<char*>(a.c_str()));
        }
        args.push_back(nullptr);
        execv(args[0], args.data());
        std::perror("execv");
        _exit(127);
    }
    close(out[1]);
    std::string output;
    char buffer[4096];
    ssize_t n;
    while ((n = read(out[0], buffer, sizeof buffer)) > 0) {
        output.append(buffer, static_cast<std::size_t>(n));
    }
    close(out[0]);
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    Result r;
    r.name = name;
    r.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
    r.cpu_s = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
              static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    r.output = output;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        throw std::runtime_error(fmt::format("{} failed (status {}): {}", name, status, output));
    }
    const auto last_line = output.substr(output.find_last_of('{') == std::string::npos ? 0 : output.rfind('{'));
    const auto parsed = nlohmann::json::parse(last_line, nullptr, false);
    if (parsed.is_discarded() || !parsed.contains("messages")) {
        throw std::runtime_error(fmt::format("{} printed no result: {}", name, output));
    }
    r.messages = parsed.at("messages").get<std::size_t>();
    r.peak_rss_kib = parsed.value("peak_rss_kib", 0L);
    if (r.peak_rss_kib <= 0) {
        throw std::runtime_error(fmt::format("{} reported no peak RSS: {}", name, output));
    }
    return r;
}

std::string self_path() {
    return std::filesystem::read_symlink("/proc/self/exe").string();
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"cbapi-bench-events: consuming the event bus, next to a bare rabbitmq-c loop and a cbapi-python-style consumer"};
    std::size_t count = 100'000;
    std::string python = "/usr/bin/python3";
    bool skip_python = false;
    bool check = false;
    std::string child;
    int port = 0;
    std::string queue;
    app.add_option("--count", count, "Messages per contender")->check(CLI::Range(std::size_t{10}, std::size_t{10'000'000}));
    app.add_option("--python", python, "Python 3 with python3-pika and python3-protobuf (Debian's)");
    app.add_flag("--skip-python", skip_python, "Leave out the Python consumer");
    app.add_flag("--check", check, "Exit non-zero when a target is missed");
    app.add_option("--child", child, "(internal) run one contender")->check(CLI::IsMember({"bare", "cbapi", "cbapi-at-most-once"}));
    app.add_option("--port", port, "(internal)");
    app.add_option("--queue", queue, "(internal)");
    CLI11_PARSE(app, argc, argv);

    try {
        if (child == "bare") {
            return child_bare(port, queue, count);
        }
        if (child == "cbapi" || child == "cbapi-at-most-once") {
            return child_cbapi(port, queue, count, child == "cbapi");
        }

        const auto messages = message_mix(count);
        std::size_t bytes = 0;
        for (const auto& m : messages) {
            bytes += m.body.size();
        }
        std::cerr << fmt::format("==> {} messages ({:.1f} MB; 70% protobuf raw events, 30% JSON hits)\n", count,
                                 static_cast<double>(bytes) / 1e6);
        cbapi::test::RabbitMqBroker broker;
        broker.start();
        std::cerr << fmt::format("==> RabbitMQ on 127.0.0.1:{}\n", broker.port());
        const std::string self = self_path();
        const auto fill = [&](const std::string& q, std::size_t n, bool per_process) {
            Amqp amqp("127.0.0.1", broker.port());
            std::vector<BusMessage> part(messages.begin(), messages.begin() + static_cast<std::ptrdiff_t>(n));
            amqp.fill(q, part, per_process);
        };
        const auto native = [&](const std::string& name, const std::string& mode, std::size_t n) {
            const std::string q = "bench-" + name;
            fill(q, n, mode == "cbapi-at-most-once");
            return run_child(name, {self, "--child", mode, "--port", std::to_string(broker.port()), "--queue", q,
                                    "--count", std::to_string(n)});
        };

        std::vector<Result> results;
        results.push_back(native("bare", "bare", count));
        results.push_back(native("cbapi-at-most-once", "cbapi-at-most-once", count));
        results.push_back(native("cbapi", "cbapi", count));
        const Result small = native("cbapi-tenth", "cbapi", count / 10);
        if (!skip_python) {
            const auto pb_dir = broker.dir() / "pb";
            std::filesystem::create_directories(pb_dir);
            const std::string protoc = fmt::format("{} --python_out={} -I{} {}/sensor_events.proto", CBAPI_BENCH_PROTOC,
                                                   pb_dir.string(), CBAPI_BENCH_PROTO_DIR, CBAPI_BENCH_PROTO_DIR);
            if (std::system(protoc.c_str()) != 0) {
                throw std::runtime_error("protoc --python_out failed: " + protoc);
            }
            fill("bench-python", count, false);
            results.push_back(run_child("python", {python, CBAPI_BENCH_PIKA_CONSUMER, "--port",
                                                   std::to_string(broker.port()), "--queue", "bench-python", "--count",
                                                   std::to_string(count), "--pb-dir", pb_dir.string()}));
        }
        broker.stop();

        const Result& bare = results[0];
        const Result& ours = results[1];  // at-most-once: like the bare loop and the Python consumer
        const Result& acked = results[2];
        std::cout << fmt::format("{:<28} {:>10} {:>12} {:>12} {:>14} {:>12}\n", "contender", "messages", "wall s",
                                 "msg/s", "CPU us/msg", "peak RSS MB");
        const auto row = [&](const Result& r) {
            std::cout << fmt::format("{:<28} {:>10} {:>12.3f} {:>12.0f} {:>14.2f} {:>12.1f}\n", r.name, r.messages,
                                     r.wall_s, static_cast<double>(r.messages) / r.wall_s,
                                     r.cpu_s * 1e6 / static_cast<double>(r.messages),
                                     static_cast<double>(r.peak_rss_kib) / 1024.0);
        };
        for (const auto& r : results) {
            row(r);
        }
        row(small);
        const Result alone = decode_only(messages);
        row(alone);
        bool ok = true;
        const double vs_bare = ours.wall_s / bare.wall_s;
        std::cout << fmt::format("cbapi (at-most-once) wall time / bare loop: {:.2f}x (target <= 1.5x); at-least-once: "
                                 "{:.2f}x\n",
                                 vs_bare, acked.wall_s / bare.wall_s);
        ok = ok && vs_bare <= 1.5;
        if (results.size() > 3) {
            // On one broker the broker's delivery rate bounds every consumer's wall time, so the consumers' capacity is
            // compared by CPU time per message (messages per CPU second), and wall time is shown beside it.
            const Result& py = results[3];
            const double capacity = (py.cpu_s / static_cast<double>(py.messages)) /
                                    (ours.cpu_s / static_cast<double>(ours.messages));
            std::cout << fmt::format("cbapi messages per CPU second / Python consumer's: {:.1f}x (target >= 10x); "
                                     "wall time: {:.2f}x faster\n",
                                     capacity, py.wall_s / ours.wall_s);
            ok = ok && capacity >= 10.0;
        }
        const double rss_growth = static_cast<double>(acked.peak_rss_kib) / static_cast<double>(small.peak_rss_kib);
        std::cout << fmt::format("cbapi peak RSS at {} / at {} messages: {:.2f}x (target <= 1.25x)\n", count,
                                 count / 10, rss_growth);
        ok = ok && rss_growth <= 1.25;
        if (check && !ok) {
            std::cout << "CHECK FAILED: a target is missed\n";
            return 1;
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "cbapi-bench-events: " << e.what() << "\n";
        return 2;
    }
}
