#pragma once
/// @file
/// Cb Response models: their declarations (URL, key, query type, how they are saved) and basic accessors.
/// Richer behaviour (process trees and events, binary downloads, administration) builds on these.

#include <string>
#include <utility>

#include "cbapi/detail/url.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/query.hpp"

namespace cbapi::response {

namespace detail {
inline std::string text_field(const nlohmann::json& doc, const char* name) {
    const auto it = doc.find(name);
    return it == doc.end() ? std::string() : cbapi::detail::id_text(*it);
}
}  // namespace detail

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

/// A binary, identified by its upper-case MD5: `/api/v1/binary/<MD5>/summary`.
class Binary : public Model {
public:
    inline static const ModelInfo model_info =
        ModelInfo("Binary", "/api/v1/binary").key("md5").instance_url([](const std::string& md5) {
            std::string upper = md5;
            for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            return "/api/v1/binary/" + cbapi::detail::encode_path_segment(upper) + "/summary";
        });
    static constexpr bool creatable = false;
    using query_type = Query<Binary>;
    Binary(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
        : Model(model_info, std::move(api), std::move(doc), full) {}

    std::string md5() const { return id(); }
};

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
