// The process-wide `cbapi` logger. Compiled (not inline) so that one instance exists per process even when the
// SDK is linked into several shared objects.
#include "cbapi/logging.hpp"

#include <mutex>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace cbapi {
namespace {

std::shared_ptr<spdlog::logger> make_default_logger() {
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    auto log = std::make_shared<spdlog::logger>("cbapi", std::move(sink));
    log->set_level(spdlog::level::warn);
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
    s.current = replacement ? std::move(replacement) : make_default_logger();
}

void set_log_level(spdlog::level::level_enum level) { logger()->set_level(level); }

}  // namespace cbapi
