#pragma once
/// @file
/// A Live Response session handle and its commands (files, directories, processes, registry, memory dumps).

#include "cbapi/fwd.hpp"

#include <chrono>
#include <cstddef>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/errors.hpp"
#include "cbapi/live_response/types.hpp"
#include "cbapi/live_response/wire.hpp"

namespace cbapi::live_response {

class Memdump;

/// An open Live Response session with one sensor (Cb Response) or device (Cb Defense).
///
/// Obtained from SessionManager::request_session() (or `Device::lr_session()`). Copies share the session; it is
/// closed on the server when the last copy goes away (or, with `keepalive_sessions`, returned to the manager's
/// cache). Every command posts `{"name", "object", "session_id", ...}` to `{base}/session/{id}/command` and polls
/// the command until it is complete, with a deadline.
///
/// Errors of every command: ApiError "Command <name> not supported by this sensor" (nothing sent),
/// LiveResponseError (the command failed on the endpoint; Win32 code decoded), TimeoutError (deadline), ApiError
/// "Received 404 error from server: ...", ServerError for an unusable reply (a field of the wrong type or out of
/// range, named in the message; see live_response/parse.hpp) and the request's exceptions. A 404 that says the
/// session or sensor is gone re-establishes the session and resends the command (up to 5 times).
///
/// A Session may be used from one thread at a time; different sessions are independent. The one exception:
/// SessionManager::close_all() may close it from any thread while it is in use; a wait in progress then ends with a
/// LiveResponseClosedError, and later commands throw it too.
///
/// @code
/// auto lr = cb.live_response().request_session(3);
/// for (const auto& e : lr.list_directory("C:\\Windows\\")) std::cout << e.filename << "\n";
/// std::string out = *lr.create_process("cmd.exe /c ipconfig");
/// @endcode
class Session {
public:
    /// Made by the manager. @param lease the shared claim on the session
    explicit Session(std::shared_ptr<detail::Lease> lease);

    /// The server's session id (a number for Cb Response, possibly a string for Cb Defense).
    nlohmann::json session_id() const;
    /// The sensor (Cb Response) or device (Cb Defense) id.
    long long sensor_id() const;
    /// The session document from the server when it became active (`supported_commands`, `drives`, ...).
    nlohmann::json session_data() const;
    /// The endpoint's operating system (decides path separators and temporary names).
    OsType os_type() const;
    /// The commands the endpoint supports (`supported_commands`; empty when the server does not say). The session
    /// document was checked when the session became active (see parse.hpp), so this does not throw.
    std::vector<std::string> supported_commands() const;
    /// The endpoint's drives (`drives`, e.g. "C:\\"; empty when the server does not say).
    std::vector<std::string> drives() const;
    /// Whether close() was called (by this or another copy).
    bool closed() const;

    /// Closes the session on the server now, for every copy of this handle (later commands throw ApiError).
    /// Idempotent; errors while closing are logged, not thrown.
    void close();

    /// Sends a keepalive (`GET {base}/session/{id}/keepalive`).
    /// @throws the request's exceptions (ObjectNotFoundError when the session is gone)
    void keepalive() const;

    // --- files -----------------------------------------------------------------------------------------------------

    /// Downloads a file from the endpoint into memory (`get file`, then `GET .../file/{file_id}/content`).
    /// @param path remote path @param timeout command deadline (default: the manager's)
    /// @return the file's bytes
    std::string get_file(const std::string& path, std::optional<std::chrono::milliseconds> timeout = {});

    /// Downloads a file from the endpoint and streams it to a local file (never held in memory), through a
    /// cbapi::AtomicFile: the bytes go to a temporary created exclusively next to `local` (mode 0600), which replaces
    /// `local` only when the download is complete. A failed command or download (an error status, a connection
    /// dropped mid-body), a write error or an exception leaves an existing `local` exactly as it was and no partial
    /// file. A `local` that is a symbolic link is refused before anything is sent.
    /// @param path remote path @param local local file (created or replaced) @param timeout command deadline
    /// @throws ApiError when `local` is a symbolic link or not a regular file, or cannot be written; the command's
    ///         errors
    void get_file(const std::string& path, const std::filesystem::path& local,
                  std::optional<std::chrono::milliseconds> timeout = {});

