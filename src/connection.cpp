// The connection layer: authentication headers, JSON helpers, retries, the status → exception mapping, the size caps
// and deadlines every request carries, and the registration of the connection's secrets for redaction.
#include "cbapi/connection.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>

#include <fmt/format.h>

#include "cbapi/curl_transport.hpp"
#include "cbapi/detail/json_body.hpp"
#include "cbapi/detail/json_text.hpp"
#include "cbapi/detail/redact.hpp"
#include "cbapi/detail/retry_after.hpp"
#include "cbapi/detail/status_map.hpp"
#include "cbapi/detail/url.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/logging.hpp"
#include "cbapi/version.hpp"

#include "cbapi/detail/secrets.hpp"
#include "reply_cache.hpp"

namespace cbapi {

struct Connection::State {
    std::string url;
    std::string token;
    std::string user_agent;
    ConnectionOptions options;
    detail::SecretRegistration secrets;
    std::unique_ptr<detail::ReplyCache> cache;
};

namespace {

bool has_control_characters(std::string_view text) {
    for (const char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x20 || b == 0x7F) return true;
    }
    return false;
}

bool starts_with_http(std::string_view url) {
    return url.size() >= 7 && header_name_equals(url.substr(0, 7), "http://");
}

std::string make_target(std::string_view path, const QueryParams& params) {
    std::string target(path);
    if (target.empty() || target.front() != '/') target.insert(target.begin(), '/');
    if (!params.empty()) target += "?" + detail::encode_query(params);
    return target;
}

}  // namespace

Connection::Connection(const Credentials& credentials, ConnectionOptions options) {
    validate(credentials);
    // Before anything is sent (an API object's constructor asks the server for its version through this connection).
    check_url_scheme(credentials.url, options.allow_http || credentials.allow_http);
    if (has_control_characters(options.integration_name))
        throw CredentialError("The integration name must not contain control characters (it goes into a header)");

    auto s = std::make_shared<State>();
    std::vector<std::string> secrets{credentials.token};
    for (auto& password : detail::url_passwords(credentials.url)) secrets.push_back(std::move(password));
    if (credentials.proxy)
        for (auto& password : detail::url_passwords(*credentials.proxy)) secrets.push_back(std::move(password));
    s->secrets = detail::SecretRegistration(secrets);  // before anything below can log or throw

    s->url = credentials.url;
    while (!s->url.empty() && s->url.back() == '/') s->url.pop_back();
    s->token = credentials.token;
    s->user_agent = std::string("cbapi-cpp/") + version_string + " " + curl_version_string();
    if (!options.integration_name.empty()) s->user_agent += " " + options.integration_name;
    if (!options.sleeper) options.sleeper = real_sleeper();

    auto log = logger();
    if (starts_with_http(s->url)) {
        // TLS settings mean nothing on plain HTTP: one warning, about what matters there.
        log->warn("Connecting to Cb server on unencrypted HTTP: {} (the API token travels in clear text)", s->url);
    } else if (!credentials.ssl_verify) {
        log->warn("TLS certificate verification is disabled for {}", s->url);
    } else if (!credentials.ssl_verify_hostname) {
        log->warn("TLS host name verification is disabled for {}", s->url);
    }

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
        t.low_speed_limit = options.low_speed_limit;
        t.low_speed_time = options.low_speed_time;
        t.max_idle_connections = options.max_idle_connections;
        options.transport = make_curl_transport(std::move(t));
    }
    s->cache = std::make_unique<detail::ReplyCache>(options.cache);
    s->options = std::move(options);
    state_ = std::move(s);
}

const std::string& Connection::url() const noexcept { return state_->url; }
const std::string& Connection::user_agent() const noexcept { return state_->user_agent; }
const ConnectionOptions& Connection::options() const noexcept { return state_->options; }

Request Connection::make_request(HttpMethod method, const std::string& target) const {
    Request req;
    req.method = method;
    req.url = state_->url + target;
    req.headers.set("X-Auth-Token", state_->token);
    req.headers.set("User-Agent", state_->user_agent);
    req.max_body_bytes = state_->options.max_response_bytes;
    req.timeout = state_->options.timeout;
    return req;
}

Response Connection::request(HttpMethod method, std::string_view path, const QueryParams& params, std::string body,
                             Headers headers, bool read_only, std::shared_ptr<const std::atomic<bool>> cancel,
                             RequestPacer* pacer) const {
    const std::string target = make_target(path, params);
    Request req = make_request(method, target);
    for (auto& [name, value] : headers) {
        if (has_control_characters(name) || has_control_characters(value))
            throw ApiError("Refusing to send header '" + detail::truncate_for_log(name, 64) +
                           "' holding control characters");
        req.headers.set(name, value);
    }
    req.cancel = std::move(cancel);
    req.body = std::move(body);
    req.read_only = read_only;
    if (method == HttpMethod::get || method == HttpMethod::head || read_only)
        return send_with_retries(req, target, nullptr, pacer);
    // A write makes what the cache holds for that object stale, whether or not its reply arrived.
    try {
        Response resp = send_with_retries(req, target, nullptr, pacer);
        state_->cache->invalidate(target);
        return resp;
    } catch (...) {
        state_->cache->invalidate(target);
        throw;
    }
}

