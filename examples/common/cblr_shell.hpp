#pragma once
// The Live Response shell shared by the Cb Response and Cb Defense `cblr_cli` examples (cbapi-python's
// example_helpers.CblrCli): connect to a sensor or device, then cd/pwd/dir/cat/get/put/del/mkdir/ps/kill/exec/reg/
// memdump/archive/detach/exit. Interactive (a prompt on a terminal), or non-interactive: `-c "cmd; cmd"` or a
// script file with one command per line, stopping at the first error.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "cbapi/detail/json_text.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/files.hpp"
#include "cbapi/live_response/live_response.hpp"
#include "cbapi/logging.hpp"
#include "common/cli.hpp"

namespace cbapi::examples {

/// A command line with bad arguments (the message says which).
class ShellUsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Splits a command line into words; double quotes group words (and are removed).
inline std::vector<std::string> split_words(const std::string& line) {
    std::vector<std::string> out;
    std::string word;
    bool quoted = false, any = false;
    for (char c : line) {
        if (c == '"') {
            quoted = !quoted;
            any = true;
        } else if ((c == ' ' || c == '\t') && !quoted) {
            if (any) out.push_back(word);
            word.clear();
            any = false;
        } else {
            word.push_back(c);
            any = true;
        }
    }
    if (quoted) throw ShellUsageError("unterminated quote");
    if (any) out.push_back(word);
    return out;
}

/// Splits `-c` text into commands at `;` and newlines outside double quotes; empty commands are dropped.
inline std::vector<std::string> split_commands(const std::string& text) {
    std::vector<std::string> out;
    std::string cmd;
    bool quoted = false;
    const auto flush = [&] {
        const auto b = cmd.find_first_not_of(" \t\r");
        if (b != std::string::npos) out.push_back(cmd.substr(b, cmd.find_last_not_of(" \t\r") - b + 1));
        cmd.clear();
    };
    for (char c : text) {
        if (c == '"') quoted = !quoted;
        if ((c == ';' || c == '\n') && !quoted)
            flush();
        else
            cmd.push_back(c);
    }
    flush();
    return out;
}

/// The shell. `connect` turns a sensor/device id or host name into a session.
class CblrShell {
public:
    using Connector = std::function<live_response::Session(const std::string& target)>;

    CblrShell(Connector connect, std::ostream& out) : connect_(std::move(connect)), out_(out) {}

    /// Runs one command line. @return false when the shell should end (exit/quit)
    /// @throws ShellUsageError for bad arguments; the SDK's errors for failed commands
    bool execute(const std::string& line) {
        const auto words = split_words(line);
        if (words.empty() || words[0].rfind('#', 0) == 0) return true;
        const std::string& cmd = words[0];
        const std::vector<std::string> args(words.begin() + 1, words.end());
        if (cmd == "exit" || cmd == "quit") return false;
        if (cmd == "help")
            help();
        else if (cmd == "connect")
            connect(args);
        else if (cmd == "detach")
            detach();
        else if (cmd == "pwd")
            out_ << display_cwd() << "\n\n";
        else if (cmd == "cd")
            cd(args);
        else if (cmd == "dir" || cmd == "ls")
            dir(args);
        else if (cmd == "cat")
            cat(args);
        else if (cmd == "get")
            get(args);
        else if (cmd == "put")
            put(args);
        else if (cmd == "del")
            del(args);
        else if (cmd == "mkdir")
            mkdir(args);
        else if (cmd == "ps")
            ps(args);
        else if (cmd == "kill")
            kill(args);
        else if (cmd == "exec")
            exec(args);
        else if (cmd == "reg")
            reg(args);
        else if (cmd == "memdump")
            memdump(args);
        else if (cmd == "archive")
            archive(args);
        else
            throw ShellUsageError("unknown command '" + cmd + "' (try help)");
        return true;
    }

    /// Runs commands in order, stopping at the first failure. @return the exit code (0, or 1 after an error)
    int run_commands(const std::vector<std::string>& commands, std::ostream& err) {
        for (const auto& c : commands) {
            out_ << prompt() << c << "\n";
            try {
                if (!execute(c)) break;
            } catch (const std::exception& e) {
                err << report(e) << std::endl;
                detach();
                return 1;
            }
        }
        detach();
        return 0;
    }

    /// Reads commands from `in` with a prompt until exit or end of input; errors are printed and the loop goes on.
    int run_interactive(std::istream& in, std::ostream& err) {
        std::string line;
        for (;;) {
            out_ << prompt() << std::flush;
            if (!std::getline(in, line)) break;
            try {
                if (!execute(line)) break;
            } catch (const std::exception& e) {
                err << report(e) << std::endl;
            }
        }
        detach();
        return 0;
    }

