// Bad server data in Live Response replies: each reader of parse.hpp (and the command error decoder) given wrong
// types, nulls, missing fields, huge numbers, invalid UTF-8 and empty documents gives the documented default or a
// ServerError naming the command and the field, never another exception. End to end: a bad reply through the
// simulator fails the command (or the session request) cleanly and leaves no session open.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "cbapi/live_response/parse.hpp"
#include "live_response/lr_fixture.hpp"

namespace cbapi {
namespace {

using namespace live_response;
using namespace live_response::detail;
using nlohmann::json;

const std::string kInvalidUtf8 = "bad\xff\xfe name";

// The message of the ServerError `f` throws ("" and a test failure when it throws nothing or something else).
std::string server_error(const std::function<void()>& f) {
    try {
        f();
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 200);
        return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "expected a ServerError, got: " << e.what();
        return {};
    }
    ADD_FAILURE() << "expected a ServerError, nothing was thrown";
    return {};
}

// Asserts that `f` throws a ServerError whose message contains every one of `parts`.
#define EXPECT_BAD_REPLY(f, ...)                                                                   \
    do {                                                                                           \
        const std::string message_ = server_error([&] { (void)(f); });                             \
        for (const std::string part_ : {__VA_ARGS__}) EXPECT_NE(message_.find(part_), std::string::npos) \
            << "'" << part_ << "' not in: " << message_;                                          \
    } while (false)

json files(json entry) { return {{"files", json::array({std::move(entry)})}}; }
json processes(json entry) { return {{"processes", json::array({std::move(entry)})}}; }

// --- directory list ------------------------------------------------------------------------------------------------

TEST(LiveResponseBadReplyTest, DirectoryListReadsTypedEntries) {
    const auto entries = parse_directory_list(files({{"filename", "win.ini"},
                                                     {"attributes", json::array({"ARCHIVE"})},
                                                     {"size", 92},
                                                     {"create_time", 1530003600},
                                                     {"last_access_time", 1530003660.75},
                                                     {"last_write_time", 1530003630}}));
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].filename, "win.ini");
    EXPECT_EQ(entries[0].attributes, std::vector<std::string>{"ARCHIVE"});
    EXPECT_EQ(entries[0].size, 92u);
    EXPECT_EQ(entries[0].create_time, 1530003600);
    EXPECT_EQ(entries[0].last_access_time, 1530003660);  // the fraction is dropped
    EXPECT_EQ(entries[0].raw["filename"], "win.ini");
}

TEST(LiveResponseBadReplyTest, DirectoryListMissingAndNullFieldsGiveDefaults) {
    for (const json& doc : {json(), json::object(), json{{"files", nullptr}}, json{{"files", json::array()}}})
        EXPECT_TRUE(parse_directory_list(doc).empty()) << doc.dump();
    const json nulls = {{"filename", nullptr},         {"attributes", nullptr},      {"size", nullptr},
                        {"create_time", nullptr},      {"last_access_time", nullptr}, {"last_write_time", nullptr}};
    for (const json& entry : {json::object(), nulls}) {
        const auto entries = parse_directory_list(files(entry));
        ASSERT_EQ(entries.size(), 1u);
        EXPECT_EQ(entries[0].filename, "");
        EXPECT_TRUE(entries[0].attributes.empty());
        EXPECT_EQ(entries[0].size, 0u);
        EXPECT_EQ(entries[0].create_time, 0);
        EXPECT_EQ(entries[0].last_access_time, 0);
        EXPECT_EQ(entries[0].last_write_time, 0);
        EXPECT_FALSE(entries[0].is_directory());
    }
}

