// new_binaries_with_netconns: a CSV report of the rare (seen on 1 to 3 hosts), non-DLL, non-Microsoft binaries first
// seen since a date whose processes made network connections, one row per such process, like cbapi-python's
// new_binaries_with_netconns.py. Progress goes to stderr; the report is written whole or not at all.
#include <iostream>
#include <optional>
#include <string>

#include "cbapi/files.hpp"
#include "cbapi/response.hpp"
#include "common/binary_report.hpp"
#include "common/cli.hpp"

int main(int argc, char** argv) {
    CLI::App app{"New Binaries with Netconns"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    std::string date, output_file = "new_binaries_with_netconns.csv";
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
        const auto binaries = cb.select<Binary>().where("host_count:[1 TO 3] server_added_timestamp:[" + date +
                                                        "T00:00:00 TO *] -observed_filename:*.dll"
                                                        " -digsig_publisher:Microsoft* -alliance_score_srstrust:*");
        cbapi::AtomicFile out(output_file);
        out.write(cbapi::examples::csv_row({"FileName", "Hostname", "Username", "Network Connections", "Process Link",
                                            "Binary Link", "Binary MD5", "Signature Status", "Company", "Observed Date",
                                            "Host Count", "Binary TimeStamp"}));
        const cbapi::examples::ScratchDirectory scratch;
        const std::size_t total = binaries.size();
        std::size_t done = 0, rows = 0;
        for (const Binary& binary : binaries) {
            std::cerr << "[" << ++done << "/" << total << "] " << binary.md5() << "\n";
            std::optional<std::string> linked;
            try {
                linked = cbapi::examples::binary_link_time(binary, scratch);
                if (!linked)
                    std::cerr << "  " << binary.md5() << " is not a PE file: its Binary TimeStamp is left empty\n";
            } catch (const cbapi::ObjectNotFoundError&) {
                std::cerr << "  the server holds no copy of " << binary.md5() << ": its Binary TimeStamp is left empty\n";
            }
            const std::string status = binary.digsig_result();
            for (const Process& proc :
                 cb.select<Process>().where("process_md5:" + binary.md5() + " netconn_count:[1 TO *]")) {
                out.write(cbapi::examples::csv_row(
                    {proc.path(), proc.hostname(), proc.username(), std::to_string(proc.netconn_count()),
                     proc.webui_link(), binary.webui_link(), binary.md5(), status.empty() ? "UNSIGNED" : status,
                     binary.company_name(), binary.get_or<std::string>("server_added_timestamp", ""),
                     std::to_string(binary.host_count()), linked.value_or("")}));
                ++rows;
            }
        }
        out.commit();
        std::cout << "Wrote " << rows << " rows for " << total << " binaries to " << output_file << std::endl;
        return 0;
    });
}
