#pragma once
/// @file
/// Cb Response investigations.

#include <string>
#include <utility>

#include "cbapi/detail/url.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/model_support.hpp"
#include "cbapi/response/query.hpp"

namespace cbapi::response {

/// An investigation (a named collection of tagged events). Listed with `select<Investigation>()`.
class Investigation : public MutableModel {
public:
    inline static const ModelInfo model_info = ModelInfo("Investigation", "/api/investigations");
    static constexpr bool creatable = false;
    using query_type = SimpleQuery<Investigation>;
    Investigation(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
        : MutableModel(model_info, std::move(api), std::move(doc), full) {}

    std::string name() const { return get_or<std::string>("name", ""); }
};

}  // namespace cbapi::response
