// ForwarderHttp against real POSTs over loopback (cpp-httplib's client): the forwarder's exact envelope, gzip
// bodies, Authorization, size limits, bodies that are not forwarder output, the 200-after-callbacks rule, 503 when
// the consumer discards or is slow, and HTTPS with a certificate made for the test.
#include "cbapi/events/forwarder_http.hpp"

#include <sys/resource.h>
#include <zlib.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include "cbapi/errors.hpp"
#include "events_forwarder/test_sink.hpp"
#include "support/gzip.hpp"
#include "support/file_helpers.hpp"
#include "support/tls_cert.hpp"

namespace {

using cbapi::events::Delivery;
using cbapi::events::ForwarderHttp;
using cbapi::events::ForwarderHttpOptions;
using cbapi::test::SourceRunner;
using cbapi::test::TestSink;

const std::string temp_name = "/var/cb/data/event-forwarder/event-forwarder.2026-12-06T18:00:00.000";

// Records as the forwarder writes them (§8 of the reference, normalised).
const std::string hit =
    R"({"cb_server":"cbserver","cb_version":"5.1.0.150914.1400",)"
    R"("docs":[{"process_md5":"445C3E95C8CB05403AEDAEC3BAAA3A1D","sensor_id":7,)"
    R"("process_guid":"00000007-0000-0fd4-01d1-209aa22a57ee","segment_id":"1",)"
    R"("comms_ip":"54.175.150.228","computer_name":"WIN-OTEMNUTBS23"}],"server_name":"cbtest",)"
    R"("timestamp":1447698003.24,"type":"watchlist.hit.process","watchlist_id":2,)"
    R"("watchlist_name":"Non-System Filemods to system32"})";
const std::string regmod =
    R"({"type":"ingress.event.regmod","event_type":"regmod","action":"writeval","actiontype":2,)"
    R"("path":"\\registry\\user\\s-1-5-21\\stillalive","pid":1156,)"
    R"("process_guid":"00000001-0000-0484-01d1-1e951b7c000b","md5":"0E7196981EDE614F1F54FFF2C3843ADF",)"
    R"("sensor_id":1,"computer_name":"JASON-WIN81-VM","timestamp":1447696798,"cb_server":"cbserver"})";
const std::string binary =
    R"({"type":"binarystore.file.added","md5":"33AE1B209D9BE2FC6835B8A35A889CEC","size":126056,)"
    R"("file_path":"/var/cb/data/modulestore/33A/E1B/33AE1B209D9BE2FC6835B8A35A889CEC.zip",)"
    R"("timestamp":1447697837.504,"cb_server":"cbserver"})";

/// The forwarder's default `http_post_template` output: the file name is pasted in without JSON escaping, records
/// are separated by a newline and a comma.
std::string envelope(const std::string& filename, const std::vector<std::string>& records) {
    std::string body = R"({"filename": ")" + filename + R"(", "service": "carbonblack", "alerts":[)";
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (i > 0) body += "\n, ";
        body += records[i];
    }
    return body + "]}";
}

std::string gzip(const std::string& data) { return cbapi::test::gzip_compress(data); }

/// Posts like the forwarder (Content-Type application/json, optional headers); returns the status (-1: no answer).
int post(std::uint16_t port, const std::string& body, httplib::Headers headers = {}, const std::string& path = "/") {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(30, 0);
    const auto res = client.Post(path.c_str(), headers, body, "application/json");
    return res ? res->status : -1;
}

bool mentions(const std::vector<cbapi::events::SourceProblem>& problems, const std::string& text) {
    for (const auto& p : problems) {
        if (p.what.find(text) != std::string::npos) return true;
    }
    return false;
}

TEST(ForwarderHttp, ThePostOfTheForwardersDefaultTemplateDeliversEveryRecordThenAnswers200) {
    ForwarderHttp source(ForwarderHttpOptions{});
    ASSERT_NE(source.port(), 0);
    EXPECT_EQ(source.delivery(), Delivery::at_least_once);
    EXPECT_EQ(source.name(), fmt::format("forwarder http://127.0.0.1:{}/", source.port()));
    TestSink sink;
    SourceRunner runner(source, sink);
    EXPECT_EQ(post(source.port(), envelope(temp_name, {hit, regmod, binary})), 200);
    runner.stop();
    const auto got = sink.messages();
    ASSERT_EQ(got.size(), 3U);
    EXPECT_EQ(got[0].routing_key, "watchlist.hit.process");
    EXPECT_EQ(got[1].routing_key, "ingress.event.regmod");
    EXPECT_EQ(got[2].routing_key, "binarystore.file.added");
    EXPECT_EQ(got[0].body, hit);  // byte for byte, not re-serialised
    EXPECT_EQ(got[1].body, regmod);
    EXPECT_EQ(got[0].content_type, "application/json");
    EXPECT_EQ(got[0].origin, "http POST " + temp_name + " #1 from 127.0.0.1");
    EXPECT_EQ(got[2].origin, "http POST " + temp_name + " #3 from 127.0.0.1");
    EXPECT_TRUE(sink.problems().empty());
}

