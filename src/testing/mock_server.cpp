// MockServer on cpp-httplib: recording, token check, scripted and handler replies, and network faults.
#include "cbapi/testing/mock_server.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <locale>
#include <map>
#include <mutex>
#include <random>
#include <regex>
#include <stdexcept>
#include <thread>

#include <httplib.h>
#include <openssl/pem.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>

namespace cbapi::testing {
namespace {

// Finds the server-side socket of a plain-HTTP connection by its local and remote ports, so that a reply can be
// dropped without sending anything (cpp-httplib gives handlers no access to the socket).
int find_socket(int local_port, int remote_port) {
    for (int fd = 3; fd < 65536; ++fd) {
        struct stat st {};
        if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
        sockaddr_storage local{}, remote{};
        socklen_t llen = sizeof local, rlen = sizeof remote;
        if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &llen) != 0) continue;
        if (getpeername(fd, reinterpret_cast<sockaddr*>(&remote), &rlen) != 0) continue;
        auto port_of = [](const sockaddr_storage& a) -> int {
            if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
            if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
            return -1;
        };
        if (port_of(local) == local_port && port_of(remote) == remote_port) return fd;
    }
    return -1;
}

// cpp-httplib parses a multipart/form-data body into its parts and leaves the body empty; handlers and recorded
// requests get it back, re-encoded with the request's own boundary.
std::string multipart_body(const httplib::Request& req) {
    const std::string type = req.get_header_value("Content-Type");
    const auto at = type.find("boundary=");
    std::string boundary = at == std::string::npos ? std::string("boundary") : type.substr(at + 9);
    if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"')
        boundary = boundary.substr(1, boundary.size() - 2);
    std::string body;
    for (const auto& [name, part] : req.files) {
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part.name + "\"";
        if (!part.filename.empty()) body += "; filename=\"" + part.filename + "\"";
        body += "\r\n";
        if (!part.content_type.empty()) body += "Content-Type: " + part.content_type + "\r\n";
        body += "\r\n" + part.content + "\r\n";
    }
    return body + "--" + boundary + "--\r\n";
}

struct Route {
    std::string method;
    std::regex path;
    MockServer::Handler handler;
    bool needs_token = true;
};

// libstdc++'s ctype<char>::narrow() fills a per-facet cache on first use of each character, without synchronisation.
// std::regex narrows every pattern character: a route registered by the test thread (on()) and a route matched (or a
// multipart header parsed by cpp-httplib) on a server thread then write and read the same cache bytes, which
// ThreadSanitizer reports (GCC bug 77704; the bytes only ever receive the same value). Filling the whole cache once,
// before the server starts its threads, leaves nothing for later calls to write.
void fill_narrow_cache() {
    const auto& ctype = std::use_facet<std::ctype<char>>(std::locale());
    for (int c = 0; c < 256; ++c) (void)ctype.narrow(static_cast<char>(c), '\0');
}

}  // namespace

std::optional<std::string> RecordedRequest::param(const std::string& name) const {
    for (const auto& [k, v] : params)
        if (k == name) return v;
    return std::nullopt;
}

MockResponse MockResponse::json(const nlohmann::json& body, int status) {
    MockResponse r;
    r.status = status;
    r.headers.set("Content-Type", "application/json");
    r.body = body.dump();
    return r;
}

MockResponse MockResponse::text(std::string body, int status) {
    MockResponse r;
    r.status = status;
    r.headers.set("Content-Type", "text/plain");
    r.body = std::move(body);
    return r;
}

struct MockServer::Impl {
    Options options;
    std::unique_ptr<httplib::Server> server;
    std::thread listener;
    int port = 0;

    mutable std::mutex mutex;
    std::condition_variable held_cv;
    std::uint64_t holds_issued = 0;    // tickets of held replies, in arrival order
    std::uint64_t holds_released = 0;  // every ticket up to this one may proceed
    bool stopping = false;
    std::vector<RecordedRequest> recorded;
    std::map<std::pair<std::string, std::string>, std::deque<MockResponse>> queued;
    std::vector<Route> routes;
    std::mt19937_64 fault_random;
    std::size_t faults_injected = 0;
    std::ofstream record;

    // Decides (under the lock) whether this request gets a fault; returns a description or nothing.
    std::optional<std::string> pick_fault(const RecordedRequest& rec, MockResponse& reply) {
        const FaultOptions& f = options.faults;
        if (f.latency > reply.delay) reply.delay = f.latency;
        if (!f.methods.empty() && std::find(f.methods.begin(), f.methods.end(), rec.method) == f.methods.end())
            return std::nullopt;
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        const double roll = unit(fault_random);
        if (roll < f.error_rate && !f.error_statuses.empty()) {
            const int status = f.error_statuses[fault_random() % f.error_statuses.size()];
            reply = MockResponse::json({{"error", "Simulated server fault"}}, status);
            reply.delay = f.latency;
            ++faults_injected;
            return "error " + std::to_string(status);
        }
        if (roll < f.error_rate + f.drop_rate) {
            reply.drop = true;
            ++faults_injected;
            return std::string("drop");
        }
        if (roll < f.error_rate + f.drop_rate + f.truncate_rate && reply.body.size() > 1) {
            reply.truncate_at = reply.body.size() / 2;
            ++faults_injected;
            return std::string("truncate");
        }
        return std::nullopt;
    }

