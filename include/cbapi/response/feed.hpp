#pragma once
/// @file
/// Cb Response feeds and their threat reports.

#include <string>
#include <utility>

#include "cbapi/detail/url.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/model_support.hpp"
#include "cbapi/response/query.hpp"

namespace cbapi::response {

/// A threat intelligence report of a feed: `/api/v1/feed/<feed_id>/report/<report id>`.
class ThreatReport : public MutableModel {
public:
    inline static const ModelInfo model_info =
        ModelInfo("ThreatReport", "/api/v1/threat_report")
            .updated_with(HttpMethod::post)
            .located_by([](const nlohmann::json& doc) {
                return "/api/v1/feed/" + cbapi::detail::encode_path_segment(detail::text_field(doc, "feed_id")) +
                       "/report/" + cbapi::detail::encode_path_segment(detail::text_field(doc, "id"));
            });
    static constexpr bool creatable = false;
    using query_type = Query<ThreatReport>;
    ThreatReport(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
        : MutableModel(model_info, std::move(api), std::move(doc), full) {}

    std::string feed_id() const { return detail::text_field(document(), "feed_id"); }
};

}  // namespace cbapi::response
