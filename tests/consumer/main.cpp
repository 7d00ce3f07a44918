// A user's program against an installed cbapi: starts the bundled simulator and talks to it with the SDK.
#include <iostream>

#include <cbapi/response/api.hpp>
#include <cbapi/testing/mock_server.hpp>
#include <cbapi/testing/simulators.hpp>
#include <cbapi/version.hpp>

int main() {
    try {
        cbapi::testing::MockServer server;
        cbapi::testing::install_simulators(server);
        cbapi::response::CbResponseAPI cb(server.url(), server.token());
        std::cout << "consumer: cbapi " << cbapi::version_string << " talked to Cb Response " << cb.server_version()
                  << std::endl;
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "consumer: " << e.what() << std::endl;
        return 1;
    }
}