TEST(LiveResponseBadReplyTest, DirectoryListWrongTypesNameTheField) {
    EXPECT_BAD_REPLY(parse_directory_list(files({{"filename", 12}})), "Live Response 'directory list' reply",
                     "field 'files[0].filename' has an unexpected type (number, expected string): 12");
    EXPECT_BAD_REPLY(parse_directory_list(files({{"attributes", "DIRECTORY"}})), "field 'files[0].attributes'",
                     "expected array");
    EXPECT_BAD_REPLY(parse_directory_list(files({{"attributes", {"DIRECTORY", 7}}})),
                     "field 'files[0].attributes[1]' has an unexpected type (number, expected string)");
    EXPECT_BAD_REPLY(parse_directory_list(files({{"size", "92"}})), "field 'files[0].size'", "(string, expected number)");
    EXPECT_BAD_REPLY(parse_directory_list(files({{"size", true}})), "field 'files[0].size'", "(boolean, expected number)");
    EXPECT_BAD_REPLY(parse_directory_list(files({{"create_time", json::array()}})), "field 'files[0].create_time'");
    EXPECT_BAD_REPLY(parse_directory_list({{"files", {{"filename", "x"}}}}), "field 'files'", "(object, expected array)");
    EXPECT_BAD_REPLY(parse_directory_list({{"files", json::array({json::object(), 3})}}),
                     "field 'files[1]' has an unexpected type (number, expected object)");
    EXPECT_BAD_REPLY(parse_directory_list({{"files", json::array({nullptr})}}), "field 'files[0]'", "(null,");
    EXPECT_BAD_REPLY(parse_directory_list(json::array()), "Live Response 'directory list' reply: the reply is not a JSON object (array)");
    EXPECT_BAD_REPLY(parse_directory_list(json("files")), "the reply is not a JSON object (string)");
}

TEST(LiveResponseBadReplyTest, DirectoryListNumbersOutOfRangeNameTheField) {
    EXPECT_BAD_REPLY(parse_directory_list(files({{"size", 1e300}})), "field 'files[0].size': the number 1e+300");
    EXPECT_BAD_REPLY(parse_directory_list(json::parse(R"({"files": [{"size": 18446744073709551616}]})")),
                     "field 'files[0].size'");  // 2^64 (parsed as a double)
    EXPECT_BAD_REPLY(parse_directory_list(files({{"size", -1}})), "field 'files[0].size': the number -1 is out of range");
    EXPECT_BAD_REPLY(parse_directory_list(files({{"create_time", -1e300}})), "field 'files[0].create_time'");
    EXPECT_BAD_REPLY(parse_directory_list(json::parse(R"({"files": [{"last_write_time": 9223372036854775808}]})")),
                     "field 'files[0].last_write_time': the number 9223372036854775808 is too large");
    EXPECT_BAD_REPLY(parse_directory_list(files({{"size", std::numeric_limits<double>::infinity()}})),
                     "field 'files[0].size'");
    EXPECT_BAD_REPLY(parse_directory_list(files({{"size", std::numeric_limits<double>::quiet_NaN()}})),
                     "field 'files[0].size'");
    // The largest values that fit are kept.
    const auto big = parse_directory_list(
        json::parse(R"({"files": [{"size": 18446744073709551615, "create_time": -9223372036854775808}]})"));
    EXPECT_EQ(big.at(0).size, std::numeric_limits<std::uint64_t>::max());
    EXPECT_EQ(big.at(0).create_time, std::numeric_limits<std::int64_t>::min());
}

TEST(LiveResponseBadReplyTest, InvalidUtf8IsKeptByteForByteAndMessagesStayReadable) {
    const auto entries = parse_directory_list(files({{"filename", kInvalidUtf8}, {"attributes", json::array({kInvalidUtf8})}}));
    EXPECT_EQ(entries.at(0).filename, kInvalidUtf8);
    EXPECT_EQ(entries.at(0).attributes.at(0), kInvalidUtf8);
    // A value that cannot be printed as JSON is quoted with replacement characters in the message.
    EXPECT_BAD_REPLY(parse_directory_list(files({{"size", kInvalidUtf8}})), "field 'files[0].size'",
                     "\"bad\xEF\xBF\xBD\xEF\xBF\xBD name\"");
    EXPECT_BAD_REPLY(parse_process_list(processes({{"pid", {{kInvalidUtf8, 1}}}})), "field 'processes[0].pid'");
    // A long value is cut on a character boundary, so the message itself is valid UTF-8.
    std::string accents = "a";
    for (int i = 0; i < 40; ++i) accents += "\xC3\xA9";  // é
    const std::string message = server_error([&] { (void)parse_directory_list(files({{"size", accents}})); });
    ASSERT_GT(message.size(), 3u);
    EXPECT_EQ(message.substr(message.size() - 3), "...");
    EXPECT_NO_THROW((void)json(message).dump()) << message;
}

