#pragma once
/// @file
/// The SDK's logger: one spdlog logger named `cbapi`, quiet (warn) by default.

#include "cbapi/fwd.hpp"

#include <memory>

#include <spdlog/logger.h>

namespace cbapi {

/// The logger every part of the SDK writes to (name `cbapi`, level `warn`, stderr sink by default).
///
/// Thread-safe. The application may change its level or sinks, or replace it entirely with set_logger().
/// Check the level before formatting expensive messages: `if (cbapi::logger()->should_log(level))`.
std::shared_ptr<spdlog::logger> logger();

/// Replaces the SDK's logger (e.g. with one that writes to the application's sinks).
///
/// Each sink the logger has at this call is wrapped so that every line reaching it is redacted like exception texts
/// (the API token in any form, URL and proxy passwords). Add sinks before calling set_logger(): a sink added to
/// the logger afterwards receives lines unredacted.
/// @param replacement the new logger; `nullptr` restores the default stderr logger.
void set_logger(std::shared_ptr<spdlog::logger> replacement);

/// Sets the level of the SDK's current logger.
/// @code cbapi::set_log_level(spdlog::level::debug); @endcode
void set_log_level(spdlog::level::level_enum level);

}  // namespace cbapi
