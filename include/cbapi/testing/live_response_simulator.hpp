#pragma once
/// @file
/// The Live Response simulator: sessions for Cb Response sensors (`/api/v1/cblr/...`, the hosts of
/// simulated_hosts()) and Cb Defense devices (`/integrationServices/v3/cblr/...`, ids 1001, 1002, ...), each host
/// with a fake file system, registry (Windows) and process list.
///
/// Semantics (deterministic; nothing depends on wall-clock time):
/// - a new session is `pending` and becomes `active` on the `polls_to_activate`-th GET of it (never for an offline
///   host); Cb Defense writes session states in upper case (`PENDING`, `ACTIVE`, `CLOSE`);
/// - at most `max_sessions` sessions may be pending or active at once: one more → HTTP 500
///   `{"reason": "Too many active sessions (limit N)"}`;
/// - every Live Response request ticks a logical clock; a session not touched (GET, keepalive, command, file) for
///   `session_idle_limit` ticks times out (`status: "timeout"`);
/// - commands run when posted and report `pending`, then `in progress`, then `complete` or `error` on successive
///   polls (`polls_to_complete` GETs); failures are `{"status": "error", "result_type":
///   "WinHresult", "result_code": 0x8007xxxx, ...}` with the Win32 code a real sensor gives;
/// - a command on a session that is not active → 404 with the text "Session <id> is not active"; an unknown
///   session → 404 "Session <id> not found"; a command the host does not support → 400;
/// - uploads are multipart/form-data with a part named `file` → `{"id": <file id>}`.
///
/// Host state (files, registry, processes) persists across sessions for the server's lifetime. Thread-safe.

#include <cstddef>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cbapi/testing/mock_server.hpp"
#include "cbapi/testing/response_simulator.hpp"

namespace cbapi::testing {

/// What the Live Response simulator serves.
struct LiveResponseSimulatorOptions {
    /// The Cb Response world (its hosts are the sensors).
    ResponseSimulatorOptions response;
    /// Number of Cb Defense devices (ids 1001, 1002, ...; Windows hosts).
    std::size_t defense_devices = 25;
    /// Sessions that may be pending or active at once.
    std::size_t max_sessions = 10;
    /// GETs of a pending session before it turns active.
    std::size_t polls_to_activate = 2;
    /// GETs of a command before it completes (pending, in progress, ..., complete).
    std::size_t polls_to_complete = 2;
    /// Live Response requests without activity after which a session times out.
    std::size_t session_idle_limit = 1000;
    /// Sensor or device ids whose sessions never become active (the sensor does not check in).
    std::set<long long> offline;
};

/// A session as the simulator holds it.
struct SimulatedLiveResponseSession {
    std::string product;  ///< "response" or "defense"
    std::string id;       ///< session id as text ("3", or "1001:2" for Cb Defense)
    long long sensor_id = 0;
    std::string status;  ///< lower case: pending, active, close, timeout
};

/// The running simulator: tests ask it what the server holds.
class LiveResponseSimulator {
public:
    virtual ~LiveResponseSimulator() = default;

    /// Every session ever created.
    virtual std::vector<SimulatedLiveResponseSession> sessions() const = 0;
    /// The sessions that are pending or active (what a leak would leave behind).
    virtual std::vector<SimulatedLiveResponseSession> open_sessions() const = 0;
    /// Marks a session timed out, as if the sensor had gone away (the next command on it gets a 404).
    /// @param id the session id as text @return whether it existed
    virtual bool expire_session(const std::string& id) = 0;
    /// Takes a host offline or back online (offline hosts' new sessions stay pending).
    virtual void set_offline(long long sensor_id, bool offline) = 0;
    /// The content of a file on a host, if it exists. @param product "response" or "defense"
    /// @param sensor_id the sensor or device id @param path the file's path on the host
    virtual std::optional<std::string> file_content(const std::string& product, long long sensor_id,
                                                    const std::string& path) const = 0;
    /// Creates or replaces a file on a host, whatever its path (no parent directory is needed): for tests that need
    /// a file name a real endpoint could report, e.g. one with control characters or `..` components.
    /// @param product "response" or "defense" @param sensor_id the sensor or device id @param path the file's path
    /// @param content its bytes @return whether the host exists
    virtual bool set_file_content(const std::string& product, long long sensor_id, const std::string& path,
                                  const std::string& content) = 0;
    /// Whether a registry key or value (`<key>\\<value>`) exists on a host.
    virtual bool registry_contains(const std::string& product, long long sensor_id, const std::string& path) const = 0;
    /// Whether a process with this pid runs on a host.
    virtual bool process_running(const std::string& product, long long sensor_id, long long pid) const = 0;
};

/// Registers the Live Response endpoints of both products on `server`.
/// @param server the mock server @param options what to simulate
/// @return the simulator, for queries
std::shared_ptr<LiveResponseSimulator> install_live_response_simulator(
    MockServer& server, const LiveResponseSimulatorOptions& options = {});

}  // namespace cbapi::testing
