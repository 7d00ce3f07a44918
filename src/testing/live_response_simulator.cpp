// The Live Response simulator: sessions, commands and per-host fake file systems, registries and process lists for
// Cb Response sensors and Cb Defense devices.
#include "cbapi/testing/live_response_simulator.hpp"

#include "simulator_support.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace cbapi::testing {
namespace {

using sim::lower;

using nlohmann::json;

constexpr long long kHresultWin32 = 0x80070000LL;
constexpr long long kFileNotFound = 2;
constexpr long long kPathNotFound = 3;
constexpr long long kAccessDenied = 5;
constexpr long long kFileExists = 80;
constexpr long long kInvalidParameter = 87;
constexpr long long kDirNotEmpty = 145;
constexpr long long kAlreadyExists = 183;
constexpr long long kDirectory = 267;
constexpr std::int64_t kBaseTime = 1530000000;  // 2018-06-26, when the files were "created"

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

// A command that failed on the endpoint, with its Win32 code.
struct CommandFailure {
    long long win32;
    std::string description;
};

struct Node {
    std::string name;  // as created (original case)
    bool dir = false;
    std::string content;
    std::int64_t time = kBaseTime;
};

struct RegValue {
    std::string name;
    std::string type;
    json data;
};

struct RegKey {
    std::string name;
    std::map<std::string, RegValue> values;  // by lower-case name
};

struct Proc {
    long long pid;
    long long parent;
    std::string path;
    std::string command_line;
    std::string username;
    std::string sid;
};

// One endpoint: its file system (by normalised path), registry (by upper-case key) and processes.
class Host {
public:
    Host(bool windows, std::string hostname, std::string user) : windows_(windows), hostname_(std::move(hostname)) {
        if (windows_) {
            for (const char* d : {"C:\\", "C:\\Windows", "C:\\Windows\\System32", "C:\\Windows\\System32\\drivers",
                                  "C:\\Windows\\System32\\drivers\\etc", "C:\\Windows\\Temp", "C:\\Users",
                                  "C:\\Program Files", "C:\\Program Files\\Confer"})
                mkdir_p(d);
            mkdir_p("C:\\Users\\" + user + "\\Documents");
            mkdir_p("C:\\Users\\" + user + "\\Desktop");
            write("C:\\Windows\\win.ini", "; for 16-bit app support\r\n[fonts]\r\n[extensions]\r\n");
            write("C:\\Windows\\System32\\notepad.exe", std::string("MZ\x90\0\x03", 5) + "notepad");
            write("C:\\Windows\\System32\\cmd.exe", std::string("MZ\x90\0\x03", 5) + "cmd");
            write("C:\\Windows\\System32\\drivers\\etc\\hosts",
                  "127.0.0.1       localhost\r\n::1             localhost\r\n");
            write("C:\\Users\\" + user + "\\Documents\\report.docx", "PK\x03\x04 quarterly report");
            write("C:\\Users\\" + user + "\\Desktop\\notes.txt", "remember to patch " + hostname_ + "\r\n");
            reg_create("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run");
            reg_set("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run", "SecurityHealth", "REG_EXPAND_SZ",
                    "%windir%\\system32\\SecurityHealthSystray.exe");
            reg_set("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run", "OneDrive", "REG_SZ",
                    "C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe /background");
            reg_create("HKLM\\SYSTEM\\CurrentControlSet\\Services\\CarbonBlack");
            reg_set("HKLM\\SYSTEM\\CurrentControlSet\\Services\\CarbonBlack", "Start", "REG_DWORD", 2);
            reg_set("HKLM\\SYSTEM\\CurrentControlSet\\Services\\CarbonBlack", "ImagePath", "REG_EXPAND_SZ",
                    "C:\\Windows\\CarbonBlack\\cb.exe");
            reg_create("HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters");
            reg_set("HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters", "Hostname", "REG_SZ", hostname_);
            const std::string sid = "s-1-5-21-2945413489-2587373355-2417414512-1001";
            processes_ = {
                {4, 0, "System", "", "NT AUTHORITY\\SYSTEM", "s-1-5-18"},
                {388, 4, "c:\\windows\\system32\\smss.exe", "\\SystemRoot\\System32\\smss.exe", "NT AUTHORITY\\SYSTEM",
                 "s-1-5-18"},
                {612, 388, "c:\\windows\\system32\\services.exe", "C:\\Windows\\system32\\services.exe",
                 "NT AUTHORITY\\SYSTEM", "s-1-5-18"},
                {840, 612, "c:\\windows\\system32\\svchost.exe", "C:\\Windows\\system32\\svchost.exe -k DcomLaunch",
                 "NT AUTHORITY\\SYSTEM", "s-1-5-18"},
                {2212, 2180, "c:\\windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", hostname_ + "\\" + user, sid},
                {3104, 2212, "c:\\windows\\system32\\notepad.exe",
                 "\"C:\\Windows\\system32\\notepad.exe\" C:\\Users\\" + user + "\\Desktop\\notes.txt",
                 hostname_ + "\\" + user, sid}};
        } else {
            for (const char* d : {"/", "/etc", "/tmp", "/usr", "/usr/bin", "/var", "/var/log", "/home"}) mkdir_p(d);
            mkdir_p("/home/" + user);
            write("/etc/hosts", "127.0.0.1 localhost\n");
            write("/etc/passwd",
                  "root:x:0:0:root:/root:/bin/bash\n" + user + ":x:1000:1000::/home/" + user + ":/bin/bash\n");
            write("/usr/bin/bash",
                  "\x7f"
                  "ELF bash");
            write("/var/log/syslog", "Jun 26 10:00:00 " + hostname_ + " cbdaemon[812]: started\n");
            write("/home/" + user + "/notes.txt", "remember to patch " + hostname_ + "\n");
            processes_ = {{1, 0, "/sbin/init", "/sbin/init", "root", "0"},
                          {812, 1, "/opt/carbonblack/cbdaemon", "/opt/carbonblack/cbdaemon", "root", "0"},
                          {1022, 1, "/usr/sbin/sshd", "/usr/sbin/sshd -D", "root", "0"},
                          {2301, 1022, "/usr/bin/bash", "-bash", user, "1000"}};
        }
    }

