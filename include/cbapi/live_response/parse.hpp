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
///
/// The readers are defined in the library (src/live_response/parse.cpp); they are declared here for the library's
/// own use, for tests and for tools.

#include "cbapi/fwd.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/live_response/types.hpp"

namespace cbapi::live_response::detail {

// --- ids and statuses ------------------------------------------------------------------------------------------------

/// The `id` of a reply. @param reply the server's document @param what the reply, for messages
nlohmann::json parse_id(const nlohmann::json& reply, const std::string& what, const std::string& key = "id");

/// The file id of a `get file` command: `file_id` of the submit reply, else of the completed command.
/// @throws ServerError "field 'file_id' is missing" (in both), or as parse_id()
nlohmann::json parse_file_id(const nlohmann::json& submitted, const nlohmann::json& completed);

/// The `status` of a session or command document, lower case; "" when missing or null (not decided yet).
/// @throws ServerError when the document is not an object or `status` is not a string
std::string parse_status(const nlohmann::json& doc, const std::string& what);

/// Whether the body of a 404 says the session (or the sensor behind it) is gone, rather than that an object is
/// missing: text starting with "Sensor" or "Session", or JSON `{"status": "NOT_FOUND"}`. Never throws.
bool is_session_lost_reply(std::string_view body);

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
SessionInfo parse_session_info(const nlohmann::json& doc);

/// The OS of a Cb Response session from its document: Windows when it reports drive letters or a Windows working
/// directory, else unknown (POSIX paths). @throws ServerError as parse_session_info()
OsType os_from_session_data(const nlohmann::json& data);

/// The OS of a Cb Defense device (`deviceType` WINDOWS, LINUX, MAC; case-insensitive).
OsType os_from_device_type(const std::string& device_type);

/// The OS of a Cb Defense device from its document (`deviceInfo.deviceType`); unknown when missing.
/// @throws ServerError (bad types)
OsType parse_device_os(const nlohmann::json& doc);

/// The id of a pending or active session with `sensor_id` in the list of sessions (`GET {base}/session`), if any.
/// A null or missing list is empty. @throws ServerError (bad types; an element without an id)
std::optional<nlohmann::json> find_open_session(const nlohmann::json& sessions, long long sensor_id);

// --- command results -------------------------------------------------------------------------------------------------

/// The entries of a `directory list` result (`files`). @throws ServerError (bad types)
std::vector<DirectoryEntry> parse_directory_list(const nlohmann::json& doc);

/// The processes of a `process list` result (`processes`). @throws ServerError (bad types)
std::vector<ProcessEntry> parse_process_list(const nlohmann::json& doc);

/// The subkeys and values of a `reg enum key` result. @throws ServerError (bad types)
RegistryKeyListing parse_registry_key(const nlohmann::json& doc);

/// The value of a `reg query value` result (`value`, required). @throws ServerError (missing value, bad types)
RegistryValue parse_registry_value(const nlohmann::json& doc);

/// Whether a name from a directory listing can be joined to its directory as one path component: not empty, not
/// "." or "..", without '/', '\\' or NUL. Walks skip other names so that they can neither loop nor leave the tree.
bool usable_path_component(const std::string& name);

/// The WalkEntry of directory `path` from its listing: subdirectories and files by name. "." and ".." are left out;
/// so are names that are not a single path component (logged as a warning).
WalkEntry walk_entry(const std::string& path, const std::vector<DirectoryEntry>& listing);

}  // namespace cbapi::live_response::detail
