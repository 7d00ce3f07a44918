// A user's program against an installed cbapi that links only the SDK (cbapi::cbapi): talks to the server at the
// URL it is given over HTTPS, trusting the CA file it is given (check.sh starts the installed cbapi-mock-server for
// it).
#include <iostream>

#include <cbapi/response/api.hpp>
#include <cbapi/version.hpp>

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: consumer <server url> <api token> <CA file>" << std::endl;
        return 2;
    }
    try {
        cbapi::Credentials credentials;
        credentials.url = argv[1];
        credentials.token = argv[2];
        credentials.ssl_cert_file = argv[3];
        cbapi::response::CbResponseAPI cb(credentials);
        std::cout << "consumer: cbapi " << cbapi::version_string << " talked to Cb Response " << cb.server_version()
                  << std::endl;
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "consumer: " << e.what() << std::endl;
        return 1;
    }
}
