#pragma once
/// @file
/// Cb Response alerts.

#include <string>
#include <utility>

#include "cbapi/detail/url.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/model_support.hpp"
#include "cbapi/response/query.hpp"

namespace cbapi::response {

/// An alert raised by a watchlist or feed hit. Search with `select<Alert>()`.
class Alert : public MutableModel {
public:
    inline static const ModelInfo model_info =
        ModelInfo("Alert", "/api/v1/alert").key("unique_id").updated_with(HttpMethod::post);
    static constexpr bool creatable = false;
    using query_type = Query<Alert>;
    Alert(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
        : MutableModel(model_info, std::move(api), std::move(doc), full) {}
};

}  // namespace cbapi::response
