#pragma once
/// @file
/// HTTP values exchanged between the connection and a transport: methods, headers, requests, responses.

#include "cbapi/fwd.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cbapi {

/// HTTP request methods the SDK uses.
enum class HttpMethod { get, post, put, patch, del, head };

/// The method's wire name ("GET", "POST", ...).
constexpr std::string_view to_string(HttpMethod method) noexcept {
    switch (method) {
        case HttpMethod::get: return "GET";
        case HttpMethod::post: return "POST";
        case HttpMethod::put: return "PUT";
        case HttpMethod::patch: return "PATCH";
        case HttpMethod::del: return "DELETE";
        case HttpMethod::head: return "HEAD";
    }
    return "GET";
}

/// Whether repeating the method has no further effect (RFC 9110): GET, HEAD, PUT, DELETE. POST and PATCH are not.
constexpr bool is_idempotent(HttpMethod method) noexcept {
    return method == HttpMethod::get || method == HttpMethod::head || method == HttpMethod::put ||
           method == HttpMethod::del;
}

/// Case-insensitive ASCII comparison of header names.
bool header_name_equals(std::string_view a, std::string_view b) noexcept;

/// An ordered list of header fields; names compare case-insensitively.
class Headers {
public:
    using Field = std::pair<std::string, std::string>;

    Headers() = default;
    Headers(std::initializer_list<Field> fields);

    /// Appends a field (repeated names are kept).
    void add(std::string name, std::string value);
    /// Replaces every field of that name with one field.
    void set(std::string name, std::string value);
    /// Removes every field of that name.
    void remove(std::string_view name);
    /// The first value of that name, if any.
    std::optional<std::string> get(std::string_view name) const;
    /// Whether a field of that name exists.
    bool contains(std::string_view name) const;

    auto begin() const noexcept { return fields_.begin(); }
    auto end() const noexcept { return fields_.end(); }
    std::size_t size() const noexcept { return fields_.size(); }
    bool empty() const noexcept { return fields_.empty(); }

private:
    std::vector<Field> fields_;
};

/// A user name and password for HTTP digest authentication (RFC 7616) of one request; used only to obtain an API
/// token (`/api/auth`), never for API calls.
struct DigestAuth {
    std::string username;
    std::string password;
};

/// AWS Signature Version 4 signing of one request, done by the transport (libcurl's `CURLOPT_AWS_SIGV4`): used by the
/// S3 reader of cbapi::events. The caller sends the `x-amz-content-sha256` header itself and builds a canonical URL
/// (RFC 3986-encoded path, sorted and encoded query), which libcurl 7.88 signs verbatim. The secret is never logged.
struct AwsSigV4Auth {
    /// libcurl's provider string, e.g. `aws:amz:us-east-1:s3`.
    std::string provider;
    /// The access key id (sent in the Authorization header's credential scope).
    std::string access_key_id;
    /// The secret access key (signs; never sent).
    std::string secret_access_key;
};

/// One HTTP request as handed to a Transport.
struct Request {
    HttpMethod method = HttpMethod::get;
    /// Absolute URL including the encoded query string.
    std::string url;
    Headers headers;
    /// Request body (empty: none).
    std::string body;
    /// Marks a non-idempotent request (e.g. a POST search) as a read, so that it may be retried.
    bool read_only = false;
    /// Marks a request whose reply the server hands out only once (Cb Defense notifications are dequeued when
    /// read): like a POST, it is never sent twice by any layer, even though it is a GET.
    bool consuming = false;
    /// Most bytes of body (counted after decompression, as they arrive) the transport keeps in Response::body;
    /// 0 = no limit. Past it the transfer is aborted with ResponseTooLargeError.
    std::uint64_t max_body_bytes = 0;
    /// Most bytes the transport hands to body_sink; 0 = no limit. Past it the transfer is aborted with
    /// ResponseTooLargeError.
    std::uint64_t max_sink_bytes = 0;
    /// Deadline for the whole request, replacing the transport's own (TransportOptions::timeout); 0 = the
    /// transport's.
    std::chrono::milliseconds timeout{0};
    /// When set and true, the transfer is aborted as soon as possible (an abandoned iteration's prefetch).
    std::shared_ptr<const std::atomic<bool>> cancel;
    /// When set, a transport may hand the body of a successful (2xx) response to it piece by piece as it arrives,
    /// instead of keeping it in Response::body (downloads); returning false aborts the transfer. A transport that
    /// ignores it returns the body as usual. Error bodies always stay in Response::body.
    std::function<bool(std::string_view)> body_sink;
    /// Authenticate with HTTP digest (the transport answers the server's challenge); the password is never logged.
    std::optional<DigestAuth> digest_auth;
    /// Sign with AWS Signature Version 4 (S3); the secret is never logged.
    std::optional<AwsSigV4Auth> aws_sigv4;
};

/// Whether a layer may send this request again after a failure: idempotent methods and reads marked `read_only`,
/// never a consuming request. A transport must not re-send any other request on its own (libcurl does so on a
/// reused connection that died, unless told not to).
bool may_repeat(const Request& request) noexcept;

/// Thrown when a request was aborted through its cancel flag.
class RequestCancelled : public std::exception {
public:
    const char* what() const noexcept override;
};

/// One HTTP response as returned by a Transport.
struct Response {
    int status = 0;
    Headers headers;
    /// The body, decompressed.
    std::string body;
};

}  // namespace cbapi
