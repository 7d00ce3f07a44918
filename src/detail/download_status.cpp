// The last check before a downloaded body becomes a file (cbapi/detail/download_status.hpp).

#include "cbapi/detail/download_status.hpp"

#include <string>

#include "cbapi/errors.hpp"
#include "cbapi/http.hpp"

namespace cbapi::detail {

void require_download_success(const Response& reply, const std::string& path) {
    if (reply.status >= 200 && reply.status < 300) return;
    throw ServerError(reply.status, "the download did not succeed, so nothing was written", "GET", path);
}

}  // namespace cbapi::detail
