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
/// | childproc | pipe | pipe | JSON | JSON |
///
/// Timestamps are the sensor's wall clock (a zone designator is ignored, as cbapi-python's `convert_event_time`
/// does). The parsers are pure functions: they throw cbapi::ApiError for a record they cannot read; the Process
/// model catches that, logs a warning on the `cbapi` logger and skips the record.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/json_number.hpp"
#include "cbapi/detail/redact.hpp"
#include "cbapi/detail/json_text.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/server_version.hpp"
#include "cbapi/time.hpp"

namespace cbapi::response {

/// The process event API versions (`/api/v<n>/process/<guid>/<segment>/event`).
enum class EventApiVersion { v1 = 1, v2 = 2, v3 = 3, v4 = 4 };

/// The event API a server speaks: v1 before 5.1, v2 for 5.1.x, v3 for 5.2.x, v4 from 6.0 on.
/// @param server the server's version
/// @return the version whose parsers and URL the SDK uses
inline EventApiVersion event_api_for(const ServerVersion& server) {
    if (server >= ServerVersion{6, 0}) return EventApiVersion::v4;
    if (server >= ServerVersion{5, 2}) return EventApiVersion::v3;
    if (server >= ServerVersion{5, 1}) return EventApiVersion::v2;
    return EventApiVersion::v1;
}

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
    bool has_permissions(const std::vector<std::string>& names) const {
        for (const auto& n : names)
            if (!has_permission(n)) return false;
        return true;
    }
};

/// Any event (Process::all_events()).
using ProcessEvent = std::variant<ModLoadEvent, NetConnEvent, FileModEvent, ChildProcEvent, RegModEvent, CrossProcEvent>;

/// The time of any event.
inline TimePoint event_time(const ProcessEvent& event) {
    return std::visit([](const auto& e) { return e.timestamp; }, event);
}

/// The display name of any event's type ("Cb File Modification event", ...).
inline std::string event_type_name(const ProcessEvent& event) {
    return std::visit([](const auto& e) { return std::string(std::decay_t<decltype(e)>::event_type); }, event);
}

/// The events of one process segment (or of every segment, for segment 0 on 6.x servers).
struct SegmentEvents {
    std::vector<ModLoadEvent> modloads;
    std::vector<FileModEvent> filemods;
    std::vector<RegModEvent> regmods;
    std::vector<NetConnEvent> netconns;
    std::vector<ChildProcEvent> childprocs;
    std::vector<CrossProcEvent> crossprocs;
    /// Records that could not be parsed and were skipped (each logged as a warning).
    std::size_t skipped = 0;
};

