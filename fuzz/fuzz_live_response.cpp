// Live Response replies from a server into each reader of live_response/parse.hpp (and the command error decoder):
// every document either gives a typed result or throws cbapi::ApiError — never another exception or a crash. The
// first input byte picks the reader, the rest is the JSON document (or, for the 404 body check, the raw text).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/live_response/parse.hpp"
#include "cbapi/live_response/win32_error.hpp"
#include "fuzz_common.hpp"

namespace {

using namespace cbapi::live_response;
using namespace cbapi::live_response::detail;
using nlohmann::json;

using Reader = std::function<void(const json&)>;

// A second document for the readers that take two: the document's `second` member when it has one.
const json& second(const json& doc) {
    static const json none;
    if (!doc.is_object()) return none;
    const auto it = doc.find("second");
    return it == doc.end() ? none : *it;
}

const std::vector<Reader>& readers() {
    static const std::vector<Reader> all = {
        [](const json& doc) {
            const auto entries = parse_directory_list(doc);
            for (const auto& e : entries) (void)e.is_directory();
            (void)walk_entry("C:\\top", entries);
        },
        [](const json& doc) { (void)parse_process_list(doc); },
        [](const json& doc) { (void)parse_registry_key(doc); },
        [](const json& doc) { (void)parse_registry_value(doc); },
        [](const json& doc) {
            (void)parse_session_info(doc);
            (void)os_from_session_data(doc);
        },
        [](const json& doc) {
            (void)parse_status(doc, "fuzz");
            const auto e = make_live_response_error("fuzz", doc);
            (void)e.win32_error();
        },
        [](const json& doc) { (void)parse_file_id(doc, second(doc)); },
        [](const json& doc) {
            (void)parse_id(doc, "fuzz");
            (void)parse_id(doc, "fuzz", "file_id");
        },
        [](const json& doc) { (void)find_open_session(doc, 1); },
        [](const json& doc) { (void)parse_device_os(doc); },
    };
    return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    cbapi::fuzz::quiet();
    if (size == 0) return 0;
    const auto text = cbapi::fuzz::as_text(data + 1, size - 1);
    const auto& all = readers();
    const std::size_t pick = data[0] % (all.size() + 1);
    if (pick == all.size()) {  // a 404 body: any text
        (void)is_session_lost_reply(text);
        return 0;
    }
    const json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded()) return 0;
    cbapi::fuzz::expect_clear_errors([&] { all[pick](doc); });
    return 0;
}
