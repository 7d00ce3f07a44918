#pragma once
// Private to libcbapi: Live Response protocol plumbing shared by sessions and the manager (the per-product wire
// differences, polling with a deadline, establishing and closing sessions on the server) and the state a session
// handle shares. The free functions are defined in src/live_response/wire.cpp.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "cbapi/connection.hpp"
#include "cbapi/credentials.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/live_response/types.hpp"
#include "cbapi/live_response/wire.hpp"
#include "cbapi/retry.hpp"

namespace cbapi::live_response::detail {

/// The manager's "close everything" switch (SessionManager::close_all()): once triggered, every wait of the
/// manager's sessions ends (a sleep between polls wakes, a poll in flight is aborted through its cancel flag) and no
/// new session is opened. Triggered at most once; never reset, so no wait can miss it.
///
/// It also counts the threads that hold a session close_all() cannot see: between asking the server for a session and
/// handing it to the manager, and between taking a session out of the manager and closing it on the server.
/// close_all() waits for them, so that when it returns (and the program may end at once) every session the server
/// created for this manager is closed.
struct Interruption {
    /// Passed to the polling GETs as their cancel flag (the transport checks it at least every 50 ms).
    std::shared_ptr<std::atomic<bool>> flag = std::make_shared<std::atomic<bool>>(false);
    std::mutex mutex;
    std::condition_variable cv;
    std::size_t busy = 0;  // guarded by mutex

    void trigger() {
        {
            std::lock_guard<std::mutex> lock(mutex);
            flag->store(true);
        }
        cv.notify_all();
    }
    bool triggered() const { return flag->load(); }
    /// Sleeps for `d` unless (or until) triggered.
    void sleep_for(std::chrono::milliseconds d) {
        std::unique_lock<std::mutex> lock(mutex);
        cv.wait_for(lock, d, [&] { return flag->load(); });
    }
    /// Waits until no thread holds a BusyScope, for up to `d`. @return whether none does
    bool wait_until_idle(std::chrono::milliseconds d) {
        std::unique_lock<std::mutex> lock(mutex);
        return cv.wait_for(lock, d, [&] { return busy == 0; });
    }
};

/// Held while a thread has a session that close_all() cannot see (being established, or being closed); see
/// Interruption.
class BusyScope {
public:
    /// For closing: never refused.
    explicit BusyScope(Interruption& i) : i_(i) {
        std::lock_guard<std::mutex> lock(i_.mutex);
        ++i_.busy;
    }
    /// For establishing a session. @throws LiveResponseClosedError when close_all() was called
    BusyScope(Interruption& i, const std::string& what) : i_(i) {
        std::lock_guard<std::mutex> lock(i_.mutex);
        if (i_.flag->load())
            throw LiveResponseClosedError("Live Response sessions were closed (close_all) during: " + what);
        ++i_.busy;
    }
    ~BusyScope() {
        {
            std::lock_guard<std::mutex> lock(i_.mutex);
            --i_.busy;
        }
        i_.cv.notify_all();
    }
    BusyScope(const BusyScope&) = delete;
    BusyScope& operator=(const BusyScope&) = delete;

private:
    Interruption& i_;
};

/// What every session of one manager shares: the connection, the product and the resolved options.
struct Wire {
    Connection connection;
    Product product;
    /// `/api/v1/cblr` (Cb Response) or `/integrationServices/v3/cblr` (Cb Defense).
    std::string base;
    LiveResponseOptions options;
    /// Set by SessionManager::close_all(); shared by every session of the manager.
    std::shared_ptr<Interruption> interruption = std::make_shared<Interruption>();

    Wire(Connection conn, Product prod, LiveResponseOptions opts)
        : connection(std::move(conn)),
          product(prod),
          base(prod == Product::defense ? "/integrationServices/v3/cblr" : "/api/v1/cblr"),
          options(std::move(opts)) {
        if (!options.sleeper) options.sleeper = connection.options().sleeper;
        if (!options.sleeper) options.sleeper = real_sleeper();
        // The real sleeper is replaced by a sleep that close_all() can cut short. An injected one (tests) is called
        // as is, and close_all() is noticed when it returns.
        interruptible_sleep_ = options.sleeper.target_type() == real_sleeper().target_type();
        if (!options.clock) options.clock = [] { return std::chrono::steady_clock::now(); };
    }

    std::chrono::steady_clock::time_point now() const { return options.clock(); }

    /// @throws LiveResponseClosedError when close_all() was called; `what` says what was going on
    void check_open(const std::string& what) const {
        if (interruption->triggered())
            throw LiveResponseClosedError("Live Response sessions were closed (close_all) during: " + what);
    }

