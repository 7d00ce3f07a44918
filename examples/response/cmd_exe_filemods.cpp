// cmd_exe_filemods: finds cmd.exe processes that wrote .exe or .dll files and prints one CSV-like row per file
// modification with the written file's signature, like cbapi-python's cmd_exe_filemods.py.
#include <iostream>
#include <map>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "cbapi/response.hpp"
#include "common/cli.hpp"
#include "common/process_output.hpp"

namespace {

bool ends_with(std::string text, const std::string& suffix) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"List the .exe and .dll files written by cmd.exe processes"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        using namespace cbapi::response;
        const CbResponseAPI cb(common.credentials(cbapi::Product::response));
        // Signature and product of each written MD5, asked once ("" when the server does not hold the binary).
        std::map<std::string, std::pair<std::string, std::string>> seen;
        const auto signature = [&](const std::string& md5) {
            auto it = seen.find(md5);
            if (it != seen.end()) return it->second;
            std::pair<std::string, std::string> info;
            try {
                const Binary b = cb.fetch<Binary>(md5);
                info = {b.is_signed() ? "True" : "False", b.product_name()};
            } catch (const cbapi::ObjectNotFoundError&) {
            }
            return seen.emplace(md5, info).first->second;
        };
        for (const Process& proc : cb.select<Process>().where("process_name:cmd.exe (filemod:*.exe or filemod:*.dll)")) {
            for (const FileModEvent& fm : proc.filemods()) {
                if (!ends_with(fm.path, ".exe") && !ends_with(fm.path, ".dll")) continue;
                std::pair<std::string, std::string> info;
                if (fm.type == "LastWrote" && !fm.md5.empty()) info = signature(fm.md5);
                std::cout << fmt::format("{},{},{},{},{},{},{},{},{}\n", cbapi::examples::python_time(fm.timestamp),
                                         proc.hostname(), proc.username(), proc.path(), fm.path, fm.type, fm.md5,
                                         info.first, info.second);
            }
        }
        return 0;
    });
}
