// The consumer: bounded queue back-pressure, drain vs discard with their DoneCallback results, stop latency,
// sources that throw or finish, problems reported. Waits poll state with yields and a deadline (no sleeps).
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "cbapi/events/consumer.hpp"

namespace ev = cbapi::events;
using namespace std::chrono_literals;

namespace {

template <typename Predicate>
bool eventually(Predicate predicate, std::chrono::seconds limit = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!predicate()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::yield();
    }
    return true;
}

ev::Message message(int n) {
    ev::Message m;
    m.routing_key = "watchlist.hit.process";
    m.content_type = "application/json";
    m.body = "{\"n\":" + std::to_string(n) + "}";
    m.origin = "test message " + std::to_string(n);
    return m;
}

// A gate callbacks wait at until the test opens it.
class Gate {
public:
    void wait() {
        std::unique_lock<std::mutex> lock(mutex_);
        ++waiting_;
        cv_.wait(lock, [&] { return open_; });
    }
    void open() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            open_ = true;
        }
        cv_.notify_all();
    }
    int waiting() {
        std::lock_guard<std::mutex> lock(mutex_);
        return waiting_;
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool open_ = false;
    int waiting_ = 0;
};

// Records DoneCallback results.
struct Outcomes {
    std::atomic<int> handled{0};
    std::atomic<int> discarded{0};
    ev::DoneCallback callback() {
        return [this](bool ok) { (ok ? handled : discarded).fetch_add(1); };
    }
};

// Delivers a fixed list, then waits for stop() (or returns at once when `one_shot`).
class ListSource : public ev::Source {
public:
    ListSource(std::string name, std::vector<ev::Message> messages, bool one_shot)
        : name_(std::move(name)), messages_(std::move(messages)), one_shot_(one_shot) {}
    std::string name() const override { return name_; }
    ev::Delivery delivery() const override { return ev::Delivery::at_least_once; }
    void subscribe(const std::vector<std::string>& patterns) override {
        std::lock_guard<std::mutex> lock(mutex_);
        patterns_ = patterns;
    }
    void run(ev::Sink& sink) override {
        for (auto& m : messages_) {
            if (!sink.deliver(m, [this](bool ok) { (ok ? confirmed : unconfirmed).fetch_add(1); })) {
                refused.fetch_add(1);
                return;
            }
        }
        sink.report({name_, "line 3", "not JSON"});
        if (one_shot_) return;
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait(lock, [&] { return stopped_; });
    }
    void stop() override {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopped_ = true;
        }
        cv_.notify_all();
    }
    std::vector<std::string> patterns() {
        std::lock_guard<std::mutex> lock(mutex_);
        return patterns_;
    }
    std::atomic<int> confirmed{0};
    std::atomic<int> unconfirmed{0};
    std::atomic<int> refused{0};

private:
    std::string name_;
    std::vector<ev::Message> messages_;
    bool one_shot_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool stopped_ = false;
    std::vector<std::string> patterns_;
};

class ThrowingSource : public ev::Source {
public:
    std::string name() const override { return "broken source"; }
    ev::Delivery delivery() const override { return ev::Delivery::at_most_once; }
    void run(ev::Sink&) override { throw std::runtime_error("credentials refused"); }
    void stop() override {}
};

}  // namespace

TEST(EventConsumer, AFullQueueBlocksDeliverUntilACallbackFinishes) {
    ev::Registry registry;
    Gate gate;
    std::atomic<int> seen{0};
    registry.on("#", [&](const ev::Message&) {
        seen.fetch_add(1);
        gate.wait();
    });
    ev::ConsumerOptions options;
    options.queue_capacity = 2;
    ev::Consumer consumer(registry, options);
    consumer.start();
    Outcomes outcomes;
    ASSERT_TRUE(consumer.deliver(message(1), outcomes.callback()));
    ASSERT_TRUE(eventually([&] { return gate.waiting() == 1; }));  // message 1 is in its callback
    ASSERT_TRUE(consumer.deliver(message(2), outcomes.callback()));
    ASSERT_TRUE(consumer.deliver(message(3), outcomes.callback()));
    EXPECT_EQ(consumer.stats().queued, 2u);
    std::atomic<bool> returned{false};
    std::atomic<bool> accepted{false};
    std::thread producer([&] {
        accepted = consumer.deliver(message(4), outcomes.callback());
        returned = true;
    });
    ASSERT_TRUE(eventually([&] { return consumer.stats().blocked_deliveries == 1; }));
    EXPECT_FALSE(returned.load());
    EXPECT_EQ(consumer.stats().queued, 2u);
    gate.open();
    producer.join();
    EXPECT_TRUE(accepted.load());
    consumer.stop(ev::StopMode::drain);
    EXPECT_EQ(seen.load(), 4);
    EXPECT_EQ(outcomes.handled.load(), 4);
    EXPECT_EQ(outcomes.discarded.load(), 0);
    EXPECT_EQ(consumer.stats().handled, 4u);
}

