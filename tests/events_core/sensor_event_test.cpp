// Raw sensor events: the golden capture of reference §7, every payload kind built with the generated classes, the
// string table, bundles, zips, AMQP header fallbacks, and bad input.
#include <gtest/gtest.h>

#include <sstream>

#include "cbapi/detail/zip.hpp"
#include "cbapi/events/sensor_event.hpp"
#include "sensor_events.pb.h"

namespace ev = cbapi::events;
namespace pb = cbapi::events::pb;

namespace {

std::string from_hex(std::string_view hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
    }
    return out;
}

const std::string golden_hex =
    "0a4f08042090f39d86aa93c8e80128e0f7ecbdc9868a8ed801488295c6c79b93c8e801508c125a10c10a66189dc8c090e7c84873edcebc8862"
    "17633a5c77696e646f77735c6578706c6f7265722e6578653223109788ecdd012880a001300640014800689788ecdd017080a00178acbf7880"
    "01c091036a1b0a150807120f57494e2d4f54454d4e555442533233180012020800";

std::int64_t unix_seconds(ev::EventTime t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// A message with header (sensor 7 in env, pid 2316, created 130921708775377538) and a string table.
pb::CbEventMsg base_event() {
    pb::CbEventMsg msg;
    auto* h = msg.mutable_header();
    h->set_version(4);
    h->set_timestamp(130921712664934800);
    h->set_process_pid(2316);
    h->set_process_create_time(130921708775377538);
    h->set_process_md5(from_hex("c10a66189dc8c090e7c84873edcebc88"));
    h->set_process_path("c:\\windows\\explorer.exe");
    h->set_filepath_string_guid(77);
    auto* s = msg.add_strings();
    s->set_guid(77);
    s->set_utf8string("c:\\windows\\system32\\target.dll");
    auto* other = msg.add_strings();
    other->set_guid(78);
    other->set_utf8string("c:\\other\\handle.dll");
    msg.mutable_env()->mutable_endpoint()->set_sensorid(7);
    msg.mutable_env()->mutable_endpoint()->set_sensorhostname("WIN-OTEMNUTBS23");
    return msg;
}

std::string serialize(const pb::CbEventMsg& msg) {
    std::string out;
    EXPECT_TRUE(msg.SerializePartialToString(&out));
    return out;
}

std::string frame(const std::string& event) {
    std::string out(4, '\0');
    const auto n = static_cast<std::uint32_t>(event.size());
    for (int i = 0; i < 4; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xFFu);
    return out + event;
}

void put_le(std::string& out, std::uint32_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xFFu);
}

// A zip of stored members (what `zip -0` writes), enough for the reader.
std::string make_zip(const std::vector<std::pair<std::string, std::string>>& members) {
    std::string out, central;
    for (const auto& [name, data] : members) {
        cbapi::detail::Crc32 crc;
        crc.update(data.data(), data.size());
        const auto offset = static_cast<std::uint32_t>(out.size());
        put_le(out, 0x04034b50, 4);
        put_le(out, 20, 2);
        put_le(out, 0, 2);
        put_le(out, 0, 2);
        put_le(out, 0, 4);
        put_le(out, crc.value(), 4);
        put_le(out, static_cast<std::uint32_t>(data.size()), 4);
        put_le(out, static_cast<std::uint32_t>(data.size()), 4);
        put_le(out, static_cast<std::uint32_t>(name.size()), 2);
        put_le(out, 0, 2);
        out += name + data;
        put_le(central, 0x02014b50, 4);
        put_le(central, 20, 2);
        put_le(central, 20, 2);
        put_le(central, 0, 2);
        put_le(central, 0, 2);
        put_le(central, 0, 4);
        put_le(central, crc.value(), 4);
        put_le(central, static_cast<std::uint32_t>(data.size()), 4);
        put_le(central, static_cast<std::uint32_t>(data.size()), 4);
        put_le(central, static_cast<std::uint32_t>(name.size()), 2);
        put_le(central, 0, 2);
        put_le(central, 0, 2);
        put_le(central, 0, 2);
        put_le(central, 0, 2);
        put_le(central, 0, 4);
        put_le(central, offset, 4);
        central += name;
    }
    const auto cd_offset = static_cast<std::uint32_t>(out.size());
    out += central;
    put_le(out, 0x06054b50, 4);
    put_le(out, 0, 2);
    put_le(out, 0, 2);
    put_le(out, static_cast<std::uint32_t>(members.size()), 2);
    put_le(out, static_cast<std::uint32_t>(members.size()), 2);
    put_le(out, static_cast<std::uint32_t>(central.size()), 4);
    put_le(out, cd_offset, 4);
    put_le(out, 0, 2);
    return out;
}

}  // namespace

