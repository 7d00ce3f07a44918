// InterruptGuard: SIGINT and SIGTERM are blocked in every thread and taken by one watcher thread with sigwaitinfo, so
// the work done on a signal (HTTP requests closing sessions, logging) runs in an ordinary thread, never in a signal
// handler, where almost nothing is allowed.
#include "cbapi/live_response/interrupt.hpp"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <utility>
#include <vector>

#include "cbapi/errors.hpp"
#include "cbapi/logging.hpp"
#include "live_response/manager.hpp"

namespace cbapi::live_response {

namespace {

std::atomic<bool> guard_exists{false};

// The value the destructor queues with SIGTERM to wake the watcher; with `stopping` set it is told apart from a real
// signal.
constexpr int kWakeUp = 0x63626c72;  // "cblr"

sigset_t watched_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

const char* signal_name(int sig) { return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "signal"; }

[[noreturn]] void exit_for(int sig) {
    // Not fflush(nullptr): it would wait for stdin's lock, which a main thread blocked reading a command holds.
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(InterruptGuard::exit_code(sig));
}

}  // namespace

struct InterruptGuard::State {
    Mode mode = Mode::exit;
    std::mutex mutex;
    std::vector<std::weak_ptr<detail::ManagerCore>> managers;  // guarded by mutex
    std::vector<std::function<void(int)>> callbacks;           // guarded by mutex
    std::atomic<int> signal{0};
    std::atomic<bool> stopping{false};
    sigset_t old_mask{};
    std::thread::id owner;
};

InterruptGuard::InterruptGuard(Mode mode) : state_(std::make_shared<State>()) {
    bool expected = false;
    if (!guard_exists.compare_exchange_strong(expected, true))
        throw ApiError("Only one InterruptGuard may exist at a time");
    state_->mode = mode;
    state_->owner = std::this_thread::get_id();
    const sigset_t set = watched_signals();
    if (const int rc = pthread_sigmask(SIG_BLOCK, &set, &state_->old_mask); rc != 0) {
        guard_exists = false;
        throw ApiError("InterruptGuard: cannot block SIGINT and SIGTERM (error " + std::to_string(rc) + ")");
    }
    try {
        watcher_ = std::thread([s = state_] {
            const sigset_t signals = watched_signals();
            for (;;) {
                siginfo_t info{};
                const int sig = sigwaitinfo(&signals, &info);
                if (sig < 0) {
                    if (errno == EINTR) continue;
                    logger()->error("InterruptGuard: sigwaitinfo failed (errno {}); signals are no longer watched",
                                    errno);
                    return;
                }
                if (s->stopping.load() && info.si_code == SI_QUEUE && info.si_value.sival_int == kWakeUp) return;
                handle(*s, sig);
            }
        });
    } catch (const std::exception& e) {
        pthread_sigmask(SIG_SETMASK, &state_->old_mask, nullptr);
        guard_exists = false;
        throw ApiError(std::string("InterruptGuard: cannot start the signal thread: ") + e.what());
    }
}

InterruptGuard::~InterruptGuard() {
    state_->stopping = true;
    union sigval value {};
    value.sival_int = kWakeUp;
    if (pthread_sigqueue(watcher_.native_handle(), SIGTERM, value) == 0)
        watcher_.join();
    else
        watcher_.detach();  // cannot be woken: it co-owns the state and ends with the process
    if (std::this_thread::get_id() == state_->owner) pthread_sigmask(SIG_SETMASK, &state_->old_mask, nullptr);
    guard_exists = false;
}

void InterruptGuard::watch(const SessionManager& manager) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->managers.push_back(manager.core_);
}

void InterruptGuard::on_signal(std::function<void(int)> callback) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->callbacks.push_back(std::move(callback));
}

int InterruptGuard::signal() const { return state_->signal.load(); }

// Closes every watched manager, runs the callbacks, then exits unless the mode says otherwise. A second signal while
// or after the first is handled ends the program at once.
void InterruptGuard::handle(State& s, int sig) {
    int expected = 0;
    if (!s.signal.compare_exchange_strong(expected, sig)) {
        logger()->warn("Second {}: exiting at once", signal_name(sig));
        exit_for(sig);
    }
    std::vector<std::weak_ptr<detail::ManagerCore>> managers;
    std::vector<std::function<void(int)>> callbacks;
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        managers = s.managers;
        callbacks = s.callbacks;
    }
    logger()->warn("{} received: closing Live Response sessions", signal_name(sig));
    for (const auto& weak : managers) {
        if (auto core = weak.lock()) {
            try {
                core->close_all();
            } catch (const std::exception& e) {
                logger()->error("Closing Live Response sessions on {} failed: {}", signal_name(sig), e.what());
            }
        }
    }
    for (const auto& callback : callbacks) {
        try {
            callback(sig);
        } catch (...) {
        }
    }
    if (s.mode == Mode::exit) exit_for(sig);
}

}  // namespace cbapi::live_response
