// The registry: routing by topic pattern, typed decoding, errors collected, counters, registration while dispatching.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "cbapi/events/registry.hpp"
#include "sensor_events.pb.h"

namespace ev = cbapi::events;

namespace {

ev::Message message(std::string key, std::string body = "{}", std::string content_type = "application/json") {
    ev::Message m;
    m.routing_key = std::move(key);
    m.body = std::move(body);
    m.content_type = std::move(content_type);
    m.origin = "test";
    return m;
}

std::string regmod_event(const std::string& path) {
    cbapi::events::pb::CbEventMsg msg;
    msg.mutable_header()->set_version(4);
    msg.mutable_regmod()->set_utf8_regpath(path);
    return msg.SerializeAsString();
}

std::string frame(const std::string& event) {
    std::string out(4, '\0');
    const auto n = static_cast<std::uint32_t>(event.size());
    for (int i = 0; i < 4; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xFFu);
    return out + event;
}

}  // namespace

TEST(Registry, WildcardPatternsRunEveryMatchingCallbackInOrder) {
    ev::Registry registry;
    std::vector<std::string> calls;
    registry.on("watchlist.hit.#", [&](const ev::Message& m) { calls.push_back("hash:" + m.routing_key); });
    registry.on("watchlist.hit.process", [&](const ev::Message& m) { calls.push_back("exact:" + m.routing_key); });
    registry.on("feed.*.ingress.hit.process", [&](const ev::Message& m) { calls.push_back("feed:" + m.routing_key); });
    registry.dispatch(message("watchlist.hit.process"));
    registry.dispatch(message("watchlist.hit.binary"));
    registry.dispatch(message("feed.24.ingress.hit.process"));
    registry.dispatch(message("feed.ingress.hit.process"));
    EXPECT_EQ(calls, (std::vector<std::string>{"hash:watchlist.hit.process", "exact:watchlist.hit.process",
                                               "hash:watchlist.hit.binary", "feed:feed.24.ingress.hit.process"}));
    const auto stats = registry.stats();
    EXPECT_EQ(stats.delivered, 4u);
    EXPECT_EQ(stats.dispatched, 4u);
    EXPECT_EQ(stats.unmatched, 1u);
    EXPECT_EQ(stats.malformed, 0u);
}

TEST(Registry, AThrowingCallbackIsRecordedAndTheOthersStillRun) {
    ev::Registry registry;
    int after = 0;
    registry.on("watchlist.hit.#", [](const ev::Message&) { throw std::runtime_error("isolate failed: KeyError sensor_id"); },
                "isolate");
    registry.on("watchlist.hit.#", [](const ev::Message&) { throw 42; });
    registry.on("watchlist.hit.#", [&](const ev::Message&) { ++after; });
    ev::Message m = message("watchlist.hit.binary");
    m.origin = "/var/cb/out.json line 7";
    const auto before = std::chrono::system_clock::now();
    registry.dispatch(m);
    EXPECT_EQ(after, 1);
    const auto errors = registry.errors();
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0].subscription, "isolate");
    EXPECT_EQ(errors[0].routing_key, "watchlist.hit.binary");
    EXPECT_EQ(errors[0].origin, "/var/cb/out.json line 7");
    EXPECT_EQ(errors[0].what, "isolate failed: KeyError sensor_id");
    EXPECT_GE(errors[0].time, before);
    EXPECT_EQ(errors[1].subscription, "#2 watchlist.hit.#");
    EXPECT_EQ(errors[1].what, "unknown exception");
    EXPECT_EQ(registry.stats().callback_errors, 2u);
    EXPECT_EQ(registry.stats().dispatched, 3u);
    registry.clear_errors();
    EXPECT_TRUE(registry.errors().empty());
    EXPECT_EQ(registry.stats().callback_errors, 2u);
}

TEST(Registry, KeptErrorsAreBoundedAndDroppedOnesCounted) {
    ev::Registry registry(2);
    int n = 0;
    registry.on("#", [&](const ev::Message&) { throw std::runtime_error("e" + std::to_string(n++)); });
    for (int i = 0; i < 5; ++i) registry.dispatch(message("k"));
    const auto errors = registry.errors();
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0].what, "e3");
    EXPECT_EQ(errors[1].what, "e4");
    EXPECT_EQ(registry.stats().errors_dropped, 3u);
    EXPECT_EQ(registry.stats().callback_errors, 5u);
}

