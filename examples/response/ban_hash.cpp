// ban_hash: adds an MD5 hash to Cb Response's banned hash list, like cbapi-python 1.3.3's
// examples/response/ban_hash.py:
//   ban_hash -H <md5> [-d <description>]   (plus the shared --profile, --cburl, --apitoken, ...)
// The entry is created enabled (`POST /api/v1/banning/blacklist`), with the description as its text (default
// "Banned via ban_hash example"). Unlike the Python script, a failure is reported on stderr with a non-zero exit.
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "cbapi/response.hpp"
#include "common/cli.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Add an MD5 hash to the banned hash list in Cb Response"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    std::string hash;
    std::string description;
    app.add_option("-H,--hash", hash, "MD5 hash of the file to ban in Cb Response")->required();
    app.add_option("-d,--description", description, "Description of why the hash is banned");
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        const cbapi::response::CbResponseAPI cb(common.credentials(cbapi::Product::response));
        auto ban = cb.create<cbapi::response::BannedHash>();
        try {
            ban.set_md5hash(hash);
            ban.set_text(description.empty() ? std::string("Banned via ban_hash example") : description);
            ban.set_enabled(true);
            ban.save();
        } catch (const cbapi::ApiError& e) {
            std::cerr << fmt::format("Error banning hash {}: {}", hash, e.what()) << std::endl;
            return 1;
        }
        std::cout << fmt::format("Hash {} successfully banned", hash) << std::endl;
        return 0;
    });
}