TEST(SensorEvent, GoldenNetconnCaptureDecodesToTheReferenceValues) {
    const std::string bytes = from_hex(golden_hex);
    ASSERT_EQ(bytes.size(), 147u);
    const ev::SensorEvent event = ev::decode_sensor_event(bytes);
    EXPECT_EQ(event.header.type, "netconn");
    EXPECT_EQ(event.header.version, 4);
    EXPECT_EQ(unix_seconds(event.header.timestamp), 1447697666);
    EXPECT_EQ(event.header.pid, 2316);
    EXPECT_EQ(event.header.process_md5, "C10A66189DC8C090E7C84873EDCEBC88");
    EXPECT_EQ(event.header.process_path, "c:\\windows\\explorer.exe");
    EXPECT_EQ(event.header.process_guid, "00000007-0000-090c-01d1-2099b8f18a82");
    ASSERT_TRUE(event.header.sensor_id.has_value());
    EXPECT_EQ(*event.header.sensor_id, 7);
    EXPECT_EQ(event.header.host_name, "WIN-OTEMNUTBS23");
    EXPECT_EQ(event.header.host_id, std::optional<std::int64_t>(0));
    EXPECT_EQ(event.header.node_id, std::optional<std::int32_t>(0));
    const auto* net = std::get_if<ev::NetConn>(&event.payload);
    ASSERT_NE(net, nullptr);
    EXPECT_EQ(net->remote_ip, "23.4.187.27");
    EXPECT_EQ(net->remote_port, 80);
    EXPECT_EQ(net->local_ip, "172.31.30.0");
    EXPECT_EQ(net->local_port, 49352);
    EXPECT_EQ(net->protocol, 6);
    EXPECT_TRUE(net->outbound);
    EXPECT_FALSE(net->proxy);
    EXPECT_EQ(net->domain, "");
}

TEST(SensorEvent, ConversionsFollowTheForwarder) {
    EXPECT_EQ(ev::format_process_guid(1, 1972, 130921710236713495), "00000001-0000-07b4-01d1-209a100bc217");
    EXPECT_EQ(unix_seconds(ev::filetime_to_time_point(130921712664934800)), 1447697666);
    EXPECT_EQ(ev::filetime_to_time_point(0), ev::EventTime{});
    EXPECT_EQ(ev::filetime_to_time_point(std::numeric_limits<std::int64_t>::max()), ev::EventTime{});
    EXPECT_EQ(ev::filetime_to_time_point(std::numeric_limits<std::int64_t>::min()), ev::EventTime{});
    EXPECT_EQ(ev::to_string(ev::FileModAction::last_write), "lastwrite");
    EXPECT_EQ(ev::to_string(ev::RegModAction::write_value), "writeval");
    EXPECT_EQ(ev::to_string(static_cast<ev::RegModAction>(99)), "99");
    EXPECT_EQ(ev::to_string(ev::CrossProcType::remote_thread), "remote_thread");
}

