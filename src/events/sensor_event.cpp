// Raw sensor events: the protobuf CbEventMsg (cbapi 1.3.2 schema, src/events/sensor_events.proto) into the typed
// structs of cbapi/events/sensor_event.hpp, with the conversions the Event Forwarder applies (reference §7).
#include "cbapi/events/sensor_event.hpp"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <exception>
#include <limits>
#include <map>
#include <sstream>
#include <utility>

#include "cbapi/detail/zip.hpp"
#include "sensor_events.pb.h"

namespace cbapi::events {

namespace {

namespace pb = cbapi::events::pb;

constexpr std::uint64_t max_zip_member_bytes = std::uint64_t(64) << 20;
constexpr std::uint64_t max_zip_total_bytes = std::uint64_t(256) << 20;

std::string upper_hex(const std::string& bytes) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out += digits[b >> 4];
        out += digits[b & 0x0F];
    }
    return out;
}

// The uint32's little-endian bytes are the dotted quad (the sensor stores the address in network order and the
// schema reads it as a little-endian integer).
std::string dotted_le(std::uint32_t address) {
    return std::to_string(address & 0xFFu) + "." + std::to_string((address >> 8) & 0xFFu) + "." +
           std::to_string((address >> 16) & 0xFFu) + "." + std::to_string((address >> 24) & 0xFFu);
}

// ntohs of the low 16 bits.
std::uint16_t swapped_port(std::uint32_t port) {
    return static_cast<std::uint16_t>(((port & 0xFFu) << 8) | ((port >> 8) & 0xFFu));
}

std::string enum_name(const google::protobuf::EnumDescriptor* descriptor, int value, std::string_view strip) {
    if (const auto* found = descriptor->FindValueByNumber(value)) {
        std::string name = found->name();
        if (name.compare(0, strip.size(), strip) == 0) name.erase(0, strip.size());
        return name;
    }
    return std::to_string(value);
}

using StringTable = std::map<std::int64_t, const std::string*>;

std::string lookup(const StringTable& table, std::int64_t guid) {
    const auto found = table.find(guid);
    return found == table.end() ? std::string() : *found->second;
}

// A GUID needs the sensor id, the pid and the create time; without the sensor id there is none.
std::string guid_or_empty(const std::optional<std::int32_t>& sensor_id, bool have_pid, std::uint32_t pid,
                          bool have_time, std::int64_t create_time) {
    if (!sensor_id || !have_pid || !have_time) return {};
    return format_process_guid(static_cast<std::uint32_t>(*sensor_id), pid, create_time);
}

SensorEventHeader read_header(const pb::CbEventMsg& msg, const SensorEnvironment& fallback, const StringTable& table) {
    const pb::CbHeaderMsg& h = msg.header();
    SensorEventHeader header;
    header.version = h.version();
    const bool have_endpoint = msg.has_env() && msg.env().has_endpoint();
    const auto& endpoint = msg.env().endpoint();
    if (have_endpoint && endpoint.has_sensorid()) {
        header.sensor_id = endpoint.sensorid();
    } else {
        header.sensor_id = fallback.sensor_id;
    }
    header.host_name = have_endpoint && endpoint.has_sensorhostname() ? endpoint.sensorhostname() : fallback.host_name;
    if (have_endpoint && endpoint.has_hostid()) {
        header.host_id = endpoint.hostid();
    } else {
        header.host_id = fallback.host_id;
    }
    if (msg.has_env() && msg.env().has_server() && msg.env().server().has_nodeid()) {
        header.node_id = msg.env().server().nodeid();
    } else {
        header.node_id = fallback.node_id;
    }
    header.pid = h.process_pid();
    header.process_create_time = filetime_to_time_point(h.process_create_time());
    if (header.sensor_id && h.has_process_pid() && h.has_process_create_time()) {
        header.process_guid = format_process_guid(static_cast<std::uint32_t>(*header.sensor_id),
                                                  static_cast<std::uint32_t>(h.process_pid()), h.process_create_time());
    } else if (h.has_process_guid()) {
        header.process_guid = std::to_string(h.process_guid());
    }
    header.process_md5 = upper_hex(h.process_md5());
    if (h.has_process_path()) {
        header.process_path = h.process_path();
    } else if (h.has_process_filepath_string_guid()) {
        header.process_path = lookup(table, h.process_filepath_string_guid());
    }
    if (h.has_filepath_string_guid()) header.file_path = lookup(table, h.filepath_string_guid());
    header.timestamp = filetime_to_time_point(h.timestamp());
    if (h.has_fork_pid()) header.fork_pid = h.fork_pid();
    return header;
}

