// The throwaway RabbitMQ node (see rabbitmq_broker.hpp). Facts it relies on (shared/reference §9.1): run
// /usr/lib/rabbitmq/bin/rabbitmq-server directly with RABBITMQ_* variables pointing into a scratch dir, HOME there
// for the Erlang cookie, ERL_EPMD_ADDRESS=127.0.0.1; the pid file names the Erlang VM; SIGTERM stops it in ~1.3 s.
// Additionally we run our own epmd on a free port (ERL_EPMD_PORT), so that stopping it never disturbs another node on
// the machine, and load users/vhosts/exchanges from a definitions file at boot.
#include "support/rabbitmq_broker.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace cbapi::test {

namespace {

namespace fs = std::filesystem;

std::string base64(const unsigned char* data, std::size_t size) {
    static const char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < size; i += 3) {
        const unsigned a = data[i];
        const unsigned b = i + 1 < size ? data[i + 1] : 0u;
        const unsigned c = i + 2 < size ? data[i + 2] : 0u;
        const unsigned n = (a << 16) | (b << 8) | c;
        out.push_back(table[(n >> 18) & 63]);
        out.push_back(table[(n >> 12) & 63]);
        out.push_back(i + 1 < size ? table[(n >> 6) & 63] : '=');
        out.push_back(i + 2 < size ? table[n & 63] : '=');
    }
    return out;
}

/// RabbitMQ's rabbit_password_hashing_sha256: base64(salt ++ sha256(salt ++ password)), 4-byte random salt.
std::string password_hash(const std::string& password) {
    std::array<unsigned char, 4 + 32> buffer{};
    if (RAND_bytes(buffer.data(), 4) != 1) throw std::runtime_error("RAND_bytes failed");
    std::string salted(reinterpret_cast<const char*>(buffer.data()), 4);
    salted += password;
    unsigned int length = 0;
    if (EVP_Digest(salted.data(), salted.size(), buffer.data() + 4, &length, EVP_sha256(), nullptr) != 1 ||
        length != 32) {
        throw std::runtime_error("SHA-256 failed");
    }
    return base64(buffer.data(), buffer.size());
}

/// Free loopback TCP ports: all bound at once (so they differ), then released for the node to take.
std::vector<int> free_ports(std::size_t count) {
    std::vector<int> fds;
    std::vector<int> ports;
    for (std::size_t i = 0; i < count; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        socklen_t len = sizeof addr;
        if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
            for (int f : fds) ::close(f);
            if (fd >= 0) ::close(fd);
            throw std::runtime_error(std::string("cannot find a free loopback port: ") + std::strerror(errno));
        }
        fds.push_back(fd);
        ports.push_back(ntohs(addr.sin_port));
    }
    for (int f : fds) ::close(f);
    return ports;
}

bool port_accepts(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

std::string tail_of(const fs::path& path, std::size_t lines) {
    std::ifstream in(path);
    if (!in) return "(no " + path.filename().string() + ")\n";
    std::vector<std::string> all;
    for (std::string line; std::getline(in, line);) all.push_back(line);
    std::string out;
    for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) out += all[i] + "\n";
    return out;
}

/// Forks and execs `argv` with `env`, stdout and stderr to `output`, in its own process group, with SIGTERM sent to
/// it should this process die first (a crashed test leaves nothing behind).
pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env, const fs::path& output) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<char*> envp;
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    const std::string out = output.string();
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    if (pid == 0) {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(127);
        const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (devnull >= 0) ::dup2(devnull, 0);
        ::execve(args[0], args.data(), envp.data());
        ::_exit(127);
    }
    return pid;
}

std::atomic<int> node_counter{0};

}  // namespace

