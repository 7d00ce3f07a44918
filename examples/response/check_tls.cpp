// check_tls: what cbapi-python's `cbapi check-tls` reports for a Carbon Black server: whether its certificate chain
// verifies (with the CA file given, else the system store) and matches the host name, which TLS versions (1.0 to 1.3)
// and which cipher suites it accepts. Only TLS handshakes are made (libcurl's CONNECT_ONLY): no HTTP request, so the
// API token is never sent. The URL comes from --cburl or from a credential profile (--product picks the file).
// Exit code 1 when the chain does not verify or no TLS version is accepted.
#include <iostream>
#include <string>
#include <vector>

#include <curl/curl.h>
#include <fmt/format.h>

#include "cbapi/credentials.hpp"
#include "common/cli.hpp"

namespace {

struct Target {
    std::string url;
    std::string ca_file;  // empty: the system store
};

struct Probe {
    CURLcode code = CURLE_OK;
    std::string error;
    bool ok() const { return code == CURLE_OK; }
};

// One TLS handshake with the given settings, then the connection is closed.
Probe handshake(const Target& target, bool verify_peer, bool verify_host, long ssl_version,
                const std::string& cipher_list = {}, const std::string& tls13_ciphers = {}) {
    Probe probe;
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return {CURLE_FAILED_INIT, "curl_easy_init failed"};
    char error[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_URL, target.url.c_str());
    curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, verify_peer ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, verify_host ? 2L : 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_SESSIONID_CACHE, 0L);  // every probe negotiates afresh
    if (!target.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, target.ca_file.c_str());
    curl_easy_setopt(curl, CURLOPT_SSLVERSION, ssl_version);
    if (!cipher_list.empty()) curl_easy_setopt(curl, CURLOPT_SSL_CIPHER_LIST, cipher_list.c_str());
    if (!tls13_ciphers.empty()) curl_easy_setopt(curl, CURLOPT_TLS13_CIPHERS, tls13_ciphers.c_str());
    probe.code = curl_easy_perform(curl);
    probe.error = error[0] != '\0' ? error : curl_easy_strerror(probe.code);
    curl_easy_cleanup(curl);
    return probe;
}

// The client could not even offer what was asked (its TLS library lacks the version or cipher): not the server's
// answer.
bool client_cannot_offer(const Probe& probe) {
    return probe.code == CURLE_SSL_CIPHER || probe.code == CURLE_NOT_BUILT_IN || probe.code == CURLE_UNKNOWN_OPTION;
}

struct Version {
    const char* name;
    long setting;  // exactly this version: minimum and maximum
};

constexpr Version versions[] = {
    {"TLS 1.0", CURL_SSLVERSION_TLSv1_0 | CURL_SSLVERSION_MAX_TLSv1_0},
    {"TLS 1.1", CURL_SSLVERSION_TLSv1_1 | CURL_SSLVERSION_MAX_TLSv1_1},
    {"TLS 1.2", CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_2},
    {"TLS 1.3", CURL_SSLVERSION_TLSv1_3 | CURL_SSLVERSION_MAX_TLSv1_3},
};

// The suites asked about one at a time (OpenSSL names). Those marked weak lack forward secrecy, use CBC with SHA-1,
// or 3DES.
struct Suite {
    const char* name;
    bool tls13;
    bool weak;
};

constexpr Suite suites[] = {
    {"TLS_AES_256_GCM_SHA384", true, false},
    {"TLS_AES_128_GCM_SHA256", true, false},
    {"TLS_CHACHA20_POLY1305_SHA256", true, false},
    {"TLS_AES_128_CCM_SHA256", true, false},
    {"ECDHE-ECDSA-AES256-GCM-SHA384", false, false},
    {"ECDHE-RSA-AES256-GCM-SHA384", false, false},
    {"ECDHE-ECDSA-AES128-GCM-SHA256", false, false},
    {"ECDHE-RSA-AES128-GCM-SHA256", false, false},
    {"ECDHE-ECDSA-CHACHA20-POLY1305", false, false},
    {"ECDHE-RSA-CHACHA20-POLY1305", false, false},
    {"DHE-RSA-AES256-GCM-SHA384", false, false},
    {"DHE-RSA-AES128-GCM-SHA256", false, false},
    {"ECDHE-ECDSA-AES256-SHA384", false, false},
    {"ECDHE-RSA-AES256-SHA384", false, false},
    {"ECDHE-ECDSA-AES128-SHA256", false, false},
    {"ECDHE-RSA-AES128-SHA256", false, false},
    {"ECDHE-ECDSA-AES256-SHA", false, true},
    {"ECDHE-RSA-AES256-SHA", false, true},
    {"ECDHE-ECDSA-AES128-SHA", false, true},
    {"ECDHE-RSA-AES128-SHA", false, true},
    {"AES256-GCM-SHA384", false, true},
    {"AES128-GCM-SHA256", false, true},
    {"AES256-SHA256", false, true},
    {"AES128-SHA256", false, true},
    {"AES256-SHA", false, true},
    {"AES128-SHA", false, true},
    {"DES-CBC3-SHA", false, true},
};

