// Helpers shared by the Cb Response models (include/cbapi/response/model_support.hpp).

#include "cbapi/response/model_support.hpp"

#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/model.hpp"

namespace cbapi::response::detail {

std::string text_field(const nlohmann::json& doc, const char* name) {
    const auto it = doc.find(name);
    return it == doc.end() ? std::string() : cbapi::detail::id_text(*it);
}

}  // namespace cbapi::response::detail
