#pragma once
/// @file
/// Live Response protocol plumbing shared by sessions and the manager: the per-product wire differences, polling
/// with a deadline, establishing and closing sessions on the server. The plumbing itself is private to the library
/// (src/live_response/wire.hpp); this header declares what tools and the public headers use of it.

#include "cbapi/fwd.hpp"

#include <string>

#include <nlohmann/json.hpp>

namespace cbapi::live_response::detail {

struct Wire;
struct SessionCore;
struct Lease;

/// An id as it goes into a path: strings as they are, numbers in decimal.
std::string id_text(const nlohmann::json& id);

}  // namespace cbapi::live_response::detail
