// The exception tree's constructors (cbapi/errors.hpp). Every text an exception keeps (message, URI, body, details)
// goes through detail::redact_secrets() here, once, when the exception is made.

#include "cbapi/errors.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace cbapi {

ApiError::ApiError(const std::string& message) : std::runtime_error(detail::redact_secrets(message)) {}

HttpError::HttpError(const std::string& message, int status, std::string method, std::string uri, std::string body)
    : ApiError(message),
      status_(status),
      method_(std::move(method)),
      uri_(detail::redact_secrets(uri)),
      body_(detail::redact_secrets(body)) {}

ServerError::ServerError(int status, const std::string& message, std::string method, std::string uri,
                         std::string body, std::string result)
    : HttpError(format(status, message, result), status, std::move(method), std::move(uri), std::move(body)),
      result_(std::move(result)) {}

ServerError::ServerError(Formatted message, int status, std::string method, std::string uri, std::string body,
                         std::string result)
    : HttpError(message.text, status, std::move(method), std::move(uri), std::move(body)), result_(std::move(result)) {}

std::string ServerError::format(int status, const std::string& message, const std::string& result) {
    std::string text = "Received error code " + std::to_string(status) + " from API";
    text += message.empty() ? std::string(" (No further information provided)") : ": " + message;
    if (!result.empty()) text += ". " + result;
    return text;
}

ClientError::ClientError(int status, const std::string& message, std::string method, std::string uri,
                         std::string body, std::string result)
    : ServerError(status, message, std::move(method), std::move(uri), std::move(body), std::move(result)) {}

ClientError::ClientError(Formatted message, int status, std::string method, std::string uri, std::string body)
    : ServerError(std::move(message), status, std::move(method), std::move(uri), std::move(body), {}) {}

QuerySyntaxError::QuerySyntaxError(const std::string& uri, const std::string& server_message, std::string method,
                                   std::string body)
    : ClientError(Formatted{"Received query syntax error for " + uri +
                            (server_message.empty() ? std::string() : ": " + server_message)},
                  400, std::move(method), uri, std::move(body)),
      server_message_(detail::redact_secrets(server_message)) {}

ObjectNotFoundError::ObjectNotFoundError(const std::string& uri, const std::string& message, std::string method,
                                         std::string body)
    : HttpError("Received 404 (Object Not Found) for " + uri + (message.empty() ? "" : ": " + message), 404,
                std::move(method), uri, std::move(body)) {}

UnauthorizedError::UnauthorizedError(const std::string& uri, const std::string& message, const std::string& action,
                                     std::string body)
    : HttpError(message.empty() ? "Unauthorized: attempted to " + action + " " + uri : message, 401, action, uri,
                std::move(body)) {}

ConnectionError::ConnectionError(const std::string& message, std::string uri, int curl_code, bool retryable,
                                 bool outcome_unknown)
    : ApiError(message),
      uri_(detail::redact_secrets(uri)),
      curl_code_(curl_code),
      retryable_(retryable),
      outcome_unknown_(outcome_unknown) {}

ResponseTooLargeError::ResponseTooLargeError(const std::string& message, std::string uri, std::uint64_t limit)
    : ConnectionError(message, std::move(uri), 0, false, false), limit_(limit) {}

TimeoutError::TimeoutError(std::string uri, const std::string& message, std::optional<int> status, int curl_code)
    : ApiError(format(uri, message, status)),
      uri_(detail::redact_secrets(uri)),
      status_(status),
      curl_code_(curl_code) {}

std::string TimeoutError::format(const std::string& uri, const std::string& message, std::optional<int> status) {
    if (uri.empty()) return message;
    std::string text = "Timed out when requesting " + uri + " from API";
    if (status) text += " with HTTP status code " + std::to_string(*status);
    if (!message.empty()) text += ": " + message;
    return text;
}

LiveResponseError::LiveResponseError(const std::string& message, std::string details,
                                     std::optional<long long> win32_error, std::string decoded_win32_error)
    : ApiError(message),
      details_(detail::redact_secrets(details)),
      win32_error_(win32_error),
      decoded_win32_error_(std::move(decoded_win32_error)) {}

}  // namespace cbapi
