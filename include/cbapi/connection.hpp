#pragma once
/// @file
/// The connection layer: base URL, authentication headers, JSON helpers, retries, status → exception mapping and
/// request logging, on top of a Transport.

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cbapi/credentials.hpp"
#include "cbapi/curl_transport.hpp"
#include "cbapi/detail/redact.hpp"
#include "cbapi/detail/json_body.hpp"
#include "cbapi/detail/retry_after.hpp"
#include "cbapi/detail/status_map.hpp"
#include "cbapi/detail/url.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/http.hpp"
#include "cbapi/logging.hpp"
#include "cbapi/retry.hpp"
#include "cbapi/transport.hpp"
#include "cbapi/version.hpp"

namespace cbapi {

/// Options of a Connection beyond its credentials. Defaults suit an interactive tool; the product APIs set their
/// own (Cb Response: a 120 s request timeout, like cbapi-python).
struct ConnectionOptions {
    /// Time allowed for a whole request (0 = no limit).
    std::chrono::milliseconds timeout{0};
    /// Time allowed to connect (0 = libcurl's default).
    std::chrono::milliseconds connect_timeout{30'000};
    /// Which failures are retried and how often.
    RetryPolicy retry;
    /// How long to wait between retries.
    BackoffPolicy backoff;
    /// How to wait; unset = really sleep. Tests inject a recording sleeper.
    Sleeper sleeper;
    /// Appended to the User-Agent after a space (identifies the integration to the server's administrators).
    std::string integration_name;
    /// The transport; unset = libcurl, configured from the credentials' TLS and proxy settings.
    std::shared_ptr<Transport> transport;
    /// Idle keep-alive connections kept by the libcurl transport.
    std::size_t max_idle_connections = 16;
};

/// A connection to one Carbon Black server.
///
/// Cheap to copy (copies share one state) and safe to use from many threads at once: its state is immutable after
/// construction and the transport is thread-safe.
///
/// @code
/// cbapi::Connection conn(cbapi::load_credentials(cbapi::Product::response));
/// nlohmann::json info = conn.get_json("/api/info");
/// @endcode
class Connection {
public:
    /// @param credentials url, token, TLS and proxy settings (validated here)
    /// @param options timeouts, retries, transport
    /// @throws CredentialError when the url is not http(s) or the token is empty
    explicit Connection(const Credentials& credentials, ConnectionOptions options = {})
        : state_(std::make_shared<State>(make_state(credentials, std::move(options)))) {}

    /// The server URL (no trailing '/').
    const std::string& url() const noexcept { return state_->url; }
    /// The User-Agent sent with every request.
    const std::string& user_agent() const noexcept { return state_->user_agent; }
    /// The options in force.
    const ConnectionOptions& options() const noexcept { return state_->options; }

    /// Sends a request to `url() + path` with the authentication headers, retrying as the policy allows.
    /// @param method HTTP method
    /// @param path absolute path on the server, starting with '/'
    /// @param params query parameters (sorted and encoded like cbapi-python)
    /// @param body request body (sent as is)
    /// @param headers extra headers (e.g. Content-Type)
    /// @param read_only marks a POST as a read so that it may be retried
    /// @param cancel optional flag that aborts the request (throws RequestCancelled) when set
    /// @return the response, with a status below 400
    /// @throws ObjectNotFoundError (404), UnauthorizedError (401), ServerError (other >= 400), ConnectionError,
    ///         TimeoutError
    Response request(HttpMethod method, std::string_view path, const QueryParams& params = {}, std::string body = {},
                     Headers headers = {}, bool read_only = false,
                     std::shared_ptr<const std::atomic<bool>> cancel = nullptr) const {
        Request req;
        req.cancel = std::move(cancel);
        req.method = method;
        const std::string target = make_target(path, params);
        req.url = state_->url + target;
        req.headers = std::move(headers);
        req.headers.set("X-Auth-Token", state_->token);
        req.headers.set("User-Agent", state_->user_agent);
        req.body = std::move(body);
        req.read_only = read_only;
        return send_with_retries(req, target);
    }

    /// GET a JSON document, like cbapi-python's `get_object`.
    /// @param path absolute path on the server @param params query parameters
    /// @param default_value what a 204 reply gives
    /// @return the parsed body for 200; `default_value` for 204
    /// @throws ServerError "Cannot parse response as JSON" for a 200 that is not JSON, "Unknown error" for any other
    ///         non-error status; the exceptions of request()
    /// @param cancel optional flag that aborts the request (throws RequestCancelled) when set
    nlohmann::json get_json(std::string_view path, const QueryParams& params = {},
                            nlohmann::json default_value = nullptr,
                            std::shared_ptr<const std::atomic<bool>> cancel = nullptr) const {
        const Response resp = request(HttpMethod::get, path, params, {}, {}, false, std::move(cancel));
        if (resp.status == 204) return default_value;
        if (resp.status != 200) unexpected_status(HttpMethod::get, path, resp);
        return parse_json(resp, HttpMethod::get, path);
    }