    /// Waits `d` between two polls; ends early when close_all() is called.
    /// @throws LiveResponseClosedError when close_all() was called before or during the wait
    void pause(std::chrono::milliseconds d, const std::string& what) const {
        check_open(what);
        if (interruptible_sleep_)
            interruption->sleep_for(d);
        else
            options.sleeper(d);
        check_open(what);
    }

    /// A polling GET that close_all() aborts. @throws LiveResponseClosedError, the request's exceptions
    nlohmann::json poll_get(const std::string& path, const std::string& what) const {
        check_open(what);
        try {
            return connection.get_json(path, {}, nlohmann::json::object(), interruption->flag);
        } catch (const RequestCancelled&) {
            check_open(what);
            throw;  // not reached: only close_all() sets the flag
        }
    }

private:
    bool interruptible_sleep_ = false;
};

/// Polls `GET path` until its `status` is `desired` (case-insensitive: Cb Defense writes sessions in upper case).
/// At least one poll is made; `status: "error"` ends the wait with a LiveResponseError; SessionManager::close_all()
/// ends it with a LiveResponseClosedError. A document that is not an
/// object, or whose `status` is not a string, is a ServerError (see parse.hpp).
/// @param what the operation, for messages @param timeout deadline @param interval time between polls
/// @return the final document
/// @throws LiveResponseError, TimeoutError "timeout polling for Live Response", LiveResponseClosedError, the
///         request's exceptions
nlohmann::json poll_status(const Wire& wire, const std::string& path, const std::string& desired,
                           std::chrono::milliseconds timeout, std::chrono::milliseconds interval,
                           const std::string& what);

/// The server-side state of one session: its id and data. Shared by every handle of the session; replaced in place
/// when the session is re-established after the server lost it.
struct SessionCore {
    std::shared_ptr<const Wire> wire;
    long long sensor_id = 0;
    OsType os = OsType::unknown;

    mutable std::mutex mutex;
    nlohmann::json session_id;    // guarded by mutex
    nlohmann::json session_data;  // guarded by mutex
    bool closed = false;          // guarded by mutex: closed, or being closed (close_session())
    bool close_done = false;      // guarded by mutex: the close request has been answered
    std::condition_variable close_cv;

    nlohmann::json id() const {
        std::lock_guard<std::mutex> lock(mutex);
        return session_id;
    }
    nlohmann::json data() const {
        std::lock_guard<std::mutex> lock(mutex);
        return session_data;
    }
    /// `{base}/session/{id}`.
    std::string path() const { return wire->base + "/session/" + id_text(id()); }
};

/// One handle family's claim on a session: when the last Session copy drops it, `release` runs (the manager then
/// closes the session, or keeps it for reuse when keepalive is on).
struct Lease {
    std::shared_ptr<SessionCore> core;
    std::function<void(const std::shared_ptr<SessionCore>&)> release;
    /// Re-establishes the session after the server lost it (replaces the core's id and data).
    std::function<void(SessionCore&)> reestablish;

    Lease(std::shared_ptr<SessionCore> c, std::function<void(const std::shared_ptr<SessionCore>&)> rel,
          std::function<void(SessionCore&)> re)
        : core(std::move(c)), release(std::move(rel)), reestablish(std::move(re)) {}
    ~Lease() {
        if (release) release(core);
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
};

/// Closes a session on the server. Errors are logged and swallowed: a close must never hide the error that led to it.
/// Cb Response: GET the session, set `status` to "close", PUT it back. Cb Defense: `PUT {base}/session` with
/// `{"session_id": id, "status": "CLOSE"}`.
void close_on_server(const Wire& wire, const nlohmann::json& session_id);

/// Closes a session on the server unless it is closed (or being closed) already; see close_on_server().
/// @param wait when another thread is closing it, wait until that close is done (close_all(): the program may end
///        as soon as it returns)
/// @return whether this call closed it
bool close_session(SessionCore& c, bool wait = false);

/// Asks the server for a session with the sensor (Cb Response: reuses a pending or active one; Cb Defense: creates
/// one) and waits until it is active. On any failure while waiting, the session is closed before the error
/// propagates, so no session is left pending on the server.
/// @return the active session's id and data
/// @throws TimeoutError "Could not establish session with sensor N" (deadline passed, or the session disappeared),
///         LiveResponseError (the session went into error), ApiError (it ended before becoming active), ServerError
///         (an unusable reply: see parse.hpp), LiveResponseClosedError (SessionManager::close_all() was called; a
///         session already requested is closed), the request's exceptions
std::pair<nlohmann::json, nlohmann::json> establish(const Wire& wire, long long sensor_id);

}  // namespace cbapi::live_response::detail