NetConn read_netconn(std::uint32_t ipv4, bool has_ipv4, std::uint32_t port, bool has_port, std::uint32_t remote_ip,
                     bool has_remote_ip, std::uint32_t remote_port, bool has_remote_port) {
    NetConn net;
    if (has_remote_ip) {
        net.remote_ip = dotted_le(remote_ip);
    } else if (has_ipv4) {
        net.remote_ip = dotted_le(ipv4);
    }
    if (has_remote_port) {
        net.remote_port = swapped_port(remote_port);
    } else if (has_port) {
        net.remote_port = swapped_port(port);
    }
    return net;
}

// CbNetConnMsg and CbNetConnBlockedMsg share their numbering from field 2 on.
template <typename M>
NetConn read_connection(const M& m) {
    NetConn net = read_netconn(m.ipv4address(), m.has_ipv4address(), m.port(), m.has_port(), m.remoteipaddress(),
                               m.has_remoteipaddress(), m.remoteport(), m.has_remoteport());
    if (m.has_localipaddress()) net.local_ip = dotted_le(m.localipaddress());
    if (m.has_localport()) net.local_port = swapped_port(m.localport());
    net.domain = m.utf8_netpath();
    net.protocol = static_cast<std::int32_t>(m.protocol());
    net.outbound = m.outbound();
    net.proxy = m.proxyconnection();
    if (m.has_proxyipv4address()) net.proxy_ip = dotted_le(m.proxyipv4address());
    if (m.has_proxyport()) net.proxy_port = swapped_port(m.proxyport());
    net.proxy_domain = m.proxynetpath();
    net.ipv6_low = m.ipv6lopart();
    net.ipv6_high = m.ipv6hipart();
    return net;
}