    /// The prompt: `(unattached)> ` or `<cwd>\> `.
    std::string prompt() const {
        if (!session_) return "(unattached)> ";
        const std::string shown = display_cwd();
        return shown + (windows() && shown.back() != '\\' ? "\\" : "") + "> ";
    }

private:
    static std::string report(const std::exception& e) {
        if (dynamic_cast<const ShellUsageError*>(&e) != nullptr)
            return std::string("Error parsing arguments! ") + e.what();
        return std::string("Error: ") + e.what();
    }

    live_response::Session& session() {
        if (!session_) throw ApiError("You must attach to a session (connect <id or hostname>)");
        return *session_;
    }
    bool windows() const { return session_ && session_->os_type() == live_response::OsType::windows; }
    char sep() const { return windows() ? '\\' : '/'; }
    std::string display_cwd() const { return cwd_.size() == 2 && cwd_[1] == ':' ? cwd_ + "\\" : cwd_; }

    static void need(const std::vector<std::string>& args, std::size_t n, const char* usage) {
        if (args.size() != n) throw ShellUsageError(std::string("usage: ") + usage);
    }

    // Resolves a path against the working directory and removes `.` and `..`.
    std::string resolve(const std::string& path) const {
        std::string p = path;
        if (windows()) {
            std::replace(p.begin(), p.end(), '/', '\\');
            if (p.rfind("\\\\", 0) == 0) return p;  // UNC
            if (p.size() >= 2 && p[1] == ':') {
                if (p.size() == 2) p += '\\';
            } else if (!p.empty() && p[0] == '\\') {
                p = cwd_.substr(0, 2) + p;
            } else {
                p = display_cwd() + (display_cwd().back() == '\\' ? "" : "\\") + p;
            }
        } else if (p.empty() || p[0] != '/') {
            p = cwd_ + (cwd_.back() == '/' ? "" : "/") + p;
        }
        // Normalise the components after the root ("C:\" or "/").
        const std::size_t root = windows() ? 3 : 1;
        std::vector<std::string> parts;
        std::string part;
        std::istringstream in(p.substr(std::min(root, p.size())));
        while (std::getline(in, part, sep())) {
            if (part.empty() || part == ".") continue;
            if (part == "..") {
                if (!parts.empty()) parts.pop_back();
            } else {
                parts.push_back(part);
            }
        }
        std::string out = p.substr(0, std::min(root, p.size()));
        for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(1, sep()) : "") + parts[i];
        return out;
    }

    static std::string gmt(std::int64_t epoch) {
        const std::time_t t = static_cast<std::time_t>(epoch);
        std::tm tm{};
        gmtime_r(&t, &tm);
        char buf[64];
        std::strftime(buf, sizeof buf, "%m/%d/%Y %I:%M:%S %p", &tm);
        return buf;
    }

    void help() {
        out_ << "Commands:\n"
                "  connect <id|hostname>    open a session with a sensor or device\n"
                "  detach                   close the session\n"
                "  pwd | cd <dir>           show or change the working directory\n"
                "  dir|ls [path]            list a directory\n"
                "  cat <file>               print a remote file\n"
                "  get <remote> [local]     download a file (into the current directory when local is omitted,\n"
                "                           into a local directory under the remote file's name)\n"
                "  put <local> <remote>     upload a file\n"
                "  del <file> | mkdir <dir> delete a file, create a directory\n"
                "  ps [-v] [-p pid]         list processes\n"
                "  kill <pid>               kill a process\n"
                "  exec [-o outfile] [-d workdir] [-w] <command line>   start a process (-w: wait, print output)\n"
                "  reg query <key> [-v value]\n"
                "  reg add <key> [-v value -t type -d data -f]\n"
                "  reg delete <key> [-v value]\n"
                "  memdump <local file>     dump the endpoint's memory\n"
                "  archive <local file>     download the session archive\n"
                "  exit | quit\n";
    }

    void connect(const std::vector<std::string>& args) {
        need(args, 1, "connect <sensor id or hostname>");
        detach();
        session_ = connect_(args[0]);
        cwd_ = windows() ? "c:" : "/";  // cbapi-python starts in "c:"
        out_ << "Session: " << live_response::detail::id_text(session_->session_id()) << "\n";
        std::string drives, commands;
        for (const auto& d : session_->drives()) drives += (drives.empty() ? "" : " ") + d;
        for (const auto& c : session_->supported_commands()) commands += (commands.empty() ? "" : ", ") + c;
        out_ << "  Available Drives: " << drives << "\n"
             << "  Supported Commands: " << commands << "\n"
             << "  Working Directory: " << display_cwd() << "\n\n";
    }

