// The Cb Response process event decoders (include/cbapi/response/events.hpp): pure functions over one record each.

#include "cbapi/response/events.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/json_text.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/server_version.hpp"
#include "cbapi/time.hpp"
#include "response/events_decode.hpp"

namespace cbapi::response {

EventApiVersion event_api_for(const ServerVersion& server) {
    if (server >= ServerVersion{6, 0}) return EventApiVersion::v4;
    if (server >= ServerVersion{5, 2}) return EventApiVersion::v3;
    if (server >= ServerVersion{5, 1}) return EventApiVersion::v2;
    return EventApiVersion::v1;
}

bool CrossProcEvent::has_permissions(const std::vector<std::string>& names) const {
    for (const auto& n : names)
        if (!has_permission(n)) return false;
    return true;
}

TimePoint event_time(const ProcessEvent& event) {
    return std::visit([](const auto& e) { return e.timestamp; }, event);
}

std::string event_type_name(const ProcessEvent& event) {
    return std::visit([](const auto& e) { return std::string(std::decay_t<decltype(e)>::event_type); }, event);
}

std::string privileges_text(std::uint32_t code) {
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

bool CrossProcEvent::has_permission(std::string_view name) const {
    for (const auto& r : events_detail::access_rights())
        if (name == r.name) return (privilege_code & r.bit) == r.bit;
    if (name == "PROCESS_ALL_ACCESS") return (privilege_code & 0x1FFFFF) == 0x1FFFFF;
    throw ApiError("Unknown access right: " + std::string(name));
}

ModLoadEvent parse_modload(std::string_view record) {
    const auto p = events_detail::split_pipes(record);
    events_detail::need_fields(p, 3, "modload", record);
    ModLoadEvent e;
    e.timestamp = events_detail::time_field(p[0]);
    e.md5 = std::string(p[1]);
    for (char& c : e.md5) c = static_cast<char>(c >= 'a' && c <= 'f' ? c - 'a' + 'A' : c);
    e.path = std::string(p[2]);
    return e;
}

std::optional<FileModEvent> parse_filemod(std::string_view record) {
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

RegModEvent parse_regmod(std::string_view record) {
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

NetConnEvent parse_netconn_v1(std::string_view record) {
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

NetConnEvent parse_netconn_json(const nlohmann::json& record, EventApiVersion version) {
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

ChildProcEvent parse_childproc_v1(std::string_view record) {
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

ChildProcEvent parse_childproc_json(const nlohmann::json& record) {
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

// cbapi-python 1.7.4 (response/models.py, ProcessV1Parser.parse_processblock): json.loads of each record, then the
// block_* / blocked_* keys; its timestamp is kept raw there, parsed here like every other event time.
ProcessBlockEvent parse_processblock(const nlohmann::json& record) {
    namespace d = events_detail;
    nlohmann::json doc = record;
    if (record.is_string()) doc = nlohmann::json::parse(record.get<std::string>(), nullptr, false);
    if (!doc.is_object())
        throw ApiError("Malformed processblock event (expected a JSON object): " + cbapi::detail::json_text(record, 128));
    ProcessBlockEvent e;
    if (const auto t = doc.find("timestamp"); t != doc.end() && t->is_string())
        e.timestamp = try_parse_event_time(t->get<std::string>()).value_or(TimePoint{});
    e.type = d::text_of(doc, "block_type");
    e.event = d::text_of(doc, "block_event");
    e.result = d::text_of(doc, "block_result");
    e.error = d::text_of(doc, "block_error");
    e.md5 = d::text_of(doc, "blocked_md5");
    e.path = d::text_of(doc, "blocked_path");
    e.cmdline = d::text_of(doc, "blocked_cmdline");
    e.uid = d::text_of(doc, "blocked_uid");
    e.username = d::text_of(doc, "blocked_username");
    e.raw = std::move(doc);
    return e;
}

CrossProcEvent parse_crossproc(std::string_view record) {
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
