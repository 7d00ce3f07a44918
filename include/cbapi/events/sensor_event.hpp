#pragma once
/// @file
/// Raw sensor events (the bus's protobuf `CbEventMsg`, cbapi 1.3.2 schema) as typed C++ values: one header part,
/// one payload. The protobuf code is private to the library; this header names only standard types.
///
/// @code
/// const cbapi::events::SensorEvent event = cbapi::events::decode_sensor_event(message.body);
/// if (const auto* regmod = std::get_if<cbapi::events::RegMod>(&event.payload)) {
///     std::cout << event.header.host_name << " " << regmod->path << "\n";
/// }
/// @endcode

#include "cbapi/fwd.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cbapi/events/decode_error.hpp"
#include "cbapi/events/source.hpp"

namespace cbapi::events {

/// Time points of raw events: FILETIME (100 ns since 1601) converted to the system clock, at microsecond precision.
using EventTime = std::chrono::system_clock::time_point;

/// The sensor and host a raw event came from when its `env` part is missing: raw-sensor-data bundles leave it out
/// and carry the AMQP headers `sensorId`, `hostId`, `nodeId` and `sensorHostName` instead.
struct SensorEnvironment {
    /// The sensor id (`sensorId`).
    std::optional<std::int32_t> sensor_id;
    /// The sensor's host name (`sensorHostName`); empty when unknown.
    std::string host_name;
    /// The host id (`hostId`).
    std::optional<std::int64_t> host_id;
    /// The server node id (`nodeId`).
    std::optional<std::int32_t> node_id;
};

/// What every raw event says about where and when it happened (`CbHeaderMsg` plus `env`, the string table resolved).
struct SensorEventHeader {
    /// The event type, named like the routing key's last word: `procstart`, `procend`, `moduleload`, `filemod`,
    /// `regmod`, `netconn`, `childproc`, `crossprocopen`, `remotethread`, `module`, `processblock`,
    /// `emetmitigation`, `tamper`, `netconnblocked`, `processmeta`, or for payloads this SDK does not type `vtwrite`,
    /// `vtload`, `stats`, `unknown`.
    std::string type;
    /// The schema version the sensor wrote (`header.version`; 0 when the sensor left the required field out).
    std::int32_t version = 0;
    /// The sensor id (`env.endpoint.SensorId`, else the AMQP header `sensorId`).
    std::optional<std::int32_t> sensor_id;
    /// The sensor's host name (`env.endpoint.SensorHostName`, else the AMQP header `sensorHostName`).
    std::string host_name;
    /// The host id (`env.endpoint.HostId`, else the AMQP header `hostId`).
    std::optional<std::int64_t> host_id;
    /// The server node id (`env.server.NodeId`, else the AMQP header `nodeId`).
    std::optional<std::int32_t> node_id;
    /// The acting process's pid (`header.process_pid`).
    std::int32_t pid = 0;
    /// The acting process's GUID as the REST API and the forwarder write it (`00000007-0000-090c-01d1-2099b8f18a82`,
    /// from the sensor id, pid and create time); the decimal legacy `header.process_guid` when one of those is
    /// missing; empty when that is missing too.
    std::string process_guid;
    /// When the acting process was created (`header.process_create_time`).
    EventTime process_create_time{};
    /// The acting process's MD5, upper-case hex (`header.process_md5`, 16 raw bytes); empty when not sent.
    std::string process_md5;
    /// The acting process's image path (`header.process_path`, else the string table entry of
    /// `header.process_filepath_string_guid`).
    std::string process_path;
    /// The path the event is about, from the string table (`header.filepath_string_guid`): the module a modload
    /// loads, the file a filemod touches, the image of a process event. Empty when the table has no such entry.
    std::string file_path;
    /// When the event happened, by the endpoint's clock (`header.timestamp`).
    EventTime timestamp{};
    /// The pid of a forked process (`header.fork_pid`, Linux and macOS sensors).
    std::optional<std::int32_t> fork_pid;
};

/// A process started or exited (`CbProcessMsg`; type `procstart` / `procend`).
struct ProcessEvent {
    /// true: the process started; false: it exited.
    bool created = false;
    /// The image path (the header's file path, else its process path).
    std::string path;
    /// The command line.
    std::string command_line;
    /// The process's MD5, upper-case hex (sent on start only).
    std::string md5;
    /// The parent's pid.
    std::int32_t parent_pid = 0;
    /// When the parent was created.
    EventTime parent_create_time{};
    /// The parent's GUID (same layout as the header's process_guid; empty when unknown).
    std::string parent_guid;
    /// The parent's MD5, upper-case hex.
    std::string parent_md5;
    /// The parent's image path.
    std::string parent_path;
    /// The user's SID.
    std::string uid;
    /// The user name.
    std::string username;
    /// The sensor had seen this binary before.
    bool have_seen_before = false;
    /// The sensor saw the creation itself (not a process that was already running).
    bool creation_observed = false;
    /// A later event will carry the MD5.
    bool expect_followon_w_md5 = false;
    /// EMET mitigations applied to the process (`CbEmetMitigationTypes` values).
    std::vector<std::int32_t> emet_mitigations;
    /// The mitigations come from group policy.
    bool emet_mitigations_from_gpo = false;
    /// The sensor filters loads of known DLLs for this process.
    bool filtering_known_dlls = false;
};

/// A module (DLL, shared object) was loaded (`CbModuleLoadMsg`; type `moduleload`).
struct ModuleLoad {
    /// The module's path (string table: `handlepath_string_guid`, else the header's file path).
    std::string path;
    /// The module's MD5, upper-case hex.
    std::string md5;
    /// Where it was mapped.
    std::int64_t image_base = 0;
    /// The mapped size in bytes.
    std::uint32_t image_size = 0;
    /// The module is the process's main image.
    bool is_process_base_module = false;
};

/// What a filemod did (`CbFileModAction`; the values are the wire values).
enum class FileModAction : std::int32_t {
    create = 1,      ///< created
    write = 2,       ///< first write
    remove = 4,      ///< deleted
    last_write = 8,  ///< last write (file closed)
    open = 16,       ///< opened
};

/// `create`, `write`, `delete`, `lastwrite`, `open` (the forwarder's names), or the number for another value.
std::string to_string(FileModAction action);

/// A file was created, written, deleted or opened (`CbFileModMsg`; type `filemod`).
struct FileMod {
    /// What happened.
    FileModAction action = FileModAction::create;
    /// The file's path (the header's file path from the string table).
    std::string path;
    /// The file's MD5 after the write, upper-case hex (last writes of executables).
    std::string md5;
    /// The file's type (`CbFileType` value: 1 PE, 2 ELF, 8 EICAR, 48 PDF, ...).
    std::int32_t file_type = 0;
    /// The type's name without the `filetype` prefix (`Pe`, `Pdf`, `Unknown`), or its number when not in the schema.
    std::string file_type_name;
    /// The sensor had seen this file before.
    bool have_seen_before = false;
    /// The write hit a Carbon Black file (tamper).
    bool tamper = false;
};

/// What a regmod did (`CbRegModAction`; the values are the wire values).
enum class RegModAction : std::int32_t {
    create_key = 1,    ///< key created
    write_value = 2,   ///< value written
    delete_key = 4,    ///< key deleted
    delete_value = 8,  ///< value deleted
};

/// `createkey`, `writeval`, `delkey`, `delval` (the forwarder's names), or the number for another value.
std::string to_string(RegModAction action);

/// A registry key or value was changed (`CbRegModMsg`; type `regmod`).
struct RegMod {
    /// What happened.
    RegModAction action = RegModAction::create_key;
    /// The key or value path as the sensor writes it (lower case, `\registry\machine\...`).
    std::string path;
    /// The sensor had seen this path before.
    bool have_seen_before = false;
    /// The change hit a Carbon Black key (tamper).
    bool tamper = false;
};

/// A network connection (`CbNetConnMsg`; type `netconn`). Addresses are dotted quads and ports host numbers,
/// converted from the sensor's byte order as the forwarder does.
struct NetConn {
    /// The remote address (`remoteIpAddress`, else the older `ipv4Address`); empty when neither was sent.
    std::string remote_ip;
    /// The remote port (`remotePort`, else `port`).
    std::uint16_t remote_port = 0;
    /// The local address (`localIpAddress`); empty when not sent.
    std::string local_ip;
    /// The local port.
    std::uint16_t local_port = 0;
    /// The DNS name the process used (`utf8_netpath`), often empty.
    std::string domain;
    /// The IP protocol: 6 TCP, 17 UDP.
    std::int32_t protocol = 0;
    /// true: outbound; false: inbound.
    bool outbound = true;
    /// The connection went through a proxy.
    bool proxy = false;
    /// The proxy's address.
    std::string proxy_ip;
    /// The proxy's port.
    std::uint16_t proxy_port = 0;
    /// The proxy's DNS name.
    std::string proxy_domain;
    /// Low 64 bits of an IPv6 address, as sent.
    std::uint64_t ipv6_low = 0;
    /// High 64 bits of an IPv6 address, as sent.
    std::uint64_t ipv6_high = 0;
};

/// A network connection the sensor blocked (`CbNetConnBlockedMsg`; type `netconnblocked`).
struct NetConnBlocked {
    /// Why (`NetconnBlockType`: 1 network isolation).
    std::int32_t block_type = 0;
    /// The connection, read like a netconn.
    NetConn connection;
};

/// How a child process was made (`CbChildProcType`).
enum class ChildProcType : std::int32_t {
    exec = 0,        ///< CreateProcess / exec
    fork = 1,        ///< fork
    other_exec = 2,  ///< another kind of exec
};

/// The process started or saw the end of a child process (`CbChildProcessMsg`; type `childproc`).
struct ChildProc {
    /// true: the child started; false: it ended.
    bool created = false;
    /// The child's pid.
    std::int64_t pid = 0;
    /// When the child was created.
    EventTime create_time{};
    /// The child's GUID (sensor id, the low 32 bits of its pid, its create time); empty when unknown.
    std::string guid;
    /// The child's MD5, upper-case hex.
    std::string md5;
    /// The child's image path.
    std::string path;
    /// The child's command line.
    std::string command_line;
    /// The child's user.
    std::string username;
    /// How it was made.
    ChildProcType type = ChildProcType::exec;
    /// The child is a Carbon Black process (tamper).
    bool tamper = false;
    /// The child's own events are suppressed.
    bool suppressed = false;
    /// Which suppression (`CbSuppressedProcessState`: 1 eventless modloads, 2 eventless with cross-process).
    std::int32_t suppressed_state = 0;
};

/// Which cross-process action (`OpenType`, and remote threads).
enum class CrossProcType : std::int32_t {
    open_process = 1,   ///< OpenProcess
    open_thread = 2,    ///< OpenThread
    remote_thread = 3,  ///< CreateRemoteThread
};

/// `open_process`, `open_thread`, `remote_thread` (the forwarder's names), or the number for another value.
std::string to_string(CrossProcType type);

/// The process opened another process or thread, or started a thread in it (`CbCrossProcessMsg`; type
/// `crossprocopen` or `remotethread`).
struct CrossProc {
    /// What it did.
    CrossProcType type = CrossProcType::open_process;
    /// The access mask asked for (opens).
    std::uint32_t requested_access = 0;
    /// The other process's pid.
    std::uint32_t target_pid = 0;
    /// When the other process was created.
    EventTime target_create_time{};
    /// The other process's GUID; empty when unknown.
    std::string target_guid;
    /// The other process's image path.
    std::string target_path;
    /// The other process's MD5, upper-case hex.
    std::string target_md5;
    /// The reporting process is the target, and the "target" fields name the actor.
    bool is_target = false;
    /// The target is a Carbon Black process (tamper).
    bool tamper = false;
};

/// What the sensor learned about a binary (`CbModuleInfoMsg`; type `module`).
struct ModuleInfo {
    /// The MD5 as sent (text, not raw bytes).
    std::string md5;
    /// How many bytes the sensor copied to the server.
    std::uint32_t copied_length = 0;
    /// The binary's size.
    std::uint64_t original_length = 0;
    std::string file_description;     ///< version resource: FileDescription
    std::string company_name;         ///< version resource: CompanyName
    std::string product_name;         ///< version resource: ProductName
    std::string file_version;         ///< version resource: FileVersion
    std::string comments;             ///< version resource: Comments
    std::string legal_copyright;      ///< version resource: LegalCopyright
    std::string legal_trademark;      ///< version resource: LegalTrademarks
    std::string internal_name;        ///< version resource: InternalName
    std::string original_filename;    ///< version resource: OriginalFilename
    std::string product_description;  ///< version resource: ProductDescription
    std::string product_version;      ///< version resource: ProductVersion
    std::string private_build;        ///< version resource: PrivateBuild
    std::string special_build;        ///< version resource: SpecialBuild
    std::string digsig_publisher;     ///< signature: publisher
    std::string digsig_program_name;  ///< signature: program name
    std::string digsig_issuer_name;   ///< signature: issuer
    std::string digsig_subject_name;  ///< signature: subject
    std::string digsig_result;        ///< signature: result (`Signed`, `Unsigned`, ...)
    std::string digsig_result_code;   ///< signature: result code (hex text `0x...`)
    std::string digsig_sign_time;     ///< signature: signing time
    std::string on_disk_filename;     ///< the file name on disk
    std::string icon;                 ///< the icon (PNG bytes)
    std::string image_file_header;    ///< the 20-byte PE file header, raw
};

/// The sensor blocked a banned process (`CbProcessBlockedMsg`; type `processblock`).
struct ProcessBlock {
    /// Why (`BlockType`: 1 MD5 hash).
    std::int32_t block_type = 0;
    /// When (`BlockEvent`: 1 at process create, 2 a running process).
    std::int32_t block_event = 0;
    /// The outcome (`BlockResult`: 0 terminated, 1-6 not terminated and why).
    std::int32_t result = 0;
    /// The outcome's name (`ProcessTerminated`, `NotTerminatedCBProcess`, ...), or its number.
    std::string result_name;
    /// The Windows error of a failed termination (results 5 and 6).
    std::uint32_t error = 0;
    /// The blocked process's MD5, upper-case hex.
    std::string md5;
    /// Its image path.
    std::string path;
    /// Its pid.
    std::int32_t pid = 0;
    /// When it was created.
    EventTime create_time{};
    /// Its GUID; empty when unknown.
    std::string process_guid;
    /// Its command line.
    std::string command_line;
    /// Its user's SID.
    std::string uid;
    /// Its user.
    std::string username;
};

/// A tamper alert (`CbTamperAlertMsg`; type `tamper`).
struct Tamper {
    /// The kind (`CbTamperAlertType`: 1 core driver unloaded ... 5 code injection).
    std::int32_t type = 0;
    /// Its name without the `Alert` prefix (`CoreDriverUnloaded`, `CbCodeInjection`, ...), or its number.
    std::string type_name;
};

/// EMET reported a mitigation (`CbEmetMitigationMsg`; type `emetmitigation`).
struct EmetMitigation {
    /// EMET's event id.
    std::uint64_t emet_id = 0;
    /// When EMET logged it.
    EventTime emet_timestamp{};
    /// The mitigation (`CbEmetMitigationTypes` value; 0 when not sent).
    std::int32_t mitigation = 0;
    /// Its name without the `action` prefix (`Dep`, `StackPivot`, ...), or its number.
    std::string mitigation_name;
    /// EMET's message.
    std::string text;
    /// EMET blocked the action.
    bool blocked = false;
};

/// A summary of a process the sensor sends on its own (`CbProcessMetadataMsg`; type `processmeta`).
struct ProcessMetadata {
    std::int32_t pid = 0;               ///< the process's pid
    EventTime create_time{};            ///< when it was created
    std::string process_guid;           ///< its GUID (empty when unknown)
    std::string md5;                    ///< its MD5, upper-case hex
    std::string path;                   ///< its image path
    std::string uid;                    ///< its user's SID
    std::string username;               ///< its user
    std::string command_line;           ///< its command line
    std::int32_t parent_pid = 0;        ///< the parent's pid
    EventTime parent_create_time{};     ///< when the parent was created
    std::string parent_md5;             ///< the parent's MD5, upper-case hex
    std::string parent_path;            ///< the parent's image path
    std::int32_t modload_count = 0;     ///< modloads so far
    std::int32_t filemod_count = 0;     ///< filemods so far
    std::int32_t netconn_count = 0;     ///< netconns so far
    std::int32_t regmod_count = 0;      ///< regmods so far
    std::int32_t childproc_count = 0;   ///< child processes so far
    std::int32_t crossproc_count = 0;   ///< cross-process events so far
    std::int32_t emet_count = 0;        ///< EMET events so far
    std::int32_t processblock_count = 0;  ///< blocks so far
    std::int64_t sensor_start_time = 0;  ///< as sent
    std::int64_t sensor_segment = 0;     ///< as sent
    bool creation_observed = false;     ///< the sensor saw the creation
};

/// A payload this SDK does not type: a deprecated one (`vtwrite`, `vtload`, `stats`) or none of the 1.3.2 schema's
/// (e.g. a newer server's `networkv2`, kept by protobuf as an unknown field).
struct UnknownPayload {
    /// The payload field's name in the schema (`vtwrite`, `vtload`, `stats`), or empty when none is set.
    std::string field;
};

/// One raw sensor event.
struct SensorEvent {
    /// Who, where, when.
    SensorEventHeader header;
    /// What: exactly one of the typed payloads.
    std::variant<UnknownPayload, ProcessEvent, ModuleLoad, FileMod, RegMod, NetConn, NetConnBlocked, ChildProc,
                 CrossProc, ModuleInfo, ProcessBlock, Tamper, EmetMitigation, ProcessMetadata>
        payload;
};

/// The events of one message holding several (a raw-sensor-data bundle or zip), and the ones that could not be read.
struct SensorEventBatch {
    /// Every event decoded, in order.
    std::vector<SensorEvent> events;
    /// One text per event or part that could not be decoded (it is skipped; the others are kept).
    std::vector<std::string> errors;
};

/// The process GUID the REST API and the forwarder use: lower hex `%08x-%04x-%04x-%04x-%04x%08x` of the sensor id,
/// the pid's high and low 16 bits and the create time (FILETIME) split 16/16/32 bits.
/// @code format_process_guid(7, 2316, 130921708775377538) == "00000007-0000-090c-01d1-2099b8f18a82" @endcode
std::string format_process_guid(std::uint32_t sensor_id, std::uint32_t pid, std::int64_t create_time);

/// A FILETIME (100 ns intervals since 1601-01-01 UTC) as a system-clock time point (microsecond precision); 0 stays
/// the clock's epoch, as the forwarder keeps it 0, and so does a value the clock cannot hold (with libstdc++ before
/// 1677 or after 2262: garbage from the sensor).
EventTime filetime_to_time_point(std::int64_t filetime) noexcept;

/// The sensor, host and node ids an AMQP message carries in its headers (`sensorId`, `sensorHostName`, `hostId`,
/// `nodeId`); fields stay empty when a header is missing or not a number.
SensorEnvironment sensor_environment(const Message& message);

/// Decodes one serialized `CbEventMsg` (the body of an `application/protobuf` message on `api.events`).
///
/// Parsing is lenient like cbapi's (protobuf's partial parse: a missing `header.version` is read as 0; fields of
/// newer schemas are skipped), but the header itself must be there.
/// @param bytes the serialized message
/// @param fallback sensor id and host name to use when the event has no `env` part
/// @throws DecodeError for truncated or wrong-typed input, or an event without its header
SensorEvent decode_sensor_event(std::string_view bytes, const SensorEnvironment& fallback = {});

/// Decodes a raw-sensor-data bundle: repeated {uint32 little-endian length, `CbEventMsg`}, ending when fewer than 4
/// bytes remain. An event that does not decode is skipped with an entry in `errors`; a length running past the end
/// ends the bundle with an entry in `errors` (the framing is lost from there).
/// @param bytes the bundle
/// @param fallback sensor id and host name for events without `env` (bundles normally have none)
SensorEventBatch decode_sensor_bundle(std::string_view bytes, const SensorEnvironment& fallback = {});

/// Decodes a ZIP archive whose members are bundles (the `application/zip` messages of `api.rawsensordata`). A
/// member that cannot be extracted is skipped with an entry in `errors`; the archive is read with the SDK's bounded
/// zip reader (no member may inflate beyond 64 MiB, nor all of them beyond 256 MiB).
/// @param bytes the archive
/// @param fallback sensor id and host name for events without `env`
/// @throws DecodeError when `bytes` is not a ZIP archive
SensorEventBatch decode_sensor_zip(std::string_view bytes, const SensorEnvironment& fallback = {});

/// Decodes whatever raw sensor data `message` holds, branching on its form rather than its routing key: a ZIP
/// archive (by its magic bytes) is read as bundles in a zip; a message carrying the raw exchange's headers
/// (`sensorId`, `hostId` or `nodeId`) or typed `application/zip` as a bundle; anything else as one `CbEventMsg`.
/// The AMQP headers fill in sensor id and host name for events without `env`. Never throws for bad input: what
/// could not be read is in `errors` (a JSON message gives one error and no events).
SensorEventBatch decode_sensor_events(const Message& message);

}  // namespace cbapi::events