    void detach() {
        session_.reset();
        cwd_ = "c:";
    }

    // Whether a path is a directory (false: a file), by listing the path itself.
    std::optional<bool> stat(std::string path) {
        while (path.size() > (windows() ? 3u : 1u) && path.back() == sep()) path.pop_back();
        const auto entries = session().list_directory(path);
        if (entries.empty()) return std::nullopt;
        return entries.front().is_directory();
    }

    void cd(const std::vector<std::string>& args) {
        need(args, 1, "cd <directory>");
        const std::string path = resolve(args[0]);
        std::optional<bool> is_dir;
        try {
            is_dir = stat(path);
        } catch (const LiveResponseError&) {
        }
        if (!is_dir || !*is_dir) throw ApiError("Path " + path + " does not exist or is not a directory");
        cwd_ = path.size() == 3 && path[1] == ':' ? path.substr(0, 2) : path;
    }

    void dir(const std::vector<std::string>& args) {
        if (args.size() > 1) throw ShellUsageError("usage: dir [path]");
        // The working directory is known to be one (cd checked it): list it without asking again, like cbapi-python.
        std::string path = args.empty() ? display_cwd() + (display_cwd().back() == sep() ? "" : std::string(1, sep()))
                                        : resolve(args[0]);
        if (path.back() != sep() && path.find_first_of("*?") == std::string::npos) {
            const auto is_dir = stat(path);
            if (is_dir && *is_dir) path += sep();
        }
        if (path.back() == sep()) path += "*";
        out_ << "Directory: " << path << "\n\n";
        for (const auto& e : session().list_directory(path)) {
            out_ << gmt(e.create_time) << "\t";
            if (e.is_directory())
                out_ << fmt::format("{:<20}", "<DIR>");
            else
                out_ << "     " << fmt::format("{:15d}", e.size);
            out_ << " " << e.filename << "\n";
        }
        out_ << "\n";
    }

    void cat(const std::vector<std::string>& args) {
        need(args, 1, "cat <file>");
        session().get_raw_file(resolve(args[0]), [&](std::string_view piece) {
            out_.write(piece.data(), static_cast<std::streamsize>(piece.size()));
        });
        out_ << "\n";
    }

    // get <remote> [local]: a local directory (or none: the current one) gets the file under the remote file's name,
    // made safe by Session::get_file_into (the endpoint's name cannot reach outside the directory).
    void get(const std::vector<std::string>& args) {
        if (args.empty() || args.size() > 2)
            throw ShellUsageError("usage: get <remote file> [local file or directory]");
        const std::string remote = resolve(args[0]);
        std::filesystem::path local = args.size() == 2 ? std::filesystem::path(args[1]) : std::filesystem::path(".");
        if (std::filesystem::is_directory(local))
            local = session().get_file_into(remote, local);
        else
            session().get_file(remote, local);
        out_ << "Downloaded " << remote << " to " << local.string() << " (" << std::filesystem::file_size(local)
             << " bytes)\n";
    }

    void put(const std::vector<std::string>& args) {
        need(args, 2, "put <local file> <remote file>");
        const std::string remote = resolve(args[1]);
        session().put_file_from(args[0], remote);
        out_ << "Uploaded " << args[0] << " to " << remote << "\n";
    }

    void del(const std::vector<std::string>& args) {
        need(args, 1, "del <file>");
        const std::string path = resolve(args[0]);
        session().delete_file(path);
        out_ << "Deleted " << path << "\n";
    }

    void mkdir(const std::vector<std::string>& args) {
        need(args, 1, "mkdir <directory>");
        const std::string path = resolve(args[0]);
        session().create_directory(path);
        out_ << "Created " << path << "\n";
    }

    static std::string base_name(const std::string& path) {
        const auto pos = path.find_last_of("\\/");
        return pos == std::string::npos ? path : path.substr(pos + 1);
    }

