#pragma once
/// @file
/// The SDK's exception tree, rooted at cbapi::ApiError.
///
/// ```
/// std::runtime_error
/// └── ApiError
///     ├── HttpError                 the server answered with an error status
///     │   ├── ServerError           5xx, 403 and other statuses >= 400 not below; also unusable 2xx replies
///     │   │   └── ClientError       4xx other than 401, 403 and 404 (cbapi-python 1.7.0)
///     │   │       └── QuerySyntaxError  400: the server could not parse the search query
///     │   ├── ObjectNotFoundError   404
///     │   └── UnauthorizedError     401
///     ├── ConnectionError           no usable HTTP exchange (libcurl failure: refused, reset, TLS, proxy ...)
///     │   └── ResponseTooLargeError a reply exceeded a size cap
///     ├── TimeoutError              a request or a wait ran out of time
///     ├── CredentialError           missing/invalid credentials or configuration
///     │   └── InsecureUrlError      a plain http:// URL without the explicit opt-in
///     ├── InvalidObjectError        a model failed validation before save
///     ├── MoreThanOneResultError    one() found zero or several results
///     └── LiveResponseError         a Live Response command or session failed on the endpoint
/// ```
/// No message ever contains a secret: every text an exception carries (message, URI, body, details) passes through
/// one redaction step that knows the API token of every live connection in every form a server may echo it in
/// (as is, JSON-escaped, percent-encoded; a Cb Defense token's API key half), proxy and URL passwords.

#include "cbapi/fwd.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cbapi {
namespace detail {
/// `text` with every known secret replaced by "<redacted>" (see cbapi/detail/secrets.hpp).
std::string redact_secrets(std::string_view text);
}  // namespace detail

/// Base of every exception the SDK throws. The message is redacted (detail::redact_secrets) when it is made.
class ApiError : public std::runtime_error {
public:
    /// @param message the what() text (redacted here)
    explicit ApiError(const std::string& message);
};

/// The server answered with an HTTP status the call cannot accept.
class HttpError : public ApiError {
public:
    /// @param message the full message (what() text)
    /// @param status the HTTP status code
    /// @param method the HTTP method of the request ("GET", ...)
    /// @param uri the full request URI (server URL, path and query)
    /// @param body the response body as received (the token, if echoed, is redacted)
    HttpError(const std::string& message, int status, std::string method, std::string uri, std::string body);

    /// The HTTP status code.
    int status() const noexcept { return status_; }
    /// The HTTP method of the failed request.
    const std::string& method() const noexcept { return method_; }
    /// The full URI of the failed request.
    const std::string& uri() const noexcept { return uri_; }
    /// The response body (the server's message).
    const std::string& body() const noexcept { return body_; }

private:
    int status_;
    std::string method_;
    std::string uri_;
    std::string body_;
};

/// An error status (>= 400, except 401 and 404) or an unusable reply (e.g. a 200 that is not JSON).
/// Message: "Received error code <status> from API: <message>[. <result>]".
class ServerError : public HttpError {
public:
    /// @param status HTTP status code
    /// @param message the server's message or a description of what was wrong with the reply
    /// @param method HTTP method, @param uri full URI, @param body raw body
    /// @param result an optional note on what the SDK could not do (e.g. "Did not update User record.")
    ServerError(int status, const std::string& message, std::string method = {}, std::string uri = {},
                std::string body = {}, std::string result = {});

    /// The HTTP status code (alias of status(), named like cbapi-python's `error_code`).
    int error_code() const noexcept { return status(); }
    /// What the SDK could not do because of this error; empty when not applicable.
    const std::string& result() const noexcept { return result_; }

protected:
    /// A message already formatted by a derived class (QuerySyntaxError's own wording).
    struct Formatted {
        std::string text;  ///< the what() text
    };
    /// @param message the what() text as is @param status HTTP status @param method HTTP method @param uri full URI
    /// @param body raw body @param result what the SDK could not do
    ServerError(Formatted message, int status, std::string method, std::string uri, std::string body,
                std::string result);

private:
    static std::string format(int status, const std::string& message, const std::string& result);
    std::string result_;
};

