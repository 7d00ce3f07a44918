// Secrets never reach logs: replacement, header allow-list, truncation.
#include <gtest/gtest.h>

#include "cbapi/detail/redact.hpp"

namespace cbapi {
namespace {

TEST(Redaction, ReplacesEveryOccurrence) {
    EXPECT_EQ(detail::redact("a SECRET b SECRETSECRET", "SECRET"), "a <redacted> b <redacted><redacted>");
    EXPECT_EQ(detail::redact("nothing here", "SECRET"), "nothing here");
    EXPECT_EQ(detail::redact("empty secret", ""), "empty secret");
}

TEST(Redaction, HeaderValuesOnlyFromTheAllowList) {
    EXPECT_EQ(detail::redact_header_line("X-Auth-Token: abc123"), "X-Auth-Token: <redacted>");
    EXPECT_EQ(detail::redact_header_line("x-auth-token:abc123"), "x-auth-token: <redacted>");
    EXPECT_EQ(detail::redact_header_line("Authorization: Basic Zm9vOmJhcg=="), "Authorization: <redacted>");
    EXPECT_EQ(detail::redact_header_line("Cookie: session=1"), "Cookie: <redacted>");
    EXPECT_EQ(detail::redact_header_line("Content-Type: application/json"), "Content-Type: application/json");
    EXPECT_EQ(detail::redact_header_line("user-agent: cbapi-cpp/1.0.0"), "user-agent: cbapi-cpp/1.0.0");
    EXPECT_EQ(detail::redact_header_line("GET /api/info HTTP/1.1"), "GET /api/info HTTP/1.1");
}

TEST(Redaction, TruncatesLongText) {
    EXPECT_EQ(detail::truncate_for_log("short", 10), "short");
    EXPECT_EQ(detail::truncate_for_log("0123456789abc", 10), "0123456789... (3 more bytes)");
}

}  // namespace
}  // namespace cbapi