TEST(SensorEvent, ProcessStartAndEnd) {
    auto msg = base_event();
    auto* p = msg.mutable_process();
    p->set_created(true);
    p->set_parent_pid(4);
    p->set_parent_create_time(130921708775377538);
    p->set_md5hash(from_hex("00112233445566778899aabbccddeeff"));
    p->set_commandline("explorer.exe /factory");
    p->set_parent_path("c:\\windows\\system32\\userinit.exe");
    p->set_username("WIN\\alice");
    p->set_uid("S-1-5-21");
    p->add_actions()->set_mitigationtype(pb::CbEmetMitigationAction::actionDep);
    const auto start = ev::decode_sensor_event(serialize(msg));
    EXPECT_EQ(start.header.type, "procstart");
    const auto& proc = std::get<ev::ProcessEvent>(start.payload);
    EXPECT_TRUE(proc.created);
    EXPECT_EQ(proc.path, "c:\\windows\\system32\\target.dll");  // the string table entry of filepath_string_guid
    EXPECT_EQ(proc.md5, "00112233445566778899AABBCCDDEEFF");
    EXPECT_EQ(proc.command_line, "explorer.exe /factory");
    EXPECT_EQ(proc.parent_pid, 4);
    EXPECT_EQ(proc.parent_guid, "00000007-0000-0004-01d1-2099b8f18a82");
    EXPECT_EQ(proc.parent_path, "c:\\windows\\system32\\userinit.exe");
    EXPECT_EQ(proc.username, "WIN\\alice");
    EXPECT_EQ(proc.uid, "S-1-5-21");
    EXPECT_EQ(proc.emet_mitigations, std::vector<std::int32_t>{1});
    msg.mutable_process()->set_created(false);
    EXPECT_EQ(ev::decode_sensor_event(serialize(msg)).header.type, "procend");
}

TEST(SensorEvent, ModuleLoadUsesTheHandlePathFromTheStringTable) {
    auto msg = base_event();
    msg.mutable_modload()->set_handlepath_string_guid(78);
    msg.mutable_modload()->set_md5hash(from_hex("ffeeddccbbaa99887766554433221100"));
    msg.mutable_modload()->set_image_base(0x10000);
    msg.mutable_modload()->set_image_size(4096);
    const auto event = ev::decode_sensor_event(serialize(msg));
    EXPECT_EQ(event.header.type, "moduleload");
    EXPECT_EQ(event.header.file_path, "c:\\windows\\system32\\target.dll");
    const auto& load = std::get<ev::ModuleLoad>(event.payload);
    EXPECT_EQ(load.path, "c:\\other\\handle.dll");
    EXPECT_EQ(load.md5, "FFEEDDCCBBAA99887766554433221100");
    EXPECT_EQ(load.image_base, 0x10000);
    EXPECT_EQ(load.image_size, 4096u);
    // Without a handle path entry, the header's file path.
    msg.mutable_modload()->set_handlepath_string_guid(999);
    EXPECT_EQ(std::get<ev::ModuleLoad>(ev::decode_sensor_event(serialize(msg)).payload).path,
              "c:\\windows\\system32\\target.dll");
}

TEST(SensorEvent, FileModAndAMissingStringTableEntry) {
    auto msg = base_event();
    msg.mutable_filemod()->set_action(pb::CbFileModMsg::actionFileModLastWrite);
    msg.mutable_filemod()->set_type(pb::CbFileModMsg::filetypePdf);
    msg.mutable_filemod()->set_tamper(true);
    auto event = ev::decode_sensor_event(serialize(msg));
    EXPECT_EQ(event.header.type, "filemod");
    const auto& mod = std::get<ev::FileMod>(event.payload);
    EXPECT_EQ(mod.action, ev::FileModAction::last_write);
    EXPECT_EQ(mod.path, "c:\\windows\\system32\\target.dll");
    EXPECT_EQ(mod.file_type, 48);
    EXPECT_EQ(mod.file_type_name, "Pdf");
    EXPECT_TRUE(mod.tamper);
    msg.mutable_header()->set_filepath_string_guid(12345);
    event = ev::decode_sensor_event(serialize(msg));
    EXPECT_EQ(std::get<ev::FileMod>(event.payload).path, "");
}

TEST(SensorEvent, RegMod) {
    auto msg = base_event();
    msg.mutable_regmod()->set_action(pb::CbRegModMsg::actionRegModWriteValue);
    msg.mutable_regmod()->set_utf8_regpath("\\registry\\machine\\software\\microsoft\\windows\\currentversion\\run\\x");
    const auto event = ev::decode_sensor_event(serialize(msg));
    EXPECT_EQ(event.header.type, "regmod");
    const auto& reg = std::get<ev::RegMod>(event.payload);
    EXPECT_EQ(reg.action, ev::RegModAction::write_value);
    EXPECT_EQ(reg.path, "\\registry\\machine\\software\\microsoft\\windows\\currentversion\\run\\x");
}

