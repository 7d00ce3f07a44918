// Live Response session commands: each posts a command document to the session and polls it until it completes.
#include "cbapi/live_response/session.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/connection.hpp"
#include "cbapi/detail/download_status.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/files.hpp"
#include "cbapi/http.hpp"
#include "cbapi/live_response/parse.hpp"
#include "cbapi/live_response/types.hpp"
#include "cbapi/logging.hpp"
#include "live_response/parse.hpp"
#include "live_response/wire.hpp"

namespace cbapi::live_response {

Session::Session(std::shared_ptr<detail::Lease> lease) : lease_(std::move(lease)) {}

nlohmann::json Session::session_id() const {
    return core().id();
}

long long Session::sensor_id() const {
    return core().sensor_id;
}

nlohmann::json Session::session_data() const {
    return core().data();
}

OsType Session::os_type() const {
    return core().os;
}

std::vector<std::string> Session::supported_commands() const {
    return detail::parse_session_info(core().data()).supported_commands.value_or(std::vector<std::string>());
}

std::vector<std::string> Session::drives() const {
    return detail::parse_session_info(core().data()).drives;
}

bool Session::closed() const {
    std::lock_guard<std::mutex> lock(core().mutex);
    return core().closed;
}

void Session::close() {
    detail::close_session(core());
}

void Session::keepalive() const {
    wire().connection.get_json(core().path() + "/keepalive", {}, nlohmann::json::object());
}

std::string Session::get_file(const std::string& path, std::optional<std::chrono::milliseconds> timeout) {
    std::string out;
    get_raw_file(
        path, [&](std::string_view piece) { out.append(piece.data(), piece.size()); }, timeout);
    return out;
}

void Session::get_file(const std::string& path, const std::filesystem::path& local,
                       std::optional<std::chrono::milliseconds> timeout) {
    AtomicFile out(local, AtomicFile::private_mode);
    get_raw_file(
        path, [&](std::string_view piece) { out.write(piece); }, timeout);
    out.commit();
}

std::filesystem::path Session::get_file_into(const std::string& remote_path, const std::filesystem::path& directory,
                                             std::optional<std::chrono::milliseconds> timeout) {
    const std::filesystem::path local = safe_output_path(directory, remote_path);
    std::error_code ec;
    if (!std::filesystem::is_directory(directory, ec))
        throw ApiError("Cannot write into '" + directory.string() + "': not a directory");
    get_file(remote_path, local, timeout);
    return local;
}

void Session::get_raw_file(const std::string& path, const std::function<void(std::string_view)>& sink,
                           std::optional<std::chrono::milliseconds> timeout,
                           std::optional<std::chrono::milliseconds> interval) {
    const auto submitted = submit({{"name", "get file"}, {"object", path}});
    const auto done = wait(submitted, "get file", path, timeout, interval);
    const nlohmann::json file_id = detail::parse_file_id(submitted, done);
    const std::string url = core().path() + "/file/" + detail::id_text(file_id) + "/content";
    cbapi::detail::require_download_success(wire().connection.download(url, sink), url);
}

void Session::put_file(std::string_view data, const std::string& remote_path) {
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

void Session::put_file_from(const std::filesystem::path& local, const std::string& remote_path) {
    std::ifstream in(local, std::ios::binary);
    if (!in) throw ApiError("Cannot read local file " + local.string());
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    put_file(data, remote_path);
}

void Session::delete_file(const std::string& path) {
    run({{"name", "delete file"}, {"object", path}}, path);
}

std::vector<DirectoryEntry> Session::list_directory(const std::string& path) {
    return detail::parse_directory_list(run({{"name", "directory list"}, {"object", path}}, path));
}

void Session::create_directory(const std::string& path) {
    run({{"name", "create directory"}, {"object", path}}, path);
}

void Session::walk(const std::string& top, const std::function<void(WalkEntry&)>& visit, bool topdown,
                   const std::function<void(const std::exception&)>& onerror) {
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

std::vector<WalkEntry> Session::walk(const std::string& top, bool topdown) {
    std::vector<WalkEntry> out;
    walk(
        top, [&](WalkEntry& e) { out.push_back(e); }, topdown);
    return out;
}

std::vector<ProcessEntry> Session::list_processes() {
    return detail::parse_process_list(run({{"name", "process list"}}, ""));
}

bool Session::kill_process(long long pid) {
    try {
        run({{"name", "kill"}, {"object", pid}}, std::to_string(pid), std::chrono::seconds(10),
            std::chrono::milliseconds(100));
        return true;
    } catch (const TimeoutError&) {
        return false;
    }
}

std::optional<std::string> Session::create_process(const std::string& command, const CreateProcessOptions& options) {
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

RegistryKeyListing Session::list_registry_keys_and_values(const std::string& key) {
    return detail::parse_registry_key(run({{"name", "reg enum key"}, {"object", key}}, key));
}

std::vector<std::string> Session::list_registry_keys(const std::string& key) {
    return list_registry_keys_and_values(key).sub_keys;
}

RegistryValue Session::get_registry_value(const std::string& key) {
    return detail::parse_registry_value(run({{"name", "reg query value"}, {"object", key}}, key));
}

void Session::set_registry_value(const std::string& key, const nlohmann::json& value, bool overwrite,
                                 std::optional<std::string> value_type) {
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

void Session::create_registry_key(const std::string& key) {
    run({{"name", "reg create key"}, {"object", key}}, key);
}

void Session::delete_registry_key(const std::string& key) {
    run({{"name", "reg delete key"}, {"object", key}}, key);
}

void Session::delete_registry_value(const std::string& key) {
    run({{"name", "reg delete value"}, {"object", key}}, key);
}

void Session::get_session_archive(const std::function<void(std::string_view)>& sink) {
    const std::string url = core().path() + "/archive";
    cbapi::detail::require_download_success(wire().connection.download(url, sink), url);
}

std::string Session::path_join(const std::string& a, const std::string& b) const {
    const char sep = os_type() == OsType::windows ? '\\' : '/';
    if (a.empty()) return b;
    if (a.back() == sep) return a + b;
    return a + sep + b;
}

std::string Session::temp_file_name() const {
    const std::string name = "cblr." + random_token(12) + ".tmp";
    return os_type() == OsType::windows ? "c:\\windows\\temp\\" + name : "/tmp/" + name;
}

nlohmann::json Session::submit(nlohmann::json command) {
    const std::string name = command.value("name", std::string());
    check_supported(name);
    for (int attempt = 0; attempt <= kMaxRetries; ++attempt) {
        command["session_id"] = core().id();
        try {
            return wire().connection.post_json(core().path() + "/command", command, false, nlohmann::json::object());
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

nlohmann::json Session::wait(const nlohmann::json& submitted, const std::string& name, const std::string& object,
                             std::optional<std::chrono::milliseconds> timeout,
                             std::optional<std::chrono::milliseconds> interval) {
    const auto id = detail::parse_id(submitted, detail::command_reply(name));
    const auto& opts = wire().options;
    return detail::poll_status(wire(), core().path() + "/command/" + detail::id_text(id), "complete",
                               timeout.value_or(opts.command_timeout),
                               interval.value_or(opts.command_poll_interval), describe(name, object));
}

nlohmann::json Session::run(const nlohmann::json& command, const std::string& object,
                            std::optional<std::chrono::milliseconds> timeout,
                            std::optional<std::chrono::milliseconds> interval) {
    const auto submitted = submit(command);
    return wait(submitted, command.value("name", std::string()), object, timeout, interval);
}

std::string Session::registry_text(const nlohmann::json& value) {
    try {
        return value.dump();
    } catch (const nlohmann::json::type_error&) {
        throw ApiError("Cannot send a registry value holding text that is not valid UTF-8");
    }
}

detail::SessionCore& Session::core() const {
    return *lease_->core;
}

const detail::Wire& Session::wire() const {
    return *lease_->core->wire;
}

std::string Session::describe(const std::string& name, const std::string& object) {
    return "Live Response command '" + name + "'" + (object.empty() ? "" : " on " + object);
}

void Session::check_supported(const std::string& name) const {
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

void Session::remove_quietly(const std::string& path) {
    try {
        delete_file(path);
    } catch (const std::exception& e) {
        logger()->warn("Could not delete Live Response temporary file {}: {}", path, e.what());
    }
}

std::string Session::random_token(std::size_t n) {
    static constexpr std::string_view chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::uniform_int_distribution<std::size_t> pick(0, chars.size() - 1);
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(chars[pick(rng)]);
    return out;
}

Memdump Session::start_memdump(std::optional<std::string> remote_file, bool compress) {
    const std::string remote = remote_file ? *remote_file : temp_file_name();
    const auto submitted = submit({{"name", "memdump"}, {"object", remote}, {"compress", compress}});
    return Memdump(*this, submitted, compress ? remote + ".zip" : remote);
}

void Session::memdump(const std::filesystem::path& local, std::optional<std::string> remote_file, bool compress) {
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

Memdump::Memdump(Session session, nlohmann::json command, std::string remote_file)
    : session_(std::move(session)), command_(std::move(command)), remote_file_(std::move(remote_file)) {}

void Memdump::wait(std::chrono::milliseconds timeout, std::chrono::milliseconds interval) {
    if (done_) return;
    session_.wait(command_, "memdump", remote_file_, timeout, interval);
    done_ = true;
}

void Memdump::get(const std::filesystem::path& local) {
    wait();
    session_.get_file(remote_file_, local, std::chrono::hours(1));
}

void Memdump::remove() {
    session_.delete_file(remote_file_);
}

}  // namespace cbapi::live_response
