// Plain http:// is refused unless it is explicitly allowed (cbapi-python requires https since 1.3.3): for every
// product and every way an API object is made, before any request; each opt-in works; HTTPS with the simulator's
// generated certificate works without one, verification on. These tests run without CBAPI_ALLOW_HTTP (which ctest
// gives every test program) unless a test sets it.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>

#include <unistd.h>

#include "cbapi/defense.hpp"
#include "cbapi/protection.hpp"
#include "cbapi/response.hpp"
#include "cbapi/testing/mock_server.hpp"
#include "cbapi/testing/simulators.hpp"
#include "live_response/lr_fixture.hpp"  // VirtualClock
#include "support/env_guard.hpp"
#include "support/file_helpers.hpp"

namespace cbapi {
namespace {

namespace fs = std::filesystem;
using testing::MockServer;

constexpr const char* token = "HTTPSKEY/HTTPSCONN";  // also a Cb Defense "<api key>/<connector id>"

enum class Source { profile, credentials, url };

std::string to_string(Source source) {
    switch (source) {
        case Source::profile: return "profile";
        case Source::credentials: return "credentials";
        case Source::url: return "url";
    }
    return "?";
}

// A scratch directory for credential and CA files, removed afterwards.
class ScratchDirectory {
public:
    ScratchDirectory() {
        static int counter = 0;
        path_ = fs::temp_directory_path() /
                ("cbapi_https_only_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter));
        fs::create_directories(path_);
    }
    ~ScratchDirectory() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    ScratchDirectory(const ScratchDirectory&) = delete;
    ScratchDirectory& operator=(const ScratchDirectory&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

MockServer::Options server_options(bool tls) {
    MockServer::Options options;
    options.token = token;
    if (tls) options.tls = MockServer::Tls::generate();
    return options;
}

// What an API object is made from, and the opt-ins it is given.
struct Origin {
    std::string url;
    fs::path profile_file;          // for Source::profile: a credentials file with a [default] profile
    std::optional<std::string> ca;  // CA bundle (Credentials and profile sources only)
    bool options_allow_http = false;
    bool credentials_allow_http = false;
};

Credentials credentials_of(const Origin& setup) {
    Credentials c;
    c.url = setup.url;
    c.token = token;
    c.ssl_cert_file = setup.ca;
    c.allow_http = setup.credentials_allow_http;
    return c;
}

// Makes the product's API object from `source`, then makes one request through it (Cb Defense sends none at
// construction), so that "works" means the server answered.
void make_and_use(Product product, Source source, const Origin& setup) {
    CredentialOptions from_file;
    from_file.files = std::vector<fs::path>{setup.profile_file};
    from_file.use_environment = false;
    ConnectionOptions connection;
    connection.allow_http = setup.options_allow_http;
    connection.timeout = std::chrono::seconds(20);
    connection.retry.max_retries = 0;
    switch (product) {
        case Product::response: {
            response::ApiOptions options;
            options.connection = connection;
            options.credentials = from_file;
            auto cb = source == Source::profile       ? response::CbResponseAPI::from_profile("default", options)
                      : source == Source::credentials ? response::CbResponseAPI(credentials_of(setup), options)
                                                      : response::CbResponseAPI(setup.url, token, options);
            (void)cb.info();
            return;
        }
        case Product::protection: {
            protection::ApiOptions options;
            options.connection = connection;
            options.credentials = from_file;
            auto cb = source == Source::profile ? protection::CbProtectionAPI::from_profile("default", options)
                      : source == Source::credentials
                          ? protection::CbProtectionAPI(credentials_of(setup), options)
                          : protection::CbProtectionAPI(setup.url, token, options);
            (void)cb.connection().get_json("/api/bit9platform/v1/serverConfig");
            return;
        }
        case Product::defense: {
            defense::ApiOptions options;
            options.connection = connection;
            options.credentials = from_file;
            auto cb = source == Source::profile       ? defense::CbDefenseAPI::from_profile("default", options)
                      : source == Source::credentials ? defense::CbDefenseAPI(credentials_of(setup), options)
                                                      : defense::CbDefenseAPI(setup.url, token, options);
            (void)cb.connection().get_json("/integrationServices/v3/policy");
            return;
        }
    }
}

void write_profile(const fs::path& file, const std::string& url, const std::string& extra_lines) {
    test::write_file(file, "[default]\nurl = " + url + "\ntoken = " + token + "\n" + extra_lines);
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
}

void expect_refusal_message(const std::string& message, const std::string& url) {
    EXPECT_NE(message.find("Refusing to connect to " + url), std::string::npos) << message;
    EXPECT_NE(message.find("clear text"), std::string::npos) << message;
    // The four opt-ins, one for each place a URL comes from.
    EXPECT_NE(message.find("ConnectionOptions::allow_http"), std::string::npos) << message;
    EXPECT_NE(message.find("allow_http = true in the credential profile"), std::string::npos) << message;
    EXPECT_NE(message.find("CBAPI_ALLOW_HTTP=1"), std::string::npos) << message;
    EXPECT_NE(message.find("--allow-http"), std::string::npos) << message;
    EXPECT_EQ(message.find(token), std::string::npos) << message;
    EXPECT_EQ(message.find("HTTPSKEY"), std::string::npos) << message;
}

// --- every product, every source ------------------------------------------------------------------------------

class HttpsOnly : public ::testing::TestWithParam<std::tuple<Product, Source>> {
protected:
    void SetUp() override { env.unset(allow_http_variable); }

    test::EnvGuard env;
    ScratchDirectory dir;
};

TEST_P(HttpsOnly, PlainHttpIsRefusedBeforeAnyRequest) {
    const auto [product, source] = GetParam();
    MockServer server(server_options(false));
    testing::install_simulators(server);
    Origin setup;
    setup.url = server.url();
    setup.profile_file = dir.path() / "credentials";
    write_profile(setup.profile_file, setup.url, "");
    try {
        make_and_use(product, source, setup);
        FAIL() << "expected InsecureUrlError";
    } catch (const InsecureUrlError& e) {
        expect_refusal_message(e.what(), server.url());
    }
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_P(HttpsOnly, RefusalIsACredentialError) {
    const auto [product, source] = GetParam();
    MockServer server(server_options(false));
    Origin setup;
    setup.url = "HTTP://127.0.0.1:" + std::to_string(server.port());  // the scheme in any case
    setup.profile_file = dir.path() / "credentials";
    write_profile(setup.profile_file, setup.url, "");
    EXPECT_THROW(make_and_use(product, source, setup), CredentialError);
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_P(HttpsOnly, PlainHttpWorksWithTheEnvironmentOptIn) {
    const auto [product, source] = GetParam();
    env.set(allow_http_variable, "1");
    MockServer server(server_options(false));
    testing::install_simulators(server);
    Origin setup;
    setup.url = server.url();
    setup.profile_file = dir.path() / "credentials";
    write_profile(setup.profile_file, setup.url, "");
    make_and_use(product, source, setup);
    EXPECT_GT(server.request_count(), 0u);
}

TEST_P(HttpsOnly, PlainHttpWorksWithTheOptionsOptIn) {
    const auto [product, source] = GetParam();
    MockServer server(server_options(false));
    testing::install_simulators(server);
    Origin setup;
    setup.url = server.url();
    setup.profile_file = dir.path() / "credentials";
    write_profile(setup.profile_file, setup.url, "");
    setup.options_allow_http = true;
    make_and_use(product, source, setup);
    EXPECT_GT(server.request_count(), 0u);
}

// HTTPS needs no opt-in. With the simulator's CA the chain verifies; the url-and-token form has no CA setting (it
// uses the system store), so the self-signed chain fails there: verification is on.
TEST_P(HttpsOnly, HttpsNeedsNoOptInAndVerifiesTheChain) {
    const auto [product, source] = GetParam();
    MockServer::Options options = server_options(true);
    const std::string ca_pem = options.tls->certificate_pem;
    MockServer server(options);
    testing::install_simulators(server);
    Origin setup;
    setup.url = server.url();
    ASSERT_EQ(setup.url.rfind("https://127.0.0.1:", 0), 0u) << setup.url;
    setup.ca = (dir.path() / "ca.pem").string();
    test::write_file(*setup.ca, ca_pem);
    setup.profile_file = dir.path() / "credentials";
    write_profile(setup.profile_file, setup.url, "ssl_cert_file = " + *setup.ca + "\n");
    if (source == Source::url) {
        EXPECT_THROW(make_and_use(product, source, setup), ConnectionError);
        EXPECT_EQ(server.request_count(), 0u);  // the TLS handshake failed: nothing reached the server
    } else {
        make_and_use(product, source, setup);
        EXPECT_GT(server.request_count(), 0u);
        for (const auto& r : server.requests()) EXPECT_EQ(r.header("X-Auth-Token"), token);
    }
}

INSTANTIATE_TEST_SUITE_P(EveryProductAndSource, HttpsOnly,
                         ::testing::Combine(::testing::Values(Product::response, Product::protection,
                                                              Product::defense),
                                            ::testing::Values(Source::profile, Source::credentials, Source::url)),
                         [](const auto& param_info) {
                             return std::string(cbapi::to_string(std::get<0>(param_info.param))) + "_" +
                                    to_string(std::get<1>(param_info.param));
                         });

// --- the opt-ins one by one --------------------------------------------------------------------------------------

class HttpOptIn : public ::testing::Test {
protected:
    void SetUp() override {
        env.unset(allow_http_variable);
        testing::install_simulators(server);
        setup.url = server.url();
        setup.profile_file = dir.path() / "credentials";
    }

    test::EnvGuard env;
    ScratchDirectory dir;
    MockServer server{server_options(false)};
    Origin setup;
};

TEST_F(HttpOptIn, ProfileKeyAllowsPlainHttp) {
    write_profile(setup.profile_file, setup.url, "allow_http = true\n");
    make_and_use(Product::response, Source::profile, setup);
    EXPECT_GT(server.request_count(), 0u);
}

TEST_F(HttpOptIn, ProfileKeyIsReadIntoCredentials) {
    write_profile(setup.profile_file, setup.url, "allow_http = yes\n");
    CredentialOptions options;
    options.files = std::vector<fs::path>{setup.profile_file};
    options.use_environment = false;
    const Credentials c = load_credentials(Product::protection, options);
    EXPECT_TRUE(c.allow_http);
    EXPECT_EQ(c.extra.count("allow_http"), 0u);
    std::ostringstream printed;
    printed << c;
    EXPECT_NE(printed.str().find("allow_http=true"), std::string::npos) << printed.str();
}

TEST_F(HttpOptIn, ProfileKeyOffStillRefuses) {
    write_profile(setup.profile_file, setup.url, "allow_http = false\n");
    EXPECT_THROW(make_and_use(Product::defense, Source::profile, setup), InsecureUrlError);
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(HttpOptIn, AProfileKeyThatIsNotABooleanIsAnError) {
    write_profile(setup.profile_file, setup.url, "allow_http = sometimes\n");
    try {
        make_and_use(Product::response, Source::profile, setup);
        FAIL() << "expected CredentialError";
    } catch (const InsecureUrlError&) {
        FAIL() << "the bad value must be reported, not the scheme";
    } catch (const CredentialError& e) {
        EXPECT_NE(std::string(e.what()).find("'sometimes' for allow_http"), std::string::npos) << e.what();
    }
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(HttpOptIn, CredentialsFieldAllowsPlainHttp) {
    setup.credentials_allow_http = true;
    make_and_use(Product::protection, Source::credentials, setup);
    EXPECT_GT(server.request_count(), 0u);
}

TEST_F(HttpOptIn, EnvironmentOffStillRefuses) {
    env.set(allow_http_variable, "0");
    EXPECT_THROW(make_and_use(Product::response, Source::url, setup), InsecureUrlError);
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(HttpOptIn, EnvironmentValueThatIsNotABooleanIsAnError) {
    env.set(allow_http_variable, "please");
    try {
        make_and_use(Product::response, Source::url, setup);
        FAIL() << "expected CredentialError";
    } catch (const InsecureUrlError&) {
        FAIL() << "the bad value must be reported, not the scheme";
    } catch (const CredentialError& e) {
        EXPECT_NE(std::string(e.what()).find("CBAPI_ALLOW_HTTP"), std::string::npos) << e.what();
    }
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(HttpOptIn, EnvironmentIsReadEvenWhenCredentialsIgnoreIt) {
    // CredentialOptions::use_environment is about where credentials come from; the opt-in is the process's choice.
    env.set(allow_http_variable, "true");
    write_profile(setup.profile_file, setup.url, "");
    make_and_use(Product::response, Source::profile, setup);  // use_environment = false there
    EXPECT_GT(server.request_count(), 0u);
}

TEST_F(HttpOptIn, AllowedPlainHttpIsLoggedAsAWarning) {
    test::LogCapture log;
    setup.options_allow_http = true;
    make_and_use(Product::response, Source::credentials, setup);
    EXPECT_NE(log.text().find("warning Connecting to Cb server on unencrypted HTTP"), std::string::npos)
        << log.text();
}

TEST_F(HttpOptIn, ConnectionRefusesWithoutOptInAndNamesTheUrlWithoutItsPassword) {
    Credentials c;
    c.url = "http://admin:hunter2@127.0.0.1:" + std::to_string(server.port());
    c.token = token;
    try {
        Connection conn(c);
        FAIL() << "expected InsecureUrlError";
    } catch (const InsecureUrlError& e) {
        const std::string message = e.what();
        EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
        EXPECT_NE(message.find("http://admin:"), std::string::npos) << message;
    }
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(HttpOptIn, CheckUrlSchemeLetsHttpsAndOptedInHttpPass) {
    EXPECT_NO_THROW(check_url_scheme("https://cb.example.com", false));
    EXPECT_NO_THROW(check_url_scheme("http://cb.example.com", true));
    EXPECT_THROW(check_url_scheme("http://cb.example.com", false), InsecureUrlError);
    EXPECT_THROW(check_url_scheme("Http://cb.example.com", false), InsecureUrlError);
}

// --- Live Response over HTTPS, verification on, no opt-in --------------------------------------------------------

TEST(HttpsLiveResponse, SessionWithACbResponseSensorOverHttps) {
    test::EnvGuard env;
    env.unset(allow_http_variable);
    ScratchDirectory dir;
    MockServer::Options options = server_options(true);
    const fs::path ca = dir.path() / "ca.pem";
    test::write_file(ca, options.tls->certificate_pem);
    MockServer server(options);
    testing::install_simulators(server);
    Credentials c;
    c.url = server.url();
    c.token = token;
    c.ssl_cert_file = ca.string();
    const response::CbResponseAPI cb(c);
    test::VirtualClock clock;
    live_response::LiveResponseOptions lr;
    lr.clock = clock.clock();
    lr.sleeper = clock.sleeper();
    lr.keepalive_interval = std::chrono::milliseconds(0);
    {
        auto session = cb.select<response::Sensor>(1).lr_session(lr);
        EXPECT_FALSE(session.list_processes().empty());
    }
    bool closed = false;
    for (const auto& r : server.requests())
        if (r.method == "PUT" && r.path.rfind("/api/v1/cblr/session/", 0) == 0 &&
            r.body.find("close") != std::string::npos)
            closed = true;
    EXPECT_TRUE(closed);
}

TEST(HttpsLiveResponse, NoSessionIsRequestedFromAPlainHttpServerWithoutOptIn) {
    test::EnvGuard env;
    env.unset(allow_http_variable);
    MockServer server(server_options(false));
    testing::install_simulators(server);
    EXPECT_THROW(response::CbResponseAPI(server.url(), token), InsecureUrlError);
    EXPECT_THROW(defense::CbDefenseAPI(server.url(), token), InsecureUrlError);
    EXPECT_EQ(server.request_count(), 0u);
}

// get_api_token sends a password, not a token, and makes no Connection: it refuses plain HTTP all the same.
TEST(HttpsOnly, GetApiTokenRefusesPlainHttpWithoutOptIn) {
    test::EnvGuard env;
    env.unset(allow_http_variable);
    MockServer server(server_options(false));
    testing::install_simulators(server);
    try {
        response::get_api_token(server.url(), "admin", "s3cret-pass", {});
        FAIL() << "plain http was accepted";
    } catch (const InsecureUrlError& e) {
        EXPECT_EQ(std::string(e.what()).find("s3cret-pass"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find(allow_http_variable), std::string::npos) << e.what();
    }
    EXPECT_EQ(server.request_count(), 0u);
}

}  // namespace
}  // namespace cbapi