TEST(SensorEvent, NetconnWithOnlyTheOlderAddressFields) {
    auto msg = base_event();
    msg.mutable_network()->set_ipv4address(465241111);
    msg.mutable_network()->set_port(20480);
    msg.mutable_network()->set_protocol(pb::CbNetConnMsg::ProtoUdp);
    msg.mutable_network()->set_outbound(false);
    msg.mutable_network()->set_utf8_netpath("example.com");
    const auto event = ev::decode_sensor_event(serialize(msg));
    const auto& net = std::get<ev::NetConn>(event.payload);
    EXPECT_EQ(net.remote_ip, "23.4.187.27");
    EXPECT_EQ(net.remote_port, 80);
    EXPECT_EQ(net.local_ip, "");
    EXPECT_EQ(net.protocol, 17);
    EXPECT_FALSE(net.outbound);
    EXPECT_EQ(net.domain, "example.com");
}

TEST(SensorEvent, NetconnBlocked) {
    auto msg = base_event();
    auto* b = msg.mutable_netconnblocked();
    b->set_blockedtype(pb::CbNetConnBlockedMsg::NetworkIsolation);
    b->set_remoteipaddress(465241111);
    b->set_remoteport(51392);
    const auto event = ev::decode_sensor_event(serialize(msg));
    EXPECT_EQ(event.header.type, "netconnblocked");
    const auto& blocked = std::get<ev::NetConnBlocked>(event.payload);
    EXPECT_EQ(blocked.block_type, 1);
    EXPECT_EQ(blocked.connection.remote_ip, "23.4.187.27");
    EXPECT_EQ(blocked.connection.remote_port, 49352);
}

TEST(SensorEvent, ChildProc) {
    auto msg = base_event();
    auto* c = msg.mutable_childproc();
    c->set_created(true);
    c->set_pid((std::int64_t(1) << 32) | 1972);  // the GUID uses the low 32 bits
    c->set_create_time(130921710236713495);
    c->set_md5hash(from_hex("0102030405060708090a0b0c0d0e0f10"));
    c->set_path("c:\\windows\\system32\\cmd.exe");
    c->set_commandline("cmd /c dir");
    c->set_childproctype(pb::CbChildProcessMsg::childProcFork);
    c->mutable_suppressed()->set_bissuppressed(true);
    c->mutable_suppressed()->set_state(pb::CbSuppressedInfo::suppressedEventlessWithXproc);
    const auto event = ev::decode_sensor_event(serialize(msg));
    EXPECT_EQ(event.header.type, "childproc");
    const auto& child = std::get<ev::ChildProc>(event.payload);
    EXPECT_TRUE(child.created);
    EXPECT_EQ(child.guid, "00000007-0000-07b4-01d1-209a100bc217");
    EXPECT_EQ(child.md5, "0102030405060708090A0B0C0D0E0F10");
    EXPECT_EQ(child.path, "c:\\windows\\system32\\cmd.exe");
    EXPECT_EQ(child.command_line, "cmd /c dir");
    EXPECT_EQ(child.type, ev::ChildProcType::fork);
    EXPECT_TRUE(child.suppressed);
    EXPECT_EQ(child.suppressed_state, 2);
}

TEST(SensorEvent, CrossProcOpenAndRemoteThread) {
    auto msg = base_event();
    auto* open = msg.mutable_crossproc()->mutable_open();
    open->set_type(pb::CbCrossProcessOpenMsg::OpenThreadHandle);
    open->set_targetpid(1972);
    open->set_targetproccreatetime(130921710236713495);
    open->set_requestedaccess(0x1FFFFF);
    open->set_targetprocpath("c:\\windows\\system32\\lsass.exe");
    msg.mutable_crossproc()->set_istarget(true);
    auto event = ev::decode_sensor_event(serialize(msg));
    EXPECT_EQ(event.header.type, "crossprocopen");
    const auto& x = std::get<ev::CrossProc>(event.payload);
    EXPECT_EQ(x.type, ev::CrossProcType::open_thread);
    EXPECT_EQ(x.requested_access, 0x1FFFFFu);
    EXPECT_EQ(x.target_guid, "00000007-0000-07b4-01d1-209a100bc217");
    EXPECT_EQ(x.target_path, "c:\\windows\\system32\\lsass.exe");
    EXPECT_TRUE(x.is_target);

    auto remote = base_event();
    auto* t = remote.mutable_crossproc()->mutable_remotethread();
    t->set_remoteprocpid(1972);
    t->set_remoteproccreatetime(130921710236713495);
    t->set_remoteprocmd5(from_hex("0102030405060708090a0b0c0d0e0f10"));
    event = ev::decode_sensor_event(serialize(remote));
    EXPECT_EQ(event.header.type, "remotethread");
    const auto& r = std::get<ev::CrossProc>(event.payload);
    EXPECT_EQ(r.type, ev::CrossProcType::remote_thread);
    EXPECT_EQ(r.target_pid, 1972u);
    EXPECT_EQ(r.target_md5, "0102030405060708090A0B0C0D0E0F10");
}

