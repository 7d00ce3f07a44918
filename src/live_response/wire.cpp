// Live Response wire plumbing: polling, closing and establishing sessions on the server.
#include "cbapi/live_response/wire.hpp"

#include <chrono>
#include <exception>
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
#include "cbapi/live_response/win32_error.hpp"
#include "cbapi/logging.hpp"
#include "live_response/wire.hpp"

namespace cbapi::live_response::detail {

std::string id_text(const nlohmann::json& id) {
    return id.is_string() ? id.get<std::string>() : cbapi::detail::json_text(id);
}

nlohmann::json poll_status(const Wire& wire, const std::string& path, const std::string& desired,
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

void close_on_server(const Wire& wire, const nlohmann::json& session_id) {
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

// cbapi-python 1.4.3 ("Only view active LR sessions", src/cbapi/response/live_response_api.py,
// _get_or_create_session): `GET /api/v1/cblr/session?active_only=true`, so that the server does not list every
// closed and timed-out session it remembers; the pending or active session of the sensor is then picked from it.
namespace {
QueryParams active_sessions_only() { return {{"active_only", "true"}}; }
}  // namespace

bool close_session(SessionCore& c, bool wait) {
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

std::pair<nlohmann::json, nlohmann::json> establish(const Wire& wire, long long sensor_id) {
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
            sessions = conn.get_json(wire.base + "/session", active_sessions_only(), nlohmann::json::array(),
                                     wire.interruption->flag);
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
                    created = find_open_session(
                        conn.get_json(wire.base + "/session", active_sessions_only(), nlohmann::json::array()),
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
