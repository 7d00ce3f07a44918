// Ingress filters (include/cbapi/response/ingress_filter.hpp).

#include "cbapi/response/ingress_filter.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/redact.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/server_version.hpp"

namespace cbapi::response {

const ModelInfo IngressFilter::model_info = ModelInfo("IngressFilter", "/api/v1/ingress_whitelist")
                                                .required({"name", "description"})
                                                .since(ServerVersion{6, 1});

IngressFilter::IngressFilter(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : MutableModel(model_info, std::move(api), std::move(doc), full) {}

template <typename T>
std::vector<T> IngressFilter::list(const char* field) const {
    return get_or<std::vector<T>>(field, {});
}

std::string IngressFilter::name() const { return get_or<std::string>("name", ""); }
std::string IngressFilter::description() const { return get_or<std::string>("description", ""); }
long long IngressFilter::priority() const { return get_or<long long>("priority", 0); }
bool IngressFilter::enabled() const { return get_or<bool>("enabled", true); }
bool IngressFilter::filter_on_sensor() const { return get_or<bool>("filter_on_sensor", false); }
bool IngressFilter::filter_on_server() const { return get_or<bool>("filter_on_server", true); }
bool IngressFilter::track_metrics() const { return get_or<bool>("track_metrics", true); }
double IngressFilter::hit_rate() const { return get_or<double>("hit_rate", 0.0); }
long long IngressFilter::os_mask() const { return get_or<long long>("os_mask", 7); }
bool IngressFilter::global() const { return get_or<bool>("global", true); }
std::vector<long long> IngressFilter::group_ids() const { return list<long long>("group_ids"); }
std::vector<long long> IngressFilter::sensor_ids() const { return list<long long>("sensor_ids"); }
std::vector<std::string> IngressFilter::path_filters() const { return list<std::string>("path_filters"); }
std::vector<std::string> IngressFilter::cmdline_filters() const { return list<std::string>("cmdline_filters"); }
std::vector<std::string> IngressFilter::md5_filters() const { return list<std::string>("md5_filters"); }
long long IngressFilter::descendant_filtering_level() const {
    return get_or<long long>("descendant_filtering_level", 0);
}
bool IngressFilter::filter_all_events() const { return get_or<bool>("filter_all_events", true); }
std::vector<std::string> IngressFilter::regmod_filters() const { return list<std::string>("regmod_filters"); }
std::vector<std::string> IngressFilter::modload_filters() const { return list<std::string>("modload_filters"); }
std::vector<std::string> IngressFilter::filemod_filters() const { return list<std::string>("filemod_filters"); }
std::vector<std::string> IngressFilter::non_binary_filemod_filters() const {
    return list<std::string>("non_binary_filemod_filters");
}
std::vector<std::string> IngressFilter::netconn_filters() const { return list<std::string>("netconn_filters"); }
std::vector<std::string> IngressFilter::crossproc_filters() const { return list<std::string>("crossproc_filters"); }
std::optional<TimePoint> IngressFilter::create_timestamp() const { return get<TimePoint>("create_timestamp"); }
std::optional<TimePoint> IngressFilter::modify_timestamp() const { return get<TimePoint>("modify_timestamp"); }

// The server takes a one-element array; a filter without id gets one from the server.
nlohmann::json IngressFilter::create_body() const {
    nlohmann::json doc = document();
    if (!doc.contains("id")) doc["id"] = nullptr;
    return nlohmann::json::array({std::move(doc)});
}

void IngressFilter::apply_reply(const Response& reply, HttpMethod method, const std::string& path, bool created) {
    if (!created) return MutableModel::apply_reply(reply, method, path, created);
    const auto parsed = nlohmann::json::parse(reply.body, nullptr, false);
    if (!parsed.is_array() || parsed.empty() || !(parsed[0].is_string() || parsed[0].is_number()))
        throw ServerError(reply.status,
                          "Expected an array of ingress filter ids, got " +
                              cbapi::detail::truncate_for_log(reply.body, 128),
                          std::string(cbapi::to_string(method)), path, reply.body,
                          "Did not create IngressFilter record.");
    mutable_document()["id"] = parsed[0];
    refresh();
}

}  // namespace cbapi::response
