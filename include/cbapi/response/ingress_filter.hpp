#pragma once
/// @file
/// Cb Response ingress filters (`/api/v1/ingress_whitelist`, server 6.1 and later): rules that keep matching
/// processes' events out of the server's storage.

#include "cbapi/fwd.hpp"

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/http.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
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
    static const ModelInfo model_info;
    static constexpr bool creatable = true;
    using query_type = SimpleQuery<IngressFilter>;
    IngressFilter(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full);

    std::string name() const;
    std::string description() const;
    /// Higher priorities are evaluated first (negative allowed; default 0).
    long long priority() const;
    bool enabled() const;
    /// Whether the filter is pushed to sensors (not enforced on the server then) / applied on the server.
    bool filter_on_sensor() const;
    bool filter_on_server() const;
    bool track_metrics() const;
    /// Share of processes matched over the last 15 minutes (0.01 = 1%).
    double hit_rate() const;
    /// Operating systems: bit mask 1 Windows, 2 macOS, 4 Linux (default 7).
    long long os_mask() const;
    /// When true (the default) the filter applies to every sensor and group_ids/sensor_ids are ignored.
    bool global() const;
    std::vector<long long> group_ids() const;
    std::vector<long long> sensor_ids() const;
    /// Process path patterns (globs or regular expressions).
    std::vector<std::string> path_filters() const;
    /// Command-line patterns (regular expressions).
    std::vector<std::string> cmdline_filters() const;
    std::vector<std::string> md5_filters() const;
    /// 0 = the matched process only, 1 = and its children, 2 = and grandchildren, -1 = all descendants.
    long long descendant_filtering_level() const;
    /// When false, only the per-event filters (regmod_filters, ...) are applied.
    bool filter_all_events() const;
    std::vector<std::string> regmod_filters() const;
    std::vector<std::string> modload_filters() const;
    std::vector<std::string> filemod_filters() const;
    std::vector<std::string> non_binary_filemod_filters() const;
    std::vector<std::string> netconn_filters() const;
    std::vector<std::string> crossproc_filters() const;
    std::optional<TimePoint> create_timestamp() const;
    std::optional<TimePoint> modify_timestamp() const;

protected:
    nlohmann::json create_body() const override;

    /// A creation answers an array of ids: the first is this filter's; the filter is then loaded. Updates are
    /// handled as for every model.
    void apply_reply(const Response& reply, HttpMethod method, const std::string& path, bool created) override;

private:
    template <typename T>
    std::vector<T> list(const char* field) const;
};

}  // namespace cbapi::response
