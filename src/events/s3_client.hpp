#pragma once
// A small S3 client for the Event Forwarder's S3 output: ListObjectsV2, GetObject (and PutObject / CreateBucket, which
// the tests and tools use to fill a bucket), signed with AWS Signature Version 4.
//
// It sends through the SDK's own Transport (src/curl_transport.cpp): the pooled libcurl handles, TLS options,
// timeouts, size caps and the redacting trace log are the same as for the REST side. libcurl signs
// (`CURLOPT_AWS_SIGV4`, Request::aws_sigv4) but, in 7.88, neither adds `x-amz-content-sha256` nor canonicalizes the
// path and query (it signs them verbatim, while AWS canonicalizes), so this client sends the payload hash itself and
// builds every URL in canonical form: each key segment RFC 3986-encoded with '/' kept, query parameters encoded and
// sorted by name. A URL built that way signs the same in libcurl as in AWS's canonical request.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cbapi/http.hpp"
#include "cbapi/transport.hpp"

namespace cbapi::events::detail {

/// Percent-encodes everything but RFC 3986's unreserved characters (A-Z a-z 0-9 - . _ ~), upper-case hex, as SigV4
/// requires; '/' is kept when `keep_slash` (object key paths) and encoded otherwise (query values).
std::string uri_encode(std::string_view text, bool keep_slash);

/// A query string in SigV4 canonical form: names and values encoded with uri_encode(), sorted by encoded name (then
/// value), joined with '&'; a parameter without value is written `name=`.
std::string canonical_query(std::vector<std::pair<std::string, std::string>> parameters);

/// The lower-case hex SHA-256 of `data` (the `x-amz-content-sha256` value).
std::string sha256_hex(std::string_view data);

/// Where a bucket is and who reads it.
struct S3Settings {
    std::string bucket;
    std::string region = "us-east-1";
    /// Empty: AWS, virtual-host style (`https://<bucket>.s3.<region>.amazonaws.com`, `<bucket>.s3.amazonaws.com` in
    /// us-east-1; path style on the regional host when the bucket name has a '.', which a wildcard certificate does
    /// not cover). Otherwise the base URL of an S3-compatible server, path style (`<endpoint>/<bucket>/<key>`).
    std::string endpoint;
    std::string access_key_id;
    std::string secret_access_key;
    /// Sent as `x-amz-security-token` when not empty (temporary credentials).
    std::string session_token;
};

/// One entry of a listing.
struct S3Object {
    std::string key;
    std::uint64_t size = 0;
    /// As S3 wrote it (ISO 8601, UTC), e.g. `2017-11-07T12:00:05.000Z`: sorts as time.
    std::string last_modified;
};

/// One page of ListObjectsV2.
struct S3ListPage {
    std::vector<S3Object> objects;
    bool truncated = false;
    std::string next_continuation_token;
};

/// Throws std::invalid_argument (with a clear text) when the settings cannot address a bucket: bucket name not
/// 3-63 characters of a-z 0-9 . -, a region that is not [a-z0-9-], an endpoint that is not http(s)://, no key pair.
void validate(const S3Settings& settings);

/// The client. Thread-compatible (one thread at a time); the transport is thread-safe.
class S3Client {
public:
    /// @throws std::invalid_argument as validate()
    S3Client(S3Settings settings, std::shared_ptr<Transport> transport);

    /// A signed request for `key` (empty: the bucket itself) with the given query parameters and body, exactly as it
    /// would be sent: canonical URL, `x-amz-content-sha256`, `x-amz-security-token`, Request::aws_sigv4.
    Request make_request(HttpMethod method, std::string_view key,
                         std::vector<std::pair<std::string, std::string>> query = {}, std::string body = {}) const;

    /// One page of ListObjectsV2 under `prefix`, after `start_after` (empty: from the start), continuing at
    /// `continuation_token` (empty: first page); `max_keys` 0 = the server's default (1000).
    /// @throws S3Error for an S3 error reply, ConnectionError / TimeoutError from the transport, ServerError for a
    ///         reply that is not a ListBucketResult
    S3ListPage list_objects_v2(std::string_view prefix, std::string_view start_after,
                               std::string_view continuation_token, unsigned max_keys = 0);

    /// The object's bytes as stored (no decompression).
    /// @throws ResponseTooLargeError past `max_bytes` (0 = no cap), S3Error, ConnectionError, TimeoutError
    std::string get_object(std::string_view key, std::uint64_t max_bytes);

    /// Stores an object. @throws S3Error, ConnectionError, TimeoutError
    void put_object(std::string_view key, std::string body);

    /// Creates the bucket (S3-compatible servers and tests). @throws S3Error, ConnectionError, TimeoutError
    void create_bucket();

    /// `s3://bucket/key`, for messages (never a secret).
    std::string location(std::string_view key) const;

    const S3Settings& settings() const noexcept { return settings_; }

private:
    Response send(const Request& request, std::string_view operation, std::string_view key);

    S3Settings settings_;
    std::shared_ptr<Transport> transport_;
    std::string base_url_;     // scheme://host[:port] for every request
    std::string path_prefix_;  // "" (virtual host) or "/<bucket>" (path style)
};

/// Whether an S3 error code or HTTP status is worth retrying later (throttling, server-side trouble), as opposed to a
/// configuration problem (credentials, bucket, region).
bool is_transient(int status, std::string_view code) noexcept;

}  // namespace cbapi::events::detail
