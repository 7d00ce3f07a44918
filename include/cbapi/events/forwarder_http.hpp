#pragma once
/// @file
/// ForwarderHttp: an HTTP(S) receiver for the Cb Event Forwarder's HTTP output (`output_type=http`) as an event
/// source.

#include "cbapi/fwd.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "cbapi/events/source.hpp"

namespace cbapi::events {

/// How a ForwarderHttp listens.
struct ForwarderHttpOptions {
    /// The address to listen on. The default accepts only local connections; use `0.0.0.0` (or a specific
    /// interface address) to receive from a forwarder on another machine, and then set `authorization` and TLS.
    std::string bind_address = "127.0.0.1";
    /// The port; 0 picks a free one (ForwarderHttp::port() tells which).
    std::uint16_t port = 0;
    /// The request path the forwarder posts to (the path of its `httpout` URL); other paths get 404.
    std::string path = "/";
    /// PEM certificate chain file: with `tls_private_key_file`, the receiver speaks HTTPS only.
    std::string tls_certificate_file;
    /// PEM private key file of `tls_certificate_file`.
    std::string tls_private_key_file;
    /// When not empty, every POST must carry exactly this `Authorization` header value (the forwarder's
    /// `authorization_token`, sent verbatim); others get 401. Compared in constant time; never logged.
    std::string authorization;
    /// The largest body accepted, after gzip decompression (a decompression bomb stops here); larger ones get 413.
    /// The forwarder's bundles are at most `bundle_size_max` (10 MiB by default) plus the envelope.
    std::size_t max_body_bytes = std::size_t{64} * 1024 * 1024;
    /// How long a POST waits for the consumer to run every callback of its records before answering 503 (the
    /// forwarder then posts the batch again).
    std::chrono::milliseconds confirm_timeout{std::chrono::seconds(60)};
};

/// Receives the Event Forwarder's POSTs and hands every record to the Sink (routing key = the record's `type`).
///
/// A body is either the forwarder's JSON envelope, its default `http_post_template`
/// `{"filename": "<temp file>", "service": "carbonblack", "alerts":[<record>, <record>, ...]}` (each element of
/// `alerts` is one record, origin `http POST <filename> #<n> from <peer>`), or plain JSON lines (one record per
/// line, origin `http POST line <n> from <peer>`). The template writes the file name without JSON escaping; a name
/// with a double quote or a backslash is still read. `Content-Encoding: gzip` or `deflate` bodies (the forwarder 3.8's
/// `compress_http_payload`) are decompressed. The forwarder's LEEF output (`output_format=leef`) is not read.
///
/// Answers, as the forwarder reads them (it counts only 200 as success, retries anything else but 400, and
/// abandons a file on 400):
/// - 200 after every record of the body was handled (each DoneCallback ran with `handled` true); records that are
///   not JSON objects are reported through Sink::report and skipped;
/// - 503 when the consumer discarded a record, is stopping, or did not finish within `confirm_timeout`: the
///   forwarder posts the whole batch again (records already handled are then handled twice);
/// - 400 for a body that is neither an envelope nor JSON lines (reported: the forwarder abandons that file);
/// - 401 for a missing or wrong `Authorization`, 413 for a body over `max_body_bytes` (both reported).
///
/// Delivery: at-least-once. stop() ends run() within about 100 ms when no request is being received (a request
/// still uploading holds it for up to the 5 s read timeout); POSTs waiting for their callbacks get 250 ms more for
/// callbacks already running (200 if they all finish), then 503.
/// @code
/// cbapi::events::ForwarderHttpOptions options;
/// options.bind_address = "0.0.0.0";
/// options.port = 8443;
/// options.tls_certificate_file = "/etc/myapp/cert.pem";
/// options.tls_private_key_file = "/etc/myapp/key.pem";
/// options.authorization = "Bearer s3cret";
/// cbapi::events::ForwarderHttp source(options);   // listening from here on
/// @endcode
class ForwarderHttp : public Source {
public:
    /// Binds the listening socket (connections wait in the backlog until run()).
    /// @param options where to listen
    /// @throws ApiError when the address cannot be bound, only one of the TLS files is given, they cannot be loaded,
    ///         `path` does not start with '/', or `max_body_bytes` is 0
    explicit ForwarderHttp(ForwarderHttpOptions options);
    /// Closes the socket; run() must have returned before.
    ~ForwarderHttp() override;
    ForwarderHttp(const ForwarderHttp&) = delete;
    ForwarderHttp& operator=(const ForwarderHttp&) = delete;

    /// The port listened on (the chosen one when the options said 0).
    std::uint16_t port() const;
    /// `forwarder http://127.0.0.1:8080/` (https with TLS).
    std::string name() const override;
    /// Always at_least_once: 200 is answered only after every callback ran.
    Delivery delivery() const override;
    /// Serves POSTs until stop(). @throws ApiError when the server cannot listen
    void run(Sink& sink) override;
    /// Makes run() return (see the class notes for the bound); thread-safe, may come before run().
    void stop() override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cbapi::events
