// The one table that maps an HTTP error status to the exception the caller sees (cbapi/detail/status_map.hpp).

#include "cbapi/detail/status_map.hpp"

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/detail/redact.hpp"
#include "cbapi/errors.hpp"

namespace cbapi::detail {

std::optional<std::string> query_syntax_message(int status, const std::string& body) {
    if (status != 400) return std::nullopt;
    const auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (!parsed.is_object()) return std::nullopt;
    const auto reason = parsed.find("reason");
    if (reason == parsed.end() || *reason != "query_malformed_syntax") return std::nullopt;
    if (const auto m = parsed.find("message"); m != parsed.end() && m->is_string() && !m->get_ref<const std::string&>().empty())
        return m->get<std::string>();
    return body;
}

void throw_for_status(int status, const std::string& method, const std::string& uri, const std::string& body,
                      const std::string& note) {
    const std::string shown = truncate_for_log(body);
    switch (classify_status(status)) {
        case StatusKind::unauthorized:
            throw UnauthorizedError(uri,
                                    "Unauthorized: attempted to " + method + " " + uri +
                                        (shown.empty() ? std::string() : ": " + shown),
                                    method, body);
        case StatusKind::not_found: throw ObjectNotFoundError(uri, shown, method, body);
        case StatusKind::client_error:
            if (auto message = query_syntax_message(status, body))
                throw QuerySyntaxError(uri, truncate_for_log(*message), method, body);
            throw ClientError(status, shown, method, uri, body, note);
        case StatusKind::success:
        case StatusKind::server_error: break;
    }
    throw ServerError(status, shown, method, uri, body, note);
}

}  // namespace cbapi::detail
