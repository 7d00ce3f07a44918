// MockServer::Tls::generate: a self-signed certificate made at run time for the simulator's HTTPS (no key material in
// the repository or the package).
#include "cbapi/testing/mock_server.hpp"

#include <memory>
#include <stdexcept>

#include <arpa/inet.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/bn.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace cbapi::testing {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const noexcept { Free(p); }
};
using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Ext = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("MockServer::Tls::generate: OpenSSL failed at ") + what);
}

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(size));
}

bool is_ip_address(const std::string& name) {
    unsigned char buffer[16];
    return ::inet_pton(AF_INET, name.c_str(), buffer) == 1 || ::inet_pton(AF_INET6, name.c_str(), buffer) == 1;
}

void add_extension(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value, const char* what) {
    Ext ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str()));
    check(ext != nullptr && X509_add_ext(cert, ext.get(), -1) == 1, what);
}

}  // namespace

MockServer::Tls MockServer::Tls::generate(const std::vector<std::string>& names, int valid_days) {
    if (names.empty()) throw std::invalid_argument("MockServer::Tls::generate needs at least one name");
    std::string san;
    for (const auto& name : names) {
        if (name.empty() || name.find_first_of(",\r\n") != std::string::npos)
            throw std::invalid_argument("MockServer::Tls::generate: invalid name '" + name + "'");
        if (!san.empty()) san += ",";
        san += (is_ip_address(name) ? "IP:" : "DNS:") + name;
    }
    if (valid_days < 1) throw std::invalid_argument("MockServer::Tls::generate: valid_days must be at least 1");

    PKey key(EVP_EC_gen("P-256"));
    check(key != nullptr, "key generation");
    Cert cert(X509_new());
    check(cert != nullptr, "X509_new");
    check(X509_set_version(cert.get(), 2) == 1, "version");
    // A random serial: a client that cached an earlier run's certificate must not mistake this one for it.
    unsigned char serial[8];
    check(RAND_bytes(serial, sizeof serial) == 1, "serial");
    serial[0] &= 0x7F;  // positive
    std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>> bn(BN_bin2bn(serial, sizeof serial, nullptr));
    check(bn != nullptr && BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())) != nullptr, "serial");
    check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr, "notBefore");
    check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * valid_days) != nullptr, "notAfter");
    check(X509_set_pubkey(cert.get(), key.get()) == 1, "pubkey");
    X509_NAME* subject = X509_get_subject_name(cert.get());
    check(X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>(names.front().c_str()), -1, -1, 0) == 1,
          "CN");
    check(X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>("cbapi-cpp simulator"), -1, -1, 0) == 1,
          "O");
    check(X509_set_issuer_name(cert.get(), subject) == 1, "issuer");

    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    add_extension(cert.get(), &ctx, NID_subject_alt_name, san, "subjectAltName");
    add_extension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE", "basicConstraints");
    add_extension(cert.get(), &ctx, NID_key_usage, "critical,digitalSignature,keyCertSign", "keyUsage");
    add_extension(cert.get(), &ctx, NID_subject_key_identifier, "hash", "subjectKeyIdentifier");
    check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "sign");

    Bio cert_bio(BIO_new(BIO_s_mem()));
    Bio key_bio(BIO_new(BIO_s_mem()));
    check(cert_bio != nullptr && key_bio != nullptr, "BIO_new");
    check(PEM_write_bio_X509(cert_bio.get(), cert.get()) == 1, "PEM certificate");
    check(PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1, "PEM key");
    return Tls{bio_text(cert_bio.get()), bio_text(key_bio.get())};
}

}  // namespace cbapi::testing
