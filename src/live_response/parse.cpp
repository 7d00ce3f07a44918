// Live Response reply readers: every server document goes through ReplyFields (src/live_response/parse.hpp), so a
// field of the wrong type or out of range is a ServerError naming the reply and the field, never another exception.
#include "cbapi/live_response/parse.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/json_number.hpp"
#include "cbapi/detail/json_text.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/live_response/types.hpp"
#include "cbapi/logging.hpp"
#include "live_response/parse.hpp"

namespace cbapi::live_response::detail {

// --- reading fields --------------------------------------------------------------------------------------------------

std::string excerpt(const nlohmann::json& value) {
    const std::string text = cbapi::detail::json_text(value);
    return text.size() <= 64 ? text : cbapi::detail::json_text(value, 61);
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

ServerError bad_reply(const std::string& what, const std::string& problem) {
    return ServerError(200, what + ": " + problem);
}

std::string command_reply(std::string_view command) {
    return "Live Response '" + std::string(command) + "' reply";
}

nlohmann::json parse_id(const ReplyFields& fields, const std::string& key) {
    const nlohmann::json& id = fields.required(key);
    if (id.is_number()) {
        try {
            return cbapi::detail::checked_integer<std::uint64_t>(id);
        } catch (const ApiError& e) {
            throw bad_reply(fields.what(), "field '" + fields.name(key) + "': " + e.what());
        }
    }
    if (!id.is_string()) throw fields.wrong_type(key, id, "number or string");
    const auto& s = id.get_ref<const std::string&>();
    const bool usable = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        const auto b = static_cast<unsigned char>(c);
        return b > 0x20 && b != 0x7F && std::string_view("/\\?#%").find(c) == std::string_view::npos;
    });
    if (!usable) throw bad_reply(fields.what(), "field '" + fields.name(key) + "' is not a usable id: " + excerpt(id));
    return id;
}

// --- ids and statuses ------------------------------------------------------------------------------------------------

nlohmann::json parse_id(const nlohmann::json& reply, const std::string& what, const std::string& key) {
    return parse_id(ReplyFields(reply, what), key);
}

nlohmann::json parse_file_id(const nlohmann::json& submitted, const nlohmann::json& completed) {
    const ReplyFields first(submitted, command_reply("get file"));
    if (first.find("file_id") != nullptr) return parse_id(first, "file_id");
    return parse_id(ReplyFields(completed, command_reply("get file")), "file_id");
}

std::string parse_status(const nlohmann::json& doc, const std::string& what) {
    return lower(ReplyFields(doc, what).string("status"));
}

bool is_session_lost_reply(std::string_view body) {
    std::string_view b(body);
    while (!b.empty() && (b.front() == ' ' || b.front() == '"')) b.remove_prefix(1);
    if (b.rfind("Sensor", 0) == 0 || b.rfind("Session", 0) == 0) return true;
    const auto doc = nlohmann::json::parse(body, nullptr, false);
    if (!doc.is_object()) return false;
    const auto it = doc.find("status");
    return it != doc.end() && it->is_string() && it->get<std::string>() == "NOT_FOUND";
}

SessionInfo parse_session_info(const nlohmann::json& doc) {
    const ReplyFields f(doc, "Live Response session reply");
    SessionInfo out;
    if (f.find("supported_commands") != nullptr) out.supported_commands = f.strings("supported_commands");
    out.drives = f.strings("drives");
    out.current_working_directory = f.string("current_working_directory");
    return out;
}

OsType os_from_session_data(const nlohmann::json& data) {
    const auto windows_path = [](const std::string& s) {
        return s.size() >= 2 && std::isalpha(static_cast<unsigned char>(s[0])) != 0 && s[1] == ':';
    };
    const SessionInfo info = parse_session_info(data);
    if (windows_path(info.current_working_directory)) return OsType::windows;
    for (const auto& d : info.drives)
        if (windows_path(d)) return OsType::windows;
    return OsType::unknown;
}

OsType os_from_device_type(const std::string& device_type) {
    const std::string type = lower(device_type);
    if (type == "windows") return OsType::windows;
    if (type == "linux") return OsType::linux_os;
    if (type == "mac") return OsType::macos;
    return OsType::unknown;
}

OsType parse_device_os(const nlohmann::json& doc) {
    const ReplyFields f(doc, "Cb Defense device reply");
    const nlohmann::json* info = f.find("deviceInfo");
    if (info == nullptr) return OsType::unknown;
    if (!info->is_object()) throw f.wrong_type("deviceInfo", *info, "object");
    return os_from_device_type(ReplyFields(*info, f.what(), "deviceInfo").string("deviceType"));
}

