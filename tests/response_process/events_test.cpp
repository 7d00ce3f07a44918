// Process event parsers (event API v1-v4), cross-process access rights, and the zip/inflate reader: pure logic.
#include <gtest/gtest.h>

#include <sstream>

#include "cbapi/detail/zip.hpp"
#include "cbapi/response/events.hpp"

namespace cbapi::response {
namespace {

TEST(EventApi, VersionFollowsTheServer) {
    EXPECT_EQ(event_api_for(ServerVersion{5, 0, 1}), EventApiVersion::v1);
    EXPECT_EQ(event_api_for(ServerVersion{5, 1, 1}), EventApiVersion::v2);
    EXPECT_EQ(event_api_for(ServerVersion{5, 2, 0}), EventApiVersion::v3);
    EXPECT_EQ(event_api_for(ServerVersion{6, 0, 0}), EventApiVersion::v4);
    EXPECT_EQ(event_api_for(ServerVersion{6, 1, 2}), EventApiVersion::v4);
}

TEST(EventParsers, ModLoadUpperCasesMd5AndKeepsWallClock) {
    const auto e = parse_modload("2017-01-11 18:33:06.512000-05:00|ab4c51eb24aa95b77f705ab159189e24|c:\\windows\\ntdll.dll");
    EXPECT_EQ(e.md5, "AB4C51EB24AA95B77F705AB159189E24");
    EXPECT_EQ(e.path, "c:\\windows\\ntdll.dll");
    EXPECT_EQ(format_cb_time(e.timestamp), "2017-01-11 18:33:06.512000");  // zone ignored (sensor-local time)
}

TEST(EventParsers, FileModTypesFileTypesAndTamper) {
    auto e = parse_filemod("8|2017-01-11 18:33:06.5|c:\\a.exe|0123456789ABCDEF0123456789ABCDEF|1|true");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->type, "LastWrote");
    EXPECT_EQ(e->filetype, "PE");
    EXPECT_TRUE(e->tamper_flag);
    e = parse_filemod("1|2017-01-11 18:33:06|c:\\b.pdf||48");
    EXPECT_EQ(e->type, "CreatedFile");
    EXPECT_EQ(e->filetype, "PDF");
    EXPECT_EQ(e->md5, "");
    e = parse_filemod("4|2017-01-11 18:33:06|c:\\c.txt|");
    EXPECT_EQ(e->type, "Deleted");
    EXPECT_EQ(e->filetype, "Unknown");
    EXPECT_FALSE(e->tamper_flag);
    EXPECT_EQ(parse_filemod("2|2017-01-11 18:33:06|x|y|69")->filetype, "7Z");
    EXPECT_EQ(parse_filemod("3|2017-01-11 18:33:06|x")->type, "Unknown");
    EXPECT_FALSE(parse_filemod(""));  // empty records are not events (cbapi-python yielded None)
}

TEST(EventParsers, RegModTypes) {
    EXPECT_EQ(parse_regmod("1|2017-01-11 18:33:06|\\registry\\a").type, "CreatedKey");
    EXPECT_EQ(parse_regmod("2|2017-01-11 18:33:06|k").type, "FirstWrote");
    EXPECT_EQ(parse_regmod("4|2017-01-11 18:33:06|k").type, "DeletedKey");
    const auto e = parse_regmod("8|2017-01-11 18:33:06|k|true");
    EXPECT_EQ(e.type, "DeletedValue");
    EXPECT_TRUE(e.tamper_flag);
}

TEST(EventParsers, NetConnV1SignedIpAndUnknownProtocol) {
    auto e = parse_netconn_v1("2017-01-11 18:33:06|-1979811809|80|6|www.example.com|true");
    EXPECT_EQ(e.remote_ip, "137.254.120.31");
    EXPECT_EQ(e.remote_port, 80);
    EXPECT_EQ(e.proto, "IPPROTO_TCP");
    EXPECT_EQ(e.direction, "Outbound");
    EXPECT_EQ(e.version, 1);
    e = parse_netconn_v1("2017-01-11 18:33:06|garbage|53|99||false");
    EXPECT_EQ(e.remote_ip, "0.0.0.0");
    EXPECT_EQ(e.proto, "Unknown");  // cbapi-python raised KeyError
    EXPECT_EQ(e.direction, "Inbound");
}

TEST(EventParsers, NetConnJsonV2IntegersV4Strings) {
    const nlohmann::json v2 = {{"timestamp", "2017-01-11 18:33:06"}, {"direction", "true"}, {"remote_ip", -1979811809},
                               {"local_ip", 3232235777LL},  // unsigned form: converted too (Python passed it raw)
                               {"remote_port", 443}, {"local_port", 50000}, {"proto", 17}, {"domain", "a.example"}};
    auto e = parse_netconn_json(v2, EventApiVersion::v2);
    EXPECT_EQ(e.remote_ip, "137.254.120.31");
    EXPECT_EQ(e.local_ip, "192.168.1.1");
    EXPECT_EQ(e.proxy_ip, "0.0.0.0");
    EXPECT_EQ(e.proto, "IPPROTO_UDP");
    EXPECT_EQ(e.local_port, 50000);
    EXPECT_EQ(e.version, 2);
    const nlohmann::json v4 = {{"timestamp", "2017-01-11 18:33:06"}, {"direction", "false"}, {"remote_ip", "10.0.0.1"},
                               {"local_ip", "10.0.0.2"}, {"proxy_ip", "10.0.0.3"}, {"proxy_port", 8080}, {"proto", 6}};
    e = parse_netconn_json(v4, EventApiVersion::v4);
    EXPECT_EQ(e.remote_ip, "10.0.0.1");
    EXPECT_EQ(e.proxy_ip, "10.0.0.3");
    EXPECT_EQ(e.proxy_port, 8080);
    EXPECT_EQ(e.direction, "Inbound");
    EXPECT_THROW(parse_netconn_json(nlohmann::json("x|y"), EventApiVersion::v4), ApiError);
}

TEST(EventParsers, ChildProcPipeAndJson) {
    auto e = parse_childproc_v1("2017-01-11 18:33:06|00000001-0000-0f5c-01d2-d2e8d4a7c3d9-00000001|ABC|c:\\x.exe|3932|false|true");
    EXPECT_TRUE(e.terminated);
    EXPECT_TRUE(e.tamper_flag);
    EXPECT_EQ(e.pid, 3932);
    const nlohmann::json j = {{"processId", "00000001-0000-0f5c-01d2-d2e8d4a7c3d9"}, {"md5", "ABC"}, {"path", "x"},
                              {"pid", 12}, {"type", "end"}, {"start", "2017-01-11 18:33:06"},
                              {"end", "2017-01-11 18:34:00"}, {"is_suppressed", true}, {"commandLine", "x /y"},
                              {"userName", "bob"}};
    e = parse_childproc_json(j);
    EXPECT_TRUE(e.terminated);
    EXPECT_EQ(format_cb_time(e.timestamp), "2017-01-11 18:34:00.000000");  // the end time for an end record
    EXPECT_TRUE(e.is_suppressed);
    EXPECT_EQ(e.proc_data["cmdline"], "x /y");
    EXPECT_EQ(e.proc_data["username"], "bob");
}

// CbCrossProcess (1.3.0): is_target is field 8 and only read when present; the target fields are read right.
TEST(EventParsers, CrossProcTargetFieldsAndIsTargetOnlyWhenPresent) {
    auto e = parse_crossproc("ProcessOpen|2017-01-11 18:33:06|guid-t|MD5T|c:\\t.exe|1|2097151|false");
    EXPECT_FALSE(e.is_target);
    EXPECT_EQ(e.target_procguid, "guid-t");
    EXPECT_EQ(e.target_md5, "MD5T");
    EXPECT_EQ(e.target_path, "c:\\t.exe");
    EXPECT_EQ(e.source_procguid, "");
    EXPECT_EQ(e.privileges, "PROCESS_ALL_ACCESS");
    e = parse_crossproc("ProcessOpen|2017-01-11 18:33:06|guid-s|MD5S|c:\\s.exe|2|5136|true|true");
    EXPECT_TRUE(e.is_target);
    EXPECT_TRUE(e.tamper_flag);
    EXPECT_EQ(e.type, "ThreadOpen");
    EXPECT_EQ(e.source_procguid, "guid-s");
    EXPECT_EQ(e.target_procguid, "");
    EXPECT_EQ(e.privileges, "PROCESS_VM_READ | PROCESS_QUERY_INFORMATION | PROCESS_QUERY_LIMITED_INFORMATION");
    EXPECT_TRUE(e.has_permission("PROCESS_VM_READ"));
    EXPECT_FALSE(e.has_permission("PROCESS_TERMINATE"));
    EXPECT_TRUE(e.has_permissions({"PROCESS_VM_READ", "PROCESS_QUERY_INFORMATION"}));
    EXPECT_THROW(e.has_permission("NO_SUCH_RIGHT"), ApiError);
    EXPECT_THROW(parse_crossproc("RemoteThread|2017-01-11 18:33:06|g|m|p|0|0"), ApiError);  // 7 fields
}

TEST(EventParsers, MalformedRecordsThrowApiError) {
    EXPECT_THROW(parse_modload("no pipes"), ApiError);
    EXPECT_THROW(parse_modload("not a time|md5|path"), ApiError);
    EXPECT_THROW(parse_filemod("x|2017-01-11 18:33:06|p"), ApiError);
    EXPECT_THROW(parse_regmod("1|2017-13-11 18:33:06|p"), ApiError);
    EXPECT_THROW(parse_netconn_v1("2017-01-11 18:33:06|1|notaport|6|d|true"), ApiError);
    EXPECT_THROW(parse_childproc_json(nlohmann::json::array()), ApiError);
    EXPECT_THROW(parse_childproc_json({{"type", "start"}, {"start", 5}}), ApiError);
}

TEST(Inflate, DecodesDynamicHuffmanDeflate) {
    const std::string hex = "5d54018e843008fc4abf565db336a76eb3ab89f1f5d761a0a089514b6118a6d07d9ef69cfe72ad39bda6a5fd7fd6e99dd376a45ad2547f65f96ce99dd735eb3b2f7596fd5f79af163a006517aceffcd1adf548e5d32c17cc0497359644a973a1a9db2fa7c3375c48a9c191c1a1ac96bc0eaf9cc6e6d1e8202f195c4ea62a3e03236312e0ff9e5bb5bfa22b0021f62c782c19f74e9029e3b7194216ee49221182d9e4d7bc7ba52e0f4c8d1f126b2526372a729c930b719f3dbf4bdb84394d2494a26870662638a991c720d49098fc050a91562ccdf4d5c07030c680120e4a0170246c5ee083521481eebaa0cfa36e300e922336229a3deaca1d03904236afe30a95a33e5268646f676322b6c7fbc186812eda0fae8a00f88bc50a50646fbccc26be7afa45d25069a538383edaa4b75cd57ea8fc30c6a89dd2456100438fea1050d680e0c47dfa7c7a6f509cccfbc40d0f5949197fb836b44fd10f9465d0ccdb71ef6804c41362bda38e85374e73375ab08e364abacdab8ac86237a75e64e8885ba7c069e8370608c701935ba1f87dd81ebfb97a14974784a51c8ca08e3c7249d50391fc7193f5ce40b9f7290b570a785a2053551b7449ff2cd5069410808e77df7afc03";
    std::string raw;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) raw.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    std::istringstream in(raw);
    std::ostringstream out;
    detail::Crc32 crc;
    EXPECT_EQ(detail::Inflater(in, raw.size(), out, crc).run(), 1539u);
    EXPECT_EQ(crc.value(), 903479597u);
    EXPECT_EQ(out.str().substr(0, 30), "theta kappa delta omega nu pi ");
}

TEST(Inflate, CorruptDataIsAnErrorNotACrash) {
    const std::string bad = "\x07\xff\xff\xff";  // reserved block type
    std::istringstream in(bad);
    std::ostringstream out;
    detail::Crc32 crc;
    EXPECT_THROW(detail::Inflater(in, bad.size(), out, crc).run(), ApiError);
    std::istringstream truncated(std::string("\x4b\x4e", 2));
    EXPECT_THROW(detail::Inflater(truncated, 2, out, crc).run(), ApiError);
}

}  // namespace
}  // namespace cbapi::response
