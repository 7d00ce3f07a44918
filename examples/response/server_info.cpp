// server_info: prints a Cb Response server's configuration (/api/info), like cbapi-python's server_info.py: the
// server URL, a rule, then "<key padded to 30> : <value>" for every key in name order.
#include <iostream>

#include <fmt/format.h>

#include "cbapi/response.hpp"
#include "common/cli.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Print the configuration a Cb Response server reports (/api/info)"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        const cbapi::response::CbResponseAPI cb(common.credentials(cbapi::Product::response));
        const nlohmann::json info = cb.info();
        std::cout << cb.url() << "\n" << std::string(80, '-') << "\n";
        for (const auto& [key, value] : info.items())  // nlohmann::json keeps keys sorted
            std::cout << fmt::format("{:<30} : {}", key, value.is_string() ? value.get<std::string>() : value.dump())
                      << "\n";
        return 0;
    });
}