    bool windows() const { return windows_; }
    const std::string& hostname() const { return hostname_; }

    json supported_commands() const {
        json c = {"get file",         "put file",     "delete file", "directory list",
                  "create directory", "process list", "kill",        "create process"};
        if (windows_)
            for (const char* n : {"reg enum key", "reg query value", "reg set value", "reg create key",
                                  "reg delete key", "reg delete value", "memdump"})
                c.push_back(n);
        return c;
    }
    json drives() const { return windows_ ? json{"C:\\"} : json{"/"}; }
    std::string cwd() const { return windows_ ? "C:\\Windows\\CarbonBlack" : "/"; }

    // --- file system ---------------------------------------------------------------------------------------------

    std::string key(std::string path) const {
        if (windows_) {
            std::replace(path.begin(), path.end(), '/', '\\');
            while (path.size() > 3 && path.back() == '\\') path.pop_back();
            if (path.size() == 2 && path[1] == ':') path += '\\';
            return lower(path);
        }
        while (path.size() > 1 && path.back() == '/') path.pop_back();
        return path;
    }
    char sep() const { return windows_ ? '\\' : '/'; }
    std::string parent_of(const std::string& k) const {
        const auto pos = k.find_last_of(sep());
        if (pos == std::string::npos) return {};
        if (windows_ && pos == 2) return k.substr(0, 3);
        if (!windows_ && pos == 0) return "/";
        return k.substr(0, pos);
    }
    std::string base_name(const std::string& path) const {
        const auto pos = path.find_last_of(sep());
        return pos == std::string::npos ? path : path.substr(pos + 1);
    }
    const Node* find(const std::string& path) const {
        const auto it = fs_.find(key(path));
        return it == fs_.end() ? nullptr : &it->second;
    }
    void mkdir_p(const std::string& path) {
        const std::string k = key(path);
        if (fs_.count(k)) return;
        const std::string p = parent_of(k);
        if (!p.empty() && p != k) mkdir_p(p);
        fs_[k] = Node{k.size() <= 3 ? path : base_name(path), true, {}, kBaseTime};
    }
    void write(const std::string& path, std::string content) {
        fs_[key(path)] = Node{base_name(path), false, std::move(content), kBaseTime + 3600};
    }

    json entry(const Node& n) const {
        return {{"attributes", n.dir ? json{"DIRECTORY"} : json{"ARCHIVE"}},
                {"create_time", n.time},
                {"last_access_time", n.time + 60},
                {"last_write_time", n.time + 30},
                {"filename", n.name},
                {"size", n.content.size()}};
    }

    static bool glob(const std::string& pattern, const std::string& name) {
        std::string re;
        for (char c : pattern) {
            if (c == '*')
                re += ".*";
            else if (c == '?')
                re += ".";
            else if (std::isalnum(static_cast<unsigned char>(c)))
                re += c;
            else
                re += std::string("\\") + c;
        }
        return std::regex_match(name, std::regex(re, std::regex::icase));
    }

    json list(const std::string& object) const {
        std::string dir = object, pattern;
        const bool trailing = !object.empty() && (object.back() == '\\' || object.back() == '/');
        const auto last = object.find_last_of(sep());
        const bool wildcard = object.find_first_of("*?") != std::string::npos;
        if (trailing) {
            pattern = "*";
        } else if (wildcard && last != std::string::npos) {
            dir = object.substr(0, last + 1);
            pattern = object.substr(last + 1);
        }
        json files = json::array();
        if (pattern.empty()) {  // the object itself
            const Node* n = find(object);
            if (n == nullptr) throw CommandFailure{kFileNotFound, "The system cannot find the file specified."};
            files.push_back(entry(*n));
            return files;
        }
        const Node* d = find(dir);
        if (d == nullptr || !d->dir) throw CommandFailure{kPathNotFound, "The system cannot find the path specified."};
        const std::string k = key(dir);
        const bool root = parent_of(k) == k || parent_of(k).empty();
        if (!root && glob(pattern, ".")) {
            Node dot = *d;
            dot.name = ".";
            files.push_back(entry(dot));
            dot.name = "..";
            files.push_back(entry(dot));
        }
        for (const auto& [path, node] : fs_) {
            if (path == k || parent_of(path) != k) continue;
            if (glob(pattern, node.name)) files.push_back(entry(node));
        }
        return files;
    }