nlohmann::json Connection::get_json_cached(std::string_view path, const QueryParams& params,
                                           nlohmann::json default_value,
                                           std::shared_ptr<const std::atomic<bool>> cancel,
                                           RequestPacer* pacer) const {
    const auto value = state_->cache->get(make_target(path, params), [&] {
        const Response resp = request(HttpMethod::get, path, params, {}, {}, false, cancel, pacer);
        if (resp.status == 204) return std::make_pair(detail::ReplyCache::Value(), std::size_t{0});
        if (resp.status != 200) unexpected_status(HttpMethod::get, path, resp);
        return std::make_pair(std::make_shared<const nlohmann::json>(parse_json(resp, HttpMethod::get, path)),
                              resp.body.size());
    }, cancel.get());
    return value ? *value : default_value;
}

void Connection::invalidate(std::string_view path) const { state_->cache->invalidate(make_target(path, {})); }

nlohmann::json Connection::get_json(std::string_view path, const QueryParams& params, nlohmann::json default_value,
                                    std::shared_ptr<const std::atomic<bool>> cancel, RequestPacer* pacer) const {
    const Response resp = request(HttpMethod::get, path, params, {}, {}, false, std::move(cancel), pacer);
    return read_json(resp, path, std::move(default_value));
}

nlohmann::json Connection::read_json(const Response& resp, std::string_view path, nlohmann::json default_value) const {
    if (resp.status == 204) return default_value;
    if (resp.status != 200) unexpected_status(HttpMethod::get, path, resp);
    return parse_json(resp, HttpMethod::get, path);
}

nlohmann::json Connection::consume_json(std::string_view path, const QueryParams& params,
                                        std::string_view what) const {
    const std::string target = make_target(path, params);
    Request req = make_request(HttpMethod::get, target);
    req.consuming = true;
    const std::string lost = fmt::format(
        "; the {} this reply carried may be lost (the server hands them out once, so the request was not repeated)",
        what);
    Response resp;
    try {
        resp = send_with_retries(req, target);
    } catch (const ResponseTooLargeError& e) {
        throw ResponseTooLargeError(e.what() + lost, e.uri(), e.limit());
    } catch (const ConnectionError& e) {
        throw ConnectionError(e.what() + lost, e.uri(), e.curl_code(), false, e.outcome_unknown());
    } catch (const TimeoutError& e) {
        throw TimeoutError(e.uri(), e.what() + lost, e.status(), e.curl_code());
    }
    // Error statuses were thrown above: the server handed nothing out. A success whose body is unusable did.
    if (resp.status == 204) return nullptr;
    if (resp.status != 200) unexpected_status(HttpMethod::get, path, resp);
    auto parsed = detail::parse_json_body(resp.body);
    if (parsed.is_discarded())
        throw ServerError(resp.status, "Cannot parse response as JSON: " + detail::truncate_for_log(resp.body, 256) + lost,
                          "GET", req.url, resp.body);
    return parsed;
}

Response Connection::download(std::string_view path, const std::function<void(std::string_view)>& sink,
                              const QueryParams& params) const {
    bool delivered = false;
    std::exception_ptr sink_error;
    const std::string target = make_target(path, params);
    Request req = make_request(HttpMethod::get, target);
    req.max_sink_bytes = state_->options.max_download_bytes;
    req.timeout = state_->options.download_timeout;
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
    if (resp.status < 200 || resp.status >= 300) {
        // A redirect or other non-success reply: its body is a page about the file, never the file.
        throw ServerError(resp.status,
                          "Unexpected HTTP status " + std::to_string(resp.status) + " for a download" +
                              (resp.headers.get("Location") ? " (redirected to " +
                                                                  detail::truncate_for_log(*resp.headers.get("Location"), 256) +
                                                                  "; redirects are not followed)"
                                                            : std::string()),
                          "GET", req.url, resp.body, "Nothing was written.");
    }
    if (!resp.body.empty()) {  // a transport that does not stream
        if (state_->options.max_download_bytes != 0 && resp.body.size() > state_->options.max_download_bytes)
            throw ResponseTooLargeError("The reply to " + req.url + " exceeded the limit of " +
                                            std::to_string(state_->options.max_download_bytes) +
                                            " bytes (ConnectionOptions::max_download_bytes)",
                                        req.url, state_->options.max_download_bytes);
        sink(resp.body);
        resp.body.clear();
    }
    return resp;
}

nlohmann::json Connection::post_json(std::string_view path, const nlohmann::json& body, bool read_only,
                                     nlohmann::json default_value) const {
    return send_json(HttpMethod::post, path, body, read_only, std::move(default_value));
}

