// Credential files as cbapi-python's auth.py reads them: the search path, an INI reader compatible with Python's
// RawConfigParser for the files cbapi-python writes, environment overrides, and printing that never shows secrets.
//
// INI dialect (decisions where RawConfigParser versions differ or the format is loose):
//  - `[section]` headers; section names are case-sensitive (like Python) with surrounding blanks trimmed; a comment
//    may follow the ']'.
//  - `key = value` or `key: value`, split at the first '=' or ':'; key lower-cased, key and value trimmed.
//  - Full-line comments start with '#' or ';' (leading blanks allowed). No inline comments, no interpolation.
//  - Indented non-blank, non-comment lines are an error: Python would append them to the previous value as a
//    continuation line, which no credential key can use (a token or URL containing a newline is a mistake that is
//    better reported than sent to the server).
//  - A duplicate key or section in one file merges, the last value wins (Python 2 behaviour; Python 3 rejects it).
//  - A UTF-8 byte-order mark at the start of a file is ignored; CRLF line ends are accepted.
//  - `[DEFAULT]` supplies keys to every profile and is not itself a profile (as in Python).
#include "cbapi/credentials.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>
#include <utility>

#ifndef _WIN32
#include <pwd.h>
#include <unistd.h>
#endif

#include "cbapi/errors.hpp"
#include "cbapi/logging.hpp"

namespace cbapi {
namespace {

namespace fs = std::filesystem;

using Section = std::map<std::string, std::string>;
using IniData = std::map<std::string, Section, std::less<>>;

constexpr std::string_view default_section_name = "DEFAULT";
constexpr const char* redacted = "***";

bool is_blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

char lower_ascii(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view text) noexcept {
    while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
    return text;
}

std::string to_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = lower_ascii(c);
    return out;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower_ascii(a[i]) != lower_ascii(b[i])) return false;
    }
    return true;
}

bool istarts_with(std::string_view text, std::string_view prefix) noexcept {
    return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

std::optional<std::string> env_value(const char* name) {
    const char* value = std::getenv(name);
    // An empty variable counts as unset, so `CBAPI_URL= prog` does not blank out a file's url.
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
}

std::optional<fs::path> home_directory() {
#ifdef _WIN32
    if (auto profile = env_value("USERPROFILE")) return fs::path(*profile);
    return std::nullopt;
#else
    if (auto home = env_value("HOME")) return fs::path(*home);
    // No $HOME (daemons, sudo -i variants): ask the password database, reentrantly.
    std::vector<char> buffer(16384);
    passwd entry{};
    passwd* result = nullptr;
    int rc = 0;
    while ((rc = getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &result)) == ERANGE &&
           buffer.size() < (std::size_t{1} << 20)) {
        buffer.resize(buffer.size() * 2);
    }
    if (rc != 0 || result == nullptr || result->pw_dir == nullptr || *result->pw_dir == '\0') return std::nullopt;
    return fs::path(result->pw_dir);
#endif
}

void check_product(Product product) {
    if (to_string(product) == "unknown") {
        throw CredentialError("Product name " + std::to_string(static_cast<int>(product)) + " not valid");
    }
}

[[noreturn]] void throw_parse_error(const fs::path& file, std::size_t line_number, const std::string& why) {
    // The offending line is deliberately not quoted: it may hold a token.
    throw CredentialError("Malformed credential file " + file.string() + ":" + std::to_string(line_number) + ": " +
                          why);
}