    /// GETs `path` and hands the body of a successful reply to `sink` piece by piece as it arrives, so that a large
    /// download never sits in memory. Retries as request() does, but only while nothing has reached the sink yet.
    /// @param path absolute path on the server @param params query parameters
    /// @param sink receives the body in order; an exception it throws aborts the transfer and is rethrown
    /// @return the response (status and headers; its body is empty)
    /// @throws the exceptions of request(), and whatever `sink` throws
    Response download(std::string_view path, const std::function<void(std::string_view)>& sink,
                      const QueryParams& params = {}) const {
        bool delivered = false;
        std::exception_ptr sink_error;
        Request req;
        req.method = HttpMethod::get;
        const std::string target = make_target(path, params);
        req.url = state_->url + target;
        req.headers.set("X-Auth-Token", state_->token);
        req.headers.set("User-Agent", state_->user_agent);
        req.body_sink = [&](std::string_view chunk) {
            try {
                delivered = true;
                sink(chunk);
                return true;
            } catch (...) {
                sink_error = std::current_exception();
                return false;
            }
        };
        Response resp;
        try {
            resp = send_with_retries(req, target, &delivered);
        } catch (...) {
            if (sink_error) std::rethrow_exception(sink_error);
            throw;
        }
        if (sink_error) std::rethrow_exception(sink_error);
        if (!resp.body.empty()) {  // a transport that does not stream
            sink(resp.body);
            resp.body.clear();
        }
        return resp;
    }

    /// POST a JSON body (sorted keys, `Content-Type: application/json`).
    /// @param path absolute path on the server @param body the JSON body
    /// @param default_value what a 204 reply or an empty body gives
    /// @param read_only true for a POST that only reads (a search): it may then be retried
    /// @return the parsed reply; `default_value` for 204 or an empty body
    /// @throws ServerError for a reply that is not JSON; the exceptions of request()
    nlohmann::json post_json(std::string_view path, const nlohmann::json& body, bool read_only = false,
                             nlohmann::json default_value = nullptr) const {
        return send_json(HttpMethod::post, path, body, read_only, std::move(default_value));
    }
    /// PUT a JSON body; see post_json().
    nlohmann::json put_json(std::string_view path, const nlohmann::json& body,
                            nlohmann::json default_value = nullptr) const {
        return send_json(HttpMethod::put, path, body, false, std::move(default_value));
    }
    /// PATCH a JSON body; see post_json().
    nlohmann::json patch_json(std::string_view path, const nlohmann::json& body,
                              nlohmann::json default_value = nullptr) const {
        return send_json(HttpMethod::patch, path, body, false, std::move(default_value));
    }
    /// DELETE; the reply parsed as JSON when there is one, else `default_value`.
    nlohmann::json delete_json(std::string_view path, nlohmann::json default_value = nullptr) const {
        const Response resp = request(HttpMethod::del, path);
        return reply_json(resp, HttpMethod::del, path, std::move(default_value));
    }

    /// Sends `body` serialised as JSON with sorted keys and `Content-Type: application/json`; returns the raw
    /// response (for callers that must inspect a reply that may not be JSON).
    Response send_json_raw(HttpMethod method, std::string_view path, const nlohmann::json& body,
                           bool read_only = false) const {
        Headers headers;
        headers.set("Content-Type", "application/json");
        std::string text;
        try {
            text = body.dump();
        } catch (const nlohmann::json::type_error&) {
            // Only text the caller put in the document can be invalid UTF-8 (replies are checked when parsed).
            throw ApiError("Cannot send a request body holding text that is not valid UTF-8 to " + std::string(path));
        }
        return request(method, path, {}, std::move(text), std::move(headers), read_only);
    }

    /// Parses a response body as JSON.
    /// @throws ServerError "Cannot parse response as JSON: ..." (token redacted) for a body that is not JSON, is
    ///         not valid UTF-8 or nests arrays/objects deeper than detail::max_json_depth levels
    nlohmann::json parse_json(const Response& resp, HttpMethod method, std::string_view path) const {
        auto parsed = detail::parse_json_body(resp.body);
        if (parsed.is_discarded()) {
            const std::string body = detail::redact(resp.body, state_->token);
            throw ServerError(resp.status, "Cannot parse response as JSON: " + detail::truncate_for_log(body, 256),
                              std::string(to_string(method)), state_->url + std::string(path), body);
        }
        return parsed;
    }

private:
    struct State {
        std::string url;
        std::string token;
        std::string user_agent;
        ConnectionOptions options;
    };