    const Node& file(const std::string& path) const {
        const Node* n = find(path);
        if (n == nullptr) throw CommandFailure{kFileNotFound, "The system cannot find the file specified."};
        if (n->dir) throw CommandFailure{kAccessDenied, "Access is denied."};
        return *n;
    }

    void put(const std::string& path, const std::string& content) {
        const std::string parent = parent_of(key(path));
        const Node* p = find(parent);
        if (parent.empty() || p == nullptr || !p->dir)
            throw CommandFailure{kPathNotFound, "The system cannot find the path specified."};
        if (find(path) != nullptr) throw CommandFailure{kFileExists, "The file exists."};
        write(path, content);
    }

    void remove(const std::string& path) {
        const Node* n = find(path);
        if (n == nullptr) throw CommandFailure{kFileNotFound, "The system cannot find the file specified."};
        const std::string k = key(path);
        if (n->dir)
            for (const auto& [other, node] : fs_)
                if (other != k && parent_of(other) == k)
                    throw CommandFailure{kDirNotEmpty, "The directory is not empty."};
        fs_.erase(k);
    }

    void create_directory(const std::string& path) {
        if (find(path) != nullptr)
            throw CommandFailure{kAlreadyExists, "Cannot create a file when that file already exists."};
        const Node* p = find(parent_of(key(path)));
        if (p == nullptr || !p->dir) throw CommandFailure{kPathNotFound, "The system cannot find the path specified."};
        fs_[key(path)] = Node{base_name(path), true, {}, kBaseTime + 7200};
    }

    // --- processes -----------------------------------------------------------------------------------------------

    json process_list() const {
        json out = json::array();
        for (const auto& p : processes_) {
            out.push_back({{"pid", p.pid},
                           {"parent", p.parent},
                           {"path", p.path},
                           {"command_line", p.command_line},
                           {"username", p.username},
                           {"sid", p.sid},
                           {"create_time", kBaseTime + p.pid},
                           {"proc_guid", fmt::format("00000001-0000-{:04x}-01d4-0d3e5b7c0000", p.pid % 0xFFFF)},
                           {"parent_guid", fmt::format("00000001-0000-{:04x}-01d4-0d3e5b7c0000", p.parent % 0xFFFF)}});
        }
        return out;
    }

    bool running(long long pid) const {
        return std::any_of(processes_.begin(), processes_.end(), [&](const Proc& p) { return p.pid == pid; });
    }

    void kill(long long pid) {
        const auto it = std::find_if(processes_.begin(), processes_.end(), [&](const Proc& p) { return p.pid == pid; });
        if (it == processes_.end()) throw CommandFailure{kInvalidParameter, "The parameter is incorrect."};
        if (pid <= 4) throw CommandFailure{kAccessDenied, "Access is denied."};
        processes_.erase(it);
    }

    // Runs a command line: a few built-in commands produce output; any existing executable runs silently.
    std::string execute(const std::string& command, const std::string& working_directory) {
        if (!working_directory.empty()) {
            const Node* d = find(working_directory);
            if (d == nullptr || !d->dir) throw CommandFailure{kDirectory, "The directory name is invalid."};
        }
        std::string exe = command, args;
        if (!command.empty() && command.front() == '"') {
            const auto close = command.find('"', 1);
            exe = command.substr(1, close == std::string::npos ? std::string::npos : close - 1);
            if (close != std::string::npos && close + 1 < command.size()) args = command.substr(close + 2);
        } else if (const auto space = command.find(' '); space != std::string::npos) {
            exe = command.substr(0, space);
            args = command.substr(space + 1);
        }
        const std::string name = lower(base_name(exe));
        const bool shell = name == "cmd.exe" || name == "cmd" || name == "sh" || name == "bash";
        if (!shell && find(exe) == nullptr && name != "powershell.exe" && name != "ipconfig.exe" &&
            name != "whoami.exe" && name != "hostname.exe")
            throw CommandFailure{kFileNotFound, "The system cannot find the file specified."};
        if (shell) {
            for (const char* flag : {"/c ", "/C ", "-c "})
                if (args.rfind(flag, 0) == 0) args = args.substr(3);
            if (args.size() >= 2 && args.front() == '"' && args.back() == '"') args = args.substr(1, args.size() - 2);
        } else {
            args = name + (args.empty() ? "" : " " + args);
        }
        const std::string nl = windows_ ? "\r\n" : "\n";
        const auto space = args.find(' ');
        const std::string verb = lower(args.substr(0, space));
        const std::string rest = space == std::string::npos ? "" : args.substr(space + 1);
        if (verb == "echo") return rest + nl;
        if (verb == "hostname" || verb == "hostname.exe") return hostname_ + nl;
        if (verb == "whoami" || verb == "whoami.exe") return (windows_ ? "nt authority\\system" : "root") + nl;
        if (verb == "ipconfig" || verb == "ipconfig.exe")
            return "Windows IP Configuration" + nl + nl + "Ethernet adapter Ethernet0:" + nl +
                   "   IPv4 Address. . . . . . . . . . . : 10.0.0.15" + nl;
        if (verb == "uname") return "Linux " + hostname_ + " 3.10.0-862.el7.x86_64" + nl;
        if (verb == "type" || verb == "cat") return file(rest).content;
        if (verb == "dir" || verb == "ls") {
            std::string out;
            for (const auto& e : list(rest.empty() ? (working_directory.empty() ? cwd() : working_directory) + sep()
                                                   : rest + (rest.back() == sep() ? "" : std::string(1, sep()))))
                out += e["filename"].get<std::string>() + nl;
            return out;
        }
        return {};
    }

