// TLS: verification on by default; ssl_verify=false, a CA bundle and ssl_verify_hostname=false really work.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "support/fixtures.hpp"
#include "support/tls_cert.hpp"

namespace cbapi {
namespace {

using testing::MockResponse;
using testing::MockServer;

class TlsTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        cert_ = new test::SelfSignedCert(test::make_self_signed_cert("localhost"));
        static std::atomic<int> counter{0};
        ca_file_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                             ("cbapi-tls-test-" + std::to_string(::getpid()) + "-" +
                                              std::to_string(counter++) + ".pem"));
        std::ofstream(*ca_file_) << cert_->certificate_pem;
    }
    static void TearDownTestSuite() {
        std::filesystem::remove(*ca_file_);
        delete ca_file_;
        delete cert_;
    }

    void SetUp() override {
        MockServer::Options options;
        options.tls = MockServer::Tls{cert_->certificate_pem, cert_->private_key_pem};
        server_ = std::make_unique<MockServer>(options);
        server_->on("GET", "/api/info", [](const testing::RecordedRequest&) {
            return MockResponse::json({{"version", "6.1.0"}});
        });
    }

    // host: "localhost" (matches the certificate) or "127.0.0.1" (does not)
    Credentials creds(const std::string& host) const {
        Credentials c;
        c.url = "https://" + host + ":" + std::to_string(server_->port());
        c.token = server_->token();
        return c;
    }

    nlohmann::json fetch(const Credentials& c) {
        ConnectionOptions o = test::test_options(sleeper_);
        o.retry.max_retries = 0;
        return Connection(c, o).get_json("/api/info");
    }

    static test::SelfSignedCert* cert_;
    static std::filesystem::path* ca_file_;
    std::unique_ptr<MockServer> server_;
    test::RecordingSleeper sleeper_;
};

test::SelfSignedCert* TlsTest::cert_ = nullptr;
std::filesystem::path* TlsTest::ca_file_ = nullptr;

TEST_F(TlsTest, SelfSignedCertificateIsRejectedByDefault) {
    try {
        fetch(creds("localhost"));
        FAIL() << "an unverifiable certificate was accepted";
    } catch (const ConnectionError& e) {
        EXPECT_EQ(e.curl_code(), 60);  // CURLE_PEER_FAILED_VERIFICATION
        EXPECT_FALSE(e.retryable());
    }
    EXPECT_EQ(server_->request_count(), 0u);
}

TEST_F(TlsTest, VerificationOffAcceptsAnyCertificate) {
    Credentials c = creds("127.0.0.1");
    c.ssl_verify = false;
    EXPECT_EQ(fetch(c).at("version"), "6.1.0");
}

TEST_F(TlsTest, CaBundleMakesTheCertificateTrusted) {
    Credentials c = creds("localhost");
    c.ssl_cert_file = ca_file_->string();
    EXPECT_EQ(fetch(c).at("version"), "6.1.0");
    EXPECT_EQ(server_->requests().at(0).header("X-Auth-Token"), server_->token());
}

TEST_F(TlsTest, HostNameMismatchIsRejectedEvenWithTrustedCa) {
    Credentials c = creds("127.0.0.1");
    c.ssl_cert_file = ca_file_->string();
    EXPECT_THROW(fetch(c), ConnectionError);
    EXPECT_EQ(server_->request_count(), 0u);
}

TEST_F(TlsTest, HostNameMismatchIsAcceptedWithVerifyHostnameOff) {
    Credentials c = creds("127.0.0.1");
    c.ssl_cert_file = ca_file_->string();
    c.ssl_verify_hostname = false;
    EXPECT_EQ(fetch(c).at("version"), "6.1.0");
}

TEST_F(TlsTest, VerifyHostnameOffStillRejectsAnUntrustedChain) {
    Credentials c = creds("127.0.0.1");
    c.ssl_verify_hostname = false;
    EXPECT_THROW(fetch(c), ConnectionError);
}

TEST_F(TlsTest, MissingCaBundleFileIsAClearError) {
    Credentials c = creds("localhost");
    c.ssl_cert_file = "/nonexistent/ca.pem";
    try {
        fetch(c);
        FAIL();
    } catch (const ConnectionError& e) {
        EXPECT_EQ(e.curl_code(), 77);  // CURLE_SSL_CACERT_BADFILE
    }
}

TEST_F(TlsTest, ForceTls12StillConnects) {
    Credentials c = creds("localhost");
    c.ssl_cert_file = ca_file_->string();
    c.ssl_force_tls_1_2 = true;
    EXPECT_EQ(fetch(c).at("version"), "6.1.0");
}

}  // namespace
}  // namespace cbapi
