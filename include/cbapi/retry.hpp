#pragma once
/// @file
/// Retry policy (which failures, how many times) and backoff policy (how long to wait), kept apart; the wait itself
/// goes through an injectable Sleeper so that tests never sleep. A RequestPacer spaces the attempts of requests that
/// belong together (the paging engine's adaptive pages in flight).

#include "cbapi/fwd.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <vector>

#include "cbapi/http.hpp"

namespace cbapi {

/// Which failed requests are repeated, and how often.
///
/// Only idempotent requests (GET, HEAD, PUT, DELETE) and requests marked `read_only` are ever retried; a POST or
/// PATCH that changes state, and a GET whose reply the server consumes (Request::consuming), is sent at most once.
struct RetryPolicy {
    /// Retries after the first attempt (0 disables retrying).
    int max_retries = 5;
    /// HTTP statuses that are retried (a `Retry-After` header on them is honoured).
    std::vector<int> retry_statuses{429, 502, 503, 504};
    /// Retry transport failures that libcurl reports as transient (refused/reset connection, empty or truncated
    /// reply). Timeouts are not retried.
    bool retry_connection_errors = true;

    /// Whether a reply with this status may be retried.
    bool is_retryable_status(int status) const;
    /// Whether a request may be retried at all (may_repeat()).
    static bool may_retry(const Request& request) noexcept;
};

/// How long to wait before each retry: exponential with jitter.
///
/// Delay before retry k (k = 0, 1, ...): `min(max_delay, initial_delay * multiplier^k)`, then reduced by a random
/// fraction of up to `jitter` (0 = exact, 1 = "full jitter"). A `Retry-After` from the server replaces the computed
/// delay, capped at `max_retry_after`.
struct BackoffPolicy {
    std::chrono::milliseconds initial_delay{500};
    std::chrono::milliseconds max_delay{30'000};
    double multiplier = 2.0;
    double jitter = 0.2;
    std::chrono::milliseconds max_retry_after{120'000};

    /// The delay before retry number `retry` (0-based).
    std::chrono::milliseconds delay(int retry) const;
};

/// Waits for a duration. The default sleeps the calling thread; tests inject one that records.
using Sleeper = std::function<void(std::chrono::milliseconds)>;

/// A Sleeper that really sleeps.
Sleeper real_sleeper();

/// How one attempt of a request ended, as the connection tells a RequestPacer.
struct AttemptOutcome {
    /// The HTTP status of the reply; 0 when none arrived (a transport failure, a timeout, a cancelled request).
    int status = 0;
    /// The attempt ran out of time (the transport's TimeoutError).
    bool timed_out = false;
    /// The reply's `Retry-After`, parsed as the retry path parses it and capped at BackoffPolicy::max_retry_after;
    /// unset when the reply had none (or an unreadable one).
    std::optional<std::chrono::milliseconds> retry_after;
};

/// Spaces the attempts of requests that belong together, e.g. the pages of one iteration: the paging engine uses one
/// to keep as many pages in flight as the server takes without pushing back (docs/queries.md).
///
/// Connection::request() calls before_attempt() before every attempt of a request sent with a pacer (the first and
/// each retry, after the retry's backoff) and after_attempt() exactly once after each attempt that was started, on the
/// thread that sends the request.
class RequestPacer {
public:
    virtual ~RequestPacer() = default;
    /// Blocks until the attempt may be sent.
    /// @throws RequestCancelled when the request is cancelled while it waits
    virtual void before_attempt() = 0;
    /// Reports how the attempt ended.
    /// @param outcome the reply's status (0: none), whether it timed out, the server's Retry-After
    virtual void after_attempt(const AttemptOutcome& outcome) = 0;
};

}  // namespace cbapi