    /// Downloads a file from the endpoint into a local directory, named after the remote path's last component (after
    /// the last '\\' or '/'). The name goes through cbapi::safe_output_path(), so it can never leave `directory`:
    /// control characters and the characters Windows refuses become '_', and a name that is empty, "." or ".." is
    /// refused before anything is sent. An existing regular file of that name is replaced, only by a complete
    /// download (see the get_file() that writes a local file); anything else of that name (a directory, a symbolic
    /// link that could point elsewhere) is refused before anything is sent. If the download fails, an existing file
    /// of that name keeps its content and no partial file is left.
    /// @param remote_path remote path, e.g. `C:\\Windows\\win.ini` @param directory an existing local directory
    /// @param timeout command deadline (default: the manager's)
    /// @return the local file's path (`directory / name`)
    /// @throws ApiError (unusable name, `directory` not a directory, something other than a file in the way, write
    ///         errors); the command's errors
    /// @code
    /// auto local = lr.get_file_into("C:\\Windows\\win.ini", ".");  // ./win.ini
    /// @endcode
    std::filesystem::path get_file_into(const std::string& remote_path, const std::filesystem::path& directory,
                                        std::optional<std::chrono::milliseconds> timeout = {});

    /// Downloads a file from the endpoint, handing its bytes to `sink` as they arrive.
    /// @param path remote path @param sink receives the content @param timeout command deadline
    /// @param interval time between two polls of the command
    /// @throws ServerError when the content reply is not a 2xx; the command's and the request's errors
    void get_raw_file(const std::string& path, const std::function<void(std::string_view)>& sink,
                      std::optional<std::chrono::milliseconds> timeout = {},
                      std::optional<std::chrono::milliseconds> interval = {});

    /// Uploads data to a file on the endpoint: a multipart upload (`POST .../file`, part `file`), then `put file`.
    /// @param data the content @param remote_path destination on the endpoint
    void put_file(std::string_view data, const std::string& remote_path);

    /// Uploads a local file to the endpoint; see put_file().
    /// @throws ApiError when the local file cannot be read
    void put_file_from(const std::filesystem::path& local, const std::string& remote_path);

    /// Deletes a file on the endpoint (`delete file`).
    void delete_file(const std::string& path);

    /// Lists a directory (`directory list`). The path should end with a separator or a wildcard
    /// (`C:\\Windows\\`, `C:\\Windows\\*.exe`).
    /// @throws ServerError when the reply is unusable (see DirectoryEntry)
    std::vector<DirectoryEntry> list_directory(const std::string& path);

    /// Creates a directory (`create directory`).
    void create_directory(const std::string& path);

    /// Walks a directory tree (like Python's `os.walk`): `visit` is called once per directory with its
    /// subdirectory and file names; top-down (parents first; the visitor may prune `directories`) or bottom-up.
    /// "." and "..", and names the server sends that are not one path component (empty, or with a separator or NUL),
    /// are left out, so a walk never loops or leaves the tree.
    /// @param top the root @param visit called per directory @param topdown order
    /// @param onerror called with the error of a directory that cannot be listed (that branch is skipped); unset =
    ///        the error propagates
    void walk(const std::string& top, const std::function<void(WalkEntry&)>& visit, bool topdown = true,
              const std::function<void(const std::exception&)>& onerror = {});

    /// The whole walk as a list; see the visitor form.
    std::vector<WalkEntry> walk(const std::string& top, bool topdown = true);

    // --- processes -------------------------------------------------------------------------------------------------

    /// The running processes (`process list`).
    /// @throws ServerError when the reply is unusable (see ProcessEntry)
    std::vector<ProcessEntry> list_processes();

    /// Kills a process (`kill`), waiting up to 10 s (polls every 0.1 s).
    /// @return true when killed, false when the endpoint did not confirm in time
    /// @throws LiveResponseError when the endpoint refused (e.g. no such process)
    bool kill_process(long long pid);

    /// Starts a process (`create process`). By default waits for it to finish and returns its output, captured
    /// through a temporary file on the endpoint that is deleted afterwards (also when fetching it fails).
    /// @param command the command line @param options output, working directory and waiting
    /// @return the output when `wait_for_output`, else nullopt
    std::optional<std::string> create_process(const std::string& command, const CreateProcessOptions& options = {});

    // --- registry --------------------------------------------------------------------------------------------------

    /// The subkeys and values of a registry key (`reg enum key`).
    /// @throws ServerError when the reply is unusable (see RegistryKeyListing)
    RegistryKeyListing list_registry_keys_and_values(const std::string& key);

    /// The names of a key's subkeys (cbapi-python's `list_registry_keys` returned the values instead).
    std::vector<std::string> list_registry_keys(const std::string& key);

    /// One registry value (`reg query value`). @param key `<key>\\<value name>`
    /// @throws ServerError when the reply has no `value` object or is otherwise unusable (see RegistryValue)
    RegistryValue get_registry_value(const std::string& key);

