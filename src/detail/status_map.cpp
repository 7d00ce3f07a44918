// The one table that maps an HTTP error status to the exception the caller sees (cbapi/detail/status_map.hpp).

#include "cbapi/detail/status_map.hpp"

#include <string>

#include "cbapi/detail/redact.hpp"
#include "cbapi/errors.hpp"

namespace cbapi::detail {

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
        case StatusKind::success:
        case StatusKind::server_error: break;
    }
    throw ServerError(status, shown, method, uri, body, note);
}

}  // namespace cbapi::detail
