#pragma once
/// @file
/// Cb Response process events: the six event types of a process (module loads, file and registry modifications,
/// network connections, child processes, cross-process accesses) and their parsers for the process event API
/// versions 1 to 4.
///
/// | Event list | v1 (< 5.1) | v2 (5.1.x) | v3 (5.2.x) | v4 (>= 6.0) |
/// |---|---|---|---|---|
/// | modload, filemod, regmod, crossproc | pipe | pipe | pipe | pipe |
/// | netconn | pipe | JSON, integer IPs | JSON, integer IPs | JSON, dotted IPs |
/// | processblock (1.7.4) | JSON | JSON | JSON | JSON |
/// | childproc | pipe | pipe | JSON | JSON |
///
/// Timestamps are the sensor's wall clock (a zone designator is ignored, as cbapi-python's `convert_event_time`
/// does). The parsers are pure functions: they throw cbapi::ApiError for a record they cannot read; the Process
/// model catches that, logs a warning on the `cbapi` logger and skips the record.

#include "cbapi/fwd.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/server_version.hpp"
#include "cbapi/time.hpp"

namespace cbapi::response {

/// The process event API versions (`/api/v<n>/process/<guid>/<segment>/event`).
enum class EventApiVersion { v1 = 1, v2 = 2, v3 = 3, v4 = 4 };

/// The event API a server speaks: v1 before 5.1, v2 for 5.1.x, v3 for 5.2.x, v4 from 6.0 on.
/// @param server the server's version
/// @return the version whose parsers and URL the SDK uses
EventApiVersion event_api_for(const ServerVersion& server);

/// What every event has.
struct EventBase {
    /// When it happened (sensor wall clock, labelled UTC).
    TimePoint timestamp{};
    /// Position in its list (0-based, server order).
    std::size_t sequence = 0;
    /// Whether the sensor flagged the event as tampering.
    bool tamper_flag = false;
};

/// A module (DLL, shared library) load: `time|md5|path`.
struct ModLoadEvent : EventBase {
    static constexpr const char* event_type = "Cb Module Load event";
    std::string md5;   ///< upper-case MD5 of the module
    std::string path;  ///< the module's path
    /// The module's binary document from the process's `binaries` map, when the server sent one.
    nlohmann::json binary_data;
};

/// A file modification: `type|time|path|md5|filetype|tamper`.
struct FileModEvent : EventBase {
    static constexpr const char* event_type = "Cb File Modification event";
    /// `CreatedFile` (1), `FirstWrote` (2), `Deleted` (4), `LastWrote` (8), or `Unknown`.
    std::string type;
    std::string path;  ///< the file
    std::string md5;   ///< MD5 of the file after the last write (LastWrote only; may be empty)
    /// `PE`, `ELF`, `MachO`, `EICAR`, `DOC`, `DOCX`, `PDF`, `ZIP`, `LZH`, `LZW`, `RAR`, `TAR`, `7Z` or `Unknown`.
    std::string filetype = "Unknown";
};

/// A registry modification: `type|time|path|tamper`.
struct RegModEvent : EventBase {
    static constexpr const char* event_type = "Cb Registry Modification event";
    /// `CreatedKey` (1), `FirstWrote` (2), `DeletedKey` (4), `DeletedValue` (8), or `Unknown`.
    std::string type;
    std::string path;  ///< the key or value
};

/// A network connection (v1 `time|ip|port|proto|domain|outbound`; v2+ a JSON object).
struct NetConnEvent : EventBase {
    static constexpr const char* event_type = "Cb Network Connection event";
    std::string remote_ip = "0.0.0.0";  ///< dotted quad
    int remote_port = 0;
    /// `IPPROTO_TCP` (6), `IPPROTO_UDP` (17), `IPPROTO_ICMP` (1), `IPPROTO_IPV6` (41), or `Unknown`.
    std::string proto = "Unknown";
    std::string domain;                ///< the name the process resolved, may be empty
    std::string direction = "Inbound"; ///< `Outbound` or `Inbound`
    std::string local_ip = "0.0.0.0";  ///< v2+ only
    int local_port = 0;                ///< v2+ only
    std::string proxy_ip = "0.0.0.0";  ///< v2+ only
    int proxy_port = 0;                ///< v2+ only
    /// 1 for the pipe format, 2 for the JSON formats (which carry the local and proxy fields).
    int version = 1;
};

/// A child process start or end (v1/v2 `time|procguid|md5|path|pid|started|tamper`; v3+ a JSON object), or — from
/// Process::children() — one entry per child built from the process summary.
struct ChildProcEvent : EventBase {
    static constexpr const char* event_type = "Cb Child Process event";
    std::string procguid;  ///< the child's process id (may carry a segment suffix)
    std::string md5;
    std::string path;
    long long pid = -1;
    /// true for the end of the child, false for its start.
    bool terminated = false;
    /// The sensor suppressed the child (no process document exists for it).
    bool is_suppressed = false;
    /// What is known of the child: its summary document (children()), or `cmdline`/`username` of a suppressed one.
    nlohmann::json proc_data = nlohmann::json::object();
};

/// A cross-process access: `type|time|guid|md5|path|subtype|privileges|tamper[|is_target]`.
///
/// When `is_target` is true this process is the target and fields 2–4 describe the source; otherwise they describe
/// the target and this process is the source. The owning process's fields are filled in by the parser's caller.
struct CrossProcEvent : EventBase {
    static constexpr const char* event_type = "Cb Cross Process event";
    /// `RemoteThread`, `ProcessOpen`, `ThreadOpen` (ProcessOpen with subtype 2), or the raw type.
    std::string type;
    std::string privileges;      ///< e.g. `PROCESS_ALL_ACCESS` or `PROCESS_VM_READ | PROCESS_QUERY_INFORMATION`
    std::uint32_t privilege_code = 0;
    /// Only read when the record has the 9th field (cbapi-python before 1.3.0 read past the end of shorter ones).
    bool is_target = false;
    std::string target_procguid, target_md5, target_path;
    std::string source_procguid, source_md5, source_path;

