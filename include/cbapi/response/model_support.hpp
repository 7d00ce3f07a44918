#pragma once
/// @file
/// Small helpers shared by the Cb Response model headers.

#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/detail/url.hpp"

namespace cbapi::response::detail {

/// A document field as text (numbers and strings alike); empty when absent.
inline std::string text_field(const nlohmann::json& doc, const char* name) {
    const auto it = doc.find(name);
    return it == doc.end() ? std::string() : cbapi::detail::id_text(*it);
}

}  // namespace cbapi::response::detail
