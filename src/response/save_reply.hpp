#pragma once
// How models the server cannot read back one by one (watchlist and feed actions, tagged events) take the reply to a
// save: merged into the document instead of a reload (include/cbapi/response/action.hpp, investigation.hpp).

#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/http.hpp"
#include "cbapi/model.hpp"

namespace cbapi::response::detail {

/// Merges the JSON object of `reply` (but its `result`) into `document`. {"result": "success"}, a null result or a
/// reply that is not JSON is a success.
/// @param self the saved object (for its type and, when `created`, its new id)
/// @throws ServerError for another `result`, or a creation after which `self` still has no id
void merge_save_reply(const Model& self, nlohmann::json& document, const Response& reply, HttpMethod method,
                      const std::string& path, bool created);

}  // namespace cbapi::response::detail
