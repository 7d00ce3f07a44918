// server_info: prints what a Cb Response server reports about itself (GET /api/info).
#include <iostream>

#include "cbapi/connection.hpp"
#include "common/cli.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Print the version and features of a Cb Response server"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    bool raw = false;
    app.add_flag("--json", raw, "Print the whole /api/info document as JSON");
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        cbapi::ConnectionOptions options;
        options.timeout = std::chrono::seconds(120);
        const cbapi::Connection conn(common.credentials(cbapi::Product::response), options);
        const nlohmann::json info = conn.get_json("/api/info");
        if (raw) {
            std::cout << info.dump(2) << "\n";
            return 0;
        }
        std::cout << "Server:         " << conn.url() << "\n"
                  << "Version:        " << info.value("version", std::string("unknown")) << "\n"
                  << "Live Response:  " << (info.value("cblrEnabled", false) ? "enabled" : "disabled") << "\n"
                  << "Banning:        " << (info.value("banningEnabled", false) ? "enabled" : "disabled") << "\n";
        return 0;
    });
}
