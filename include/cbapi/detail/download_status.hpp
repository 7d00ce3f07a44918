#pragma once
// The last check before a downloaded body becomes a file: only a 2xx reply is the file's content. (The connection
// refuses other statuses before their body reaches a sink; this keeps a file from being committed even if a
// transport or a future change let one through.)

#include <string>

#include "cbapi/errors.hpp"
#include "cbapi/http.hpp"

namespace cbapi::detail {

/// @param reply what Connection::download() returned @param path the request path, for the message
/// @throws ServerError unless `reply.status` is 2xx
void require_download_success(const Response& reply, const std::string& path);

}  // namespace cbapi::detail
