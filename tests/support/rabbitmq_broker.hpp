#pragma once
// A throwaway RabbitMQ node for tests: Debian's rabbitmq-server run directly (not the /usr/sbin wrapper), in a scratch
// directory of its own (data, logs, Erlang cookie), on free loopback ports chosen at run time (AMQP, Erlang
// distribution, and its own epmd), under a unique node name; users, virtual hosts, permissions and exchanges are
// loaded from a definitions file at boot (no rabbitmqctl round trips). stop() and start() take the node away and bring
// it back on the same port with the same data (durable queues and persistent messages survive). Nothing is left
// running after the destructor: the node is stopped with SIGTERM (pid file), then its epmd.
//
// Needs Debian's `rabbitmq-server` package; without it start() throws a clear error (tests must fail, not skip).

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace cbapi::test {

/// A user created at boot, with permissions on one virtual host (regular expressions, as `rabbitmqctl
/// set_permissions`). An empty `vhost` creates the user without any permission; listing a user again adds a
/// permission on another virtual host (the first entry's password counts).
struct RabbitMqUser {
    std::string name;
    std::string password;
    std::string vhost = "/";
    std::string configure = ".*";
    std::string write = ".*";
    std::string read = ".*";
};

/// An exchange that exists at boot (e.g. one declared with flags that differ from what a client expects).
struct RabbitMqExchange {
    std::string name;
    std::string vhost = "/";
    std::string type = "topic";
    bool durable = true;
    bool auto_delete = false;
};

/// What the node starts with.
struct RabbitMqBrokerOptions {
    /// Virtual hosts ("/" is always there).
    std::vector<std::string> vhosts;
    /// Users; `guest`/`guest` with full rights on "/" is always there.
    std::vector<RabbitMqUser> users;
    /// Exchanges declared at boot.
    std::vector<RabbitMqExchange> exchanges;
    /// How long start() waits for the AMQP port (a bound for the failure case only: start() returns as soon as the
    /// port accepts). A node boots in 4-8 s on an idle 2-core machine, but took 36-70 s while the machine ran two dozen
    /// compilers; the environment variable CBAPI_RABBITMQ_START_TIMEOUT (seconds) overrides this.
    std::chrono::seconds start_timeout{120};
};

class RabbitMqBroker {
public:
    /// Prepares the scratch directory (under $CBAPI_TEST_TMP, else the system temp dir) and picks the ports; does not
    /// start the node. @throws std::runtime_error when rabbitmq-server is not installed
    explicit RabbitMqBroker(RabbitMqBrokerOptions options = {});
    /// Stops the node (and epmd) and removes the scratch directory.
    ~RabbitMqBroker();
    RabbitMqBroker(const RabbitMqBroker&) = delete;
    RabbitMqBroker& operator=(const RabbitMqBroker&) = delete;

    /// Starts the node (and its epmd) and waits until the AMQP port accepts connections.
    /// @throws std::runtime_error naming what failed, with the tail of the node's output and log
    void start();
    /// Stops the node with SIGTERM and waits for it (SIGKILL after 20 s), then stops its epmd. Idempotent.
    void stop() noexcept;
    bool running() const noexcept { return server_pid_ > 0; }

    /// "127.0.0.1".
    std::string host() const { return "127.0.0.1"; }
    /// The AMQP port (the same after a restart).
    int port() const noexcept { return amqp_port_; }
    /// The scratch directory.
    const std::filesystem::path& dir() const noexcept { return dir_; }
    /// The node name, e.g. `cbapitest-1234-1@localhost`.
    const std::string& node_name() const noexcept { return node_; }
    /// The last `lines` lines of the node's console output and of its log file.
    std::string log_tail(std::size_t lines = 30) const;

private:
    void write_config() const;
    std::vector<std::string> environment() const;
    void kill_and_reap(pid_t& pid, const char* what, std::chrono::seconds grace) noexcept;

    RabbitMqBrokerOptions options_;
    std::filesystem::path dir_;
    std::string node_;
    int amqp_port_ = 0;
    int dist_port_ = 0;
    int epmd_port_ = 0;
    pid_t server_pid_ = -1;
    pid_t epmd_pid_ = -1;
};

/// Where rabbitmq-server is expected (Debian's package).
inline constexpr const char* rabbitmq_server_path = "/usr/lib/rabbitmq/bin/rabbitmq-server";

}  // namespace cbapi::test