// --- process list --------------------------------------------------------------------------------------------------

TEST(LiveResponseBadReplyTest, ProcessListDefaultsAndErrors) {
    for (const json& doc : {json(), json::object(), json{{"processes", nullptr}}})
        EXPECT_TRUE(parse_process_list(doc).empty()) << doc.dump();
    const auto defaults = parse_process_list(processes(json::object()));
    ASSERT_EQ(defaults.size(), 1u);
    EXPECT_EQ(defaults[0].pid, 0);
    EXPECT_EQ(defaults[0].parent, 0);
    EXPECT_EQ(defaults[0].path, "");
    EXPECT_EQ(defaults[0].username, "");
    EXPECT_EQ(defaults[0].create_time, 0);
    const auto one = parse_process_list(processes({{"pid", 4}, {"parent", nullptr}, {"path", "System"}, {"sid", "s-1-5-18"}}));
    EXPECT_EQ(one.at(0).pid, 4);
    EXPECT_EQ(one.at(0).path, "System");
    EXPECT_EQ(one.at(0).sid, "s-1-5-18");

    EXPECT_BAD_REPLY(parse_process_list(processes({{"pid", "4"}})), "Live Response 'process list' reply",
                     "field 'processes[0].pid' has an unexpected type (string, expected number)");
    EXPECT_BAD_REPLY(parse_process_list(processes({{"pid", 1e300}})), "field 'processes[0].pid': the number 1e+300");
    EXPECT_BAD_REPLY(parse_process_list(json::parse(R"({"processes": [{"parent": 18446744073709551615}]})")),
                     "field 'processes[0].parent'");
    EXPECT_BAD_REPLY(parse_process_list(processes({{"username", 0}})), "field 'processes[0].username'");
    EXPECT_BAD_REPLY(parse_process_list(processes({{"command_line", json::object()}})),
                     "field 'processes[0].command_line'");
    EXPECT_BAD_REPLY(parse_process_list(processes({{"proc_guid", false}})), "field 'processes[0].proc_guid'");
    EXPECT_BAD_REPLY(parse_process_list({{"processes", "none"}}), "field 'processes'");
    EXPECT_BAD_REPLY(parse_process_list(json(42)), "the reply is not a JSON object (number)");
}

// --- registry ------------------------------------------------------------------------------------------------------

TEST(LiveResponseBadReplyTest, RegistryKeyDefaultsAndErrors) {
    for (const json& doc : {json(), json::object(), json{{"sub_keys", nullptr}, {"values", nullptr}}}) {
        const auto listing = parse_registry_key(doc);
        EXPECT_TRUE(listing.sub_keys.empty());
        EXPECT_TRUE(listing.values.empty());
    }
    const auto listing = parse_registry_key(
        {{"sub_keys", json::array({"Run"})}, {"values", json::array({json::object(), {{"value_name", "Start"}, {"value_type", "REG_DWORD"},
                                                              {"value_data", 2}}})}});
    EXPECT_EQ(listing.sub_keys, std::vector<std::string>{"Run"});
    ASSERT_EQ(listing.values.size(), 2u);
    EXPECT_EQ(listing.values[0].name, "");
    EXPECT_EQ(listing.values[0].type, "");
    EXPECT_TRUE(listing.values[0].data.is_null());
    EXPECT_EQ(listing.values[1].data, 2);

    EXPECT_BAD_REPLY(parse_registry_key({{"sub_keys", {"Run", 5}}}), "Live Response 'reg enum key' reply",
                     "field 'sub_keys[1]' has an unexpected type (number, expected string)");
    EXPECT_BAD_REPLY(parse_registry_key({{"sub_keys", "Run"}}), "field 'sub_keys'");
    EXPECT_BAD_REPLY(parse_registry_key({{"values", json::array({"x"})}}), "field 'values[0]'", "expected object");
    EXPECT_BAD_REPLY(parse_registry_key({{"values", json::array({{{"value_name", 3}}})}}), "field 'values[0].value_name'");
    EXPECT_BAD_REPLY(parse_registry_key({{"values", json::array({{{"value_type", 1e300}}})}}), "field 'values[0].value_type'");
    EXPECT_BAD_REPLY(parse_registry_key(json::array()), "the reply is not a JSON object");
}

