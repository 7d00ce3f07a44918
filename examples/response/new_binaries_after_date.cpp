// new_binaries_after_date: a CSV report of the binaries that processes wrote since a date, with their signature
// status, company, first-seen date, host count, PE link time and number of executions, like cbapi-python's
// new_binaries_after_date.py. Progress goes to stderr; the report is written whole or not at all.
#include <iostream>
#include <optional>
#include <set>
#include <string>

#include "cbapi/files.hpp"
#include "cbapi/response.hpp"
#include "common/binary_report.hpp"
#include "common/cli.hpp"

int main(int argc, char** argv) {
    CLI::App app{"System Check After Specified Date"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    std::string date, output_file = "new_binaries_after_date.csv";
    app.add_option("-d,--date-to-query", date, "New since DATE, format YYYY-MM-DD")->required();
    app.add_option("-f,--output-file", output_file, "output file in csv format")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    if (!cbapi::examples::is_date(date)) {
        std::cerr << "error: --date-to-query must be a date as YYYY-MM-DD, not '" << date << "'\n";
        return 2;
    }

    return cbapi::examples::run([&] {
        using cbapi::response::Binary;
        using cbapi::response::Process;
        const cbapi::response::CbResponseAPI cb(common.credentials(cbapi::Product::response));
        std::cout << "Performing Query..." << std::endl;
        std::set<std::string> md5s;  // sorted: the report's order does not depend on the server's
        const auto writers = cb.select<Process>().where("filewrite_md5:* last_update:[" + date + "T00:00:00 TO *]");
        for (const Process& proc : writers)
            for (const auto& fm : proc.filemods())
                if (!fm.md5.empty()) md5s.insert(fm.md5);

        cbapi::AtomicFile out(output_file);
        out.write(cbapi::examples::csv_row({"Binary MD5", "Binary Link", "Signature Status", "Company", "Observed Date",
                                            "Host Count", "Binary TimeStamp", "Number of Executions"}));
        const cbapi::examples::ScratchDirectory scratch;
        std::size_t done = 0, written = 0;
        for (const auto& md5 : md5s) {
            std::cerr << "[" << ++done << "/" << md5s.size() << "] " << md5 << "\n";
            std::optional<Binary> binary;
            std::optional<std::string> linked;
            try {
                binary = cb.fetch<Binary>(md5);
                linked = cbapi::examples::binary_link_time(*binary, scratch);
            } catch (const cbapi::ObjectNotFoundError&) {
                // Written, but the server holds no copy of it (the Python script skips these too).
                std::cerr << "  skipped: the server holds no copy of binary " << md5 << "\n";
                continue;
            }
            if (!linked) std::cerr << "  " << md5 << " is not a PE file: its Binary TimeStamp is left empty\n";
            const auto executions = cb.select<Process>().where("process_md5:" + md5).size();
            const std::string status = binary->signing_data().result;
            out.write(cbapi::examples::csv_row(
                {binary->md5(), binary->webui_link(), status.empty() ? "UNSIGNED" : status, binary->company_name(),
                 binary->get_or<std::string>("server_added_timestamp", ""), std::to_string(binary->host_count()),
                 linked.value_or(""), std::to_string(executions)}));
            ++written;
        }
        out.commit();
        std::cout << "Wrote " << written << " of " << md5s.size() << " binaries to " << output_file << std::endl;
        return 0;
    });
}
