// The event examples run as programs against real services the test program starts: a RabbitMQ node (once per
// program), s3rver (once, on first use) and the Cb Response simulator (per test). The tests publish bus messages with
// EventBusPublisher, write forwarder files, POST to the listener's HTTP receiver and upload forwarder objects, then
// check what the example printed and what the simulator received (the ban POSTs, the Live Response registry query).
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/curl_transport.hpp"
#include "cbapi/events/bus.hpp"
#include "cbapi/testing/mock_server.hpp"
#include "cbapi/testing/simulators.hpp"
#include "events/s3_client.hpp"
#include "events_examples_ex/example_process.hpp"
#include "sensor_events.pb.h"
#include "support/gzip.hpp"
#include "support/rabbitmq_broker.hpp"
#include "support/s3rver_server.hpp"

namespace {

namespace fs = std::filesystem;
namespace ev = cbapi::events;
namespace pb = cbapi::events::pb;
using cbapi::test::ExampleProcess;
using nlohmann::json;

// --- the broker: one node for the whole program ---------------------------------------------------------------------

std::unique_ptr<cbapi::test::RabbitMqBroker>& broker_slot() {
    static std::unique_ptr<cbapi::test::RabbitMqBroker> slot;
    return slot;
}

class BrokerEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        try {
            auto broker = std::make_unique<cbapi::test::RabbitMqBroker>();
            broker->start();
            broker_slot() = std::move(broker);
        } catch (const std::exception& e) {
            ADD_FAILURE() << "cannot start the test RabbitMQ broker: " << e.what();
        }
    }
    void TearDown() override { broker_slot().reset(); }
};

[[maybe_unused]] ::testing::Environment* const broker_environment =
    ::testing::AddGlobalTestEnvironment(new BrokerEnvironment);

cbapi::test::RabbitMqBroker& broker() {
    if (!broker_slot()) throw std::runtime_error("the test RabbitMQ broker is not running");
    return *broker_slot();
}

ev::BusConnectionOptions guest() {
    ev::BusConnectionOptions options;
    options.host = broker().host();
    options.port = broker().port();
    options.user = "guest";
    options.password = "guest";
    options.connect_timeout = std::chrono::seconds(5);
    return options;
}

void publish(ev::EventBusPublisher& publisher, const std::string& key, const std::string& body,
             const std::string& content_type) {
    ev::Message message;
    message.routing_key = key;
    message.body = body;
    message.content_type = content_type;
    publisher.publish(message);
}

// --- payloads ------------------------------------------------------------------------------------------------------

std::string regmod_event(int sensor_id, const std::string& host, pb::CbRegModMsg::CbRegModAction action,
                         const std::string& path) {
    pb::CbEventMsg msg;
    auto* header = msg.mutable_header();
    header->set_version(4);
    header->set_timestamp(130921712664934800);
    header->set_process_pid(1156);
    header->set_process_create_time(130921708775377538);
    msg.mutable_regmod()->set_action(action);
    msg.mutable_regmod()->set_utf8_regpath(path);
    msg.mutable_env()->mutable_endpoint()->set_sensorid(sensor_id);
    msg.mutable_env()->mutable_endpoint()->set_sensorhostname(host);
    std::string out;
    msg.SerializeToString(&out);
    return out;
}

json process_hit(const std::string& watchlist, const std::vector<std::string>& md5s) {
    json docs = json::array();
    for (const auto& md5 : md5s) docs.push_back({{"sensor_id", 7}, {"hostname", "WIN-1"}, {"process_md5", md5}});
    return {{"type", "watchlist.hit.process"}, {"cb_server", "cbserver"}, {"watchlist_name", watchlist},
            {"watchlist_id", 2}, {"timestamp", 1447698003.24}, {"docs", docs}};
}