TEST(LiveResponseBadReplyTest, RegistryValueNeedsAValueObject) {
    // value_data is kept as sent, whatever its type.
    for (const json& data : {json("text"), json(1e300), json::array({"a", "b"}), json{{"k", 1}}, json(kInvalidUtf8)}) {
        const auto v = parse_registry_value({{"value", {{"value_name", "x"}, {"value_data", data}}}});
        EXPECT_EQ(v.data, data);
        EXPECT_EQ(v.name, "x");
    }
    const auto empty = parse_registry_value({{"value", json::object()}});
    EXPECT_EQ(empty.name, "");
    EXPECT_EQ(empty.type, "");
    EXPECT_TRUE(empty.data.is_null());

    for (const json& doc : {json(), json::object(), json{{"value", nullptr}}})
        EXPECT_BAD_REPLY(parse_registry_value(doc), "Live Response 'reg query value' reply: field 'value' is missing");
    EXPECT_BAD_REPLY(parse_registry_value({{"value", "x"}}), "field 'value' has an unexpected type (string, expected object)");
    EXPECT_BAD_REPLY(parse_registry_value({{"value", {{"value_type", 4}}}}), "field 'value.value_type'");
}

// --- sessions ------------------------------------------------------------------------------------------------------

TEST(LiveResponseBadReplyTest, SessionInfoDefaultsAndErrors) {
    for (const json& doc : {json(), json::object(), json{{"supported_commands", nullptr}, {"drives", nullptr}}}) {
        const auto info = parse_session_info(doc);
        EXPECT_FALSE(info.supported_commands.has_value());  // not said: every command is tried
        EXPECT_TRUE(info.drives.empty());
        EXPECT_EQ(info.current_working_directory, "");
        EXPECT_EQ(os_from_session_data(doc), OsType::unknown);
    }
    EXPECT_EQ(parse_session_info({{"supported_commands", json::array()}}).supported_commands,
              std::vector<std::string>());
    EXPECT_EQ(os_from_session_data({{"drives", json::array({"C:\\"})}}), OsType::windows);
    EXPECT_EQ(os_from_session_data({{"current_working_directory", "D:\\x"}}), OsType::windows);
    EXPECT_EQ(os_from_session_data({{"drives", json::array({"/"})}, {"current_working_directory", "/"}}), OsType::unknown);

    EXPECT_BAD_REPLY(parse_session_info({{"supported_commands", "get file"}}), "Live Response session reply",
                     "field 'supported_commands' has an unexpected type (string, expected array)");
    EXPECT_BAD_REPLY(parse_session_info({{"supported_commands", {"get file", nullptr}}}), "field 'supported_commands[1]'");
    EXPECT_BAD_REPLY(os_from_session_data({{"drives", {"C:\\", 1}}}), "field 'drives[1]'");
    EXPECT_BAD_REPLY(os_from_session_data({{"current_working_directory", 1e300}}), "field 'current_working_directory'");
    EXPECT_BAD_REPLY(parse_session_info(json::array()), "the reply is not a JSON object");
}

TEST(LiveResponseBadReplyTest, DeviceTypeDefaultsAndErrors) {
    for (const json& doc : {json(), json::object(), json{{"deviceInfo", nullptr}}, json{{"deviceInfo", json::object()}}})
        EXPECT_EQ(parse_device_os(doc), OsType::unknown) << doc.dump();
    EXPECT_EQ(parse_device_os({{"deviceInfo", {{"deviceType", "WINDOWS"}}}}), OsType::windows);
    EXPECT_EQ(parse_device_os({{"deviceInfo", {{"deviceType", "Linux"}}}}), OsType::linux_os);
    EXPECT_EQ(parse_device_os({{"deviceInfo", {{"deviceType", kInvalidUtf8}}}}), OsType::unknown);
    EXPECT_BAD_REPLY(parse_device_os({{"deviceInfo", {{"deviceType", 1}}}}), "Cb Defense device reply",
                     "field 'deviceInfo.deviceType'");
    EXPECT_BAD_REPLY(parse_device_os({{"deviceInfo", "WINDOWS"}}), "field 'deviceInfo'", "expected object");
}