// Lets this client offer old versions and suites (OpenSSL's default security level refuses them) so that the
// server's answer is what is reported.
constexpr const char* permissive = "@SECLEVEL=0";

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Report which TLS versions and cipher suites a Carbon Black server accepts, and whether its "
                 "certificate chain verifies (no API request is made; the token is never sent)"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    std::string product = "response";
    app.add_option("--product", product, "Which credential file the profile is read from (without --cburl)")
        ->check(CLI::IsMember({"response", "protection", "defense"}));
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        Target target;
        bool verify = !common.no_ssl_verify;
        if (!common.cburl.empty()) {
            target.url = common.cburl;  // the token, if given, is not needed: nothing but handshakes is sent
            target.ca_file = common.ca_file;
        } else {
            const auto which = product == "protection" ? cbapi::Product::protection
                               : product == "defense"  ? cbapi::Product::defense
                                                       : cbapi::Product::response;
            const cbapi::Credentials creds = common.credentials(which);
            target.url = creds.url;
            target.ca_file = creds.ssl_cert_file.value_or("");
            verify = verify && creds.ssl_verify;
        }
        if (target.url.rfind("https://", 0) != 0) {
            std::cout << "Server: " << target.url
                      << "\nNot an https:// URL: nothing to check (plain HTTP has no TLS)\n";
            return 1;
        }
        curl_global_init(CURL_GLOBAL_DEFAULT);
        std::cout << "Server: " << target.url << "\n";
        std::cout << "Trust: " << (target.ca_file.empty() ? std::string("the system CA store") : target.ca_file)
                  << "\n";

        const long any_version = CURL_SSLVERSION_TLSv1_0;
        bool chain_ok = true;
        const Probe full = handshake(target, true, true, any_version);
        if (full.ok()) {
            std::cout << "Certificate chain: verifies\nHost name: matches the certificate\n";
        } else {
            const Probe chain = handshake(target, true, false, any_version);
            if (chain.ok()) {
                std::cout << "Certificate chain: verifies\nHost name: does NOT match the certificate (" << full.error
                          << ")\n";
            } else {
                std::cout << "Certificate chain: does NOT verify (" << chain.error << ")\n";
            }
            chain_ok = false;
        }

        std::cout << "TLS versions:\n";
        int accepted_versions = 0;
        for (const auto& v : versions) {
            const Probe p = handshake(target, false, false, v.setting, v.setting == versions[3].setting
                                                                           ? std::string()
                                                                           : std::string("DEFAULT:") + permissive);
            const bool old = v.setting != versions[2].setting && v.setting != versions[3].setting;
            std::string verdict;
            if (p.ok()) {
                ++accepted_versions;
                verdict = old ? "accepted (obsolete: should be disabled on the server)" : "accepted";
            } else if (client_cannot_offer(p)) {
                verdict = "not tested (this client's TLS library cannot offer it: " + p.error + ")";
            } else {
                verdict = "not accepted";
            }
            std::cout << fmt::format("  {:<8} {}\n", v.name, verdict);
        }

        std::cout << "Cipher suites accepted:\n";
        int accepted_suites = 0;
        int weak_suites = 0;
        for (const auto& s : suites) {
            const Probe p = s.tls13 ? handshake(target, false, false, versions[3].setting, {}, s.name)
                                    : handshake(target, false, false,
                                                CURL_SSLVERSION_TLSv1_0 | CURL_SSLVERSION_MAX_TLSv1_2,
                                                std::string(s.name) + ":" + permissive);
            if (!p.ok()) continue;
            ++accepted_suites;
            if (s.weak) ++weak_suites;
            std::cout << fmt::format("  {:<8} {}{}\n", s.tls13 ? "TLS 1.3" : "TLS 1.2-", s.name,
                                     s.weak ? "  (weak)" : "");
        }
        if (accepted_suites == 0) std::cout << "  none of the " << std::size(suites) << " suites asked about\n";
        std::cout << fmt::format("Summary: chain {}, {} TLS version(s), {} cipher suite(s) accepted ({} weak)\n",
                                 chain_ok ? "verifies" : "does NOT verify", accepted_versions, accepted_suites,
                                 weak_suites);
        curl_global_cleanup();
        return chain_ok && accepted_versions > 0 ? 0 : 1;
    });
}
