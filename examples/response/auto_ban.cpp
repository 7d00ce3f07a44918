// auto_ban: bans (MD5-blacklists) the binaries of a watchlist's hits, read from Cb Event Forwarder JSON output
// files in a local directory (cbapi-python's s3-watchlist-ban.py, which read them from an S3 bucket).
//   auto_ban -w <watchlist name> -d <directory> [--listen [--interval 60] [--max-polls N]]
//            [--progress-file script_progress.log] [--text <ban text>]
// Each file holds one JSON event per line; `watchlist.hit.process` events ban `docs[0].process_md5`,
// `watchlist.hit.binary` events ban `docs[0].md5` (s3-watchlist-ban.py read process_md5 there too and banned
// nothing). Processed file names are kept in the progress file, so a rerun skips them. --listen then keeps
// polling the directory for new files every --interval seconds (--max-polls bounds the polls; 0 = forever).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/files.hpp"
#include "cbapi/response.hpp"
#include "common/cli.hpp"

namespace {

namespace fs = std::filesystem;
using cbapi::response::BannedHash;
using cbapi::response::CbResponseAPI;

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

struct Settings {
    std::string watchlist;
    fs::path directory;
    fs::path progress_file = "script_progress.log";
    std::string text = "Auto-Blacklist from auto_ban";
};

class AutoBan {
public:
    AutoBan(const CbResponseAPI& cb, Settings settings) : cb_(cb), settings_(std::move(settings)) {}

    /// Loads the names of the files processed by earlier runs.
    void load_progress() {
        std::ifstream in(settings_.progress_file);
        if (!in) {
            std::cout << "[?]: No previous progress file found: " << settings_.progress_file.string() << "\n";
            return;
        }
        std::stringstream text;
        text << in.rdbuf();
        const auto doc = nlohmann::json::parse(text.str(), nullptr, false);
        if (!doc.is_array())
            throw cbapi::ApiError("Progress file " + settings_.progress_file.string() + " is not a JSON list");
        for (const auto& name : doc)
            if (name.is_string()) processed_.insert(name.get<std::string>());
    }

    /// The event files of the directory, by name.
    std::vector<std::string> files() const {
        std::vector<std::string> names;
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(settings_.directory, ec)) {
            const std::string name = entry.path().filename().string();
            if (!entry.is_regular_file() || name.empty() || name.front() == '.') continue;
            std::error_code same_ec;  // the progress file may not exist yet
            if (fs::equivalent(entry.path(), settings_.progress_file, same_ec)) continue;
            names.push_back(name);
        }
        if (ec) throw cbapi::ApiError("Cannot read directory " + settings_.directory.string() + ": " + ec.message());
        std::sort(names.begin(), names.end());
        return names;
    }

    /// Processes every file not processed yet; with `announce_new`, says so for each ("listen" polls).
    void process_pending(bool announce_new) {
        for (const auto& name : files()) {
            if (processed_.count(name) > 0) {
                if (!announce_new) std::cout << "[+]: We have already processed file: " << name << "\n";
                continue;
            }
            if (announce_new) std::cout << "[+]: New File: " << name << "\n";
            process_file(name);
            processed_.insert(name);
            save_progress();
        }
    }

private:
    void process_file(const std::string& name) {
        std::cout << "[+]: Processing file: " << name << "\n";
        std::ifstream in(settings_.directory / name, std::ios::binary);
        if (!in) throw cbapi::ApiError("Cannot open " + (settings_.directory / name).string());
        std::string line;
        std::size_t number = 0;
        while (std::getline(in, line)) {
            ++number;
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
            const auto event = nlohmann::json::parse(line, nullptr, false);
            if (!event.is_object()) {
                std::cout << "[!]: Skipping line " << number << " of " << name << ": not a JSON object\n";
                continue;
            }
            const std::string type = event.value("type", "");
            if (type != "watchlist.hit.process" && type != "watchlist.hit.binary") continue;
            const auto name_it = event.find("watchlist_name");
            if (name_it == event.end() || !name_it->is_string() ||
                lower(name_it->get<std::string>()) != lower(settings_.watchlist))
                continue;
            const auto docs = event.find("docs");
            if (docs == event.end() || !docs->is_array() || docs->empty() || !(*docs)[0].is_object()) {
                std::cout << "[!]: Skipping line " << number << " of " << name << ": the hit has no docs\n";
                continue;
            }
            const char* field = type == "watchlist.hit.process" ? "process_md5" : "md5";
            const auto md5 = (*docs)[0].find(field);
            if (md5 == (*docs)[0].end() || !md5->is_string() || md5->get<std::string>().empty()) {
                std::cout << "[!]: Skipping line " << number << " of " << name << ": no " << field << "\n";
                continue;
            }
            ban(lower(md5->get<std::string>()));
        }
    }

    void ban(const std::string& md5) {
        if (!banned_.insert(md5).second) {
            std::cout << "[+]: Already banned in this run: " << md5 << "\n";
            return;
        }
        std::cout << "[+]: Banning Hash: " << md5 << "\n";
        try {
            BannedHash hash = cb_.create<BannedHash>();
            hash.set_md5hash(md5).set_text(settings_.text);
            hash.save();
            std::cout << hash.to_string() << "\n";
        } catch (const cbapi::ApiError& e) {
            std::cout << "[-]: Could not ban " << md5 << ": " << e.what() << "\n";
        }
    }

    void save_progress() const {
        std::cout << "[+]: saving progress to file " << settings_.progress_file.string() << "\n";
        cbapi::write_file_atomically(
            settings_.progress_file,
            nlohmann::json(std::vector<std::string>(processed_.begin(), processed_.end())).dump() + "\n");
    }

    const CbResponseAPI& cb_;
    Settings settings_;
    std::set<std::string> processed_;
    std::set<std::string> banned_;
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Ban the binaries of a watchlist's hits from Cb Event Forwarder output files"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    Settings settings;
    std::string directory, progress_file = settings.progress_file.string();
    bool listen = false;
    double interval = 60;
    long long max_polls = 0;
    app.add_option("-w,--watchlist", settings.watchlist, "Name of the watchlist whose hits are banned")->required();
    app.add_option("-d,--directory", directory, "Directory of Cb Event Forwarder JSON output files")
        ->required()
        ->check(CLI::ExistingDirectory);
    app.add_flag("-l,--listen", listen, "Keep polling the directory for new files");
    app.add_option("--interval", interval, "Seconds between polls in listen mode (default 60)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--max-polls", max_polls, "Stop listening after this many polls (default 0: never)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--progress-file", progress_file, "File remembering the processed files (default "
                                                     "script_progress.log)");
    app.add_option("--text", settings.text, "Text (reason) of the bans");
    CLI11_PARSE(app, argc, argv);
    settings.directory = directory;
    settings.progress_file = progress_file;

    return cbapi::examples::run([&] {
        std::cout << "Starting auto_ban...\n";
        const CbResponseAPI cb(common.credentials(cbapi::Product::response));
        AutoBan worker(cb, settings);
        worker.load_progress();
        worker.process_pending(false);
        if (!listen) return 0;
        std::cout << "[+]: Listen Mode\n";
        for (long long poll = 1; max_polls == 0 || poll <= max_polls; ++poll) {
            if (interval > 0) {
                std::cout << "Sleeping for " << interval << " s" << std::endl;
                std::this_thread::sleep_for(std::chrono::duration<double>(interval));
            }
            worker.process_pending(true);
        }
        return 0;
    });
}