// Parses one file's text into `data`, merging with what earlier files put there (later values win key by key).
void parse_ini(std::string_view text, const fs::path& file, IniData& data) {
    constexpr std::string_view bom = "\xEF\xBB\xBF";
    if (text.substr(0, bom.size()) == bom) text.remove_prefix(bom.size());

    Section* current = nullptr;
    std::size_t line_number = 0;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view raw = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        ++line_number;

        const std::string_view line = trim(raw);
        if (line.empty() || line.front() == '#' || line.front() == ';') continue;
        if (is_blank(raw.front())) {
            throw_parse_error(file, line_number, "indented line (continuation lines are not supported)");
        }

        if (line.front() == '[') {
            const std::size_t close = line.find(']');
            if (close == std::string_view::npos) {
                throw_parse_error(file, line_number, "section header without closing ']'");
            }
            // RawConfigParser ignores what follows the ']'; accept a comment there, reject anything else.
            const std::string_view rest = trim(line.substr(close + 1));
            if (!rest.empty() && rest.front() != '#' && rest.front() != ';') {
                throw_parse_error(file, line_number, "unexpected text after section header");
            }
            const std::string_view name = trim(line.substr(1, close - 1));
            if (name.empty()) throw_parse_error(file, line_number, "empty section name");
            current = &data[std::string(name)];
            continue;
        }

        const std::size_t separator = line.find_first_of("=:");
        if (separator == std::string_view::npos) {
            throw_parse_error(file, line_number, "expected '[section]' or 'key = value'");
        }
        const std::string_view key = trim(line.substr(0, separator));
        if (key.empty()) throw_parse_error(file, line_number, "missing key name before '=' or ':'");
        if (current == nullptr) throw_parse_error(file, line_number, "key outside of a [section]");
        (*current)[to_lower(key)] = std::string(trim(line.substr(separator + 1)));
    }
}

// Reads an existing regular file. Missing files are skipped silently, unusable ones with a warning.
std::optional<std::string> read_credential_file(const fs::path& file) {
    std::error_code ec;
    const fs::file_status status = fs::status(file, ec);
    if (status.type() == fs::file_type::not_found) return std::nullopt;
    if (ec) {
        logger()->warn("Cannot access credential file {}: {}; skipping it", file.string(), ec.message());
        return std::nullopt;
    }
    if (status.type() != fs::file_type::regular) {
        logger()->warn("Credential file {} is not a regular file; skipping it", file.string());
        return std::nullopt;
    }

    std::ifstream in(file, std::ios::binary);
    if (!in) {
        const int error = errno;
        logger()->warn("Cannot read credential file {}: {}; skipping it", file.string(),
                       std::error_code(error, std::generic_category()).message());
        return std::nullopt;
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) {
        logger()->warn("Cannot read credential file {}; skipping it", file.string());
        return std::nullopt;
    }

#ifndef _WIN32
    // A token is as powerful as its owner's login; other local users should not be able to read it.
    const fs::perms exposed = status.permissions() & (fs::perms::group_read | fs::perms::others_read);
    if (exposed != fs::perms::none) {
        logger()->warn(
            "Credential file {} is readable by group or others (mode {:04o}); restrict it with: chmod 600 {}",
            file.string(), static_cast<unsigned>(status.permissions() & fs::perms::mask), file.string());
    }
#endif
    return text;
}

// `scheme://user:pass@host/...` -> `scheme://user:***@host/...`; anything else is returned unchanged.
std::string redact_userinfo(std::string_view url) {
    const std::size_t scheme_end = url.find("://");
    const std::size_t authority_begin = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
    const std::size_t authority_end = std::min(url.find_first_of("/?#", authority_begin), url.size());
    const std::string_view authority = url.substr(authority_begin, authority_end - authority_begin);
    const std::size_t at = authority.rfind('@');
    if (at == std::string_view::npos) return std::string(url);
    const std::size_t colon = authority.substr(0, at).find(':');
    if (colon == std::string_view::npos) return std::string(url);
    std::string out(url.substr(0, authority_begin + colon + 1));
    out += redacted;
    out += url.substr(authority_begin + at);
    return out;
}

// Printable form of any non-secret field: hides a userinfo password and, defensively, any copy of the token.
std::string printable(std::string_view value, const std::string& token) {
    std::string out = redact_userinfo(value);
    if (token.empty()) return out;
    for (std::size_t pos = out.find(token); pos != std::string::npos; pos = out.find(token, pos + 3)) {
        out.replace(pos, token.size(), redacted);
    }
    return out;
}

std::string join_paths(const std::vector<fs::path>& files) {
    std::string out;
    for (const auto& file : files) {
        if (!out.empty()) out += ", ";
        out += file.string();
    }
    return out;
}