TEST(LiveResponseBadReplyTest, SessionListFindsAnOpenSessionOfTheSensor) {
    const json list = json::array({json{{"id", 1}, {"sensor_id", 2}, {"status", "active"}},
                                   json{{"id", 2}, {"sensor_id", 3}, {"status", "close"}},
                                   json{{"id", 3}, {"sensor_id", 3}, {"status", "PENDING"}}, json{{"id", 4}}});
    EXPECT_EQ(find_open_session(list, 3), json(3));
    EXPECT_FALSE(find_open_session(list, 9).has_value());
    EXPECT_FALSE(find_open_session(json(), 3).has_value());
    EXPECT_FALSE(find_open_session(json::array(), 3).has_value());

    EXPECT_BAD_REPLY(find_open_session(json::object(), 3), "Live Response session list reply",
                     "the reply is not a JSON array (object)");
    EXPECT_BAD_REPLY(find_open_session(json::array({1}), 3), "'[0]' is not a JSON object (number)");
    EXPECT_BAD_REPLY(find_open_session(json::array({{{"sensor_id", "3"}}}), 3),
                     "field '[0].sensor_id' has an unexpected type (string, expected number)");
    EXPECT_BAD_REPLY(find_open_session(json::array({{{"sensor_id", 1e300}}}), 3), "field '[0].sensor_id': the number 1e+300");
    EXPECT_BAD_REPLY(find_open_session(json::array({{{"sensor_id", 3}, {"status", 1}}}), 3), "field '[0].status'");
    EXPECT_BAD_REPLY(find_open_session(json::array({{{"sensor_id", 3}, {"status", "active"}}}), 3),
                     "field '[0].id' is missing");
}

// --- ids, file ids and statuses ------------------------------------------------------------------------------------

TEST(LiveResponseBadReplyTest, IdsMustBeUsableInAPath) {
    EXPECT_EQ(parse_id(json{{"id", 7}}, "r"), json(7));
    EXPECT_EQ(parse_id(json{{"id", 7.0}}, "r"), json(7));
    EXPECT_EQ(parse_id(json{{"id", "1001:2"}}, "r"), json("1001:2"));
    EXPECT_EQ(parse_id(json::parse(R"({"id": 18446744073709551615})"), "r").dump(), "18446744073709551615");

    EXPECT_BAD_REPLY(parse_id(json::object(), "Live Response 'x' reply"), "Live Response 'x' reply: field 'id' is missing");
    EXPECT_BAD_REPLY(parse_id(json(), "r"), "field 'id' is missing");
    EXPECT_BAD_REPLY(parse_id(json{{"id", nullptr}}, "r"), "field 'id' is missing");
    EXPECT_BAD_REPLY(parse_id(json::array(), "r"), "the reply is not a JSON object");
    EXPECT_BAD_REPLY(parse_id(json{{"id", -1}}, "r"), "field 'id': the number -1 is out of range");
    EXPECT_BAD_REPLY(parse_id(json{{"id", 1.5}}, "r"), "field 'id': the number 1.5 is not an integer in range");
    EXPECT_BAD_REPLY(parse_id(json{{"id", 1e300}}, "r"), "field 'id'");
    EXPECT_BAD_REPLY(parse_id(json::parse(R"({"id": 18446744073709551616})"), "r"), "field 'id'");
    EXPECT_BAD_REPLY(parse_id(json{{"id", true}}, "r"), "field 'id' has an unexpected type (boolean, expected number or string)");
    EXPECT_BAD_REPLY(parse_id(json{{"id", json::object()}}, "r"), "field 'id' has an unexpected type (object");
    for (const std::string& bad : std::vector<std::string>{"", "../../sensor", "a b", "x?y", "x#y", "%2e", "a\\b", std::string("a\0b", 3),
                                  std::string("a\x01", 2), kInvalidUtf8})
        EXPECT_BAD_REPLY(parse_id(json{{"id", bad}}, "r"), "field 'id' is not a usable id");
}

