// Console (web UI) links and raw query strings: parse_console_url and the query-string parser.
#include <algorithm>

#include "cbapi/detail/url.hpp"
#include "cbapi/response/console_url.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    cbapi::fuzz::quiet();
    const std::string_view text = cbapi::fuzz::as_text(data, size);
    cbapi::fuzz::expect_clear_errors([&] {
        (void)cbapi::response::parse_console_url("https://cb.example.com", text);
    });
    auto params = cbapi::detail::parse_query_string(text);
    // Encoding what was parsed and parsing it again gives the same parameters, sorted.
    const auto again = cbapi::detail::parse_query_string(cbapi::detail::encode_query(params));
    std::sort(params.begin(), params.end());
    if (again != params) __builtin_trap();
    return 0;
}
