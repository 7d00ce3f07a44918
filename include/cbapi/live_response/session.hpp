#pragma once
/// @file
/// A Live Response session handle and its commands (files, directories, processes, registry, memory dumps).

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/download_status.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/files.hpp"
#include "cbapi/live_response/parse.hpp"
#include "cbapi/live_response/types.hpp"
#include "cbapi/live_response/wire.hpp"

namespace cbapi::live_response {

namespace detail {

/// One handle family's claim on a session: when the last Session copy drops it, `release` runs (the manager then
/// closes the session, or keeps it for reuse when keepalive is on).
struct Lease {
    std::shared_ptr<SessionCore> core;
    std::function<void(const std::shared_ptr<SessionCore>&)> release;
    /// Re-establishes the session after the server lost it (replaces the core's id and data).
    std::function<void(SessionCore&)> reestablish;

    Lease(std::shared_ptr<SessionCore> c, std::function<void(const std::shared_ptr<SessionCore>&)> rel,
          std::function<void(SessionCore&)> re)
        : core(std::move(c)), release(std::move(rel)), reestablish(std::move(re)) {}
    ~Lease() {
        if (release) release(core);
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
};

}  // namespace detail

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
/// range, named in the message; see live_response/parse.hpp) and the request's exceptions. A 404 that says the session or sensor is gone
/// re-establishes the session and resends the command (up to 5 times).
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
    explicit Session(std::shared_ptr<detail::Lease> lease) : lease_(std::move(lease)) {}

    /// The server's session id (a number for Cb Response, possibly a string for Cb Defense).
    nlohmann::json session_id() const { return core().id(); }
    /// The sensor (Cb Response) or device (Cb Defense) id.
    long long sensor_id() const { return core().sensor_id; }
    /// The session document from the server when it became active (`supported_commands`, `drives`, ...).
    nlohmann::json session_data() const { return core().data(); }
    /// The endpoint's operating system (decides path separators and temporary names).
    OsType os_type() const { return core().os; }
    /// The commands the endpoint supports (`supported_commands`; empty when the server does not say). The session
    /// document was checked when the session became active (see parse.hpp), so this does not throw.
    std::vector<std::string> supported_commands() const {
        return detail::parse_session_info(core().data()).supported_commands.value_or(std::vector<std::string>());
    }
    /// The endpoint's drives (`drives`, e.g. "C:\\"; empty when the server does not say).
    std::vector<std::string> drives() const { return detail::parse_session_info(core().data()).drives; }
    /// Whether close() was called (by this or another copy).
    bool closed() const {
        std::lock_guard<std::mutex> lock(core().mutex);
        return core().closed;
    }

    /// Closes the session on the server now, for every copy of this handle (later commands throw ApiError).
    /// Idempotent; errors while closing are logged, not thrown.
    void close() { detail::close_session(core()); }

    /// Sends a keepalive (`GET {base}/session/{id}/keepalive`).
    /// @throws the request's exceptions (ObjectNotFoundError when the session is gone)
    void keepalive() const { wire().connection.get_json(core().path() + "/keepalive", {}, nlohmann::json::object()); }

    // --- files -----------------------------------------------------------------------------------------------------

    /// Downloads a file from the endpoint into memory (`get file`, then `GET .../file/{file_id}/content`).
    /// @param path remote path @param timeout command deadline (default: the manager's)
    /// @return the file's bytes
    std::string get_file(const std::string& path, std::optional<std::chrono::milliseconds> timeout = {}) {
        std::string out;
        get_raw_file(
            path, [&](std::string_view piece) { out.append(piece.data(), piece.size()); }, timeout);
        return out;
    }

    /// Downloads a file from the endpoint and streams it to a local file (never held in memory), through a
    /// cbapi::AtomicFile: the bytes go to a temporary created exclusively next to `local` (mode 0600), which replaces
    /// `local` only when the download is complete. A failed command or download (an error status, a connection
    /// dropped mid-body), a write error or an exception leaves an existing `local` exactly as it was and no partial
    /// file. A `local` that is a symbolic link is refused before anything is sent.
    /// @param path remote path @param local local file (created or replaced) @param timeout command deadline
    /// @throws ApiError when `local` is a symbolic link or not a regular file, or cannot be written; the command's
    ///         errors
    void get_file(const std::string& path, const std::filesystem::path& local,
                  std::optional<std::chrono::milliseconds> timeout = {}) {
        AtomicFile out(local, AtomicFile::private_mode);
        get_raw_file(
            path, [&](std::string_view piece) { out.write(piece); }, timeout);
        out.commit();
    }

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
                                        std::optional<std::chrono::milliseconds> timeout = {}) {
        const std::filesystem::path local = safe_output_path(directory, remote_path);
        std::error_code ec;
        if (!std::filesystem::is_directory(directory, ec))
            throw ApiError("Cannot write into '" + directory.string() + "': not a directory");
        get_file(remote_path, local, timeout);
        return local;
    }

