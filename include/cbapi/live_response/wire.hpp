#pragma once
/// @file
/// Live Response protocol plumbing shared by sessions and the manager: the per-product wire differences, polling
/// with a deadline, establishing and closing sessions on the server.

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "cbapi/connection.hpp"
#include "cbapi/credentials.hpp"
#include "cbapi/errors.hpp"
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
inline std::string id_text(const nlohmann::json& id) { return id.is_string() ? id.get<std::string>() : id.dump(); }

inline std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

/// The `status` of a session or command document, lower case ("" when absent).
inline std::string status_of(const nlohmann::json& doc) {
    if (!doc.is_object()) return {};
    const auto it = doc.find("status");
    return it != doc.end() && it->is_string() ? lower(it->get<std::string>()) : std::string();
}

/// Polls `GET path` until its `status` is `desired` (case-insensitive: Cb Defense writes sessions in upper case).
/// At least one poll is made; `status: "error"` ends the wait with a LiveResponseError.
/// @param what the operation, for messages @param timeout deadline @param interval time between polls
/// @return the final document
/// @throws LiveResponseError, TimeoutError "timeout polling for Live Response", the request's exceptions
inline nlohmann::json poll_status(const Wire& wire, const std::string& path, const std::string& desired,
                                  std::chrono::milliseconds timeout, std::chrono::milliseconds interval,
                                  const std::string& what) {
    const auto deadline = wire.now() + timeout;
    for (;;) {
        nlohmann::json doc = wire.connection.get_json(path, {}, nlohmann::json::object());
        const std::string status = status_of(doc);
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

/// The OS of a Cb Response session from its data: Windows when it reports drive letters or a Windows working
/// directory, else unknown (POSIX paths).
inline OsType os_from_session_data(const nlohmann::json& data) {
    const auto windows_path = [](const nlohmann::json& v) {
        if (!v.is_string()) return false;
        const auto s = v.get<std::string>();
        return s.size() >= 2 && std::isalpha(static_cast<unsigned char>(s[0])) != 0 && s[1] == ':';
    };
    if (!data.is_object()) return OsType::unknown;
    if (const auto it = data.find("current_working_directory"); it != data.end() && windows_path(*it))
        return OsType::windows;
    if (const auto it = data.find("drives"); it != data.end() && it->is_array())
        for (const auto& d : *it)
            if (windows_path(d)) return OsType::windows;
    return OsType::unknown;
}

/// The OS of a Cb Defense device (`deviceType` WINDOWS, LINUX, MAC).
inline OsType os_from_device_type(const std::string& type) {
    const std::string t = lower(type);
    if (t == "windows") return OsType::windows;
    if (t == "linux") return OsType::linux_os;
    if (t == "mac") return OsType::macos;
    return OsType::unknown;
}

/// Asks the server for a session with the sensor (Cb Response: reuses a pending or active one; Cb Defense: creates
/// one) and waits until it is active. On any failure while waiting, the session is closed before the error
/// propagates, so no session is left pending on the server.
/// @return the active session's id and data
/// @throws TimeoutError "Could not establish session with sensor N" (deadline passed, or the session disappeared),
///         LiveResponseError (the session went into error), ApiError (it ended before becoming active), the
///         request's exceptions
inline std::pair<nlohmann::json, nlohmann::json> establish(const Wire& wire, long long sensor_id) {
    const auto& conn = wire.connection;
    nlohmann::json session_id;
    if (wire.product == Product::defense) {
        const auto reply = conn.post_json(wire.base + "/session/" + std::to_string(sensor_id),
                                          {{"sensor_id", sensor_id}}, false, nlohmann::json::object());
        if (!reply.is_object() || !reply.contains("id"))
            throw ServerError(200, "Live Response session request for device " + std::to_string(sensor_id) +
                                       " returned no session id: " + reply.dump());
        session_id = reply["id"];
    } else {
        const auto sessions = conn.get_json(wire.base + "/session", {}, nlohmann::json::array());
        if (sessions.is_array()) {
            for (const auto& s : sessions) {
                const std::string status = status_of(s);
                if (s.is_object() && s.value("sensor_id", -1LL) == sensor_id &&
                    (status == "pending" || status == "active") && s.contains("id")) {
                    session_id = s["id"];
                    break;
                }
            }
        }
        if (session_id.is_null()) {
            const auto reply =
                conn.post_json(wire.base + "/session", {{"sensor_id", sensor_id}}, false, nlohmann::json::object());
            if (!reply.is_object() || !reply.contains("id"))
                throw ServerError(200, "Live Response session request for sensor " + std::to_string(sensor_id) +
                                           " returned no session id: " + reply.dump());
            session_id = reply["id"];
        }
    }

    const std::string path = wire.base + "/session/" + id_text(session_id);
    const std::string what =
        "Live Response session " + id_text(session_id) + " with sensor " + std::to_string(sensor_id);
    const auto deadline = wire.now() + wire.options.session_timeout;
    try {
        for (;;) {
            nlohmann::json doc = conn.get_json(path, {}, nlohmann::json::object());
            const std::string status = status_of(doc);
            if (status == "active") return {session_id, std::move(doc)};
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
