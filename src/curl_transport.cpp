// The libcurl transport: pooled easy handles, a shared DNS/TLS-session cache, the curl-code → exception table and
// a redacting trace log.
#include "cbapi/curl_transport.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <curl/curl.h>

#include "cbapi/detail/redact.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/logging.hpp"

namespace cbapi {
namespace {

// --- the one curl-code table -------------------------------------------------------------------------------------

enum class Failure { connection, timeout };

struct CurlCodeInfo {
    CURLcode code;
    Failure failure;
    bool retryable;  // repeating an idempotent request may succeed
};

constexpr std::array<CurlCodeInfo, 12> curl_code_table{{
    {CURLE_OPERATION_TIMEDOUT, Failure::timeout, false},
    {CURLE_COULDNT_CONNECT, Failure::connection, true},
    {CURLE_SEND_ERROR, Failure::connection, true},
    {CURLE_RECV_ERROR, Failure::connection, true},
    {CURLE_GOT_NOTHING, Failure::connection, true},
    {CURLE_PARTIAL_FILE, Failure::connection, true},
    {CURLE_HTTP2, Failure::connection, true},
    {CURLE_HTTP2_STREAM, Failure::connection, true},
    {CURLE_COULDNT_RESOLVE_HOST, Failure::connection, false},
    {CURLE_COULDNT_RESOLVE_PROXY, Failure::connection, false},
    {CURLE_PEER_FAILED_VERIFICATION, Failure::connection, false},
    {CURLE_SSL_CONNECT_ERROR, Failure::connection, false},
}};

CurlCodeInfo lookup(CURLcode code) {
    for (const auto& info : curl_code_table)
        if (info.code == code) return info;
    return {code, Failure::connection, false};
}

std::string server_of(const std::string& url) {
    const auto scheme = url.find("://");
    const auto start = scheme == std::string::npos ? 0 : scheme + 3;
    const auto end = url.find('/', start);
    return url.substr(0, end);
}

// `sent`: whether any of the request reached the wire. For a request that may not be repeated (a POST, a PATCH, a
// consuming GET), the message then says that its outcome is unknown.
[[noreturn]] void throw_for_curl_code(CURLcode code, const char* error_buffer, const std::string& url,
                                      bool repeatable, bool sent) {
    const CurlCodeInfo info = lookup(code);
    std::string detail = curl_easy_strerror(code);
    if (error_buffer[0] != '\0') detail += std::string(" (") + error_buffer + ")";
    const bool unknown = sent && !repeatable;
    if (unknown)
        detail += ". The request was sent, so the server may or may not have carried it out; it was not sent again";
    if (info.failure == Failure::timeout) throw TimeoutError(url, detail, std::nullopt, static_cast<int>(code));
    throw ConnectionError("Received a network connection error from " + server_of(url) + ": " + detail, url,
                          static_cast<int>(code), info.retryable, unknown);
}

// --- process-wide initialisation and the shared cache -------------------------------------------------------------

void global_init() {
    static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) throw ConnectionError(std::string("curl_global_init failed: ") + curl_easy_strerror(rc));
}

class Share {
public:
    Share() : handle_(curl_share_init()) {
        if (handle_ == nullptr) throw ConnectionError("curl_share_init failed");
        curl_share_setopt(handle_, CURLSHOPT_LOCKFUNC, &Share::lock);
        curl_share_setopt(handle_, CURLSHOPT_UNLOCKFUNC, &Share::unlock);
        curl_share_setopt(handle_, CURLSHOPT_USERDATA, this);
        curl_share_setopt(handle_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
        curl_share_setopt(handle_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    }
    ~Share() { curl_share_cleanup(handle_); }
    Share(const Share&) = delete;
    Share& operator=(const Share&) = delete;

    CURLSH* get() const noexcept { return handle_; }

private:
    static void lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
        static_cast<Share*>(self)->mutexes_[index(data)].lock();
    }
    static void unlock(CURL*, curl_lock_data data, void* self) {
        static_cast<Share*>(self)->mutexes_[index(data)].unlock();
    }
    static std::size_t index(curl_lock_data data) {
        const auto i = static_cast<std::size_t>(data);
        return i < CURL_LOCK_DATA_LAST ? i : 0;
    }

    CURLSH* handle_;
    std::array<std::mutex, CURL_LOCK_DATA_LAST> mutexes_;
};

// --- per-request state handed to libcurl callbacks ----------------------------------------------------------------

struct Exchange {
    Response response;
    const std::atomic<bool>* cancel = nullptr;
    // Request::body_sink, and the status of the response being received (from its status line).
    const std::function<bool(std::string_view)>* sink = nullptr;
    int status = 0;
    std::vector<std::string> secrets;  // values that must not reach the trace log
    // The caps of the request (0 = none), what has arrived so far (after decompression), and the cap that stopped
    // the transfer, if one did.
    std::uint64_t max_body = 0;
    std::uint64_t max_sink = 0;
    std::uint64_t body_bytes = 0;
    std::uint64_t sink_bytes = 0;
    std::uint64_t exceeded = 0;
    const char* exceeded_option = nullptr;