    // --- registry (keys by upper-case path) ------------------------------------------------------------------------

    static std::string reg_key(const std::string& k) {
        std::string out = upper(k);
        while (!out.empty() && out.back() == '\\') out.pop_back();
        return out;
    }
    static std::string reg_parent(const std::string& k) {
        const auto pos = k.find_last_of('\\');
        return pos == std::string::npos ? std::string() : k.substr(0, pos);
    }
    static std::pair<std::string, std::string> split_value(const std::string& path) {
        const auto pos = path.find_last_of('\\');
        if (pos == std::string::npos) throw CommandFailure{kInvalidParameter, "The parameter is incorrect."};
        return {path.substr(0, pos), path.substr(pos + 1)};
    }
    void reg_create(const std::string& k) {
        const std::string rk = reg_key(k);
        if (rk.empty() || registry_.count(rk)) return;
        const std::string p = reg_parent(rk);
        if (!p.empty()) reg_create(k.substr(0, k.find_last_of('\\')));
        registry_[rk] = RegKey{k.substr(k.find_last_of('\\') + 1), {}};
    }
    RegKey& reg_find(const std::string& k) {
        const auto it = registry_.find(reg_key(k));
        if (it == registry_.end()) throw CommandFailure{kFileNotFound, "The system cannot find the file specified."};
        return it->second;
    }
    void reg_set(const std::string& k, const std::string& name, const std::string& type, json data) {
        reg_find(k).values[lower(name)] = RegValue{name, type, std::move(data)};
    }
    static json value_doc(const RegValue& v) {
        return {{"value_name", v.name}, {"value_type", v.type}, {"value_data", v.data}};
    }
    json reg_enum(const std::string& k) {
        RegKey& key = reg_find(k);
        json values = json::array(), sub_keys = json::array();
        for (const auto& [n, v] : key.values) values.push_back(value_doc(v));
        const std::string rk = reg_key(k);
        for (const auto& [path, sub] : registry_)
            if (reg_parent(path) == rk) sub_keys.push_back(sub.name);
        return {{"values", values}, {"sub_keys", sub_keys}};
    }
    json reg_query(const std::string& path) {
        const auto [k, name] = split_value(path);
        RegKey& key = reg_find(k);
        const auto it = key.values.find(lower(name));
        if (it == key.values.end()) throw CommandFailure{kFileNotFound, "The system cannot find the file specified."};
        return value_doc(it->second);
    }
    void reg_set_value(const std::string& path, const json& body) {
        const auto [k, name] = split_value(path);
        RegKey& key = reg_find(k);
        if (!body.value("overwrite", true) && key.values.count(lower(name)))
            throw CommandFailure{kAlreadyExists, "Cannot create a file when that file already exists."};
        static const std::set<std::string> types = {"REG_SZ",    "REG_EXPAND_SZ", "REG_MULTI_SZ",
                                                    "REG_DWORD", "REG_QWORD",     "REG_BINARY"};
        const std::string type = body.value("value_type", std::string());
        if (!types.count(type)) throw CommandFailure{kInvalidParameter, "The parameter is incorrect."};
        key.values[lower(name)] = RegValue{name, type, body.value("value_data", json())};
    }
    void reg_delete_key(const std::string& k) {
        reg_find(k);
        const std::string rk = reg_key(k);
        for (const auto& [path, sub] : registry_)
            if (reg_parent(path) == rk) throw CommandFailure{kAccessDenied, "Access is denied."};
        registry_.erase(rk);
    }
    void reg_delete_value(const std::string& path) {
        const auto [k, name] = split_value(path);
        RegKey& key = reg_find(k);
        if (key.values.erase(lower(name)) == 0)
            throw CommandFailure{kFileNotFound, "The system cannot find the file specified."};
    }
    bool reg_contains(const std::string& path) const {
        if (registry_.count(reg_key(path))) return true;
        const auto pos = path.find_last_of('\\');
        if (pos == std::string::npos) return false;
        const auto it = registry_.find(reg_key(path.substr(0, pos)));
        return it != registry_.end() && it->second.values.count(lower(path.substr(pos + 1))) > 0;
    }

private:
    bool windows_;
    std::string hostname_;
    std::map<std::string, Node> fs_;
    std::map<std::string, RegKey> registry_;
    std::vector<Proc> processes_;
};

struct Command {
    long long id = 0;
    json body;    // what the client posted
    json result;  // result fields on completion
    std::optional<CommandFailure> failure;
    std::size_t polls = 0;
    std::size_t polls_needed = 2;
    double create_time = 0;
};

struct Session {
    std::string product;  // "response" / "defense"
    std::string id;
    json id_json;
    long long sensor_id = 0;
    std::string status = "pending";  // lower case
    std::size_t polls = 0;
    std::size_t last_activity = 0;
    long long next_command = 1;
    std::map<long long, Command> commands;
};

class Simulator final : public LiveResponseSimulator {
public:
    explicit Simulator(const LiveResponseSimulatorOptions& options) : options_(options), offline_(options.offline) {
        for (const auto& h : simulated_hosts(options.response))
            response_hosts_.emplace(h.sensor_id,
                                    Host(h.os_type == "windows", h.hostname, "user" + std::to_string(h.sensor_id)));
        for (std::size_t i = 0; i < options.defense_devices; ++i) {
            const long long id = 1001 + static_cast<long long>(i);
            defense_hosts_.emplace(id, Host(true, fmt::format("DEVICE-{}", id), "user" + std::to_string(id)));
        }
    }