    void write_record(const RecordedRequest& rec, const MockResponse& reply, const std::optional<std::string>& fault) {
        if (!record.is_open()) return;
        nlohmann::json line = {{"method", rec.method}, {"path", rec.path}, {"query", rec.query},
                               {"body", rec.body},     {"status", reply.drop ? 0 : reply.status}};
        if (fault) line["fault"] = *fault;
        record << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
        record.flush();
    }

    void handle(const httplib::Request& req, httplib::Response& res) {
        RecordedRequest rec;
        rec.method = req.method;
        const auto q = req.target.find('?');
        rec.path = req.target.substr(0, q);
        if (q != std::string::npos) rec.query = req.target.substr(q + 1);
        rec.params = detail::parse_query_string(rec.query);
        for (const auto& [name, value] : req.headers) rec.headers.add(name, value);
        rec.body = req.body.empty() && req.is_multipart_form_data() ? multipart_body(req) : req.body;
        rec.remote_port = req.remote_port;

        std::optional<MockResponse> reply;
        Handler handler;
        std::uint64_t hold_ticket = 0;
        {
            std::lock_guard<std::mutex> lock(mutex);
            recorded.push_back(rec);
            if (!options.token.empty() && req.get_header_value("X-Auth-Token") != options.token &&
                !is_public(rec)) {
                reply = MockResponse::json({{"error", "Unauthorized"}}, 401);
            } else if (auto it = queued.find({rec.method, rec.path}); it != queued.end() && !it->second.empty()) {
                reply = std::move(it->second.front());
                it->second.pop_front();
                if (reply->hold) hold_ticket = ++holds_issued;
            } else {
                // Later registrations override earlier ones.
                for (auto r = routes.rbegin(); r != routes.rend(); ++r) {
                    if ((r->method == "*" || r->method == rec.method) && std::regex_match(rec.path, r->path)) {
                        handler = r->handler;
                        break;
                    }
                }
            }
        }
        if (!reply) {
            if (handler) {
                try {
                    reply = handler(rec);
                } catch (const std::exception& e) {
                    reply = MockResponse::json({{"error", std::string("mock handler failed: ") + e.what()}}, 500);
                }
            } else {
                reply = MockResponse::json({{"error", "No such endpoint: " + rec.method + " " + rec.path}}, 404);
            }
        }
        {
            std::lock_guard<std::mutex> lock(mutex);
            if (reply->hold && hold_ticket == 0) hold_ticket = ++holds_issued;  // a handler asked to hold
            std::optional<std::string> fault;
            if (options.faults.any() && reply->status != 401) fault = pick_fault(rec, *reply);
            write_record(rec, *reply, fault);
        }
        answer(req, res, std::move(*reply), hold_ticket);
    }

    // Whether the route that would answer this request is public (on_public). Called with the mutex held.
    bool is_public(const RecordedRequest& rec) const {
        for (auto r = routes.rbegin(); r != routes.rend(); ++r)
            if ((r->method == "*" || r->method == rec.method) && std::regex_match(rec.path, r->path))
                return !r->needs_token;
        return false;
    }

    void answer(const httplib::Request& req, httplib::Response& res, MockResponse reply, std::uint64_t hold_ticket) {
        if (reply.delay.count() > 0) std::this_thread::sleep_for(reply.delay);
        if (reply.hold) {
            // A ticket taken on arrival: release_held() frees every reply that arrived before it, even one that has
            // not reached this wait yet.
            std::unique_lock<std::mutex> lock(mutex);
            held_cv.wait(lock, [&] { return stopping || holds_released >= hold_ticket; });
        }
        if (reply.drop) {
            int fd = -1;
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
            if (req.ssl != nullptr) fd = SSL_get_fd(req.ssl);
#endif
            if (fd < 0) fd = find_socket(req.local_port, req.remote_port);
            if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
            res.status = 500;
            return;
        }
        res.status = reply.status;
        std::string content_type = "text/plain";
        for (const auto& [name, value] : reply.headers) {
            if (header_name_equals(name, "Content-Type"))
                content_type = value;
            else
                res.set_header(name.c_str(), value);
        }
        if (reply.truncate_at) {
            auto body = std::make_shared<std::string>(std::move(reply.body));
            const std::size_t cut = std::min(*reply.truncate_at, body->size());
            res.set_content_provider(body->size(), content_type.c_str(),
                                     [body, cut](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                         if (offset < cut) sink.write(body->data() + offset, cut - offset);
                                         return false;  // abort: the client sees a short body
                                     });
            return;
        }
        if (!options.compress) {
            // cpp-httplib compresses set_content() replies but never sized content providers.
            auto body = std::make_shared<std::string>(std::move(reply.body));
            res.set_content_provider(body->size(), content_type.c_str(),
                                     [body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                                         sink.write(body->data() + offset, length);
                                         return true;
                                     });
            return;
        }
        res.set_content(reply.body, content_type.c_str());
    }
};

