// The tests' certificates come from the simulator library's generator (MockServer::Tls::generate).
#include "support/tls_cert.hpp"

#include "cbapi/testing/mock_server.hpp"

namespace cbapi::test {

SelfSignedCert make_self_signed_cert(const std::string& dns_name) {
    auto tls = cbapi::testing::MockServer::Tls::generate({dns_name}, 1);
    return {std::move(tls.certificate_pem), std::move(tls.private_key_pem)};
}

}  // namespace cbapi::test
