// The last check before a downloaded body becomes a file (cbapi/detail/download_status.hpp).

#include "cbapi/detail/download_status.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "cbapi/connection.hpp"

#include "cbapi/errors.hpp"
#include "cbapi/http.hpp"

namespace cbapi::detail {

void require_download_success(const Response& reply, const std::string& path) {
    if (reply.status >= 200 && reply.status < 300) return;
    throw ServerError(reply.status, "the download did not succeed, so nothing was written", "GET", path);
}

void download_bounded(const Connection& connection, const std::string& path, const QueryParams& params,
                      std::uint64_t max_bytes, const std::string& what,
                      const std::function<void(std::string_view)>& sink) {
    std::uint64_t received = 0;
    const Response reply = connection.download(
        path,
        [&](std::string_view chunk) {
            if (received + chunk.size() > max_bytes)
                throw ApiError("The download of " + what + " is larger than the limit of " + std::to_string(max_bytes) +
                               " bytes");
            received += chunk.size();
            sink(chunk);
        },
        params);
    require_download_success(reply, path);
}

}  // namespace cbapi::detail