TEST(EventConsumer, DrainRunsEveryQueuedCallbackBeforeStopReturns) {
    ev::Registry registry;
    Gate gate;
    std::atomic<int> seen{0};
    registry.on("#", [&](const ev::Message&) {
        gate.wait();
        seen.fetch_add(1);
    });
    ev::Consumer consumer(registry);
    consumer.start();
    Outcomes outcomes;
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(consumer.deliver(message(i), outcomes.callback()));
    ASSERT_TRUE(eventually([&] { return gate.waiting() == 1; }));
    std::thread stopper([&] { consumer.stop(ev::StopMode::drain); });
    gate.open();
    stopper.join();
    EXPECT_EQ(seen.load(), 5);
    EXPECT_EQ(outcomes.handled.load(), 5);
    EXPECT_EQ(outcomes.discarded.load(), 0);
    // Once stopped, new messages are refused and their DoneCallback is never called.
    EXPECT_FALSE(consumer.deliver(message(100), outcomes.callback()));
    EXPECT_EQ(consumer.stats().refused, 1u);
    EXPECT_EQ(outcomes.handled.load() + outcomes.discarded.load(), 5);
}

TEST(EventConsumer, DiscardFailsQueuedMessagesAndLetsTheRunningCallbackFinish) {
    ev::Registry registry;
    Gate gate;
    std::atomic<int> seen{0};
    registry.on("#", [&](const ev::Message&) {
        gate.wait();
        seen.fetch_add(1);
    });
    ev::Consumer consumer(registry);
    consumer.start();
    Outcomes outcomes;
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(consumer.deliver(message(i), outcomes.callback()));
    ASSERT_TRUE(eventually([&] { return gate.waiting() == 1; }));
    std::thread stopper([&] { consumer.stop(ev::StopMode::discard); });
    // The four queued messages are discarded while the first callback still runs.
    ASSERT_TRUE(eventually([&] { return outcomes.discarded.load() == 4; }));
    EXPECT_EQ(outcomes.handled.load(), 0);
    gate.open();
    stopper.join();
    EXPECT_EQ(seen.load(), 1);
    EXPECT_EQ(outcomes.handled.load(), 1);
    EXPECT_EQ(consumer.stats().discarded, 4u);
    EXPECT_EQ(consumer.stats().handled, 1u);
}

TEST(EventConsumer, SourcesAreSubscribedRunAndStoppedPromptly) {
    ev::Registry registry;
    std::atomic<int> seen{0};
    registry.on("watchlist.hit.#", [&](const ev::Message&) { seen.fetch_add(1); });
    registry.on<ev::FeedHit>("feed.#", [](const ev::FeedHit&) {});
    auto source = std::make_shared<ListSource>("list", std::vector<ev::Message>{message(1), message(2), message(3)}, false);
    ev::Consumer consumer(registry);
    consumer.add(source);
    consumer.start();
    EXPECT_THROW(consumer.start(), std::logic_error);
    EXPECT_THROW(consumer.add(source), std::logic_error);
    ASSERT_TRUE(eventually([&] { return source->confirmed.load() == 3; }));
    EXPECT_EQ(source->patterns(), (std::vector<std::string>{"watchlist.hit.#", "feed.#"}));
    // wait() returns when another thread stops the consumer; stop() returns promptly.
    std::thread waiter([&] { consumer.wait(); });
    const auto begin = std::chrono::steady_clock::now();
    consumer.stop();
    const auto took = std::chrono::steady_clock::now() - begin;
    waiter.join();
    EXPECT_LT(took, 2s);
    EXPECT_EQ(seen.load(), 3);
    EXPECT_EQ(source->unconfirmed.load(), 0);
    ASSERT_EQ(consumer.problems().size(), 1u);
    EXPECT_EQ(consumer.problems()[0].what, "not JSON");
    EXPECT_EQ(consumer.stats().problems, 1u);
}