TEST(Registry, TypedCallbacksDecodeOnceAndSkipMalformedMessages) {
    ev::Registry registry;
    std::vector<std::string> names;
    int with_message = 0;
    registry.on<ev::WatchlistHit>("watchlist.hit.#",
                                  [&](const ev::WatchlistHit& hit) { names.push_back(hit.watchlist_name()); });
    registry.on<ev::WatchlistHit>("watchlist.#", [&](const ev::WatchlistHit& hit, const ev::Message& m) {
        with_message += hit.is_binary() && m.routing_key == "watchlist.hit.binary";
    });
    int raw = 0;
    registry.on("watchlist.hit.#", [&](const ev::Message&) { ++raw; });
    registry.dispatch(message("watchlist.hit.binary", R"({"watchlist_name":"Newly Loaded Modules"})"));
    registry.dispatch(message("watchlist.hit.process", "{not json"));
    registry.dispatch(message("watchlist.hit.process", "[1]"));
    EXPECT_EQ(names, std::vector<std::string>{"Newly Loaded Modules"});
    EXPECT_EQ(with_message, 1);
    EXPECT_EQ(raw, 3);  // the untyped callback still sees every message
    const auto stats = registry.stats();
    EXPECT_EQ(stats.malformed, 2u);  // once per message, not once per typed subscription
    EXPECT_EQ(stats.dispatched, 5u);
    EXPECT_EQ(stats.callback_errors, 0u);
}

TEST(Registry, SensorEventCallbacksRunOncePerEventOfABundle) {
    ev::Registry registry;
    std::vector<std::string> paths;
    registry.on<ev::SensorEvent>("ingress.event.#", [&](const ev::SensorEvent& event) {
        paths.push_back(std::get<ev::RegMod>(event.payload).path);
    });
    // One event per message on api.events.
    registry.dispatch(message("ingress.event.regmod", regmod_event("\\registry\\a"), "application/protobuf"));
    // A bundle (the raw exchange's headers say so) with a bad event in the middle.
    ev::Message bundle = message("ingress.event.bundle",
                                 frame(regmod_event("\\registry\\b")) + frame("\x08\x01") + frame(regmod_event("\\registry\\c")),
                                 "application/protobuf");
    bundle.headers = {{"sensorId", "3"}};
    registry.dispatch(bundle);
    // Truncated protobuf: malformed, the callback is not called.
    registry.dispatch(message("ingress.event.regmod", regmod_event("\\registry\\d").substr(0, 5), "application/protobuf"));
    EXPECT_EQ(paths, (std::vector<std::string>{"\\registry\\a", "\\registry\\b", "\\registry\\c"}));
    const auto stats = registry.stats();
    EXPECT_EQ(stats.malformed, 2u);
    EXPECT_EQ(stats.dispatched, 3u);
}

TEST(Registry, OffPatternsAndClear) {
    ev::Registry registry;
    int a = 0, b = 0;
    const auto first = registry.on("watchlist.hit.#", [&](const ev::Message&) { ++a; });
    registry.on("watchlist.hit.#", [&](const ev::Message&) { ++b; });
    registry.on<ev::FeedHit>("feed.#", [](const ev::FeedHit&) {});
    EXPECT_EQ(registry.patterns(), (std::vector<std::string>{"watchlist.hit.#", "feed.#"}));
    EXPECT_TRUE(registry.off(first));
    EXPECT_FALSE(registry.off(first));
    registry.dispatch(message("watchlist.hit.process"));
    EXPECT_EQ(a, 0);
    EXPECT_EQ(b, 1);
    registry.clear();
    EXPECT_TRUE(registry.patterns().empty());
    registry.dispatch(message("watchlist.hit.process"));
    EXPECT_EQ(b, 1);
    EXPECT_EQ(registry.stats().unmatched, 1u);
    EXPECT_THROW(registry.on("x", ev::Registry::Callback{}), std::invalid_argument);
}

TEST(Registry, CallbacksMayRegisterAndUnregisterWhileDispatching) {
    ev::Registry registry;
    int added_runs = 0;
    ev::SubscriptionId self = 0;
    self = registry.on("k", [&](const ev::Message&) {
        registry.on("k", [&](const ev::Message&) { ++added_runs; });
        registry.off(self);
    });
    registry.dispatch(message("k"));  // the added one takes effect from the next message
    EXPECT_EQ(added_runs, 0);
    registry.dispatch(message("k"));
    EXPECT_EQ(added_runs, 1);
}

TEST(Registry, ConcurrentDispatchAndRegistration) {
    ev::Registry registry;
    std::atomic<int> runs{0};
    registry.on("a.#", [&](const ev::Message&) { runs.fetch_add(1); });
    std::atomic<bool> done{false};
    std::thread churn([&] {
        while (!done.load()) {
            const auto id = registry.on("a.b", [](const ev::Message&) {});
            (void)registry.patterns();
            registry.off(id);
        }
    });
    std::vector<std::thread> dispatchers;
    for (int t = 0; t < 3; ++t) {
        dispatchers.emplace_back([&] {
            for (int i = 0; i < 500; ++i) registry.dispatch(message("a.b"));
        });
    }
    for (auto& thread : dispatchers) thread.join();
    done.store(true);
    churn.join();
    EXPECT_EQ(runs.load(), 1500);
    EXPECT_EQ(registry.stats().delivered, 1500u);
}
