#pragma once
/// @file
/// InterruptGuard: closes a program's Live Response sessions when it gets SIGINT or SIGTERM (POSIX).

#include "cbapi/fwd.hpp"

#include <functional>
#include <memory>
#include <thread>

#include "cbapi/live_response/manager.hpp"

namespace cbapi::live_response {

/// Closes the Live Response sessions of the managers it watches when the program gets SIGINT or SIGTERM, so that an
/// interrupted program leaves no session open on the server (which allows only about 10; a later request_session
/// would otherwise adopt the orphan).
///
/// The constructor blocks SIGINT and SIGTERM in the calling thread, and so in every thread started from it
/// afterwards (threads inherit the mask), and starts one thread that waits for them with `sigwaitinfo`. Construct it
/// first thing in `main()`, before any thread exists (the API object, curl and the job pool start threads): a
/// thread that does not block the signals would take them with their default action, and the program would end
/// without closing anything. On a signal, the watcher thread calls SessionManager::close_all() on every watched
/// manager (waits in progress end at once, each session is closed on the server), runs the callbacks, and then:
///
/// - `Mode::exit` (the default): ends the program with `128 + signal` (130 for SIGINT, 143 for SIGTERM) through
///   `std::_Exit` after flushing stdio, whatever the other threads are doing (an interactive shell blocked reading
///   its input, for example). Destructors do not run; the sessions are already closed.
/// - `Mode::close_only`: the program goes on; its Live Response calls throw LiveResponseClosedError, so it unwinds
///   normally, and it can ask signal() how to exit. A second signal ends the program as in `Mode::exit`.
///
/// Only one InterruptGuard may exist at a time. Destroying it stops the watcher and, when destroyed by the thread
/// that made it, restores that thread's signal mask (a signal still pending is then delivered as usual).
///
/// @code
/// int main(int argc, char** argv) {
///     cbapi::live_response::InterruptGuard guard;          // before any thread
///     auto cb = cbapi::response::CbResponseAPI::from_profile();
///     auto lr = cb.live_response();
///     guard.watch(lr);                                     // Ctrl-C now closes lr's sessions, then exits 130
///     auto session = lr.request_session(3);
///     ...
/// }
/// @endcode
class InterruptGuard {
public:
    /// What happens after the sessions are closed.
    enum class Mode {
        exit,        ///< end the program with 128 + signal
        close_only,  ///< let the program unwind (a second signal ends it)
    };

    /// Blocks SIGINT and SIGTERM and starts the watcher thread.
    /// @param mode what to do after closing the sessions
    /// @throws ApiError when another InterruptGuard exists or the watcher cannot be started
    explicit InterruptGuard(Mode mode = Mode::exit);
    /// Stops the watcher; see the class notes.
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

    /// Closes this manager's sessions on a signal (SessionManager::close_all()). The manager is not kept alive by
    /// the guard. Thread-safe.
    void watch(const SessionManager& manager);

    /// Runs `callback(signal)` on the watcher thread after the watched managers are closed and before the program
    /// exits (e.g. to print a message). It must not throw. Thread-safe.
    void on_signal(std::function<void(int signal)> callback);

    /// The signal that arrived (SIGINT or SIGTERM), or 0. Set as soon as it arrives, before the sessions are closed.
    int signal() const;

    /// The exit code for a signal: 128 + signal (130 for SIGINT, 143 for SIGTERM), as a shell reports it.
    static int exit_code(int signal) noexcept { return 128 + signal; }

private:
    struct State;
    static void handle(State& s, int sig);
    std::shared_ptr<State> state_;
    std::thread watcher_;
};

}  // namespace cbapi::live_response