void read_payload(const pb::CbEventMsg& msg, const StringTable& table, SensorEvent& event) {
    SensorEventHeader& header = event.header;
    const auto& sensor_id = header.sensor_id;
    if (msg.has_process()) {
        const pb::CbProcessMsg& p = msg.process();
        ProcessEvent out;
        out.created = p.created();
        out.path = !header.file_path.empty() ? header.file_path : header.process_path;
        out.command_line = p.commandline();
        out.md5 = upper_hex(p.md5hash());
        out.parent_pid = p.parent_pid();
        out.parent_create_time = filetime_to_time_point(p.parent_create_time());
        out.parent_guid = guid_or_empty(sensor_id, p.has_parent_pid(), static_cast<std::uint32_t>(p.parent_pid()),
                                        p.has_parent_create_time(), p.parent_create_time());
        out.parent_md5 = upper_hex(p.parent_md5());
        out.parent_path = p.parent_path();
        out.uid = p.uid();
        out.username = p.username();
        out.have_seen_before = p.have_seen_before();
        out.creation_observed = p.creationobserved();
        out.expect_followon_w_md5 = p.expect_followon_w_md5();
        for (const auto& action : p.actions()) out.emet_mitigations.push_back(static_cast<std::int32_t>(action.mitigationtype()));
        out.emet_mitigations_from_gpo = p.actionsarefromgpo();
        out.filtering_known_dlls = p.bfilteringknowndlls();
        header.type = out.created ? "procstart" : "procend";
        event.payload = std::move(out);
    } else if (msg.has_modload()) {
        const pb::CbModuleLoadMsg& m = msg.modload();
        ModuleLoad out;
        if (m.has_handlepath_string_guid()) out.path = lookup(table, m.handlepath_string_guid());
        if (out.path.empty()) out.path = header.file_path;
        out.md5 = upper_hex(m.md5hash());
        out.image_base = m.image_base();
        out.image_size = m.image_size();
        out.is_process_base_module = m.is_process_base_module();
        header.type = "moduleload";
        event.payload = std::move(out);
    } else if (msg.has_filemod()) {
        const pb::CbFileModMsg& f = msg.filemod();
        FileMod out;
        out.action = static_cast<FileModAction>(f.action());
        out.path = header.file_path;
        out.md5 = upper_hex(f.md5hash());
        out.file_type = static_cast<std::int32_t>(f.type());
        out.file_type_name = enum_name(pb::CbFileModMsg::CbFileType_descriptor(), f.type(), "filetype");
        out.have_seen_before = f.have_seen_before();
        out.tamper = f.tamper();
        header.type = "filemod";
        event.payload = std::move(out);
    } else if (msg.has_network()) {
        header.type = "netconn";
        event.payload = read_connection(msg.network());
    } else if (msg.has_regmod()) {
        const pb::CbRegModMsg& r = msg.regmod();
        RegMod out;
        out.action = static_cast<RegModAction>(r.action());
        out.path = r.utf8_regpath();
        out.have_seen_before = r.have_seen_before();
        out.tamper = r.tamper();
        header.type = "regmod";
        event.payload = std::move(out);
    } else if (msg.has_stats()) {
        header.type = "stats";
        event.payload = UnknownPayload{"stats"};
    } else if (msg.has_module()) {
        const pb::CbModuleInfoMsg& m = msg.module();
        ModuleInfo out;
        out.md5 = m.md5();
        out.copied_length = m.copiedmodulelength();
        out.original_length = m.originalmodulelength();
        out.file_description = m.utf8_filedescription();
        out.company_name = m.utf8_companyname();
        out.product_name = m.utf8_productname();
        out.file_version = m.utf8_fileversion();
        out.comments = m.utf8_comments();
        out.legal_copyright = m.utf8_legalcopyright();
        out.legal_trademark = m.utf8_legaltrademark();
        out.internal_name = m.utf8_internalname();
        out.original_filename = m.utf8_originalfilename();
        out.product_description = m.utf8_productdescription();
        out.product_version = m.utf8_productversion();
        out.private_build = m.utf8_privatebuild();
        out.special_build = m.utf8_specialbuild();
        out.digsig_publisher = m.utf8_digsig_publisher();
        out.digsig_program_name = m.utf8_digsig_programname();
        out.digsig_issuer_name = m.utf8_digsig_issuername();
        out.digsig_subject_name = m.utf8_digsig_subjectname();
        out.digsig_result = m.utf8_digsig_result();
        out.digsig_result_code = m.utf8_digsig_resultcode();
        out.digsig_sign_time = m.utf8_digsig_signtime();
        out.on_disk_filename = m.utf8_ondiskfilename();
        out.icon = m.icon();
        out.image_file_header = m.imagefileheader();
        header.type = "module";
        event.payload = std::move(out);
    } else if (msg.has_vtwrite()) {
        header.type = "vtwrite";
        event.payload = UnknownPayload{"vtwrite"};
    } else if (msg.has_vtload()) {
        header.type = "vtload";
        event.payload = UnknownPayload{"vtload"};
    } else if (msg.has_childproc()) {
        const pb::CbChildProcessMsg& c = msg.childproc();
        ChildProc out;
        out.created = c.created();
        out.pid = c.pid();
        out.create_time = filetime_to_time_point(c.create_time());
        // The forwarder uses the low 32 bits of the (int64) child pid.
        out.guid = guid_or_empty(sensor_id, c.has_pid(), static_cast<std::uint32_t>(static_cast<std::uint64_t>(c.pid()) & 0xFFFFFFFFu),
                                 c.has_create_time(), c.create_time());
        out.md5 = upper_hex(c.md5hash());
        out.path = c.path();
        out.command_line = c.commandline();
        out.username = c.username();
        out.type = static_cast<ChildProcType>(c.childproctype());
        out.tamper = c.tamper();
        out.suppressed = c.suppressed().bissuppressed();
        out.suppressed_state = static_cast<std::int32_t>(c.suppressed().state());
        header.type = "childproc";
        event.payload = std::move(out);
    } else if (msg.has_crossproc()) {
        const pb::CbCrossProcessMsg& x = msg.crossproc();
        CrossProc out;
        out.is_target = x.istarget();
        out.tamper = x.tamper();
        if (x.has_remotethread() && !x.has_open()) {
            const auto& t = x.remotethread();
            out.type = CrossProcType::remote_thread;
            out.target_pid = t.remoteprocpid();
            out.target_create_time = filetime_to_time_point(static_cast<std::int64_t>(t.remoteproccreatetime()));
            out.target_guid = guid_or_empty(sensor_id, t.has_remoteprocpid(), t.remoteprocpid(),
                                            t.has_remoteproccreatetime(), static_cast<std::int64_t>(t.remoteproccreatetime()));
            out.target_path = t.remoteprocpath();
            out.target_md5 = upper_hex(t.remoteprocmd5());
            header.type = "remotethread";
        } else {
            const auto& o = x.open();
            out.type = o.type() == pb::CbCrossProcessOpenMsg::OpenThreadHandle ? CrossProcType::open_thread
                                                                                : CrossProcType::open_process;
            out.requested_access = o.requestedaccess();
            out.target_pid = o.targetpid();
            out.target_create_time = filetime_to_time_point(static_cast<std::int64_t>(o.targetproccreatetime()));
            out.target_guid = guid_or_empty(sensor_id, o.has_targetpid(), o.targetpid(), o.has_targetproccreatetime(),
                                            static_cast<std::int64_t>(o.targetproccreatetime()));
            out.target_path = o.targetprocpath();
            out.target_md5 = upper_hex(o.targetprocmd5());
            header.type = "crossprocopen";
        }
        event.payload = std::move(out);
    } else if (msg.has_tamperalert()) {
        Tamper out;
        out.type = static_cast<std::int32_t>(msg.tamperalert().type());
        out.type_name = enum_name(pb::CbTamperAlertMsg::CbTamperAlertType_descriptor(), out.type, "Alert");
        header.type = "tamper";
        event.payload = std::move(out);
    } else if (msg.has_blocked()) {
        const pb::CbProcessBlockedMsg& b = msg.blocked();
        ProcessBlock out;
        out.block_type = static_cast<std::int32_t>(b.blockedtype());
        out.block_event = static_cast<std::int32_t>(b.blockedevent());
        out.result = static_cast<std::int32_t>(b.blockresult());
        out.result_name = enum_name(pb::CbProcessBlockedMsg::BlockResult_descriptor(), out.result, "");
        out.error = b.blockerror();
        out.md5 = upper_hex(b.blockedmd5hash());
        out.path = b.blockedpath();
        out.pid = b.blockedpid();
        out.create_time = filetime_to_time_point(static_cast<std::int64_t>(b.blockedproccreatetime()));
        out.process_guid = guid_or_empty(sensor_id, b.has_blockedpid(), static_cast<std::uint32_t>(b.blockedpid()),
                                         b.has_blockedproccreatetime(), static_cast<std::int64_t>(b.blockedproccreatetime()));
        out.command_line = b.blockedcmdline();
        out.uid = b.blockeduid();
        out.username = b.blockedusername();
        header.type = "processblock";
        event.payload = std::move(out);
    } else if (msg.has_emet()) {
        const pb::CbEmetMitigationMsg& e = msg.emet();
        EmetMitigation out;
        out.emet_id = e.emetid();
        out.emet_timestamp = filetime_to_time_point(static_cast<std::int64_t>(e.emettimstamp()));
        if (e.has_action() && e.action().has_mitigationtype()) {
            out.mitigation = static_cast<std::int32_t>(e.action().mitigationtype());
            out.mitigation_name =
                enum_name(pb::CbEmetMitigationAction::CbEmetMitigationTypes_descriptor(), out.mitigation, "action");
        }
        out.text = e.actiontext();
        out.blocked = e.blocked();
        header.type = "emetmitigation";
        event.payload = std::move(out);
    } else if (msg.has_netconnblocked()) {
        const pb::CbNetConnBlockedMsg& b = msg.netconnblocked();
        NetConnBlocked out;
        out.block_type = static_cast<std::int32_t>(b.blockedtype());
        out.connection = read_connection(b);
        header.type = "netconnblocked";
        event.payload = std::move(out);
    } else if (msg.has_processmeta()) {
        const pb::CbProcessMetadataMsg& m = msg.processmeta();
        ProcessMetadata out;
        out.pid = m.process_pid();
        out.create_time = filetime_to_time_point(m.process_create_time());
        out.process_guid = guid_or_empty(sensor_id, m.has_process_pid(), static_cast<std::uint32_t>(m.process_pid()),
                                         m.has_process_create_time(), m.process_create_time());
        if (out.process_guid.empty() && m.has_process_guid()) out.process_guid = std::to_string(m.process_guid());
        out.md5 = upper_hex(m.process_md5());
        out.path = m.process_path();
        out.uid = m.uid();
        out.username = m.username();
        out.command_line = m.commandline();
        out.parent_pid = m.parent_pid();
        out.parent_create_time = filetime_to_time_point(m.parent_create_time());
        out.parent_md5 = upper_hex(m.parent_md5());
        out.parent_path = m.parent_path();
        out.modload_count = m.modload_count();
        out.filemod_count = m.filemod_count();
        out.netconn_count = m.netconn_count();
        out.regmod_count = m.regmod_count();
        out.childproc_count = m.childproc_count();
        out.crossproc_count = m.crossproc_count();
        out.emet_count = m.emet_count();
        out.processblock_count = m.processblock_count();
        out.sensor_start_time = m.sensor_start_time();
        out.sensor_segment = m.sensor_segment();
        out.creation_observed = m.creationobserved();
        header.type = "processmeta";
        event.payload = std::move(out);
    } else {
        header.type = "unknown";
        event.payload = UnknownPayload{};
    }
}

