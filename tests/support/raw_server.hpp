#pragma once
// A hostile HTTP/1.1 server on a raw loopback socket, for what cpp-httplib cannot be made to do: close a keep-alive
// connection right after reading a request, trickle a body a byte at a time, announce 2 GB and never send it,
// stream an endless chunked body or a gzip bomb. Each request goes to a handler that writes whatever bytes it wants.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace cbapi::test {

/// One request as the raw server read it.
struct RawRequest {
    std::string method;
    std::string target;  // path and query
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
    int connection = 0;  // 1-based number of the connection it came on
    int index = 0;       // 1-based number of the request on that connection (2+ = a reused connection)

    std::string path() const { return target.substr(0, target.find('?')); }
    std::string header(const std::string& lower_name) const {
        const auto it = headers.find(lower_name);
        return it == headers.end() ? std::string() : it->second;
    }
};

/// The server's side of one connection, handed to the handler.
class RawConnection {
public:
    explicit RawConnection(int fd, const std::atomic<bool>& stopping) : fd_(fd), stopping_(stopping) {}

    /// Writes bytes; false once the peer is gone (or the server is stopping).
    bool send(std::string_view bytes) {
        while (!bytes.empty()) {
            if (stopping_.load() || closed_) return false;
            const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n <= 0) {
                closed_ = true;
                return false;
            }
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }
    /// A complete response with Content-Length, kept alive.
    bool respond(int status, std::string_view body, std::string_view content_type = "application/json",
                 const std::string& extra_headers = {}) {
        std::string head = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) + "\r\n";
        head += "Content-Type: " + std::string(content_type) + "\r\n";
        head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
        head += extra_headers;
        head += "Connection: keep-alive\r\n\r\n";
        return send(head) && send(body);
    }
    /// Waits (really: the client's own clock is libcurl's, which cannot be injected), returning early when the
    /// server stops or the client has gone away.
    bool pause(std::chrono::milliseconds d) {
        const auto until = std::chrono::steady_clock::now() + d;
        while (std::chrono::steady_clock::now() < until) {
            if (stopping_.load() || closed_) return false;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 20) > 0 && (p.revents & (POLLHUP | POLLERR)) != 0) {
                closed_ = true;
                return false;
            }
        }
        return true;
    }
    /// Closes the connection (the client sees it end without, or in the middle of, a reply).
    void close() { closed_ = true; }
    bool closed() const { return closed_; }

private:
    static std::string reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 204: return "No Content";
            case 302: return "Found";
            case 404: return "Not Found";
            case 500: return "Internal Server Error";
            default: return "Status";
        }
    }
    int fd_;
    const std::atomic<bool>& stopping_;
    bool closed_ = false;
};

/// The server. The handler runs on the connection's thread; a handler that returns without close() keeps the
/// connection open for the next request.
class RawServer {
public:
    using Handler = std::function<void(RawConnection&, const RawRequest&)>;

    explicit RawServer(Handler handler) : handler_(std::move(handler)) {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (listen_fd_ < 0) throw std::runtime_error("socket failed");
        const int one = 1;
        ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0)
            throw std::runtime_error("bind/listen failed");
        socklen_t len = sizeof addr;
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        acceptor_ = std::thread([this] { accept_loop(); });
    }
    ~RawServer() { stop(); }
    RawServer(const RawServer&) = delete;
    RawServer& operator=(const RawServer&) = delete;

    /// Stops accepting, ends every connection and joins every thread.
    void stop() {
        if (stopping_.exchange(true)) return;
        ::shutdown(listen_fd_, SHUT_RDWR);
        ::close(listen_fd_);
        if (acceptor_.joinable()) acceptor_.join();
        std::vector<std::thread> threads;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            for (const int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
            threads.swap(threads_);
        }
        for (auto& t : threads) t.join();
    }

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    /// Every request read so far, in arrival order.
    std::vector<RawRequest> requests() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return requests_;
    }
    /// How many requests with this method (and, when given, path) arrived.
    std::size_t count(const std::string& method, const std::string& path = {}) const {
        std::size_t n = 0;
        for (const auto& r : requests())
            if (r.method == method && (path.empty() || r.path() == path)) ++n;
        return n;
    }
    int connections() const { return connections_.load(); }

private:
    void accept_loop() {
        for (;;) {
            const int fd = ::accept(listen_fd_, nullptr, nullptr);
            if (fd < 0) return;
            if (stopping_.load()) {
                ::close(fd);
                return;
            }
            const int number = ++connections_;
            std::lock_guard<std::mutex> lock(mutex_);
            open_fds_.push_back(fd);
            threads_.emplace_back([this, fd, number] { serve(fd, number); });
        }
    }

    void serve(int fd, int number) {
        RawConnection conn(fd, stopping_);
        std::string buffer;
        for (int index = 1; !conn.closed() && !stopping_.load(); ++index) {
            RawRequest req;
            if (!read_request(fd, buffer, req)) break;
            req.connection = number;
            req.index = index;
            {
                std::lock_guard<std::mutex> lock(mutex_);
                requests_.push_back(req);
            }
            handler_(conn, req);
        }
        std::lock_guard<std::mutex> lock(mutex_);
        open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
        ::close(fd);
    }

    bool read_more(int fd, std::string& buffer) {
        char chunk[16384];
        for (;;) {
            if (stopping_.load()) return false;
            pollfd p{fd, POLLIN, 0};
            const int ready = ::poll(&p, 1, 50);
            if (ready == 0) continue;
            if (ready < 0) return false;
            const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0) return false;
            buffer.append(chunk, static_cast<std::size_t>(n));
            return true;
        }
    }

    bool read_request(int fd, std::string& buffer, RawRequest& req) {
        std::size_t end;
        while ((end = buffer.find("\r\n\r\n")) == std::string::npos)
            if (!read_more(fd, buffer)) return false;
        const std::string head = buffer.substr(0, end);
        buffer.erase(0, end + 4);
        std::size_t line_end = head.find("\r\n");
        const std::string request_line = head.substr(0, line_end);
        const auto sp1 = request_line.find(' ');
        const auto sp2 = request_line.find(' ', sp1 + 1);
        req.method = request_line.substr(0, sp1);
        req.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
        while (line_end != std::string::npos && line_end < head.size()) {
            const auto next = head.find("\r\n", line_end + 2);
            const std::string line = head.substr(line_end + 2, next == std::string::npos ? std::string::npos
                                                                                        : next - line_end - 2);
            const auto colon = line.find(':');
            if (colon != std::string::npos) {
                std::string name = line.substr(0, colon);
                for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                std::string value = line.substr(colon + 1);
                while (!value.empty() && value.front() == ' ') value.erase(0, 1);
                req.headers[name] = value;
            }
            line_end = next;
        }
        const std::size_t length = req.headers.count("content-length") ? std::stoul(req.headers["content-length"]) : 0;
        while (buffer.size() < length)
            if (!read_more(fd, buffer)) return false;
        req.body = buffer.substr(0, length);
        buffer.erase(0, length);
        return true;
    }

    Handler handler_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> connections_{0};
    std::thread acceptor_;
    mutable std::mutex mutex_;
    std::vector<int> open_fds_;
    std::vector<std::thread> threads_;
    std::vector<RawRequest> requests_;
};

}  // namespace cbapi::test