TEST(SensorEvent, ModuleInfoKeepsItsTextMd5) {
    auto msg = base_event();
    auto* m = msg.mutable_module();
    m->set_md5("33AE1B209D9BE2FC6835B8A35A889CEC");
    m->set_originalmodulelength(126056);
    m->set_utf8_companyname("Microsoft Corporation");
    m->set_utf8_digsig_result("Signed");
    m->set_utf8_digsig_resultcode("0x0");
    const auto event = ev::decode_sensor_event(serialize(msg));
    EXPECT_EQ(event.header.type, "module");
    const auto& info = std::get<ev::ModuleInfo>(event.payload);
    EXPECT_EQ(info.md5, "33AE1B209D9BE2FC6835B8A35A889CEC");
    EXPECT_EQ(info.original_length, 126056u);
    EXPECT_EQ(info.company_name, "Microsoft Corporation");
    EXPECT_EQ(info.digsig_result, "Signed");
    EXPECT_EQ(info.digsig_result_code, "0x0");
}

TEST(SensorEvent, ProcessBlockTamperEmetAndMetadata) {
    auto blocked = base_event();
    auto* b = blocked.mutable_blocked();
    b->set_blockedtype(pb::CbProcessBlockedMsg::MD5Hash);
    b->set_blockedevent(pb::CbProcessBlockedMsg::ProcessCreate);
    b->set_blockresult(pb::CbProcessBlockedMsg::NotTerminatedOpenProcessError);
    b->set_blockerror(5);
    b->set_blockedpid(1972);
    b->set_blockedproccreatetime(130921710236713495);
    b->set_blockedpath("c:\\evil.exe");
    auto event = ev::decode_sensor_event(serialize(blocked));
    EXPECT_EQ(event.header.type, "processblock");
    const auto& block = std::get<ev::ProcessBlock>(event.payload);
    EXPECT_EQ(block.result, 5);
    EXPECT_EQ(block.result_name, "NotTerminatedOpenProcessError");
    EXPECT_EQ(block.error, 5u);
    EXPECT_EQ(block.process_guid, "00000007-0000-07b4-01d1-209a100bc217");
    EXPECT_EQ(block.path, "c:\\evil.exe");

    auto tamper = base_event();
    tamper.mutable_tamperalert()->set_type(pb::CbTamperAlertMsg::AlertCbCodeInjection);
    event = ev::decode_sensor_event(serialize(tamper));
    EXPECT_EQ(event.header.type, "tamper");
    EXPECT_EQ(std::get<ev::Tamper>(event.payload).type, 5);
    EXPECT_EQ(std::get<ev::Tamper>(event.payload).type_name, "CbCodeInjection");

    auto emet = base_event();
    emet.mutable_emet()->set_emetid(42);
    emet.mutable_emet()->set_emettimstamp(130921712664934800);
    emet.mutable_emet()->mutable_action()->set_mitigationtype(pb::CbEmetMitigationAction::actionStackPivot);
    emet.mutable_emet()->set_actiontext("stack pivot");
    emet.mutable_emet()->set_blocked(true);
    event = ev::decode_sensor_event(serialize(emet));
    EXPECT_EQ(event.header.type, "emetmitigation");
    const auto& mitigation = std::get<ev::EmetMitigation>(event.payload);
    EXPECT_EQ(mitigation.emet_id, 42u);
    EXPECT_EQ(unix_seconds(mitigation.emet_timestamp), 1447697666);
    EXPECT_EQ(mitigation.mitigation_name, "StackPivot");
    EXPECT_TRUE(mitigation.blocked);

    auto meta = base_event();
    meta.mutable_processmeta()->set_process_pid(1972);
    meta.mutable_processmeta()->set_process_create_time(130921710236713495);
    meta.mutable_processmeta()->set_netconn_count(3);
    event = ev::decode_sensor_event(serialize(meta));
    EXPECT_EQ(event.header.type, "processmeta");
    EXPECT_EQ(std::get<ev::ProcessMetadata>(event.payload).process_guid, "00000007-0000-07b4-01d1-209a100bc217");
    EXPECT_EQ(std::get<ev::ProcessMetadata>(event.payload).netconn_count, 3);
}

