#pragma once
/// @file
/// Cb Response ingress filters (`/api/v1/ingress_whitelist`, server 6.1 and later): rules that keep matching
/// processes' events out of the server's storage.

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/redact.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/server_version.hpp"
#include "cbapi/time.hpp"

namespace cbapi::response {

/// An ingress filter. Creatable: set at least `name` and `description` (and the filters), then save(). Field names
/// are the server's: the command-line patterns are `cmdline_filters` (cbapi-python 1.3.2 called them
/// `command_line_filters`, which the server ignores).
///
/// Creation sends the document as a one-element array (`POST /api/v1/ingress_whitelist [ {...} ]`; an `id` set
/// before the first save is kept by the server, else it makes one) and reads the new id from the reply (an array
/// of ids). Updates are `PUT /api/v1/ingress_whitelist/<id>` with the document.
class IngressFilter : public MutableModel {
public:
    inline static const ModelInfo model_info = ModelInfo("IngressFilter", "/api/v1/ingress_whitelist")
                                                   .required({"name", "description"})
                                                   .since(ServerVersion{6, 1});
    static constexpr bool creatable = true;
    using query_type = SimpleQuery<IngressFilter>;
    IngressFilter(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
        : MutableModel(model_info, std::move(api), std::move(doc), full) {}

    std::string name() const { return get_or<std::string>("name", ""); }
    std::string description() const { return get_or<std::string>("description", ""); }
    /// Higher priorities are evaluated first (negative allowed; default 0).
    long long priority() const { return get_or<long long>("priority", 0); }
    bool enabled() const { return get_or<bool>("enabled", true); }
    /// Whether the filter is pushed to sensors (not enforced on the server then) / applied on the server.
    bool filter_on_sensor() const { return get_or<bool>("filter_on_sensor", false); }
    bool filter_on_server() const { return get_or<bool>("filter_on_server", true); }
    bool track_metrics() const { return get_or<bool>("track_metrics", true); }
    /// Share of processes matched over the last 15 minutes (0.01 = 1%).
    double hit_rate() const { return get_or<double>("hit_rate", 0.0); }
    /// Operating systems: bit mask 1 Windows, 2 macOS, 4 Linux (default 7).
    long long os_mask() const { return get_or<long long>("os_mask", 7); }
    /// When true (the default) the filter applies to every sensor and group_ids/sensor_ids are ignored.
    bool global() const { return get_or<bool>("global", true); }
    std::vector<long long> group_ids() const { return list<long long>("group_ids"); }
    std::vector<long long> sensor_ids() const { return list<long long>("sensor_ids"); }
    /// Process path patterns (globs or regular expressions).
    std::vector<std::string> path_filters() const { return list<std::string>("path_filters"); }
    /// Command-line patterns (regular expressions).
    std::vector<std::string> cmdline_filters() const { return list<std::string>("cmdline_filters"); }
    std::vector<std::string> md5_filters() const { return list<std::string>("md5_filters"); }
    /// 0 = the matched process only, 1 = and its children, 2 = and grandchildren, -1 = all descendants.
    long long descendant_filtering_level() const { return get_or<long long>("descendant_filtering_level", 0); }
    /// When false, only the per-event filters (regmod_filters, ...) are applied.
    bool filter_all_events() const { return get_or<bool>("filter_all_events", true); }
    std::vector<std::string> regmod_filters() const { return list<std::string>("regmod_filters"); }
    std::vector<std::string> modload_filters() const { return list<std::string>("modload_filters"); }
    std::vector<std::string> filemod_filters() const { return list<std::string>("filemod_filters"); }
    std::vector<std::string> non_binary_filemod_filters() const { return list<std::string>("non_binary_filemod_filters"); }
    std::vector<std::string> netconn_filters() const { return list<std::string>("netconn_filters"); }
    std::vector<std::string> crossproc_filters() const { return list<std::string>("crossproc_filters"); }
    std::optional<TimePoint> create_timestamp() const { return get<TimePoint>("create_timestamp"); }
    std::optional<TimePoint> modify_timestamp() const { return get<TimePoint>("modify_timestamp"); }

protected:
    nlohmann::json create_body() const override {
        nlohmann::json doc = document();
        if (!doc.contains("id")) doc["id"] = nullptr;
        return nlohmann::json::array({std::move(doc)});
    }

    /// A creation answers an array of ids: the first is this filter's; the filter is then loaded. Updates are
    /// handled as for every model.
    void apply_reply(const Response& reply, HttpMethod method, const std::string& path, bool created) override {
        if (!created) return MutableModel::apply_reply(reply, method, path, created);
        const auto parsed = nlohmann::json::parse(reply.body, nullptr, false);
        if (!parsed.is_array() || parsed.empty() || !(parsed[0].is_string() || parsed[0].is_number()))
            throw ServerError(reply.status, "Expected an array of ingress filter ids, got " + cbapi::detail::truncate_for_log(reply.body, 128),
                              std::string(cbapi::to_string(method)), path, reply.body,
                              "Did not create IngressFilter record.");
        mutable_document()["id"] = parsed[0];
        refresh();
    }

private:
    template <typename T>
    std::vector<T> list(const char* field) const {
        return get_or<std::vector<T>>(field, {});
    }
};

}  // namespace cbapi::response
