// Scale-out: two consumer processes (cbapi_events_bus_consumer) share one durable queue as competing consumers with a
// prefetch limit. One of them is killed mid-stream and started again. Every message must be handled; a message handled
// twice must have been redelivered (at-least-once); with a clean stop (SIGTERM) every message is handled exactly once.
#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "events_bus/bus_support.hpp"

extern char** environ;

namespace cbapi::test {
namespace {

namespace fs = std::filesystem;

constexpr int message_count = 2000;

/// One consumer process; killed (SIGKILL) and reaped on destruction if still running.
class ConsumerProcess {
public:
    ConsumerProcess(const std::string& queue, const fs::path& output) {
        std::vector<std::string> argv{CBAPI_BUS_CONSUMER, std::to_string(broker().port()), queue, "20", output.string(),
                                      "1000"};
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        if (posix_spawn(&pid_, args[0], nullptr, nullptr, args.data(), environ) != 0) pid_ = -1;
    }
    ~ConsumerProcess() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    ConsumerProcess(const ConsumerProcess&) = delete;
    ConsumerProcess& operator=(const ConsumerProcess&) = delete;
    bool started() const { return pid_ > 0; }
    /// Sends `signal` and waits for the exit; returns the exit status (wait(2) form).
    int stop_with(int signal) {
        ::kill(pid_, signal);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return status;
    }

private:
    pid_t pid_ = -1;
};

struct Handled {
    int id;
    bool redelivered;
};

std::vector<Handled> read_handled(const fs::path& file) {
    std::vector<Handled> out;
    std::ifstream in(file);
    int id = 0;
    int redelivered = 0;
    while (in >> id >> redelivered) out.push_back({id, redelivered != 0});
    return out;
}

std::size_t line_count(const std::vector<fs::path>& files) {
    std::size_t n = 0;
    for (const auto& f : files) n += read_handled(f).size();
    return n;
}

std::map<int, std::vector<bool>> by_id(const std::vector<fs::path>& files) {
    std::map<int, std::vector<bool>> out;
    for (const auto& f : files) {
        for (const auto& h : read_handled(f)) out[h.id].push_back(h.redelivered);
    }
    return out;
}

fs::path scratch(const std::string& name) {
    fs::path dir = broker().dir() / name;
    fs::create_directories(dir);
    return dir;
}

/// Runs the scenario: consumers A and B, A stopped with `signal` mid-stream and started again as A2. Returns the
/// handled ids per message.
std::map<int, std::vector<bool>> run_scenario(const std::string& queue, int signal) {
    const fs::path dir = scratch(queue);
    const std::vector<fs::path> files{dir / "a.txt", dir / "b.txt", dir / "a2.txt"};
    // The queue is filled first, so that the stream is long (each consumer spends 1 ms per message) and the stop below
    // lands in its middle whatever the machine's speed.
    declare_shared_queue(queue, "scale.#");
    for (int i = 0; i < message_count; ++i) publish("scale.event", std::to_string(i));
    auto a = std::make_unique<ConsumerProcess>(queue, files[0]);
    ConsumerProcess b(queue, files[1]);
    EXPECT_TRUE(a->started() && b.started());
    // Mid-stream: A has handled some, and many are still queued.
    EXPECT_TRUE(eventually([&] { return read_handled(files[0]).size() >= 150; }, std::chrono::seconds(20)));
    const int status = a->stop_with(signal);
    if (signal == SIGTERM) {
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    }
    EXPECT_LT(line_count(files), static_cast<std::size_t>(message_count)) << "the stream was not stopped mid-way";
    ConsumerProcess a2(queue, files[2]);
    EXPECT_TRUE(eventually([&] { return by_id(files).size() >= static_cast<std::size_t>(message_count); },
                           std::chrono::seconds(30)));
    // Stop both cleanly; the queue must be empty (everything acknowledged).
    EXPECT_TRUE(WIFEXITED(a2.stop_with(SIGTERM)));
    EXPECT_TRUE(WIFEXITED(b.stop_with(SIGTERM)));
    EXPECT_EQ(queue_depth(queue), 0u);
    EXPECT_FALSE(read_handled(files[1]).empty()) << "B handled nothing: no competing consumers";
    EXPECT_FALSE(read_handled(files[2]).empty()) << "the restarted consumer handled nothing";
    return by_id(files);
}

TEST(EventBusScaleOut, KilledConsumerLosesNothingAndDuplicatesAreMarkedRedelivered) {
    const auto handled = run_scenario("scale-kill", SIGKILL);
    ASSERT_EQ(handled.size(), static_cast<std::size_t>(message_count));
    EXPECT_EQ(handled.begin()->first, 0);
    EXPECT_EQ(handled.rbegin()->first, message_count - 1);
    std::size_t redelivered = 0;
    for (const auto& [id, deliveries] : handled) {
        std::size_t first_deliveries = 0;
        for (bool r : deliveries) {
            if (r) ++redelivered;
            else ++first_deliveries;
        }
        // Handled twice only if the broker redelivered it: at most one handling saw it fresh.
        EXPECT_LE(first_deliveries, 1u) << "message " << id << " handled twice without being redelivered";
    }
    // The killed consumer held unacknowledged messages (prefetch 20): the broker gave them to the others, marked.
    EXPECT_GT(redelivered, 0u);
}

TEST(EventBusScaleOut, CleanlyStoppedConsumerHandsOverExactlyOnce) {
    const auto handled = run_scenario("scale-term", SIGTERM);
    ASSERT_EQ(handled.size(), static_cast<std::size_t>(message_count));
    for (const auto& [id, deliveries] : handled) {
        EXPECT_EQ(deliveries.size(), 1u) << "message " << id << " handled " << deliveries.size() << " times";
    }
}

}  // namespace
}  // namespace cbapi::test