TEST(SensorEvent, DeprecatedAndMissingPayloadsAreUnknown) {
    auto msg = base_event();
    msg.mutable_vtwrite()->set_filewrittenfilename("x");
    auto event = ev::decode_sensor_event(serialize(msg));
    EXPECT_EQ(event.header.type, "vtwrite");
    EXPECT_EQ(std::get<ev::UnknownPayload>(event.payload).field, "vtwrite");
    // A newer server's field 20 (networkv2) is skipped as unknown: no payload of the 1.3.2 schema.
    std::string bytes = serialize(base_event());
    bytes += std::string("\xa2\x01\x02\x08\x01", 5);  // field 20, length-delimited, 2 bytes
    event = ev::decode_sensor_event(bytes);
    EXPECT_EQ(event.header.type, "unknown");
    EXPECT_EQ(std::get<ev::UnknownPayload>(event.payload).field, "");
}

TEST(SensorEvent, MissingEnvFallsBackToTheAmqpHeaders) {
    auto msg = base_event();
    msg.clear_env();
    msg.mutable_network()->set_remoteipaddress(1);
    ev::Message message;
    message.body = serialize(msg);
    message.content_type = "application/protobuf";
    message.headers = {{"sensorId", "12"}, {"sensorHostName", "HOST-12"}, {"hostId", "99"}, {"nodeId", "0"}};
    // No env and no fallback: no sensor id, so the GUID falls back to the legacy decimal id when there is one.
    const auto bare = ev::decode_sensor_event(message.body);
    EXPECT_FALSE(bare.header.sensor_id.has_value());
    EXPECT_EQ(bare.header.process_guid, "");
    // The raw exchange's headers make it a bundle: frame it.
    message.body = frame(message.body);
    const auto batch = ev::decode_sensor_events(message);
    ASSERT_EQ(batch.events.size(), 1u);
    EXPECT_TRUE(batch.errors.empty());
    EXPECT_EQ(batch.events[0].header.sensor_id, std::optional<std::int32_t>(12));
    EXPECT_EQ(batch.events[0].header.host_name, "HOST-12");
    EXPECT_EQ(batch.events[0].header.host_id, std::optional<std::int64_t>(99));
    EXPECT_EQ(batch.events[0].header.process_guid, "0000000c-0000-090c-01d1-2099b8f18a82");
}

TEST(SensorEvent, LegacyGuidWhenTheSensorIdIsUnknown) {
    auto msg = base_event();
    msg.clear_env();
    msg.mutable_header()->set_process_guid(-2874378255820178464);
    EXPECT_EQ(ev::decode_sensor_event(serialize(msg)).header.process_guid, "-2874378255820178464");
}

TEST(SensorEvent, BadInputIsADecodeError) {
    const std::string golden = from_hex(golden_hex);
    // Truncated inside the header.
    EXPECT_THROW(ev::decode_sensor_event(golden.substr(0, 40)), ev::DecodeError);
    // Wrong wire type for field 1 (varint instead of a message).
    EXPECT_THROW(ev::decode_sensor_event(std::string("\x08\x01", 2)), ev::DecodeError);
    // No header at all.
    try {
        ev::decode_sensor_event(std::string("\x12\x00", 2));
        FAIL() << "no error";
    } catch (const ev::DecodeError& e) {
        EXPECT_NE(std::string(e.what()).find("no header"), std::string::npos) << e.what();
    }
    EXPECT_THROW(ev::decode_sensor_event(""), ev::DecodeError);
    EXPECT_THROW(ev::decode_sensor_event("{\"type\":\"x\"}"), ev::DecodeError);
    // A header without its required version is accepted (partial parse), version 0.
    EXPECT_EQ(ev::decode_sensor_event(std::string("\x0a\x00", 2)).header.version, 0);
}