    /// Whether the access rights include the named one (e.g. "PROCESS_VM_READ").
    /// @throws ApiError for an unknown right name
    bool has_permission(std::string_view name) const;
    /// Whether the access rights include all the named ones.
    /// @throws ApiError for an unknown right name
    bool has_permissions(const std::vector<std::string>& names) const;
};

/// A process the sensor blocked (a banned hash), from the event list `processblock_complete` (cbapi-python 1.7.4's
/// `CbProcessBlockEvent`). Each record is a JSON object, or a string holding one (cbapi-python `json.loads` it):
/// `timestamp`, `block_type`, `block_event`, `block_result`, `block_error`, `blocked_md5`, `blocked_path`,
/// `blocked_cmdline`, `blocked_uid`, `blocked_username`. Values are kept as text (a number in decimal).
struct ProcessBlockEvent : EventBase {
    static constexpr const char* event_type = "Cb Process Block event";
    std::string type;      ///< `block_type`
    std::string event;     ///< `block_event`
    std::string result;    ///< `block_result`
    std::string error;     ///< `block_error`
    std::string md5;       ///< `blocked_md5`
    std::string path;      ///< `blocked_path`
    std::string cmdline;   ///< `blocked_cmdline`
    std::string uid;       ///< `blocked_uid`
    std::string username;  ///< `blocked_username`
    /// The record as the server sent it (decoded), so that a field this struct does not name stays reachable.
    nlohmann::json raw = nlohmann::json::object();
};

/// Any event (Process::all_events()).
using ProcessEvent = std::variant<ModLoadEvent, NetConnEvent, FileModEvent, ChildProcEvent, RegModEvent, CrossProcEvent>;

/// The time of any event.
TimePoint event_time(const ProcessEvent& event);

/// The display name of any event's type ("Cb File Modification event", ...).
std::string event_type_name(const ProcessEvent& event);

/// The events of one process segment (or of every segment, for segment 0 on 6.x servers).
struct SegmentEvents {
    std::vector<ModLoadEvent> modloads;
    std::vector<FileModEvent> filemods;
    std::vector<RegModEvent> regmods;
    std::vector<NetConnEvent> netconns;
    std::vector<ChildProcEvent> childprocs;
    std::vector<CrossProcEvent> crossprocs;
    /// Blocked processes (`processblock_complete`, cbapi-python 1.7.4); not part of all_events(), as in cbapi-python.
    std::vector<ProcessBlockEvent> processblocks;
    /// Records that could not be parsed and were skipped (each logged as a warning).
    std::size_t skipped = 0;
};

/// The access rights of a cross-process event as text: a well-known combination's name, else every known bit's
/// name joined with " | " (the names and order of cbapi-python, including its `PROCESS_SUPEND_RESUME`).
std::string privileges_text(std::uint32_t code);

/// Parses a modload record `time|md5|path`. @throws ApiError for a malformed record
ModLoadEvent parse_modload(std::string_view record);

/// Parses a filemod record `type|time|path|md5|filetype|tamper` (trailing fields optional).
/// @return nullopt for an empty record (the server sends those; cbapi-python yielded None for them)
/// @throws ApiError for a malformed record
std::optional<FileModEvent> parse_filemod(std::string_view record);

/// Parses a regmod record `type|time|path|tamper`. @throws ApiError for a malformed record
RegModEvent parse_regmod(std::string_view record);

/// Parses a v1 netconn record `time|ip|port|proto|domain|outbound`. An unreadable IP becomes `0.0.0.0`, an
/// unknown protocol number `Unknown` (cbapi-python raised KeyError).
/// @throws ApiError for a malformed record
NetConnEvent parse_netconn_v1(std::string_view record);

/// Parses a v2/v3 (integer IPs) or v4 (dotted IPs) netconn JSON object. Integer IPs are converted whether the
/// server sent them signed or unsigned (cbapi-python passed unsigned values through raw).
/// @throws ApiError for a malformed record
NetConnEvent parse_netconn_json(const nlohmann::json& record, EventApiVersion version);

/// Parses a v1/v2 childproc record `time|procguid|md5|path|pid|started|tamper`.
/// @throws ApiError for a malformed record
ChildProcEvent parse_childproc_v1(std::string_view record);

/// Parses a v3/v4 childproc JSON object (`processId`, `md5`, `path`, `pid`, `type` start/end, `start`, `end`,
/// `is_tampered`, `is_suppressed`, `commandLine`, `userName`).
/// @throws ApiError for a malformed record
ChildProcEvent parse_childproc_json(const nlohmann::json& record);

/// Parses a processblock record: a JSON object, or a string holding one. A missing or unreadable `timestamp` leaves
/// the event's time at the epoch (the record is still kept: its `raw` document has the value).
/// @throws ApiError for a record that is neither
ProcessBlockEvent parse_processblock(const nlohmann::json& record);

/// Parses a crossproc record `type|time|guid|md5|path|subtype|privileges|tamper[|is_target]`. The owning process's
/// side (target when `is_target`, else source) is left empty for the caller to fill in.
/// @throws ApiError for a malformed record (fewer than 8 fields)
CrossProcEvent parse_crossproc(std::string_view record);

}  // namespace cbapi::response
