#pragma once
// Shared test helpers: a recording sleeper, a log capture, a connection to a MockServer.

#include <chrono>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "cbapi/connection.hpp"
#include "cbapi/logging.hpp"
#include "cbapi/testing/mock_server.hpp"

namespace cbapi::test {

/// Records the delays it is asked to wait, without waiting.
class RecordingSleeper {
public:
    Sleeper sleeper() {
        return [this](std::chrono::milliseconds d) {
            std::lock_guard<std::mutex> lock(mutex_);
            delays_.push_back(d);
        };
    }
    std::vector<std::chrono::milliseconds> delays() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return delays_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::chrono::milliseconds> delays_;
};

/// Replaces the cbapi logger with one writing into a string for the lifetime of the object.
class LogCapture {
public:
    explicit LogCapture(spdlog::level::level_enum level = spdlog::level::trace) {
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
        sink->set_pattern("%l %v");
        auto log = std::make_shared<spdlog::logger>("cbapi", sink);
        log->set_level(level);
        set_logger(log);
    }
    ~LogCapture() { set_logger(nullptr); }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;

    std::string text() const { return stream_.str(); }

private:
    std::ostringstream stream_;
};

/// Credentials for a MockServer.
inline Credentials credentials_for(const testing::MockServer& server) {
    Credentials c;
    c.url = server.url();
    c.token = server.token();
    return c;
}

/// Connection options for tests: fixed backoff (no jitter), recording sleeper, short timeouts.
inline ConnectionOptions test_options(RecordingSleeper& sleeper) {
    ConnectionOptions o;
    o.sleeper = sleeper.sleeper();
    o.backoff.jitter = 0.0;
    o.timeout = std::chrono::seconds(20);
    o.connect_timeout = std::chrono::seconds(5);
    return o;
}

}  // namespace cbapi::test
