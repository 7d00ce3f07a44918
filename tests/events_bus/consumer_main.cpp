// cbapi_events_bus_consumer: one competing consumer of a shared durable event-bus queue, for the scale-out test.
//
//   cbapi_events_bus_consumer <port> <queue> <prefetch> <output file> [<handle microseconds>]
//
// Connects as guest to 127.0.0.1:<port>, consumes <queue> (QueueMode::shared_durable, bound to `scale.#`) and, for
// each message, waits <handle microseconds> (simulated work), then appends "<body> <redelivered 0|1>\n" to the output
// file with one write(2) (so a SIGKILL never leaves half a line), then confirms the message (DoneCallback(true)),
// which acknowledges it to the broker. SIGTERM or SIGINT stops it cleanly (exit 0).
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <thread>

#include "cbapi/events/bus.hpp"

namespace {

class FileSink : public cbapi::events::Sink {
public:
    FileSink(int fd, long handle_us) : fd_(fd), handle_us_(handle_us) {}
    bool deliver(cbapi::events::Message message, cbapi::events::DoneCallback done) override {
        if (handle_us_ > 0) std::this_thread::sleep_for(std::chrono::microseconds(handle_us_));
        const std::string line = message.body + (message.redelivered ? " 1\n" : " 0\n");
        if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
            std::perror("write");
            std::_Exit(3);
        }
        if (done) done(true);
        return true;
    }
    void report(cbapi::events::SourceProblem problem) override {
        std::fprintf(stderr, "consumer %d: %s\n", static_cast<int>(::getpid()), problem.what.c_str());
    }

private:
    int fd_;
    long handle_us_;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: %s <port> <queue> <prefetch> <output file> [<handle microseconds>]\n", argv[0]);
        return 2;
    }
    // Signals are taken by a thread of our own (sigwait), which calls stop(): stop() is not async-signal-safe.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    const int fd = ::open(argv[4], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        std::perror(argv[4]);
        return 2;
    }
    try {
        cbapi::events::EventBusOptions options;
        options.connection.host = "127.0.0.1";
        options.connection.port = std::atoi(argv[1]);
        options.connection.user = "guest";
        options.connection.password = "guest";
        options.queue_mode = cbapi::events::QueueMode::shared_durable;
        options.queue_name = argv[2];
        options.prefetch = static_cast<std::uint16_t>(std::atoi(argv[3]));
        options.reconnect.initial_delay = std::chrono::milliseconds(100);
        cbapi::events::EventBus bus(options);
        bus.subscribe({"scale.#"});
        std::thread([&bus, signals] {
            int signal = 0;
            sigwait(&signals, &signal);
            bus.stop();
        }).detach();
        FileSink sink(fd, argc > 5 ? std::atol(argv[5]) : 0);
        bus.run(sink);
        ::close(fd);
        // Leave without destroying `bus`: the signal thread may still hold a reference to it.
        std::fflush(nullptr);
        std::_Exit(0);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "consumer: %s\n", e.what());
        return 1;
    }
}