namespace events_detail {

inline std::vector<std::string_view> split_pipes(std::string_view text) {
    std::vector<std::string_view> parts;
    std::size_t begin = 0;
    for (;;) {
        const std::size_t bar = text.find('|', begin);
        parts.push_back(text.substr(begin, bar == std::string_view::npos ? std::string_view::npos : bar - begin));
        if (bar == std::string_view::npos) break;
        begin = bar + 1;
    }
    return parts;
}

inline void need_fields(const std::vector<std::string_view>& parts, std::size_t n, const char* what,
                        std::string_view record) {
    if (parts.size() < n)
        throw ApiError(std::string("Malformed ") + what + " event (needs " + std::to_string(n) + " '|'-separated fields, has " +
                       std::to_string(parts.size()) + "): " + cbapi::detail::truncate_for_log(record, 128));
}

inline std::optional<long long> to_integer(std::string_view text) { return cbapi::detail::integer_text(text); }

inline long long integer_field(std::string_view text, const char* what) {
    const auto v = to_integer(text);
    if (!v) throw ApiError(std::string("Malformed ") + what + ": '" + cbapi::detail::truncate_for_log(text, 64) + "' is not an integer");
    return *v;
}

inline TimePoint time_field(std::string_view text) { return parse_event_time(text); }

inline TimePoint time_value(const nlohmann::json& v) {
    if (v.is_string()) return parse_event_time(v.get<std::string>());
    throw ApiError("Malformed event time: " + cbapi::detail::json_text(v, 64));
}

/// A signed or unsigned 32-bit integer as a dotted quad (big-endian, as the sensor packs it).
inline std::string dotted_quad(long long value) {
    const auto u = static_cast<std::uint32_t>(static_cast<std::int64_t>(value) & 0xFFFFFFFFLL);
    return std::to_string(u >> 24) + "." + std::to_string((u >> 16) & 0xFF) + "." + std::to_string((u >> 8) & 0xFF) +
           "." + std::to_string(u & 0xFF);
}

inline std::string protocol_name(long long number) {
    switch (number) {
        case 1: return "IPPROTO_ICMP";
        case 6: return "IPPROTO_TCP";
        case 17: return "IPPROTO_UDP";
        case 41: return "IPPROTO_IPV6";
        case 58: return "IPPROTO_ICMPV6";
        default: return "Unknown";
    }
}

inline std::string text_of(const nlohmann::json& obj, const char* key, std::string fallback = {}) {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return fallback;
    return it->is_string() ? it->get<std::string>() : cbapi::detail::json_text(*it);
}

inline long long integer_of(const nlohmann::json& obj, const char* key, long long fallback = 0) {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return fallback;
    try {
        if (it->is_number()) return cbapi::detail::checked_integer<long long>(*it);
    } catch (const ApiError& e) {
        throw ApiError(std::string("Malformed event field '") + key + "': " + e.what());
    }
    if (it->is_string()) {
        if (auto v = to_integer(it->get<std::string>())) return *v;
    }
    throw ApiError(std::string("Malformed event field '") + key + "': " + cbapi::detail::json_text(*it, 64));
}

inline bool truthy(const nlohmann::json& obj, const char* key) {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return false;
    if (it->is_boolean()) return it->get<bool>();
    if (it->is_string()) return it->get<std::string>() == "true";
    if (it->is_number()) return it->get<double>() != 0;
    return false;
}

struct Right {
    std::uint32_t bit;
    const char* name;
};

inline const std::vector<Right>& access_rights() {
    static const std::vector<Right> rights = {
        {0x100000, "SYNCHRONIZE"},           {0x80000, "WRITE_OWNER"},
        {0x40000, "WRITE_DAC"},              {0x20000, "READ_CONTROL"},
        {0x10000, "DELETE"},                 {0x1, "PROCESS_TERMINATE"},
        {0x2, "PROCESS_CREATE_THREAD"},      {0x4, "PROCESS_SET_SESSIONID"},
        {0x8, "PROCESS_VM_OPERATION"},       {0x10, "PROCESS_VM_READ"},
        {0x20, "PROCESS_VM_WRITE"},          {0x40, "PROCESS_DUP_HANDLE"},
        {0x80, "PROCESS_CREATE_PROCESS"},    {0x100, "PROCESS_SET_QUOTA"},
        {0x200, "PROCESS_SET_INFORMATION"},  {0x400, "PROCESS_QUERY_INFORMATION"},
        {0x800, "PROCESS_SUPEND_RESUME"},    {0x1000, "PROCESS_QUERY_LIMITED_INFORMATION"},
    };
    return rights;
}

}  // namespace events_detail

/// The access rights of a cross-process event as text: a well-known combination's name, else every known bit's
/// name joined with " | " (the names and order of cbapi-python, including its `PROCESS_SUPEND_RESUME`).
inline std::string privileges_text(std::uint32_t code) {
    switch (code) {
        case 0x1FFFFF: return "PROCESS_ALL_ACCESS";
        case 0x1F0000: return "STANDARD_RIGHTS_ALL";
        case 0x0F0000: return "STANDARD_RIGHTS_REQUIRED";
        case 0x020000: return "STANDARD_RIGHTS_READ";
        default: break;
    }
    std::string out;
    for (const auto& r : events_detail::access_rights()) {
        if ((code & r.bit) == 0) continue;
        if (!out.empty()) out += " | ";
        out += r.name;
    }
    return out;
}

inline bool CrossProcEvent::has_permission(std::string_view name) const {
    for (const auto& r : events_detail::access_rights())
        if (name == r.name) return (privilege_code & r.bit) == r.bit;
    if (name == "PROCESS_ALL_ACCESS") return (privilege_code & 0x1FFFFF) == 0x1FFFFF;
    throw ApiError("Unknown access right: " + std::string(name));
}

/// Parses a modload record `time|md5|path`. @throws ApiError for a malformed record
inline ModLoadEvent parse_modload(std::string_view record) {
    const auto p = events_detail::split_pipes(record);
    events_detail::need_fields(p, 3, "modload", record);
    ModLoadEvent e;
    e.timestamp = events_detail::time_field(p[0]);
    e.md5 = std::string(p[1]);
    for (char& c : e.md5) c = static_cast<char>(c >= 'a' && c <= 'f' ? c - 'a' + 'A' : c);
    e.path = std::string(p[2]);
    return e;
}

