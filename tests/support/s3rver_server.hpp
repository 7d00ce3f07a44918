#pragma once
// A local S3-compatible server for the tests: s3rver 3.7.1 from the npm registry (pinned by
// tests/support/s3rver/package-lock.json), installed with `npm ci` into the build tree on first use (once per build
// tree: later runs find it installed), started with node on a free loopback port with a data directory of its own,
// stopped (by pid) when the object goes away. s3rver accepts the key pair S3RVER / S3RVER, addresses buckets path
// style and does not check signatures (only the key id). A missing node or npm is an error, never a skip.
#include <string>
#include <sys/types.h>

namespace cbapi::test {

class S3rverServer {
public:
    /// The key pair s3rver accepts.
    static constexpr const char* access_key_id = "S3RVER";
    static constexpr const char* secret_access_key = "S3RVER";

    /// Installs s3rver if needed and starts it. @throws std::runtime_error naming what is missing or what failed
    S3rverServer();
    /// Stops the server (SIGTERM, then SIGKILL) and removes its data directory.
    ~S3rverServer();
    S3rverServer(const S3rverServer&) = delete;
    S3rverServer& operator=(const S3rverServer&) = delete;

    /// `http://127.0.0.1:<port>`.
    std::string url() const;
    int port() const { return port_; }
    pid_t pid() const { return pid_; }
    /// Its output (stdout and stderr), for failure messages.
    std::string log() const;

    /// The one server of this test program, started on first use; stopped at exit by the gtest Environment that
    /// s3rver_server.cpp registers.
    static S3rverServer& shared();

private:
    void stop() noexcept;

    int port_ = 0;
    pid_t pid_ = -1;
    std::string data_dir_;
    std::string log_path_;
};

}  // namespace cbapi::test