std::optional<nlohmann::json> find_open_session(const nlohmann::json& sessions, long long sensor_id) {
    const std::string what = "Live Response session list reply";
    if (sessions.is_null()) return std::nullopt;
    if (!sessions.is_array())
        throw bad_reply(what, std::string("the reply is not a JSON array (") + sessions.type_name() +
                                  "): " + excerpt(sessions));
    for (std::size_t i = 0; i < sessions.size(); ++i) {
        const std::string path = "[" + std::to_string(i) + "]";
        const nlohmann::json& s = sessions[i];
        if (!s.is_object())
            throw bad_reply(what, "'" + path + "' is not a JSON object (" + s.type_name() + "): " + excerpt(s));
        const ReplyFields f(s, what, path);
        const nlohmann::json* sensor = f.find("sensor_id");
        if (sensor == nullptr || f.integer_value<long long>(*sensor, "sensor_id") != sensor_id) continue;
        const std::string status = lower(f.string("status"));
        if (status == "pending" || status == "active") return parse_id(f, "id");
    }
    return std::nullopt;
}

std::vector<DirectoryEntry> parse_directory_list(const nlohmann::json& doc) {
    std::vector<DirectoryEntry> out;
    ReplyFields(doc, command_reply("directory list")).objects("files", [&](const ReplyFields& f) {
        DirectoryEntry e;
        e.filename = f.string("filename");
        e.attributes = f.strings("attributes");
        e.size = f.integer<std::uint64_t>("size");
        e.create_time = f.integer<std::int64_t>("create_time");
        e.last_access_time = f.integer<std::int64_t>("last_access_time");
        e.last_write_time = f.integer<std::int64_t>("last_write_time");
        e.raw = f.document();
        out.push_back(std::move(e));
    });
    return out;
}

std::vector<ProcessEntry> parse_process_list(const nlohmann::json& doc) {
    std::vector<ProcessEntry> out;
    ReplyFields(doc, command_reply("process list")).objects("processes", [&](const ReplyFields& f) {
        ProcessEntry e;
        e.pid = f.integer<long long>("pid");
        e.path = f.string("path");
        e.command_line = f.string("command_line");
        e.username = f.string("username");
        e.sid = f.string("sid");
        e.parent = f.integer<long long>("parent");
        e.proc_guid = f.string("proc_guid");
        e.parent_guid = f.string("parent_guid");
        e.create_time = f.integer<std::int64_t>("create_time");
        e.raw = f.document();
        out.push_back(std::move(e));
    });
    return out;
}

RegistryValue parse_registry_value_fields(const ReplyFields& f) {
    RegistryValue out;
    out.name = f.string("value_name");
    out.type = f.string("value_type");
    if (const nlohmann::json* data = f.find("value_data")) out.data = *data;
    out.raw = f.document();
    return out;
}

RegistryKeyListing parse_registry_key(const nlohmann::json& doc) {
    const ReplyFields f(doc, command_reply("reg enum key"));
    RegistryKeyListing out;
    out.sub_keys = f.strings("sub_keys");
    f.objects("values", [&](const ReplyFields& v) { out.values.push_back(parse_registry_value_fields(v)); });
    return out;
}

RegistryValue parse_registry_value(const nlohmann::json& doc) {
    const ReplyFields f(doc, command_reply("reg query value"));
    const nlohmann::json& value = f.required("value");
    if (!value.is_object()) throw f.wrong_type("value", value, "object");
    return parse_registry_value_fields(ReplyFields(value, f.what(), "value"));
}

bool usable_path_component(const std::string& name) {
    return !name.empty() && name != "." && name != ".." &&
           name.find_first_of(std::string("/\\\0", 3)) == std::string::npos;
}

WalkEntry walk_entry(const std::string& path, const std::vector<DirectoryEntry>& listing) {
    WalkEntry entry;
    entry.path = path;
    for (const auto& e : listing) {
        if (e.filename == "." || e.filename == "..") continue;
        if (!usable_path_component(e.filename)) {
            logger()->warn("Live Response walk of {}: skipping the entry named {}", path,
                           excerpt(nlohmann::json(e.filename)));
            continue;
        }
        (e.is_directory() ? entry.directories : entry.files).push_back(e.filename);
    }
    return entry;
}

}  // namespace cbapi::live_response::detail