TEST(ForwarderHttp, AFileNameTheTemplateLeftUnescapedIsStillRead) {
    ForwarderHttp source(ForwarderHttpOptions{});
    TestSink sink;
    SourceRunner runner(source, sink);
    const std::string odd = R"(/tmp/we"ird\dir/event-forwarder.1)";
    EXPECT_EQ(post(source.port(), envelope(odd, {regmod})), 200);
    runner.stop();
    ASSERT_EQ(sink.messages().size(), 1U);
    EXPECT_EQ(sink.messages()[0].origin, "http POST " + odd + " #1 from 127.0.0.1");
}

TEST(ForwarderHttp, AnEmptyBundleIsAccepted) {
    ForwarderHttp source(ForwarderHttpOptions{});
    TestSink sink;
    SourceRunner runner(source, sink);
    EXPECT_EQ(post(source.port(), envelope(temp_name, {})), 200);
    runner.stop();
    EXPECT_TRUE(sink.messages().empty());
    EXPECT_TRUE(sink.problems().empty());
}

TEST(ForwarderHttp, AGzipBodyIsDecompressed) {
    ForwarderHttp source(ForwarderHttpOptions{});
    TestSink sink;
    SourceRunner runner(source, sink);
    EXPECT_EQ(post(source.port(), gzip(envelope(temp_name, {hit, regmod})), {{"Content-Encoding", "gzip"}}), 200);
    runner.stop();
    ASSERT_EQ(sink.messages().size(), 2U);
    EXPECT_EQ(sink.messages()[1].body, regmod);
}

TEST(ForwarderHttp, AGzipBombStopsAtTheSizeLimitWith413) {
    ForwarderHttpOptions options;
    options.max_body_bytes = 64 * 1024;
    ForwarderHttp source(options);
    TestSink sink;
    SourceRunner runner(source, sink);
    const std::string huge = R"({"type":"x","pad":")" + std::string(20'000'000, 'a') + "\"}";
    const std::string bomb = gzip(envelope(temp_name, {huge}));
    ASSERT_LT(bomb.size(), options.max_body_bytes);  // small on the wire
    EXPECT_EQ(post(source.port(), bomb, {{"Content-Encoding", "gzip"}}), 413);
    runner.stop();
    EXPECT_TRUE(sink.messages().empty());
    EXPECT_TRUE(mentions(sink.problems(), "413"));
}

TEST(ForwarderHttp, ABodyOverTheLimitGets413) {
    ForwarderHttpOptions options;
    options.max_body_bytes = 1000;
    ForwarderHttp source(options);
    TestSink sink;
    SourceRunner runner(source, sink);
    EXPECT_EQ(post(source.port(), envelope(temp_name, {hit, hit, hit, hit})), 413);
    EXPECT_EQ(post(source.port(), envelope(temp_name, {regmod})), 200);  // and the receiver goes on
    runner.stop();
    EXPECT_EQ(sink.messages().size(), 1U);
}

TEST(ForwarderHttp, TheAuthorizationHeaderIsRequiredWhenConfiguredAndNeverReported) {
    ForwarderHttpOptions options;
    options.authorization = "Bearer s3cret-forwarder-token";
    ForwarderHttp source(options);
    TestSink sink;
    SourceRunner runner(source, sink);
    const auto body = envelope(temp_name, {regmod});
    EXPECT_EQ(post(source.port(), body), 401);
    EXPECT_EQ(post(source.port(), body, {{"Authorization", "Bearer s3cret-forwarder-tokem"}}), 401);
    EXPECT_EQ(post(source.port(), body, {{"Authorization", "Bearer s3cret"}}), 401);
    EXPECT_EQ(post(source.port(), body, {{"Authorization", "Bearer s3cret-forwarder-token"}}), 200);
    runner.stop();
    EXPECT_EQ(sink.messages().size(), 1U);
    const auto problems = sink.problems();
    ASSERT_EQ(problems.size(), 3U);
    for (const auto& p : problems) {
        EXPECT_NE(p.what.find("401"), std::string::npos) << p.what;
        EXPECT_EQ((p.what + p.origin + p.source).find("s3cret"), std::string::npos) << p.what;
    }
}