/// Parses a filemod record `type|time|path|md5|filetype|tamper` (trailing fields optional).
/// @return nullopt for an empty record (the server sends those; cbapi-python yielded None for them)
/// @throws ApiError for a malformed record
inline std::optional<FileModEvent> parse_filemod(std::string_view record) {
    if (record.empty()) return std::nullopt;
    const auto p = events_detail::split_pipes(record);
    events_detail::need_fields(p, 3, "filemod", record);
    FileModEvent e;
    switch (events_detail::integer_field(p[0], "filemod type")) {
        case 1: e.type = "CreatedFile"; break;
        case 2: e.type = "FirstWrote"; break;
        case 4: e.type = "Deleted"; break;
        case 8: e.type = "LastWrote"; break;
        default: e.type = "Unknown"; break;
    }
    e.timestamp = events_detail::time_field(p[1]);
    e.path = std::string(p[2]);
    if (p.size() > 3) e.md5 = std::string(p[3]);
    if (p.size() > 4 && !p[4].empty()) {
        static const std::pair<long long, const char*> types[] = {
            {1, "PE"},     {2, "ELF"},    {3, "MachO"},  {8, "EICAR"}, {0x10, "DOC"}, {0x11, "DOCX"}, {0x30, "PDF"},
            {0x40, "ZIP"}, {0x41, "LZH"}, {0x42, "LZW"}, {0x43, "RAR"}, {0x44, "TAR"}, {0x45, "7Z"}};
        if (const auto n = events_detail::to_integer(p[4])) {
            for (const auto& [code, name] : types)
                if (code == *n) e.filetype = name;
        }
    }
    if (p.size() > 5) e.tamper_flag = p[5] == "true";
    return e;
}

/// Parses a regmod record `type|time|path|tamper`. @throws ApiError for a malformed record
inline RegModEvent parse_regmod(std::string_view record) {
    const auto p = events_detail::split_pipes(record);
    events_detail::need_fields(p, 3, "regmod", record);
    RegModEvent e;
    switch (events_detail::integer_field(p[0], "regmod type")) {
        case 1: e.type = "CreatedKey"; break;
        case 2: e.type = "FirstWrote"; break;
        case 4: e.type = "DeletedKey"; break;
        case 8: e.type = "DeletedValue"; break;
        default: e.type = "Unknown"; break;
    }
    e.timestamp = events_detail::time_field(p[1]);
    e.path = std::string(p[2]);
    if (p.size() > 3) e.tamper_flag = p[3] == "true";
    return e;
}

/// Parses a v1 netconn record `time|ip|port|proto|domain|outbound`. An unreadable IP becomes `0.0.0.0`, an
/// unknown protocol number `Unknown` (cbapi-python raised KeyError).
/// @throws ApiError for a malformed record
inline NetConnEvent parse_netconn_v1(std::string_view record) {
    const auto p = events_detail::split_pipes(record);
    events_detail::need_fields(p, 6, "netconn", record);
    NetConnEvent e;
    e.timestamp = events_detail::time_field(p[0]);
    if (const auto ip = events_detail::to_integer(p[1]); ip && *ip >= -2147483648LL && *ip <= 2147483647LL)
        e.remote_ip = events_detail::dotted_quad(*ip);
    e.remote_port = static_cast<int>(events_detail::integer_field(p[2], "netconn port"));
    e.proto = events_detail::protocol_name(events_detail::to_integer(p[3]).value_or(-1));
    e.domain = std::string(p[4]);
    e.direction = p[5] == "true" ? "Outbound" : "Inbound";
    return e;
}