/// A request the server refused as wrong (HTTP 4xx other than 401, 403 and 404: 400, 405, 409, 422, ...), with the
/// server's message; cbapi-python raises its `ClientError` for these since 1.7.0. It derives from ServerError, which
/// the SDK threw for these statuses before, so code catching ServerError still catches it.
/// Message: "Received error code <status> from API: <message>[. <result>]".
class ClientError : public ServerError {
public:
    /// @param status HTTP status code (4xx) @param message the server's message
    /// @param method HTTP method, @param uri full URI, @param body raw body
    /// @param result an optional note on what the SDK could not do
    ClientError(int status, const std::string& message, std::string method = {}, std::string uri = {},
                std::string body = {}, std::string result = {});

protected:
    /// For QuerySyntaxError: a message already formatted.
    ClientError(Formatted message, int status, std::string method, std::string uri, std::string body);
};

/// The server could not parse a search query: HTTP 400 whose JSON body says `"reason": "query_malformed_syntax"`
/// (how Cb Response reports it; cbapi-python 1.7.0 `connection.py` raises its `QuerySyntaxError` for exactly that).
/// Message: "Received query syntax error for <uri>: <server message>".
class QuerySyntaxError : public ClientError {
public:
    /// @param uri the full request URI @param server_message the server's explanation (its `message` field, else the
    /// body) @param method HTTP method @param body raw body
    QuerySyntaxError(const std::string& uri, const std::string& server_message, std::string method = {},
                     std::string body = {});

    /// What the server said about the query (its `message`, else the whole body).
    const std::string& server_message() const noexcept { return server_message_; }

private:
    std::string server_message_;
};

/// HTTP 404. Message: "Received 404 (Object Not Found) for <uri>[: <body>]".
class ObjectNotFoundError : public HttpError {
public:
    ObjectNotFoundError(const std::string& uri, const std::string& message, std::string method = "GET",
                        std::string body = {});
};

/// HTTP 401: the token is missing, wrong or lacks the permission.
/// Message: the given message, else "Unauthorized: attempted to <action> <uri>".
class UnauthorizedError : public HttpError {
public:
    UnauthorizedError(const std::string& uri, const std::string& message, const std::string& action = "read",
                      std::string body = {});

    /// What was attempted: the HTTP method, or "read".
    const std::string& action() const noexcept { return method(); }
};

/// The request did not produce an HTTP response: refused or reset connection, DNS failure, TLS failure, proxy
/// failure, truncated reply. Carries the libcurl code (0 when the failure did not come from libcurl).
class ConnectionError : public ApiError {
public:
    /// @param message the full message
    /// @param uri the full request URI (may be empty for configuration errors)
    /// @param curl_code the libcurl error code (CURLcode), 0 if none
    /// @param retryable whether repeating an idempotent request may succeed
    /// @param outcome_unknown whether the request may have reached the server (see outcome_unknown())
    ConnectionError(const std::string& message, std::string uri = {}, int curl_code = 0, bool retryable = false,
                    bool outcome_unknown = false);

    /// Whether the request was (at least partly) sent before the exchange failed, so that the server may or may not
    /// have carried it out. For a request that changes state (a POST or PATCH) the SDK never sends it again: check
    /// on the server before repeating it.
    bool outcome_unknown() const noexcept { return outcome_unknown_; }

    /// The full request URI.
    const std::string& uri() const noexcept { return uri_; }
    /// The libcurl error code (CURLcode value), 0 if none.
    int curl_code() const noexcept { return curl_code_; }
    /// Whether repeating an idempotent request may succeed (the retry loop consults this).
    bool retryable() const noexcept { return retryable_; }

private:
    std::string uri_;
    int curl_code_;
    bool retryable_;
    bool outcome_unknown_;
};

/// A reply was larger than the cap the call allows (ConnectionOptions::max_response_bytes for replies kept in
/// memory, ConnectionOptions::max_download_bytes for downloads), counted after decompression as it arrived; the
/// transfer was stopped there. Message: "The reply to <uri> exceeded the limit of <limit> bytes (<which option>)".
class ResponseTooLargeError : public ConnectionError {
public:
    /// @param message the full message @param uri the request URI @param limit the cap in bytes
    ResponseTooLargeError(const std::string& message, std::string uri, std::uint64_t limit);