    /// Downloads a file from the endpoint, handing its bytes to `sink` as they arrive.
    /// @param path remote path @param sink receives the content @param timeout command deadline
    /// @param interval time between two polls of the command
    /// @throws ServerError when the content reply is not a 2xx; the command's and the request's errors
    void get_raw_file(const std::string& path, const std::function<void(std::string_view)>& sink,
                      std::optional<std::chrono::milliseconds> timeout = {},
                      std::optional<std::chrono::milliseconds> interval = {}) {
        const auto submitted = submit({{"name", "get file"}, {"object", path}});
        const auto done = wait(submitted, "get file", path, timeout, interval);
        const nlohmann::json file_id = detail::parse_file_id(submitted, done);
        const std::string url = core().path() + "/file/" + detail::id_text(file_id) + "/content";
        cbapi::detail::require_download_success(wire().connection.download(url, sink), url);
    }

    /// Uploads data to a file on the endpoint: a multipart upload (`POST .../file`, part `file`), then `put file`.
    /// @param data the content @param remote_path destination on the endpoint
    void put_file(std::string_view data, const std::string& remote_path) {
        const std::string boundary = "cbapi-cpp-" + random_token(24);
        std::string body;
        body.reserve(data.size() + 256);
        body += "--" + boundary + "\r\n";
        body += "Content-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n";
        body += "Content-Type: application/octet-stream\r\n\r\n";
        body.append(data.data(), data.size());
        body += "\r\n--" + boundary + "--\r\n";
        Headers headers;
        headers.set("Content-Type", "multipart/form-data; boundary=" + boundary);
        const std::string upload_path = core().path() + "/file";
        const Response reply =
            wire().connection.request(HttpMethod::post, upload_path, {}, std::move(body), std::move(headers));
        const auto doc = wire().connection.parse_json(reply, HttpMethod::post, upload_path);
        const auto file_id = detail::parse_id(doc, "Live Response file upload reply");
        run({{"name", "put file"}, {"object", remote_path}, {"file_id", file_id}}, remote_path);
    }

    /// Uploads a local file to the endpoint; see put_file().
    /// @throws ApiError when the local file cannot be read
    void put_file_from(const std::filesystem::path& local, const std::string& remote_path) {
        std::ifstream in(local, std::ios::binary);
        if (!in) throw ApiError("Cannot read local file " + local.string());
        std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        put_file(data, remote_path);
    }

    /// Deletes a file on the endpoint (`delete file`).
    void delete_file(const std::string& path) { run({{"name", "delete file"}, {"object", path}}, path); }

    /// Lists a directory (`directory list`). The path should end with a separator or a wildcard
    /// (`C:\\Windows\\`, `C:\\Windows\\*.exe`).
    /// @throws ServerError when the reply is unusable (see DirectoryEntry)
    std::vector<DirectoryEntry> list_directory(const std::string& path) {
        return detail::parse_directory_list(run({{"name", "directory list"}, {"object", path}}, path));
    }

    /// Creates a directory (`create directory`).
    void create_directory(const std::string& path) { run({{"name", "create directory"}, {"object", path}}, path); }

    /// Walks a directory tree (like Python's `os.walk`): `visit` is called once per directory with its
    /// subdirectory and file names; top-down (parents first; the visitor may prune `directories`) or bottom-up.
    /// "." and "..", and names the server sends that are not one path component (empty, or with a separator or NUL),
    /// are left out, so a walk never loops or leaves the tree.
    /// @param top the root @param visit called per directory @param topdown order
    /// @param onerror called with the error of a directory that cannot be listed (that branch is skipped); unset =
    ///        the error propagates
    void walk(const std::string& top, const std::function<void(WalkEntry&)>& visit, bool topdown = true,
              const std::function<void(const std::exception&)>& onerror = {}) {
        WalkEntry entry;
        try {
            entry = detail::walk_entry(top, list_directory(path_join(top, "*")));
        } catch (const ApiError& e) {
            if (!onerror) throw;
            onerror(e);
            return;
        }
        if (topdown) visit(entry);
        for (const auto& d : entry.directories) walk(path_join(top, d), visit, topdown, onerror);
        if (!topdown) visit(entry);
    }