    bool to_sink() const { return sink != nullptr && *sink && status >= 200 && status < 300; }

    bool head = false;  // a HEAD reply declares a length but has no body
    std::size_t body_hint = 0;  // bytes to reserve for Response::body when its first bytes arrive (0: none)

    // Whether `more` bytes still fit under the cap of where they go (counting them); records the cap when not.
    bool admit(std::uint64_t more) {
        std::uint64_t& count = to_sink() ? sink_bytes : body_bytes;
        count += more;
        return fits(count);
    }
    // Whether a body of `total` bytes fits under the cap of where it goes; records the cap when not.
    bool fits(std::uint64_t total) {
        const bool sinking = to_sink();
        const std::uint64_t cap = sinking ? max_sink : max_body;
        if (cap == 0 || total <= cap) return true;
        exceeded = cap;
        exceeded_option = sinking ? "ConnectionOptions::max_download_bytes" : "ConnectionOptions::max_response_bytes";
        return false;
    }
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* ex = static_cast<Exchange*>(user);
    const std::size_t bytes = size * count;
    if (!ex->admit(bytes)) return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
    if (ex->to_sink()) {
        // A successful body goes to the sink as it arrives; false from the sink aborts the transfer.
        return (*ex->sink)(std::string_view(data, bytes)) ? bytes : 0;
    }
    if (ex->response.body.empty() && ex->body_hint > bytes) ex->response.body.reserve(ex->body_hint);
    ex->response.body.append(data, bytes);
    return bytes;
}

// The value of a Content-Length header line, when it is a plain number.
std::optional<std::uint64_t> content_length(std::string_view value) {
    if (value.empty() || value.size() > 19) return std::nullopt;
    std::uint64_t n = 0;
    for (const char c : value) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* ex = static_cast<Exchange*>(user);
    std::string_view line(data, size * count);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    if (line.rfind("HTTP/", 0) == 0) {
        ex->response.headers = Headers{};  // a new response (after 100 Continue or a proxy CONNECT)
        const auto space = line.find(' ');
        ex->status = space == std::string_view::npos ? 0 : std::atoi(std::string(line.substr(space + 1, 3)).c_str());
    } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
        auto value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
        const auto name = line.substr(0, colon);
        // A declared length past the cap stops the transfer before the body (a compressed body can only grow).
        if (header_name_equals(name, "Content-Length") && ex->status >= 200 && !ex->head)
            if (const auto declared = content_length(value); declared && !ex->fits(*declared)) return 0;
        ex->response.headers.add(std::string(name), std::string(value));
    }
    return size * count;
}

std::string scrub(std::string text, const std::vector<std::string>& secrets) {
    for (const auto& s : secrets) text = detail::redact(text, s);
    return text;
}

// The trace dump: headers from the allow-list only, secrets scrubbed from libcurl's own text, no payload bytes.
int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
    auto* ex = static_cast<Exchange*>(user);
    const std::string_view text(data, size);
    auto log = logger();
    switch (type) {
        case CURLINFO_TEXT: {
            std::string_view line = text;
            while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
            log->trace("curl: * {}", scrub(std::string(line), ex->secrets));
            break;
        }
        case CURLINFO_HEADER_OUT:
        case CURLINFO_HEADER_IN: {
            const char* arrow = type == CURLINFO_HEADER_OUT ? ">" : "<";
            std::size_t start = 0;
            while (start < text.size()) {
                auto end = text.find('\n', start);
                if (end == std::string_view::npos) end = text.size();
                std::string_view line = text.substr(start, end - start);
                while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
                if (!line.empty())
                    log->trace("curl: {} {}", arrow, scrub(detail::redact_header_line(line), ex->secrets));
                start = end + 1;
            }
            break;
        }
        case CURLINFO_DATA_IN:
        case CURLINFO_DATA_OUT:
            log->trace("curl: {} [{} bytes of data]", type == CURLINFO_DATA_OUT ? ">" : "<", size);
            break;
        case CURLINFO_SSL_DATA_IN:
        case CURLINFO_SSL_DATA_OUT:
        case CURLINFO_END: break;
    }
    return 0;
}

