// ForwarderS3 against s3rver (a real S3-compatible server on loopback, started by the test program): forwarder
// objects named as the forwarder names them (with ':'), plain and gzip, several listing pages, the checkpoint across
// restarts, bad objects, credentials, and secrets kept out of every error and log line.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <zlib.h>

#include "cbapi/credentials.hpp"
#include "cbapi/curl_transport.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/events/forwarder_s3.hpp"
#include "cbapi/logging.hpp"
#include "events/s3_client.hpp"
#include "support/gzip.hpp"
#include "support/env_guard.hpp"
#include "support/raw_server.hpp"
#include "support/s3rver_server.hpp"

namespace cbapi::events {
namespace {

namespace fs = std::filesystem;
using test::S3rverServer;

std::string gzip(const std::string& data) { return cbapi::test::gzip_compress(data); }

std::string record(const std::string& type, int n) {
    return nlohmann::json{{"type", type}, {"n", n}, {"cb_server", "cbserver"}}.dump();
}

// A Sink that records what it gets; it confirms each message at once unless told otherwise.
class TestSink : public Sink {
public:
    enum class Mode { handle, discard, hold };
    explicit TestSink(Mode mode = Mode::handle) : mode_(mode) {}

    bool deliver(Message message, DoneCallback done) override {
        std::lock_guard<std::mutex> lock(mutex_);
        messages.push_back(std::move(message));
        if (mode_ == Mode::handle && done) done(true);
        if (mode_ == Mode::discard && done) done(false);
        if (mode_ == Mode::hold) held.push_back(std::move(done));
        delivered.notify_all();
        return true;
    }
    void report(SourceProblem problem) override {
        std::lock_guard<std::mutex> lock(mutex_);
        problems.push_back(std::move(problem));
    }

    std::vector<std::string> bodies() const {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<std::string> out;
        for (const auto& m : messages) out.push_back(m.body);
        return out;
    }
    std::string problem_text() const {
        std::lock_guard<std::mutex> lock(mutex_);
        std::string out;
        for (const auto& p : problems) out += p.source + " | " + p.origin + " | " + p.what + "\n";
        return out;
    }
    std::size_t message_count() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return messages.size();
    }