    static State make_state(const Credentials& credentials, ConnectionOptions options) {
        validate(credentials);
        State s;
        s.url = credentials.url;
        while (!s.url.empty() && s.url.back() == '/') s.url.pop_back();
        s.token = credentials.token;
        s.user_agent = std::string("cbapi-cpp/") + version_string + " " + curl_version_string();
        if (!options.integration_name.empty()) s.user_agent += " " + options.integration_name;
        if (!options.sleeper) options.sleeper = real_sleeper();

        auto log = logger();
        if (s.url.size() >= 7 && header_name_equals(std::string_view(s.url).substr(0, 7), "http://"))
            log->warn("Connecting to Cb server on unencrypted HTTP: {} (the API token travels in clear text)", s.url);
        if (!credentials.ssl_verify)
            log->warn("TLS certificate verification is disabled for {}", s.url);
        else if (!credentials.ssl_verify_hostname)
            log->warn("TLS host name verification is disabled for {}", s.url);

        if (!options.transport) {
            TransportOptions t;
            t.verify_peer = credentials.ssl_verify;
            t.verify_hostname = credentials.ssl_verify && credentials.ssl_verify_hostname;
            t.ca_bundle = credentials.ssl_cert_file.value_or("");
            t.force_tls_1_2 = credentials.ssl_force_tls_1_2;
            t.proxy = credentials.proxy;
            t.ignore_system_proxy = credentials.ignore_system_proxy;
            t.connect_timeout = options.connect_timeout;
            t.timeout = options.timeout;
            t.max_idle_connections = options.max_idle_connections;
            options.transport = make_curl_transport(std::move(t));
        }
        s.options = std::move(options);
        return s;
    }

    static std::string make_target(std::string_view path, const QueryParams& params) {
        std::string target(path);
        if (target.empty() || target.front() != '/') target.insert(target.begin(), '/');
        if (!params.empty()) target += "?" + detail::encode_query(params);
        return target;
    }

    nlohmann::json send_json(HttpMethod method, std::string_view path, const nlohmann::json& body, bool read_only,
                             nlohmann::json default_value) const {
        const Response resp = send_json_raw(method, path, body, read_only);
        return reply_json(resp, method, path, std::move(default_value));
    }

    nlohmann::json reply_json(const Response& resp, HttpMethod method, std::string_view path,
                              nlohmann::json default_value) const {
        if (resp.status == 204 || resp.body.empty()) return default_value;
        if (resp.status < 200 || resp.status >= 300) unexpected_status(method, path, resp);
        return parse_json(resp, method, path);
    }

    [[noreturn]] void unexpected_status(HttpMethod method, std::string_view path, const Response& resp) const {
        const std::string body = detail::redact(resp.body, state_->token);
        throw ServerError(resp.status, "Unknown error: " + detail::truncate_for_log(body, 256),
                          std::string(to_string(method)), state_->url + std::string(path), body);
    }

    // `no_retry` (downloads): once it is true, failures are not retried (part of the body was already delivered).
    Response send_with_retries(const Request& req, const std::string& target, const bool* no_retry = nullptr) const {
        const auto& opts = state_->options;
        const auto log = logger();
        const std::string_view method = to_string(req.method);
        if (!req.body.empty() && log->should_log(spdlog::level::debug))
            log->debug("Sending HTTP {} {} with {}", method, target,
                       detail::truncate_for_log(detail::redact(req.body, state_->token)));

        const bool may_retry = RetryPolicy::may_retry(req);
        for (int attempt = 0;; ++attempt) {
            if (req.cancel && req.cancel->load()) throw RequestCancelled();
            bool can_retry = may_retry && attempt < opts.retry.max_retries;
            const auto started = std::chrono::steady_clock::now();
            Response resp;
            try {
                resp = opts.transport->send(req);
            } catch (const ConnectionError& e) {
                if (req.cancel && req.cancel->load()) throw RequestCancelled();
                if (no_retry != nullptr && *no_retry) can_retry = false;
                if (!can_retry || !opts.retry.retry_connection_errors || !e.retryable()) throw;
                wait_before_retry(attempt, std::nullopt, method, target, e.what());
                continue;
            }
            if (log->should_log(spdlog::level::debug)) {
                const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
                log->debug("HTTP {} {} took {:.3f}s (response {})", method, target, took.count(), resp.status);
            }
            if (can_retry && opts.retry.is_retryable_status(resp.status)) {
                wait_before_retry(attempt, resp.headers.get("Retry-After"), method, target,
                                  "response " + std::to_string(resp.status));
                continue;
            }
            if (resp.status >= 400) {
                const std::string note =
                    attempt > 0 ? fmt::format("Gave up after {} retr{}.", attempt, attempt == 1 ? "y" : "ies")
                                : std::string();
                detail::throw_for_status(resp.status, std::string(method), req.url,
                                         detail::redact(resp.body, state_->token), note);
            }
            return resp;
        }
    }

    void wait_before_retry(int attempt, const std::optional<std::string>& retry_after, std::string_view method,
                           const std::string& target, const std::string& reason) const {
        const auto& opts = state_->options;
        std::chrono::milliseconds delay = opts.backoff.delay(attempt);
        if (retry_after) {
            if (auto server_delay = detail::parse_retry_after(*retry_after, std::chrono::system_clock::now()))
                delay = std::min(*server_delay, opts.backoff.max_retry_after);
        }
        logger()->info("Retrying HTTP {} {} in {} ms (retry {} of {}): {}", method, target, delay.count(),
                       attempt + 1, opts.retry.max_retries, reason);
        opts.sleeper(delay);
    }

    std::shared_ptr<const State> state_;
};

}  // namespace cbapi