TEST(SensorEventBundle, FramedEventsDecodeInOrderAndBadOnesAreSkipped) {
    auto regmod = base_event();
    regmod.mutable_regmod()->set_utf8_regpath("\\registry\\a");
    const std::string golden = from_hex(golden_hex);
    std::string bundle = frame(golden) + frame("\x08\x01") + frame(serialize(regmod)) + "\x01\x02";  // 2 stray bytes
    const auto batch = ev::decode_sensor_bundle(bundle);
    ASSERT_EQ(batch.events.size(), 2u);
    EXPECT_EQ(batch.events[0].header.type, "netconn");
    EXPECT_EQ(batch.events[1].header.type, "regmod");
    ASSERT_EQ(batch.errors.size(), 1u);
    EXPECT_NE(batch.errors[0].find("bundle event 1"), std::string::npos) << batch.errors[0];
}

TEST(SensorEventBundle, ALengthPastTheEndStopsTheBundle) {
    const std::string golden = from_hex(golden_hex);
    std::string bundle = frame(golden) + frame(golden);
    bundle.resize(bundle.size() - 10);
    const auto batch = ev::decode_sensor_bundle(bundle);
    EXPECT_EQ(batch.events.size(), 1u);
    ASSERT_EQ(batch.errors.size(), 1u);
    EXPECT_NE(batch.errors[0].find("remain"), std::string::npos) << batch.errors[0];
    EXPECT_TRUE(ev::decode_sensor_bundle("").events.empty());
    EXPECT_TRUE(ev::decode_sensor_bundle("").errors.empty());
}

TEST(SensorEventBundle, ZipOfBundles) {
    const std::string golden = from_hex(golden_hex);
    auto regmod = base_event();
    regmod.clear_env();
    regmod.mutable_regmod()->set_utf8_regpath("\\registry\\b");
    const std::string zip = make_zip({{"EventLog_1.log", frame(golden) + frame(serialize(regmod))},
                                      {"EventLog_2.log", frame(golden)}});
    ev::Message message;
    message.content_type = "application/zip";
    message.body = zip;
    message.headers = {{"sensorId", "5"}, {"sensorHostName", "ZIPHOST"}};
    const auto batch = ev::decode_sensor_events(message);
    EXPECT_TRUE(batch.errors.empty()) << batch.errors.front();
    ASSERT_EQ(batch.events.size(), 3u);
    EXPECT_EQ(batch.events[0].header.sensor_id, std::optional<std::int32_t>(7));  // env wins
    EXPECT_EQ(batch.events[1].header.sensor_id, std::optional<std::int32_t>(5));  // header fallback
    EXPECT_EQ(batch.events[1].header.host_name, "ZIPHOST");
    EXPECT_EQ(std::get<ev::RegMod>(batch.events[1].payload).path, "\\registry\\b");
    EXPECT_EQ(batch.events[2].header.type, "netconn");

    // A corrupt zip is one error, not a crash.
    std::string broken = zip;
    broken.resize(broken.size() - 30);
    message.body = broken;
    const auto bad = ev::decode_sensor_events(message);
    EXPECT_TRUE(bad.events.empty());
    EXPECT_FALSE(bad.errors.empty());
}

TEST(SensorEventBundle, OneEventMessagesAndJsonMessages) {
    ev::Message message;
    message.content_type = "application/protobuf";
    message.routing_key = "ingress.event.netconn";
    message.body = from_hex(golden_hex);
    auto batch = ev::decode_sensor_events(message);
    ASSERT_EQ(batch.events.size(), 1u);
    EXPECT_EQ(batch.events[0].header.process_guid, "00000007-0000-090c-01d1-2099b8f18a82");
    message.content_type = "application/json";
    message.body = "{}";
    batch = ev::decode_sensor_events(message);
    EXPECT_TRUE(batch.events.empty());
    EXPECT_EQ(batch.errors.size(), 1u);
}
