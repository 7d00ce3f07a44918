// watchlist_importer: creates Cb Response watchlists from a watchlist_exporter JSON file (cbapi-python's
// watchlist_importer.py). Besides SearchString, the other parameters of each entry's URL (sort, facets) are kept.
// Exits 1 when a watchlist could not be added.
//   watchlist_importer -f <file> [-w name1,name2] [-m]
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/response.hpp"
#include "common/cli.hpp"
#include "common/intel_output.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Import watchlists from a watchlist_exporter file"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    std::string file, names;
    bool selective = false;
    app.add_option("-f,--file", file, "Name of the file to import")->required();
    app.add_option("-w,--watchlists", names, "Comma-separated names of the watchlists to import (default: all)");
    app.add_flag("-m,--selective", selective, "Interactively select which watchlists to import");
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        using namespace cbapi::response;
        namespace ex = cbapi::examples;
        std::ifstream in(file, std::ios::binary);
        if (!in) throw cbapi::ApiError("Cannot open " + file);
        std::stringstream text;
        text << in.rdbuf();
        const auto doc = nlohmann::json::parse(text.str(), nullptr, false);
        if (doc.is_discarded()) throw cbapi::ApiError(file + " is not valid JSON");
        const WatchlistExport imported = WatchlistExport::from_json(doc);

        const CbResponseAPI cb(common.credentials(cbapi::Product::response));
        const auto wanted = ex::split_names(names);
        std::cout << "Importing " << (imported.description.empty() ? "<no description>" : imported.description)
                  << " from " << (imported.author.empty() ? "<no author>" : imported.author) << "...\n";
        int failures = 0;
        for (const auto& entry : imported.watchlists) {
            if (!ex::selected(wanted, entry.name)) continue;
            if (selective && !ex::ask_yes_no("Import watchlist " + entry.name + "?")) continue;
            try {
                Watchlist w = cb.create<Watchlist>();
                entry.apply_to(w);
                w.save();
                std::cout << "-> Watchlist " << entry.name << " added [id=" << w.id() << "]\n";
            } catch (const cbapi::ApiError& e) {
                std::cout << "-> Watchlist " << entry.name << " not added: " << e.what() << "\n";
                ++failures;
            }
        }
        std::cout << "-> Done importing! <-\n";
        return failures == 0 ? 0 : 1;
    });
}
