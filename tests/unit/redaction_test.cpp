// Secrets never reach logs: replacement, header allow-list, truncation.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cbapi/detail/redact.hpp"
#include "cbapi/detail/secrets.hpp"
#include "cbapi/errors.hpp"

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

// --- the process-wide secret registry behind every exception text and log line -------------------------------------

TEST(SecretRegistry, EveryFormAServerMayEchoIsKnown) {
    const auto forms = cbapi::detail::secret_forms("KEY12345/CONN 6\"7");
    const auto has = [&](const std::string& f) { return std::find(forms.begin(), forms.end(), f) != forms.end(); };
    EXPECT_TRUE(has("KEY12345/CONN 6\"7"));
    EXPECT_TRUE(has("KEY12345\\/CONN 6\\\"7"));   // JSON with an escaped slash
    EXPECT_TRUE(has("KEY12345/CONN 6\\\"7"));     // JSON without
    EXPECT_TRUE(has("KEY12345%2FCONN%206%227"));  // percent-encoded
    EXPECT_TRUE(has("KEY12345%2fCONN%206%227"));  // ... with lower-case hex
    EXPECT_TRUE(has("KEY12345%2FCONN+6%227"));    // ... as a query value
    EXPECT_TRUE(has("KEY12345"));                 // the API key half of a Cb Defense token
    EXPECT_TRUE(cbapi::detail::secret_forms("abc").empty());  // too short to redact without garbling text
}

TEST(SecretRegistry, UrlPasswordsAreFoundAsWrittenAndDecoded) {
    EXPECT_EQ(cbapi::detail::url_passwords("https://user:p%40ss-word@host:8443/path?a=b@c"),
              (std::vector<std::string>{"p%40ss-word", "p@ss-word"}));
    EXPECT_TRUE(cbapi::detail::url_passwords("https://host/path?user:x@y").empty());
    EXPECT_TRUE(cbapi::detail::url_passwords("https://user@host").empty());
}

TEST(SecretRegistry, ASecretIsRedactedWhileARegistrationHoldsItAndForgottenAfter) {
    const std::string secret = "registry-secret-42";
    EXPECT_EQ(cbapi::detail::redact_secrets("x " + secret), "x " + secret);
    {
        cbapi::detail::SecretRegistration one({secret});
        {
            cbapi::detail::SecretRegistration two({secret});
            EXPECT_EQ(cbapi::detail::redact_secrets("x " + secret), "x <redacted>");
        }
        EXPECT_EQ(cbapi::detail::redact_secrets("x " + secret), "x <redacted>");  // still held by `one`
        EXPECT_STREQ(cbapi::ApiError("got " + secret).what(), "got <redacted>");
    }
    EXPECT_EQ(cbapi::detail::redact_secrets("x " + secret), "x " + secret);
}
