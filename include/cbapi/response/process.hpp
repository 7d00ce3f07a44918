#pragma once
/// @file
/// Cb Response processes: Process and its query.

#include <string>
#include <utility>

#include "cbapi/detail/url.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/model_support.hpp"
#include "cbapi/response/query.hpp"

namespace cbapi::response {

/// A process (one segment of it): `/api/v1/process/<guid>/<segment>`. Search with `select<Process>()`.
class Process : public Model {
public:
    inline static const ModelInfo model_info =
        ModelInfo("Process", "/api/v1/process")
            .sorted_by("last_update desc")
            .located_by([](const nlohmann::json& doc) {
                return "/api/v1/process/" + cbapi::detail::encode_path_segment(detail::text_field(doc, "id")) + "/" +
                       detail::text_field(doc, "segment_id");
            });
    static constexpr bool creatable = false;
    using query_type = Query<Process>;

    /// @param api the API the process belongs to @param full whether `doc` is the complete summary
    /// @param doc must carry `id`; a missing `segment_id` becomes the server's default segment (0 from 6.0 on, 1
    ///        before)
    Process(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
        : Model(model_info, std::move(api), std::move(doc), full) {
        if (!document().contains("segment_id")) {
            static const ServerVersion segments_from_zero{6, 0};
            mutable_document()["segment_id"] = this->api()->at_least(segments_from_zero) ? 0 : 1;
        }
    }

    /// The process GUID.
    std::string guid() const { return id(); }
    /// The segment this object describes.
    long long segment() const { return get_or<long long>("segment_id", 0); }
    std::string process_name() const { return get_or<std::string>("process_name", ""); }
    std::string hostname() const { return get_or<std::string>("hostname", ""); }
    std::string cmdline() const { return get_or<std::string>("cmdline", ""); }
};

}  // namespace cbapi::response
