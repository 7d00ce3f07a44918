#pragma once
// Every model family of the SDK, each with a function that builds the model over a server document and reads every
// accessor that needs no request (plus to_string(), describe() and id()). Shared by the fuzz target fuzz_models
// (the first input byte picks the family) and the robustness tests (which mutate every field of the seed documents
// in fuzz/corpus/models/: one file per family, named after it, whose first byte is the family's index).
//
// Append new families at the end: a family's index is its seed's first byte. The Protection entries list the fields
// each class declares with CBAPI_PROTECTION_GETTER/FIELD.
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

namespace cbapi::test {

/// One model class: its name ("response.process") and a function reading all of it from a document.
struct ModelFamily {
    const char* name;
    std::function<void(const nlohmann::json&)> read_all;
};

namespace detail_families {

/// An API state that is never contacted (the accessors read are the ones that make no request).
inline cbapi::detail::ApiHandle offline_api(Product product, const char* version) {
    Credentials credentials;
    credentials.url = "http://127.0.0.1:9";
    credentials.token = "OFFLINE-TOKEN";
    ConnectionOptions options;
    options.retry.max_retries = 0;  // a read that did make a request fails at once
    return std::make_shared<cbapi::detail::ApiState>(cbapi::detail::ApiState{
        Connection(credentials, options), product, nlohmann::json::object(), ServerVersion::parse(version)});
}
inline const cbapi::detail::ApiHandle& response() {
    static const auto api = offline_api(Product::response, "6.1.0");
    return api;
}
inline const cbapi::detail::ApiHandle& response5() {
    static const auto api = offline_api(Product::response, "5.1.0");
    return api;
}
inline const cbapi::detail::ApiHandle& protection() {
    static const auto api = offline_api(Product::protection, "8.0.0");
    return api;
}
inline const cbapi::detail::ApiHandle& defense() {
    static const auto api = offline_api(Product::defense, "1.0");
    return api;
}

/// Reads that every model offers.
inline void common_reads(const Model& m) {
    (void)m.to_string();
    (void)m.describe();
    (void)m.id();
}

}  // namespace detail_families

/// All model families, in a fixed order (see the note at the top).
inline const std::vector<ModelFamily>& model_families() {
    // clang-format off
    static const std::vector<ModelFamily> all = {
        {"response.process", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::response(), detail_families::response5()}) {
                 const cbapi::response::Process m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.guid(); (void)m.segment(); (void)m.default_segment(); (void)m.unique_id(); (void)m.valid();
                 (void)m.suppressed(); (void)m.process_name(); (void)m.cmdline(); (void)m.hostname();
                 (void)m.username(); (void)m.path(); (void)m.process_md5(); (void)m.process_pid();
                 (void)m.parent_pid(); (void)m.sensor_id(); (void)m.group(); (void)m.os_type(); (void)m.host_type();
                 // (parent_md5() is left out: without the field (6.x) it asks the server for the parent, which this
                 // offline API cannot reach; tests/response_process/current_servers_test.cpp covers it.)
                 (void)m.parent_name(); (void)m.modload_count(); (void)m.filemod_count();
                 (void)m.regmod_count(); (void)m.netconn_count(); (void)m.crossproc_count();
                 (void)m.childproc_count(); (void)m.terminated(); (void)m.start(); (void)m.last_update();
                 (void)m.last_server_update(); (void)m.end(); (void)m.comms_ip(); (void)m.interface_ip();
                 (void)m.webui_link(); (void)m.summary_loaded(); (void)m.max_children();
             }
         }},
        {"response.binary", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::response(), detail_families::response5()}) {
                 const cbapi::response::Binary m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.md5(); (void)m.size(); (void)m.copied_size(); (void)m.is_signed(); (void)m.digsig_result();
                 (void)m.digsig_publisher(); (void)m.digsig_issuer(); (void)m.digsig_subject();
                 (void)m.digsig_prog_name(); (void)m.signing_data(); (void)m.version_info(); (void)m.product_name();
                 (void)m.product_version(); (void)m.file_version(); (void)m.company_name();
                 (void)m.original_filename(); (void)m.os_type(); (void)m.is_64bit(); (void)m.is_executable_image();
                 (void)m.host_count(); (void)m.server_added_timestamp(); (void)m.observed_filenames();
                 (void)m.virustotal(); (void)m.icon(); (void)m.webui_link();
             }
         }},
        {"response.watchlist", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::response(), detail_families::response5()}) {
                 const cbapi::response::Watchlist m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.name(); (void)m.search_query(); (void)m.index_type(); (void)m.enabled(); (void)m.readonly();
                 (void)m.total_hits(); (void)m.total_tags(); (void)m.last_hit_count(); (void)m.date_added();
                 (void)m.last_hit(); (void)m.search_timestamp();
             }
         }},
        {"response.watchlist_action", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::response(), detail_families::response5()}) {
                 const cbapi::response::WatchlistAction m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.action_type(); (void)m.type(); (void)m.action_data(); (void)m.watchlist_id();
             }
         }},
        {"response.feed_action", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::response(), detail_families::response5()}) {
                 const cbapi::response::FeedAction m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.action_type(); (void)m.type(); (void)m.action_data(); (void)m.feed_id();
             }
         }},
        {"response.alert", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::response(), detail_families::response5()}) {
                 const cbapi::response::Alert m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.unique_id(); (void)m.alert_type(); (void)m.status(); (void)m.report_score();
                 (void)m.alert_severity(); (void)m.watchlist_name(); (void)m.watchlist_id(); (void)m.feed_name();
                 (void)m.feed_id(); (void)m.md5(); (void)m.hostname(); (void)m.sensor_id(); (void)m.process_name();
                 (void)m.process_id(); (void)m.segment_id(); (void)m.assigned_to(); (void)m.created_time();
                 (void)m.trigger_ioc();
             }
         }},
        {"response.sensor", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::response(), detail_families::response5()}) {
                 const cbapi::response::Sensor m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.hostname(); (void)m.dns_name(); (void)m.os(); (void)m.sid(); (void)m.status();
                 (void)m.build_version_string(); (void)m.sensor_health_message(); (void)m.sensor_health_status();
                 (void)m.group_id(); (void)m.os_type(); (void)m.sensor_uptime(); (void)m.uptime();
                 (void)m.clock_delta(); (void)m.physical_memory_size(); (void)m.systemvolume_total_size();
                 (void)m.systemvolume_free_size(); (void)m.num_eventlog_bytes(); (void)m.num_storefiles_bytes();
                 (void)m.registration_time(); (void)m.last_checkin_time(); (void)m.next_checkin_time();
                 (void)m.last_update(); (void)m.event_log_flush_time(); (void)m.license_expiration();
                 (void)m.supports_cblr(); (void)m.supports_isolation(); (void)m.network_isolation_enabled();
                 (void)m.is_isolating(); (void)m.restart_queued(); (void)m.uninstall(); (void)m.uninstalled();
                 (void)m.network_interfaces(); (void)m.webui_link();
             }
         }},
        {"response.sensor_group", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::response(), detail_families::response5()}) {
                 const cbapi::response::SensorGroup m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.name(); (void)m.site_id(); (void)m.sensorbackend_server(); (void)m.sensor_version();
                 (void)m.alert_criticality(); (void)m.tamper_level(); (void)m.max_licenses();
                 (void)m.banning_enabled(); (void)m.vdi_enabled(); (void)m.team_access();
             }
         }},
        {"response.site", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::response(), detail_families::response5()}) {
                 const cbapi::response::Site m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.name();
             }
         }},
        {"response.throttle_rule", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::response(), detail_families::response5()}) {
                 const cbapi::response::ThrottleRule m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.site_id(); (void)m.day_of_week(); (void)m.from(); (void)m.to(); (void)m.bytes_per_second();
             }
         }},
        {"response.user", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::response(), detail_families::response5()}) {
                 const cbapi::response::User m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.username(); (void)m.first_name(); (void)m.last_name(); (void)m.email();
                 (void)m.global_admin(); (void)m.teams();
             }
         }},
        {"response.team", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::response(), detail_families::response5()}) {
                 const cbapi::response::Team m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.name(); (void)m.group_access();
             }
         }},
        {"response.storage_partition", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::response(), detail_families::response5()}) {
                 const cbapi::response::StoragePartition m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.name(); (void)m.status(); (void)m.info();
             }
         }},
        {"response.investigation", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::response(), detail_families::response5()}) {
                 const cbapi::response::Investigation m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.name();
             }
         }},
        {"response.feed", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::response(), detail_families::response5()}) {
                 const cbapi::response::Feed m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.name(); (void)m.display_name(); (void)m.feed_url(); (void)m.enabled(); (void)m.category();
                 (void)m.provider_url(); (void)m.summary(); (void)m.tech_data(); (void)m.use_proxy();
                 (void)m.validate_server_cert(); (void)m.manually_added(); (void)m.username(); (void)m.password();
                 (void)m.ssl_client_crt(); (void)m.ssl_client_key();
             }
         }},
        {"response.threat_report", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::response(), detail_families::response5()}) {
                 const cbapi::response::ThreatReport m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.feed_id(); (void)m.report_id(); (void)m.unique_id(); (void)m.title(); (void)m.score();
                 (void)m.link(); (void)m.is_ignored(); (void)m.timestamp(); (void)m.iocs();
             }
         }},
        {"response.banned_hash", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::response(), detail_families::response5()}) {
                 const cbapi::response::BannedHash m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.md5hash(); (void)m.text(); (void)m.enabled(); (void)m.username(); (void)m.user_id();
                 (void)m.timestamp(); (void)m.block_count(); (void)m.last_block_time();
                 (void)m.last_block_hostname(); (void)m.last_block_sensor_id();
             }
         }},
        {"response.ingress_filter", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::response(), detail_families::response5()}) {
                 const cbapi::response::IngressFilter m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.name(); (void)m.description(); (void)m.priority(); (void)m.enabled();
                 (void)m.filter_on_sensor(); (void)m.filter_on_server(); (void)m.track_metrics(); (void)m.hit_rate();
                 (void)m.os_mask(); (void)m.global(); (void)m.group_ids(); (void)m.sensor_ids();
                 (void)m.path_filters(); (void)m.cmdline_filters(); (void)m.md5_filters();
                 (void)m.descendant_filtering_level(); (void)m.filter_all_events(); (void)m.regmod_filters();
                 (void)m.modload_filters(); (void)m.filemod_filters(); (void)m.non_binary_filemod_filters();
                 (void)m.netconn_filters(); (void)m.crossproc_filters(); (void)m.create_timestamp();
                 (void)m.modify_timestamp();
             }
         }},
        {"defense.device", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::defense()}) {
                 const cbapi::defense::Device m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.device_id(); (void)m.name(); (void)m.os_version(); (void)m.device_type(); (void)m.status();
                 (void)m.sensor_version(); (void)m.email(); (void)m.policy_id(); (void)m.policy_name();
                 (void)m.organization_id(); (void)m.organization_name(); (void)m.target_priority_type();
                 (void)m.last_internal_ip_address(); (void)m.last_external_ip_address(); (void)m.last_location();
                 (void)m.quarantined(); (void)m.passive_mode(); (void)m.av_status(); (void)m.sensor_states();
                 (void)m.create_time(); (void)m.registered_time(); (void)m.last_contact();
                 (void)m.last_reported_time();
             }
         }},
        {"defense.event", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::defense()}) {
                 const cbapi::defense::Event m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.event_id(); (void)m.event_type(); (void)m.short_description(); (void)m.long_description();
                 (void)m.event_time(); (void)m.create_time(); (void)m.device_id(); (void)m.device_name();
             }
         }},
        {"defense.policy", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::defense()}) {
                 const cbapi::defense::Policy m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.policy_id(); (void)m.name(); (void)m.description(); (void)m.priority_level();
                 (void)m.version(); (void)m.latest_revision(); (void)m.system_policy(); (void)m.policy();
                 (void)m.rules(); (void)m.sensor_settings();
             }
         }},
        {"defense.notification", [](const nlohmann::json& doc) {
             const cbapi::defense::Notification m(doc);
             (void)m.type(); (void)m.rule_name(); (void)m.url(); (void)m.event_time(); (void)m.device_name();
         }},
        {"protection.app_catalog", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::AppCatalog m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.name();
             }
         }},
        {"protection.drift_report", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::DriftReport m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.name();
             }
         }},
        {"protection.drift_report_contents", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::DriftReportContents m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.report_id();
             }
         }},
        {"protection.granted_user_policy_permission", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::GrantedUserPolicyPermission m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.user_id(); (void)m.policy_id();
             }
         }},
        {"protection.publisher_certificate", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::PublisherCertificate m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.publisher_id(); (void)m.certificate_id();
             }
         }},
        {"protection.file_instance_deleted", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::FileInstanceDeleted m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.computer_id(); (void)m.file_catalog_id(); (void)m.file_name();
             }
         }},
        {"protection.file_instance_group", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::FileInstanceGroup m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.computer_id(); (void)m.file_name();
             }
         }},
        {"protection.internal_event", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::InternalEvent m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.description(); (void)m.timestamp();
             }
         }},
        {"protection.metered_execution", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::MeteredExecution m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.computer_id(); (void)m.file_name();
             }
         }},
        {"protection.notifier", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::Notifier m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.name();
             }
         }},
        {"protection.server_config", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::ServerConfig m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.name(); (void)m.value();
             }
         }},
        {"protection.server_performance", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::ServerPerformance m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id();
             }
         }},
        {"protection.event", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::Event m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.timestamp(); (void)m.received_timestamp(); (void)m.description();
                 (void)m.type(); (void)m.subtype(); (void)m.subtype_name(); (void)m.severity();
                 (void)m.computer_id(); (void)m.computer_name(); (void)m.policy_id(); (void)m.file_catalog_id();
                 (void)m.file_name(); (void)m.path_name(); (void)m.user_name();
             }
         }},
        {"protection.app_template", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::AppTemplate m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.name();
             }
         }},
        {"protection.script_rule", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::ScriptRule m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.name(); (void)m.extensions(); (void)m.interpreters();
             }
         }},
        {"protection.trusted_directory", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::TrustedDirectory m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.name(); (void)m.path(); (void)m.computer_id(); (void)m.description();
             }
         }},
        {"protection.policy", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::Policy m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.name(); (void)m.description(); (void)m.package_name();
                 (void)m.enforcement_level(); (void)m.disconnected_enforcement_level(); (void)m.help_desk_url();
                 (void)m.image_url(); (void)m.date_created(); (void)m.created_by_user_id(); (void)m.date_modified();
                 (void)m.modified_by_user_id(); (void)m.read_only(); (void)m.hidden(); (void)m.automatic();
                 (void)m.load_agent_in_safe_mode(); (void)m.reputation_enabled(); (void)m.file_tracking_enabled();
                 (void)m.custom_logo(); (void)m.automatic_approvals_on_transition(); (void)m.allow_agent_upgrades();
                 (void)m.total_computers(); (void)m.connected_computers(); (void)m.at_enforcement_computers();
                 (void)m.cl_version_max();
             }
         }},
        {"protection.publisher", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::Publisher m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.name(); (void)m.description(); (void)m.publisher_state();
                 (void)m.publisher_reputation(); (void)m.policy_ids(); (void)m.signed_files_count();
                 (void)m.date_created();
             }
         }},
        {"protection.computer", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::Computer m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.name(); (void)m.computer_tag(); (void)m.description(); (void)m.policy_id();
                 (void)m.previous_policy_id(); (void)m.policy_name(); (void)m.automatic_policy();
                 (void)m.local_approval(); (void)m.users(); (void)m.ip_address(); (void)m.mac_address();
                 (void)m.connected(); (void)m.enforcement_level(); (void)m.disconnected_enforcement_level();
                 (void)m.last_register_date(); (void)m.last_poll_date(); (void)m.os_short_name(); (void)m.os_name();
                 (void)m.platform_id(); (void)m.agent_version(); (void)m.days_offline(); (void)m.uninstalled();
                 (void)m.deleted(); (void)m.processor_count(); (void)m.processor_speed(); (void)m.processor_model();
                 (void)m.memory_size(); (void)m.is_template(); (void)m.template_computer_id();
                 (void)m.cli_password();
             }
         }},
        {"protection.file_catalog", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::FileCatalog m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.date_created(); (void)m.path_name(); (void)m.file_name();
                 (void)m.file_extension(); (void)m.computer_id(); (void)m.md5(); (void)m.sha1(); (void)m.sha256();
                 (void)m.file_size(); (void)m.product_name(); (void)m.product_version(); (void)m.company();
                 (void)m.publisher_id(); (void)m.publisher_name(); (void)m.certificate_id(); (void)m.prevalence();
                 (void)m.file_state(); (void)m.effective_state(); (void)m.threat(); (void)m.trust();
             }
         }},
        {"protection.certificate", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::Certificate m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.subject_name(); (void)m.thumbprint(); (void)m.serial_number();
                 (void)m.valid_from(); (void)m.valid_to(); (void)m.parent_certificate_id(); (void)m.publisher_id();
                 (void)m.first_seen_computer_id(); (void)m.certificate_state(); (void)m.description();
             }
         }},
        {"protection.file_instance", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::FileInstance m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.file_catalog_id(); (void)m.file_instance_group_id(); (void)m.computer_id();
                 (void)m.policy_id(); (void)m.date_created(); (void)m.file_name(); (void)m.path_name();
                 (void)m.executed(); (void)m.local_state(); (void)m.detailed_local_state(); (void)m.top_level();
             }
         }},
        {"protection.file_rule", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::FileRule m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.file_catalog_id(); (void)m.name(); (void)m.description();
                 (void)m.file_state(); (void)m.source_type(); (void)m.source_id(); (void)m.report_only();
                 (void)m.reputation_approvals_enabled(); (void)m.force_installer(); (void)m.force_not_installer();
                 (void)m.policy_ids(); (void)m.hash(); (void)m.file_name(); (void)m.lazy_approval();
                 (void)m.platform_flags(); (void)m.date_created(); (void)m.created_by();
                 (void)m.created_by_user_id(); (void)m.date_modified(); (void)m.modified_by();
                 (void)m.modified_by_user_id(); (void)m.cl_version(); (void)m.id_unique(); (void)m.orig_id_unique();
                 (void)m.unified_flag(); (void)m.unified_source(); (void)m.file_rule_type(); (void)m.version();
                 (void)m.visible();
             }
         }},
        {"protection.approval_request", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::ApprovalRequest m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.file_catalog_id(); (void)m.installer_file_catalog_id();
                 (void)m.process_file_catalog_id(); (void)m.computer_id(); (void)m.computer_name();
                 (void)m.date_created(); (void)m.requestor_comments(); (void)m.resolution(); (void)m.status();
                 (void)m.resolution_comments();
             }
         }},
        {"protection.file_analysis", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::FileAnalysis m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.computer_id(); (void)m.file_catalog_id(); (void)m.connector_id();
                 (void)m.file_name(); (void)m.analysis_status(); (void)m.analysis_result();
             }
         }},
        {"protection.file_upload", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::FileUpload m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.computer_id(); (void)m.file_catalog_id(); (void)m.file_name();
                 (void)m.upload_status();
             }
         }},
        {"protection.updater", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::Updater m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.name(); (void)m.version(); (void)m.platform_flags(); (void)m.enabled();
             }
         }},
        {"protection.notification", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::Notification m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.connector_id(); (void)m.time(); (void)m.analysis_result();
                 (void)m.file_analysis_id(); (void)m.file_name(); (void)m.md5(); (void)m.sha1(); (void)m.sha256();
                 (void)m.malware_name(); (void)m.malware_type(); (void)m.external_url(); (void)m.external_id();
                 (void)m.severity(); (void)m.type(); (void)m.product(); (void)m.version(); (void)m.status();
                 (void)m.flags(); (void)m.files(); (void)m.reg_keys(); (void)m.directories();
             }
         }},
        {"protection.pending_analysis", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::PendingAnalysis m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.file_catalog_id(); (void)m.connector_id(); (void)m.computer_id();
                 (void)m.file_name(); (void)m.path_name(); (void)m.md5(); (void)m.sha1(); (void)m.sha256();
                 (void)m.uploaded(); (void)m.analysis_status(); (void)m.analysis_result(); (void)m.analysis_error();
             }
         }},
        {"protection.connector", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::Connector m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.name(); (void)m.analysis_name(); (void)m.connector_version();
                 (void)m.can_analyze(); (void)m.enabled(); (void)m.analysis_enabled(); (void)m.is_internal();
                 (void)m.analysis_targets();
             }
         }},
        {"protection.trusted_user", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::TrustedUser m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.name(); (void)m.user_sid(); (void)m.description(); (void)m.platform_id();
                 (void)m.date_created(); (void)m.created_by_user_id(); (void)m.created_by(); (void)m.date_modified();
                 (void)m.cl_version();
             }
         }},
        {"protection.user", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::User m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.name(); (void)m.user_group_ids(); (void)m.email_address();
                 (void)m.first_name(); (void)m.last_name(); (void)m.title(); (void)m.department();
                 (void)m.comments(); (void)m.registration_date(); (void)m.read_only(); (void)m.external();
                 (void)m.enabled(); (void)m.api_token();
             }
         }},
        {"protection.user_group", [](const nlohmann::json& doc) {
             for (const auto& api : {detail_families::protection()}) {
                 const cbapi::protection::UserGroup m(api, doc, true);
                 detail_families::common_reads(m);
                 (void)m.id(); (void)m.name(); (void)m.description(); (void)m.permissions(); (void)m.policy_ids();
                 (void)m.enabled(); (void)m.editable(); (void)m.date_created(); (void)m.automatic_count();
                 (void)m.manual_count();
             }
         }},
    };
    // clang-format on
    return all;
}

}  // namespace cbapi::test
