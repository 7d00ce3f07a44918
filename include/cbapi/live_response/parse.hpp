#pragma once
/// @file
/// Readers of the JSON documents a Live Response server sends: command results, session documents, ids, statuses.
///
/// Every reader takes the server's document and returns the typed result. The rules are the same for all of them:
/// - a missing or null field gives the default documented on the result type (types.hpp): "" for text, 0 for
///   numbers, an empty list;
/// - a field of the wrong type, a number the C++ field cannot hold (negative sizes, 1e300, 2^64, ...) or a reply that
///   is not a JSON object is a ServerError (status 200) whose message names the command and the field, e.g.
///   "Live Response 'directory list' reply: field 'files[2].size': the number 1e+300 is not an integer in range";
/// - numbers with a fraction keep their integral part (times may come as floats);
/// - strings are taken byte for byte (they are not required to be valid UTF-8; messages replace invalid bytes).
/// Nothing else is ever thrown, whatever the document.

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/json_number.hpp"
#include "cbapi/detail/json_text.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/live_response/types.hpp"
#include "cbapi/logging.hpp"

namespace cbapi::live_response::detail {

/// A server value for an error message: its JSON text (invalid UTF-8 replaced), cut to at most 64 bytes on a
/// character boundary.
inline std::string excerpt(const nlohmann::json& value) {
    const std::string text = cbapi::detail::json_text(value);
    return text.size() <= 64 ? text : cbapi::detail::json_text(value, 61);
}

/// ASCII lower case.
inline std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

/// The error for an unusable reply: ServerError(200, "<what>: <problem>").
/// @param what the reply, e.g. "Live Response 'directory list' reply"
inline ServerError bad_reply(const std::string& what, const std::string& problem) {
    return ServerError(200, what + ": " + problem);
}

/// "Live Response '<command>' reply", the `what` of the readers of a command's result.
inline std::string command_reply(std::string_view command) {
    return "Live Response '" + std::string(command) + "' reply";
}

/// Typed reads of the fields of one JSON object in a reply, with errors that name the reply and the field's path.
class ReplyFields {
public:
    /// @param doc a JSON object, or null (every field is then missing)
    /// @param what the reply, for messages @param path where `doc` is in the reply ("" = the reply itself)
    /// @throws ServerError when `doc` is neither an object nor null
    ReplyFields(const nlohmann::json& doc, std::string what, std::string path = {})
        : doc_(doc), what_(std::move(what)), path_(std::move(path)) {
        if (!doc_.is_object() && !doc_.is_null())
            throw bad_reply(what_, (path_.empty() ? std::string("the reply") : "'" + path_ + "'") +
                                       " is not a JSON object (" + doc_.type_name() + "): " + excerpt(doc_));
    }

    /// The field, or nullptr when it is missing or null.
    const nlohmann::json* find(const std::string& key) const {
        if (!doc_.is_object()) return nullptr;
        const auto it = doc_.find(key);
        return it == doc_.end() || it->is_null() ? nullptr : &*it;
    }

    /// The field, which must be present and not null. @throws ServerError "field '<key>' is missing"
    const nlohmann::json& required(const std::string& key) const {
        const nlohmann::json* v = find(key);
        if (v == nullptr) throw bad_reply(what_, "field '" + name(key) + "' is missing");
        return *v;
    }

    /// A text field; "" when missing or null.
    std::string string(const std::string& key) const {
        const nlohmann::json* v = find(key);
        if (v == nullptr) return {};
        if (!v->is_string()) throw wrong_type(key, *v, "string");
        return v->get<std::string>();
    }

    /// An integer field; 0 when missing or null.
    template <typename T>
    T integer(const std::string& key) const {
        const nlohmann::json* v = find(key);
        if (v == nullptr) return T{};
        return integer_value<T>(*v, key);
    }

    /// `value` (the field `key`) as T: a JSON number whose integral part T holds.
    template <typename T>
    T integer_value(const nlohmann::json& value, const std::string& key) const {
        static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
        if (!value.is_number()) throw wrong_type(key, value, "number");
        try {
            if (value.is_number_float()) {
                const double d = value.get<double>();
                return cbapi::detail::checked_integer<T>(nlohmann::json(std::isfinite(d) ? std::trunc(d) : d));
            }
            return cbapi::detail::checked_integer<T>(value);
        } catch (const ApiError& e) {
            throw bad_reply(what_, "field '" + name(key) + "': " + e.what());
        }
    }