const std::string* find_value(const Section& values, const char* key) {
    const auto it = values.find(key);
    return it == values.end() ? nullptr : &it->second;
}

// The bad value is quoted in the message, but never a copy of the token pasted into the wrong key.
bool boolean_value(const Section& values, const char* key, bool fallback, const std::string& profile,
                   const std::string& token) {
    const std::string* text = find_value(values, key);
    if (text == nullptr) return fallback;
    if (const auto parsed = parse_bool_word(*text)) return *parsed;
    throw CredentialError("Invalid value '" + printable(*text, token) + "' for " + key + " in credential profile '" +
                          profile + "': expected one of 1/yes/true/on or 0/no/false/off");
}

std::optional<std::string> optional_value(const Section& values, const char* key) {
    const std::string* text = find_value(values, key);
    if (text == nullptr || text->empty()) return std::nullopt;
    return *text;
}

int port_value(const Section& values, const char* key, int fallback, const std::string& profile,
               const std::string& token) {
    const std::string* text = find_value(values, key);
    if (text == nullptr) return fallback;
    int port = 0;
    const char* first = text->data();
    const char* last = first + text->size();
    const auto [ptr, error] = std::from_chars(first, last, port);
    if (text->empty() || error != std::errc() || ptr != last || port < 1 || port > 65535) {
        throw CredentialError("Invalid value '" + printable(*text, token) + "' for " + key +
                              " in credential profile '" + profile + "': expected an integer from 1 to 65535");
    }
    return port;
}

bool is_known_key(std::string_view key) {
    static constexpr std::string_view known[] = {
        "url",   "token",         "ssl_verify",    "ssl_verify_hostname", "ssl_cert_file", "ssl_force_tls_1_2",
        "proxy", "ignore_system_proxy", "rabbitmq_user", "rabbitmq_pass", "rabbitmq_host", "rabbitmq_port",
        "allow_http"};
    for (const auto candidate : known) {
        if (candidate == key) return true;
    }
    return false;
}

// A token, URL or proxy holding a control character would inject text into a request's header block (CR/LF makes
// a second header): refused wherever credentials come from. The message names the field, never its value.
void refuse_control_characters(const Credentials& credentials, const std::string& where) {
    const auto check = [&](std::string_view field, std::string_view value) {
        for (const char c : value) {
            const auto b = static_cast<unsigned char>(c);
            if (b < 0x20 || b == 0x7F)
                throw CredentialError("The " + std::string(field) + " in " + where +
                                      " contains a control character (such as a line break); refusing it, since it "
                                      "would be sent in a request header");
        }
    };
    check("token", credentials.token);
    check("url", credentials.url);
    if (credentials.proxy) check("proxy", *credentials.proxy);
}