TEST(LiveResponseBadReplyTest, FileIdComesFromTheSubmitReplyOrTheCompletedCommand) {
    EXPECT_EQ(parse_file_id({{"file_id", 3}}, {{"file_id", 4}}), json(3));
    EXPECT_EQ(parse_file_id({{"file_id", nullptr}}, {{"file_id", 4}}), json(4));
    EXPECT_EQ(parse_file_id(json(), {{"file_id", "abc"}}), json("abc"));
    EXPECT_BAD_REPLY(parse_file_id(json::object(), json::object()),
                     "Live Response 'get file' reply: field 'file_id' is missing");
    EXPECT_BAD_REPLY(parse_file_id({{"file_id", "1/../2"}}, {{"file_id", 4}}), "field 'file_id' is not a usable id");
    EXPECT_BAD_REPLY(parse_file_id(json::object(), {{"file_id", 1e300}}), "field 'file_id'");
    EXPECT_BAD_REPLY(parse_file_id(json::array(), {{"file_id", 4}}), "the reply is not a JSON object");
}

TEST(LiveResponseBadReplyTest, StatusIsLowerCaseTextOrEmpty) {
    EXPECT_EQ(parse_status({{"status", "COMPLETE"}}, "r"), "complete");
    EXPECT_EQ(parse_status(json::object(), "r"), "");
    EXPECT_EQ(parse_status(json(), "r"), "");
    EXPECT_EQ(parse_status({{"status", nullptr}}, "r"), "");
    EXPECT_BAD_REPLY(parse_status({{"status", 1}}, "Live Response command 'kill' on 12 reply"),
                     "Live Response command 'kill' on 12 reply: field 'status' has an unexpected type (number");
    EXPECT_BAD_REPLY(parse_status(json::array(), "r"), "the reply is not a JSON object");
}

TEST(LiveResponseBadReplyTest, SessionLostBodiesAreRecognisedWithoutThrowing) {
    EXPECT_TRUE(is_session_lost_reply("Session 3 not found"));
    EXPECT_TRUE(is_session_lost_reply("\"Sensor 3 is offline\""));
    EXPECT_TRUE(is_session_lost_reply(R"({"status": "NOT_FOUND"})"));
    for (const std::string& body : std::vector<std::string>{"", "{", "[]", R"({"status": 404})", R"({"status": null})", "No such file",
                                   kInvalidUtf8, std::string("{\"status\": \"\xff\"}")})
        EXPECT_FALSE(is_session_lost_reply(body)) << body;
}

// --- command errors ------------------------------------------------------------------------------------------------