// The password of a proxy URL "scheme://user:password@host", which libcurl may echo in its own messages.
std::string proxy_password(const std::string& proxy) {
    const auto scheme = proxy.find("://");
    const auto start = scheme == std::string::npos ? 0 : scheme + 3;
    const auto at = proxy.find('@', start);
    if (at == std::string::npos) return {};
    const auto colon = proxy.find(':', start);
    if (colon == std::string::npos || colon > at) return {};
    return proxy.substr(colon + 1, at - colon - 1);
}

// --- the transport --------------------------------------------------------------------------------------------------

struct EasyDeleter {
    void operator()(CURL* h) const noexcept { curl_easy_cleanup(h); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;

struct MultiDeleter {
    void operator()(CURLM* m) const noexcept { curl_multi_cleanup(m); }
};
using Multi = std::unique_ptr<CURLM, MultiDeleter>;

// One reusable transfer slot. The multi handle owns the connection cache, so a slot that is reused keeps its
// connection alive; the multi interface lets a transfer be abandoned promptly when its request is cancelled.
struct Slot {
    Easy easy;
    Multi multi;
    // The size of the last body this handle received: the next one is reserved at about that size (pages of one
    // query are alike), so that a body is one allocation instead of a chain of doublings whose freed garbage makes
    // malloc trim and re-fault the heap of the thread that received it (issue 21: a prefetching thread's pages).
    std::size_t body_hint = 0;
};

struct SlistDeleter {
    void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

class CurlTransport final : public Transport {
public:
    explicit CurlTransport(TransportOptions options) : options_(std::move(options)) {
        global_init();
        if (options_.proxy) proxy_password_ = proxy_password(*options_.proxy);
    }

    Response send(const Request& request) override {
        Slot slot = acquire();
        Exchange ex;
        ex.cancel = request.cancel.get();
        ex.sink = &request.body_sink;
        ex.max_body = request.max_body_bytes;
        ex.max_sink = request.max_sink_bytes;
        ex.head = request.method == HttpMethod::head;
        // A little more than the last body on this handle, never more than the cap allows.
        constexpr std::size_t most_reserved = std::size_t{16} << 20;
        if (slot.body_hint != 0)
            ex.body_hint = std::min(slot.body_hint + slot.body_hint / 16 + 4096, most_reserved);
        if (ex.max_body != 0 && ex.body_hint > ex.max_body) ex.body_hint = static_cast<std::size_t>(ex.max_body);
        if (!proxy_password_.empty()) ex.secrets.push_back(proxy_password_);
        if (request.digest_auth && !request.digest_auth->password.empty())
            ex.secrets.push_back(request.digest_auth->password);
        if (request.aws_sigv4 && !request.aws_sigv4->secret_access_key.empty())
            ex.secrets.push_back(request.aws_sigv4->secret_access_key);
        char error_buffer[CURL_ERROR_SIZE] = {};

        Slist headers;
        bool has_content_type = false;
        for (const auto& [name, value] : request.headers) {
            if (header_name_equals(name, "Content-Type")) has_content_type = true;
            if (!detail::is_loggable_header(name) && !value.empty()) ex.secrets.push_back(value);
            append(headers, name + ": " + value);
        }
        // libcurl (7.88) SigV4 signs every line of the header list, these removal lines too, as empty headers the
        // server never receives (the signature would not match): a signed request goes without them.
        if (!request.aws_sigv4) {
            if (!has_content_type) append(headers, "Content-Type:");  // stop libcurl adding a form content type
            append(headers, "Expect:");                                 // no 100-continue round trip
        }

        CURL* h = slot.easy.get();
        configure(h, request, headers.get(), ex, error_buffer);

        const std::optional<CURLcode> rc = perform(slot, ex.cancel);
        if (!rc) {
            release(std::move(slot));
            throw RequestCancelled();
        }
        if (ex.exceeded_option != nullptr) {
            release(std::move(slot));
            throw ResponseTooLargeError("The reply to " + request.url + " exceeded the limit of " +
                                            std::to_string(ex.exceeded) + " bytes (" + ex.exceeded_option + ")",
                                        request.url, ex.exceeded);
        }
        if (*rc != CURLE_OK) {
            long request_size = 0;
            curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &request_size);
            release(std::move(slot));
            throw_for_curl_code(*rc, error_buffer, request.url, may_repeat(request), request_size > 0);
        }
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        ex.response.status = static_cast<int>(status);
        if (!ex.response.body.empty()) slot.body_hint = ex.response.body.size();
        release(std::move(slot));
        return std::move(ex.response);
    }

    ~CurlTransport() override = default;

private:
    static void append(Slist& list, const std::string& line) {
        curl_slist* next = curl_slist_append(list.get(), line.c_str());
        if (next == nullptr) throw ConnectionError("Out of memory building request headers");
        (void)list.release();
        list.reset(next);
    }

    void configure(CURL* h, const Request& request, curl_slist* headers, Exchange& ex, char* error_buffer) const {
        curl_easy_setopt(h, CURLOPT_SHARE, share_.get());
        curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
        // What cbapi-python (requests) asks for; the Carbon Black servers answer gzip. (Not "" = every encoding
        // libcurl has: brotli costs a server far more CPU for large pages, for no gain on these JSON replies.)
        curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "gzip, deflate");
        curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
        // libcurl silently sends a request again on a new connection when a reused one turns out dead after the
        // request was written ("Connection died, retrying a fresh connect"). A request that must reach the server
        // at most once therefore never goes out on a reused connection.
        if (!may_repeat(request)) curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &ex);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, &ex);

