// watchlist_exporter: exports Cb Response watchlists to a shareable JSON file (cbapi-python's
// watchlist_exporter.py; the format is cbapi::response::WatchlistExport). `-f -` writes the JSON to stdout.
//   watchlist_exporter -f <file> [-w name1,name2] [-m] [-d <description>] [-a <author>]
#include <chrono>
#include <iostream>
#include <string>

#include "cbapi/files.hpp"
#include "cbapi/response.hpp"
#include "common/cli.hpp"
#include "common/intel_output.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Export watchlists into a shareable JSON format"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    std::string file, names, description, author;
    bool selective = false;
    app.add_option("-f,--file", file, "Name of the export file ('-' = standard output)")->required();
    app.add_option("-w,--watchlists", names, "Comma-separated names of the watchlists to export (default: all)");
    app.add_flag("-m,--selective", selective, "Interactively select which watchlists to export");
    app.add_option("-d,--description", description, "Description of the watchlists being exported");
    app.add_option("-a,--author", author, "Author of the watchlists being exported");
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        using namespace cbapi::response;
        namespace ex = cbapi::examples;
        const CbResponseAPI cb(common.credentials(cbapi::Product::response));
        const auto wanted = ex::split_names(names);
        auto exported = WatchlistExport::dated(std::chrono::system_clock::now());
        if (!author.empty()) exported.author = author;
        if (!description.empty()) exported.description = description;
        // Prompts go to stderr when the JSON goes to stdout.
        std::ostream& console = file == "-" ? std::cerr : std::cout;
        for (const Watchlist& w : cb.select<Watchlist>()) {
            if (!ex::selected(wanted, w.name())) continue;
            if (selective && !ex::ask_yes_no("Export watchlist " + w.name() + "?", std::cin, console)) continue;
            exported.watchlists.push_back(WatchlistExportEntry::of(w));
        }
        const std::string json = exported.to_json().dump(4) + "\n";
        if (file == "-") {
            std::cout << json;
        } else {
            cbapi::write_file_atomically(file, json);
        }
        console << "-> Done exporting! <-\n";
        return 0;
    });
}
