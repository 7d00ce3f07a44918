// binary_download: downloads one binary the server holds to a local file, like cbapi-python's binary_download.py.
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "cbapi/response.hpp"
#include "common/cli.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Download a binary by its MD5"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    std::string md5, filename, directory;
    app.add_option("--md5", md5, "MD5 of the binary")->required();
    auto* file_option = app.add_option("--filename", filename, "File to write the binary to");
    auto* directory_option =
        app.add_option("--directory", directory, "Directory to write the binary to, named after its original file name");
    file_option->excludes(directory_option);
    CLI11_PARSE(app, argc, argv);
    if (filename.empty() == directory.empty()) {
        std::cerr << "error: give one of --filename and --directory\n";
        return 2;
    }

    return cbapi::examples::run([&] {
        const cbapi::response::CbResponseAPI cb(common.credentials(cbapi::Product::response));
        const auto binary = cb.select<cbapi::response::Binary>(md5);
        try {
            if (!directory.empty()) {
                filename = binary.file_into(directory, cbapi::response::Binary::FileName::original_filename).string();
            } else {
                binary.file(filename);
            }
        } catch (const cbapi::ObjectNotFoundError&) {
            std::cerr << "error: the server does not hold binary " << md5 << "\n";
            return 1;
        }
        std::cout << fmt::format("-> Downloaded binary {} [{} bytes] to {}\n", md5, binary.size(), filename);
        return 0;
    });
}