bool starts_with_zip_magic(std::string_view bytes) {
    return bytes.size() >= 4 && bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4);
}

std::optional<std::int64_t> header_number(const Message& message, const char* name) {
    const auto found = message.headers.find(name);
    if (found == message.headers.end()) return std::nullopt;
    const std::string& text = found->second;
    if (text.empty()) return std::nullopt;
    std::size_t used = 0;
    try {
        const long long value = std::stoll(text, &used, 10);
        if (used != text.size()) return std::nullopt;
        return static_cast<std::int64_t>(value);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::optional<std::int32_t> narrow32(const std::optional<std::int64_t>& value) {
    if (!value || *value < std::numeric_limits<std::int32_t>::min() || *value > std::numeric_limits<std::int32_t>::max())
        return std::nullopt;
    return static_cast<std::int32_t>(*value);
}

}  // namespace

std::string to_string(FileModAction action) {
    switch (action) {
        case FileModAction::create: return "create";
        case FileModAction::write: return "write";
        case FileModAction::remove: return "delete";
        case FileModAction::last_write: return "lastwrite";
        case FileModAction::open: return "open";
    }
    return std::to_string(static_cast<std::int32_t>(action));
}

std::string to_string(RegModAction action) {
    switch (action) {
        case RegModAction::create_key: return "createkey";
        case RegModAction::write_value: return "writeval";
        case RegModAction::delete_key: return "delkey";
        case RegModAction::delete_value: return "delval";
    }
    return std::to_string(static_cast<std::int32_t>(action));
}

std::string to_string(CrossProcType type) {
    switch (type) {
        case CrossProcType::open_process: return "open_process";
        case CrossProcType::open_thread: return "open_thread";
        case CrossProcType::remote_thread: return "remote_thread";
    }
    return std::to_string(static_cast<std::int32_t>(type));
}

std::string format_process_guid(std::uint32_t sensor_id, std::uint32_t pid, std::int64_t create_time) {
    const auto time = static_cast<std::uint64_t>(create_time);
    char text[40];
    std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%04x%08x", sensor_id, (pid >> 16) & 0xFFFFu, pid & 0xFFFFu,
                  static_cast<unsigned>((time >> 48) & 0xFFFFu), static_cast<unsigned>((time >> 32) & 0xFFFFu),
                  static_cast<unsigned>(time & 0xFFFFFFFFu));
    return text;
}

