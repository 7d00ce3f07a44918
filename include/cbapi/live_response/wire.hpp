#pragma once
/// @file
/// Live Response protocol plumbing shared by sessions and the manager: the per-product wire differences, polling
/// with a deadline, establishing and closing sessions on the server.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "cbapi/connection.hpp"
#include "cbapi/credentials.hpp"
#include "cbapi/detail/json_text.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/live_response/parse.hpp"
#include "cbapi/live_response/types.hpp"
#include "cbapi/live_response/win32_error.hpp"
#include "cbapi/logging.hpp"

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

/// An id as it goes into a path: strings as they are, numbers in decimal.
inline std::string id_text(const nlohmann::json& id) { return id.is_string() ? id.get<std::string>() : cbapi::detail::json_text(id); }

/// Polls `GET path` until its `status` is `desired` (case-insensitive: Cb Defense writes sessions in upper case).
/// At least one poll is made; `status: "error"` ends the wait with a LiveResponseError; SessionManager::close_all()
/// ends it with a LiveResponseClosedError. A document that is not an
/// object, or whose `status` is not a string, is a ServerError (see parse.hpp).
/// @param what the operation, for messages @param timeout deadline @param interval time between polls
/// @return the final document
/// @throws LiveResponseError, TimeoutError "timeout polling for Live Response", LiveResponseClosedError, the
///         request's exceptions
inline nlohmann::json poll_status(const Wire& wire, const std::string& path, const std::string& desired,
                                  std::chrono::milliseconds timeout, std::chrono::milliseconds interval,
                                  const std::string& what) {
    const auto deadline = wire.now() + timeout;
    for (;;) {
        nlohmann::json doc = wire.poll_get(path, what);
        const std::string status = parse_status(doc, what + " reply");
        if (status == desired) return doc;
        if (status == "error") throw make_live_response_error(what, doc);
        if (wire.now() >= deadline)
            throw TimeoutError(wire.connection.url() + path,
                               "timeout polling for Live Response (" + what + ", status '" + status + "')");
        wire.pause(interval, what);
    }
}

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

/// Closes a session on the server. Errors are logged and swallowed: a close must never hide the error that led to it.
/// Cb Response: GET the session, set `status` to "close", PUT it back. Cb Defense: `PUT {base}/session` with
/// `{"session_id": id, "status": "CLOSE"}`.
inline void close_on_server(const Wire& wire, const nlohmann::json& session_id) {
    const std::string path = wire.base + "/session/" + id_text(session_id);
    try {
        if (wire.product == Product::defense) {
            wire.connection.put_json(wire.base + "/session", {{"session_id", session_id}, {"status", "CLOSE"}});
        } else {
            nlohmann::json doc = wire.connection.get_json(path, {}, nlohmann::json::object());
            if (!doc.is_object()) doc = nlohmann::json::object();
            doc["status"] = "close";
            wire.connection.put_json(path, doc);
        }
        logger()->debug("Closed Live Response session {}", id_text(session_id));
    } catch (const std::exception& e) {
        logger()->warn("Closing Live Response session {} failed: {}", id_text(session_id), e.what());
    }
}

/// The sessions this program asked the server to create (`POST .../session`), by server URL and id, so that adopting
/// one it did not create can be told apart (and logged). Process-wide, thread-safe.
class OwnSessions {
public:
    static OwnSessions& instance() {
        static OwnSessions registry;
        return registry;
    }
    void add(const Wire& wire, const nlohmann::json& id) {
        std::lock_guard<std::mutex> lock(mutex_);
        ids_.insert(key(wire, id));
    }
    bool contains(const Wire& wire, const nlohmann::json& id) const {
        std::lock_guard<std::mutex> lock(mutex_);
        return ids_.count(key(wire, id)) != 0;
    }

private:
    static std::string key(const Wire& wire, const nlohmann::json& id) {
        return wire.connection.url() + wire.base + "/session/" + id_text(id);
    }
    mutable std::mutex mutex_;
    std::set<std::string> ids_;
};

/// Closes a session on the server unless it is closed (or being closed) already; see close_on_server().
/// @param wait when another thread is closing it, wait until that close is done (close_all(): the program may end
///        as soon as it returns)
/// @return whether this call closed it
inline bool close_session(SessionCore& c, bool wait = false) {
    nlohmann::json id;
    {
        std::unique_lock<std::mutex> lock(c.mutex);
        if (c.closed) {
            if (wait) c.close_cv.wait(lock, [&] { return c.close_done; });
            return false;
        }
        c.closed = true;
        id = c.session_id;
    }
    close_on_server(*c.wire, id);  // logs and swallows errors
    {
        std::lock_guard<std::mutex> lock(c.mutex);
        c.close_done = true;
    }
    c.close_cv.notify_all();
    return true;
}