    /// The whole walk as a list; see the visitor form.
    std::vector<WalkEntry> walk(const std::string& top, bool topdown = true) {
        std::vector<WalkEntry> out;
        walk(
            top, [&](WalkEntry& e) { out.push_back(e); }, topdown);
        return out;
    }

    // --- processes -------------------------------------------------------------------------------------------------

    /// The running processes (`process list`).
    /// @throws ServerError when the reply is unusable (see ProcessEntry)
    std::vector<ProcessEntry> list_processes() {
        return detail::parse_process_list(run({{"name", "process list"}}, ""));
    }

    /// Kills a process (`kill`), waiting up to 10 s (polls every 0.1 s).
    /// @return true when killed, false when the endpoint did not confirm in time
    /// @throws LiveResponseError when the endpoint refused (e.g. no such process)
    bool kill_process(long long pid) {
        try {
            run({{"name", "kill"}, {"object", pid}}, std::to_string(pid), std::chrono::seconds(10),
                std::chrono::milliseconds(100));
            return true;
        } catch (const TimeoutError&) {
            return false;
        }
    }

    /// Starts a process (`create process`). By default waits for it to finish and returns its output, captured
    /// through a temporary file on the endpoint that is deleted afterwards (also when fetching it fails).
    /// @param command the command line @param options output, working directory and waiting
    /// @return the output when `wait_for_output`, else nullopt
    std::optional<std::string> create_process(const std::string& command, const CreateProcessOptions& options = {}) {
        const bool wait_for_completion = options.wait_for_completion || options.wait_for_output;
        nlohmann::json body = {{"name", "create process"}, {"object", command}, {"wait", wait_for_completion}};
        std::optional<std::string> output_file = options.remote_output_file;
        const bool temporary = !output_file && options.wait_for_output;
        if (temporary) output_file = temp_file_name();
        if (output_file) body["output_file"] = *output_file;
        if (options.working_directory) body["working_directory"] = *options.working_directory;

        const auto submitted = submit(body);
        if (!wait_for_completion) return std::nullopt;
        try {
            wait(submitted, "create process", command, options.wait_timeout, {});
            if (!options.wait_for_output) return std::nullopt;
            std::string output = get_file(*output_file);
            if (temporary) delete_file(*output_file);
            return output;
        } catch (...) {
            if (temporary) remove_quietly(*output_file);
            throw;
        }
    }

    // --- registry --------------------------------------------------------------------------------------------------

    /// The subkeys and values of a registry key (`reg enum key`).
    /// @throws ServerError when the reply is unusable (see RegistryKeyListing)
    RegistryKeyListing list_registry_keys_and_values(const std::string& key) {
        return detail::parse_registry_key(run({{"name", "reg enum key"}, {"object", key}}, key));
    }

    /// The names of a key's subkeys (cbapi-python's `list_registry_keys` returned the values instead).
    std::vector<std::string> list_registry_keys(const std::string& key) {
        return list_registry_keys_and_values(key).sub_keys;
    }

    /// One registry value (`reg query value`). @param key `<key>\\<value name>`
    /// @throws ServerError when the reply has no `value` object or is otherwise unusable (see RegistryValue)
    RegistryValue get_registry_value(const std::string& key) {
        return detail::parse_registry_value(run({{"name", "reg query value"}, {"object", key}}, key));
    }

    /// Sets a registry value (`reg set value`).
    /// @param key `<key>\\<value name>` @param value the data; its type is inferred when `value_type` is unset:
    ///        an integer → REG_DWORD, an array → REG_MULTI_SZ, anything else → REG_SZ (as text)
    /// @param overwrite replace an existing value @param value_type REG_SZ, REG_DWORD, ...
    void set_registry_value(const std::string& key, const nlohmann::json& value, bool overwrite = true,
                            std::optional<std::string> value_type = std::nullopt) {
        nlohmann::json data = value;
        if (!value_type) {
            if (value.is_number_integer())
                value_type = "REG_DWORD";
            else if (value.is_array())
                value_type = "REG_MULTI_SZ";
            else {
                value_type = "REG_SZ";
                if (value.is_boolean())
                    data = value.get<bool>() ? "True" : "False";
                else if (!value.is_string())
                    data = registry_text(value);
            }
        }
        run({{"name", "reg set value"},
             {"object", key},
             {"overwrite", overwrite},
             {"value_type", *value_type},
             {"value_data", data}},
            key);
    }