    void install(MockServer& server, const std::shared_ptr<Simulator>& self) {
        for (const std::string product : {"response", "defense"}) {
            const std::string base = product == "defense" ? "/integrationServices/v3/cblr" : "/api/v1/cblr";
            const std::string sid = product == "defense" ? "([^/]+)" : "(\\d+)";
            auto route = [&server, self, product, base](const std::string& method, const std::string& pattern,
                                                        auto fn) {
                const std::regex re(base + pattern);
                server.on(method, base + pattern, [self, product, re, fn](const RecordedRequest& r) {
                    std::smatch m;
                    std::regex_match(r.path, m, re);
                    std::lock_guard<std::mutex> lock(self->mutex_);
                    self->tick();
                    return fn(*self, product, m, r);
                });
            };
            // Every session the server remembers, closed and timed-out ones included; `active_only=true` (what
            // cbapi-python sends since 1.4.3) lists the pending and active ones only. ASSUMPTION: Cb Defense ignores
            // the parameter like any other (no client sends it there).
            route("GET", "/session",
                  [](Simulator& s, const std::string& p, const std::smatch&, const RecordedRequest& r) {
                      const bool active_only = p == "response" && lower(r.param("active_only").value_or("")) == "true";
                      json out = json::array();
                      for (const auto& [key, session] : s.sessions_)
                          if (session.product == p && (!active_only || Simulator::open(session)))
                              out.push_back(s.session_doc(session));
                      return MockResponse::json(out);
                  });
            if (product == "response") {
                route("POST", "/session",
                      [](Simulator& s, const std::string& p, const std::smatch&, const RecordedRequest& r) {
                          return s.create_session(p, r, std::nullopt);
                      });
                route("PUT", "/session/" + sid,
                      [](Simulator& s, const std::string& p, const std::smatch& m, const RecordedRequest& r) {
                          auto body = json::parse(r.body, nullptr, false);
                          Session* session = s.find(p, m[1]);
                          if (session == nullptr) return not_found(m[1]);
                          if (!body.is_object() || !body.contains("status"))
                              return MockResponse::json({{"reason", "expected a session document with a status"}}, 400);
                          if (lower(body.value("status", std::string())) == "close") session->status = "close";
                          return MockResponse::json(s.session_doc(*session));
                      });
            } else {
                route("POST", "/session/(\\d+)",
                      [](Simulator& s, const std::string& p, const std::smatch& m, const RecordedRequest& r) {
                          return s.create_session(p, r, std::stoll(m[1]));
                      });
                route("PUT", "/session",
                      [](Simulator& s, const std::string& p, const std::smatch&, const RecordedRequest& r) {
                          auto body = json::parse(r.body, nullptr, false);
                          if (!body.is_object() || !body.contains("session_id") || !body.contains("status"))
                              return MockResponse::json(
                                  {{"success", false}, {"message", "expected session_id and status"}}, 400);
                          const json& id = body["session_id"];
                          Session* session = s.find(p, id.is_string() ? id.get<std::string>() : id.dump());
                          if (session == nullptr) return not_found(id.dump());
                          if (upper(body.value("status", std::string())) == "CLOSE") session->status = "close";
                          return MockResponse::json(s.session_doc(*session));
                      });
            }
            route("GET", "/session/" + sid,
                  [](Simulator& s, const std::string& p, const std::smatch& m, const RecordedRequest&) {
                      Session* session = s.find(p, m[1]);
                      if (session == nullptr) return not_found(m[1]);
                      s.touch(*session);
                      if (session->status == "pending" && !s.offline_.count(session->sensor_id) &&
                          ++session->polls >= s.options_.polls_to_activate)
                          session->status = "active";
                      return MockResponse::json(s.session_doc(*session));
                  });
            route("GET", "/session/" + sid + "/keepalive",
                  [](Simulator& s, const std::string& p, const std::smatch& m, const RecordedRequest&) {
                      Session* session = s.find(p, m[1]);
                      if (session == nullptr || !s.open(*session)) return not_found(m[1]);
                      s.touch(*session);
                      return MockResponse::json({{"status", "OK"}});
                  });
            route("POST", "/session/" + sid + "/command",
                  [](Simulator& s, const std::string& p, const std::smatch& m, const RecordedRequest& r) {
                      return s.post_command(p, m[1], r);
                  });
            route("GET", "/session/" + sid + "/command/(\\d+)",
                  [](Simulator& s, const std::string& p, const std::smatch& m, const RecordedRequest&) {
                      return s.poll_command(p, m[1], std::stoll(m[2]));
                  });
            route("POST", "/session/" + sid + "/file",
                  [](Simulator& s, const std::string& p, const std::smatch& m, const RecordedRequest& r) {
                      return s.upload(p, m[1], r);
                  });
            route("GET", "/session/" + sid + "/file/(\\d+)/content",
                  [](Simulator& s, const std::string& p, const std::smatch& m, const RecordedRequest&) {
                      Session* session = s.find(p, m[1]);
                      if (session == nullptr) return not_found(m[1]);
                      s.touch(*session);
                      const auto it = s.blobs_.find(std::stoll(m[2]));
                      if (it == s.blobs_.end()) return MockResponse::json({{"reason", "No such file"}}, 404);
                      MockResponse reply;
                      reply.headers.set("Content-Type", "application/octet-stream");
                      reply.body = it->second;
                      return reply;
                  });
            route("GET", "/session/" + sid + "/archive",
                  [](Simulator& s, const std::string& p, const std::smatch& m, const RecordedRequest&) {
                      Session* session = s.find(p, m[1]);
                      if (session == nullptr) return not_found(m[1]);
                      std::string log = "Live Response session " + session->id + " with sensor " +
                                        std::to_string(session->sensor_id) + "\n";
                      for (const auto& [id, c] : session->commands)
                          log += fmt::format("{} {} {}\n", id, c.body.value("name", std::string()),
                                             c.body.contains("object") ? c.body["object"].dump() : std::string());
                      MockResponse reply;
                      reply.headers.set("Content-Type", "application/octet-stream");
                      reply.body = log;
                      return reply;
                  });
        }
    }