    std::vector<Message> messages;
    std::vector<SourceProblem> problems;
    std::vector<DoneCallback> held;
    mutable std::mutex mutex_;
    std::condition_variable delivered;

private:
    Mode mode_;
};

class ForwarderS3Test : public ::testing::Test {
protected:
    void SetUp() override {
        static std::atomic<int> counter{0};
        bucket = "cb-events-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
        uploader = std::make_unique<detail::S3Client>(settings(), make_curl_transport({}));
        uploader->create_bucket();
        const char* tmp = std::getenv("CBAPI_TEST_TMP");
        const fs::path base = tmp != nullptr && *tmp != '\0' ? fs::path(tmp) : fs::temp_directory_path();
        fs::create_directories(base);
        std::string pattern = (base / "forwarder-s3-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        state_dir = pattern;
    }
    void TearDown() override {
        std::error_code ignored;
        fs::remove_all(state_dir, ignored);
    }

    detail::S3Settings settings() const {
        detail::S3Settings s;
        s.bucket = bucket;
        s.endpoint = server.url();
        s.access_key_id = S3rverServer::access_key_id;
        s.secret_access_key = S3rverServer::secret_access_key;
        return s;
    }

    ForwarderS3Options options() const {
        ForwarderS3Options o;
        o.bucket = bucket;
        o.prefix = "cbprefix";
        o.endpoint = server.url();
        o.access_key_id = S3rverServer::access_key_id;
        o.secret_access_key = S3rverServer::secret_access_key;
        o.state_path = state_dir / "checkpoint.json";
        o.one_shot = true;
        return o;
    }

    void put(const std::string& key, const std::string& body) { uploader->put_object(key, body); }

    static std::string key_at(const std::string& time, const std::string& suffix = "") {
        return "cbprefix/event-forwarder.2017-11-07T" + time + suffix;
    }

    S3rverServer& server = S3rverServer::shared();
    std::string bucket;
    std::unique_ptr<detail::S3Client> uploader;
    fs::path state_dir;
};

TEST_F(ForwarderS3Test, OneShotDeliversEveryRecordInKeyOrderPlainAndGzip) {
    // Uploaded out of order; keys exactly as the forwarder writes them (':' in the time).
    put(key_at("12:10:00.000", ".gz"), gzip(record("watchlist.hit.process", 3) + "\n" + record("alert.x", 4) + "\n"));
    put(key_at("12:00:00.000"), record("watchlist.hit.process", 1) + "\n\n" + record("feed.ingress.hit.process", 2) +
                                    "\n");
    put(key_at("12:20:00.000"), record("ingress.event.procstart", 5));  // no final newline
    put("otherprefix/event-forwarder.2017-11-07T12:00:00.000", record("not.mine", 99) + "\n");

    TestSink sink;
    ForwarderS3 source(options());
    EXPECT_EQ(source.delivery(), Delivery::at_least_once);
    EXPECT_EQ(source.name(), "forwarder s3://" + bucket + "/cbprefix/ at " + server.url());
    source.run(sink);

    ASSERT_EQ(sink.messages.size(), 5U) << sink.problem_text();
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(nlohmann::json::parse(sink.messages[static_cast<std::size_t>(i)].body)["n"], i + 1);
    EXPECT_EQ(sink.messages[0].routing_key, "watchlist.hit.process");
    EXPECT_EQ(sink.messages[1].routing_key, "feed.ingress.hit.process");
    EXPECT_EQ(sink.messages[0].content_type, "application/json");
    EXPECT_EQ(sink.messages[0].origin, "s3://" + bucket + "/cbprefix/event-forwarder.2017-11-07T12:00:00.000 line 1");
    EXPECT_EQ(sink.messages[1].origin, "s3://" + bucket + "/cbprefix/event-forwarder.2017-11-07T12:00:00.000 line 3");
    EXPECT_EQ(sink.messages[2].origin,
              "s3://" + bucket + "/cbprefix/event-forwarder.2017-11-07T12:10:00.000.gz line 1");
    EXPECT_TRUE(sink.problems.empty()) << sink.problem_text();
    EXPECT_TRUE(fs::is_regular_file(state_dir / "checkpoint.json"));
    EXPECT_EQ(fs::status(state_dir / "checkpoint.json").permissions() & fs::perms::others_read, fs::perms::none);
}

TEST_F(ForwarderS3Test, ListingOfSeveralPagesIsFollowedToTheEnd) {
    for (int i = 0; i < 7; ++i) put(key_at("12:0" + std::to_string(i) + ":00.000"), record("x", i) + "\n");
    auto o = options();
    o.max_keys = 2;  // four pages, continuation tokens in between
    TestSink sink;
    ForwarderS3 source(o);
    source.run(sink);
    ASSERT_EQ(sink.messages.size(), 7U) << sink.problem_text();
    for (int i = 0; i < 7; ++i)
        EXPECT_EQ(nlohmann::json::parse(sink.messages[static_cast<std::size_t>(i)].body)["n"], i);
}

TEST_F(ForwarderS3Test, RestartProcessesNothingTwiceAndPicksUpNewAndLateObjects) {
    put(key_at("12:00:00.000"), record("x", 1) + "\n");
    put(key_at("12:05:00.000", ".gz"), gzip(record("x", 2) + "\n"));
    {
        TestSink sink;
        ForwarderS3 source(options());
        source.run(sink);
        EXPECT_EQ(sink.messages.size(), 2U) << sink.problem_text();
    }
    {
        TestSink sink;
        ForwarderS3 source(options());  // a restart: a new object, the same checkpoint file
        source.run(sink);
        EXPECT_TRUE(sink.messages.empty()) << "re-delivered: " << sink.messages.front().origin;
    }
    put(key_at("12:10:00.000"), record("x", 3) + "\n");
    // Uploaded late: sorts before keys already handled (a forwarder worker that was slow to upload).
    put(key_at("12:02:00.000"), record("x", 4) + "\n");
    {
        TestSink sink;
        ForwarderS3 source(options());
        source.run(sink);
        const auto bodies = sink.bodies();
        ASSERT_EQ(bodies.size(), 2U) << sink.problem_text();
        EXPECT_EQ(nlohmann::json::parse(bodies[0])["n"], 4);
        EXPECT_EQ(nlohmann::json::parse(bodies[1])["n"], 3);
    }
    {
        TestSink sink;
        ForwarderS3 source(options());
        source.run(sink);
        EXPECT_TRUE(sink.messages.empty());
    }
}

TEST_F(ForwarderS3Test, ObjectIsReadAgainWhenItsRecordsWereNotHandled) {
    put(key_at("12:00:00.000"), record("x", 1) + "\n" + record("x", 2) + "\n");
    {
        TestSink sink(TestSink::Mode::discard);
        ForwarderS3 source(options());
        source.run(sink);
        EXPECT_EQ(sink.messages.size(), 2U);
        EXPECT_NE(sink.problem_text().find("not handled"), std::string::npos) << sink.problem_text();
    }
    TestSink sink;
    ForwarderS3 source(options());
    source.run(sink);
    EXPECT_EQ(sink.messages.size(), 2U) << "an object whose records were discarded must be read again";
}

TEST_F(ForwarderS3Test, StopWhileRecordsAreUnconfirmedLeavesTheObjectForTheNextRun) {
    put(key_at("12:00:00.000"), record("x", 1) + "\n");
    TestSink holding(TestSink::Mode::hold);
    ForwarderS3 source([&] {
        auto o = options();
        o.one_shot = false;
        return o;
    }());
    std::thread runner([&] { source.run(holding); });
    {
        std::unique_lock<std::mutex> lock(holding.mutex_);
        ASSERT_TRUE(holding.delivered.wait_for(lock, std::chrono::seconds(30), [&] { return !holding.messages.empty(); }));
    }
    source.stop();  // the record was never confirmed
    runner.join();
    {
        std::lock_guard<std::mutex> lock(holding.mutex_);
        for (auto& done : holding.held) done(true);  // too late: run() has returned, nothing is checkpointed now
    }
    TestSink sink;
    ForwarderS3 again(options());
    again.run(sink);
    EXPECT_EQ(sink.messages.size(), 1U);
}

TEST_F(ForwarderS3Test, BadObjectsAreReportedAndSkippedAndTheRestIsRead) {
    put(key_at("12:00:00.000"), std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));       // binary
    put(key_at("12:01:00.000"), "hello world\nthis is not json\n");                         // text, not JSON lines
    put(key_at("12:02:00.000"), "");                                                        // empty: skipped quietly
    put(key_at("12:03:00.000", ".lz4"), "\x04\x22\x4d\x18 lz4 frame");                      // unsupported
    put(key_at("12:04:00.000", ".gz"), "this is not gzip data at all");                     // corrupt gzip
    put(key_at("12:05:00.000"), record("x", 1) + "\n{\"type\": \"x\", broken\n[1,2]\n" + record("x", 2) + "\n");

