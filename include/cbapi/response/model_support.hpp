#pragma once
/// @file
/// Small helpers shared by the Cb Response model headers.

#include "cbapi/fwd.hpp"

#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/detail/url.hpp"

namespace cbapi::response::detail {

/// A document field as text (numbers and strings alike); empty when absent.
std::string text_field(const nlohmann::json& doc, const char* name);

}  // namespace cbapi::response::detail
