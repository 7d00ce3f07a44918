// empty_analysis_connector: the skeleton of a Cb Protection analysis connector, like cbapi-python's
// empty_analysis_connector.py: it registers the connector "EmptyAnalysis", then polls its pending analyses; for each
// file the agent has uploaded it saves the file as `<hash>.dat` (in --directory), reports it malicious ("TEST
// MALWARE") and marks the analysis done; other files wait for their upload.
#include <filesystem>
#include <iostream>
#include <string>

#include "cbapi/files.hpp"
#include "cbapi/protection.hpp"
#include "common/analysis_connector.hpp"
#include "common/cli.hpp"

int main(int argc, char** argv) {
    CLI::App app{"EmptyAnalysis: example connector for Carbon Black Enterprise Protection"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    cbapi::examples::PollOptions polling;
    polling.add_to(app, 10);
    std::string directory = ".";
    app.add_option("--directory", directory, "Directory to save the uploaded files to")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    if (!std::filesystem::is_directory(directory)) {
        std::cerr << "error: --directory '" << directory << "' is not an existing directory\n";
        return 2;
    }

    return cbapi::examples::run([&] {
        using namespace cbapi::protection;
        using cbapi::examples::log_line;
        const CbProtectionAPI cb(common.credentials(cbapi::Product::protection));
        const Connector connector = cbapi::examples::register_connector(cb, "EmptyAnalysis");
        log_line("INFO", "Starting processing loop");
        const auto failures = cbapi::examples::poll(connector, polling, [&](PendingAnalysis& analysis) {
            analysis.refresh();  // make sure we have the latest information
            const std::string hash = analysis.file_hash();
            log_line("INFO", "Processing hash " + hash);
            if (!analysis.uploaded().value_or(false)) {
                log_line("INFO", "Waiting until hash " + hash + " is uploaded");
                return;
            }
            log_line("INFO", "I have a binary! let's download it");
            // Named after the hash the server gave, made safe: it can never name a path outside --directory.
            const auto path = cbapi::safe_output_path(directory, hash + ".dat");
            cbapi::write_file_atomically(path, cbapi::examples::analysis_file(analysis),
                                         cbapi::AtomicFile::private_mode);
            log_line("INFO", "Saved " + path.string());
            cbapi::examples::report_verdict(analysis, [](Notification& n) {
                n.set_product("EmptyAnalysis").set_malware_name("TEST MALWARE");
                n.set_analysis_result(Notification::ResultMalicious).set_severity("high").set_type("whoa");
            });
            log_line("INFO", "Reported hash " + hash + " as malicious; analysis " + analysis.id() + " done");
        });
        return failures == 0 ? 0 : 1;
    });
}