EventTime filetime_to_time_point(std::int64_t filetime) noexcept {
    if (filetime == 0) return EventTime{};
    // Divide first: a FILETIME near the int64 limits must not overflow. 11644473600 s separate 1601 from 1970.
    constexpr std::int64_t epoch_offset_us = 11644473600LL * 1000000LL;
    const std::int64_t micros = filetime / 10 - epoch_offset_us;
    // The clock may be finer than microseconds (libstdc++: nanoseconds, about 1677..2262): a value it cannot hold is
    // garbage from the sensor and reads as 0, like a missing time.
    using Ticks = EventTime::duration;
    constexpr std::int64_t per_micro = std::chrono::duration_cast<Ticks>(std::chrono::microseconds(1)).count();
    constexpr std::int64_t limit = std::numeric_limits<Ticks::rep>::max() / per_micro;
    if (micros > limit || micros < -limit) return EventTime{};
    return EventTime(std::chrono::duration_cast<Ticks>(std::chrono::microseconds(micros)));
}

SensorEnvironment sensor_environment(const Message& message) {
    SensorEnvironment env;
    env.sensor_id = narrow32(header_number(message, "sensorId"));
    env.host_id = header_number(message, "hostId");
    env.node_id = narrow32(header_number(message, "nodeId"));
    if (const auto found = message.headers.find("sensorHostName"); found != message.headers.end())
        env.host_name = found->second;
    return env;
}