    // --- queries -------------------------------------------------------------------------------------------------

    std::vector<SimulatedLiveResponseSession> sessions() const override {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<SimulatedLiveResponseSession> out;
        for (const auto& [key, s] : sessions_) out.push_back({s.product, s.id, s.sensor_id, s.status});
        return out;
    }
    std::vector<SimulatedLiveResponseSession> open_sessions() const override {
        std::vector<SimulatedLiveResponseSession> out;
        for (auto& s : sessions())
            if (s.status == "pending" || s.status == "active") out.push_back(std::move(s));
        return out;
    }
    bool expire_session(const std::string& id) override {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto& [key, s] : sessions_)
            if (s.id == id) {
                s.status = "timeout";
                return true;
            }
        return false;
    }
    void set_offline(long long sensor_id, bool offline) override {
        std::lock_guard<std::mutex> lock(mutex_);
        if (offline)
            offline_.insert(sensor_id);
        else
            offline_.erase(sensor_id);
    }
    std::optional<std::string> file_content(const std::string& product, long long sensor_id,
                                            const std::string& path) const override {
        std::lock_guard<std::mutex> lock(mutex_);
        const Host* h = host(product, sensor_id);
        if (h == nullptr) return std::nullopt;
        const Node* n = h->find(path);
        if (n == nullptr || n->dir) return std::nullopt;
        return n->content;
    }
    bool set_file_content(const std::string& product, long long sensor_id, const std::string& path,
                          const std::string& content) override {
        std::lock_guard<std::mutex> lock(mutex_);
        Host* h = host(product, sensor_id);
        if (h == nullptr) return false;
        h->write(path, content);
        return true;
    }
    bool registry_contains(const std::string& product, long long sensor_id, const std::string& path) const override {
        std::lock_guard<std::mutex> lock(mutex_);
        const Host* h = host(product, sensor_id);
        return h != nullptr && h->reg_contains(path);
    }
    bool process_running(const std::string& product, long long sensor_id, long long pid) const override {
        std::lock_guard<std::mutex> lock(mutex_);
        const Host* h = host(product, sensor_id);
        return h != nullptr && h->running(pid);
    }

private:
    static MockResponse not_found(const std::string& id) {
        return MockResponse::text("Session " + id + " not found", 404);
    }

    const Host* host(const std::string& product, long long id) const {
        const auto& hosts = product == "defense" ? defense_hosts_ : response_hosts_;
        const auto it = hosts.find(id);
        return it == hosts.end() ? nullptr : &it->second;
    }
    Host* host(const std::string& product, long long id) {
        return const_cast<Host*>(static_cast<const Simulator*>(this)->host(product, id));
    }

    static bool open(const Session& s) { return s.status == "pending" || s.status == "active"; }
    void touch(Session& s) { s.last_activity = clock_; }

    // One logical tick per request; sessions idle for too long time out.
    void tick() {
        ++clock_;
        for (auto& [key, s] : sessions_)
            if (open(s) && clock_ - s.last_activity > options_.session_idle_limit) s.status = "timeout";
    }

    Session* find(const std::string& product, const std::string& id) {
        const auto it = sessions_.find({product, id});
        return it == sessions_.end() ? nullptr : &it->second;
    }