    /// A list of strings; empty when missing or null. Every element must be a string.
    std::vector<std::string> strings(const std::string& key) const {
        std::vector<std::string> out;
        const nlohmann::json* v = find(key);
        if (v == nullptr) return out;
        if (!v->is_array()) throw wrong_type(key, *v, "array");
        for (std::size_t i = 0; i < v->size(); ++i) {
            const auto& s = (*v)[i];
            if (!s.is_string()) throw wrong_type(element(key, i), s, "string");
            out.push_back(s.get<std::string>());
        }
        return out;
    }

    /// Calls `f(ReplyFields)` for each element of a list of objects (nothing when missing or null).
    template <typename F>
    void objects(const std::string& key, F&& f) const {
        const nlohmann::json* v = find(key);
        if (v == nullptr) return;
        if (!v->is_array()) throw wrong_type(key, *v, "array");
        for (std::size_t i = 0; i < v->size(); ++i) {
            const auto& o = (*v)[i];
            if (!o.is_object()) throw wrong_type(element(key, i), o, "object");
            f(ReplyFields(o, what_, name(element(key, i))));
        }
    }

    /// The document these fields are read from.
    const nlohmann::json& document() const noexcept { return doc_; }
    /// The reply, for messages.
    const std::string& what() const noexcept { return what_; }
    /// The path of field `key` in the reply, e.g. "files[2].size".
    std::string name(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

    /// The error for a field of the wrong type.
    ServerError wrong_type(const std::string& key, const nlohmann::json& value, const char* expected) const {
        return bad_reply(what_, "field '" + name(key) + "' has an unexpected type (" + value.type_name() +
                                    ", expected " + expected + "): " + excerpt(value));
    }

private:
    static std::string element(const std::string& key, std::size_t i) { return key + "[" + std::to_string(i) + "]"; }

    const nlohmann::json& doc_;
    std::string what_;
    std::string path_;
};

// --- ids and statuses ------------------------------------------------------------------------------------------------

/// A session, command or file id from a reply (it goes into URL paths): a non-negative integer, or a non-empty string
/// without '/', '\\', '?', '#', '%', spaces or control characters (Cb Defense session ids are like "1001:2").
/// @param fields the reply @param key the id's field ("id", "file_id")
/// @throws ServerError when the id is missing, null, of another type, or not usable in a path
inline nlohmann::json parse_id(const ReplyFields& fields, const std::string& key) {
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

/// The `id` of a reply. @param reply the server's document @param what the reply, for messages
inline nlohmann::json parse_id(const nlohmann::json& reply, const std::string& what, const std::string& key = "id") {
    return parse_id(ReplyFields(reply, what), key);
}

/// The file id of a `get file` command: `file_id` of the submit reply, else of the completed command.
/// @throws ServerError "field 'file_id' is missing" (in both), or as parse_id()
inline nlohmann::json parse_file_id(const nlohmann::json& submitted, const nlohmann::json& completed) {
    const ReplyFields first(submitted, command_reply("get file"));
    if (first.find("file_id") != nullptr) return parse_id(first, "file_id");
    return parse_id(ReplyFields(completed, command_reply("get file")), "file_id");
}

/// The `status` of a session or command document, lower case; "" when missing or null (not decided yet).
/// @throws ServerError when the document is not an object or `status` is not a string
inline std::string parse_status(const nlohmann::json& doc, const std::string& what) {
    return lower(ReplyFields(doc, what).string("status"));
}

/// Whether the body of a 404 says the session (or the sensor behind it) is gone, rather than that an object is
/// missing: text starting with "Sensor" or "Session", or JSON `{"status": "NOT_FOUND"}`. Never throws.
inline bool is_session_lost_reply(std::string_view body) {
    std::string_view b(body);
    while (!b.empty() && (b.front() == ' ' || b.front() == '"')) b.remove_prefix(1);
    if (b.rfind("Sensor", 0) == 0 || b.rfind("Session", 0) == 0) return true;
    const auto doc = nlohmann::json::parse(body, nullptr, false);
    if (!doc.is_object()) return false;
    const auto it = doc.find("status");
    return it != doc.end() && it->is_string() && it->get<std::string>() == "NOT_FOUND";
}

// --- sessions --------------------------------------------------------------------------------------------------------

/// What a session document says about the endpoint.
struct SessionInfo {
    /// `supported_commands`; nullopt when the server does not say (every command is then tried).
    std::optional<std::vector<std::string>> supported_commands;
    /// `drives` (empty when missing).
    std::vector<std::string> drives;
    /// `current_working_directory` ("" when missing).
    std::string current_working_directory;
};

/// Reads an active session's document. @throws ServerError (bad types)
inline SessionInfo parse_session_info(const nlohmann::json& doc) {
    const ReplyFields f(doc, "Live Response session reply");
    SessionInfo out;
    if (f.find("supported_commands") != nullptr) out.supported_commands = f.strings("supported_commands");
    out.drives = f.strings("drives");
    out.current_working_directory = f.string("current_working_directory");
    return out;
}

/// The OS of a Cb Response session from its document: Windows when it reports drive letters or a Windows working
/// directory, else unknown (POSIX paths). @throws ServerError as parse_session_info()
inline OsType os_from_session_data(const nlohmann::json& data) {
    const auto windows_path = [](const std::string& s) {
        return s.size() >= 2 && std::isalpha(static_cast<unsigned char>(s[0])) != 0 && s[1] == ':';
    };
    const SessionInfo info = parse_session_info(data);
    if (windows_path(info.current_working_directory)) return OsType::windows;
    for (const auto& d : info.drives)
        if (windows_path(d)) return OsType::windows;
    return OsType::unknown;
}

/// The OS of a Cb Defense device (`deviceType` WINDOWS, LINUX, MAC; case-insensitive).
inline OsType os_from_device_type(const std::string& device_type) {
    const std::string type = lower(device_type);
    if (type == "windows") return OsType::windows;
    if (type == "linux") return OsType::linux_os;
    if (type == "mac") return OsType::macos;
    return OsType::unknown;
}

/// The OS of a Cb Defense device from its document (`deviceInfo.deviceType`); unknown when missing.
/// @throws ServerError (bad types)
inline OsType parse_device_os(const nlohmann::json& doc) {
    const ReplyFields f(doc, "Cb Defense device reply");
    const nlohmann::json* info = f.find("deviceInfo");
    if (info == nullptr) return OsType::unknown;
    if (!info->is_object()) throw f.wrong_type("deviceInfo", *info, "object");
    return os_from_device_type(ReplyFields(*info, f.what(), "deviceInfo").string("deviceType"));
}

/// The id of a pending or active session with `sensor_id` in the list of sessions (`GET {base}/session`), if any.
/// A null or missing list is empty. @throws ServerError (bad types; an element without an id)
inline std::optional<nlohmann::json> find_open_session(const nlohmann::json& sessions, long long sensor_id) {
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

// --- command results -------------------------------------------------------------------------------------------------

/// The entries of a `directory list` result (`files`). @throws ServerError (bad types)
inline std::vector<DirectoryEntry> parse_directory_list(const nlohmann::json& doc) {
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

/// The processes of a `process list` result (`processes`). @throws ServerError (bad types)
inline std::vector<ProcessEntry> parse_process_list(const nlohmann::json& doc) {
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

/// One registry value object (`value_name`, `value_type`, `value_data`).
inline RegistryValue parse_registry_value_fields(const ReplyFields& f) {
    RegistryValue out;
    out.name = f.string("value_name");
    out.type = f.string("value_type");
    if (const nlohmann::json* data = f.find("value_data")) out.data = *data;
    out.raw = f.document();
    return out;
}

/// The subkeys and values of a `reg enum key` result. @throws ServerError (bad types)
inline RegistryKeyListing parse_registry_key(const nlohmann::json& doc) {
    const ReplyFields f(doc, command_reply("reg enum key"));
    RegistryKeyListing out;
    out.sub_keys = f.strings("sub_keys");
    f.objects("values", [&](const ReplyFields& v) { out.values.push_back(parse_registry_value_fields(v)); });
    return out;
}

/// The value of a `reg query value` result (`value`, required). @throws ServerError (missing value, bad types)
inline RegistryValue parse_registry_value(const nlohmann::json& doc) {
    const ReplyFields f(doc, command_reply("reg query value"));
    const nlohmann::json& value = f.required("value");
    if (!value.is_object()) throw f.wrong_type("value", value, "object");
    return parse_registry_value_fields(ReplyFields(value, f.what(), "value"));
}

/// Whether a name from a directory listing can be joined to its directory as one path component: not empty, not
/// "." or "..", without '/', '\\' or NUL. Walks skip other names so that they can neither loop nor leave the tree.
inline bool usable_path_component(const std::string& name) {
    return !name.empty() && name != "." && name != ".." &&
           name.find_first_of(std::string("/\\\0", 3)) == std::string::npos;
}

/// The WalkEntry of directory `path` from its listing: subdirectories and files by name. "." and ".." are left out;
/// so are names that are not a single path component (logged as a warning).
inline WalkEntry walk_entry(const std::string& path, const std::vector<DirectoryEntry>& listing) {
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
