#pragma once
// The last check before a downloaded body becomes a file: only a 2xx reply is the file's content. (The connection
// refuses other statuses before their body reaches a sink; this keeps a file from being committed even if a
// transport or a future change let one through.)

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "cbapi/connection.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/http.hpp"

namespace cbapi::detail {

/// @param reply what Connection::download() returned @param path the request path, for the message
/// @throws ServerError unless `reply.status` is 2xx
void require_download_success(const Response& reply, const std::string& path);

/// Downloads `path` (with `params`) through `connection`, handing the body to `sink` piece by piece, and stops with
/// an ApiError "The download of <what> is larger than the limit of <max_bytes> bytes" before more than `max_bytes`
/// reach the sink; then require_download_success().
/// @throws ApiError over the limit; what the connection and require_download_success() throw
void download_bounded(const Connection& connection, const std::string& path, const QueryParams& params,
                      std::uint64_t max_bytes, const std::string& what,
                      const std::function<void(std::string_view)>& sink);

}  // namespace cbapi::detail
