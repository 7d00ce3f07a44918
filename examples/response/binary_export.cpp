// binary_export: writes the MD5 of every binary the server holds to a file, one per line, like cbapi-python's
// binary_export.py; with --metadata, one JSON document per line instead (the binary's MD5 and its metadata).
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/files.hpp"
#include "cbapi/response.hpp"
#include "common/cli.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Export the MD5 of every binary on the server"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    std::string filename;
    bool metadata = false;
    app.add_option("--filename", filename, "filename for md5 list")->required();
    app.add_flag("--metadata", metadata,
                 "Write one JSON object per line (the binary's metadata, with its md5) instead of the bare MD5");
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        using cbapi::response::Binary;
        const cbapi::response::CbResponseAPI cb(common.credentials(cbapi::Product::response));
        // Written through a temporary renamed over the target when complete: an interrupted export leaves no
        // partial list behind, and a symbolic link at `filename` is refused.
        cbapi::AtomicFile out(filename);
        std::size_t count = 0;
        for (const Binary& b : cb.select<Binary>()) {
            if (metadata) {
                nlohmann::json line = b.document();
                line["md5"] = b.md5();
                out.stream() << line.dump() << "\n";
            } else {
                out.stream() << b.md5() << "\n";
            }
            ++count;
        }
        out.commit();
        std::cerr << "Exported " << count << " binaries to " << filename << "\n";
        return 0;
    });
}