/// Asks the server for a session with the sensor (Cb Response: reuses a pending or active one; Cb Defense: creates
/// one) and waits until it is active. On any failure while waiting, the session is closed before the error
/// propagates, so no session is left pending on the server.
/// @return the active session's id and data
/// @throws TimeoutError "Could not establish session with sensor N" (deadline passed, or the session disappeared),
///         LiveResponseError (the session went into error), ApiError (it ended before becoming active), ServerError
///         (an unusable reply: see parse.hpp), LiveResponseClosedError (SessionManager::close_all() was called; a
///         session already requested is closed), the request's exceptions
inline std::pair<nlohmann::json, nlohmann::json> establish(const Wire& wire, long long sensor_id) {
    const auto& conn = wire.connection;
    const std::string request_what = "Live Response session request for sensor " + std::to_string(sensor_id);
    nlohmann::json session_id;
    wire.check_open(request_what);
    if (wire.product == Product::defense) {
        try {
            const auto reply = conn.post_json(wire.base + "/session/" + std::to_string(sensor_id),
                                              {{"sensor_id", sensor_id}}, false, nlohmann::json::object());
            session_id = parse_id(reply, "Live Response session request for device " + std::to_string(sensor_id));
        } catch (const ConnectionError& e) {
            // The request is never sent twice; Cb Defense has no session list to find out what became of it.
            if (!e.outcome_unknown()) throw;
            throw ConnectionError(std::string(e.what()) + "; a session with device " + std::to_string(sensor_id) +
                                      " may have been created on the server (it expires on its own)",
                                  e.uri(), e.curl_code(), false, true);
        }
        OwnSessions::instance().add(wire, session_id);
    } else {
        nlohmann::json sessions;
        try {
            sessions = conn.get_json(wire.base + "/session", {}, nlohmann::json::array(), wire.interruption->flag);
        } catch (const RequestCancelled&) {
            wire.check_open(request_what);
            throw;
        }
        if (auto open = find_open_session(sessions, sensor_id)) {
            session_id = std::move(*open);
            // cbapi-python's behaviour, kept: the server's pending or active session of the sensor is used (and closed
            // when done). One this program did not create was left by another program, or by a run that was killed.
            if (OwnSessions::instance().contains(wire, session_id))
                logger()->debug("Reusing Live Response session {} with sensor {}", id_text(session_id), sensor_id);
            else
                logger()->warn(
                    "Adopting Live Response session {} with sensor {}: it is already open on the server but was not "
                    "opened by this program (another program may be using it, or an earlier run was killed); it will "
                    "be closed when done",
                    id_text(session_id), sensor_id);
        }
        wire.check_open(request_what);
        if (session_id.is_null()) {
            try {
                const auto reply = conn.post_json(wire.base + "/session", {{"sensor_id", sensor_id}}, false,
                                                  nlohmann::json::object());
                session_id = parse_id(reply, request_what);
            } catch (const ConnectionError& e) {
                // The request reached the server but its reply was lost, and it is never sent twice: the session it
                // created (if any) is the sensor's open session now. Take it, so that it is used and closed rather
                // than left pending on the server.
                if (!e.outcome_unknown()) throw;
                std::optional<nlohmann::json> created;
                try {
                    created = find_open_session(conn.get_json(wire.base + "/session", {}, nlohmann::json::array()),
                                                sensor_id);
                } catch (const ApiError&) {
                }
                if (!created) throw;
                logger()->info("The reply to the Live Response session request for sensor {} was lost; using the "
                               "session it created ({})",
                               sensor_id, id_text(*created));
                session_id = std::move(*created);
            }
            OwnSessions::instance().add(wire, session_id);
        }
    }

    const std::string path = wire.base + "/session/" + id_text(session_id);
    const std::string what =
        "Live Response session " + id_text(session_id) + " with sensor " + std::to_string(sensor_id);
    const auto deadline = wire.now() + wire.options.session_timeout;
    try {
        for (;;) {
            nlohmann::json doc = wire.poll_get(path, what);
            const std::string status = parse_status(doc, what + " reply");
            if (status == "active") {
                (void)parse_session_info(doc);  // a session whose data is unusable is refused (and closed) here
                return {session_id, std::move(doc)};
            }
            if (status == "error") throw make_live_response_error(what, doc);
            if (!status.empty() && status != "pending")
                throw ApiError(what + " ended with status '" + status + "' before it became active");
            if (wire.now() >= deadline)
                throw TimeoutError(conn.url() + path,
                                   "Could not establish session with sensor " + std::to_string(sensor_id), 404);
            wire.pause(wire.options.session_poll_interval, what);
        }
    } catch (const ObjectNotFoundError&) {
        close_on_server(wire, session_id);
        throw TimeoutError(conn.url() + path, "Could not establish session with sensor " + std::to_string(sensor_id),
                           404);
    } catch (...) {
        close_on_server(wire, session_id);
        throw;
    }
}

}  // namespace cbapi::live_response::detail