SensorEvent decode_sensor_event(std::string_view bytes, const SensorEnvironment& fallback) {
    if (bytes.size() > static_cast<std::size_t>(INT_MAX))
        throw DecodeError("raw sensor event of " + std::to_string(bytes.size()) + " bytes is too large to decode");
    pb::CbEventMsg msg;
    if (!msg.ParsePartialFromArray(bytes.data(), static_cast<int>(bytes.size())))
        throw DecodeError("raw sensor event (" + std::to_string(bytes.size()) +
                          " bytes) is not a CbEventMsg: truncated or wrong-typed protobuf");
    if (!msg.has_header())
        throw DecodeError("raw sensor event (" + std::to_string(bytes.size()) +
                          " bytes) has no header (CbEventMsg.header is required)");
    StringTable table;
    for (const pb::CbStringMsg& entry : msg.strings()) {
        // A guid appears once in a well-formed table; should one repeat, its first entry is used.
        table.emplace(entry.guid(), &entry.utf8string());
    }
    SensorEvent event;
    event.header = read_header(msg, fallback, table);
    read_payload(msg, table, event);
    return event;
}

SensorEventBatch decode_sensor_bundle(std::string_view bytes, const SensorEnvironment& fallback) {
    SensorEventBatch batch;
    std::size_t offset = 0;
    std::size_t index = 0;
    while (bytes.size() - offset >= 4) {
        const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + offset);
        const std::uint32_t length = static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
                                     (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
        offset += 4;
        if (length > bytes.size() - offset) {
            batch.errors.push_back("bundle event " + std::to_string(index) + " at byte " + std::to_string(offset - 4) +
                                   " declares " + std::to_string(length) + " bytes but only " +
                                   std::to_string(bytes.size() - offset) + " remain; the rest of the bundle is skipped");
            return batch;
        }
        try {
            batch.events.push_back(decode_sensor_event(bytes.substr(offset, length), fallback));
        } catch (const DecodeError& e) {
            batch.errors.push_back("bundle event " + std::to_string(index) + ": " + e.what());
        }
        offset += length;
        ++index;
    }
    return batch;
}

SensorEventBatch decode_sensor_zip(std::string_view bytes, const SensorEnvironment& fallback) {
    std::istringstream in{std::string(bytes)};
    std::vector<std::string> names;
    try {
        names = detail::zip_member_names(in);
    } catch (const ApiError& e) {
        throw DecodeError(std::string("raw sensor data zip: ") + e.what());
    }
    SensorEventBatch batch;
    std::uint64_t total = 0;
    for (const std::string& name : names) {
        if (total >= max_zip_total_bytes) {
            batch.errors.push_back("zip member '" + name + "' skipped: the archive inflates beyond " +
                                   std::to_string(max_zip_total_bytes) + " bytes");
            continue;
        }
        std::ostringstream out;
        try {
            in.clear();
            total += detail::extract_zip_member(in, name, out,
                                                std::min(max_zip_member_bytes, max_zip_total_bytes - total));
        } catch (const ApiError& e) {
            batch.errors.push_back(std::string("zip member '") + name + "': " + e.what());
            continue;
        }
        SensorEventBatch part = decode_sensor_bundle(out.str(), fallback);
        for (auto& event : part.events) batch.events.push_back(std::move(event));
        for (auto& error : part.errors) batch.errors.push_back("zip member '" + name + "': " + error);
    }
    return batch;
}

SensorEventBatch decode_sensor_events(const Message& message) {
    const SensorEnvironment env = sensor_environment(message);
    const std::string_view body = message.body;
    SensorEventBatch batch;
    if (message.content_type == "application/json") {
        batch.errors.push_back("not a raw sensor event: the message is JSON (" + message.routing_key + ")");
        return batch;
    }
    if (starts_with_zip_magic(body)) {
        try {
            return decode_sensor_zip(body, env);
        } catch (const DecodeError& e) {
            batch.errors.emplace_back(e.what());
            return batch;
        }
    }
    const bool raw_exchange = message.headers.count("sensorId") != 0 || message.headers.count("hostId") != 0 ||
                              message.headers.count("nodeId") != 0;
    if (raw_exchange || message.content_type == "application/zip") return decode_sensor_bundle(body, env);
    try {
        batch.events.push_back(decode_sensor_event(body, env));
    } catch (const DecodeError& e) {
        batch.errors.emplace_back(e.what());
    }
    return batch;
}

}  // namespace cbapi::events
