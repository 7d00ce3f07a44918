// ForwarderHttp on cpp-httplib: one POST handler that reads the (decompressed) body under a size cap, splits it into
// forwarder records, hands them to the sink and answers 200 only when every DoneCallback said "handled".
#include "cbapi/events/forwarder_http.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "cbapi/errors.hpp"
#include "events/forwarder_http_body.hpp"
#include "events/forwarder_record.hpp"

namespace cbapi::events {

namespace {

/// How long a POST waiting for its callbacks still waits once stop() was called.
constexpr std::chrono::milliseconds stop_grace{250};

/// Compares without an early exit, so the time taken does not tell how much of a guess was right.
bool constant_time_equal(std::string_view a, std::string_view b) {
    const std::size_t n = std::max(a.size(), b.size());
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < n; ++i) {
        const auto x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        const auto y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
        diff = static_cast<unsigned char>(diff | (x ^ y));
    }
    return diff == 0;
}

/// The records of one POST still waiting for their callbacks.
struct Batch {
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t outstanding = 0;
    bool discarded = false;
};

std::string regex_escape(const std::string& text) {
    std::string out;
    for (const char c : text) {
        if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) {
            out.push_back('\\');
        }
        out.push_back(c);
    }
    return out;
}

}  // namespace

struct ForwarderHttp::Impl {
    ForwarderHttpOptions options;
    std::unique_ptr<httplib::Server> server;
    std::uint16_t bound_port = 0;
    bool tls = false;
    std::atomic<bool> stopping{false};
    std::atomic<Sink*> sink{nullptr};
    std::mutex mutex;
    std::condition_variable wake;
    bool listener_done = false;

    std::string source_name() const {
        return fmt::format("forwarder {}://{}:{}{}", tls ? "https" : "http", options.bind_address, bound_port,
                           options.path);
    }

    void report(Sink& target, std::string origin, std::string what) const {
        target.report(SourceProblem{source_name(), std::move(origin), std::move(what)});
    }

    static void answer(httplib::Response& res, int status, const std::string& text) {
        res.status = status;
        res.set_content(text + "\n", "text/plain");
    }

    void handle(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
        Sink* target = sink.load();
        const std::string peer = req.remote_addr.empty() ? std::string("unknown peer") : req.remote_addr;
        const std::string from = "http POST from " + peer;
        if (target == nullptr || stopping.load()) {
            answer(res, 503, "not accepting events now");
            return;
        }
        if (!options.authorization.empty() &&
            !constant_time_equal(req.get_header_value("Authorization"), options.authorization)) {
            report(*target, from,
                   req.has_header("Authorization") ? "wrong Authorization header; answered 401"
                                                   : "no Authorization header; answered 401");
            res.set_header("Connection", "close");
            answer(res, 401, "unauthorized");
            return;
        }
        std::string body;
        bool too_large = false;
        const bool read = reader([&](const char* data, std::size_t length) {
            if (length > options.max_body_bytes - body.size()) {
                too_large = true;
                return false;
            }
            body.append(data, length);
            return true;
        });
        if (too_large || res.status == 413) {
            report(*target, from, fmt::format("body larger than {} bytes (after decompression); answered 413",
                                              options.max_body_bytes));
            res.set_header("Connection", "close");
            answer(res, 413, "body too large");
            return;
        }
        if (!read) {
            report(*target, from, "the body could not be read (cut short or not valid gzip/deflate); answered 400");
            res.set_header("Connection", "close");
            answer(res, 400, "unreadable body");
            return;
        }

        detail::ParsedBody parsed = detail::parse_forwarder_body(body);
        if (!parsed.error.empty()) {
            report(*target, from, parsed.error + "; answered 400 (the forwarder abandons this file)");
            answer(res, 400, "not a forwarder body: " + parsed.error);
            return;
        }
        std::vector<Message> messages;
        messages.reserve(parsed.records.size());
        for (std::size_t i = 0; i < parsed.records.size(); ++i) {
            std::string origin =
                parsed.envelope
                    ? fmt::format("http POST {} #{} from {}", detail::printable(parsed.filename), i + 1, peer)
                    : fmt::format("http POST line {} from {}", parsed.records[i].number, peer);
            std::string error;
            auto message = detail::forwarder_record(parsed.records[i].text, origin, error);
            if (!message) {
                report(*target, std::move(origin), error + "; record skipped");
                continue;
            }
            messages.push_back(std::move(*message));
        }
        if (!parsed.envelope && messages.empty()) {
            report(*target, from,
                   "no line of the body is a JSON object; answered 400 (the forwarder abandons this file)");
            answer(res, 400, "not a forwarder body: no JSON record");
            return;
        }

        auto batch = std::make_shared<Batch>();
        batch->outstanding = messages.size();
        for (auto& message : messages) {
            const bool accepted = target->deliver(std::move(message), [batch](bool handled) {
                std::lock_guard lock(batch->mutex);
                if (!handled) {
                    batch->discarded = true;
                }
                --batch->outstanding;
                batch->changed.notify_all();
            });
            if (!accepted) {
                std::lock_guard lock(batch->mutex);
                batch->discarded = true;
                break;
            }
        }
        auto deadline = std::chrono::steady_clock::now() + options.confirm_timeout;
        bool stop_seen = false;
        std::unique_lock lock(batch->mutex);
        // Woken by each callback; the 50 ms slices only notice stop() and the deadline. After stop(), callbacks
        // already running get a short grace: a consumer draining on stop (e.g. an example's --count reached inside a
        // callback) usually confirms the batch within it, and answering 503 then would make the forwarder post
        // records again that were handled.
        while (batch->outstanding > 0 && !batch->discarded) {
            const auto now = std::chrono::steady_clock::now();
            if (!stop_seen && stopping.load()) {
                stop_seen = true;
                deadline = std::min(deadline, now + stop_grace);
            }
            if (now >= deadline) {
                break;
            }
            batch->changed.wait_until(lock, std::min(deadline, now + std::chrono::milliseconds(50)));
        }
        if (batch->outstanding == 0 && !batch->discarded) {
            lock.unlock();
            answer(res, 200, "ok");
            return;
        }
        const std::string why = batch->discarded ? "the consumer discarded records (stopping)"
                                : stopping.load() ? "the receiver is stopping"
                                                  : fmt::format("records not handled within {} ms",
                                                                options.confirm_timeout.count());
        lock.unlock();
        report(*target, from, why + "; answered 503 so that the forwarder posts the batch again");
        answer(res, 503, "not handled, post again");
    }
};