    /// Creates a registry key (`reg create key`).
    void create_registry_key(const std::string& key) { run({{"name", "reg create key"}, {"object", key}}, key); }
    /// Deletes a registry key (`reg delete key`).
    void delete_registry_key(const std::string& key) { run({{"name", "reg delete key"}, {"object", key}}, key); }
    /// Deletes a registry value (`reg delete value`). @param key `<key>\\<value name>`
    void delete_registry_value(const std::string& key) { run({{"name", "reg delete value"}, {"object", key}}, key); }

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
    void get_session_archive(const std::function<void(std::string_view)>& sink) {
        const std::string url = core().path() + "/archive";
        cbapi::detail::require_download_success(wire().connection.download(url, sink), url);
    }

    // --- low level -------------------------------------------------------------------------------------------------

    /// Joins path parts with the endpoint's separator (`\\` on Windows, else `/`).
    std::string path_join(const std::string& a, const std::string& b) const {
        const char sep = os_type() == OsType::windows ? '\\' : '/';
        if (a.empty()) return b;
        if (a.back() == sep) return a + b;
        return a + sep + b;
    }

    /// A fresh temporary file name on the endpoint: `c:\\windows\\temp\\cblr.<12 chars>.tmp` or `/tmp/...`.
    std::string temp_file_name() const {
        const std::string name = "cblr." + random_token(12) + ".tmp";
        return os_type() == OsType::windows ? "c:\\windows\\temp\\" + name : "/tmp/" + name;
    }

    /// Posts a command (adding `session_id`) and returns the server's reply (`id`, and `file_id` for `get file`).
    /// @throws ApiError when the endpoint does not support it or the session is closed; see the class notes
    nlohmann::json submit(nlohmann::json command) {
        const std::string name = command.value("name", std::string());
        check_supported(name);
        for (int attempt = 0; attempt <= kMaxRetries; ++attempt) {
            command["session_id"] = core().id();
            try {
                return wire().connection.post_json(core().path() + "/command", command, false,
                                                   nlohmann::json::object());
            } catch (const ObjectNotFoundError& e) {
                if (!detail::is_session_lost_reply(e.body()))
                    throw ApiError("Received 404 error from server: " + e.body());
                if (attempt == kMaxRetries) break;
                check_supported(name);  // not re-established once closed (close(), or close_all() on a signal)
                logger()->info("Live Response session {} lost; re-establishing it for command '{}'",
                               detail::id_text(core().id()), name);
                lease_->reestablish(core());
            }
        }
        throw TimeoutError("", "Command " + name + " failed after " + std::to_string(kMaxRetries) + " retries");
    }

    /// Polls a submitted command until it is complete.
    /// @param submitted the reply of submit() @param name, object for messages
    /// @param timeout deadline (default: the manager's) @param interval poll interval (default: the manager's)
    /// @return the completed command document (with its result fields)
    nlohmann::json wait(const nlohmann::json& submitted, const std::string& name, const std::string& object,
                        std::optional<std::chrono::milliseconds> timeout = {},
                        std::optional<std::chrono::milliseconds> interval = {}) {
        const auto id = detail::parse_id(submitted, detail::command_reply(name));
        const auto& opts = wire().options;
        return detail::poll_status(wire(), core().path() + "/command/" + detail::id_text(id), "complete",
                                   timeout.value_or(opts.command_timeout),
                                   interval.value_or(opts.command_poll_interval), describe(name, object));
    }

    /// submit() then wait(). @return the completed command document
    nlohmann::json run(const nlohmann::json& command, const std::string& object,
                       std::optional<std::chrono::milliseconds> timeout = {},
                       std::optional<std::chrono::milliseconds> interval = {}) {
        const auto submitted = submit(command);
        return wait(submitted, command.value("name", std::string()), object, timeout, interval);
    }

private:
    /// A registry value's JSON as the text `reg set value` sends. @throws ApiError for text that is not UTF-8
    static std::string registry_text(const nlohmann::json& value) {
        try {
            return value.dump();
        } catch (const nlohmann::json::type_error&) {
            throw ApiError("Cannot send a registry value holding text that is not valid UTF-8");
        }
    }
    static constexpr int kMaxRetries = 5;