TEST(ForwarderHttp, ABodyThatIsNotJsonGets400AndIsReported) {
    ForwarderHttp source(ForwarderHttpOptions{});
    TestSink sink;
    SourceRunner runner(source, sink);
    EXPECT_EQ(post(source.port(), "LEEF:1.0|CarbonBlack|CbResponse|5.1|watchlist.hit.process|cb_server=x"), 400);
    EXPECT_EQ(post(source.port(), "[1,2,3]"), 400);
    EXPECT_EQ(post(source.port(), R"({"filename": "x", "alerts": {"type":"a"}})"), 400);
    EXPECT_EQ(post(source.port(), ""), 400);
    EXPECT_EQ(post(source.port(), "not gzip", {{"Content-Encoding", "gzip"}}), 400);
    runner.stop();
    EXPECT_TRUE(sink.messages().empty());
    const auto problems = sink.problems();
    ASSERT_EQ(problems.size(), 5U);
    EXPECT_NE(problems[0].what.find("not JSON"), std::string::npos) << problems[0].what;
    EXPECT_NE(problems[0].what.find("abandons"), std::string::npos);
    EXPECT_EQ(problems[0].origin, "http POST from 127.0.0.1");
    EXPECT_NE(problems[2].what.find("not an array"), std::string::npos);
}

TEST(ForwarderHttp, JsonLinesBodiesAreReadAndBadLinesSkipped) {
    ForwarderHttp source(ForwarderHttpOptions{});
    TestSink sink;
    SourceRunner runner(source, sink);
    EXPECT_EQ(post(source.port(), hit + "\n{broken\n" + regmod + "\n" + binary), 200);
    runner.stop();
    EXPECT_EQ(sink.keys(), (std::vector<std::string>{"watchlist.hit.process", "ingress.event.regmod",
                                                     "binarystore.file.added"}));
    EXPECT_EQ(sink.messages()[1].origin, "http POST line 3 from 127.0.0.1");
    ASSERT_EQ(sink.problems().size(), 1U);
    EXPECT_EQ(sink.problems()[0].origin, "http POST line 2 from 127.0.0.1");
}

TEST(ForwarderHttp, ARecordThatIsNotAnObjectIsReportedAndTheRestAnswered200) {
    ForwarderHttp source(ForwarderHttpOptions{});
    TestSink sink;
    SourceRunner runner(source, sink);
    EXPECT_EQ(post(source.port(), envelope(temp_name, {hit, "42", regmod})), 200);
    runner.stop();
    EXPECT_EQ(sink.messages().size(), 2U);
    ASSERT_EQ(sink.problems().size(), 1U);
    EXPECT_EQ(sink.problems()[0].origin, "http POST " + temp_name + " #2 from 127.0.0.1");
}

TEST(ForwarderHttp, TheAnswerComesOnlyAfterEveryCallbackRan) {
    ForwarderHttp source(ForwarderHttpOptions{});
    TestSink sink(TestSink::Mode::hold);
    SourceRunner runner(source, sink);
    std::atomic<int> status{0};
    std::thread poster([&] { status = post(source.port(), envelope(temp_name, {hit, regmod})); });
    ASSERT_TRUE(sink.wait_messages(2));
    EXPECT_EQ(status.load(), 0) << "answered before the callbacks ran";
    sink.release(true);
    poster.join();
    EXPECT_EQ(status.load(), 200);
    runner.stop();
}

TEST(ForwarderHttp, ADiscardedRecordMakesThePostFailWith503SoTheForwarderRetries) {
    ForwarderHttp source(ForwarderHttpOptions{});
    TestSink sink(TestSink::Mode::discard);
    SourceRunner runner(source, sink);
    EXPECT_EQ(post(source.port(), envelope(temp_name, {hit})), 503);
    sink.set_mode(TestSink::Mode::refuse);  // a consumer that is stopping
    EXPECT_EQ(post(source.port(), envelope(temp_name, {hit})), 503);
    sink.set_mode(TestSink::Mode::confirm);  // the forwarder's retry of the same batch
    EXPECT_EQ(post(source.port(), envelope(temp_name, {hit})), 200);
    runner.stop();
    EXPECT_TRUE(mentions(sink.problems(), "503"));
}

TEST(ForwarderHttp, ASlowConsumerGets503AfterTheConfirmTimeout) {
    ForwarderHttpOptions options;
    options.confirm_timeout = std::chrono::milliseconds(200);
    ForwarderHttp source(options);
    TestSink sink(TestSink::Mode::hold);
    SourceRunner runner(source, sink);
    EXPECT_EQ(post(source.port(), envelope(temp_name, {hit})), 503);
    sink.release(true);  // late: harmless
    runner.stop();
    EXPECT_TRUE(mentions(sink.problems(), "not handled within 200 ms"));
}

