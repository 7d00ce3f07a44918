// Cb Response investigations (include/cbapi/response/investigation.hpp).

#include "cbapi/response/investigation.hpp"

#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "cbapi/model.hpp"

namespace cbapi::response {

const ModelInfo Investigation::model_info = ModelInfo("Investigation", "/api/investigations");

Investigation::Investigation(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : MutableModel(model_info, std::move(api), std::move(doc), full) {}

std::string Investigation::name() const { return get_or<std::string>("name", ""); }

}  // namespace cbapi::response
