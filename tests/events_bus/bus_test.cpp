// EventBus and EventBusPublisher against a real RabbitMQ node (started once by the program's Environment).
#include <gtest/gtest.h>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "cbapi/credentials.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/events/bus.hpp"
#include "cbapi/logging.hpp"
#include "events_bus/bus_support.hpp"

namespace cbapi::test {
namespace {

using events::Delivery;
using events::EventBus;
using events::EventBusOptions;
using events::Message;
using events::QueueMode;
using std::chrono::milliseconds;

EventBusOptions per_process_options() {
    EventBusOptions options;
    options.connection = guest_connection();
    options.reconnect = BackoffPolicy{milliseconds(50), milliseconds(400), 2.0, 0.2, milliseconds(0)};
    return options;
}

EventBusOptions shared_options(const std::string& queue, std::uint16_t prefetch = 10) {
    EventBusOptions options = per_process_options();
    options.queue_mode = QueueMode::shared_durable;
    options.queue_name = queue;
    options.prefetch = prefetch;
    return options;
}

/// Waits until the bus has set up a connection (`n` in total).
bool connected(const EventBus& bus, std::uint64_t n = 1) {
    return eventually([&] { return bus.stats().connections >= n; });
}

std::string host_name() {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    return host;
}

// A raw netconn event (a CbEventMsg, protobuf; the reference's golden bytes): contains NUL bytes and non-UTF-8.
const std::string protobuf_body = std::string(
    "\x0a\x4f\x08\x04\x20\x90\xf3\x9d\x86\xaa\x93\xc8\xe8\x01\x28\xe0\xf7\xec\xbd\xc9\x86\x8a\x8e\xd8\x01\x48\x82"
    "\x95\xc6\xc7\x9b\x93\xc8\xe8\x01\x50\x8c\x12\x5a\x10\xc1\x0a\x66\x18\x9d\xc8\xc0\x90\xe7\xc8\x48\x73\xed\xce"
    "\xbc\x88\x62\x17\x63\x3a\x5c\x77\x69\x6e\x64\x6f\x77\x73\x5c\x65\x78\x70\x6c\x6f\x72\x65\x72\x2e\x65\x78\x65"
    "\x32\x23\x10\x97\x88\xec\xdd\x01\x28\x80\xa0\x01\x30\x06\x40\x01\x48\x00\x68\x97\x88\xec\xdd\x01\x70\x80\xa0"
    "\x01\x78\xac\xbf\x78\x80\x01\xc0\x91\x03\x6a\x1b\x0a\x15\x08\x07\x12\x0f\x57\x49\x4e\x2d\x4f\x54\x45\x4d\x4e"
    "\x55\x54\x42\x53\x32\x33\x18\x00\x12\x02\x08\x00",
    147);

TEST(EventBus, DeliversBoundKeysWithBodyContentTypeAndHeadersIntact) {
    EventBus bus(per_process_options());
    EXPECT_EQ(bus.delivery(), Delivery::at_most_once);
    bus.subscribe({"watchlist.hit.#", "feed.*.ingress.hit.process", "ingress.event.netconn", "watchlist.hit.#"});
    EXPECT_EQ(bus.patterns().size(), 3u);  // a repeated pattern is bound once
    RecordingSink sink;
    SourceThread runner(bus, sink);
    ASSERT_TRUE(connected(bus));

    const std::string hit = R"({"watchlist_id":2,"watchlist_name":"Non-System Filemods","docs":[{"sensor_id":7}]})";
    const std::string feed = R"({"feed_id":24,"feed_name":"threatconnectintegration","ioc_type":"dns"})";
    publish("watchlist.hit.process", hit);
    publish("feed.ingress.hit.process", feed);  // 4 words: feed.*.ingress.hit.process needs 5, not delivered
    publish("alert.watchlist.hit.ingress.process", "{}");  // not bound
    publish("watchlist", "{}");                            // watchlist.hit.# needs at least two words
    publish("feed.24.ingress.hit.process", feed);
    publish("ingress.event.netconn", protobuf_body, "application/protobuf",
            {{"sensorId", "7"}, {"sensorHostName", "WIN-OTEMNUTBS23"}, {"nodeId", "0"}});
    publish("watchlist.hit", "{}");  // `#` matches zero words: delivered (and last)

    ASSERT_TRUE(sink.wait_for_messages(4));
    const auto messages = sink.messages();
    ASSERT_EQ(messages.size(), 4u);
    EXPECT_EQ(messages[0].routing_key, "watchlist.hit.process");
    EXPECT_EQ(messages[0].body, hit);
    EXPECT_EQ(messages[0].content_type, "application/json");
    EXPECT_FALSE(messages[0].redelivered);
    EXPECT_EQ(messages[1].routing_key, "feed.24.ingress.hit.process");
    EXPECT_EQ(messages[1].body, feed);
    EXPECT_EQ(messages[2].routing_key, "ingress.event.netconn");
    EXPECT_EQ(messages[2].content_type, "application/protobuf");
    EXPECT_EQ(messages[2].body, protobuf_body);
    const std::map<std::string, std::string> headers{
        {"sensorId", "7"}, {"sensorHostName", "WIN-OTEMNUTBS23"}, {"nodeId", "0"}};
    EXPECT_EQ(messages[2].headers, headers);
    EXPECT_EQ(messages[3].routing_key, "watchlist.hit");
    EXPECT_EQ(messages[3].origin, "amqp://127.0.0.1:" + std::to_string(broker().port()) + " queue " + bus.queue_name());
    EXPECT_GT(messages[3].received.time_since_epoch().count(), 0);
    EXPECT_TRUE(sink.reports().empty());
    // Counted once deliver() has returned, which may be just after the sink saw the message.
    EXPECT_TRUE(eventually([&] { return bus.stats().delivered == 4; })) << bus.stats().delivered;
}

TEST(EventBus, HeadersOfEveryAmqpTypeBecomeText) {
    EventBus bus(per_process_options());
    bus.subscribe({"rawsensordata"});
    RecordingSink sink;
    SourceThread runner(bus, sink);
    ASSERT_TRUE(connected(bus));
    publish_typed_headers("rawsensordata");
    ASSERT_TRUE(sink.wait_for_messages(1));
    const Message message = sink.messages()[0];
    EXPECT_EQ(message.content_type, "application/zip");
    EXPECT_EQ(message.body, "PK");
    const std::map<std::string, std::string> expected{
        {"flag", "true"},       {"sensorId", "7"},       {"big", "-5000000000"},
        {"ratio", "0.5"},       {"price", "12.34"},      {"sensorHostName", "WIN-OTEMNUTBS23"},
        {"list", "[1, a]"},     {"nested", "{k: v}"},    {"at", "1447697666"}};
    EXPECT_EQ(message.headers, expected);
}

TEST(EventBus, PerProcessQueueIsNamedLikeCbapiAndDeletedAfterStop) {
    EventBus bus(per_process_options());
    EXPECT_EQ(bus.queue_name(), "cbapi-event-handler-" + host_name() + "-" + std::to_string(::getpid()));
    bus.subscribe({"binarystore.file.added"});
    RecordingSink sink;
    auto runner = std::make_unique<SourceThread>(bus, sink);
    ASSERT_TRUE(connected(bus));
    EXPECT_TRUE(queue_exists(bus.queue_name()));
    publish("binarystore.file.added", R"({"md5":"33AE1B209D9BE2FC6835B8A35A889CEC"})");
    ASSERT_TRUE(sink.wait_for_messages(1));
    runner.reset();
    // The broker deletes an auto-delete queue when its consumer goes away (it would otherwise pile up on the server).
    EXPECT_TRUE(eventually([&] { return !queue_exists(bus.queue_name()); }, std::chrono::seconds(5)));
}

TEST(EventBus, MessageReturnedWithDoneFalseIsRedeliveredAndMarked) {
    EventBus bus(shared_options("bus-test-requeue"));
    EXPECT_EQ(bus.delivery(), Delivery::at_least_once);
    bus.subscribe({"alert.#"});
    RecordingSink sink;
    std::atomic<int> calls{0};
    sink.on_deliver([&](const Message&, events::DoneCallback& done) {
        ASSERT_TRUE(done) << "an at-least-once source must pass a DoneCallback";
        done(calls++ > 0);  // the first delivery is returned unhandled
    });
    SourceThread runner(bus, sink);
    ASSERT_TRUE(connected(bus));
    publish("alert.watchlist.hit.query.process", R"({"alert_type":"watchlist.hit.query.process"})");
    ASSERT_TRUE(sink.wait_for_messages(2));
    const auto messages = sink.messages();
    EXPECT_FALSE(messages[0].redelivered);
    EXPECT_TRUE(messages[1].redelivered);
    EXPECT_EQ(messages[1].body, messages[0].body);
    ASSERT_TRUE(eventually([&] { return bus.stats().acked == 1; }));
    EXPECT_EQ(bus.stats().requeued, 1u);
    runner.stop();
    EXPECT_EQ(queue_depth("bus-test-requeue"), 0u);  // acknowledged: gone from the queue
    EXPECT_TRUE(queue_exists("bus-test-requeue"));  // durable: the queue outlives its consumers
}

TEST(EventBus, PrefetchLimitsMessagesInFlight) {
    EventBus bus(shared_options("bus-test-prefetch", 3));
    bus.subscribe({"binaryinfo.#"});
    RecordingSink sink;
    std::mutex mutex;
    std::vector<events::DoneCallback> held;
    std::size_t max_in_flight = 0;
    sink.on_deliver([&](const Message&, events::DoneCallback& done) {
        std::lock_guard<std::mutex> lock(mutex);
        held.push_back(std::move(done));
        max_in_flight = std::max(max_in_flight, held.size());
    });
    SourceThread runner(bus, sink);
    ASSERT_TRUE(connected(bus));
    for (int i = 0; i < 8; ++i) publish("binaryinfo.observed", std::to_string(i));
    ASSERT_TRUE(sink.wait_for_messages(3));
    // A fourth message must not come while three are unacknowledged (a bounded wait shows its absence).
    EXPECT_FALSE(sink.wait_for_messages(4, milliseconds(400)));
    for (std::size_t released = 0; released < 8; ++released) {
        events::DoneCallback done;
        ASSERT_TRUE(eventually([&] {
            std::lock_guard<std::mutex> lock(mutex);
            if (held.empty()) return false;
            done = std::move(held.front());
            held.erase(held.begin());
            return true;
        }));
        done(true);
    }
    ASSERT_TRUE(sink.wait_for_messages(8));
    EXPECT_EQ(max_in_flight, 3u);
    const auto messages = sink.messages();
    for (int i = 0; i < 8; ++i) EXPECT_EQ(messages[static_cast<std::size_t>(i)].body, std::to_string(i));
    EXPECT_TRUE(eventually([&] { return bus.stats().acked == 8; }));
}

TEST(EventBus, ASlowCallbackDoesNotHoldThePrefetchWindowAndAcksCoalesceWithoutLoss) {
    // Acknowledgements are coalesced (one basic.ack with `multiple` for a settled run of deliveries), but a delivery
    // settled behind one still in a callback is acknowledged on its own: the window of 3 keeps moving.
    EventBus bus(shared_options("bus-test-coalesce", 3));
    bus.subscribe({"binaryinfo.#"});
    RecordingSink sink;
    std::mutex mutex;
    events::DoneCallback first;
    sink.on_deliver([&](const Message& message, events::DoneCallback& done) {
        if (message.body == "0") {
            std::lock_guard<std::mutex> lock(mutex);
            first = std::move(done);  // held: its callback is "still running"
        } else if (message.body == "5" && !message.redelivered) {
            done(false);  // returned once: redelivered later
        } else {
            done(true);
        }
    });
    SourceThread runner(bus, sink);
    ASSERT_TRUE(connected(bus));
    for (int i = 0; i < 12; ++i) publish("binaryinfo.observed", std::to_string(i));
    // 12 deliveries plus the redelivery of "5", while "0" is never confirmed: only possible if the others were
    // acknowledged one by one (a prefix-only acknowledgement would stall at 3 unconfirmed).
    ASSERT_TRUE(sink.wait_for_messages(13));
    EXPECT_TRUE(eventually([&] { return bus.stats().acked == 11 && bus.stats().requeued == 1; }));
    events::DoneCallback done;
    {
        std::lock_guard<std::mutex> lock(mutex);
        done = std::move(first);
    }
    ASSERT_TRUE(static_cast<bool>(done));
    done(true);
    EXPECT_TRUE(eventually([&] { return bus.stats().acked == 12; }));
    // More in order: acknowledged (coalesced or not), none delivered twice.
    for (int i = 12; i < 40; ++i) publish("binaryinfo.observed", std::to_string(i));
    ASSERT_TRUE(sink.wait_for_messages(41));
    EXPECT_TRUE(eventually([&] { return bus.stats().acked == 40; }));
    EXPECT_FALSE(sink.wait_for_messages(42, milliseconds(300)));
    std::map<std::string, int> seen;
    for (const auto& m : sink.messages()) ++seen[m.body];
    for (int i = 0; i < 40; ++i) EXPECT_EQ(seen[std::to_string(i)], i == 5 ? 2 : 1) << i;
}

TEST(EventBus, ReconnectsAfterTheBrokerRestartsAndKeepsItsBindings) {
    EventBus bus(per_process_options());
    bus.subscribe({"watchlist.hit.#", "feed.*.storage.hit.binary"});
    RecordingSink sink;
    SourceThread runner(bus, sink);
    ASSERT_TRUE(connected(bus));
    publish("watchlist.hit.process", "before");
    ASSERT_TRUE(sink.wait_for_messages(1));

    broker().stop();
    ASSERT_TRUE(sink.wait_for_reports(1));  // the lost connection is reported
    broker().start();
    ASSERT_TRUE(connected(bus, 2)) << "the bus did not come back";
    publish("alert.watchlist.hit.ingress.process", "not bound");
    publish("feed.6.storage.hit.binary", "after 1");
    publish("watchlist.hit.binary", "after 2");
    ASSERT_TRUE(sink.wait_for_messages(3));
    const auto messages = sink.messages();
    ASSERT_EQ(messages.size(), 3u);
    EXPECT_EQ(messages[1].body, "after 1");  // both bindings were made again, and consuming started again
    EXPECT_EQ(messages[2].body, "after 2");
    const auto reports = sink.reports();
    EXPECT_NE(reports[0].what.find("127.0.0.1"), std::string::npos) << reports[0].what;
    EXPECT_EQ(reports[0].source, bus.name());
    EXPECT_GE(bus.stats().failures, 1u);
}

TEST(EventBus, ChannelCloseIsReportedThenRetriedWithGrowingDelays) {
    // In this vhost api.events exists non-durable: declaring it durable makes the broker close the channel (406).
    EventBusOptions options = per_process_options();
    options.connection = guest_connection(mismatch_vhost);
    options.reconnect = BackoffPolicy{milliseconds(100), milliseconds(1000), 2.0, 0.2, milliseconds(0)};
    std::vector<milliseconds> delays;
    options.sleeper = [&](milliseconds delay) {
        delays.push_back(delay);
        if (delays.size() == 3) delete_exchange("api.events", mismatch_vhost);  // the operator fixes the broker
    };
    EventBus bus(options);
    bus.subscribe({"watchlist.#"});
    RecordingSink sink;
    SourceThread runner(bus, sink);
    ASSERT_TRUE(connected(bus)) << "the bus did not recover once the exchange was fixed";
    publish("watchlist.hit.process", "{}", "application/json", {}, mismatch_vhost);
    ASSERT_TRUE(sink.wait_for_messages(1));
    runner.stop();

    const auto reports = sink.reports();
    ASSERT_EQ(reports.size(), 3u);  // one per failed attempt: no spinning
    ASSERT_EQ(delays.size(), 3u);
    for (const auto& r : reports) {
        EXPECT_NE(r.what.find("406 PRECONDITION_FAILED"), std::string::npos) << r.what;
        EXPECT_NE(r.what.find("inequivalent arg 'durable'"), std::string::npos) << r.what;
    }
    // 100, 200, 400 ms, each reduced by up to 20 % jitter.
    EXPECT_TRUE(delays[0] >= milliseconds(80) && delays[0] <= milliseconds(100)) << delays[0].count();
    EXPECT_TRUE(delays[1] >= milliseconds(160) && delays[1] <= milliseconds(200)) << delays[1].count();
    EXPECT_TRUE(delays[2] >= milliseconds(320) && delays[2] <= milliseconds(400)) << delays[2].count();
}

TEST(EventBus, AccessRefusedOnTheExchangeIsReportedAndSurvived) {
    EventBusOptions options = per_process_options();
    options.connection.user = noperm_user;
    options.connection.password = noperm_password;
    std::atomic<int> waits{0};
    EventBus* bus_ptr = nullptr;
    options.sleeper = [&](milliseconds) {
        if (++waits == 3) bus_ptr->stop();
    };
    EventBus bus(options);
    bus_ptr = &bus;
    bus.subscribe({"watchlist.#"});
    RecordingSink sink;
    SourceThread runner(bus, sink);
    ASSERT_TRUE(runner.wait_finished(std::chrono::seconds(20)));
    EXPECT_FALSE(runner.error()) << *runner.error();  // reported, not thrown: permissions can be granted later
    const auto reports = sink.reports();
    ASSERT_EQ(reports.size(), 3u);
    EXPECT_NE(reports[0].what.find("403 ACCESS_REFUSED"), std::string::npos) << reports[0].what;
    EXPECT_EQ(reports[0].what.find(noperm_password), std::string::npos);
}

TEST(EventBus, PasswordWithUrlDelimitersWorksAndIsNeverShown) {
    EventBusOptions options = per_process_options();
    options.connection.user = odd_user;
    options.connection.password = odd_password;
    EventBus bus(options);
    EXPECT_EQ(bus.name(), "event bus amqp://we%40ird%3Auser@127.0.0.1:" + std::to_string(broker().port()));
    bus.subscribe({"feed.#"});
    RecordingSink sink;
    SourceThread runner(bus, sink);
    ASSERT_TRUE(connected(bus)) << (sink.reports().empty() ? "" : sink.reports()[0].what);
    publish("feed.3.query.hit.process", "{}");
    ASSERT_TRUE(sink.wait_for_messages(1));
    EXPECT_EQ(sink.messages()[0].origin.find(odd_password), std::string::npos);
}

TEST(EventBus, WrongPasswordThrowsCredentialErrorAndNeverShowsThePassword) {
    std::ostringstream log;
    auto logger = std::make_shared<spdlog::logger>("cbapi", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
    logger->set_level(spdlog::level::trace);
    cbapi::set_logger(logger);
    EventBusOptions options = per_process_options();
    const std::string password = "wrong-pass-7f3a9c";
    options.connection.password = password;
    EventBus bus(options);
    RecordingSink sink;
    try {
        bus.run(sink);
        ADD_FAILURE() << "run() returned";
    } catch (const CredentialError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("403"), std::string::npos) << what;
        EXPECT_NE(what.find("refused the login"), std::string::npos) << what;
        EXPECT_NE(what.find("127.0.0.1:" + std::to_string(broker().port())), std::string::npos) << what;
        EXPECT_EQ(what.find(password), std::string::npos) << what;
    }
    // Also through a failed connect (nothing listens) with every log level on.
    options.connection.port = 1;
    options.sleeper = [](milliseconds) {};
    EventBus refused(options);
    RecordingSink sink2;
    SourceThread runner(refused, sink2);
    ASSERT_TRUE(sink2.wait_for_reports(2));
    runner.stop();
    cbapi::set_logger(nullptr);
    cbapi::set_log_level(spdlog::level::err);
    for (const auto& r : sink2.reports()) EXPECT_EQ(r.what.find(password), std::string::npos) << r.what;
    EXPECT_NE(log.str().find("reconnecting"), std::string::npos) << log.str();
    EXPECT_EQ(log.str().find(password), std::string::npos) << log.str();
}

TEST(EventBus, MissingPasswordIsACredentialError) {
    Credentials credentials;
    credentials.rabbitmq_host = "cb.example.com";
    try {
        EventBus bus(credentials);
        ADD_FAILURE() << "no error";
    } catch (const CredentialError& e) {
        EXPECT_NE(std::string(e.what()).find("rabbitmq_pass"), std::string::npos) << e.what();
    }
    credentials.rabbitmq_pass = "";
    EXPECT_THROW(EventBus{credentials}, CredentialError);
    EventBusOptions options;
    EXPECT_THROW(EventBus{options}, CredentialError);
    EXPECT_THROW(events::EventBusPublisher{options.connection}, CredentialError);

    credentials.rabbitmq_pass = "s3cr3t:/@%";
    credentials.rabbitmq_user = "cbuser";
    EventBus bus(credentials);
    EXPECT_EQ(bus.name(), "event bus amqp://cbuser@cb.example.com:5004");
    credentials.rabbitmq_port = 70000;
    EXPECT_THROW(EventBus{credentials}, CredentialError);
}

TEST(EventBus, SharedQueueNeedsAName) {
    EventBusOptions options = per_process_options();
    options.queue_mode = QueueMode::shared_durable;
    EXPECT_THROW(EventBus{options}, std::invalid_argument);
    options.queue_name = std::string(256, 'q');
    EXPECT_THROW(EventBus{options}, std::invalid_argument);
    options.queue_name = "ok";
    EventBus bus(options);
    EXPECT_THROW(bus.subscribe({std::string(256, 'k')}), std::invalid_argument);
}

TEST(EventBus, BackoffIsCappedAndStopEndsAWaitAtOnce) {
    EventBusOptions options = per_process_options();
    options.connection.port = 1;  // nothing listens: connection refused at once
    options.reconnect = BackoffPolicy{milliseconds(100), milliseconds(500), 3.0, 0.0, milliseconds(0)};
    std::vector<milliseconds> delays;
    EventBus* bus_ptr = nullptr;
    options.sleeper = [&](milliseconds d) {
        delays.push_back(d);
        if (delays.size() == 5) bus_ptr->stop();
    };
    EventBus bus(options);
    bus_ptr = &bus;
    RecordingSink sink;
    bus.run(sink);
    EXPECT_EQ(delays, (std::vector<milliseconds>{milliseconds(100), milliseconds(300), milliseconds(500),
                                                 milliseconds(500), milliseconds(500)}));
    EXPECT_EQ(sink.reports().size(), 5u);
    EXPECT_NE(sink.reports()[0].what.find("cannot connect to amqp://guest@127.0.0.1:1"), std::string::npos)
        << sink.reports()[0].what;

    // The built-in wait (no sleeper) ends as soon as stop() is called, even with a long delay.
    EventBusOptions slow = per_process_options();
    slow.connection.port = 1;
    slow.reconnect = BackoffPolicy{milliseconds(60'000), milliseconds(60'000), 2.0, 0.0, milliseconds(0)};
    EventBus waiting(slow);
    RecordingSink sink2;
    SourceThread runner(waiting, sink2);
    ASSERT_TRUE(sink2.wait_for_reports(1));
    EXPECT_LT(runner.stop(), milliseconds(1000));
}

TEST(EventBus, StopReturnsPromptlyWhileIdle) {
    EventBus bus(per_process_options());
    bus.subscribe({"nothing.will.come"});
    RecordingSink sink;
    SourceThread runner(bus, sink);
    ASSERT_TRUE(connected(bus));
    EXPECT_LT(runner.stop(), milliseconds(1000));
    EXPECT_FALSE(runner.error());
}

TEST(EventBus, StopBeforeRunReturnsAtOnce) {
    EventBus bus(per_process_options());
    bus.stop();
    RecordingSink sink;
    bus.run(sink);
    EXPECT_EQ(bus.stats().connections, 0u);
}

TEST(EventBus, RefusedMessageEndsRunAndStaysQueued) {
    // A Sink that is stopping refuses the message: run() returns, the message stays in the durable queue.
    class RefusingSink : public events::Sink {
    public:
        bool deliver(Message, events::DoneCallback) override { return false; }
        void report(events::SourceProblem) override {}
    };
    declare_shared_queue("bus-test-refused", "refused.#");
    publish("refused.one", "kept");
    EventBus bus(shared_options("bus-test-refused"));
    RefusingSink sink;
    SourceThread runner(bus, sink);
    ASSERT_TRUE(runner.wait_finished(std::chrono::seconds(10)));
    EXPECT_TRUE(eventually([] { return queue_depth("bus-test-refused") == 1; }));
}

}  // namespace
}  // namespace cbapi::test