TEST(ForwarderHttp, StopAnswersWaitingPostsWith503AndReturnsPromptly) {
    ForwarderHttp source(ForwarderHttpOptions{});
    TestSink sink(TestSink::Mode::hold);
    SourceRunner runner(source, sink);
    std::atomic<int> status{0};
    std::thread poster([&] { status = post(source.port(), envelope(temp_name, {hit})); });
    ASSERT_TRUE(sink.wait_messages(1));
    EXPECT_LT(runner.stop(), std::chrono::milliseconds(1000));
    poster.join();
    EXPECT_EQ(status.load(), 503);
    sink.release(false);
}

TEST(ForwarderHttp, CallbacksThatFinishSoonAfterStopStillGet200) {
    // A consumer draining on stop confirms the batch a moment after stop(): the forwarder must not be told to post
    // handled records again. (The pause lets the waiting POST see the stop first: it looks every 50 ms.)
    ForwarderHttp source(ForwarderHttpOptions{});
    TestSink sink(TestSink::Mode::hold);
    SourceRunner runner(source, sink);
    std::atomic<int> status{0};
    std::thread poster([&] { status = post(source.port(), envelope(temp_name, {hit})); });
    ASSERT_TRUE(sink.wait_messages(1));
    source.stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    sink.release(true);
    poster.join();
    EXPECT_EQ(status.load(), 200);
    EXPECT_LT(runner.stop(), std::chrono::milliseconds(1000));
}

TEST(ForwarderHttp, OtherPathsGet404) {
    ForwarderHttpOptions options;
    options.path = "/cb/events";
    ForwarderHttp source(options);
    TestSink sink;
    SourceRunner runner(source, sink);
    EXPECT_EQ(post(source.port(), envelope(temp_name, {hit}), {}, "/"), 404);
    EXPECT_EQ(post(source.port(), envelope(temp_name, {hit}), {}, "/cb/events"), 200);
    runner.stop();
}

TEST(ForwarderHttp, ServesHttpsWithTheGivenCertificate) {
    cbapi::test::ScratchDir dir;
    const auto cert = cbapi::test::make_self_signed_cert("localhost");
    cbapi::test::write_file(dir.path() / "cert.pem", cert.certificate_pem);
    cbapi::test::write_file(dir.path() / "key.pem", cert.private_key_pem);
    ForwarderHttpOptions options;
    options.tls_certificate_file = (dir.path() / "cert.pem").string();
    options.tls_private_key_file = (dir.path() / "key.pem").string();
    ForwarderHttp source(options);
    EXPECT_EQ(source.name().rfind("forwarder https://127.0.0.1:", 0), 0U);
    TestSink sink;
    SourceRunner runner(source, sink);
    httplib::SSLClient client("localhost", source.port());
    client.set_ca_cert_path(options.tls_certificate_file.c_str());
    client.enable_server_certificate_verification(true);
    const auto res = client.Post("/", envelope(temp_name, {hit}), "application/json");
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(post(source.port(), envelope(temp_name, {hit})), -1);  // plain HTTP gets no answer
    runner.stop();
    EXPECT_EQ(sink.messages().size(), 1U);
}

TEST(ForwarderHttp, RejectsUnusableOptions) {
    ForwarderHttpOptions only_cert;
    only_cert.tls_certificate_file = "/nonexistent/cert.pem";
    EXPECT_THROW(ForwarderHttp{only_cert}, cbapi::ApiError);
    ForwarderHttpOptions missing;
    missing.tls_certificate_file = "/nonexistent/cert.pem";
    missing.tls_private_key_file = "/nonexistent/key.pem";
    EXPECT_THROW(ForwarderHttp{missing}, cbapi::ApiError);
    ForwarderHttpOptions bad_path;
    bad_path.path = "events";
    EXPECT_THROW(ForwarderHttp{bad_path}, cbapi::ApiError);
    ForwarderHttp first(ForwarderHttpOptions{});
    ForwarderHttpOptions taken;
    taken.port = first.port();
    EXPECT_THROW(ForwarderHttp{taken}, cbapi::ApiError);
}

TEST(ForwarderHttp, AnIdleReceiverUsesNoMeasurableCpu) {
    ForwarderHttp source(ForwarderHttpOptions{});
    TestSink sink;
    SourceRunner runner(source, sink);
    EXPECT_EQ(post(source.port(), envelope(temp_name, {hit})), 200);
    rusage before{};
    rusage after{};
    ::getrusage(RUSAGE_SELF, &before);
    std::this_thread::sleep_for(std::chrono::seconds(1));  // the measurement window
    ::getrusage(RUSAGE_SELF, &after);
    runner.stop();
    const auto seconds = [](const rusage& u) {
        return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
               static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
    };
    EXPECT_LT(seconds(after) - seconds(before), 0.2);
}

}  // namespace