    TestSink sink;
    ForwarderS3 source(options());
    source.run(sink);
    const std::string problems = sink.problem_text();
    ASSERT_EQ(sink.messages.size(), 2U) << problems;
    EXPECT_EQ(nlohmann::json::parse(sink.messages[1].body)["n"], 2);
    const std::string where = "s3://" + bucket + "/cbprefix/event-forwarder.2017-11-07T";
    EXPECT_NE(problems.find(where + "12:00:00.000 | not Event Forwarder output (binary data"), std::string::npos)
        << problems;
    EXPECT_NE(problems.find(where + "12:01:00.000 | not Event Forwarder output (no line is a JSON object"),
              std::string::npos)
        << problems;
    EXPECT_EQ(problems.find("12:02:00.000"), std::string::npos) << problems;
    EXPECT_NE(problems.find(where + "12:03:00.000.lz4 | LZ4-compressed forwarder output is not supported"),
              std::string::npos)
        << problems;
    EXPECT_NE(problems.find(where + "12:04:00.000.gz | not readable as gzip"), std::string::npos) << problems;
    EXPECT_NE(problems.find(where + "12:05:00.000 line 2 | bad record (not JSON)"), std::string::npos) << problems;
    EXPECT_NE(problems.find(where + "12:05:00.000 line 3 | bad record (a JSON array, not an object)"),
              std::string::npos)
        << problems;
    EXPECT_EQ(sink.problems.size(), 6U) << problems;
    for (const auto& p : sink.problems) EXPECT_EQ(p.source, source.name());

