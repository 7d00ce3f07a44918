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

TEST(Redaction, SecretFieldsByName) {
    for (const char* name : {"password", "CLIPassword", "new_password", "auth_token", "api_token", "token",
                             "ssl_client_key", "private_key", "api_key", "apiKey", "client_secret"})
        EXPECT_TRUE(detail::is_secret_field(name)) << name;
    for (const char* name : {"username", "md5", "key", "registry_key", "tokens_used", "name", "keyboard"})
        EXPECT_FALSE(detail::is_secret_field(name)) << name;
}

TEST(Redaction, SecretFieldValuesAreRedactedAtAnyDepth) {
    const nlohmann::json doc = {{"username", "alice"},
                                {"password", "hunter2"},
                                {"auth_token", nullptr},
                                {"teams", {{{"name", "SOC"}, {"api_token", "T0KEN"}}}},
                                {"feed", {{"ssl_client_key", "-----BEGIN KEY-----"}, {"password", ""}}}};
    const nlohmann::json expected = {{"username", "alice"},
                                     {"password", "<redacted>"},
                                     {"auth_token", nullptr},
                                     {"teams", {{{"name", "SOC"}, {"api_token", "<redacted>"}}}},
                                     {"feed", {{"ssl_client_key", "<redacted>"}, {"password", ""}}}};
    EXPECT_EQ(detail::redact_secret_fields(doc), expected);
}

TEST(Redaction, TruncatesLongText) {
    EXPECT_EQ(detail::truncate_for_log("short", 10), "short");
    EXPECT_EQ(detail::truncate_for_log("0123456789abc", 10), "0123456789... (3 more bytes)");
}

}  // namespace
}  // namespace cbapi
