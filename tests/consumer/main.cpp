// A user's program against an installed cbapi: starts the bundled simulator on HTTPS with a certificate made for the
// run and talks to it with the SDK, verifying the chain with that certificate.
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <iostream>
#include <string>

#include <unistd.h>

#include <cbapi/response/api.hpp>
#include <cbapi/testing/mock_server.hpp>
#include <cbapi/testing/simulators.hpp>
#include <cbapi/version.hpp>

int main() {
    try {
        cbapi::testing::MockServer::Options options;
        options.tls = cbapi::testing::MockServer::Tls::generate();
        char ca_file[] = "/tmp/cbapi-consumer-ca-XXXXXX";
        const int fd = ::mkstemp(ca_file);
        if (fd < 0) throw std::runtime_error("cannot create the CA file");
        ::close(fd);
        std::ofstream(ca_file) << options.tls->certificate_pem;
        cbapi::testing::MockServer server(options);
        cbapi::testing::install_simulators(server);
        cbapi::Credentials credentials;
        credentials.url = server.url();
        credentials.token = server.token();
        credentials.ssl_cert_file = ca_file;
        cbapi::response::CbResponseAPI cb(credentials);
        std::remove(ca_file);
        std::cout << "consumer: cbapi " << cbapi::version_string << " talked to Cb Response " << cb.server_version()
                  << std::endl;
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "consumer: " << e.what() << std::endl;
        return 1;
    }
}