MockServer::MockServer() : MockServer(Options{}) {}

MockServer::MockServer(Options options) : impl_(std::make_unique<Impl>()) {
    fill_narrow_cache();
    impl_->options = std::move(options);
    auto& opts = impl_->options;
    impl_->fault_random.seed(opts.faults.seed);
    if (!opts.record_path.empty()) {
        impl_->record.open(opts.record_path, std::ios::out | std::ios::trunc);
        if (!impl_->record) throw std::runtime_error("MockServer: cannot write the request log " + opts.record_path);
    }
    if (opts.tls) {
        BIO* cert_bio = BIO_new_mem_buf(opts.tls->certificate_pem.data(), static_cast<int>(opts.tls->certificate_pem.size()));
        BIO* key_bio = BIO_new_mem_buf(opts.tls->private_key_pem.data(), static_cast<int>(opts.tls->private_key_pem.size()));
        X509* cert = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
        EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
        BIO_free(cert_bio);
        BIO_free(key_bio);
        if (cert == nullptr || key == nullptr) {
            X509_free(cert);
            EVP_PKEY_free(key);
            throw std::invalid_argument("MockServer: cannot parse the TLS certificate or key PEM");
        }
        auto ssl = std::make_unique<httplib::SSLServer>(cert, key);
        X509_free(cert);  // the SSL context holds its own references
        EVP_PKEY_free(key);
        if (!ssl->is_valid()) throw std::runtime_error("MockServer: TLS setup failed");
        impl_->server = std::move(ssl);
    } else {
        impl_->server = std::make_unique<httplib::Server>();
    }
    auto& svr = *impl_->server;
    const std::size_t threads = opts.threads;
    svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    svr.set_keep_alive_max_count(100000);
    svr.set_tcp_nodelay(true);  // no Nagle/delayed-ACK stalls between small replies
    auto handler = [impl = impl_.get()](const httplib::Request& req, httplib::Response& res) { impl->handle(req, res); };
    svr.Get(".*", handler);
    svr.Post(".*", handler);
    svr.Put(".*", handler);
    svr.Patch(".*", handler);
    svr.Delete(".*", handler);

    impl_->port = opts.port == 0 ? svr.bind_to_any_port(opts.host) : (svr.bind_to_port(opts.host, opts.port) ? opts.port : -1);
    if (impl_->port <= 0) throw std::runtime_error("MockServer: cannot listen on " + opts.host);
    impl_->listener = std::thread([&svr] { svr.listen_after_bind(); });
    while (!svr.is_running()) std::this_thread::yield();  // stop() is a no-op until the accept loop runs
}

MockServer::~MockServer() { stop(); }

void MockServer::stop() {
    {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->held_cv.notify_all();
    if (impl_->listener.joinable()) {
        impl_->server->stop();
        impl_->listener.join();
    }
}

std::string MockServer::url() const {
    return std::string(impl_->options.tls ? "https://" : "http://") + impl_->options.host + ":" +
           std::to_string(impl_->port);
}

int MockServer::port() const { return impl_->port; }

const std::string& MockServer::token() const { return impl_->options.token; }

void MockServer::on(std::string method, std::string path_regex, Handler handler) {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->routes.push_back(Route{std::move(method), std::regex(path_regex), std::move(handler), true});
}

void MockServer::on_public(std::string method, std::string path_regex, Handler handler) {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->routes.push_back(Route{std::move(method), std::regex(path_regex), std::move(handler), false});
}

void MockServer::enqueue(std::string method, std::string path, MockResponse response) {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->queued[{std::move(method), std::move(path)}].push_back(std::move(response));
}

std::vector<RecordedRequest> MockServer::requests() const {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    return impl_->recorded;
}

std::size_t MockServer::request_count() const {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    return impl_->recorded.size();
}

void MockServer::clear_requests() {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->recorded.clear();
}

void MockServer::set_faults(FaultOptions faults) {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->fault_random.seed(faults.seed);
    impl_->options.faults = std::move(faults);
}

std::size_t MockServer::faults_injected() const {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    return impl_->faults_injected;
}

void MockServer::release_held() {
    {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        impl_->holds_released = impl_->holds_issued;
    }
    impl_->held_cv.notify_all();
}

}  // namespace cbapi::testing
