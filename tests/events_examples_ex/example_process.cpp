#include "events_examples_ex/example_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace cbapi::test {

ExampleProcess::ExampleProcess(std::vector<std::string> argv,
                               const std::map<std::string, std::optional<std::string>>& env,
                               const std::filesystem::path& cwd, std::size_t stdout_line_limit) {
    // Everything the child needs is prepared before fork(): after it, only async-signal-safe calls.
    std::vector<std::string> environment;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry = *e;
        const std::string name = entry.substr(0, entry.find('='));
        if (env.count(name) == 0) environment.push_back(entry);
    }
    for (const auto& [name, value] : env)
        if (value) environment.push_back(name + "=" + *value);
    std::vector<char*> args, envp;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    for (auto& e : environment) envp.push_back(e.data());
    envp.push_back(nullptr);
    const std::string dir = cwd.string();

    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        ::close(out_pipe[0]);
        ::close(out_pipe[1]);
        throw std::runtime_error("pipe failed");
    }
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    if (pid_ == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test program
        if (::getppid() != parent) ::_exit(126);
        // A clean signal state: gtest's or the test's blocked signals must not reach the example.
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::signal(SIGPIPE, SIG_DFL);
        ::dup2(out_pipe[1], 1);
        ::dup2(err_pipe[1], 2);
        if (::chdir(dir.c_str()) != 0) ::_exit(125);
        ::execve(args[0], args.data(), envp.data());
        ::_exit(127);
    }
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    out_reader_ = std::thread(
        [this, fd = out_pipe[0], stdout_line_limit] { read_into(fd, out_, out_closed_, stdout_line_limit); });
    err_reader_ = std::thread([this, fd = err_pipe[0]] { read_into(fd, err_, err_closed_, 0); });
    reaper_ = std::thread([this] {
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        std::lock_guard<std::mutex> lock(mutex_);
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        changed_.notify_all();
    });
}

ExampleProcess::~ExampleProcess() {
    bool running = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        running = !exit_code_.has_value();
    }
    if (running) ::kill(pid_, SIGKILL);
    if (reaper_.joinable()) reaper_.join();
    if (out_reader_.joinable()) out_reader_.join();
    if (err_reader_.joinable()) err_reader_.join();
}

void ExampleProcess::read_into(int fd, std::string& target, bool& closed, std::size_t line_limit) {
    char buffer[4096];
    std::size_t lines = 0;
    while (true) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        std::lock_guard<std::mutex> lock(mutex_);
        if (n <= 0) {
            closed = true;
            changed_.notify_all();
            break;
        }
        target.append(buffer, static_cast<std::size_t>(n));
        for (ssize_t i = 0; i < n; ++i)
            if (buffer[i] == '\n') ++lines;
        changed_.notify_all();
        if (line_limit > 0 && lines >= line_limit) {  // the reader goes away, as `| head -n` does
            closed = true;
            break;
        }
    }
    ::close(fd);
}

bool ExampleProcess::wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    const auto ended = [&] { return out_closed_ && err_closed_ && exit_code_.has_value(); };
    return changed_.wait_for(lock, timeout, [&] { return condition() || ended(); }) && condition();
}

bool ExampleProcess::wait_for_stderr(const std::string& text, std::chrono::milliseconds timeout) {
    return wait_until([&] { return err_.find(text) != std::string::npos; }, timeout);
}

bool ExampleProcess::wait_for_stdout_lines(std::size_t lines, std::chrono::milliseconds timeout) {
    return wait_until(
        [&] {
            std::size_t n = 0;
            for (char c : out_)
                if (c == '\n') ++n;
            return n >= lines;
        },
        timeout);
}

void ExampleProcess::signal(int number) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!exit_code_) ::kill(pid_, number);
}

int ExampleProcess::wait(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [&] { return exit_code_.has_value() && out_closed_ && err_closed_; })) {
        if (!exit_code_) ::kill(pid_, SIGKILL);
        return -1;
    }
    return *exit_code_;
}

std::string ExampleProcess::out() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return out_;
}

std::string ExampleProcess::err() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return err_;
}

std::vector<std::string> ExampleProcess::out_lines() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t end = out_.find('\n'); end != std::string::npos; end = out_.find('\n', start)) {
        lines.push_back(out_.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

}  // namespace cbapi::test
