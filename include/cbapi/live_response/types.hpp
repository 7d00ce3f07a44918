#pragma once
/// @file
/// Live Response values: the manager's options, the endpoint's operating system, and the typed results of the
/// directory, process and registry commands (each keeps the server's document in `raw`).

#include "cbapi/fwd.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/retry.hpp"

namespace cbapi::live_response {

/// The operating system of a Live Response endpoint; decides path separators and temporary file names.
/// Values as cbapi-python's `os_type` (1 = Windows).
/// (Not `linux`: GNU-mode compilers predefine `linux` as a macro.)
enum class OsType { unknown = 0, windows = 1, linux_os = 2, macos = 4 };

/// A monotonic clock; injectable so that deadlines can be tested without waiting.
using Clock = std::function<std::chrono::steady_clock::time_point()>;

/// How a SessionManager waits and caches. Defaults are cbapi-python's.
struct LiveResponseOptions {
    /// How long to wait for a session to become active (cbapi-python: 360 s).
    std::chrono::milliseconds session_timeout = std::chrono::seconds(360);
    /// Time between two polls of a session being established (cbapi-python: 1 s).
    std::chrono::milliseconds session_poll_interval = std::chrono::seconds(1);
    /// Default deadline of a command (cbapi-python: 120 s).
    std::chrono::milliseconds command_timeout = std::chrono::seconds(120);
    /// Time between two polls of a command (cbapi-python: 0.5 s).
    std::chrono::milliseconds command_poll_interval = std::chrono::milliseconds(500);
    /// Keep sessions open after their last handle is gone and send keepalives (cbapi-python's
    /// `keepalive_sessions`, off by default). Idle cached sessions are closed at the next keepalive round and when
    /// the manager is destroyed.
    bool keepalive_sessions = false;
    /// Time between keepalive rounds (cbapi-python: the manager's `timeout`, 30 s). 0 = no background thread: call
    /// SessionManager::send_keepalives() yourself.
    std::chrono::milliseconds keepalive_interval = std::chrono::seconds(30);
    /// Worker threads of the job pool (cbapi-python: 10).
    std::size_t max_workers = 10;
    /// How to wait between polls; unset = the connection's sleeper (a real sleep unless one was injected).
    Sleeper sleeper;
    /// What "now" is for deadlines; unset = std::chrono::steady_clock.
    Clock clock;
};

/// How the result types below are read from the server's documents (live_response/parse.hpp): a field that is missing
/// or null gets the default shown here ("" / 0 / empty); a field of another type, a number the C++ field cannot hold
/// (a negative size, 1e300, 2^64, ...) or a list element of the wrong type makes the whole command fail with a
/// ServerError that names the command and the field ("Live Response 'directory list' reply: field 'files[2].size':
/// ..."); a number with a fraction keeps its integral part; text is kept byte for byte (invalid UTF-8 included).

/// One entry of a directory listing (`directory list`, list `files`; a missing or null list is empty).
struct DirectoryEntry {
    std::string filename;                 ///< `filename` (`.` and `..` included, as the server sends them); default ""
    std::vector<std::string> attributes;  ///< `attributes`, e.g. "DIRECTORY", "ARCHIVE", "HIDDEN"; default empty
    std::uint64_t size = 0;               ///< `size` in bytes; default 0
    std::int64_t create_time = 0;         ///< `create_time`, epoch seconds; default 0
    std::int64_t last_access_time = 0;    ///< `last_access_time`, epoch seconds; default 0
    std::int64_t last_write_time = 0;     ///< `last_write_time`, epoch seconds; default 0
    nlohmann::json raw;                   ///< the server's entry (a JSON object)

    /// Whether the entry has the DIRECTORY attribute.
    bool is_directory() const;
};

/// One running process (`process list`, list `processes`; a missing or null list is empty). Defaults: "" and 0.
struct ProcessEntry {
    long long pid = 0;         ///< `pid`
    std::string path;          ///< `path`, the executable path
    std::string command_line;  ///< `command_line`
    std::string username;      ///< `username`
    std::string sid;           ///< `sid`
    long long parent = 0;      ///< `parent`, the parent pid
    std::string proc_guid;     ///< `proc_guid`
    std::string parent_guid;   ///< `parent_guid`
    std::int64_t create_time = 0;  ///< `create_time`, epoch seconds
    nlohmann::json raw;            ///< the server's entry (a JSON object)
};

/// A registry value (`reg query value`: the object `value`, which must be present; `reg enum key`: each of `values`).
struct RegistryValue {
    std::string name;     ///< `value_name`; empty for the key's default value (and when missing)
    std::string type;     ///< `value_type` (REG_SZ, REG_DWORD, REG_MULTI_SZ, REG_BINARY, ...); default ""
    nlohmann::json data;  ///< `value_data` as the server sent it, any JSON type; null when missing
    nlohmann::json raw;   ///< the server's entry (a JSON object)
};

/// The content of a registry key (`reg enum key`).
struct RegistryKeyListing {
    std::vector<std::string> sub_keys;  ///< `sub_keys` (strings); default empty
    std::vector<RegistryValue> values;  ///< `values` (objects); default empty
};

/// One directory visited by Session::walk(): its path and the names of its subdirectories and files. In a top-down
/// walk the visitor may remove names from `directories` to skip them. "." and "..", and names that are not a single
/// path component (empty, or containing '/', '\\' or NUL), are never listed.
struct WalkEntry {
    std::string path;
    std::vector<std::string> directories;
    std::vector<std::string> files;
};

/// Options of Session::create_process (cbapi-python's keyword arguments).
struct CreateProcessOptions {
    /// Capture and return the output (stdout and stderr). Forces waiting for completion.
    bool wait_for_output = true;
    /// Where the endpoint writes the output; unset = a temporary file that is deleted afterwards. A file named here is
    /// kept on the endpoint.
    std::optional<std::string> remote_output_file;
    /// Working directory of the new process.
    std::optional<std::string> working_directory;
    /// How long to wait for the process (cbapi-python: 30 s).
    std::chrono::milliseconds wait_timeout = std::chrono::seconds(30);
    /// Wait until the process ends (the default since cbapi-python 1.3.1).
    bool wait_for_completion = true;
};

}  // namespace cbapi::live_response