// Turns the merged raw values of one profile into Credentials.
Credentials build_credentials(const Section& values, const std::string& profile) {
    Credentials creds;
    if (const std::string* url = find_value(values, "url")) {
        std::string_view view(*url);
        while (!view.empty() && view.back() == '/') view.remove_suffix(1);
        creds.url = std::string(view);
    }
    if (const std::string* token = find_value(values, "token")) creds.token = *token;
    if (creds.url.empty() || creds.token.empty()) {
        throw CredentialError("Token and/or URL not available for profile " + profile);
    }

    // ssl_verify is a boolean word or, as in cbapi-python (requests' `verify=`), a CA bundle path.
    std::optional<std::string> ca_from_verify;
    if (const std::string* verify = find_value(values, "ssl_verify")) {
        if (const auto parsed = parse_bool_word(*verify)) {
            creds.ssl_verify = *parsed;
        } else if (verify->empty()) {
            // Python would pass "" to requests, which turns verification off; refuse instead of guessing.
            throw CredentialError("Invalid value '' for ssl_verify in credential profile '" + profile +
                                  "': expected a boolean word or a CA bundle path");
        } else {
            creds.ssl_verify = true;
            ca_from_verify = *verify;
        }
    }
    creds.ssl_cert_file = optional_value(values, "ssl_cert_file");
    if (!creds.ssl_cert_file) creds.ssl_cert_file = std::move(ca_from_verify);

    const std::string& token = creds.token;
    creds.ssl_verify_hostname =
        boolean_value(values, "ssl_verify_hostname", creds.ssl_verify_hostname, profile, token);
    creds.ssl_force_tls_1_2 = boolean_value(values, "ssl_force_tls_1_2", creds.ssl_force_tls_1_2, profile, token);
    creds.ignore_system_proxy =
        boolean_value(values, "ignore_system_proxy", creds.ignore_system_proxy, profile, token);
    creds.proxy = optional_value(values, "proxy");
    creds.allow_http = boolean_value(values, "allow_http", creds.allow_http, profile, token);
    if (const std::string* user = find_value(values, "rabbitmq_user")) creds.rabbitmq_user = *user;
    creds.rabbitmq_pass = optional_value(values, "rabbitmq_pass");
    if (const std::string* host = find_value(values, "rabbitmq_host")) creds.rabbitmq_host = *host;
    creds.rabbitmq_port = port_value(values, "rabbitmq_port", creds.rabbitmq_port, profile, token);

    for (const auto& [key, value] : values) {
        if (!is_known_key(key)) creds.extra.emplace(key, value);
    }
    return creds;
}

// Extra keys such as Cb Defense's `api_key` hold (part of) the token.
bool looks_secret(std::string_view key) {
    for (const std::string_view word : {"token", "key", "pass", "secret"}) {
        if (key.find(word) != std::string_view::npos) return true;
    }
    return false;
}

}  // namespace

std::string_view to_string(Product product) noexcept {
    switch (product) {
        case Product::response: return "response";
        case Product::protection: return "protection";
        case Product::defense: return "defense";
    }
    return "unknown";
}

std::optional<bool> parse_bool_word(std::string_view text) noexcept {
    text = trim(text);
    for (const std::string_view word : {"1", "yes", "true", "on"}) {
        if (iequals(text, word)) return true;
    }
    for (const std::string_view word : {"0", "no", "false", "off"}) {
        if (iequals(text, word)) return false;
    }
    return std::nullopt;
}

std::vector<std::filesystem::path> default_credential_files(Product product) {
    check_product(product);
    const std::string name = "credentials." + std::string(to_string(product));
    std::vector<fs::path> files;
    files.push_back(fs::path("/") / "etc" / "carbonblack" / name);
    // Without a home directory there is no per-user file to look at (rather than a literal "~" path).
    if (const auto home = home_directory()) files.push_back(*home / ".carbonblack" / name);
    files.push_back(fs::path(".") / ".carbonblack" / name);
    return files;
}

// Does not call validate(): a url without http(s):// or similar problems are reported when a connection is made
// from these credentials, as in cbapi-python.
Credentials load_credentials(Product product, const CredentialOptions& options) {
    check_product(product);
    const std::vector<fs::path> files = options.files ? *options.files : default_credential_files(product);

    IniData data;
    for (const auto& file : files) {
        if (const auto text = read_credential_file(file)) parse_ini(*text, file, data);
    }

    std::optional<std::string> env_url;
    std::optional<std::string> env_token;
    std::optional<std::string> env_ssl_verify;
    std::optional<std::string> env_profile;
    if (options.use_environment) {
        env_url = env_value("CBAPI_URL");
        env_token = env_value("CBAPI_TOKEN");
        env_ssl_verify = env_value("CBAPI_SSL_VERIFY");
        env_profile = env_value("CBAPI_PROFILE");
    }
    const std::string profile = options.profile ? *options.profile : env_profile.value_or("default");

    Section values;
    if (const auto defaults = data.find(default_section_name); defaults != data.end()) values = defaults->second;
    const auto section = profile == default_section_name ? data.end() : data.find(profile);
    if (section != data.end()) {
        for (const auto& [key, value] : section->second) values[key] = value;
    } else if (!(env_url && env_token)) {
        throw CredentialError("Cannot find credential profile '" + profile +
                              "' after searching in these files: " + join_paths(files) + ".");
    }

    // The environment replaces the raw values, so CBAPI_SSL_VERIFY follows exactly the rules of the ssl_verify key.
    if (env_url) values["url"] = *env_url;
    if (env_token) values["token"] = *env_token;
    if (env_ssl_verify) values["ssl_verify"] = std::string(trim(*env_ssl_verify));

    // Cb Defense: a profile may give the API key and connector id separately instead of the combined token.
    if (product == Product::defense && (values["token"].empty())) {
        const auto key = values.find("api_key");
        const auto connector = values.find("connector_id");
        if (key != values.end() && connector != values.end() && !trim(key->second).empty() &&
            !trim(connector->second).empty())
            values["token"] = std::string(trim(key->second)) + "/" + std::string(trim(connector->second));
    }

    Credentials credentials = build_credentials(values, profile);
    refuse_control_characters(credentials, "credential profile '" + printable(profile, credentials.token) + "'");
    return credentials;
}

