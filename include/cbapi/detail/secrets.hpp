#pragma once
// The one redaction step behind every exception text and log line: a process-wide list of the secrets in use (API
// tokens, URL and proxy passwords, digest passwords), each in every form a server or libcurl may echo it in.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cbapi::detail {

/// Secrets shorter than this are not registered: redacting a two-letter password everywhere would garble every
/// message, and no real token is that short.
inline constexpr std::size_t min_secret_length = 4;

/// The forms in which `secret` may come back: as is, JSON-escaped (`"`, `\`, control characters, and `/` as `\/`),
/// percent-encoded (upper- and lower-case hex), and for a Cb Defense token `API_KEY/CONNECTOR_ID`, the API key
/// alone. Empty for a secret shorter than min_secret_length.
std::vector<std::string> secret_forms(std::string_view secret);

/// The password of a URL `scheme://user:password@host...` (empty when there is none), as written in the URL and
/// percent-decoded.
std::vector<std::string> url_passwords(std::string_view url);

/// Keeps secrets known to redact_secrets() (declared in cbapi/errors.hpp) for as long as it lives. Several
/// registrations of the same secret are counted; it is forgotten when the last one ends.
class SecretRegistration {
public:
    SecretRegistration() = default;
    /// Registers every form (secret_forms) of each secret.
    explicit SecretRegistration(const std::vector<std::string>& secrets);
    ~SecretRegistration();
    SecretRegistration(SecretRegistration&& other) noexcept;
    SecretRegistration& operator=(SecretRegistration&& other) noexcept;
    SecretRegistration(const SecretRegistration&) = delete;
    SecretRegistration& operator=(const SecretRegistration&) = delete;

private:
    void release() noexcept;
    std::vector<std::string> forms_;
};

}  // namespace cbapi::detail