        switch (request.method) {
            case HttpMethod::get: curl_easy_setopt(h, CURLOPT_HTTPGET, 1L); break;
            case HttpMethod::head: curl_easy_setopt(h, CURLOPT_NOBODY, 1L); break;
            case HttpMethod::post:
            case HttpMethod::put:
            case HttpMethod::patch:
            case HttpMethod::del:
                if (request.method != HttpMethod::del || !request.body.empty()) {
                    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
                    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
                }
                if (request.method != HttpMethod::post)
                    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, std::string(to_string(request.method)).c_str());
                break;
        }

        if (request.digest_auth) {
            curl_easy_setopt(h, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_DIGEST));
            curl_easy_setopt(h, CURLOPT_USERNAME, request.digest_auth->username.c_str());
            curl_easy_setopt(h, CURLOPT_PASSWORD, request.digest_auth->password.c_str());
        }
        if (request.aws_sigv4) {
            // libcurl computes the Authorization header from the key pair; the Authorization header is not on the
            // trace log's allow-list, and the secret is scrubbed from libcurl's own text (ex.secrets).
            curl_easy_setopt(h, CURLOPT_AWS_SIGV4, request.aws_sigv4->provider.c_str());
            curl_easy_setopt(h, CURLOPT_USERNAME, request.aws_sigv4->access_key_id.c_str());
            curl_easy_setopt(h, CURLOPT_PASSWORD, request.aws_sigv4->secret_access_key.c_str());
        }

        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, options_.verify_peer ? 1L : 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, options_.verify_hostname ? 2L : 0L);
        if (!options_.ca_bundle.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_bundle.c_str());
        if (options_.force_tls_1_2) curl_easy_setopt(h, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));

        if (options_.proxy)
            curl_easy_setopt(h, CURLOPT_PROXY, options_.proxy->c_str());
        else if (options_.ignore_system_proxy)
            curl_easy_setopt(h, CURLOPT_PROXY, "");  // "" disables proxies, including the environment's

        if (options_.connect_timeout.count() > 0)
            curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
        const auto deadline = request.timeout.count() > 0 ? request.timeout : options_.timeout;
        if (deadline.count() > 0) curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(deadline.count()));
        if (options_.low_speed_time.count() > 0 && options_.low_speed_limit > 0) {
            curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.low_speed_time.count()));
            curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_limit);
        }

        if (logger()->should_log(spdlog::level::trace)) {
            curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
            curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, &on_debug);
            curl_easy_setopt(h, CURLOPT_DEBUGDATA, &ex);
        }
    }

    // Runs the transfer on the slot's multi handle; nullopt when the request was cancelled (checked at least every
    // 50 ms while it waits, so an abandoned prefetch ends promptly).
    static std::optional<CURLcode> perform(Slot& slot, const std::atomic<bool>* cancel) {
        CURLM* m = slot.multi.get();
        CURL* h = slot.easy.get();
        CURLMcode mc = curl_multi_add_handle(m, h);
        if (mc != CURLM_OK) throw ConnectionError(std::string("curl_multi_add_handle failed: ") + curl_multi_strerror(mc));
        std::optional<CURLcode> result;
        bool cancelled = false;
        for (;;) {
            int running = 0;
            mc = curl_multi_perform(m, &running);
            if (mc != CURLM_OK) break;
            if (running == 0) break;
            if (cancel != nullptr && cancel->load()) {
                cancelled = true;
                break;
            }
            mc = curl_multi_poll(m, nullptr, 0, cancel != nullptr ? 50 : 1000, nullptr);
            if (mc != CURLM_OK) break;
        }
        if (!cancelled) {
            int left = 0;
            while (CURLMsg* msg = curl_multi_info_read(m, &left))
                if (msg->msg == CURLMSG_DONE && msg->easy_handle == h) result = msg->data.result;
        }
        curl_multi_remove_handle(m, h);
        if (cancelled) return std::nullopt;
        if (mc != CURLM_OK) throw ConnectionError(std::string("libcurl multi interface failed: ") + curl_multi_strerror(mc));
        if (!result) throw ConnectionError("libcurl finished a transfer without a result");
        return result;
    }

    Slot acquire() {
        {
            std::lock_guard<std::mutex> lock(pool_mutex_);
            if (!idle_.empty()) {
                Slot slot = std::move(idle_.back());
                idle_.pop_back();
                return slot;
            }
        }
        Slot slot{Easy(curl_easy_init()), Multi(curl_multi_init())};
        if (!slot.easy || !slot.multi) throw ConnectionError("libcurl handle initialisation failed");
        return slot;
    }

    // Back to the pool with its live connection; reset drops per-request options but keeps the connection cache.
    void release(Slot slot) {
        curl_easy_reset(slot.easy.get());
        std::lock_guard<std::mutex> lock(pool_mutex_);
        if (idle_.size() < options_.max_idle_connections) idle_.push_back(std::move(slot));
    }

    TransportOptions options_;
    std::string proxy_password_;
    Share share_;
    std::mutex pool_mutex_;
    std::vector<Slot> idle_;
};

}  // namespace

std::shared_ptr<Transport> make_curl_transport(TransportOptions options) {
    return std::make_shared<CurlTransport>(std::move(options));
}

std::string curl_version_string() {
    const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
    return std::string("libcurl/") + (info != nullptr && info->version != nullptr ? info->version : "unknown");
}

}  // namespace cbapi
