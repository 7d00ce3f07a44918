// Timestamp parsing: every format the servers send (Cb Response, Protection, Defense, event times).
#include "cbapi/time.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    cbapi::fuzz::quiet();
    const std::string_view text = cbapi::fuzz::as_text(data, size);
    cbapi::fuzz::expect_clear_errors([&] {
        const auto t = cbapi::parse_cb_time(text);
        // A parsed time formats and parses back to itself (to the second).
        const auto again = cbapi::parse_cb_time(cbapi::format_query_time(t));
        if (std::chrono::duration_cast<std::chrono::seconds>(again - t).count() != 0 &&
            std::chrono::floor<std::chrono::seconds>(t) != again)
            __builtin_trap();
    });
    (void)cbapi::try_parse_cb_time(text);
    (void)cbapi::try_parse_event_time(text);
    cbapi::fuzz::expect_clear_errors([&] { (void)cbapi::parse_event_time(text); });
    return 0;
}
