#pragma once
/// @file
/// Live Response protocol plumbing shared by sessions and the manager: the per-product wire differences, polling
/// with a deadline, establishing and closing sessions on the server.

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
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

/// What every session of one manager shares: the connection, the product and the resolved options.
struct Wire {
    Connection connection;
    Product product;
    /// `/api/v1/cblr` (Cb Response) or `/integrationServices/v3/cblr` (Cb Defense).
    std::string base;
    LiveResponseOptions options;

    Wire(Connection conn, Product prod, LiveResponseOptions opts)
        : connection(std::move(conn)),
          product(prod),
          base(prod == Product::defense ? "/integrationServices/v3/cblr" : "/api/v1/cblr"),
          options(std::move(opts)) {
        if (!options.sleeper) options.sleeper = connection.options().sleeper;
        if (!options.sleeper) options.sleeper = real_sleeper();
        if (!options.clock) options.clock = [] { return std::chrono::steady_clock::now(); };
    }

    std::chrono::steady_clock::time_point now() const { return options.clock(); }
};

/// An id as it goes into a path: strings as they are, numbers in decimal.
inline std::string id_text(const nlohmann::json& id) { return id.is_string() ? id.get<std::string>() : cbapi::detail::json_text(id); }

/// Polls `GET path` until its `status` is `desired` (case-insensitive: Cb Defense writes sessions in upper case).
/// At least one poll is made; `status: "error"` ends the wait with a LiveResponseError. A document that is not an
/// object, or whose `status` is not a string, is a ServerError (see parse.hpp).
/// @param what the operation, for messages @param timeout deadline @param interval time between polls
/// @return the final document
/// @throws LiveResponseError, TimeoutError "timeout polling for Live Response", the request's exceptions
inline nlohmann::json poll_status(const Wire& wire, const std::string& path, const std::string& desired,
                                  std::chrono::milliseconds timeout, std::chrono::milliseconds interval,
                                  const std::string& what) {
    const auto deadline = wire.now() + timeout;
    for (;;) {
        nlohmann::json doc = wire.connection.get_json(path, {}, nlohmann::json::object());
        const std::string status = parse_status(doc, what + " reply");
        if (status == desired) return doc;
        if (status == "error") throw make_live_response_error(what, doc);
        if (wire.now() >= deadline)
            throw TimeoutError(wire.connection.url() + path,
                               "timeout polling for Live Response (" + what + ", status '" + status + "')");
        wire.options.sleeper(interval);
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
    bool closed = false;          // guarded by mutex

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

/// Asks the server for a session with the sensor (Cb Response: reuses a pending or active one; Cb Defense: creates
/// one) and waits until it is active. On any failure while waiting, the session is closed before the error
/// propagates, so no session is left pending on the server.
/// @return the active session's id and data
/// @throws TimeoutError "Could not establish session with sensor N" (deadline passed, or the session disappeared),
///         LiveResponseError (the session went into error), ApiError (it ended before becoming active), ServerError
///         (an unusable reply: see parse.hpp), the request's exceptions
inline std::pair<nlohmann::json, nlohmann::json> establish(const Wire& wire, long long sensor_id) {
    const auto& conn = wire.connection;
    nlohmann::json session_id;
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
    } else {
        const auto sessions = conn.get_json(wire.base + "/session", {}, nlohmann::json::array());
        if (auto open = find_open_session(sessions, sensor_id)) session_id = std::move(*open);
        if (session_id.is_null()) {
            try {
                const auto reply = conn.post_json(wire.base + "/session", {{"sensor_id", sensor_id}}, false,
                                                  nlohmann::json::object());
                session_id = parse_id(reply, "Live Response session request for sensor " + std::to_string(sensor_id));
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
        }
    }

    const std::string path = wire.base + "/session/" + id_text(session_id);
    const std::string what =
        "Live Response session " + id_text(session_id) + " with sensor " + std::to_string(sensor_id);
    const auto deadline = wire.now() + wire.options.session_timeout;
    try {
        for (;;) {
            nlohmann::json doc = conn.get_json(path, {}, nlohmann::json::object());
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
            wire.options.sleeper(wire.options.session_poll_interval);
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