    void ps(const std::vector<std::string>& args) {
        bool verbose = false;
        std::optional<long long> pid;
        for (std::size_t i = 0; i < args.size(); ++i) {
            if (args[i] == "-v")
                verbose = true;
            else if (args[i] == "-p" && i + 1 < args.size())
                pid = parse_pid(args[++i]);
            else
                throw ShellUsageError("usage: ps [-v] [-p pid]");
        }
        for (const auto& p : session().list_processes()) {
            if (pid && p.pid != *pid) continue;
            if (!verbose) {
                out_ << fmt::format("{:5d}  {:<30} {:<20}\n", p.pid, base_name(p.path), p.username);
                continue;
            }
            std::string sid = p.sid;
            std::transform(sid.begin(), sid.end(), sid.begin(),
                           [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
            out_ << fmt::format("Process: {:5d} : {}\n", p.pid, base_name(p.path)) << "  Guid:        " << p.proc_guid
                 << "\n  CreateTime:  " << gmt(p.create_time) << " (GMT)\n  ParentPid:   " << p.parent
                 << "\n  ParentGuid:  " << p.parent_guid << "\n  SID:         " << sid
                 << "\n  UserName:    " << p.username << "\n  ExePath:     " << p.path
                 << "\n  CommandLine: " << p.command_line << "\n\n";
        }
        out_ << "\n";
    }

    static long long parse_pid(const std::string& text) {
        try {
            std::size_t used = 0;
            const long long pid = std::stoll(text, &used);
            if (used == text.size() && pid > 0) return pid;
        } catch (const std::exception&) {
        }
        throw ShellUsageError("invalid process id '" + text + "'");
    }

    void kill(const std::vector<std::string>& args) {
        need(args, 1, "kill <pid>");
        const long long pid = parse_pid(args[0]);
        if (session().kill_process(pid))
            out_ << "Killed process " << pid << "\n";
        else
            out_ << "Kill of process " << pid << " was not confirmed in time\n";
    }

    void exec(const std::vector<std::string>& args) {
        live_response::CreateProcessOptions options;
        options.wait_for_output = false;
        options.wait_for_completion = false;
        std::size_t i = 0;
        for (; i < args.size(); ++i) {
            if (args[i] == "-w") {
                options.wait_for_output = true;
                options.wait_for_completion = true;
            } else if (args[i] == "-o" && i + 1 < args.size()) {
                options.remote_output_file = resolve(args[++i]);
            } else if (args[i] == "-d" && i + 1 < args.size()) {
                options.working_directory = resolve(args[++i]);
            } else {
                break;
            }
        }
        if (i == args.size()) throw ShellUsageError("usage: exec [-o outfile] [-d workdir] [-w] <command line>");
        std::string command;
        for (std::size_t j = i; j < args.size(); ++j)
            command += (j > i ? " " : "") + (args[j].find(' ') != std::string::npos ? "\"" + args[j] + "\"" : args[j]);
        if (!options.working_directory) options.working_directory = display_cwd();
        const auto output = session().create_process(command, options);
        if (output)
            out_ << *output << (output->empty() || output->back() == '\n' ? "" : "\n");
        else
            out_ << "Started: " << command << "\n";
    }

    void reg(const std::vector<std::string>& args) {
        if (args.size() < 2) throw ShellUsageError("usage: reg query|add|delete <key> [options]");
        const std::string& verb = args[0];
        const std::string& key = args[1];
        std::optional<std::string> value, type, data;
        bool force = false;
        for (std::size_t i = 2; i < args.size(); ++i) {
            if (args[i] == "-v" && i + 1 < args.size())
                value = args[++i];
            else if (args[i] == "-t" && i + 1 < args.size())
                type = args[++i];
            else if (args[i] == "-d" && i + 1 < args.size())
                data = args[++i];
            else if (args[i] == "-f")
                force = true;
            else
                throw ShellUsageError("unexpected argument '" + args[i] + "'");
        }
        auto& s = session();
        const auto print_value = [&](const live_response::RegistryValue& v) {
            out_ << fmt::format("  {:<30} {:>10} {}\n", v.name.empty() ? "(Default)" : v.name, v.type,
                                v.data.is_string() ? v.data.get<std::string>()
                                                  : cbapi::detail::json_text(v.data));
        };
        if (verb == "query") {
            if (value) {
                print_value(s.get_registry_value(key + "\\" + *value));
            } else {
                const auto listing = s.list_registry_keys_and_values(key);
                out_ << key << "\n";
                for (const auto& v : listing.values) print_value(v);
                for (const auto& k : listing.sub_keys) out_ << "  " << key << "\\" << k << "\n";
            }
            out_ << "\n";
        } else if (verb == "add") {
            if (!value) {
                s.create_registry_key(key);
                out_ << "Created key " << key << "\n";
                return;
            }
            const std::string t = type.value_or("REG_SZ");
            nlohmann::json d = data.value_or("");
            if (t == "REG_DWORD" || t == "REG_QWORD") {
                try {
                    d = std::stoll(data.value_or("0"), nullptr, 0);
                } catch (const std::exception&) {
                    throw ShellUsageError("-d must be a number for " + t);
                }
            } else if (t == "REG_MULTI_SZ") {
                d = nlohmann::json::array();
                std::istringstream in(data.value_or(""));
                std::string item;
                while (std::getline(in, item, ',')) d.push_back(item);
            }
            s.set_registry_value(key + "\\" + *value, d, force, t);
            out_ << "Set " << key << "\\" << *value << "\n";
        } else if (verb == "delete") {
            if (value) {
                s.delete_registry_value(key + "\\" + *value);
                out_ << "Deleted value " << key << "\\" << *value << "\n";
            } else {
                s.delete_registry_key(key);
                out_ << "Deleted key " << key << "\n";
            }
        } else {
            throw ShellUsageError("usage: reg query|add|delete <key> [options]");
        }
    }

    void memdump(const std::vector<std::string>& args) {
        need(args, 1, "memdump <local file>");
        session().memdump(std::filesystem::path(args[0]));
        out_ << "Memory dump written to " << args[0] << " (" << std::filesystem::file_size(args[0]) << " bytes)\n";
    }

    void archive(const std::vector<std::string>& args) {
        need(args, 1, "archive <local file>");
        // Written like every local file: never through a link, and only a complete archive replaces the file.
        AtomicFile file(args[0], AtomicFile::private_mode);
        session().get_session_archive([&](std::string_view piece) { file.write(piece); });
        file.commit();
        out_ << "Session archive written to " << args[0] << "\n";
    }

    Connector connect_;
    std::ostream& out_;
    std::optional<live_response::Session> session_;
    std::string cwd_ = "c:";
};

/// Options of a cblr_cli program: the shared ones, `--log FILE`, `-c "cmd; cmd"` and an optional script file.
struct CblrOptions {
    CommonOptions common;
    std::string log_file;
    std::string commands;
    std::string script;

    void add_to(CLI::App& app) {
        common.add_to(app);
        app.add_option("--log", log_file, "Write debug logging to this file");
        app.add_option("-c,--commands", commands, "Run these commands (separated by ';') and exit");
        app.add_option("script", script, "Run the commands in this file (one per line) and exit");
    }
};

/// On SIGINT or SIGTERM (the guard, made first thing in main()), closes the manager's sessions, says so on stderr
/// and ends the program with 130 or 143.
inline void close_sessions_on_signals(live_response::InterruptGuard& guard, const live_response::SessionManager& lr) {
    guard.watch(lr);
    guard.on_signal([](int signal) {
        // stdio, not std::cerr: the main thread may be writing to std::cerr at this moment.
        std::fprintf(stderr, "\nInterrupted (signal %d): Live Response sessions closed\n", signal);
    });
}

/// Runs the shell as the options say: `-c`, a script file, or interactively on stdin.
inline int run_cblr_shell(const CblrOptions& options, const CblrShell::Connector& connector) {
    if (!options.log_file.empty()) {
        // The log is written as it goes (not through an AtomicFile), but never through a symbolic link: create or
        // truncate it here without following one, then let spdlog append to it.
        const int fd = ::open(options.log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
            throw ApiError("Cannot write the log file '" + options.log_file + "': " + std::strerror(errno) +
                           (errno == ELOOP ? " (it is a symbolic link)" : ""));
        ::close(fd);
        auto log = std::make_shared<spdlog::logger>(
            "cbapi", std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.log_file, false));
        log->set_level(spdlog::level::debug);
        set_logger(log);
    }
    CblrShell shell(connector, std::cout);
    if (!options.commands.empty() && !options.script.empty())
        throw ShellUsageError("give either -c or a script file, not both");
    if (!options.commands.empty()) return shell.run_commands(split_commands(options.commands), std::cerr);
    if (!options.script.empty()) {
        std::ifstream in(options.script);
        if (!in) throw ApiError("Cannot read script file " + options.script);
        std::vector<std::string> lines;
        std::string line;
        while (std::getline(in, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.find_first_not_of(" \t") != std::string::npos) lines.push_back(line);
        }
        return shell.run_commands(lines, std::cerr);
    }
    return shell.run_interactive(std::cin, std::cerr);
}

}  // namespace cbapi::examples