ForwarderHttp::ForwarderHttp(ForwarderHttpOptions options) : impl_(std::make_unique<Impl>()) {
    if (options.path.empty() || options.path.front() != '/') {
        throw ApiError("forwarder http: the path must start with '/'");
    }
    if (options.max_body_bytes == 0) {
        throw ApiError("forwarder http: max_body_bytes must be positive");
    }
    if (options.tls_certificate_file.empty() != options.tls_private_key_file.empty()) {
        throw ApiError("forwarder http: TLS needs both a certificate file and a private key file");
    }
    impl_->options = std::move(options);
    const auto& opts = impl_->options;
    if (!opts.tls_certificate_file.empty()) {
        auto ssl = std::make_unique<httplib::SSLServer>(opts.tls_certificate_file.c_str(),
                                                        opts.tls_private_key_file.c_str());
        if (!ssl->is_valid()) {
            throw ApiError(fmt::format("forwarder http: cannot load the TLS certificate {} and key {}",
                                       opts.tls_certificate_file, opts.tls_private_key_file));
        }
        impl_->server = std::move(ssl);
        impl_->tls = true;
    } else {
        impl_->server = std::make_unique<httplib::Server>();
    }
    auto& svr = *impl_->server;
    // The forwarder posts one batch per connection at most every few seconds: no keep-alive, so that stop() never
    // waits for an idle connection, and a short wait for the request to start.
    svr.set_keep_alive_max_count(1);
    svr.set_keep_alive_timeout(2);
    svr.set_read_timeout(5, 0);
    svr.set_write_timeout(5, 0);
    svr.set_payload_max_length(opts.max_body_bytes);
    // SO_REUSEADDR only: cpp-httplib's default also sets SO_REUSEPORT, which would let another process bind the same
    // port and take a share of the forwarder's POSTs.
    svr.set_socket_options([](int sock) {
        const int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    svr.Post(regex_escape(opts.path),
             [impl = impl_.get()](const httplib::Request& req, httplib::Response& res,
                                  const httplib::ContentReader& reader) { impl->handle(req, res, reader); });
    svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        Impl::answer(res, 500, "internal error");
    });
    int port = 0;
    if (opts.port == 0) {
        port = svr.bind_to_any_port(opts.bind_address);
    } else if (svr.bind_to_port(opts.bind_address, opts.port)) {
        port = opts.port;
    } else {
        port = -1;
    }
    if (port <= 0) {
        throw ApiError(fmt::format("forwarder http: cannot listen on {} port {}", opts.bind_address, opts.port));
    }
    impl_->bound_port = static_cast<std::uint16_t>(port);
}

ForwarderHttp::~ForwarderHttp() = default;

std::uint16_t ForwarderHttp::port() const {
    return impl_->bound_port;
}

std::string ForwarderHttp::name() const {
    return impl_->source_name();
}

Delivery ForwarderHttp::delivery() const {
    return Delivery::at_least_once;
}

void ForwarderHttp::run(Sink& sink) {
    Impl& impl = *impl_;
    if (impl.stopping.load()) {
        return;
    }
    impl.sink.store(&sink);
    {
        std::lock_guard lock(impl.mutex);
        impl.listener_done = false;
    }
    bool listened = false;
    std::thread listener([&impl, &listened] {
        listened = impl.server->listen_after_bind();
        std::lock_guard lock(impl.mutex);
        impl.listener_done = true;
        impl.wake.notify_all();
    });
    {
        std::unique_lock lock(impl.mutex);
        impl.wake.wait(lock, [&impl] { return impl.stopping.load() || impl.listener_done; });
    }
    // httplib's stop() only acts once its accept loop runs: wait for that (a few ms at most after start-up).
    for (;;) {
        {
            std::lock_guard lock(impl.mutex);
            if (impl.listener_done) {
                break;
            }
        }
        if (impl.server->is_running()) {
            impl.server->stop();
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    listener.join();
    impl.sink.store(nullptr);
    if (!listened && !impl.stopping.load()) {
        throw ApiError("forwarder http: the server stopped listening on " + impl.source_name());
    }
}

void ForwarderHttp::stop() {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping.store(true);
    impl_->wake.notify_all();
}

}  // namespace cbapi::events