json binary_hit(const std::string& watchlist, const std::string& md5) {
    return {{"type", "watchlist.hit.binary"},
            {"cb_server", "cbserver"},
            {"watchlist_name", watchlist},
            {"watchlist_id", 3},
            {"docs", json::array({{{"md5", md5}, {"endpoint", json::array({"WIN-1|7"})}}})}};
}

std::string gzip(const std::string& data) { return cbapi::test::gzip_compress(data); }

std::string lines(const std::vector<std::string>& records) {
    std::string out;
    for (const auto& r : records) out += r + "\n";
    return out;
}

const cbapi::testing::SimulatedHost& windows_host() {
    static const auto hosts = cbapi::testing::simulated_hosts({});
    for (const auto& h : hosts)
        if (h.os_type == "windows") return h;
    throw std::runtime_error("no Windows host in the simulator");
}

// --- the fixture ---------------------------------------------------------------------------------------------------

class EventExamples : public ::testing::Test {
protected:
    void SetUp() override {
        const char* tmp = std::getenv("CBAPI_TEST_TMP");
        const fs::path base = tmp != nullptr && *tmp != '\0' ? fs::path(tmp) : fs::temp_directory_path();
        fs::create_directories(base);
        std::string pattern = (base / "event-examples-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir = pattern;
        server = std::make_unique<cbapi::testing::MockServer>();
        cbapi::testing::install_simulators(*server);
    }
    void TearDown() override {
        server.reset();
        std::error_code ignored;
        fs::remove_all(dir, ignored);
    }

    /// `$HOME/.carbonblack/credentials.response` (mode 0600) with the simulator and, when `with_bus`, the broker.
    void write_profile(bool with_bus, const std::string& more = {}) {
        fs::create_directories(dir / ".carbonblack");
        std::string text = "[default]\nurl = " + server->url() + "\ntoken = " + server->token() + "\n" + more;
        if (with_bus)
            text += "rabbitmq_user = guest\nrabbitmq_pass = guest\nrabbitmq_host = " + broker().host() +
                    "\nrabbitmq_port = " + std::to_string(broker().port()) + "\n";
        const fs::path file = dir / ".carbonblack" / "credentials.response";
        std::ofstream(file) << text;
        fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
    }

    std::unique_ptr<ExampleProcess> start(const std::string& program, std::vector<std::string> args,
                                          std::map<std::string, std::optional<std::string>> env = {},
                                          std::size_t stdout_line_limit = 0) {
        args.insert(args.begin(), std::string(CBAPI_EXAMPLES_DIR) + "/" + program);
        env.emplace("HOME", dir.string());
        env.emplace("CBAPI_ALLOW_HTTP", "1");  // the simulator speaks plain http:// on loopback
        for (const char* name : {"CBAPI_URL", "CBAPI_TOKEN", "CBAPI_PROFILE", "AWS_ACCESS_KEY_ID",
                                 "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION",
                                 "AWS_SHARED_CREDENTIALS_FILE"})
            env.emplace(name, std::nullopt);
        return std::make_unique<ExampleProcess>(std::move(args), env, dir, stdout_line_limit);
    }

    std::vector<cbapi::testing::RecordedRequest> requests(const std::string& method, const std::string& path_regex) {
        std::vector<cbapi::testing::RecordedRequest> out;
        const std::regex re(path_regex);
        for (const auto& r : server->requests())
            if (r.method == method && std::regex_match(r.path, re)) out.push_back(r);
        return out;
    }

    fs::path dir;
    std::unique_ptr<cbapi::testing::MockServer> server;
};

std::vector<json> parse_lines(const std::vector<std::string>& text) {
    std::vector<json> out;
    for (const auto& line : text) out.push_back(json::parse(line));
    return out;
}

// --- event_listener ------------------------------------------------------------------------------------------------

TEST_F(EventExamples, ListenerPrintsChosenBusKeysAsJsonLinesAndSkipsBadMessages) {
    write_profile(true);
    auto listener = start("event_listener", {"--bus", "-k", "watchlist.hit.#", "-k", "ingress.event.regmod",
                                             "-k", "watchlist.#", "--count", "3"});
    ASSERT_TRUE(listener->wait_for_stderr("listening on event bus")) << listener->err();

    ev::EventBusPublisher publisher(guest());
    publish(publisher, "watchlist.hit.process", process_hit("Suspicious", {"445c3e95c8cb05403aedaec3baaa3a1d"}).dump(),
            "application/json");
    publish(publisher, "watchlist.hit.binary", "{\"docs\": [", "application/json");          // malformed JSON
    publish(publisher, "feed.24.ingress.hit.process", "{\"feed_id\": 24}", "application/json");  // not chosen
    publish(publisher, "ingress.event.regmod", std::string("\x0a\x05\x08", 3), "application/protobuf");  // truncated
    publish(publisher, "ingress.event.regmod",
            regmod_event(7, "WIN-OTEMNUTBS23", pb::CbRegModMsg::actionRegModWriteValue,
                         "\\registry\\user\\s-1-5-21-1\\software\\stillalive"),
            "application/protobuf");
    publish(publisher, "watchlist.storage.hit.process", R"({"watchlist_name":"W","docs":[]})", "application/json");

    ASSERT_EQ(listener->wait(), 0) << listener->err();
    const auto out = parse_lines(listener->out_lines());
    ASSERT_EQ(out.size(), 3U) << listener->out();
    EXPECT_EQ(out[0]["routing_key"], "watchlist.hit.process");
    EXPECT_EQ(out[0]["source"], "bus");
    EXPECT_EQ(out[0]["content_type"], "application/json");
    EXPECT_EQ(out[0]["message"]["docs"][0]["process_md5"], "445c3e95c8cb05403aedaec3baaa3a1d");
    EXPECT_TRUE(std::regex_match(out[0]["timestamp"].get<std::string>(),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
    EXPECT_EQ(out[1]["routing_key"], "ingress.event.regmod");
    EXPECT_EQ(out[1]["message"]["header"]["sensor_id"], 7);
    EXPECT_EQ(out[1]["message"]["header"]["computer_name"], "WIN-OTEMNUTBS23");
    EXPECT_EQ(out[1]["message"]["regmod"]["action"], "writeval");
    EXPECT_EQ(out[1]["message"]["regmod"]["path"], "\\registry\\user\\s-1-5-21-1\\software\\stillalive");
    // Matched by two patterns, printed once.
    EXPECT_EQ(out[2]["routing_key"], "watchlist.storage.hit.process");
    const std::string err = listener->err();
    EXPECT_NE(err.find("skipped watchlist.hit.binary"), std::string::npos) << err;
    EXPECT_NE(err.find("skipped ingress.event.regmod"), std::string::npos) << err;
    EXPECT_NE(err.find("3 printed, 5 received, 2 unreadable"), std::string::npos) << err;
    EXPECT_EQ(err.find(":guest@"), std::string::npos) << err;  // the user shows, never the password
}

TEST_F(EventExamples, ListenerFollowsAForwarderFileAndCtrlCPrintsTheCounts) {
    const fs::path file = dir / "event_bridge_output.json";
    std::ofstream(file) << json{{"type", "watchlist.hit.process"}, {"old", true}}.dump() << "\n";
    auto listener = start("event_listener", {"--file", file.string(), "-k", "watchlist.hit.*"});
    ASSERT_TRUE(listener->wait_for_stderr("following")) << listener->err();
    {
        std::ofstream append(file, std::ios::app);
        append << json{{"type", "watchlist.hit.binary"}, {"n", 1}}.dump() << "\n"
               << "{\"type\": \"watchlist.hit.process\", truncated\n"
               << json{{"type", "alert.watchlist.hit.query.process"}, {"n", 2}}.dump() << "\n"
               << json{{"type", "watchlist.hit.process"}, {"n", 3}}.dump() << "\n";
    }
    ASSERT_TRUE(listener->wait_for_stdout_lines(2)) << listener->out() << listener->err();
    ASSERT_TRUE(listener->wait_for_stderr("line skipped")) << listener->err();
    listener->signal(SIGINT);
    ASSERT_EQ(listener->wait(), 0) << listener->err();
    const auto out = parse_lines(listener->out_lines());
    ASSERT_EQ(out.size(), 2U) << listener->out();  // the record from before the start is not replayed
    EXPECT_EQ(out[0]["message"]["n"], 1);
    EXPECT_EQ(out[0]["source"], "file");
    EXPECT_EQ(out[0]["origin"], file.string() + " line 2");
    EXPECT_EQ(out[1]["message"]["n"], 3);
    EXPECT_NE(listener->err().find("2 printed, 3 received, 0 unreadable, 1 skipped by the source"), std::string::npos)
        << listener->err();
}

TEST_F(EventExamples, ListenerStopsQuietlyWhenStdoutIsClosed) {
    // More than a pipe holds, so the listener's writes fail once the reader has gone (`event_listener ... | head -1`).
    const fs::path file = dir / "big.json";
    {
        std::ofstream out(file);
        for (int i = 0; i < 3000; ++i)
            out << json{{"type", "watchlist.hit.process"}, {"n", i}, {"pad", std::string(200, 'x')}}.dump() << "\n";
    }
    auto listener = start("event_listener", {"--file", file.string(), "--from-start"}, {}, 1);
    EXPECT_EQ(listener->wait(), 0) << listener->err();
    const std::string err = listener->err();
    EXPECT_EQ(err.find("error"), std::string::npos) << err;
    EXPECT_EQ(err.find("printed"), std::string::npos) << err;  // no counts either: it was told to go away
}

TEST_F(EventExamples, ListenerReceivesForwarderHttpPosts) {
    auto listener = start("event_listener", {"--http", "http://127.0.0.1:0/cb", "--count", "2"});
    ASSERT_TRUE(listener->wait_for_stderr("listening on http://127.0.0.1:")) << listener->err();
    std::smatch port;
    const std::string err = listener->err();
    ASSERT_TRUE(std::regex_search(err, port, std::regex(R"(127\.0\.0\.1:(\d+)/cb)")));
    httplib::Client client("127.0.0.1", std::stoi(port[1]));
    const std::string envelope =
        "{\"filename\": \"/var/cb/data/event-forwarder/event-forwarder.2017-11-07T12:00:00.000\","
        " \"service\": \"carbonblack\", \"alerts\":[" +
        json{{"type", "feed.ingress.hit.process"}, {"n", 1}}.dump() + "\n, " +
        json{{"type", "binarystore.file.added"}, {"n", 2}}.dump() + "]}";
    const auto bad = client.Post("/cb", "this is not JSON", "application/json");
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400);
    const auto good = client.Post("/cb", envelope, "application/json");
    ASSERT_TRUE(good);
    EXPECT_EQ(good->status, 200);
    ASSERT_EQ(listener->wait(), 0) << listener->err();
    const auto out = parse_lines(listener->out_lines());
    ASSERT_EQ(out.size(), 2U);
    EXPECT_EQ(out[0]["routing_key"], "feed.ingress.hit.process");
    EXPECT_EQ(out[0]["source"], "http");
    EXPECT_EQ(out[1]["message"]["n"], 2);
    EXPECT_NE(listener->err().find("1 skipped by the source"), std::string::npos) << listener->err();
}

// --- S3 helpers ----------------------------------------------------------------------------------------------------

class S3Bucket {
public:
    S3Bucket() {
        static std::atomic<int> counter{0};
        name = "cb-ex-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
        cbapi::events::detail::S3Settings s;
        s.bucket = name;
        s.endpoint = cbapi::test::S3rverServer::shared().url();
        s.access_key_id = cbapi::test::S3rverServer::access_key_id;
        s.secret_access_key = cbapi::test::S3rverServer::secret_access_key;
        client = std::make_unique<cbapi::events::detail::S3Client>(s, cbapi::make_curl_transport({}));
        client->create_bucket();
    }
    void put(const std::string& key, const std::string& body) { client->put_object(key, body); }

    std::string name;
    std::unique_ptr<cbapi::events::detail::S3Client> client;
};

std::map<std::string, std::optional<std::string>> s3rver_keys() {
    return {{"AWS_ACCESS_KEY_ID", std::string(cbapi::test::S3rverServer::access_key_id)},
            {"AWS_SECRET_ACCESS_KEY", std::string(cbapi::test::S3rverServer::secret_access_key)}};
}

TEST_F(EventExamples, ListenerReadsAnS3BucketOnceAndReportsObjectsThatAreNotForwarderOutput) {
    S3Bucket bucket;
    bucket.put("cbprefix/event-forwarder.2017-11-07T12:00:00.000",
               lines({json{{"type", "watchlist.hit.process"}, {"n", 1}}.dump(), "garbage line"}));
    bucket.put("cbprefix/event-forwarder.2017-11-07T12:05:00.000.gz",
               gzip(lines({json{{"type", "ingress.event.netconn"}, {"n", 2}}.dump()})));
    bucket.put("cbprefix/notes.bin", std::string("\x00\x01\x02\xff binary", 11));
    // The key pair from the Cb profile's aws_* keys (the other examples' tests take it from AWS_* and -a).
    write_profile(false, std::string("aws_access_key_id = ") + cbapi::test::S3rverServer::access_key_id +
                             "\naws_secret_access_key = " + cbapi::test::S3rverServer::secret_access_key + "\n");
    auto listener = start("event_listener", {"--s3", bucket.name + "/cbprefix", "--endpoint-url",
                                             cbapi::test::S3rverServer::shared().url(), "--once"});
    ASSERT_EQ(listener->wait(), 0) << listener->err();
    const auto out = parse_lines(listener->out_lines());
    ASSERT_EQ(out.size(), 2U) << listener->out() << listener->err();
    EXPECT_EQ(out[0]["message"]["n"], 1);
    EXPECT_EQ(out[0]["source"], "s3");
    EXPECT_EQ(out[1]["routing_key"], "ingress.event.netconn");
    EXPECT_EQ(out[1]["origin"], "s3://" + bucket.name + "/cbprefix/event-forwarder.2017-11-07T12:05:00.000.gz line 1");
    EXPECT_NE(listener->err().find("2 printed, 2 received, 0 unreadable, 2 skipped by the source"), std::string::npos)
        << listener->err();
    EXPECT_EQ(listener->err().find(cbapi::test::S3rverServer::secret_access_key + std::string("@")),
              std::string::npos);
}

// --- get_reg_autoruns ----------------------------------------------------------------------------------------------

TEST_F(EventExamples, RegAutorunsReadsTheNewValueOfAnAutorunKeyWithLiveResponse) {
    write_profile(true);
    const auto& host = windows_host();
    auto watcher = start("get_reg_autoruns", {"--count", "2", "--poll-interval", "0.01"});
    ASSERT_TRUE(watcher->wait_for_stderr("listening on event bus")) << watcher->err();
    ev::EventBusPublisher publisher(guest());
    // Not an autorun location; then unreadable bytes; then two autorun changes (one per hive).
    publish(publisher, "ingress.event.regmod",
            regmod_event(host.sensor_id, host.hostname, pb::CbRegModMsg::actionRegModWriteValue,
                         "\\registry\\machine\\software\\classes\\.txt\\content type"),
            "application/protobuf");
    publish(publisher, "ingress.event.regmod", std::string("\x0a\xff\xff", 3), "application/protobuf");
    publish(publisher, "ingress.event.regmod",
            regmod_event(host.sensor_id, host.hostname, pb::CbRegModMsg::actionRegModWriteValue,
                         "\\REGISTRY\\MACHINE\\software\\microsoft\\windows\\currentversion\\run\\securityhealth"),
            "application/protobuf");
    publish(publisher, "ingress.event.regmod",
            regmod_event(host.sensor_id, host.hostname, pb::CbRegModMsg::actionRegModDeleteValue,
                         "\\registry\\user\\s-1-5-21-42\\software\\microsoft\\windows\\currentversion\\runonce\\x"),
            "application/protobuf");
    ASSERT_EQ(watcher->wait(), 0) << watcher->err();
    const auto out = watcher->out_lines();
    ASSERT_EQ(out.size(), 2U) << watcher->out() << watcher->err();
    EXPECT_EQ(out[0], host.hostname +
                          ": writeval HKLM\\software\\microsoft\\windows\\currentversion\\run\\securityhealth = "
                          "%windir%\\system32\\SecurityHealthSystray.exe (REG_EXPAND_SZ)");
    EXPECT_EQ(out[1], host.hostname +
                          ": delval HKEY_USERS\\s-1-5-21-42\\software\\microsoft\\windows\\currentversion\\runonce\\x");
    // The simulator received one Live Response registry query, for the translated path, on that sensor.
    int queries = 0;
    for (const auto& r : requests("POST", "/api/v1/cblr/session/[0-9]+/command")) {
        const json body = json::parse(r.body);
        if (body.value("name", "") != "reg query value") continue;
        ++queries;
        EXPECT_EQ(body.value("object", ""), "HKLM\\software\\microsoft\\windows\\currentversion\\run\\securityhealth");
    }
    EXPECT_EQ(queries, 1);
    const auto sessions = requests("POST", "/api/v1/cblr/session");
    ASSERT_EQ(sessions.size(), 1U);
    EXPECT_EQ(json::parse(sessions[0].body).value("sensor_id", 0), host.sensor_id);
    EXPECT_NE(watcher->err().find("unreadable event"), std::string::npos) << watcher->err();
    EXPECT_NE(watcher->err().find("3 regmods, 2 autorun modifications reported, 1 errors"), std::string::npos)
        << watcher->err();
}

TEST_F(EventExamples, RegAutorunsReadsForwarderRegmodRecordsFromAFile) {
    write_profile(false);
    const auto& host = windows_host();
    const fs::path file = dir / "out.json";
    std::ofstream(file).flush();
    auto watcher = start("get_reg_autoruns", {"--file", file.string(), "--count", "1", "--poll-interval", "0.01"});
    ASSERT_TRUE(watcher->wait_for_stderr("following")) << watcher->err();
    {
        std::ofstream append(file, std::ios::app);
        append << json{{"type", "ingress.event.regmod"}, {"action", "writeval"}, {"cb_server", "cbserver"}}.dump()
               << "\n"
               << json{{"type", "ingress.event.regmod"},
                       {"event_type", "regmod"},
                       {"action", "writeval"},
                       {"path", "\\registry\\machine\\software\\microsoft\\windows\\currentversion\\run\\onedrive"},
                       {"sensor_id", host.sensor_id},
                       {"computer_name", host.hostname},
                       {"cb_server", "cbserver"}}
                      .dump()
               << "\n";
    }
    ASSERT_EQ(watcher->wait(), 0) << watcher->err();
    const auto out = watcher->out_lines();
    ASSERT_EQ(out.size(), 1U) << watcher->err();
    EXPECT_EQ(out[0], host.hostname + ": writeval HKLM\\software\\microsoft\\windows\\currentversion\\run\\onedrive = "
                                      "C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe /background (REG_SZ)");
    EXPECT_NE(watcher->err().find("regmod record without sensor_id or path"), std::string::npos) << watcher->err();
}

// --- s3-watchlist-ban ----------------------------------------------------------------------------------------------

std::vector<std::string> banned_md5s(const std::vector<cbapi::testing::RecordedRequest>& posts) {
    std::vector<std::string> out;
    for (const auto& r : posts) out.push_back(json::parse(r.body).value("md5hash", ""));
    return out;
}

TEST_F(EventExamples, S3WatchlistBanBansProcessAndBinaryHitsOnceAcrossRuns) {
    write_profile(false);
    S3Bucket bucket;
    const std::string p1 = "445c3e95c8cb05403aedaec3baaa3a1d", b1 = "2C354FA91EF605007FD11BB89EED2266";
    bucket.put("cbprefix/event-forwarder.2017-11-07T12:00:00.000.gz",
               gzip(lines({process_hit("SUSPICIOUS Stuff", {p1}).dump(),
                           process_hit("Other watchlist", {"00000000000000000000000000000001"}).dump(),
                           process_hit("suspicious stuff", {}).dump(),  // no docs: counted, skipped
                           "{\"type\": \"watchlist.hit.process\", oops",  // malformed line
                           binary_hit("Suspicious Stuff", b1).dump()})));
    bucket.put("cbprefix/event-forwarder.2017-11-07T12:05:00.000", "PK\x03\x04 not forwarder output\x01\x02");
    const std::vector<std::string> args = {"-w", "Suspicious Stuff", "-b", bucket.name, "--prefix", "cbprefix",
                                           "--endpoint-url", cbapi::test::S3rverServer::shared().url()};
    {
        auto run = start("s3-watchlist-ban", args, s3rver_keys());
        ASSERT_EQ(run->wait(), 0) << run->out() << run->err();
        EXPECT_EQ(banned_md5s(requests("POST", "/api/v1/banning/blacklist")),
                  (std::vector<std::string>{p1, "2c354fa91ef605007fd11bb89eed2266"}));
        const std::string err = run->err();
        EXPECT_NE(err.find("hits of the watchlist, 2 hashes banned, 0 already banned, 1 hits unusable"),
                  std::string::npos)
            << err;
        EXPECT_NE(err.find("the hit has no docs"), std::string::npos) << err;
        EXPECT_NE(err.find("2 skipped by the reader"), std::string::npos) << err;  // the bad line, the bad object
        EXPECT_TRUE(fs::exists(dir / "s3-watchlist-ban.checkpoint"));
    }
    // A restart reads only the new object: nothing is banned twice.
    server->clear_requests();
    const std::string p2 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    bucket.put("cbprefix/event-forwarder.2017-11-07T12:10:00.000",
               lines({process_hit("Suspicious Stuff", {p2}).dump()}));
    {
        auto run = start("s3-watchlist-ban", args, s3rver_keys());
        ASSERT_EQ(run->wait(), 0) << run->err();
        EXPECT_EQ(banned_md5s(requests("POST", "/api/v1/banning/blacklist")), (std::vector<std::string>{p2}));
        EXPECT_NE(run->err().find("1 records read"), std::string::npos) << run->err();
    }
}

TEST_F(EventExamples, S3WatchlistBanRetriesAHitWhoseBanCouldNotBeSent) {
    write_profile(false);
    S3Bucket bucket;
    const std::string md5 = "cccccccccccccccccccccccccccccccc";
    bucket.put("event-forwarder.2017-11-07T12:00:00.000",
               lines({process_hit("W", {md5}).dump(), json{{"type", "feed.storage.hit.process"}}.dump()}));
    const std::vector<std::string> args = {"-w", "w", "-b", bucket.name, "--endpoint-url",
                                           cbapi::test::S3rverServer::shared().url()};
    cbapi::testing::FaultOptions faults;  // every POST (the ban) fails; reads work
    faults.error_rate = 1.0;
    faults.error_statuses = {503};
    faults.methods = {"POST"};
    server->set_faults(faults);
    {
        auto run = start("s3-watchlist-ban", args, s3rver_keys());
        EXPECT_EQ(run->wait(), 1) << run->err();
        EXPECT_NE(run->err().find("could not ban " + md5), std::string::npos) << run->err();
        EXPECT_NE(run->err().find("1 bans failed"), std::string::npos) << run->err();
    }
    server->set_faults({});
    server->clear_requests();
    auto run = start("s3-watchlist-ban", args, s3rver_keys());
    ASSERT_EQ(run->wait(), 0) << run->err();
    EXPECT_EQ(banned_md5s(requests("POST", "/api/v1/banning/blacklist")), (std::vector<std::string>{md5}));
}

TEST_F(EventExamples, S3WatchlistBanListensUntilCtrlC) {
    write_profile(false);
    S3Bucket bucket;
    bucket.put("event-forwarder.2017-11-07T12:00:00.000",
               lines({process_hit("W", {"dddddddddddddddddddddddddddddddd"}).dump()}));
    auto run = start("s3-watchlist-ban", {"-w", "w", "-b", bucket.name, "-l", "--interval", "3600", "--endpoint-url",
                                          cbapi::test::S3rverServer::shared().url()},
                     s3rver_keys());
    ASSERT_TRUE(run->wait_for_stdout_lines(1)) << run->err();
    EXPECT_NE(run->out().find("[+]: Banned hash dddddddddddddddddddddddddddddddd"), std::string::npos);
    ASSERT_TRUE(run->wait_for_stderr("(listening)")) << run->err();
    const auto before = std::chrono::steady_clock::now();
    run->signal(SIGINT);  // ends the hour-long wait between listings at once
    EXPECT_EQ(run->wait(), 0) << run->err();
    EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(20));
    EXPECT_NE(run->err().find("1 records read, 1 hits of the watchlist, 1 hashes banned"), std::string::npos)
        << run->err();
}

TEST_F(EventExamples, S3WatchlistBanUsesTheAwsProfileGivenWithA) {
    write_profile(false);
    S3Bucket bucket;
    bucket.put("event-forwarder.2017-11-07T12:00:00.000",
               lines({process_hit("W", {"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}).dump()}));
    const fs::path aws = dir / "aws-credentials";
    std::ofstream(aws) << "[default]\naws_access_key_id = WRONGKEY\naws_secret_access_key = wrong-secret-1\n\n"
                       << "[s3rver]\naws_access_key_id = " << cbapi::test::S3rverServer::access_key_id
                       << "\naws_secret_access_key = " << cbapi::test::S3rverServer::secret_access_key << "\n";
    std::map<std::string, std::optional<std::string>> env = {{"AWS_SHARED_CREDENTIALS_FILE", aws.string()}};
    std::vector<std::string> args = {"-w", "w", "-b", bucket.name, "--endpoint-url",
                                     cbapi::test::S3rverServer::shared().url(), "--checkpoint",
                                     (dir / "cp").string()};
    {
        // Without -a: the shared file's default profile, whose key s3rver does not know.
        auto run = start("s3-watchlist-ban", args, env);
        EXPECT_EQ(run->wait(), 1);
        EXPECT_NE(run->err().find("InvalidAccessKeyId"), std::string::npos) << run->err();
        EXPECT_EQ(run->err().find("wrong-secret-1"), std::string::npos) << run->err();
    }
    {
        auto missing = args;
        missing.insert(missing.end(), {"-a", "nosuchprofile"});
        auto run = start("s3-watchlist-ban", missing, env);
        EXPECT_EQ(run->wait(), 1);
        EXPECT_NE(run->err().find("AWS profile 'nosuchprofile' not found"), std::string::npos) << run->err();
    }
    args.insert(args.end(), {"-a", "s3rver"});
    auto run = start("s3-watchlist-ban", args, env);
    ASSERT_EQ(run->wait(), 0) << run->err();
    EXPECT_EQ(banned_md5s(requests("POST", "/api/v1/banning/blacklist")),
              (std::vector<std::string>{"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}));
}

}  // namespace