RabbitMqBroker::RabbitMqBroker(RabbitMqBrokerOptions options) : options_(std::move(options)) {
    if (::access(rabbitmq_server_path, X_OK) != 0) {
        throw std::runtime_error(std::string("RabbitMQ is not installed: ") + rabbitmq_server_path +
                                 " not found. The event bus tests need a real broker: apt-get install rabbitmq-server "
                                 "(scripts/lib/common.sh lists it among the test packages).");
    }
    const char* tmp = std::getenv("CBAPI_TEST_TMP");
    fs::path base = tmp != nullptr && *tmp != '\0' ? fs::path(tmp) : fs::temp_directory_path();
    fs::create_directories(base);
    std::string pattern = (base / "rabbitmq-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("cannot create a scratch directory under " + base.string() + ": " +
                                 std::strerror(errno));
    }
    dir_ = pattern;
    const char* timeout = std::getenv("CBAPI_RABBITMQ_START_TIMEOUT");
    if (timeout != nullptr && std::atoi(timeout) > 0) options_.start_timeout = std::chrono::seconds(std::atoi(timeout));
    fs::create_directories(dir_ / "home");
    const auto ports = free_ports(3);
    amqp_port_ = ports[0];
    dist_port_ = ports[1];
    epmd_port_ = ports[2];
    node_ = "cbapitest-" + std::to_string(::getpid()) + "-" + std::to_string(++node_counter) + "@localhost";
    write_config();
}

RabbitMqBroker::~RabbitMqBroker() {
    stop();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
}

void RabbitMqBroker::write_config() const {
    using nlohmann::json;
    json users = json::array();
    json permissions = json::array();
    std::vector<RabbitMqUser> all{{"guest", "guest"}};
    all.insert(all.end(), options_.users.begin(), options_.users.end());
    std::vector<std::string> seen;
    for (const auto& u : all) {
        // A user listed again adds a permission on another virtual host; the first entry's password counts.
        const bool first = std::find(seen.begin(), seen.end(), u.name) == seen.end();
        seen.push_back(u.name);
        if (first) {
            users.push_back({{"name", u.name},
                             {"password_hash", password_hash(u.password)},
                             {"hashing_algorithm", "rabbit_password_hashing_sha256"},
                             {"tags", u.name == "guest" ? json::array({"administrator"}) : json::array()}});
        }
        if (!u.vhost.empty()) {
            permissions.push_back({{"user", u.name},
                                   {"vhost", u.vhost},
                                   {"configure", u.configure},
                                   {"write", u.write},
                                   {"read", u.read}});
        }
    }
    json vhosts = json::array({{{"name", "/"}}});
    for (const auto& v : options_.vhosts) {
        if (v != "/") vhosts.push_back({{"name", v}});
    }
    json exchanges = json::array();
    for (const auto& e : options_.exchanges) {
        exchanges.push_back({{"name", e.name},
                             {"vhost", e.vhost},
                             {"type", e.type},
                             {"durable", e.durable},
                             {"auto_delete", e.auto_delete},
                             {"internal", false},
                             {"arguments", json::object()}});
    }
    const json definitions = {
        {"users", users}, {"vhosts", vhosts}, {"permissions", permissions}, {"exchanges", exchanges}};
    std::ofstream(dir_ / "definitions.json") << definitions.dump(2);
    // Definitions loaded at boot replace the default user and vhost (so guest is in them). A small disk is no reason
    // to block publishers in a test.
    std::ofstream(dir_ / "rabbitmq.conf") << "loopback_users.guest = true\n"
                                          << "load_definitions = " << (dir_ / "definitions.json").string() << "\n"
                                          << "disk_free_limit.absolute = 1MB\n";
    std::ofstream(dir_ / "enabled_plugins") << "[].\n";
}

std::vector<std::string> RabbitMqBroker::environment() const {
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry = *e;
        if (entry.rfind("RABBITMQ_", 0) == 0 || entry.rfind("ERL_", 0) == 0 || entry.rfind("HOME=", 0) == 0) continue;
        env.push_back(entry);
    }
    const std::string d = dir_.string();
    env.push_back("HOME=" + d + "/home");
    env.push_back("RABBITMQ_NODENAME=" + node_);
    env.push_back("RABBITMQ_NODE_IP_ADDRESS=127.0.0.1");
    env.push_back("RABBITMQ_NODE_PORT=" + std::to_string(amqp_port_));
    env.push_back("RABBITMQ_DIST_PORT=" + std::to_string(dist_port_));
    env.push_back("RABBITMQ_MNESIA_BASE=" + d + "/mnesia");
    env.push_back("RABBITMQ_LOG_BASE=" + d + "/log");
    env.push_back("RABBITMQ_CONFIG_FILE=" + d + "/rabbitmq.conf");
    env.push_back("RABBITMQ_ENABLED_PLUGINS_FILE=" + d + "/enabled_plugins");
    env.push_back("RABBITMQ_PID_FILE=" + d + "/rabbit.pid");
    env.push_back("ERL_EPMD_ADDRESS=127.0.0.1");
    env.push_back("ERL_EPMD_PORT=" + std::to_string(epmd_port_));
    return env;
}

