#pragma once
/// @file
/// The transport abstraction: sends one Request, returns one Response. The libcurl implementation is created by
/// make_curl_transport() (cbapi/curl_transport.hpp); tests and applications may supply their own.

#include "cbapi/fwd.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "cbapi/http.hpp"

namespace cbapi {

/// Network and TLS settings of a transport. Defaults are safe: TLS fully verified, environment proxies honoured.
struct TransportOptions {
    /// Verify the server certificate chain (CURLOPT_SSL_VERIFYPEER).
    bool verify_peer = true;
    /// Verify that the certificate matches the host name (CURLOPT_SSL_VERIFYHOST).
    bool verify_hostname = true;
    /// CA bundle (PEM file) used instead of the system store; empty = system store.
    std::string ca_bundle;
    /// Require TLS 1.2 or newer.
    bool force_tls_1_2 = false;
    /// Explicit proxy URL for every request; unset = environment proxies (unless ignore_system_proxy).
    std::optional<std::string> proxy;
    /// Ignore `http_proxy`, `https_proxy` and `all_proxy` from the environment.
    bool ignore_system_proxy = false;
    /// Time allowed to establish the connection (TCP + TLS + proxy); 0 = libcurl's default (300 s).
    std::chrono::milliseconds connect_timeout{30'000};
    /// Time allowed for the whole request, unless the request sets its own (Request::timeout); 0 = no limit.
    std::chrono::milliseconds timeout{120'000};
    /// Abort when fewer than `low_speed_limit` bytes/s arrive (or leave) for `low_speed_time`: a server that stops
    /// sending, or trickles a byte every few seconds, cannot hold a call beyond that. 0 for either = off.
    std::chrono::seconds low_speed_time{120};
    long low_speed_limit = 100;
    /// Idle connections (easy handles) kept for reuse.
    std::size_t max_idle_connections = 16;
};

/// Sends HTTP requests. Implementations must be safe to call from many threads at once.
class Transport {
public:
    virtual ~Transport() = default;

    /// Sends the request and returns the server's response, whatever its status.
    /// Must never send the request twice unless may_repeat(request) is true; must enforce the request's body caps
    /// and deadline.
    /// @throws ConnectionError when no HTTP response was obtained (with the libcurl code, whether it is retryable
    ///         and whether the request may have reached the server), ResponseTooLargeError when the body exceeds a
    ///         cap of the request, TimeoutError when the request ran out of time.
    virtual Response send(const Request& request) = 0;
};

}  // namespace cbapi