    /// Sets a registry value (`reg set value`).
    /// @param key `<key>\\<value name>` @param value the data; its type is inferred when `value_type` is unset:
    ///        an integer → REG_DWORD, an array → REG_MULTI_SZ, anything else → REG_SZ (as text)
    /// @param overwrite replace an existing value @param value_type REG_SZ, REG_DWORD, ...
    void set_registry_value(const std::string& key, const nlohmann::json& value, bool overwrite = true,
                            std::optional<std::string> value_type = std::nullopt);

    /// Creates a registry key (`reg create key`).
    void create_registry_key(const std::string& key);
    /// Deletes a registry key (`reg delete key`).
    void delete_registry_key(const std::string& key);
    /// Deletes a registry value (`reg delete value`). @param key `<key>\\<value name>`
    void delete_registry_value(const std::string& key);

    // --- memory ----------------------------------------------------------------------------------------------------

    /// Starts a memory dump (`memdump`) without waiting; see Memdump.
    /// @param remote_file where the endpoint writes it (default: a temporary name)
    /// @param compress zip it on the endpoint (the file fetched is then `<remote_file>.zip`)
    Memdump start_memdump(std::optional<std::string> remote_file = std::nullopt, bool compress = true);

    /// Dumps the endpoint's memory to a local file: start, wait (up to an hour), download, delete the remote file.
    /// The local file is written like get_file() does (through a cbapi::AtomicFile); a `local` that is a symbolic
    /// link is refused before the dump is started.
    /// @param local destination @param remote_file remote name (default: temporary) @param compress zip remotely
    void memdump(const std::filesystem::path& local, std::optional<std::string> remote_file = std::nullopt,
                 bool compress = false);

    /// Downloads the session archive (`GET {base}/session/{id}/archive`) to `sink`.
    void get_session_archive(const std::function<void(std::string_view)>& sink);

    // --- low level -------------------------------------------------------------------------------------------------

    /// Joins path parts with the endpoint's separator (`\\` on Windows, else `/`).
    std::string path_join(const std::string& a, const std::string& b) const;

    /// A fresh temporary file name on the endpoint: `c:\\windows\\temp\\cblr.<12 chars>.tmp` or `/tmp/...`.
    std::string temp_file_name() const;

    /// Posts a command (adding `session_id`) and returns the server's reply (`id`, and `file_id` for `get file`).
    /// @throws ApiError when the endpoint does not support it or the session is closed; see the class notes
    nlohmann::json submit(nlohmann::json command);

    /// Polls a submitted command until it is complete.
    /// @param submitted the reply of submit() @param name, object for messages
    /// @param timeout deadline (default: the manager's) @param interval poll interval (default: the manager's)
    /// @return the completed command document (with its result fields)
    nlohmann::json wait(const nlohmann::json& submitted, const std::string& name, const std::string& object,
                        std::optional<std::chrono::milliseconds> timeout = {},
                        std::optional<std::chrono::milliseconds> interval = {});

    /// submit() then wait(). @return the completed command document
    nlohmann::json run(const nlohmann::json& command, const std::string& object,
                       std::optional<std::chrono::milliseconds> timeout = {},
                       std::optional<std::chrono::milliseconds> interval = {});

private:
    /// A registry value's JSON as the text `reg set value` sends. @throws ApiError for text that is not UTF-8
    static std::string registry_text(const nlohmann::json& value);
    static constexpr int kMaxRetries = 5;

    detail::SessionCore& core() const;
    const detail::Wire& wire() const;

    static std::string describe(const std::string& name, const std::string& object);

    void check_supported(const std::string& name) const;

    void remove_quietly(const std::string& path);

    static std::string random_token(std::size_t n);

    std::shared_ptr<detail::Lease> lease_;
};

/// A memory dump started by Session::start_memdump(): wait for it, fetch it, delete it. Holds the session open.
class Memdump {
public:
    /// @param session the session @param command the submitted command @param remote_file the file to fetch
    Memdump(Session session, nlohmann::json command, std::string remote_file);

    /// The file the endpoint writes (with `.zip` when compressed).
    const std::string& remote_file() const noexcept { return remote_file_; }
    /// Whether wait() completed.
    bool done() const noexcept { return done_; }

    /// Waits until the dump is written (polls every 5 s for up to an hour unless given).
    /// @throws LiveResponseError, TimeoutError
    void wait(std::chrono::milliseconds timeout = std::chrono::hours(1),
              std::chrono::milliseconds interval = std::chrono::seconds(5));
    /// Waits if needed, then downloads the dump to a local file (as Session::get_file() does: never through a
    /// symbolic link, and an existing file is replaced only by a complete download).
    void get(const std::filesystem::path& local);
    /// Deletes the dump on the endpoint.
    void remove();

private:
    Session session_;
    nlohmann::json command_;
    std::string remote_file_;
    bool done_ = false;
};

}  // namespace cbapi::live_response