    detail::SessionCore& core() const { return *lease_->core; }
    const detail::Wire& wire() const { return *lease_->core->wire; }

    static std::string describe(const std::string& name, const std::string& object) {
        return "Live Response command '" + name + "'" + (object.empty() ? "" : " on " + object);
    }

    void check_supported(const std::string& name) const {
        const auto data = core().data();
        {
            std::lock_guard<std::mutex> lock(core().mutex);
            if (core().closed) {
                const std::string message = "Live Response session " + detail::id_text(core().session_id) + " is closed";
                if (wire().interruption->triggered())
                    throw LiveResponseClosedError(message + " (close_all) for command '" + name + "'");
                throw ApiError(message);
            }
        }
        const auto supported = detail::parse_session_info(data).supported_commands;
        if (!supported || std::find(supported->begin(), supported->end(), name) != supported->end()) return;
        throw ApiError("Command " + name + " not supported by this sensor");
    }

    void remove_quietly(const std::string& path) {
        try {
            delete_file(path);
        } catch (const std::exception& e) {
            logger()->warn("Could not delete Live Response temporary file {}: {}", path, e.what());
        }
    }

    static std::string random_token(std::size_t n) {
        static constexpr std::string_view chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        thread_local std::mt19937_64 rng{std::random_device{}()};
        std::uniform_int_distribution<std::size_t> pick(0, chars.size() - 1);
        std::string out;
        for (std::size_t i = 0; i < n; ++i) out.push_back(chars[pick(rng)]);
        return out;
    }

    std::shared_ptr<detail::Lease> lease_;
};

/// A memory dump started by Session::start_memdump(): wait for it, fetch it, delete it. Holds the session open.
class Memdump {
public:
    /// @param session the session @param command the submitted command @param remote_file the file to fetch
    Memdump(Session session, nlohmann::json command, std::string remote_file)
        : session_(std::move(session)), command_(std::move(command)), remote_file_(std::move(remote_file)) {}

    /// The file the endpoint writes (with `.zip` when compressed).
    const std::string& remote_file() const noexcept { return remote_file_; }
    /// Whether wait() completed.
    bool done() const noexcept { return done_; }

    /// Waits until the dump is written (polls every 5 s for up to an hour unless given).
    /// @throws LiveResponseError, TimeoutError
    void wait(std::chrono::milliseconds timeout = std::chrono::hours(1),
              std::chrono::milliseconds interval = std::chrono::seconds(5)) {
        if (done_) return;
        session_.wait(command_, "memdump", remote_file_, timeout, interval);
        done_ = true;
    }
    /// Waits if needed, then downloads the dump to a local file (as Session::get_file() does: never through a
    /// symbolic link, and an existing file is replaced only by a complete download).
    void get(const std::filesystem::path& local) {
        wait();
        session_.get_file(remote_file_, local, std::chrono::hours(1));
    }
    /// Deletes the dump on the endpoint.
    void remove() { session_.delete_file(remote_file_); }

private:
    Session session_;
    nlohmann::json command_;
    std::string remote_file_;
    bool done_ = false;
};

inline Memdump Session::start_memdump(std::optional<std::string> remote_file, bool compress) {
    const std::string remote = remote_file ? *remote_file : temp_file_name();
    const auto submitted = submit({{"name", "memdump"}, {"object", remote}, {"compress", compress}});
    return Memdump(*this, submitted, compress ? remote + ".zip" : remote);
}

inline void Session::memdump(const std::filesystem::path& local, std::optional<std::string> remote_file,
                             bool compress) {
    // Opened first: a link at `local` is refused before the endpoint spends minutes dumping its memory.
    AtomicFile out(local, AtomicFile::private_mode);
    Memdump dump = start_memdump(std::move(remote_file), compress);
    try {
        dump.wait();
        get_raw_file(
            dump.remote_file(), [&](std::string_view piece) { out.write(piece); }, std::chrono::hours(1));
        out.commit();
    } catch (...) {
        try {
            dump.remove();
        } catch (const std::exception&) {
        }
        throw;
    }
    dump.remove();
}

}  // namespace cbapi::live_response
