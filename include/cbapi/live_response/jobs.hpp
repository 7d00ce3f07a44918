#pragma once
/// @file
/// A job of the Live Response job pool behind SessionManager::submit_job() (the pool itself is private to the
/// library: worker threads that run jobs against sessions, one worker per sensor at a time, reusing the session for
/// every job queued for that sensor).

#include "cbapi/fwd.hpp"

#include <exception>
#include <functional>

#include "cbapi/live_response/session.hpp"

namespace cbapi::live_response::detail {

/// One queued job: `run` executes it with a session; `fail` resolves it with an error it never got to run for.
struct Job {
    std::function<void(Session&)> run;
    std::function<void(std::exception_ptr)> fail;
};

}  // namespace cbapi::live_response::detail
