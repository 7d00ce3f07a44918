#pragma once
// Runs an example program as a child process for the event example tests: its own working directory and environment,
// stdout and stderr collected as they arrive (reader threads), waits bounded by condition variables (no sleeps),
// signals, and the exit code.

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace cbapi::test {

class ExampleProcess {
public:
    /// Starts `argv` (argv[0] is the program's path) in `cwd` with the test program's environment changed by `env`
    /// (a value of nullopt removes the variable). With `stdout_line_limit`, the test stops reading stdout (closes its
    /// end of the pipe, as `| head` does) once that many lines arrived. @throws std::runtime_error when it cannot start
    ExampleProcess(std::vector<std::string> argv, const std::map<std::string, std::optional<std::string>>& env,
                   const std::filesystem::path& cwd, std::size_t stdout_line_limit = 0);
    /// Kills the process if it still runs and joins the reader threads.
    ~ExampleProcess();
    ExampleProcess(const ExampleProcess&) = delete;
    ExampleProcess& operator=(const ExampleProcess&) = delete;

    /// Waits until stderr contains `text`; false after `timeout` or when the process ended without it.
    bool wait_for_stderr(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(60));
    /// Waits until stdout holds at least `lines` complete lines.
    bool wait_for_stdout_lines(std::size_t lines, std::chrono::milliseconds timeout = std::chrono::seconds(60));
    /// Sends a signal.
    void signal(int number);
    /// Waits for the exit and for the end of both outputs; the exit code, 128 + signal when killed, -1 after
    /// `timeout` (then the process is killed).
    int wait(std::chrono::milliseconds timeout = std::chrono::seconds(60));

    std::string out() const;
    std::string err() const;
    /// The complete lines of stdout.
    std::vector<std::string> out_lines() const;

private:
    bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout);
    void read_into(int fd, std::string& target, bool& closed, std::size_t line_limit);

    pid_t pid_ = -1;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::string out_, err_;
    bool out_closed_ = false, err_closed_ = false;
    std::optional<int> exit_code_;
    std::thread out_reader_, err_reader_, reaper_;
};

}  // namespace cbapi::test
