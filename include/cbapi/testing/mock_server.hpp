#pragma once
/// @file
/// cbapi::testing::MockServer: an HTTP(S) server on 127.0.0.1 for tests and demos (cpp-httplib underneath).
///
/// It checks `X-Auth-Token`, records every request, and answers from one-shot scripted replies (FIFO per method and
/// path) or from registered handlers. Replies can be delayed, held until released, truncated or dropped, so that
/// retries, timeouts and bad-network paths can be tested over real loopback HTTP.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/url.hpp"
#include "cbapi/http.hpp"

namespace cbapi::testing {

/// A request as the server received it.
struct RecordedRequest {
    std::string method;
    /// Path without the query string, as sent (still percent-encoded).
    std::string path;
    /// The raw query string as sent (after '?', empty if none).
    std::string query;
    /// Decoded query parameters in the order sent.
    QueryParams params;
    Headers headers;
    std::string body;
    /// The client's TCP port (equal ports on two requests: one kept-alive connection).
    int remote_port = 0;

    /// The first decoded value of a query parameter.
    std::optional<std::string> param(const std::string& name) const;
    /// The first value of a header.
    std::optional<std::string> header(const std::string& name) const { return headers.get(name); }
    /// The body parsed as JSON (throws nlohmann::json::parse_error if it is not JSON).
    nlohmann::json json() const { return nlohmann::json::parse(body); }
};

/// How to answer one request.
struct MockResponse {
    int status = 200;
    Headers headers;
    std::string body;
    /// Sleep this long before answering (latency simulation).
    std::chrono::milliseconds delay{0};
    /// Block until MockServer::release_held() or the server stops, then answer (for timeout tests).
    bool hold = false;
    /// Close the connection without sending anything.
    bool drop = false;
    /// Send the headers with the full Content-Length but only this many body bytes, then close.
    std::optional<std::size_t> truncate_at;

    /// A JSON reply (`Content-Type: application/json`).
    static MockResponse json(const nlohmann::json& body, int status = 200);
    /// A plain-text reply.
    static MockResponse text(std::string body, int status = 200);
};

/// Network and server faults injected into replies at random (seeded), on top of whatever the handlers answer:
/// for exercising retries, error reporting and "nothing lost, nothing duplicated" guarantees.
struct FaultOptions {
    /// Fraction (0..1) of requests answered with one of `error_statuses` instead of the handler's reply.
    double error_rate = 0.0;
    /// The statuses an injected error uses, picked at random.
    std::vector<int> error_statuses = {502, 503, 504};
    /// Fraction of requests whose connection is closed without a reply.
    double drop_rate = 0.0;
    /// Fraction of replies cut off halfway through the body (the Content-Length promises more).
    double truncate_rate = 0.0;
    /// Added to every reply (simulated network and server time).
    std::chrono::milliseconds latency{0};
    /// Seed of the fault generator.
    std::uint64_t seed = 1;
    /// Methods faults apply to (empty: every method).
    std::vector<std::string> methods;

    /// True when any fault or latency is configured.
    bool any() const {
        return error_rate > 0 || drop_rate > 0 || truncate_rate > 0 || latency.count() > 0;
    }
};

/// The server. Starts listening in the constructor and stops in the destructor. All members are thread-safe.
class MockServer {
public:
    /// TLS material in PEM form; when set the server speaks HTTPS.
    struct Tls {
        std::string certificate_pem;
        std::string private_key_pem;

        /// A fresh EC P-256 key and a self-signed CA certificate for it, valid from an hour ago for `valid_days`
        /// days, naming every entry of `names` as a subject alternative name (an IPv4/IPv6 address as an IP entry,
        /// anything else as a DNS entry; the first is also the common name). The certificate is its own CA: a
        /// client trusts the server by using `certificate_pem` as its CA bundle (Credentials::ssl_cert_file) with
        /// verification on. No key material is stored anywhere.
        /// @param names the names clients will connect to (at least one)
        /// @param valid_days how long the certificate is valid
        /// @return the certificate and key in PEM form
        /// @throws std::invalid_argument for an empty list or an empty name; std::runtime_error when OpenSSL fails
        static Tls generate(const std::vector<std::string>& names = {"127.0.0.1", "localhost"}, int valid_days = 30);
    };

    struct Options {
        /// Address to listen on.
        std::string host = "127.0.0.1";
        /// Port; 0 picks a free ephemeral port.
        int port = 0;
        /// The token requests must carry in `X-Auth-Token`; empty accepts any request.
        std::string token = "mock-token";
        /// Serve HTTPS with this certificate.
        std::optional<Tls> tls;
        /// Worker threads.
        std::size_t threads = 32;
        /// Compress replies when the client accepts it (cpp-httplib prefers brotli, then gzip). Off serves every
        /// reply uncompressed, which is much cheaper for large pages (benchmarks, demos).
        bool compress = true;
        /// Faults injected at random (none by default); see also set_faults().
        FaultOptions faults;
        /// When set, every request is appended to this file as one JSON line: `{"method", "path", "query",
        /// "body", "status", "fault"}` (headers, and so the token, are never written).
        std::string record_path;
    };

    using Handler = std::function<MockResponse(const RecordedRequest&)>;

    MockServer();
    explicit MockServer(Options options);
    ~MockServer();
    MockServer(const MockServer&) = delete;
    MockServer& operator=(const MockServer&) = delete;

    /// Base URL, e.g. "http://127.0.0.1:41234".
    std::string url() const;
    /// The port listened on.
    int port() const;
    /// The token the server accepts.
    const std::string& token() const;

    /// Answers requests whose method and path (without query) match with `handler`.
    /// @param handler called (on a server thread) for each matching request
    /// @param method "GET", "POST", ... or "*" for any
    /// @param path_regex ECMAScript regex matched against the whole path
    void on(std::string method, std::string path_regex, Handler handler);
    /// Like on(), but for an endpoint that authenticates otherwise (e.g. `/api/auth` with HTTP digest): requests
    /// to it are answered without checking `X-Auth-Token`.
    void on_public(std::string method, std::string path_regex, Handler handler);
    /// Queues a one-shot reply for the next request with this method and exact path; queued replies are used
    /// before handlers, in FIFO order.
    void enqueue(std::string method, std::string path, MockResponse response);

    /// Every request received so far, in arrival order.
    std::vector<RecordedRequest> requests() const;
    /// The number of requests received so far.
    std::size_t request_count() const;
    /// Forgets the recorded requests.
    void clear_requests();
    /// Replaces the fault settings (takes effect for the next request).
    void set_faults(FaultOptions faults);
    /// The number of faults injected so far (errors, drops and truncations).
    std::size_t faults_injected() const;

    /// Lets every held reply proceed.
    void release_held();
    /// Stops listening (the destructor does this too).
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cbapi::testing
