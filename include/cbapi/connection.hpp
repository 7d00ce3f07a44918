#pragma once
/// @file
/// The connection layer: base URL, authentication headers, JSON helpers, retries, status → exception mapping and
/// request logging, on top of a Transport.

#include "cbapi/fwd.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cbapi/credentials.hpp"
#include "cbapi/detail/url.hpp"  // QueryParams
#include "cbapi/errors.hpp"      // what its calls throw
#include "cbapi/http.hpp"
#include "cbapi/retry.hpp"
#include "cbapi/transport.hpp"
#include "cbapi/version.hpp"     // the User-Agent names it

namespace cbapi {

/// The read cache of a connection (and so of an API object): GET replies for objects read by id are reused for a
/// short time, as cbapi-python keeps fetched objects for 60 s, so that no workflow asks for the same object twice in
/// a row. Reads that exist to observe change never use it.
struct CacheOptions {
    /// How long a reply is reused; 0 = no cache.
    std::chrono::milliseconds ttl{60'000};
    /// At most this many replies are kept, and at most this many bytes of them (as received); the oldest go first.
    std::size_t max_entries = 1024;
    std::uint64_t max_bytes = std::uint64_t{64} << 20;
    /// The clock the TTL is measured on; unset = std::chrono::steady_clock. Tests inject one.
    std::function<std::chrono::steady_clock::time_point()> clock;
};

/// Options of a Connection beyond its credentials. The defaults hold for every product: a careful client of a
/// production server, bounded in time and memory whatever the server does (docs/transport.md).
struct ConnectionOptions {
    /// Deadline for a whole API call (0 = no limit). 120 s, as cbapi-python has for Cb Response.
    std::chrono::milliseconds timeout{120'000};
    /// Deadline for a whole download to a file or sink (Connection::download; 0 = no limit).
    std::chrono::milliseconds download_timeout{3'600'000};
    /// Time allowed to connect (0 = libcurl's default).
    std::chrono::milliseconds connect_timeout{30'000};
    /// Give up on a call (or download) during which fewer than `low_speed_limit` bytes/s arrive for
    /// `low_speed_time`: a server that goes silent, or trickles a byte every few seconds, cannot hold a call. 0 for
    /// either = off.
    long low_speed_limit = 100;
    std::chrono::seconds low_speed_time{120};
    /// Most bytes of a reply kept in memory (JSON and error replies), counted after decompression as they arrive;
    /// past it the call fails with ResponseTooLargeError. 0 = no limit.
    std::uint64_t max_response_bytes = std::uint64_t{256} << 20;
    /// Most bytes of a download (Connection::download: binaries, Live Response files and memory dumps), counted
    /// after decompression. 0 = no limit.
    std::uint64_t max_download_bytes = std::uint64_t{16} << 30;
    /// The read cache (get_json_cached()).
    CacheOptions cache;
    /// Which failures are retried and how often.
    RetryPolicy retry;
    /// How long to wait between retries.
    BackoffPolicy backoff;
    /// How to wait; unset = really sleep. Tests inject a recording sleeper.
    Sleeper sleeper;
    /// Appended to the User-Agent after a space (identifies the integration to the server's administrators).
    std::string integration_name;
    /// The transport; unset = libcurl, configured from the credentials' TLS and proxy settings and the timeouts
    /// above. A transport given here keeps its own timeouts; the size caps and deadlines above still travel with
    /// every request (Request::max_body_bytes, Request::timeout).
    std::shared_ptr<Transport> transport;
    /// Idle keep-alive connections kept by the libcurl transport.
    std::size_t max_idle_connections = 16;
    /// Allow a plain `http://` server URL. Off: the connection refuses it with InsecureUrlError, since the token
    /// would travel in clear text (cbapi-python requires https since 1.3.3). Also allowed by `allow_http = true` in
    /// the credential profile (Credentials::allow_http) and by `CBAPI_ALLOW_HTTP=1` in the environment.
    bool allow_http = false;
};

/// A connection to one Carbon Black server.
///
/// Cheap to copy (copies share one state) and safe to use from many threads at once: its state is immutable after
/// construction and the transport is thread-safe.
///
/// While a connection (or a copy) lives, its token and the URL and proxy passwords are known to the redaction step
/// of exception texts and log lines (cbapi/errors.hpp).
///
/// @code
/// cbapi::Connection conn(cbapi::load_credentials(cbapi::Product::response));
/// nlohmann::json info = conn.get_json("/api/info");
/// @endcode
class Connection {
public:
    /// @param credentials url, token, TLS and proxy settings (validated here)
    /// @param options timeouts, caps, retries, transport
    /// @throws InsecureUrlError when the url is plain http:// and neither `options.allow_http`,
    ///         `credentials.allow_http` nor `CBAPI_ALLOW_HTTP` allows it (nothing is sent);
    ///         CredentialError when the url is not http(s), the token is empty, or either (or the integration name)
    ///         holds control characters
    explicit Connection(const Credentials& credentials, ConnectionOptions options = {});

    /// The server URL (no trailing '/').
    const std::string& url() const noexcept;
    /// The User-Agent sent with every request.
    const std::string& user_agent() const noexcept;
    /// The options in force.
    const ConnectionOptions& options() const noexcept;

    /// Sends a request to `url() + path` with the authentication headers, retrying as the policy allows.
    ///
    /// A POST or PATCH (unless `read_only`) is sent at most once, by every layer: when its connection fails after
    /// it was sent, the ConnectionError says that its outcome is unknown (ConnectionError::outcome_unknown()).
    /// The reply body is capped at ConnectionOptions::max_response_bytes.
    /// @param method HTTP method
    /// @param path absolute path on the server, starting with '/'
    /// @param params query parameters (sorted and encoded like cbapi-python)
    /// @param body request body (sent as is)
    /// @param headers extra headers (e.g. Content-Type)
    /// @param read_only marks a POST as a read so that it may be retried
    /// @param cancel optional flag that aborts the request (throws RequestCancelled) when set
    /// @param pacer optional RequestPacer that every attempt (the first and each retry) passes through
    /// @return the response, with a status below 400
    /// @throws ObjectNotFoundError (404), UnauthorizedError (401), ServerError (other >= 400), ConnectionError,
    ///         ResponseTooLargeError, TimeoutError; RequestCancelled when cancelled
    Response request(HttpMethod method, std::string_view path, const QueryParams& params = {}, std::string body = {},
                     Headers headers = {}, bool read_only = false,
                     std::shared_ptr<const std::atomic<bool>> cancel = nullptr,
                     RequestPacer* pacer = nullptr) const;

    /// GET a JSON document, like cbapi-python's `get_object`.
    /// @param path absolute path on the server @param params query parameters
    /// @param default_value what a 204 reply gives
    /// @return the parsed body for 200; `default_value` for 204
    /// @throws ServerError "Cannot parse response as JSON" for a 200 that is not JSON, "Unknown error" for any other
    ///         non-error status; the exceptions of request()
    /// @param cancel optional flag that aborts the request (throws RequestCancelled) when set
    /// @param pacer optional RequestPacer that every attempt passes through (see request())
    nlohmann::json get_json(std::string_view path, const QueryParams& params = {},
                            nlohmann::json default_value = nullptr,
                            std::shared_ptr<const std::atomic<bool>> cancel = nullptr,
                            RequestPacer* pacer = nullptr) const;

    /// Reads the reply to a GET as get_json() does (for callers that fetch with request() on one thread and parse on
    /// another, as the paging engine does).
    /// @param resp the reply @param path the path it was asked for (for error messages)
    /// @param default_value what a 204 reply gives
    /// @return the parsed body for 200; `default_value` for 204
    /// @throws ServerError as get_json()
    nlohmann::json read_json(const Response& resp, std::string_view path, nlohmann::json default_value = nullptr) const;

    /// GET a JSON document through the read cache (CacheOptions): a reply to the same path and parameters younger
    /// than the TTL is reused without a request, concurrent identical requests are sent once, and any write through
    /// this connection (POST, PUT, PATCH, DELETE) to the path, or to a path above or below it, forgets it. For
    /// objects read by id; reads that observe change (polling, an explicit refresh, search pages and counts) use
    /// get_json(). The caller gets its own copy of the document.
    /// @param path absolute path on the server @param params query parameters
    /// @param default_value what a 204 reply gives
    /// @param cancel optional flag that aborts this caller's request (throws RequestCancelled) when set; a caller that
    ///        waits for the same request sent by another caller whose request was cancelled sends its own
    /// @param pacer optional RequestPacer that every attempt of the request passes through (see request())
    /// @throws as get_json()
    nlohmann::json get_json_cached(std::string_view path, const QueryParams& params = {},
                                   nlohmann::json default_value = nullptr,
                                   std::shared_ptr<const std::atomic<bool>> cancel = nullptr,
                                   RequestPacer* pacer = nullptr) const;

    /// Forgets the cached replies for `path`, for the paths below it and above it (e.g. after a change made in a
    /// way the connection cannot see).
    void invalidate(std::string_view path) const;

    /// GET a JSON document that the server hands out only once (it dequeues what it returns, like Cb Defense
    /// notifications). The request is sent once, on a fresh connection, and never repeated by any layer.
    /// @param path absolute path on the server @param params query parameters
    /// @param what what the reply carries, for the error message (e.g. "notifications")
    /// @return the parsed body; null for 204
    /// @throws ConnectionError, TimeoutError or ServerError whose message says that the `what` the reply carried
    ///         may be lost; the HTTP status exceptions of request()
    nlohmann::json consume_json(std::string_view path, const QueryParams& params, std::string_view what) const;

    /// GETs `path` and hands the body of a successful (2xx) reply to `sink` piece by piece as it arrives, so that a
    /// large download never sits in memory. Nothing but a 2xx body ever reaches the sink: any other status (a
    /// redirect included) is an error before the first byte. Retries as request() does, but only while nothing has
    /// reached the sink yet. Capped at ConnectionOptions::max_download_bytes, with the download deadline.
    /// @param path absolute path on the server @param params query parameters
    /// @param sink receives the body in order; an exception it throws aborts the transfer and is rethrown
    /// @return the response (status and headers; its body is empty)
    /// @throws ServerError "Unexpected HTTP status" for a status other than 2xx; the exceptions of request(), and
    ///         whatever `sink` throws
    Response download(std::string_view path, const std::function<void(std::string_view)>& sink,
                      const QueryParams& params = {}) const;

    /// POST a JSON body (sorted keys, `Content-Type: application/json`).
    /// @param path absolute path on the server @param body the JSON body
    /// @param default_value what a 204 reply or an empty body gives
    /// @param read_only true for a POST that only reads (a search): it may then be retried
    /// @return the parsed reply; `default_value` for 204 or an empty body
    /// @throws ServerError for a reply that is not JSON; the exceptions of request()
    nlohmann::json post_json(std::string_view path, const nlohmann::json& body, bool read_only = false,
                             nlohmann::json default_value = nullptr) const;
    /// PUT a JSON body; see post_json().
    nlohmann::json put_json(std::string_view path, const nlohmann::json& body,
                            nlohmann::json default_value = nullptr) const;
    /// PATCH a JSON body; see post_json().
    nlohmann::json patch_json(std::string_view path, const nlohmann::json& body,
                              nlohmann::json default_value = nullptr) const;
    /// DELETE; the reply parsed as JSON when there is one, else `default_value`.
    nlohmann::json delete_json(std::string_view path, nlohmann::json default_value = nullptr) const;

    /// Sends `body` serialised as JSON with sorted keys and `Content-Type: application/json`; returns the raw
    /// response (for callers that must inspect a reply that may not be JSON).
    Response send_json_raw(HttpMethod method, std::string_view path, const nlohmann::json& body,
                           bool read_only = false) const;

    /// Parses a response body as JSON.
    /// @throws ServerError "Cannot parse response as JSON: ..." (secrets redacted) for a body that is not JSON, is
    ///         not valid UTF-8 or nests arrays/objects deeper than detail::max_json_depth levels
    nlohmann::json parse_json(const Response& resp, HttpMethod method, std::string_view path) const;

private:
    struct State;

    Request make_request(HttpMethod method, const std::string& target) const;
    nlohmann::json send_json(HttpMethod method, std::string_view path, const nlohmann::json& body, bool read_only,
                             nlohmann::json default_value) const;
    nlohmann::json reply_json(const Response& resp, HttpMethod method, std::string_view path,
                              nlohmann::json default_value) const;
    [[noreturn]] void unexpected_status(HttpMethod method, std::string_view path, const Response& resp) const;
    Response send_with_retries(const Request& req, const std::string& target, const bool* no_retry = nullptr,
                               RequestPacer* pacer = nullptr) const;
    Response send_attempt(const Request& req, RequestPacer* pacer) const;
    void wait_before_retry(int attempt, const std::optional<std::string>& retry_after, std::string_view method,
                           const std::string& target, const std::string& reason) const;

    std::shared_ptr<const State> state_;
};

}  // namespace cbapi
