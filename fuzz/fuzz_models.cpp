// JSON documents from a server into each model family: constructing a model from a document and reading every
// accessor either works, gives the documented default, or throws cbapi::ApiError — never another exception or a
// crash. The first input byte picks the family (tests/support/model_families.hpp), the rest is the JSON document.
#include <nlohmann/json.hpp>

#include "fuzz_common.hpp"
#include "support/model_families.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    cbapi::fuzz::quiet();
    if (size < 1) return 0;
    const auto& families = cbapi::test::model_families();
    const auto& family = families[data[0] % families.size()];
    const auto doc = nlohmann::json::parse(data + 1, data + size, nullptr, false);
    if (doc.is_discarded()) return 0;  // the connection reports unparsable bodies before any model sees them
    cbapi::fuzz::expect_clear_errors([&] { family.read_all(doc); });
    return 0;
}