    json session_doc(const Session& s) const {
        const Host* h = host(s.product, s.sensor_id);
        const bool defense = s.product == "defense";
        json doc = {{"id", s.id_json},
                    {"sensor_id", s.sensor_id},
                    {"status", defense ? upper(s.status) : s.status},
                    {"hostname", h != nullptr ? h->hostname() : std::string()},
                    {"create_time", kBaseTime + static_cast<std::int64_t>(s.last_activity)},
                    {"sensor_wait_timeout", 120},
                    {"session_timeout", 300},
                    {"check_in_timeout", 900}};
        if (s.status == "active" && h != nullptr) {
            doc["supported_commands"] = h->supported_commands();
            doc["drives"] = h->drives();
            doc["current_working_directory"] = h->cwd();
        }
        return doc;
    }

    MockResponse create_session(const std::string& product, const RecordedRequest& r,
                                std::optional<long long> path_id) {
        const auto body = json::parse(r.body, nullptr, false);
        if (!body.is_object() || !body.contains("sensor_id") || !body["sensor_id"].is_number_integer())
            return MockResponse::json({{"reason", "expected {\"sensor_id\": <id>}"}}, 400);
        const long long sensor = body["sensor_id"].get<long long>();
        if (path_id && *path_id != sensor)
            return MockResponse::json({{"success", false}, {"message", "sensor_id does not match the path"}}, 400);
        if (host(product, sensor) == nullptr)
            return MockResponse::json({{"reason", "Sensor " + std::to_string(sensor) + " not found"}}, 404);
        const auto open_count = static_cast<std::size_t>(
            std::count_if(sessions_.begin(), sessions_.end(), [](const auto& kv) { return open(kv.second); }));
        if (open_count >= options_.max_sessions)
            return MockResponse::json(
                {{"reason", fmt::format("Too many active sessions (limit {})", options_.max_sessions)}}, 500);
        Session s;
        s.product = product;
        const long long n = ++next_session_;
        if (product == "defense") {
            s.id = fmt::format("{}:{}", sensor, n);
            s.id_json = s.id;
        } else {
            s.id = std::to_string(n);
            s.id_json = n;
        }
        s.sensor_id = sensor;
        s.last_activity = clock_;
        const std::string key = s.id;
        Session& stored = sessions_[{product, key}];
        stored = std::move(s);
        return MockResponse::json(session_doc(stored));
    }

    MockResponse post_command(const std::string& product, const std::string& id, const RecordedRequest& r) {
        Session* session = find(product, id);
        if (session == nullptr) return not_found(id);
        if (session->status != "active") return MockResponse::text("Session " + id + " is not active", 404);
        touch(*session);
        const auto body = json::parse(r.body, nullptr, false);
        if (!body.is_object() || !body.contains("name") || !body["name"].is_string())
            return MockResponse::json({{"reason", "expected a command with a name"}}, 400);
        if (!body.contains("session_id") || body["session_id"] != session->id_json)
            return MockResponse::json({{"reason", "session_id missing or not this session"}}, 400);
        Host& h = *host(product, session->sensor_id);
        const std::string name = body["name"].get<std::string>();
        const auto supported = h.supported_commands();
        if (std::find(supported.begin(), supported.end(), name) == supported.end())
            return MockResponse::json({{"reason", "Command " + name + " not supported by this sensor"}}, 400);

        Command c;
        c.id = session->next_command++;
        c.body = body;
        c.polls_needed = options_.polls_to_complete;
        c.create_time = static_cast<double>(kBaseTime) + static_cast<double>(clock_);
        json reply = {{"id", c.id}, {"name", name}, {"status", "pending"}, {"session_id", session->id_json}};
        try {
            c.result = execute(h, body, reply);
        } catch (const CommandFailure& f) {
            c.failure = f;
        } catch (const json::exception&) {
            c.failure = CommandFailure{kInvalidParameter, "The parameter is incorrect."};
        }
        session->commands.emplace(c.id, std::move(c));
        return MockResponse::json(reply);
    }

    static std::string text(const json& body, const char* key) {
        const auto it = body.find(key);
        if (it == body.end()) throw CommandFailure{kInvalidParameter, "The parameter is incorrect."};
        return it->is_string() ? it->get<std::string>() : it->dump();
    }

