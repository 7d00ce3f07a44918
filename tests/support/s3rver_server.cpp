#include "support/s3rver_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#ifndef CBAPI_S3RVER_PACKAGE_DIR
#error "CBAPI_S3RVER_PACKAGE_DIR (tests/support/s3rver) must be defined"
#endif
#ifndef CBAPI_S3RVER_INSTALL_DIR
#error "CBAPI_S3RVER_INSTALL_DIR (where npm ci installs s3rver in the build tree) must be defined"
#endif

namespace cbapi::test {

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// The full path of a program found in PATH, or "".
std::string find_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        if (dir.empty()) continue;
        const fs::path candidate = fs::path(dir) / name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
    return {};
}

// Runs a program to completion with stdout+stderr into `log`; returns its exit status (-1: did not run).
int run_program(const std::vector<std::string>& argv, const fs::path& cwd, const fs::path& log) {
    const pid_t pid = ::fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        if (::chdir(cwd.c_str()) != 0) ::_exit(126);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Installs the pinned s3rver into the build tree unless the same lock file is installed there already. Several test
// processes may start at once (ctest -j): an flock on a file in the install directory serialises them.
fs::path ensure_installed(const std::string& node, const std::string& npm) {
    const fs::path source = CBAPI_S3RVER_PACKAGE_DIR;
    const fs::path target = CBAPI_S3RVER_INSTALL_DIR;
    fs::create_directories(target);
    const std::string lock_path = (target / ".install-lock").string();
    const int lock = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock < 0) throw std::runtime_error("cannot create " + lock_path + ": " + std::strerror(errno));
    struct Unlock {
        int fd;
        ~Unlock() { ::close(fd); }
    } unlock{lock};
    while (::flock(lock, LOCK_EX) != 0 && errno == EINTR) {
    }
    const fs::path entry = target / "node_modules" / "s3rver" / "bin" / "s3rver.js";
    const fs::path stamp = target / ".installed-lock.json";  // the lock file of the last successful npm ci
    const std::string wanted = read_file(source / "package-lock.json");
    if (wanted.empty()) throw std::runtime_error("cannot read " + (source / "package-lock.json").string());
    if (fs::exists(entry) && fs::exists(stamp) && read_file(stamp) == wanted) return entry;

    fs::copy_file(source / "package.json", target / "package.json", fs::copy_options::overwrite_existing);
    fs::copy_file(source / "package-lock.json", target / "package-lock.json", fs::copy_options::overwrite_existing);
    const fs::path log = target / "npm-ci.log";
    const int rc = run_program({npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"}, target, log);
    if (rc != 0 || !fs::exists(entry))
        throw std::runtime_error("`npm ci` of s3rver 3.7.1 in " + target.string() + " failed (exit " +
                                 std::to_string(rc) + "; it needs the npm registry):\n" + read_file(log));
    fs::copy_file(source / "package-lock.json", stamp, fs::copy_options::overwrite_existing);
    (void)node;
    return entry;
}

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("cannot find a free loopback port");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool accepts_connections(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

std::mutex shared_mutex;
std::unique_ptr<S3rverServer> shared_server;

// Stops the shared server when the test program ends.
class S3rverEnvironment : public ::testing::Environment {
public:
    void TearDown() override {
        std::lock_guard<std::mutex> lock(shared_mutex);
        shared_server.reset();
    }
};

[[maybe_unused]] ::testing::Environment* const environment =
    ::testing::AddGlobalTestEnvironment(new S3rverEnvironment);

}  // namespace

S3rverServer::S3rverServer() {
    const std::string node = find_program("node");
    const std::string npm = find_program("npm");
    if (node.empty() || npm.empty())
        throw std::runtime_error(std::string("The S3 tests need Node.js and npm (Debian: apt-get install nodejs npm) "
                                             "to run s3rver; not found in PATH: ") +
                                 (node.empty() ? "node " : "") + (npm.empty() ? "npm" : ""));
    const fs::path entry = ensure_installed(node, npm);

    const char* tmp = std::getenv("CBAPI_TEST_TMP");
    const fs::path base = tmp != nullptr && *tmp != '\0' ? fs::path(tmp) : fs::temp_directory_path();
    fs::create_directories(base);
    std::string pattern = (base / "s3rver-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
        throw std::runtime_error("mkdtemp in " + base.string() + " failed: " + std::strerror(errno));
    const fs::path dir = pattern;
    data_dir_ = (dir / "data").string();
    log_path_ = (dir / "s3rver.log").string();
    fs::create_directories(data_dir_);

    for (int attempt = 0; attempt < 5; ++attempt) {
        port_ = free_port();
        // Node 20's OpenSSL 3 has no DES without the legacy provider; s3rver encrypts its continuation tokens with it.
        const std::vector<std::string> argv = {node, "--openssl-legacy-provider", entry.string(), "-d", data_dir_,
                                               "-a", "127.0.0.1", "-p", std::to_string(port_)};
        const pid_t parent = ::getpid();
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
        if (pid_ == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test program
            if (::getppid() != parent) ::_exit(1);
            const int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
            if (fd >= 0) {
                ::dup2(fd, 1);
                ::dup2(fd, 2);
            }
            std::vector<char*> args;
            for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
            args.push_back(nullptr);
            ::execv(args[0], args.data());
            ::_exit(127);
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        bool exited = false;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                exited = true;
                break;
            }
            if (accepts_connections(port_) && log().find("listening") != std::string::npos) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a real process starting: nothing to inject
        }
        if (!exited) stop();
        pid_ = -1;
    }
    throw std::runtime_error("s3rver did not start; its output:\n" + log());
}

S3rverServer::~S3rverServer() {
    stop();
    std::error_code ignored;
    fs::remove_all(fs::path(data_dir_).parent_path(), ignored);
}

void S3rverServer::stop() noexcept {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

std::string S3rverServer::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string S3rverServer::log() const { return read_file(log_path_); }

S3rverServer& S3rverServer::shared() {
    std::lock_guard<std::mutex> lock(shared_mutex);
    if (!shared_server) shared_server = std::make_unique<S3rverServer>();
    return *shared_server;
}

}  // namespace cbapi::test
