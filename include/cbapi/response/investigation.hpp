#pragma once
/// @file
/// Cb Response investigations.

#include "cbapi/fwd.hpp"

#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/detail/api_state.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"

namespace cbapi::response {

/// An investigation (a named collection of tagged events). Listed with `select<Investigation>()`.
class Investigation : public MutableModel {
public:
    static const ModelInfo model_info;  // defined in src/response/investigation.cpp
    static constexpr bool creatable = false;
    using query_type = SimpleQuery<Investigation>;
    Investigation(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full);

    std::string name() const;
};

}  // namespace cbapi::response