void RabbitMqBroker::start() {
    if (running()) return;
    const auto env = environment();
    std::string epmd = "/usr/bin/epmd";
    if (::access(epmd.c_str(), X_OK) != 0) {
        throw std::runtime_error("epmd (package erlang-base, a dependency of rabbitmq-server) is not installed");
    }
    // Our own epmd in the foreground, as our child: the node finds it and does not start a daemon we could not stop.
    epmd_pid_ = spawn({epmd, "-port", std::to_string(epmd_port_)}, env, dir_ / "epmd.out");
    const auto epmd_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!port_accepts(epmd_port_)) {
        if (std::chrono::steady_clock::now() > epmd_deadline) {
            stop();
            throw std::runtime_error("epmd did not listen on 127.0.0.1:" + std::to_string(epmd_port_) + "\n" +
                                     log_tail());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::error_code ignored;
    fs::remove(dir_ / "rabbit.pid", ignored);
    server_pid_ = spawn({rabbitmq_server_path}, env, dir_ / "server.out");
    const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
    for (;;) {
        if (port_accepts(amqp_port_)) return;
        int status = 0;
        if (::waitpid(server_pid_, &status, WNOHANG) == server_pid_) {
            server_pid_ = -1;
            const std::string tail = log_tail();
            stop();
            throw std::runtime_error("rabbitmq-server exited during start-up (node " + node_ + ", AMQP port " +
                                     std::to_string(amqp_port_) + "):\n" + tail);
        }
        if (std::chrono::steady_clock::now() > deadline) {
            const std::string tail = log_tail();
            stop();
            throw std::runtime_error("rabbitmq-server did not accept AMQP connections on 127.0.0.1:" +
                                     std::to_string(amqp_port_) + " within " +
                                     std::to_string(options_.start_timeout.count()) + " s (node " + node_ + "):\n" +
                                     tail);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

void RabbitMqBroker::kill_and_reap(pid_t& pid, const char* what, std::chrono::seconds grace) noexcept {
    static_cast<void>(what);
    if (pid <= 0) return;
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(-pid, SIGKILL);  // the whole process group we created for it
            ::waitpid(pid, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid = -1;
}

void RabbitMqBroker::stop() noexcept {
    if (server_pid_ > 0) {
        // The pid file names the Erlang VM (a child of the start script); the script exits when the VM does.
        pid_t vm = -1;
        {
            std::ifstream in(dir_ / "rabbit.pid");
            long value = 0;
            if (in >> value && value > 0) vm = static_cast<pid_t>(value);
        }
        if (vm > 0) {
            ::kill(vm, SIGTERM);
        } else {
            ::kill(-server_pid_, SIGTERM);
        }
        kill_and_reap(server_pid_, "rabbitmq-server", std::chrono::seconds(20));
        if (vm > 0) {
            // The VM was the script's child: make sure it is gone too before the port is reused.
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (::kill(vm, 0) == 0 && std::chrono::steady_clock::now() < deadline) {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
            if (::kill(vm, 0) == 0) ::kill(vm, SIGKILL);
        }
    }
    if (epmd_pid_ > 0) {
        ::kill(epmd_pid_, SIGTERM);
        kill_and_reap(epmd_pid_, "epmd", std::chrono::seconds(5));
    }
}

std::string RabbitMqBroker::log_tail(std::size_t lines) const {
    std::ostringstream out;
    out << "--- " << (dir_ / "server.out").string() << " ---\n" << tail_of(dir_ / "server.out", lines);
    out << "--- " << (dir_ / "log" / (node_ + ".log")).string() << " ---\n"
        << tail_of(dir_ / "log" / (node_ + ".log"), lines);
    return out.str();
}

}  // namespace cbapi::test
