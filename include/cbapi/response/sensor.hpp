#pragma once
/// @file
/// Cb Response sensors (endpoints running the Cb Response sensor).

#include <string>
#include <utility>

#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/model_support.hpp"

namespace cbapi::response {

/// A sensor: `/api/v1/sensor/<id>`.
class Sensor : public MutableModel {
public:
    inline static const ModelInfo model_info = ModelInfo("Sensor", "/api/v1/sensor");
    static constexpr bool creatable = false;
    using query_type = SimpleQuery<Sensor>;
    Sensor(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
        : MutableModel(model_info, std::move(api), std::move(doc), full) {}

    /// The host name (`computer_name`).
    std::string hostname() const { return get_or<std::string>("computer_name", ""); }
};

}  // namespace cbapi::response
