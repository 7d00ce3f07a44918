// The simulator's event bus and the watchlist_automation example against a real RabbitMQ node (started once for the
// program, tests/support/rabbitmq_broker.cpp): the simulator publishes hits in the server's formats, the example
// consumes them from the bus (or from a forwarder file) and acts through the REST API; the tests assert on what the
// simulator received, on what the example printed, and on what a consumer of the bus sees.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "cbapi/events.hpp"
#include "cbapi/events/bus.hpp"
#include "cbapi/logging.hpp"
#include "cbapi/response/api.hpp"
#include "cbapi/testing/simulators.hpp"
#include "support/rabbitmq_broker.hpp"

namespace {

namespace fs = std::filesystem;
namespace ev = cbapi::events;
using nlohmann::json;

// A password full of URL delimiters: it must reach the broker intact and never show in a log or an error.
constexpr const char* bus_user = "cb";
constexpr const char* bus_password = "s3cr@t:pw/x%";
constexpr const char* bus_password_encoded = "s3cr%40t%3Apw%2Fx%25";

std::unique_ptr<cbapi::test::RabbitMqBroker>& broker_slot() {
    static std::unique_ptr<cbapi::test::RabbitMqBroker> broker;
    return broker;
}

cbapi::test::RabbitMqBroker& broker() {
    if (!broker_slot() || !broker_slot()->running()) throw std::runtime_error("the test RabbitMQ broker is not running");
    return *broker_slot();
}

class BrokerEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        try {
            cbapi::test::RabbitMqBrokerOptions options;
            options.users = {cbapi::test::RabbitMqUser{bus_user, bus_password}};
            auto b = std::make_unique<cbapi::test::RabbitMqBroker>(options);
            b->start();
            broker_slot() = std::move(b);
        } catch (const std::exception& e) {
            ADD_FAILURE() << "cannot start the test RabbitMQ broker: " << e.what();
        }
    }
    void TearDown() override { broker_slot().reset(); }
};

[[maybe_unused]] ::testing::Environment* const environment =
    ::testing::AddGlobalTestEnvironment(new BrokerEnvironment);

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

/// A log sink that keeps every line in a string, readable from any thread (under the sink's own mutex).
class StringSink : public spdlog::sinks::base_sink<std::mutex> {
public:
    std::string text() {
        std::lock_guard<std::mutex> lock(mutex_);
        return text_;
    }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t line;
        formatter_->format(msg, line);
        text_.append(line.data(), line.size());
    }
    void flush_() override {}

private:
    std::string text_;
};

/// Replaces the SDK's logger for the test's lifetime, writing into a string.
class CapturedLog {
public:
    CapturedLog() : previous_(cbapi::logger()), sink_(std::make_shared<StringSink>()) {
        cbapi::set_logger(std::make_shared<spdlog::logger>("cbapi", sink_));
        cbapi::set_log_level(spdlog::level::info);
    }
    ~CapturedLog() { cbapi::set_logger(previous_); }
    CapturedLog(const CapturedLog&) = delete;
    CapturedLog& operator=(const CapturedLog&) = delete;
    std::string text() const { return sink_->text(); }

private:
    std::shared_ptr<spdlog::logger> previous_;
    std::shared_ptr<StringSink> sink_;
};

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

