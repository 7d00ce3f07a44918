// binary_search: prints the metadata of every binary a query matches, like cbapi-python's binary_search.py.
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "cbapi/response.hpp"
#include "common/cli.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Print the binaries a query matches"};
    cbapi::examples::QueryOptions options;
    options.add_to(app, "Binary query (default: every binary)");
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        using cbapi::response::Binary;
        const cbapi::response::CbResponseAPI cb(options.common.credentials(cbapi::Product::response));
        auto binaries = cb.select<Binary>();
        if (!options.query.empty()) binaries = binaries.where(options.query);
        const auto line = [](const std::string& title, const std::string& value) {
            std::cout << fmt::format("{:<20} : {}\n", title, value);
        };
        const auto yes_no = [](bool b) { return std::string(b ? "True" : "False"); };
        for (const Binary& b : binaries) {
            std::cout << b.md5() << "\n" << std::string(80, '-') << "\n";
            line("Size (bytes)", std::to_string(b.size()));
            line("Signature Status", yes_no(b.is_signed()));
            line("Publisher", b.is_signed() ? b.digsig_publisher() : "n/a");
            line("Product Version", b.product_version());
            line("File Version", b.file_version());
            line("64-bit (x64)", yes_no(b.is_64bit()));
            line("EXE", yes_no(b.is_executable_image()));
            for (const auto& name : b.observed_filenames()) line("On-Disk Filename", name.substr(name.find_last_of('\\') + 1));
            std::cout << "\n\n";
        }
        return 0;
    });
}