    // Runs a command on the host; returns its result fields (reply gets `file_id` for `get file`).
    json execute(Host& h, const json& body, json& reply) {
        const std::string name = body["name"].get<std::string>();
        if (name == "get file") {
            const Node& n = h.file(text(body, "object"));
            const long long fid = ++next_blob_;
            blobs_[fid] = n.content;
            reply["file_id"] = fid;
            return {{"file_id", fid}};
        }
        if (name == "put file") {
            const json& fid = body.value("file_id", json());
            const auto it = fid.is_number_integer() ? blobs_.find(fid.get<long long>()) : blobs_.end();
            if (it == blobs_.end()) throw CommandFailure{kInvalidParameter, "The parameter is incorrect."};
            h.put(text(body, "object"), it->second);
            return json::object();
        }
        if (name == "delete file") {
            h.remove(text(body, "object"));
            return json::object();
        }
        if (name == "directory list") return {{"files", h.list(text(body, "object"))}};
        if (name == "create directory") {
            h.create_directory(text(body, "object"));
            return json::object();
        }
        if (name == "process list") return {{"processes", h.process_list()}};
        if (name == "kill") {
            const json& pid = body.value("object", json());
            long long p = 0;
            if (pid.is_number_integer())
                p = pid.get<long long>();
            else if (pid.is_string())
                p = std::stoll(pid.get<std::string>());
            else
                throw CommandFailure{kInvalidParameter, "The parameter is incorrect."};
            h.kill(p);
            return json::object();
        }
        if (name == "create process") {
            const std::string output = h.execute(text(body, "object"), body.value("working_directory", std::string()));
            if (body.contains("output_file")) {
                const std::string out = text(body, "output_file");
                if (h.find(out) != nullptr) h.remove(out);
                h.put(out, output);
            }
            return {{"pid", 4000 + next_blob_}, {"return_code", 0}};
        }
        if (name == "reg enum key") return h.reg_enum(text(body, "object"));
        if (name == "reg query value") return {{"value", h.reg_query(text(body, "object"))}};
        if (name == "reg set value") {
            h.reg_set_value(text(body, "object"), body);
            return json::object();
        }
        if (name == "reg create key") {
            h.reg_create(text(body, "object"));
            return json::object();
        }
        if (name == "reg delete key") {
            h.reg_delete_key(text(body, "object"));
            return json::object();
        }
        if (name == "reg delete value") {
            h.reg_delete_value(text(body, "object"));
            return json::object();
        }
        if (name == "memdump") {
            std::string remote = text(body, "object");
            const bool compress = body.value("compress", false);
            const std::string dump = "PAGEDU64 simulated memory image of " + h.hostname();
            h.put(compress ? remote + ".zip" : remote, compress ? "PK\x03\x04" + dump : dump);
            return {{"return_code", 0}, {"complete", true}, {"percentdone", 100}, {"dumping", false}};
        }
        throw CommandFailure{kInvalidParameter, "The parameter is incorrect."};
    }

    MockResponse poll_command(const std::string& product, const std::string& id, long long command_id) {
        Session* session = find(product, id);
        if (session == nullptr) return not_found(id);
        touch(*session);
        const auto it = session->commands.find(command_id);
        if (it == session->commands.end())
            return MockResponse::json({{"reason", "Command " + std::to_string(command_id) + " not found"}}, 404);
        Command& c = it->second;
        ++c.polls;
        json doc = c.body;
        doc["id"] = c.id;
        doc["sensor_id"] = session->sensor_id;
        doc["username"] = "admin";
        doc["create_time"] = c.create_time;
        if (c.polls < c.polls_needed) {
            doc["status"] = c.polls == 1 ? "pending" : "in progress";
            return MockResponse::json(doc);
        }
        doc["completion"] = c.create_time + 0.25;
        if (c.failure) {
            doc["status"] = "error";
            doc["result_type"] = "WinHresult";
            doc["result_code"] = kHresultWin32 | c.failure->win32;
            doc["result_desc"] = c.failure->description;
        } else {
            doc["status"] = "complete";
            doc["result_code"] = 0;
            doc["result_type"] = "WinHresult";
            doc["result_desc"] = "";
            for (const auto& [k, v] : c.result.items()) doc[k] = v;
        }
        return MockResponse::json(doc);
    }

    MockResponse upload(const std::string& product, const std::string& id, const RecordedRequest& r) {
        Session* session = find(product, id);
        if (session == nullptr) return not_found(id);
        if (!open(*session)) return MockResponse::text("Session " + id + " is not active", 404);
        touch(*session);
        const std::string type = r.header("Content-Type").value_or("");
        const auto at = type.find("boundary=");
        if (type.rfind("multipart/form-data", 0) != 0 || at == std::string::npos)
            return MockResponse::json({{"reason", "expected multipart/form-data with a part named file"}}, 400);
        const std::string boundary = "--" + type.substr(at + 9);
        // Find the part named "file".
        std::size_t pos = 0;
        while ((pos = r.body.find(boundary, pos)) != std::string::npos) {
            pos += boundary.size();
            const auto headers_end = r.body.find("\r\n\r\n", pos);
            if (headers_end == std::string::npos) break;
            const std::string headers = r.body.substr(pos, headers_end - pos);
            const auto next = r.body.find("\r\n" + boundary, headers_end + 4);
            if (next == std::string::npos) break;
            if (headers.find("name=\"file\"") != std::string::npos) {
                const long long fid = ++next_blob_;
                blobs_[fid] = r.body.substr(headers_end + 4, next - headers_end - 4);
                return MockResponse::json({{"id", fid}, {"file_name", "file"}, {"size", blobs_[fid].size()}});
            }
            pos = next + 2;
        }
        return MockResponse::json({{"reason", "expected multipart/form-data with a part named file"}}, 400);
    }

    LiveResponseSimulatorOptions options_;
    mutable std::mutex mutex_;
    std::set<long long> offline_;
    std::map<long long, Host> response_hosts_;
    std::map<long long, Host> defense_hosts_;
    std::map<std::pair<std::string, std::string>, Session> sessions_;
    std::map<long long, std::string> blobs_;
    long long next_session_ = 0;
    long long next_blob_ = 0;
    std::size_t clock_ = 0;
};

}  // namespace

std::shared_ptr<LiveResponseSimulator> install_live_response_simulator(MockServer& server,
                                                                       const LiveResponseSimulatorOptions& options) {
    auto sim = std::make_shared<Simulator>(options);
    sim->install(server, sim);
    return sim;
}

}  // namespace cbapi::testing