fs::path scratch_dir(const std::string& name) {
    const char* tmp = std::getenv("CBAPI_TEST_TMP");
    const fs::path base = tmp != nullptr && *tmp != '\0' ? fs::path(tmp) : fs::temp_directory_path();
    fs::create_directories(base);
    std::string pattern = (base / (name + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return pattern;
}

/// The example as a child process: its working directory, stdout and stderr in files, SIGINT to stop it.
class ExampleProcess {
public:
    ExampleProcess(const fs::path& dir, std::vector<std::string> args) : output_(dir / "example.out") {
        args.insert(args.begin(), CBAPI_WATCHLIST_AUTOMATION);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        const std::string out = output_.string();
        const std::string cwd = dir.string();
        pid_ = ::fork();
        if (pid_ == 0) {
            const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (fd < 0 || ::chdir(cwd.c_str()) != 0) ::_exit(126);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
    }
    ~ExampleProcess() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    ExampleProcess(const ExampleProcess&) = delete;
    ExampleProcess& operator=(const ExampleProcess&) = delete;

    std::string output() const { return read_file(output_); }
    bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(30)) const {
        return eventually([&] { return output().find(text) != std::string::npos; }, timeout);
    }
    /// Ctrl-C, then the exit code (-1 when it did not exit within 20 s or not normally).
    int interrupt() {
        ::kill(pid_, SIGINT);
        int status = 0;
        const bool exited = eventually([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; });
        if (!exited) return -1;
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

private:
    fs::path output_;
    pid_t pid_ = -1;
};

/// Everything a consumer of `api.events` (subscribed to `#`) receives, decoded where the registry can.
class BusRecorder {
public:
    BusRecorder() : consumer_(registry_) {
        registry_.on("#", [this](const ev::Message& m) {
            std::lock_guard<std::mutex> lock(mutex_);
            messages_.push_back(m);
        });
        ev::EventBusOptions options;
        options.connection.host = broker().host();
        options.connection.port = broker().port();
        options.connection.user = bus_user;
        options.connection.password = bus_password;
        options.queue_name = "evsim-recorder";
        bus_ = std::make_shared<ev::EventBus>(options);
        consumer_.add(bus_);
        consumer_.start();
        if (!eventually([&] { return bus_->stats().connections > 0; }))
            throw std::runtime_error("the recording consumer did not connect");
    }
    std::vector<ev::Message> with_key(const std::string& key) const {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<ev::Message> out;
        for (const auto& m : messages_)
            if (m.routing_key == key) out.push_back(m);
        return out;
    }
    // The consumer's threads write messages_: stop them before the members go.
    ~BusRecorder() { consumer_.stop(); }
    BusRecorder(const BusRecorder&) = delete;
    BusRecorder& operator=(const BusRecorder&) = delete;

    std::string keys() const {
        std::lock_guard<std::mutex> lock(mutex_);
        std::string out;
        for (const auto& m : messages_) out += m.routing_key + " " + m.body.substr(0, 200) + "\n";
        return out;
    }
    bool wait_for(const std::string& key, std::size_t count = 1) const {
        return eventually([&] { return with_key(key).size() >= count; });
    }

private:
    ev::Registry registry_;
    ev::Consumer consumer_;
    std::shared_ptr<ev::EventBus> bus_;
    mutable std::mutex mutex_;
    std::vector<ev::Message> messages_;
};

std::string bus_url() {
    return "amqp://" + std::string(bus_user) + ":" + bus_password_encoded + "@" + broker().host() + ":" +
           std::to_string(broker().port());
}

/// A simulator with the event bus on, a credentials profile for the example in a scratch directory, and an API
/// object of the test's own.
class WatchlistAutomation : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = scratch_dir("watchlist-automation");
        cbapi::testing::MockServer::Options options;
        options.token = "TESTTOKEN";
        server_ = std::make_unique<cbapi::testing::MockServer>(options);
        cbapi::testing::SimulatorOptions simulators;
        simulators.response.event_bus = bus_url();
        cbapi::testing::install_simulators(*server_, simulators);
        fs::create_directories(dir_ / ".carbonblack");
        std::ofstream(dir_ / ".carbonblack" / "credentials.response")
            << "[default]\nurl = " << server_->url() << "\ntoken = TESTTOKEN\nallow_http = true\n"
            << "rabbitmq_user = " << bus_user << "\nrabbitmq_pass = " << bus_password
            << "\nrabbitmq_host = " << broker().host() << "\nrabbitmq_port = " << broker().port() << "\n";
        fs::permissions(dir_ / ".carbonblack" / "credentials.response", fs::perms::owner_read | fs::perms::owner_write);
        cbapi::Credentials credentials;
        credentials.url = server_->url();
        credentials.token = "TESTTOKEN";
        credentials.allow_http = true;
        cb_ = std::make_unique<cbapi::response::CbResponseAPI>(credentials);
    }
    void TearDown() override {
        cb_.reset();
        server_.reset();
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }

    /// Creates a watchlist and returns its id.
    std::string create_watchlist(const std::string& name, const std::string& index_type) {
        const json reply = cb_->connection().post_json(
            "/api/v1/watchlist",
            {{"name", name}, {"search_query", "q=process_name:nc.exe"}, {"index_type", index_type}});
        return reply.at("id").is_string() ? reply["id"].get<std::string>() : reply["id"].dump();
    }

    /// Triggers a hit of watchlist `id` on `sensor_id`; returns the simulator's reply (messages, published).
    json trigger_hit(const std::string& id, int sensor_id) {
        return cb_->connection().post_json("/simulator/v1/watchlist/" + id + "/hit", {{"sensor_id", sensor_id}});
    }

    std::vector<cbapi::testing::RecordedRequest> requests(const std::string& method, const std::string& prefix) const {
        std::vector<cbapi::testing::RecordedRequest> out;
        for (const auto& r : server_->requests())
            if (r.method == method && r.path.rfind(prefix, 0) == 0) out.push_back(r);
        return out;
    }

    fs::path dir_;
    std::unique_ptr<cbapi::testing::MockServer> server_;
    std::unique_ptr<cbapi::response::CbResponseAPI> cb_;
};

TEST_F(WatchlistAutomation, BusHitsBanAndIsolateThroughTheRestApi) {
    BusRecorder recorder;
    ExampleProcess example(dir_, {"--profile", "default"});
    ASSERT_TRUE(example.wait_for_output("listening on event bus")) << example.output();
    EXPECT_EQ(example.output().find(bus_password), std::string::npos);

    // BAN: a process hit on sensor 2 → a ban of its process_md5.
    const std::string ban_id = create_watchlist("BAN: netcat", "events");
    const json ban_hit = trigger_hit(ban_id, 2);
    ASSERT_TRUE(ban_hit.value("published", false)) << ban_hit.dump();
    const json& ban_message = ban_hit["messages"][0];
    EXPECT_EQ(ban_message["routing_key"], "watchlist.hit.process");
    const json& ban_doc = ban_message["body"]["docs"][0];
    const std::string md5 = ban_doc["process_md5"].get<std::string>();
    EXPECT_EQ(ban_doc["sensor_id"], 2);
    ASSERT_TRUE(eventually([&] { return !requests("POST", "/api/v1/banning/blacklist").empty(); }))
        << example.output();
    const auto bans = requests("POST", "/api/v1/banning/blacklist");
    ASSERT_EQ(bans.size(), 1u);
    EXPECT_EQ(bans[0].json()["md5hash"], md5);  // lower case, as the bus sends process_md5
    EXPECT_EQ(bans[0].json()["text"], "Auto-Blacklist From Watchlist");
    EXPECT_TRUE(example.wait_for_output("BAN: watchlist 'BAN: netcat': banned " + md5)) << example.output();

    // ISOLATE: a process hit on sensor 3 → the sensor saved with network isolation on.
    const std::string isolate_id = create_watchlist("ISOLATE: netcat", "events");
    ASSERT_TRUE(trigger_hit(isolate_id, 3).value("published", false));
    ASSERT_TRUE(eventually([&] { return !requests("PUT", "/api/v1/sensor/3").empty(); })) << example.output();
    EXPECT_EQ(requests("PUT", "/api/v1/sensor/3")[0].json()["network_isolation_enabled"], true);
    EXPECT_TRUE(example.wait_for_output("ISOLATE: watchlist 'ISOLATE: netcat': isolation requested for sensor 3"))
        << example.output();
    EXPECT_TRUE(requests("PUT", "/api/v1/sensor/2").empty());

    // LOCK: on a binary watchlist: the ban happens, the isolation is an error collected, not a crash.
    const std::string lock_id = create_watchlist("LOCK: new modules", "modules");
    const json lock_hit = trigger_hit(lock_id, 1);
    ASSERT_TRUE(lock_hit.value("published", false)) << lock_hit.dump();
    EXPECT_EQ(lock_hit["messages"][0]["routing_key"], "watchlist.hit.binary");
    const std::string binary_md5 = lock_hit["messages"][0]["body"]["docs"][0]["md5"].get<std::string>();
    EXPECT_FALSE(lock_hit["messages"][0]["body"]["docs"][0].contains("sensor_id"));
    ASSERT_TRUE(eventually([&] { return requests("POST", "/api/v1/banning/blacklist").size() == 2; }));
    EXPECT_EQ(requests("POST", "/api/v1/banning/blacklist")[1].json()["md5hash"], lower(binary_md5));

    // A watchlist without an action prefix: nothing happens.
    const std::string plain_id = create_watchlist("Just watching", "events");
    ASSERT_TRUE(trigger_hit(plain_id, 4).value("published", false));
    EXPECT_TRUE(example.wait_for_output("watchlist 'Just watching': no action prefix, ignored"));

    // LIVERESPONSE: a Live Response session on the sensor of the hit.
    const std::string lr_id = create_watchlist("LIVERESPONSE: collect", "events");
    ASSERT_TRUE(trigger_hit(lr_id, 1).value("published", false));
    EXPECT_TRUE(example.wait_for_output("LIVERESPONSE: watchlist 'LIVERESPONSE: collect': sensor 1 (")) << example.output();
    EXPECT_FALSE(requests("POST", "/api/v1/cblr/session").empty());

    EXPECT_EQ(example.interrupt(), 0);
    const std::string out = example.output();
    EXPECT_NE(out.find("stopped; 1 error(s)"), std::string::npos) << out;
    EXPECT_NE(out.find("binary hit " + binary_md5 + " has no sensor_id to isolate"), std::string::npos) << out;
    EXPECT_EQ(out.find(bus_password), std::string::npos);
    EXPECT_EQ(requests("PUT", "/api/v1/sensor").size(), 1u);

    // What else went over the bus: the alerts of the hits, the bans the example made, in the server's shapes.
    // (The binary's ban may be refused with 409 when the process hash of the first hit is the same file.)
    ASSERT_TRUE(recorder.wait_for("banning.hash.added")) << recorder.keys();
    const json added = json::parse(recorder.with_key("banning.hash.added")[0].body);
    EXPECT_EQ(added["md5hash"], md5);
    EXPECT_EQ(added["text"], "Auto-Blacklist From Watchlist");
    ASSERT_TRUE(recorder.wait_for("alert.watchlist.hit.query.process", 3));
    const auto alert_message = recorder.with_key("alert.watchlist.hit.query.process")[0];
    EXPECT_EQ(alert_message.content_type, "application/json");
    const json alert = json::parse(alert_message.body);
    EXPECT_EQ(alert["watchlist_name"], "BAN: netcat");
    EXPECT_EQ(alert["watchlist_id"], ban_id);  // alerts send numbers as strings
    EXPECT_EQ(alert["sensor_id"], "2");
    EXPECT_EQ(alert["md5"], md5);
    EXPECT_TRUE(alert["event_timestamp"].is_number());
    const json hit = json::parse(recorder.with_key("watchlist.hit.process")[0].body);
    EXPECT_TRUE(hit["watchlist_id"].is_number_integer());
    EXPECT_EQ(hit["docs"][0]["process_md5"], md5);
    ASSERT_TRUE(recorder.wait_for("alert.watchlist.hit.query.binary"));
    // The alert is in the REST alert store too.
    const json alerts = cb_->connection().get_json("/api/v1/alert", {{"q", "watchlist_name:\"BAN: netcat\""}});
    EXPECT_EQ(alerts["total_results"], 1);
}

TEST_F(WatchlistAutomation, ForwarderFileSourceActsLikeTheBus) {
    // The forwarder's records: `type` = routing key, the hit's fields at the top, one doc per record.
    const fs::path file = dir_ / "output.json";
    json process_doc = {{"unique_id", "00000005-0000-0b1c-01d3-112233445566-00000001"}, {"sensor_id", 5},
                        {"hostname", "WIN-FILE-05"}, {"process_name", "nc.exe"},
                        {"process_md5", "0123456789ABCDEF0123456789ABCDEF"}};
    json binary_doc = {{"md5", "FEDCBA9876543210FEDCBA9876543210"}, {"endpoint", "WIN-FILE-05|5"},
                       {"observed_filename", "c:\\temp\\nc.exe"}};
    std::ofstream(file) << json({{"type", "watchlist.hit.process"}, {"watchlist_id", 9}, {"watchlist_name", "BAN: file"},
                                 {"timestamp", 1447698003.24}, {"cb_server", "cbserver"}, {"docs", {process_doc}}})
                               .dump()
                        << "\n"
                        << "not json at all\n"
                        << json({{"type", "watchlist.hit.binary"}, {"watchlist_id", 10},
                                 {"watchlist_name", "ISOLATE: file binaries"}, {"timestamp", 1447698004.15},
                                 {"cb_server", "cbserver"}, {"docs", {binary_doc}}})
                               .dump()
                        << "\n";
    ExampleProcess example(dir_, {"--file", file.string()});
    ASSERT_TRUE(example.wait_for_output("BAN: watchlist 'BAN: file': banned 0123456789ABCDEF0123456789ABCDEF"))
        << example.output();
    ASSERT_EQ(requests("POST", "/api/v1/banning/blacklist").size(), 1u);
    EXPECT_EQ(requests("POST", "/api/v1/banning/blacklist")[0].json()["md5hash"], "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(example.interrupt(), 0);
    const std::string out = example.output();
    EXPECT_NE(out.find("stopped; 1 error(s), 1 skipped input(s)"), std::string::npos) << out;
    EXPECT_NE(out.find("has no sensor_id to isolate"), std::string::npos) << out;
    EXPECT_TRUE(requests("PUT", "/api/v1/sensor").empty());
}

TEST_F(WatchlistAutomation, SimulatorPublishesProcessStartsAsProtobuf) {
    BusRecorder recorder;
    const json reply = cb_->connection().post_json("/simulator/v1/procstart", {{"sensor_id", 1}});
    ASSERT_TRUE(reply.value("published", false)) << reply.dump();
    ASSERT_TRUE(recorder.wait_for("ingress.event.procstart"));
    const ev::Message message = recorder.with_key("ingress.event.procstart")[0];
    EXPECT_EQ(message.content_type, "application/protobuf");
    ev::Registry registry;
    std::vector<ev::SensorEvent> events;
    registry.on<ev::SensorEvent>("ingress.event.*", [&](const ev::SensorEvent& e) { events.push_back(e); });
    registry.dispatch(message);
    ASSERT_EQ(events.size(), 1u) << (registry.errors().empty() ? "" : registry.errors()[0].what);
    const json& sent = reply["messages"][0]["body"];
    EXPECT_EQ(events[0].header.sensor_id, 1);
    EXPECT_EQ(events[0].header.pid, sent["process_pid"].get<int>());
    // The GUID computed from sensor id, pid and create time is the one the REST API uses for the process.
    EXPECT_EQ(events[0].header.process_guid, sent["process_guid"]);
    const auto& process = std::get<ev::ProcessEvent>(events[0].payload);
    EXPECT_TRUE(process.created);
    EXPECT_EQ(process.path, sent["path"]);
    const json rest = cb_->connection().get_json("/api/v1/process", {{"q", "process_pid:" + sent["process_pid"].dump() +
                                                                               " sensor_id:1"}});
    ASSERT_GE(rest["results"].size(), 1u);
    EXPECT_EQ(rest["results"][0]["id"], sent["process_guid"]);
}

TEST_F(WatchlistAutomation, SimulatorPublishesFeedHitsWithTheFeedIdInTheRoutingKey) {
    BusRecorder recorder;
    const json reply = cb_->connection().post_json("/simulator/v1/feed/2/hit", {{"sensor_id", 4}, {"count", 2}});
    ASSERT_TRUE(reply.value("published", false)) << reply.dump();
    ASSERT_TRUE(recorder.wait_for("feed.2.ingress.hit.process", 2)) << recorder.keys();
    const json hit = json::parse(recorder.with_key("feed.2.ingress.hit.process")[0].body);
    EXPECT_EQ(hit["feed_id"], 2);
    EXPECT_EQ(hit["sensor_id"], 4);
    EXPECT_FALSE(hit["ioc_value"].get<std::string>().empty());
    EXPECT_TRUE(hit["ioc_attr"].is_object());
    ASSERT_TRUE(recorder.wait_for("alert.watchlist.hit.ingress.process", 2));
    const json alert = json::parse(recorder.with_key("alert.watchlist.hit.ingress.process")[0].body);
    EXPECT_EQ(alert["feed_id"], "2");
    EXPECT_TRUE(alert["ioc_attr"].is_string());  // JSON text, as the server sends it
    const json binary = cb_->connection().post_json("/simulator/v1/feed/1/hit", {{"binary", true}});
    ASSERT_TRUE(binary.value("published", false)) << binary.dump();
    EXPECT_EQ(binary["messages"][0]["routing_key"], "feed.1.ingress.hit.binary");
    EXPECT_THROW(cb_->connection().post_json("/simulator/v1/feed/1/hit", {{"binary", "yes"}}), cbapi::HttpError);
    EXPECT_THROW(cb_->connection().post_json("/simulator/v1/watchlist/1/hit", {{"count", 0}}), cbapi::HttpError);
    EXPECT_THROW(cb_->connection().post_json("/simulator/v1/watchlist/999/hit", json::object()), cbapi::ObjectNotFoundError);
}

TEST_F(WatchlistAutomation, BrokerGoneTheSimulatorKeepsServingAndPublishesLater) {
    CapturedLog log;
    cbapi::test::RabbitMqBroker& node = broker();
    node.stop();
    const json reply = cb_->connection().post_json("/simulator/v1/watchlist/1/hit", json::object());
    EXPECT_FALSE(reply.value("published", true));
    // HTTP goes on: the REST API answers while the bus is away.
    EXPECT_EQ(cb_->connection().get_json("/api/info")["version"].get<std::string>().substr(0, 3), "6.1");
    const json waiting = cb_->connection().get_json("/simulator/v1/event_bus");
    EXPECT_GE(waiting["waiting"].get<int>(), 1);
    EXPECT_GE(waiting["failures"].get<int>(), 1);
    node.start();
    EXPECT_TRUE(eventually(
        [&] { return cb_->connection().get_json("/simulator/v1/event_bus")["waiting"].get<int>() == 0; },
        std::chrono::seconds(30)));
    const json after = cb_->connection().get_json("/simulator/v1/event_bus");
    EXPECT_EQ(after["published"], after["queued"]);
    EXPECT_EQ(after["dropped"], 0);
    const std::string text = log.text();
    EXPECT_NE(text.find("cannot publish"), std::string::npos) << text;
    EXPECT_NE(text.find("publishing again"), std::string::npos) << text;
    EXPECT_EQ(text.find(bus_password), std::string::npos) << text;
    EXPECT_EQ(text.find(bus_password_encoded), std::string::npos) << text;
}

TEST(SimulatorEventBusOptions, BadUrlsAreRefusedWithoutThePassword) {
    for (const std::string url : {"http://cb:topsecret@127.0.0.1:5672", "amqp://cb:topsecret@127.0.0.1:notaport",
                                  "amqp://cb:topsecret@:5672", "amqp://cb@127.0.0.1:5672"}) {
        cbapi::testing::MockServer server;
        cbapi::testing::SimulatorOptions options;
        options.response.event_bus = url;
        try {
            cbapi::testing::install_simulators(server, options);
            ADD_FAILURE() << "accepted " << url;
        } catch (const std::invalid_argument& e) {
            EXPECT_EQ(std::string(e.what()).find("topsecret"), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("event bus URL"), std::string::npos) << e.what();
        }
    }
}

TEST(SimulatorEventBusOptions, TriggersNeedTheEventBus) {
    cbapi::testing::MockServer::Options options;
    options.token = "T";
    cbapi::testing::MockServer server(options);
    cbapi::testing::install_simulators(server);
    cbapi::Credentials credentials;
    credentials.url = server.url();
    credentials.token = "T";
    credentials.allow_http = true;
    const cbapi::response::CbResponseAPI cb(credentials);
    try {
        cb.connection().post_json("/simulator/v1/watchlist/1/hit", json::object());
        ADD_FAILURE() << "a trigger without an event bus succeeded";
    } catch (const cbapi::ServerError& e) {
        EXPECT_EQ(e.status(), 409);
        EXPECT_NE(std::string(e.what()).find("without an event bus"), std::string::npos) << e.what();
    }
}

}  // namespace