    // Skipped objects are done: a second run reports nothing again.
    TestSink second;
    ForwarderS3 again(options());
    again.run(second);
    EXPECT_TRUE(second.messages.empty());
    EXPECT_TRUE(second.problems.empty()) << second.problem_text();
}

TEST_F(ForwarderS3Test, GzipBombIsReportedAndSkipped) {
    const std::string bomb = gzip(std::string(16U * 1024 * 1024, '\0'));  // 16 MB of zeros in ~16 KB
    ASSERT_LT(bomb.size(), 64U * 1024);
    put(key_at("12:00:00.000", ".gz"), bomb);
    put(key_at("12:01:00.000"), record("x", 1) + "\n");
    auto o = options();
    o.max_decompressed_bytes = 1024 * 1024;
    TestSink sink;
    ForwarderS3 source(o);
    source.run(sink);
    EXPECT_EQ(sink.messages.size(), 1U);
    EXPECT_NE(sink.problem_text().find("inflates to more than 1048576 bytes (max_decompressed_bytes; a gzip bomb?)"),
              std::string::npos)
        << sink.problem_text();
}

TEST_F(ForwarderS3Test, ObjectLargerThanTheCapIsReportedAndSkipped) {
    put(key_at("12:00:00.000"), record("x", 1) + "\n" + std::string(5000, ' ') + "\n");
    auto o = options();
    o.max_object_bytes = 1000;
    TestSink sink;
    ForwarderS3 source(o);
    source.run(sink);
    EXPECT_TRUE(sink.messages.empty());
    EXPECT_NE(sink.problem_text().find("larger than max_object_bytes (1000)"), std::string::npos)
        << sink.problem_text();
}

// Captures everything the SDK logs, before redaction (a sink added after set_logger()).
class RawLogCapture {
public:
    RawLogCapture() {
        auto log = std::make_shared<spdlog::logger>("cbapi");
        log->set_level(spdlog::level::trace);
        set_logger(log);
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
        sink->set_pattern("%l %v");
        logger()->sinks().push_back(sink);
    }
    ~RawLogCapture() { set_logger(nullptr); }
    RawLogCapture(const RawLogCapture&) = delete;
    RawLogCapture& operator=(const RawLogCapture&) = delete;
    std::string text() const { return stream_.str(); }

private:
    std::ostringstream stream_;
};

TEST_F(ForwarderS3Test, WrongCredentialsGiveAClearErrorWithoutTheSecret) {
    RawLogCapture log;
    auto o = options();
    o.access_key_id = "AKIAWRONGKEY";
    o.secret_access_key = "wrong-secret-7f3a9c";
    o.session_token = "session-token-5b2e81";
    TestSink sink;
    ForwarderS3 source(o);
    try {
        source.run(sink);
        FAIL() << "credentials were accepted";
    } catch (const S3Error& e) {
        const std::string what = e.what();
        EXPECT_EQ(e.code(), "InvalidAccessKeyId");
        EXPECT_NE(what.find("S3 ListObjectsV2 of s3://" + bucket + "/cbprefix/ failed: HTTP 403 InvalidAccessKeyId"),
                  std::string::npos)
            << what;
        EXPECT_EQ(what.find("wrong-secret-7f3a9c"), std::string::npos) << what;
        EXPECT_EQ(what.find("session-token-5b2e81"), std::string::npos) << what;
    }
    const std::string text = log.text() + sink.problem_text() + source.name();
    EXPECT_NE(log.text().find("curl:"), std::string::npos) << "the trace log was not captured";
    EXPECT_EQ(text.find("wrong-secret-7f3a9c"), std::string::npos) << text;
    EXPECT_EQ(text.find("session-token-5b2e81"), std::string::npos) << text;
}

TEST_F(ForwarderS3Test, SecretsNeverAppearInTheLogOfAFullRun) {
    put(key_at("12:00:00.000"), record("x", 1) + "\nnot json\n");
    RawLogCapture log;
    auto o = options();
    o.session_token = "session-token-aa11";  // s3rver ignores it; it is still sent and must not be logged
    TestSink sink;
    ForwarderS3 source(o);
    source.run(sink);
    EXPECT_EQ(sink.messages.size(), 1U);
    const std::string text = log.text() + sink.problem_text();
    EXPECT_NE(text.find("curl:"), std::string::npos);
    EXPECT_EQ(text.find("session-token-aa11"), std::string::npos) << text;
    EXPECT_EQ(text.find("Signature="), std::string::npos) << text;
    EXPECT_EQ(text.find(std::string(S3rverServer::secret_access_key) + "/"), std::string::npos) << text;
}

TEST_F(ForwarderS3Test, MissingBucketIsAClearError) {
    auto o = options();
    o.bucket = "no-such-bucket-here";
    TestSink sink;
    ForwarderS3 source(o);
    try {
        source.run(sink);
        FAIL() << "no error";
    } catch (const S3Error& e) {
        EXPECT_EQ(e.code(), "NoSuchBucket");
        EXPECT_EQ(e.status(), 404);
    }
}

TEST(ForwarderS3Credentials, MissingCredentialsNameEveryPlaceToSetThem) {
    test::EnvGuard env;
    env.unset("AWS_ACCESS_KEY_ID");
    env.unset("AWS_SECRET_ACCESS_KEY");
    env.unset("AWS_SESSION_TOKEN");
    ForwarderS3Options o;
    o.bucket = "cb-events";
    try {
        ForwarderS3 source(o);
        FAIL() << "no error";
    } catch (const CredentialError& e) {
        const std::string what = e.what();
        for (const char* place : {"ForwarderS3Options", "access_key_id", "aws_access_key_id", "aws_secret_access_key",
                                  "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"})
            EXPECT_NE(what.find(place), std::string::npos) << place << " missing from: " << what;
    }
    o.secret_access_key = "only-the-secret";
    try {
        ForwarderS3 source(o);
        FAIL() << "no error";
    } catch (const CredentialError& e) {
        EXPECT_EQ(std::string(e.what()).find("only-the-secret"), std::string::npos) << e.what();
    }
}

TEST(ForwarderS3Credentials, ProfileKeysFillTheOptions) {
    Credentials profile;
    profile.extra = {{"s3_bucket", "cb-events"},         {"s3_prefix", "cbprefix"},
                     {"s3_region", "eu-west-1"},         {"s3_endpoint", "http://127.0.0.1:9000"},
                     {"aws_access_key_id", "AKIDPROFILE"}, {"aws_secret_access_key", "profile-secret"},
                     {"aws_session_token", "profile-token"}};
    profile.ssl_verify = false;  // the Cb server's setting: must not reach S3
    profile.ssl_cert_file = "/etc/cb/cb-server-ca.pem";
    auto o = forwarder_s3_options(profile);
    EXPECT_TRUE(o.transport.verify_peer);
    EXPECT_TRUE(o.transport.verify_hostname);
    EXPECT_EQ(o.transport.ca_bundle, "");
    profile.extra["s3_ca_bundle"] = "/etc/ssl/certs/ca-certificates.crt";
    o = forwarder_s3_options(profile);
    EXPECT_EQ(o.bucket, "cb-events");
    EXPECT_EQ(o.prefix, "cbprefix");
    EXPECT_EQ(o.region, "eu-west-1");
    EXPECT_EQ(o.endpoint, "http://127.0.0.1:9000");
    EXPECT_EQ(o.access_key_id, "AKIDPROFILE");
    EXPECT_EQ(o.secret_access_key, "profile-secret");
    EXPECT_EQ(o.session_token, "profile-token");
    EXPECT_EQ(o.transport.ca_bundle, "/etc/ssl/certs/ca-certificates.crt");
    EXPECT_TRUE(o.transport.verify_peer);
    profile.extra["s3_ssl_verify"] = "false";
    EXPECT_FALSE(forwarder_s3_options(profile).transport.verify_peer);
    profile.extra["s3_ssl_verify"] = "maybe";
    EXPECT_THROW(forwarder_s3_options(profile), CredentialError);
    profile.extra.erase("s3_ssl_verify");
    EXPECT_EQ(ForwarderS3(o).name(), "forwarder s3://cb-events/cbprefix/ at http://127.0.0.1:9000");
}

TEST_F(ForwarderS3Test, EnvironmentCredentialsAreUsed) {
    put(key_at("12:00:00.000"), record("x", 1) + "\n");
    test::EnvGuard env;
    env.set("AWS_ACCESS_KEY_ID", S3rverServer::access_key_id);
    env.set("AWS_SECRET_ACCESS_KEY", S3rverServer::secret_access_key);
    env.unset("AWS_SESSION_TOKEN");
    env.set("AWS_REGION", "eu-west-1");
    auto o = options();
    o.access_key_id.clear();
    o.secret_access_key.clear();
    TestSink sink;
    ForwarderS3 source(o);
    source.run(sink);
    EXPECT_EQ(sink.messages.size(), 1U) << sink.problem_text();
}

TEST_F(ForwarderS3Test, PollingPicksUpNewObjectsBetweenPasses) {
    put(key_at("12:00:00.000"), record("x", 1) + "\n");
    std::vector<std::chrono::milliseconds> waits;
    ForwarderS3* self = nullptr;
    auto o = options();
    o.one_shot = false;
    o.poll_interval = std::chrono::seconds(30);
    o.wait = [&](std::chrono::milliseconds d) {
        waits.push_back(d);
        if (waits.size() == 1) put(key_at("12:05:00.000"), record("x", 2) + "\n");
        if (waits.size() == 2) self->stop();
    };
    TestSink sink;
    ForwarderS3 source(o);
    self = &source;
    source.run(sink);
    ASSERT_EQ(sink.messages.size(), 2U) << sink.problem_text();
    EXPECT_EQ(waits, (std::vector<std::chrono::milliseconds>{std::chrono::seconds(30), std::chrono::seconds(30)}));
}

TEST(ForwarderS3Network, UnreachableServerIsReportedAndRetriedWithBackoff) {
    // A port nothing listens on (bound, then closed).
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    ::close(fd);
    ForwarderS3Options o;
    o.bucket = "cb-events";
    o.endpoint = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
    o.access_key_id = "AKID";
    o.secret_access_key = "network-secret-9d";
    o.poll_interval = std::chrono::seconds(10);
    o.max_backoff = std::chrono::seconds(50);
    std::vector<std::chrono::milliseconds> waits;
    ForwarderS3* self = nullptr;
    o.wait = [&](std::chrono::milliseconds d) {
        waits.push_back(d);
        if (waits.size() == 4) self->stop();
    };
    TestSink sink;
    ForwarderS3 source(o);
    self = &source;
    source.run(sink);
    using std::chrono::seconds;
    EXPECT_EQ(waits, (std::vector<std::chrono::milliseconds>{seconds(20), seconds(40), seconds(50), seconds(50)}));
    EXPECT_EQ(sink.problems.size(), 4U);
    EXPECT_NE(sink.problem_text().find("will retry"), std::string::npos) << sink.problem_text();
    EXPECT_EQ(sink.problem_text().find("network-secret-9d"), std::string::npos);

    // One-shot: the failed listing is the caller's error.
    o.one_shot = true;
    o.wait = nullptr;
    ForwarderS3 once(o);
    EXPECT_THROW(once.run(sink), ConnectionError);
}

TEST_F(ForwarderS3Test, StopBeforeRunAndDuringTheWaitReturnsPromptly) {
    auto o = options();
    o.one_shot = false;
    o.poll_interval = std::chrono::hours(1);
    TestSink sink;
    {
        ForwarderS3 source(o);
        source.stop();
        source.run(sink);  // returns at once
    }
    ForwarderS3 source(o);
    std::thread runner([&] { source.run(sink); });
    // The first (empty) pass ends by writing the checkpoint; then the hour-long wait begins, which stop() must end.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!fs::exists(state_dir / "checkpoint.json") && std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const auto before = std::chrono::steady_clock::now();
    source.stop();
    runner.join();
    EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(5));
}

