#pragma once
/// @file
/// ForwarderS3: reads the Cb Event Forwarder's S3 output (`output_type=s3`), a bucket of JSON-lines objects (plain or
/// gzip) under a prefix, in key order, remembering in a checkpoint file which objects it has handled.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "cbapi/errors.hpp"
#include "cbapi/events/source.hpp"
#include "cbapi/fwd.hpp"
#include "cbapi/transport.hpp"

namespace cbapi::events {

/// An S3 error reply (`<Error><Code>…</Code><Message>…</Message></Error>`), e.g. `InvalidAccessKeyId`,
/// `SignatureDoesNotMatch`, `NoSuchBucket`, `AccessDenied`. The message names the operation, the `s3://` location,
/// the HTTP status, S3's code and message; never a key secret or a signature.
class S3Error : public HttpError {
public:
    /// @param message the what() text @param status HTTP status @param code S3's error code (may be empty)
    /// @param s3_message S3's message (may be empty) @param method HTTP method @param uri request URL
    S3Error(const std::string& message, int status, std::string code, std::string s3_message, std::string method,
            std::string uri);

    /// S3's error code (`NoSuchBucket`, ...); empty when the reply had no S3 error body.
    const std::string& code() const noexcept { return code_; }
    /// S3's human-readable message; empty when none.
    const std::string& s3_message() const noexcept { return s3_message_; }

private:
    std::string code_;
    std::string s3_message_;
};

/// Settings of a ForwarderS3. Only `bucket` is required; credentials come from these fields, else from a profile
/// (forwarder_s3_options()), else from the environment (see ForwarderS3's constructor).
struct ForwarderS3Options {
    /// The bucket the forwarder writes to (`s3out` / `bucket_name`).
    std::string bucket;
    /// The forwarder's `object_prefix`; a '/' is appended when missing (the forwarder writes `<prefix>/<name>`).
    /// Empty: the whole bucket.
    std::string prefix;
    /// AWS region; empty: `AWS_REGION` from the environment, else `us-east-1`.
    std::string region;
    /// Base URL of an S3-compatible server (MinIO, Ceph, s3rver, ...), addressed path style
    /// (`<endpoint>/<bucket>/<key>`). Empty: AWS, virtual-host style (`https://<bucket>.s3.<region>.amazonaws.com`).
    std::string endpoint;
    /// The access key id. Empty: taken, together with the secret and session token, from the environment.
    std::string access_key_id;
    /// The secret access key; never logged or put in an error text.
    std::string secret_access_key;
    /// A session token for temporary credentials (sent as `x-amz-security-token`); never logged.
    std::string session_token;
    /// The checkpoint file: which objects are done, so that a restart handles no object twice. Empty: no
    /// checkpoint (every run starts from the beginning of the prefix). Its directory must exist.
    std::filesystem::path state_path;
    /// Time between listing passes when not one_shot.
    std::chrono::milliseconds poll_interval{std::chrono::seconds(60)};
    /// Longest wait between passes after network errors (the wait doubles from poll_interval up to this).
    std::chrono::milliseconds max_backoff{std::chrono::minutes(15)};
    /// Return from run() after one pass over the bucket instead of polling.
    bool one_shot = false;
    /// Keys done within this span (by S3's LastModified, relative to the newest object listed) stay in the
    /// checkpoint, so that an object uploaded late whose key sorts before keys already handled is still read. Older
    /// done keys are folded into the checkpoint's low-water mark and no longer listed.
    std::chrono::seconds late_arrival_window{std::chrono::hours(24)};
    /// Largest object downloaded (bytes as stored); a larger one is reported and skipped.
    std::uint64_t max_object_bytes = 256ULL * 1024 * 1024;
    /// Largest decompressed size of a gzip object; a larger one (e.g. a gzip bomb) is reported and skipped.
    std::uint64_t max_decompressed_bytes = 1024ULL * 1024 * 1024;
    /// Keys per ListObjectsV2 page (1-1000; 0 = the server's default of 1000).
    unsigned max_keys = 0;
    /// TLS (verification on by default, CA bundle), proxy and timeouts of the HTTPS requests.
    TransportOptions transport;
    /// Replaces the wait between passes (tests: no real sleep). Called with the wait's length on run()'s thread;
    /// stop() does not interrupt it. Unset: an interruptible wait that stop() ends at once.
    std::function<void(std::chrono::milliseconds)> wait;
};

/// Reads the S3 settings of a credentials profile (`credentials.response`), as `extra` keys:
/// `s3_bucket`, `s3_prefix`, `s3_region`, `s3_endpoint`, `aws_access_key_id`, `aws_secret_access_key`,
/// `aws_session_token`, and for TLS `s3_ca_bundle` (a PEM file) and `s3_ssl_verify` (true/false, default true).
/// Keys that are absent leave the field at its default. The profile's `ssl_verify`, `ssl_cert_file` and `proxy`
/// concern the Cb server and are not applied to S3.
/// @param profile credentials from load_credentials()
/// @return options with those fields filled
/// @throws CredentialError when `s3_ssl_verify` is not a boolean word
ForwarderS3Options forwarder_s3_options(const Credentials& profile);

/// Reads the Cb Event Forwarder's S3 output: lists the objects under the prefix (ListObjectsV2), takes those not yet
/// done in key order (the forwarder's keys sort in time order), downloads each, gunzips it when its key ends in `.gz`
/// or its bytes start with the gzip magic, and delivers every JSON line as one Message (routing key = the record's
/// `type`, origin `s3://<bucket>/<key> line <n>`).
///
/// Skipped and reported (Sink::report), never silently: 0-byte objects (not reported: the forwarder uploads them
/// every 300 s), `.lz4` objects (unsupported), objects that are not JSON lines, gzip data that is corrupt or inflates
/// past max_decompressed_bytes, objects larger than max_object_bytes, single bad lines. Network and server-side errors
/// are reported and retried at the next pass, with a backoff.
///
/// Delivery is at-least-once: an object is recorded as done in the checkpoint only after every one of its records
/// got DoneCallback(true); a crash or stop before that re-reads the object at the next run. Once recorded, an object
/// is never read again. The checkpoint is written atomically (temporary file + rename, never through a symbolic
/// link).
///
/// run() throws when it cannot work at all: S3 refusing the credentials (`InvalidAccessKeyId`,
/// `SignatureDoesNotMatch`, `AccessDenied`), a bucket that does not exist, a wrong region, an unreadable or foreign
/// checkpoint, or (one_shot) a listing that fails.
class ForwarderS3 : public Source {
public:
    /// Checks the options and resolves credentials: the options' key pair when access_key_id is set, else
    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` from the environment.
    /// @throws CredentialError when no key pair is found (naming the three places to set one) or half of one is
    ///         given; std::invalid_argument for an invalid bucket name, region or endpoint
    explicit ForwarderS3(ForwarderS3Options options);
    /// As above, sending through the given transport instead of a new libcurl transport.
    ForwarderS3(ForwarderS3Options options, std::shared_ptr<Transport> transport);
    /// Ends nothing by itself: call stop() and let run() return first.
    ~ForwarderS3() override;
    ForwarderS3(const ForwarderS3&) = delete;
    ForwarderS3& operator=(const ForwarderS3&) = delete;

    /// `forwarder s3://<bucket>/<prefix>` (plus the endpoint when set).
    std::string name() const override;
    /// Delivery::at_least_once.
    Delivery delivery() const override;
    /// Polls (or makes one pass) until stop(); see the class description.
    void run(Sink& sink) override;
    /// Ends run() promptly: interrupts the wait between passes and the wait for DoneCallbacks. Thread-safe.
    void stop() override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cbapi::events