    /// The cap that was exceeded, in bytes.
    std::uint64_t limit() const noexcept { return limit_; }

private:
    std::uint64_t limit_;
};

/// A request, or a wait for a server-side state (e.g. a Live Response command), ran out of time.
/// Message: "Timed out when requesting <uri> from API[ with HTTP status code <code>][: <message>]",
/// or just the message when there is no URI.
class TimeoutError : public ApiError {
public:
    /// @param uri the URI requested or polled (may be empty)
    /// @param message detail (e.g. libcurl's text)
    /// @param status an HTTP status that accompanies the timeout, if any
    /// @param curl_code the libcurl code, 0 if the timeout did not come from libcurl
    TimeoutError(std::string uri, const std::string& message, std::optional<int> status = std::nullopt,
                 int curl_code = 0);

    /// The URI that timed out (may be empty).
    const std::string& uri() const noexcept { return uri_; }
    /// The HTTP status that accompanied the timeout, if any.
    std::optional<int> status() const noexcept { return status_; }
    /// The libcurl code, 0 if none.
    int curl_code() const noexcept { return curl_code_; }

private:
    static std::string format(const std::string& uri, const std::string& message, std::optional<int> status);
    std::string uri_;
    std::optional<int> status_;
    int curl_code_;
};

/// Credentials or connection settings are missing or invalid (profile not found, no URL or token, bad scheme).
class CredentialError : public ApiError {
public:
    using ApiError::ApiError;
};

/// The server URL is plain `http://` and plain HTTP was not explicitly allowed: the API token would travel in clear
/// text. Thrown when the connection is made, before any request. The message names the four ways to allow it
/// (ConnectionOptions::allow_http, `allow_http = true` in the credential profile, `CBAPI_ALLOW_HTTP=1`, the examples'
/// `--allow-http`); see docs/credentials.md.
class InsecureUrlError : public CredentialError {
public:
    using CredentialError::CredentialError;
};

/// A model failed validation before it was sent (e.g. "Missing fields: [a, b]").
class InvalidObjectError : public ApiError {
public:
    using ApiError::ApiError;
};

/// `one()` found zero or more than one result.
class MoreThanOneResultError : public ApiError {
public:
    using ApiError::ApiError;
};

/// A Live Response command (or session) ended with `status: "error"` on the endpoint.
/// Message: "Live Response command '<name>' failed: Win32 error code 0x80070002 (ERROR_FILE_NOT_FOUND)" when the
/// server reports a WinHresult, else the server's description. The full server document stays in details().
class LiveResponseError : public ApiError {
public:
    /// @param message the full message
    /// @param details the command or session document the server returned (JSON text)
    /// @param win32_error the HRESULT the endpoint reported (`result_code` of a `WinHresult`), if any
    /// @param decoded_win32_error the name of the Win32 error (e.g. "ERROR_FILE_NOT_FOUND"), empty if unknown
    LiveResponseError(const std::string& message, std::string details, std::optional<long long> win32_error = {},
                      std::string decoded_win32_error = {});

    /// The server's command or session document (JSON text).
    const std::string& details() const noexcept { return details_; }
    /// The HRESULT reported by the endpoint, if any.
    std::optional<long long> win32_error() const noexcept { return win32_error_; }
    /// The Win32 error name, e.g. "ERROR_ACCESS_DENIED"; empty when unknown.
    const std::string& decoded_win32_error() const noexcept { return decoded_win32_error_; }

private:
    std::string details_;
    std::optional<long long> win32_error_;
    std::string decoded_win32_error_;
};

/// Live Response work ended because its session manager was closed from another thread (SessionManager::close_all(),
/// e.g. by an InterruptGuard on SIGINT/SIGTERM): a wait for a session or a command stopped early, or a new session
/// was refused. The sessions involved are already closed on the server.
class LiveResponseClosedError : public ApiError {
public:
    using ApiError::ApiError;
};

}  // namespace cbapi
