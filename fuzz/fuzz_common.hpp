#pragma once
// Shared by the fuzz targets: what counts as a finding. The SDK may reject bad input only with its own documented
// exceptions (cbapi::ApiError and subclasses); any other exception escaping (a JSON library type error, an
// out_of_range, ...) or a crash is a finding.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "cbapi/errors.hpp"
#include "cbapi/logging.hpp"

namespace cbapi::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// Runs `body`, accepting the SDK's documented exceptions.
template <typename Body>
void expect_clear_errors(Body&& body) {
    try {
        body();
    } catch (const cbapi::ApiError&) {
        // a clear, documented rejection
    }
}

/// Silences the SDK's logger (warnings about skipped input are expected while fuzzing).
inline void quiet() {
    static const bool done = [] {
        cbapi::set_log_level(spdlog::level::off);
        return true;
    }();
    (void)done;
}

}  // namespace cbapi::fuzz