TEST_F(ForwarderS3Test, CheckpointThatIsASymlinkOrForeignIsRefused) {
    const fs::path target = state_dir / "elsewhere.json";
    { std::ofstream(target) << "{}"; }
    fs::create_symlink(target, state_dir / "checkpoint.json");
    TestSink sink;
    {
        ForwarderS3 source(options());
        try {
            source.run(sink);
            FAIL() << "a symlinked checkpoint was used";
        } catch (const ApiError& e) {
            EXPECT_NE(std::string(e.what()).find("symbolic link"), std::string::npos) << e.what();
        }
    }
    fs::remove(state_dir / "checkpoint.json");
    {
        std::ofstream(state_dir / "checkpoint.json")
            << R"({"format":"cbapi-forwarder-s3-checkpoint","version":1,"bucket":"other-bucket","prefix":"p/",)"
            << R"("floor":"","done":[]})";
    }
    ForwarderS3 source(options());
    try {
        source.run(sink);
        FAIL() << "a foreign checkpoint was used";
    } catch (const ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("belongs to s3://other-bucket/p/"), std::string::npos) << e.what();
    }
    std::string content;
    {
        std::ifstream in(target);
        std::getline(in, content);
    }
    EXPECT_EQ(content, "{}") << "the symlink's target was written";
}

