// JSON documents from a server into each model family: constructing a model from a document and reading every typed
// accessor either works, gives the documented default, or throws cbapi::ApiError — never another exception or a
// crash. The first input byte picks the family, the rest is the JSON document.
#include <functional>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/defense/device.hpp"
#include "cbapi/defense/event.hpp"
#include "cbapi/defense/notification.hpp"
#include "cbapi/defense/policy.hpp"
#include "cbapi/detail/api_state.hpp"
#include "cbapi/protection/models.hpp"
#include "cbapi/response/models.hpp"
#include "fuzz_common.hpp"

namespace {

using cbapi::detail::ApiHandle;
using nlohmann::json;

// An API state that is never contacted (documents are complete, so nothing loads lazily).
ApiHandle offline_api(cbapi::Product product, const char* version) {
    cbapi::Credentials credentials;
    credentials.url = "http://127.0.0.1:9";
    credentials.token = "FUZZ-TOKEN";
    auto state = std::make_shared<cbapi::detail::ApiState>(cbapi::detail::ApiState{
        cbapi::Connection(credentials), product, json::object(), cbapi::ServerVersion::parse(version)});
    return state;
}

template <typename M>
M make(const ApiHandle& api, const json& doc) {
    return M(api, doc, true);
}

// Reads that every model offers.
void common_reads(const cbapi::Model& m) {
    (void)m.to_string();
    (void)m.describe();
    (void)m.id();
}

using Family = std::function<void(const json&)>;

std::vector<Family> families() {
    static const ApiHandle response = offline_api(cbapi::Product::response, "6.1.0");
    static const ApiHandle response5 = offline_api(cbapi::Product::response, "5.1.0");
    static const ApiHandle protection = offline_api(cbapi::Product::protection, "8.0.0");
    static const ApiHandle defense = offline_api(cbapi::Product::defense, "1.0");
    return {
        [](const json& doc) {
            for (const auto& api : {response, response5}) {
                cbapi::fuzz::expect_clear_errors([&] {
                    const auto p = make<cbapi::response::Process>(api, doc);
                    common_reads(p);
                    (void)p.guid();
                    (void)p.segment();
                    (void)p.process_name(); (void)p.hostname(); (void)p.cmdline(); (void)p.unique_id();
                    (void)p.username(); (void)p.path(); (void)p.process_md5(); (void)p.process_pid();
                    (void)p.parent_pid(); (void)p.sensor_id(); (void)p.group(); (void)p.os_type();
                    (void)p.childproc_count(); (void)p.terminated(); (void)p.start(); (void)p.last_update();
                    (void)p.end();
                });
            }
        },
        [](const json& doc) {
            cbapi::fuzz::expect_clear_errors([&] {
                const auto b = make<cbapi::response::Binary>(response, doc);
                common_reads(b);
                (void)b.md5(); (void)b.size(); (void)b.is_signed(); (void)b.digsig_publisher();
                (void)b.signing_data(); (void)b.company_name(); (void)b.host_count();
                (void)b.server_added_timestamp(); (void)b.observed_filenames(); (void)b.webui_link();
            });
        },
        [](const json& doc) {
            cbapi::fuzz::expect_clear_errors([&] {
                const auto w = make<cbapi::response::Watchlist>(response, doc);
                common_reads(w);
                (void)w.name();
                (void)w.search_query();
                (void)w.index_type();
            });
        },
        [](const json& doc) {
            cbapi::fuzz::expect_clear_errors([&] {
                const auto c = make<cbapi::protection::Computer>(protection, doc);
                common_reads(c);
                (void)c.policy_name();
                (void)c.ip_address();
                (void)c.connected();
                (void)c.enforcement_level();
            });
            cbapi::fuzz::expect_clear_errors([&] { common_reads(make<cbapi::protection::FileCatalog>(protection, doc)); });
            cbapi::fuzz::expect_clear_errors([&] { common_reads(make<cbapi::protection::FileRule>(protection, doc)); });
            cbapi::fuzz::expect_clear_errors([&] { common_reads(make<cbapi::protection::Policy>(protection, doc)); });
        },
        [](const json& doc) {
            cbapi::fuzz::expect_clear_errors([&] {
                const auto d = make<cbapi::defense::Device>(defense, doc);
                common_reads(d);
                (void)d.device_id(); (void)d.name(); (void)d.os_version(); (void)d.device_type(); (void)d.status();
                (void)d.sensor_version(); (void)d.email(); (void)d.policy_id(); (void)d.policy_name();
                (void)d.organization_id(); (void)d.organization_name(); (void)d.target_priority_type();
                (void)d.last_internal_ip_address(); (void)d.last_external_ip_address(); (void)d.last_location();
                (void)d.quarantined(); (void)d.passive_mode(); (void)d.av_status(); (void)d.sensor_states();
                (void)d.create_time(); (void)d.registered_time(); (void)d.last_contact();
                (void)d.last_reported_time();
            });
        },
        [](const json& doc) {
            cbapi::fuzz::expect_clear_errors([&] {
                const auto e = make<cbapi::defense::Event>(defense, doc);
                common_reads(e);
                (void)e.event_id(); (void)e.event_type(); (void)e.short_description(); (void)e.long_description();
                (void)e.event_time(); (void)e.create_time(); (void)e.device_id(); (void)e.device_name();
            });
        },
        [](const json& doc) {
            cbapi::fuzz::expect_clear_errors([&] {
                const auto p = make<cbapi::defense::Policy>(defense, doc);
                common_reads(p);
                (void)p.policy_id(); (void)p.name(); (void)p.description(); (void)p.priority_level();
                (void)p.version(); (void)p.latest_revision(); (void)p.system_policy(); (void)p.policy();
                (void)p.rules(); (void)p.sensor_settings();
            });
        },
        [](const json& doc) {
            cbapi::fuzz::expect_clear_errors([&] {
                const auto a = make<cbapi::response::Alert>(response, doc);
                common_reads(a);
                (void)a.alert_type(); (void)a.status(); (void)a.report_score(); (void)a.watchlist_name();
                (void)a.hostname(); (void)a.sensor_id(); (void)a.process_name(); (void)a.created_time();
            });
        },
        [](const json& doc) {
            cbapi::fuzz::expect_clear_errors([&] {
                const auto s = make<cbapi::response::Sensor>(response, doc);
                common_reads(s);
                (void)s.hostname(); (void)s.os_type(); (void)s.network_interfaces(); (void)s.supports_cblr();
                (void)s.last_checkin_time(); (void)s.registration_time(); (void)s.num_eventlog_bytes();
                (void)s.webui_link();
            });
        },
        [](const json& doc) {
            using namespace cbapi::response;
            cbapi::fuzz::expect_clear_errors([&] {
                const auto f = make<Feed>(response, doc);
                common_reads(f);
                (void)f.name(); (void)f.display_name(); (void)f.feed_url(); (void)f.enabled(); (void)f.category();
                (void)f.provider_url(); (void)f.summary(); (void)f.tech_data(); (void)f.use_proxy();
                (void)f.validate_server_cert(); (void)f.manually_added(); (void)f.username();
            });
            cbapi::fuzz::expect_clear_errors([&] {
                const auto r = make<ThreatReport>(response, doc);
                common_reads(r);
                (void)r.report_id(); (void)r.unique_id(); (void)r.title(); (void)r.score(); (void)r.link();
                (void)r.is_ignored(); (void)r.timestamp();
            });
        },
        [](const json& doc) {
            using namespace cbapi::response;
            cbapi::fuzz::expect_clear_errors([&] {
                const auto u = make<User>(response, doc);
                common_reads(u);
                (void)u.username(); (void)u.first_name(); (void)u.last_name(); (void)u.email();
                (void)u.global_admin(); (void)u.teams();
            });
            cbapi::fuzz::expect_clear_errors([&] {
                const auto t = make<Team>(response, doc);
                common_reads(t);
                (void)t.name(); (void)t.group_access();
            });
        },
        [](const json& doc) {
            using namespace cbapi::response;
            cbapi::fuzz::expect_clear_errors([&] {
                const auto g = make<SensorGroup>(response, doc);
                common_reads(g);
                (void)g.name(); (void)g.site_id(); (void)g.sensorbackend_server(); (void)g.sensor_version();
                (void)g.alert_criticality(); (void)g.tamper_level(); (void)g.max_licenses();
                (void)g.banning_enabled(); (void)g.vdi_enabled();
            });
            cbapi::fuzz::expect_clear_errors([&] {
                const auto b = make<BannedHash>(response, doc);
                common_reads(b);
                (void)b.text(); (void)b.enabled(); (void)b.username(); (void)b.user_id(); (void)b.timestamp();
                (void)b.block_count(); (void)b.last_block_time(); (void)b.last_block_hostname();
                (void)b.last_block_sensor_id();
            });
        },
        [](const json& doc) {
            using namespace cbapi::response;
            cbapi::fuzz::expect_clear_errors([&] {
                const auto f = make<IngressFilter>(response, doc);
                common_reads(f);
                (void)f.name(); (void)f.description(); (void)f.priority(); (void)f.enabled();
                (void)f.filter_on_sensor(); (void)f.filter_on_server(); (void)f.track_metrics(); (void)f.os_mask();
                (void)f.global(); (void)f.group_ids(); (void)f.sensor_ids(); (void)f.path_filters();
                (void)f.cmdline_filters(); (void)f.descendant_filtering_level(); (void)f.filter_all_events();
                (void)f.regmod_filters(); (void)f.modload_filters(); (void)f.filemod_filters();
                (void)f.non_binary_filemod_filters(); (void)f.netconn_filters(); (void)f.crossproc_filters();
                (void)f.create_timestamp(); (void)f.modify_timestamp();
            });
        },
        [](const json& doc) {
            cbapi::fuzz::expect_clear_errors([&] {
                const cbapi::defense::Notification n(doc);
                (void)n.type(); (void)n.rule_name(); (void)n.url(); (void)n.event_time(); (void)n.device_name();
            });
        },
    };
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    cbapi::fuzz::quiet();
    if (size < 1) return 0;
    static const std::vector<Family> all = families();
    const Family& family = all[data[0] % all.size()];
    const json doc = json::parse(data + 1, data + size, nullptr, false);
    if (doc.is_discarded()) return 0;  // the connection reports unparsable bodies before any model sees them
    family(doc);
    return 0;
}