void validate(const Credentials& credentials) {
    refuse_control_characters(credentials, "the credentials");
    if (!istarts_with(credentials.url, "http://") && !istarts_with(credentials.url, "https://")) {
        throw CredentialError("Server URL must be a URL: eg. https://localhost (got '" +
                              printable(credentials.url, credentials.token) + "')");
    }
    if (credentials.token.empty()) throw CredentialError("No API token provided");
}

// The refusal names every opt-in, so that whoever meets it finds the one that fits where their URL comes from.
void check_url_scheme(std::string_view url, bool allowed) {
    if (!istarts_with(url, "http://") || allowed) return;
    if (const auto env = env_value(allow_http_variable)) {
        const auto parsed = parse_bool_word(*env);
        if (!parsed)
            throw CredentialError(std::string("Invalid value of the environment variable ") + allow_http_variable +
                                  ": expected one of 1/yes/true/on or 0/no/false/off");
        if (*parsed) return;
    }
    throw InsecureUrlError(
        "Refusing to connect to " + redact_userinfo(url) +
        ": plain HTTP would send the API token in clear text. Use an https:// URL, or allow plain HTTP explicitly "
        "in one of these ways: ConnectionOptions::allow_http = true (ApiOptions::connection.allow_http), "
        "allow_http = true in the credential profile, CBAPI_ALLOW_HTTP=1 in the environment, or --allow-http with "
        "the example programs");
}

std::ostream& operator<<(std::ostream& os, const Credentials& credentials) {
    const std::string& token = credentials.token;
    const auto optional_text = [&token](const std::optional<std::string>& value) {
        return value ? printable(*value, token) : std::string("(none)");
    };
    std::ostringstream out;
    out << std::boolalpha;
    out << "url=" << printable(credentials.url, token) << '\n'
        << "token=" << (token.empty() ? "(empty)" : redacted) << '\n'
        << "ssl_verify=" << credentials.ssl_verify << '\n'
        << "ssl_verify_hostname=" << credentials.ssl_verify_hostname << '\n'
        << "ssl_cert_file=" << optional_text(credentials.ssl_cert_file) << '\n'
        << "ssl_force_tls_1_2=" << credentials.ssl_force_tls_1_2 << '\n'
        << "proxy=" << optional_text(credentials.proxy) << '\n'
        << "ignore_system_proxy=" << credentials.ignore_system_proxy << '\n'
        << "allow_http=" << credentials.allow_http << '\n'
        << "rabbitmq_user=" << printable(credentials.rabbitmq_user, token) << '\n'
        << "rabbitmq_pass=" << (credentials.rabbitmq_pass ? redacted : "(none)") << '\n'
        << "rabbitmq_host=" << printable(credentials.rabbitmq_host, token) << '\n'
        << "rabbitmq_port=" << credentials.rabbitmq_port;
    for (const auto& [key, value] : credentials.extra) {
        out << '\n' << printable(key, token) << '='
            << (looks_secret(key) ? std::string(redacted) : printable(value, token));
    }
    return os << out.str();
}

}  // namespace cbapi