/// Parses a v2/v3 (integer IPs) or v4 (dotted IPs) netconn JSON object. Integer IPs are converted whether the
/// server sent them signed or unsigned (cbapi-python passed unsigned values through raw).
/// @throws ApiError for a malformed record
inline NetConnEvent parse_netconn_json(const nlohmann::json& record, EventApiVersion version) {
    namespace d = events_detail;
    if (!record.is_object())
        throw ApiError("Malformed netconn event (expected a JSON object): " + cbapi::detail::json_text(record, 128));
    NetConnEvent e;
    e.version = 2;
    e.timestamp = d::time_value(record.value("timestamp", nlohmann::json()));
    e.direction = d::text_of(record, "direction", "true") == "true" ? "Outbound" : "Inbound";
    auto ip = [&](const char* key) -> std::string {
        const auto it = record.find(key);
        if (it == record.end() || it->is_null()) return "0.0.0.0";
        if (it->is_string()) {
            if (version == EventApiVersion::v4) return it->get<std::string>();
            if (const auto n = d::to_integer(it->get<std::string>())) return d::dotted_quad(*n);
            return it->get<std::string>();
        }
        if (it->is_number_integer()) {
            const auto n = it->get<long long>();
            if (n >= -2147483648LL && n <= 4294967295LL) return d::dotted_quad(n);
        }
        throw ApiError(std::string("Malformed netconn field '") + key + "': " + cbapi::detail::json_text(*it, 64));
    };
    e.remote_ip = ip("remote_ip");
    e.local_ip = ip("local_ip");
    e.proxy_ip = ip("proxy_ip");
    e.remote_port = static_cast<int>(d::integer_of(record, "remote_port"));
    e.local_port = static_cast<int>(d::integer_of(record, "local_port"));
    e.proxy_port = static_cast<int>(d::integer_of(record, "proxy_port"));
    e.proto = d::protocol_name(d::integer_of(record, "proto", -1));
    e.domain = d::text_of(record, "domain");
    return e;
}

/// Parses a v1/v2 childproc record `time|procguid|md5|path|pid|started|tamper`.
/// @throws ApiError for a malformed record
inline ChildProcEvent parse_childproc_v1(std::string_view record) {
    const auto p = events_detail::split_pipes(record);
    events_detail::need_fields(p, 6, "childproc", record);
    ChildProcEvent e;
    e.timestamp = events_detail::time_field(p[0]);
    e.procguid = std::string(p[1]);
    e.md5 = std::string(p[2]);
    e.path = std::string(p[3]);
    e.pid = events_detail::to_integer(p[4]).value_or(-1);
    e.terminated = p[5] != "true";
    if (p.size() > 6) e.tamper_flag = p[6] == "true";
    return e;
}

/// Parses a v3/v4 childproc JSON object (`processId`, `md5`, `path`, `pid`, `type` start/end, `start`, `end`,
/// `is_tampered`, `is_suppressed`, `commandLine`, `userName`).
/// @throws ApiError for a malformed record
inline ChildProcEvent parse_childproc_json(const nlohmann::json& record) {
    namespace d = events_detail;
    if (!record.is_object())
        throw ApiError("Malformed childproc event (expected a JSON object): " + cbapi::detail::json_text(record, 128));
    ChildProcEvent e;
    e.procguid = d::text_of(record, "processId");
    e.md5 = d::text_of(record, "md5");
    e.path = d::text_of(record, "path");
    e.pid = d::integer_of(record, "pid", -1);
    e.terminated = d::text_of(record, "type", "start") == "end";
    const char* time_key = e.terminated ? "end" : "start";
    e.timestamp = d::time_value(record.value(time_key, nlohmann::json()));
    e.tamper_flag = d::truthy(record, "is_tampered");
    e.is_suppressed = d::truthy(record, "is_suppressed");
    if (e.is_suppressed)
        e.proc_data = {{"cmdline", d::text_of(record, "commandLine")}, {"username", d::text_of(record, "userName")}};
    return e;
}

/// Parses a crossproc record `type|time|guid|md5|path|subtype|privileges|tamper[|is_target]`. The owning process's
/// side (target when `is_target`, else source) is left empty for the caller to fill in.
/// @throws ApiError for a malformed record (fewer than 8 fields)
inline CrossProcEvent parse_crossproc(std::string_view record) {
    const auto p = events_detail::split_pipes(record);
    events_detail::need_fields(p, 8, "crossproc", record);
    CrossProcEvent e;
    e.type = std::string(p[0]);
    if (e.type == "ProcessOpen" && p[5] == "2") e.type = "ThreadOpen";
    e.timestamp = events_detail::time_field(p[1]);
    const auto code = events_detail::to_integer(p[6]).value_or(0);
    e.privilege_code = static_cast<std::uint32_t>(code < 0 ? 0 : (code > 0xFFFFFFFFLL ? 0 : code));
    e.privileges = privileges_text(e.privilege_code);
    e.tamper_flag = p[7] == "true";
    if (p.size() > 8) e.is_target = p[8] == "true";
    if (e.is_target) {
        e.source_procguid = std::string(p[2]);
        e.source_md5 = std::string(p[3]);
        e.source_path = std::string(p[4]);
    } else {
        e.target_procguid = std::string(p[2]);
        e.target_md5 = std::string(p[3]);
        e.target_path = std::string(p[4]);
    }
    return e;
}

}  // namespace cbapi::response