TEST(LiveResponseBadReplyTest, CommandErrorDocumentsAlwaysGiveALiveResponseError) {
    const auto with_code = [](json code) {
        return make_live_response_error("c", {{"status", "error"}, {"result_type", "WinHresult"}, {"result_code", code}});
    };
    EXPECT_STREQ(with_code("0x80070002").what(), "c failed: Win32 error code 0x80070002 (ERROR_FILE_NOT_FOUND)");
    EXPECT_STREQ(with_code("2147942402").what(), "c failed: Win32 error code 0x80070002 (ERROR_FILE_NOT_FOUND)");
    EXPECT_STREQ(with_code(-2147024894).what(), "c failed: Win32 error code 0x80070002 (ERROR_FILE_NOT_FOUND)");
    EXPECT_STREQ(with_code(2147942402.0).what(), "c failed: Win32 error code 0x80070002 (ERROR_FILE_NOT_FOUND)");
    EXPECT_EQ(with_code(-2147024894).win32_error(), -2147024894);
    for (const json& bad : {json(1e300), json(4294967296LL), json(-2147483649LL), json(0.5), json("0x"), json("12ab"),
                            json("99999999999999999999999"), json::array(), json(kInvalidUtf8)}) {
        const auto e = with_code(bad);
        EXPECT_FALSE(e.win32_error()) << bad.dump(-1, ' ', false, json::error_handler_t::replace);
        EXPECT_NE(std::string(e.what()).find("c failed: Unknown Win32 error code: field 'result_code' is not an HRESULT"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_STREQ(with_code(nullptr).what(), "c failed: Unknown Win32 error code");

    EXPECT_STREQ(make_live_response_error("c", {{"result_type", 5}}).what(),
                 "c failed: field 'result_type' has an unexpected type (number): 5");
    EXPECT_STREQ(make_live_response_error("c", {{"result_desc", {1, 2}}}).what(),
                 "c failed: field 'result_desc' has an unexpected type (array): [1,2]");
    for (const json& doc : {json(), json::object(), json::array(), json("error"), json{{"result_desc", ""}}})
        EXPECT_STREQ(make_live_response_error("c", doc).what(), "c failed: unknown error");
    const auto utf8 = make_live_response_error("c", {{"result_desc", kInvalidUtf8}});
    EXPECT_EQ(std::string(utf8.what()), "c failed: " + kInvalidUtf8);
    EXPECT_NE(utf8.details().find("bad\xEF\xBF\xBD"), std::string::npos) << utf8.details();
}

// --- walk ----------------------------------------------------------------------------------------------------------

TEST(LiveResponseBadReplyTest, WalkEntriesKeepOnlySinglePathComponents) {
    const auto dir = [](std::string name) {
        DirectoryEntry e;
        e.filename = std::move(name);
        e.attributes = {"DIRECTORY"};
        return e;
    };
    const auto file = [](std::string name) {
        DirectoryEntry e;
        e.filename = std::move(name);
        return e;
    };
    const auto entry = walk_entry("C:\\top", {dir("."), dir(".."), dir(""), dir("a\\b"), dir("..\\.."), dir("/etc"),
                                             dir(std::string("x\0y", 3)), dir("sub"), file("f.txt"), file(""),
                                             file("c/d"), file(kInvalidUtf8)});
    EXPECT_EQ(entry.path, "C:\\top");
    EXPECT_EQ(entry.directories, std::vector<std::string>{"sub"});
    EXPECT_EQ(entry.files, (std::vector<std::string>{"f.txt", kInvalidUtf8}));
}

// --- end to end through the simulator ------------------------------------------------------------------------------

class LiveResponseBadReplyEndToEndTest : public test::ResponseLiveResponseTest {
protected:
    response::CbResponseAPI cb = connect();
};

TEST_F(LiveResponseBadReplyEndToEndTest, ABadCommandResultFailsTheCommandWithTheFieldNamed) {
    auto lr = cb.live_response(lr_options()).request_session(1);
    // The first poll of the first command gets a completed document with a number where the file name should be.
    server.enqueue("GET", "/api/v1/cblr/session/1/command/1",
                   testing::MockResponse::json({{"id", 1}, {"status", "complete"}, {"files", json::array({{{"filename", 12}}})}}));
    EXPECT_BAD_REPLY(lr.list_directory("C:\\Windows\\"), "Live Response 'directory list' reply",
                     "field 'files[0].filename'");
    // The session goes on working.
    EXPECT_FALSE(lr.list_directory("C:\\Windows\\").empty());
    server.enqueue("GET", "/api/v1/cblr/session/1/command/3",
                   testing::MockResponse::json({{"id", 3}, {"status", 7}}));
    EXPECT_BAD_REPLY(lr.list_processes(), "Live Response command 'process list' reply", "field 'status'");
}

TEST_F(LiveResponseBadReplyEndToEndTest, ABadSessionDocumentFailsTheRequestAndClosesTheSession) {
    server.enqueue("GET", "/api/v1/cblr/session/1",
                   testing::MockResponse::json({{"id", 1}, {"sensor_id", 1}, {"status", "active"}, {"drives", "C:"}}));
    auto manager = cb.live_response(lr_options());
    EXPECT_BAD_REPLY(manager.request_session(1), "Live Response session reply",
                     "field 'drives' has an unexpected type (string, expected array)");
    EXPECT_EQ(test::requests(server, "PUT", "/api/v1/cblr/session/1").size(), 1u);  // closed (checked in TearDown too)
}

TEST_F(LiveResponseBadReplyEndToEndTest, ABadSessionIdIsRefusedBeforeItIsUsedInAPath) {
    server.enqueue("POST", "/api/v1/cblr/session", testing::MockResponse::json({{"id", "../../sensor/1"}}));
    auto manager = cb.live_response(lr_options());
    EXPECT_BAD_REPLY(manager.request_session(1), "Live Response session request for sensor 1",
                     "field 'id' is not a usable id");
    for (const auto& r : server.requests()) EXPECT_EQ(r.path.find(".."), std::string::npos) << r.path;
}

}  // namespace
}  // namespace cbapi
