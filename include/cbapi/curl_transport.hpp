#pragma once
/// @file
/// The libcurl transport.

#include "cbapi/fwd.hpp"

#include <memory>
#include <string>

#include "cbapi/transport.hpp"

namespace cbapi {

/// Creates the libcurl transport: one process-wide `curl_global_init`, a pool of reused easy handles (keep-alive),
/// a shared DNS and TLS-session cache, `CURLOPT_NOSIGNAL`, gzip/deflate accepted, only http/https allowed, redirects
/// not followed (the token must not travel to another host). Thread-safe.
/// @param options network and TLS settings
std::shared_ptr<Transport> make_curl_transport(TransportOptions options);

/// The libcurl version as "libcurl/<version>" (for the User-Agent).
std::string curl_version_string();

}  // namespace cbapi