// The checkpoint's floor, with LastModified times a real server would need days to produce: a loopback server
// serves the listing and the objects.
TEST(ForwarderS3Checkpoint, FloorMovesOverOldDoneKeysAndTheListingStartsAfterIt) {
    const std::string a = "p/event-forwarder.2017-11-07T12:00:00.000";
    const std::string b = "p/event-forwarder.2017-11-08T12:00:00.000";
    const std::string c = "p/event-forwarder.2017-11-09T12:00:00.000";
    const auto entry = [](const std::string& key, const std::string& modified) {
        return "<Contents><Key>" + key + "</Key><LastModified>" + modified + "</LastModified><Size>20</Size>" +
               "</Contents>";
    };
    test::RawServer server([&](test::RawConnection& conn, const test::RawRequest& request) {
        if (request.target.find("list-type=2") != std::string::npos) {
            std::string list = "<ListBucketResult><IsTruncated>false</IsTruncated>";
            // What a real server does with start-after: only later keys.
            const bool after_a = request.target.find("start-after=") != std::string::npos;
            if (!after_a) list += entry(a, "2017-11-07T12:05:00.000Z");
            list += entry(b, "2017-11-08T12:05:00.000Z") + entry(c, "2017-11-09T12:05:00.000Z");
            conn.respond(200, list + "</ListBucketResult>", "application/xml");
            return;
        }
        conn.respond(200, "{\"type\":\"x\",\"n\":1}\n", "application/octet-stream");
    });
    char pattern[] = "/tmp/forwarder-s3-floor-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    const fs::path dir = pattern;
    ForwarderS3Options o;
    o.bucket = "cb-events";
    o.prefix = "p";
    o.endpoint = server.url();
    o.access_key_id = "AKID";
    o.secret_access_key = "floor-secret";
    o.state_path = dir / "checkpoint.json";
    o.one_shot = true;
    o.late_arrival_window = std::chrono::hours(24);
    {
        TestSink sink;
        ForwarderS3 source(o);
        source.run(sink);
        EXPECT_EQ(sink.messages.size(), 3U) << sink.problem_text();
    }
    nlohmann::json state;
    {
        std::ifstream in(dir / "checkpoint.json");
        in >> state;
    }
    // a is more than 24 h older than the newest object: folded into the floor; b is exactly 24 h older: kept.
    EXPECT_EQ(state["floor"], a);
    EXPECT_EQ(state["done"], (nlohmann::json{b, c}));
    {
        TestSink sink;
        ForwarderS3 source(o);
        source.run(sink);
        EXPECT_TRUE(sink.messages.empty());
    }
    const auto requests = server.requests();
    ASSERT_GE(requests.size(), 5U);
    EXPECT_EQ(requests.back().target,
              "/cb-events/?list-type=2&prefix=p%2F&start-after=p%2Fevent-forwarder.2017-11-07T12%3A00%3A00.000");
    EXPECT_EQ(requests[1].target, "/cb-events/p/event-forwarder.2017-11-07T12%3A00%3A00.000");
    std::error_code ignored;
    fs::remove_all(dir, ignored);
}

}  // namespace
}  // namespace cbapi::events
