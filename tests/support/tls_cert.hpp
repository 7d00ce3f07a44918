#pragma once
// A self-signed certificate made at test time (no key material in the repository).

#include <string>

namespace cbapi::test {

struct SelfSignedCert {
    std::string certificate_pem;
    std::string private_key_pem;
};

/// A fresh EC P-256 key and a self-signed certificate valid for one day, CN and SAN `dns_name`
/// (MockServer::Tls::generate).
SelfSignedCert make_self_signed_cert(const std::string& dns_name = "localhost");

}  // namespace cbapi::test
