// dump_all_binaries: mirrors every binary the server holds (or those a query matches), with its metadata, into a
// directory, like cbapi-python's dump_all_binaries.py: `<destdir>/<MD5[0:3]>/<MD5[3:6]>/<MD5>` and `<...>.json`.
//
// Unlike the Python script it is resumable and checked: a binary already present and whose content has the MD5 the
// server names it by is skipped; a download is kept only when its MD5 is that MD5 (else it is an error for that
// binary, the run goes on, and the program exits 1 at the end). Paths are made from the MD5 alone, once it is checked
// to be 32 hex digits (never from a name the server supplies), no symbolic link is followed, and every file is
// written to a temporary that is renamed into place when complete. Progress goes to stderr.
#include <cctype>
#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>

#include <nlohmann/json.hpp>

#include "cbapi/files.hpp"
#include "cbapi/response.hpp"
#include "common/cli.hpp"
#include "common/md5.hpp"

namespace {

namespace fs = std::filesystem;
using cbapi::response::Binary;

bool is_md5(const std::string& text) {
    if (text.size() != 32) return false;
    for (char c : text)
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

// `directory/name` as an existing directory we created or found, never through a symbolic link.
fs::path subdirectory(const fs::path& directory, const std::string& name) {
    const fs::path path = directory / name;
    std::error_code ec;
    const auto status = fs::symlink_status(path, ec);
    if (fs::is_symlink(status)) throw cbapi::ApiError("Refusing to use '" + path.string() + "': it is a symbolic link");
    if (!fs::exists(status)) {
        fs::create_directory(path, ec);
        if (ec && !fs::is_directory(fs::symlink_status(path))) throw cbapi::ApiError("Cannot create " + path.string());
    } else if (!fs::is_directory(status)) {
        throw cbapi::ApiError("Refusing to use '" + path.string() + "': it is not a directory");
    }
    return path;
}

// Whether `path` is a regular file (not a link) whose content has the MD5 `md5`.
bool verified(const fs::path& path, const std::string& md5) {
    std::error_code ec;
    if (!fs::is_regular_file(fs::symlink_status(path, ec))) return false;
    return cbapi::examples::md5_of_file(path) == md5;
}

enum class Outcome { already_had, grabbed, failed };

Outcome dump(const Binary& binary, const fs::path& destdir) {
    std::string md5 = binary.md5();
    if (!is_md5(md5)) {
        std::cerr << "ERROR: Could not grab a binary: the server named it '" << md5 << "', which is not an MD5\n";
        return Outcome::failed;
    }
    for (char& c : md5) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const fs::path directory = subdirectory(subdirectory(destdir, md5.substr(0, 3)), md5.substr(3, 3));
    const fs::path target = directory / md5;
    const fs::path metadata = directory / (md5 + ".json");
    const auto write_metadata = [&] {
        cbapi::write_file_atomically(metadata, binary.document().dump(2) + "\n");
    };
    std::error_code ec;
    if (verified(target, md5)) {
        if (!fs::is_regular_file(fs::symlink_status(metadata, ec))) write_metadata();
        std::cerr << "already have " << md5 << "\n";
        return Outcome::already_had;
    }
    // Downloaded beside the target, checked, then renamed over it: a failed or wrong download never replaces a file.
    const fs::path part = directory / (md5 + ".part");
    try {
        binary.file(part.string());
    } catch (const cbapi::ObjectNotFoundError&) {
        std::cerr << "ERROR: Could not grab " << md5 << ": the server holds no copy of it\n";
        return Outcome::failed;
    } catch (const cbapi::ApiError& e) {
        std::cerr << "ERROR: Could not grab " << md5 << ": " << e.what() << "\n";
        fs::remove(part, ec);
        return Outcome::failed;
    }
    const std::string actual = cbapi::examples::md5_of_file(part);
    if (actual != md5) {
        fs::remove(part, ec);
        std::cerr << "ERROR: Could not grab " << md5 << ": checksum mismatch: the downloaded file's MD5 is " << actual
                  << "\n";
        return Outcome::failed;
    }
    fs::rename(part, target);  // replaces the name (a link planted there is replaced, never followed)
    write_metadata();
    std::cerr << "Grabbed " << md5 << " binary & process document\n";
    return Outcome::grabbed;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Grab all binaries from a Cb server"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    std::string destdir = ".", query;
    app.add_option("-d,--destdir", destdir, "Destination directory to place the binaries")->capture_default_str();
    app.add_option("--query", query, "Query string to filter results");
    app.add_flag("-v", common.verbose, "Enable verbose debugging messages");
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        std::error_code ec;
        const auto status = fs::symlink_status(destdir, ec);
        if (!fs::is_directory(status) || fs::is_symlink(status)) {
            std::cerr << "error: --destdir '" << destdir << "' is not an existing directory\n";
            return 2;
        }
        const cbapi::response::CbResponseAPI cb(common.credentials(cbapi::Product::response));
        auto binaries = cb.select<Binary>();
        if (!query.empty()) binaries = binaries.where(query);
        std::size_t had = 0, grabbed = 0, failed = 0, n = 0;
        const std::size_t total = binaries.size();
        for (const Binary& binary : binaries) {
            std::cerr << "[" << ++n << "/" << total << "] ";
            Outcome outcome = Outcome::failed;
            try {
                outcome = dump(binary, destdir);
            } catch (const cbapi::ApiError& e) {
                // A file or directory in the way (a symbolic link, a write error): this binary fails, the run goes on.
                std::cerr << "ERROR: Could not grab " << binary.md5() << ": " << e.what() << "\n";
            }
            switch (outcome) {
                case Outcome::already_had: ++had; break;
                case Outcome::grabbed: ++grabbed; break;
                case Outcome::failed: ++failed; break;
            }
        }
        std::cerr << n << " binaries: " << grabbed << " downloaded, " << had << " already present, " << failed
                  << " failed\n";
        return failed == 0 ? 0 : 1;
    });
}
