// Process event records of every event API version: the pipe-separated strings of v1 (and the string records later
// versions keep for modloads, filemods, regmods and crossprocs) and the JSON netconn/childproc records of v2-v4.
// A malformed record must be refused with cbapi::ApiError (the Process then skips it with a warning), never crash
// or throw another exception. The first input byte picks the parser, the rest is the record.
#include <nlohmann/json.hpp>

#include "cbapi/response/events.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace cbapi::response;
    cbapi::fuzz::quiet();
    if (size < 1) return 0;
    const std::string_view record = cbapi::fuzz::as_text(data + 1, size - 1);
    switch (data[0] % 9) {
        case 0: cbapi::fuzz::expect_clear_errors([&] { (void)parse_modload(record); }); break;
        case 1: cbapi::fuzz::expect_clear_errors([&] { (void)parse_filemod(record); }); break;
        case 2: cbapi::fuzz::expect_clear_errors([&] { (void)parse_regmod(record); }); break;
        case 3: cbapi::fuzz::expect_clear_errors([&] { (void)parse_netconn_v1(record); }); break;
        case 4: cbapi::fuzz::expect_clear_errors([&] { (void)parse_childproc_v1(record); }); break;
        case 5: cbapi::fuzz::expect_clear_errors([&] { (void)parse_crossproc(record); }); break;
        default: {
            const auto doc = nlohmann::json::parse(record, nullptr, false);
            if (doc.is_discarded()) return 0;
            const EventApiVersion version = data[0] % 9 == 6 ? EventApiVersion::v2 : EventApiVersion::v4;
            if (data[0] % 9 == 8)
                cbapi::fuzz::expect_clear_errors([&] { (void)parse_childproc_json(doc); });
            else
                cbapi::fuzz::expect_clear_errors([&] { (void)parse_netconn_json(doc, version); });
        }
    }
    return 0;
}
