#pragma once
/// @file
/// Cb Response watchlists.

#include <string>
#include <utility>

#include "cbapi/detail/url.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/model_support.hpp"
#include "cbapi/response/query.hpp"

namespace cbapi::response {

/// A watchlist: a saved process or binary search that tags and alerts.
class Watchlist : public MutableModel {
public:
    inline static const ModelInfo model_info =
        ModelInfo("Watchlist", "/api/v1/watchlist").required({"name", "search_query", "index_type"});
    static constexpr bool creatable = true;
    using query_type = SimpleQuery<Watchlist>;
    Watchlist(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
        : MutableModel(model_info, std::move(api), std::move(doc), full) {}

    std::string name() const { return get_or<std::string>("name", ""); }
    /// The URL-encoded query string the watchlist runs.
    std::string search_query() const { return get_or<std::string>("search_query", ""); }
    /// "events" (processes) or "modules" (binaries).
    std::string index_type() const { return get_or<std::string>("index_type", ""); }
};

}  // namespace cbapi::response
