// The process-wide `cbapi` logger. Compiled (not inline) so that one instance exists per process even when the
// SDK is linked into several shared objects.
//
// Every sink of the logger is wrapped in a RedactingSink, so that every line, whoever formatted it, passes the same
// redaction step as exception texts (detail::redact_secrets): the token, its escaped forms, URL passwords.
#include "cbapi/logging.hpp"

#include <mutex>

#include <spdlog/details/log_msg.h>
#include <spdlog/sinks/sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include "cbapi/errors.hpp"

namespace cbapi {
namespace {

class RedactingSink final : public spdlog::sinks::sink {
public:
    explicit RedactingSink(spdlog::sink_ptr inner) : inner_(std::move(inner)) {}

    void log(const spdlog::details::log_msg& msg) override {
        if (!inner_->should_log(msg.level)) return;
        const std::string_view payload(msg.payload.data(), msg.payload.size());
        const std::string redacted = detail::redact_secrets(payload);
        if (redacted == payload) {
            inner_->log(msg);
            return;
        }
        spdlog::details::log_msg copy = msg;
        copy.payload = spdlog::string_view_t(redacted.data(), redacted.size());
        inner_->log(copy);
    }
    void flush() override { inner_->flush(); }
    void set_pattern(const std::string& pattern) override { inner_->set_pattern(pattern); }
    void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
        inner_->set_formatter(std::move(formatter));
    }

private:
    spdlog::sink_ptr inner_;
};

// Wraps every sink of `log` that is not wrapped yet.
void redact_sinks_of(spdlog::logger& log) {
    for (auto& sink : log.sinks())
        if (dynamic_cast<RedactingSink*>(sink.get()) == nullptr) sink = std::make_shared<RedactingSink>(sink);
}

std::shared_ptr<spdlog::logger> make_default_logger() {
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    auto log = std::make_shared<spdlog::logger>("cbapi", std::move(sink));
    log->set_level(spdlog::level::warn);
    redact_sinks_of(*log);
    return log;
}

struct LoggerSlot {
    std::mutex mutex;
    std::shared_ptr<spdlog::logger> current = make_default_logger();
};

LoggerSlot& slot() {
    static LoggerSlot instance;
    return instance;
}

}  // namespace

std::shared_ptr<spdlog::logger> logger() {
    auto& s = slot();
    std::lock_guard<std::mutex> lock(s.mutex);
    return s.current;
}

void set_logger(std::shared_ptr<spdlog::logger> replacement) {
    auto& s = slot();
    std::lock_guard<std::mutex> lock(s.mutex);
    if (replacement) redact_sinks_of(*replacement);
    s.current = replacement ? std::move(replacement) : make_default_logger();
}

void set_log_level(spdlog::level::level_enum level) { logger()->set_level(level); }

}  // namespace cbapi
