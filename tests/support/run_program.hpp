#pragma once
// Running a built program from a test: quoting its arguments for /bin/sh, and collecting what a command line prints
// on stdout and its exit code (through popen).

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace cbapi::test {

/// `arg` in single quotes for /bin/sh (a quote inside it becomes '\'').
inline std::string shell_quote(const std::string& arg) {
    std::string out = "'";
    for (char c : arg) {
        if (c == '\'')
            out += "'\\''";
        else
            out.push_back(c);
    }
    return out + "'";
}

/// What a command printed on stdout, and its exit code.
struct ProgramRun {
    /// The exit code; -1 when the command could not be started or did not exit normally.
    int exit_code = -1;
    /// Its standard output (stderr goes wherever the command line sends it).
    std::string output;
};

/// Runs `command` with /bin/sh and waits for it. @param command a shell command line (quote with shell_quote())
inline ProgramRun run_program(const std::string& command) {
    ProgramRun result;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return result;
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
    const int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

}  // namespace cbapi::test