nlohmann::json Connection::put_json(std::string_view path, const nlohmann::json& body,
                                    nlohmann::json default_value) const {
    return send_json(HttpMethod::put, path, body, false, std::move(default_value));
}

nlohmann::json Connection::patch_json(std::string_view path, const nlohmann::json& body,
                                      nlohmann::json default_value) const {
    return send_json(HttpMethod::patch, path, body, false, std::move(default_value));
}

nlohmann::json Connection::delete_json(std::string_view path, nlohmann::json default_value) const {
    const Response resp = request(HttpMethod::del, path);
    return reply_json(resp, HttpMethod::del, path, std::move(default_value));
}

Response Connection::send_json_raw(HttpMethod method, std::string_view path, const nlohmann::json& body,
                                   bool read_only) const {
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

nlohmann::json Connection::parse_json(const Response& resp, HttpMethod method, std::string_view path) const {
    auto parsed = detail::parse_json_body(resp.body);
    if (parsed.is_discarded()) {
        throw ServerError(resp.status, "Cannot parse response as JSON: " + detail::truncate_for_log(resp.body, 256),
                          std::string(to_string(method)), state_->url + std::string(path), resp.body);
    }
    return parsed;
}

nlohmann::json Connection::send_json(HttpMethod method, std::string_view path, const nlohmann::json& body,
                                     bool read_only, nlohmann::json default_value) const {
    const Response resp = send_json_raw(method, path, body, read_only);
    return reply_json(resp, method, path, std::move(default_value));
}

nlohmann::json Connection::reply_json(const Response& resp, HttpMethod method, std::string_view path,
                                      nlohmann::json default_value) const {
    if (resp.status == 204 || resp.body.empty()) return default_value;
    if (resp.status < 200 || resp.status >= 300) unexpected_status(method, path, resp);
    return parse_json(resp, method, path);
}

void Connection::unexpected_status(HttpMethod method, std::string_view path, const Response& resp) const {
    throw ServerError(resp.status, "Unknown error: " + detail::truncate_for_log(resp.body, 256),
                      std::string(to_string(method)), state_->url + std::string(path), resp.body);
}

// One attempt, reported to the pacer (when there is one) however it ends: a pacer counts the requests it let through
// until they are back.
Response Connection::send_attempt(const Request& req, RequestPacer* pacer) const {
    if (pacer == nullptr) return state_->options.transport->send(req);
    pacer->before_attempt();
    AttemptOutcome outcome;
    Response resp;
    try {
        resp = state_->options.transport->send(req);
    } catch (const TimeoutError&) {
        outcome.timed_out = true;
        pacer->after_attempt(outcome);
        throw;
    } catch (...) {
        pacer->after_attempt(outcome);
        throw;
    }
    outcome.status = resp.status;
    if (const auto value = resp.headers.get("Retry-After")) {
        if (auto delay = detail::parse_retry_after(*value, std::chrono::system_clock::now()))
            outcome.retry_after = std::min(*delay, state_->options.backoff.max_retry_after);
    }
    pacer->after_attempt(outcome);
    return resp;
}

Response Connection::send_with_retries(const Request& req, const std::string& target, const bool* no_retry,
                                       RequestPacer* pacer) const {
    const auto& opts = state_->options;
    const auto log = logger();
    const std::string_view method = to_string(req.method);
    if (!req.body.empty() && log->should_log(spdlog::level::debug))
        log->debug("Sending HTTP {} {} with {}", method, target, detail::truncate_for_log(req.body));

    const bool may_retry = RetryPolicy::may_retry(req);
    for (int attempt = 0;; ++attempt) {
        if (req.cancel && req.cancel->load()) throw RequestCancelled();
        bool can_retry = may_retry && attempt < opts.retry.max_retries;
        const auto started = std::chrono::steady_clock::now();
        Response resp;
        try {
            resp = send_attempt(req, pacer);
        } catch (const ResponseTooLargeError&) {
            throw;  // the same request would bring the same reply
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
            detail::throw_for_status(resp.status, std::string(method), req.url, resp.body, note);
        }
        return resp;
    }
}

void Connection::wait_before_retry(int attempt, const std::optional<std::string>& retry_after,
                                   std::string_view method, const std::string& target,
                                   const std::string& reason) const {
    const auto& opts = state_->options;
    std::chrono::milliseconds delay = opts.backoff.delay(attempt);
    if (retry_after) {
        if (auto server_delay = detail::parse_retry_after(*retry_after, std::chrono::system_clock::now()))
            delay = std::min(*server_delay, opts.backoff.max_retry_after);
    }
    logger()->info("Retrying HTTP {} {} in {} ms (retry {} of {}): {}", method, target, delay.count(), attempt + 1,
                   opts.retry.max_retries, reason);
    opts.sleeper(delay);
}

}  // namespace cbapi