TEST(EventConsumer, ASourceThatThrowsIsReportedAndTheOthersFinish) {
    ev::Registry registry;
    std::atomic<int> seen{0};
    registry.on("#", [&](const ev::Message&) { seen.fetch_add(1); });
    auto good = std::make_shared<ListSource>("s3 pass", std::vector<ev::Message>{message(1), message(2)}, true);
    ev::Consumer consumer(registry);
    consumer.add(std::make_shared<ThrowingSource>());
    consumer.add(good);
    // Both sources end by themselves (one throws, one is one-shot): run() returns once everything is handled.
    consumer.run();
    EXPECT_EQ(seen.load(), 2);
    EXPECT_EQ(good->confirmed.load(), 2);
    const auto failures = consumer.failures();
    ASSERT_EQ(failures.size(), 1u);
    EXPECT_EQ(failures[0].source, "broken source");
    EXPECT_EQ(failures[0].what, "credentials refused");
    EXPECT_EQ(consumer.stats().source_failures, 1u);
}

TEST(EventConsumer, AThrowingCallbackStillCompletesTheMessage) {
    ev::Registry registry;
    registry.on("#", [](const ev::Message&) { throw std::runtime_error("ban failed"); });
    ev::Consumer consumer(registry);
    consumer.start();
    Outcomes outcomes;
    ASSERT_TRUE(consumer.deliver(message(1), outcomes.callback()));
    ASSERT_TRUE(consumer.deliver(message(2), [](bool) { throw std::runtime_error("ack failed"); }));
    consumer.stop();
    EXPECT_EQ(outcomes.handled.load(), 1);
    EXPECT_EQ(registry.stats().callback_errors, 2u);
    EXPECT_EQ(consumer.stats().done_errors, 1u);
    EXPECT_EQ(consumer.stats().handled, 2u);
}

TEST(EventConsumer, StopFromACallbackEndsWait) {
    ev::Registry registry;
    ev::ConsumerOptions options;
    ev::Consumer consumer(registry, options);
    std::atomic<int> seen{0};
    registry.on("#", [&](const ev::Message&) {
        if (seen.fetch_add(1) == 0) consumer.stop(ev::StopMode::discard);
    });
    auto source = std::make_shared<ListSource>("list", std::vector<ev::Message>{message(1)}, false);
    consumer.add(source);
    consumer.run();  // returns: the callback asked for the stop
    EXPECT_EQ(seen.load(), 1);
    EXPECT_EQ(source->confirmed.load(), 1);
    EXPECT_FALSE(consumer.deliver(message(2)));
}

TEST(EventConsumer, ProblemsAreBoundedButAllCounted) {
    ev::Registry registry;
    ev::ConsumerOptions options;
    options.max_problems = 2;
    ev::Consumer consumer(registry, options);
    for (int i = 0; i < 3; ++i) consumer.report({"file", "line " + std::to_string(i), "bad line"});
    const auto problems = consumer.problems();
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_EQ(problems[0].origin, "line 1");
    EXPECT_EQ(problems[1].origin, "line 2");
    EXPECT_EQ(consumer.stats().problems, 3u);
}

TEST(EventConsumer, SeveralWorkersHandleEverything) {
    ev::Registry registry;
    std::atomic<int> seen{0};
    registry.on("#", [&](const ev::Message&) { seen.fetch_add(1); });
    ev::ConsumerOptions options;
    options.workers = 4;
    options.queue_capacity = 8;
    Outcomes outcomes;
    {
        ev::Consumer consumer(registry, options);
        consumer.start();
        std::vector<std::thread> producers;
        for (int p = 0; p < 3; ++p) {
            producers.emplace_back([&] {
                for (int i = 0; i < 200; ++i) EXPECT_TRUE(consumer.deliver(message(i), outcomes.callback()));
            });
        }
        for (auto& thread : producers) thread.join();
    }  // the destructor drains
    EXPECT_EQ(seen.load(), 600);
    EXPECT_EQ(outcomes.handled.load(), 600);
}

TEST(EventConsumer, DeliveredBeforeStartIsHandledOnStop) {
    ev::Registry registry;
    std::atomic<int> seen{0};
    registry.on("#", [&](const ev::Message&) { seen.fetch_add(1); });
    ev::Consumer consumer(registry);
    Outcomes outcomes;
    ASSERT_TRUE(consumer.deliver(message(1), outcomes.callback()));
    consumer.stop();
    EXPECT_EQ(seen.load(), 1);
    EXPECT_EQ(outcomes.handled.load(), 1);
    EXPECT_THROW(ev::Consumer(registry, ev::ConsumerOptions{0, 1, 1}), std::invalid_argument);
}
