// Backoff arithmetic, jitter bounds, idempotency rules and Retry-After parsing.
#include <gtest/gtest.h>

#include "cbapi/detail/retry_after.hpp"
#include "cbapi/retry.hpp"
#include "cbapi/time.hpp"

namespace cbapi {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, ExponentialWithoutJitter) {
    BackoffPolicy b;
    b.jitter = 0;
    EXPECT_EQ(b.delay(0), milliseconds(500));
    EXPECT_EQ(b.delay(1), milliseconds(1000));
    EXPECT_EQ(b.delay(4), milliseconds(8000));
    EXPECT_EQ(b.delay(20), milliseconds(30000));  // capped at max_delay
}

TEST(Backoff, JitterStaysWithinItsFraction) {
    BackoffPolicy b;
    b.jitter = 0.5;
    for (int i = 0; i < 200; ++i) {
        const auto d = b.delay(2);  // nominal 2000 ms
        EXPECT_GE(d, milliseconds(1000));
        EXPECT_LE(d, milliseconds(2000));
    }
}

TEST(RetryPolicy, OnlyIdempotentOrReadOnlyRequestsMayBeRetried) {
    Request r;
    for (auto m : {HttpMethod::get, HttpMethod::head, HttpMethod::put, HttpMethod::del}) {
        r.method = m;
        EXPECT_TRUE(RetryPolicy::may_retry(r)) << to_string(m);
    }
    for (auto m : {HttpMethod::post, HttpMethod::patch}) {
        r.method = m;
        EXPECT_FALSE(RetryPolicy::may_retry(r)) << to_string(m);
    }
    r.method = HttpMethod::post;
    r.read_only = true;
    EXPECT_TRUE(RetryPolicy::may_retry(r));
}

TEST(RetryPolicy, DefaultRetryableStatuses) {
    RetryPolicy p;
    for (int s : {429, 502, 503, 504}) EXPECT_TRUE(p.is_retryable_status(s)) << s;
    for (int s : {200, 400, 401, 404, 500}) EXPECT_FALSE(p.is_retryable_status(s)) << s;
}

TEST(RetryAfter, ParsesSeconds) {
    const auto now = std::chrono::system_clock::now();
    EXPECT_EQ(detail::parse_retry_after("120", now), milliseconds(120000));
    EXPECT_EQ(detail::parse_retry_after(" 0 ", now), milliseconds(0));
}

TEST(RetryAfter, ParsesHttpDateRelativeToNow) {
    const auto now = parse_cb_time("2026-11-28T12:00:00Z");
    EXPECT_EQ(detail::parse_retry_after("Sat, 28 Nov 2026 12:00:30 GMT", now), milliseconds(30000));
    EXPECT_EQ(detail::parse_retry_after("Sat, 28 Nov 2026 11:00:00 GMT", now), milliseconds(0));
}

TEST(RetryAfter, RejectsGarbage) {
    const auto now = std::chrono::system_clock::now();
    for (const char* bad : {"", "soon", "-5", "1.5", "Sat, 28 Foo 2026 12:00:30 GMT", "Sat, 31 Feb 2026 12:00:30 GMT",
                            "Sat, 28 Nov 2026 12:00:30 UTC"})
        EXPECT_FALSE(detail::parse_retry_after(bad, now).has_value()) << bad;
}

}  // namespace
}  // namespace cbapi
