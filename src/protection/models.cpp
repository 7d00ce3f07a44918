// The bodies of the Cb Protection models (include/cbapi/protection/models.hpp): their declarations (ModelInfo),
// typed fields, joins to other models and actions.

#include "cbapi/protection/models.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/errors.hpp"
#include "cbapi/http.hpp"
#include "cbapi/time.hpp"
#include "protection/fields.hpp"
#include "protection/model_helpers.hpp"

namespace cbapi::protection {

// --- AppCatalog --------------------------------------------------------------------------------------------------

const ModelInfo AppCatalog::model_info = protection_model("AppCatalog", "appCatalog").since(version_8_0());

CBAPI_PROTECTION_GETTER_DEF(AppCatalog, std::string, name, "name")

// --- DriftReport -------------------------------------------------------------------------------------------------

const ModelInfo DriftReport::model_info = protection_model("DriftReport", "driftReport").since(version_8_0());

CBAPI_PROTECTION_GETTER_DEF(DriftReport, std::string, name, "name")

// --- DriftReportContents -----------------------------------------------------------------------------------------

const ModelInfo DriftReportContents::model_info = protection_model("DriftReportContents", "driftReportContents")
    .since(version_8_0());

CBAPI_PROTECTION_GETTER_DEF(DriftReportContents, long long, report_id, "reportId")

// --- GrantedUserPolicyPermission ---------------------------------------------------------------------------------

const ModelInfo GrantedUserPolicyPermission::model_info =
    protection_model("GrantedUserPolicyPermission", "grantedUserPolicyPermission").since(version_8_0());

CBAPI_PROTECTION_GETTER_DEF(GrantedUserPolicyPermission, long long, user_id, "userId")
CBAPI_PROTECTION_GETTER_DEF(GrantedUserPolicyPermission, long long, policy_id, "policyId")

// --- PublisherCertificate ----------------------------------------------------------------------------------------

const ModelInfo PublisherCertificate::model_info = protection_model("PublisherCertificate", "publisherCertificate")
    .since(version_8_0());

CBAPI_PROTECTION_GETTER_DEF(PublisherCertificate, long long, publisher_id, "publisherId")
CBAPI_PROTECTION_GETTER_DEF(PublisherCertificate, long long, certificate_id, "certificateId")

// --- FileInstanceDeleted -----------------------------------------------------------------------------------------

const ModelInfo FileInstanceDeleted::model_info = protection_model("FileInstanceDeleted", "fileInstanceDeleted");

CBAPI_PROTECTION_GETTER_DEF(FileInstanceDeleted, long long, computer_id, "computerId")
CBAPI_PROTECTION_GETTER_DEF(FileInstanceDeleted, long long, file_catalog_id, "fileCatalogId")
CBAPI_PROTECTION_GETTER_DEF(FileInstanceDeleted, std::string, file_name, "fileName")

// --- FileInstanceGroup -------------------------------------------------------------------------------------------

const ModelInfo FileInstanceGroup::model_info = protection_model("FileInstanceGroup", "fileInstanceGroup");

CBAPI_PROTECTION_GETTER_DEF(FileInstanceGroup, long long, computer_id, "computerId")
CBAPI_PROTECTION_GETTER_DEF(FileInstanceGroup, std::string, file_name, "fileName")

// --- InternalEvent -----------------------------------------------------------------------------------------------

const ModelInfo InternalEvent::model_info = protection_model("InternalEvent", "internalEvent");

CBAPI_PROTECTION_GETTER_DEF(InternalEvent, std::string, description, "description")
CBAPI_PROTECTION_GETTER_DEF(InternalEvent, TimePoint, timestamp, "timestamp")

// --- MeteredExecution --------------------------------------------------------------------------------------------

const ModelInfo MeteredExecution::model_info = protection_model("MeteredExecution", "meteredExecution");

CBAPI_PROTECTION_GETTER_DEF(MeteredExecution, long long, computer_id, "computerId")
CBAPI_PROTECTION_GETTER_DEF(MeteredExecution, std::string, file_name, "fileName")

// --- Notifier ----------------------------------------------------------------------------------------------------

const ModelInfo Notifier::model_info = protection_model("Notifier", "notifier");

CBAPI_PROTECTION_GETTER_DEF(Notifier, std::string, name, "name")

// --- ServerConfig ------------------------------------------------------------------------------------------------

const ModelInfo ServerConfig::model_info = protection_model("ServerConfig", "serverConfig");

CBAPI_PROTECTION_GETTER_DEF(ServerConfig, std::string, name, "name")
CBAPI_PROTECTION_GETTER_DEF(ServerConfig, std::string, value, "value")

// --- ServerPerformance -------------------------------------------------------------------------------------------

const ModelInfo ServerPerformance::model_info = protection_model("ServerPerformance", "serverPerformance");


// --- Event -------------------------------------------------------------------------------------------------------

const ModelInfo Event::model_info = protection_model("Event", "event");

CBAPI_PROTECTION_GETTER_DEF(Event, TimePoint, timestamp, "timestamp")
CBAPI_PROTECTION_GETTER_DEF(Event, TimePoint, received_timestamp, "receivedTimestamp")
CBAPI_PROTECTION_GETTER_DEF(Event, std::string, description, "description")
CBAPI_PROTECTION_GETTER_DEF(Event, long long, type, "type")
CBAPI_PROTECTION_GETTER_DEF(Event, long long, subtype, "subtype")
CBAPI_PROTECTION_GETTER_DEF(Event, std::string, subtype_name, "subtypeName")
CBAPI_PROTECTION_GETTER_DEF(Event, long long, severity, "severity")
CBAPI_PROTECTION_GETTER_DEF(Event, long long, computer_id, "computerId")
CBAPI_PROTECTION_GETTER_DEF(Event, std::string, computer_name, "computerName")
CBAPI_PROTECTION_GETTER_DEF(Event, long long, policy_id, "policyId")
CBAPI_PROTECTION_GETTER_DEF(Event, long long, file_catalog_id, "fileCatalogId")
CBAPI_PROTECTION_GETTER_DEF(Event, std::string, file_name, "fileName")
CBAPI_PROTECTION_GETTER_DEF(Event, std::string, path_name, "pathName")
CBAPI_PROTECTION_GETTER_DEF(Event, std::string, user_name, "userName")

std::optional<FileCatalog> Event::file_catalog() const { return join<FileCatalog>("fileCatalogId"); }

// --- AppTemplate -------------------------------------------------------------------------------------------------

const ModelInfo AppTemplate::model_info = protection_model("AppTemplate", "appTemplate").since(version_8_0());

CBAPI_PROTECTION_FIELD_DEF(AppTemplate, std::string, name, "name")

// --- ScriptRule --------------------------------------------------------------------------------------------------

const ModelInfo ScriptRule::model_info = protection_model("ScriptRule", "scriptRule").since(version_8_0());

CBAPI_PROTECTION_FIELD_DEF(ScriptRule, std::string, name, "name")
CBAPI_PROTECTION_FIELD_DEF(ScriptRule, std::string, extensions, "extensions")
CBAPI_PROTECTION_FIELD_DEF(ScriptRule, std::string, interpreters, "interpreters")

// --- TrustedDirectory --------------------------------------------------------------------------------------------

const ModelInfo TrustedDirectory::model_info = protection_model("TrustedDirectory", "trustedDirectory")
    .since(version_8_0());

CBAPI_PROTECTION_FIELD_DEF(TrustedDirectory, std::string, name, "name")
CBAPI_PROTECTION_FIELD_DEF(TrustedDirectory, std::string, path, "path")
CBAPI_PROTECTION_FIELD_DEF(TrustedDirectory, long long, computer_id, "computerId")
CBAPI_PROTECTION_FIELD_DEF(TrustedDirectory, std::string, description, "description")

// --- Policy ------------------------------------------------------------------------------------------------------

const ModelInfo Policy::model_info = protection_model("Policy", "policy").required({"name"});

CBAPI_PROTECTION_FIELD_DEF(Policy, std::string, name, "name")
CBAPI_PROTECTION_FIELD_DEF(Policy, std::string, description, "description")
CBAPI_PROTECTION_FIELD_DEF(Policy, std::string, package_name, "packageName")
CBAPI_PROTECTION_FIELD_DEF(Policy, long long, enforcement_level, "enforcementLevel")
CBAPI_PROTECTION_FIELD_DEF(Policy, long long, disconnected_enforcement_level, "disconnectedEnforcementLevel")
CBAPI_PROTECTION_FIELD_DEF(Policy, std::string, help_desk_url, "helpDeskUrl")
CBAPI_PROTECTION_FIELD_DEF(Policy, std::string, image_url, "imageUrl")
CBAPI_PROTECTION_GETTER_DEF(Policy, TimePoint, date_created, "dateCreated")
CBAPI_PROTECTION_GETTER_DEF(Policy, long long, created_by_user_id, "createdByUserId")
CBAPI_PROTECTION_GETTER_DEF(Policy, TimePoint, date_modified, "dateModified")
CBAPI_PROTECTION_GETTER_DEF(Policy, long long, modified_by_user_id, "modifiedByUserId")
CBAPI_PROTECTION_FIELD_DEF(Policy, bool, read_only, "readOnly")
CBAPI_PROTECTION_FIELD_DEF(Policy, bool, hidden, "hidden")
CBAPI_PROTECTION_FIELD_DEF(Policy, bool, automatic, "automatic")
CBAPI_PROTECTION_FIELD_DEF(Policy, bool, load_agent_in_safe_mode, "loadAgentInSafeMode")
CBAPI_PROTECTION_FIELD_DEF(Policy, bool, reputation_enabled, "reputationEnabled")
CBAPI_PROTECTION_FIELD_DEF(Policy, bool, file_tracking_enabled, "fileTrackingEnabled")
CBAPI_PROTECTION_FIELD_DEF(Policy, bool, custom_logo, "customLogo")
CBAPI_PROTECTION_FIELD_DEF(Policy, bool, automatic_approvals_on_transition, "automaticApprovalsOnTransition")
CBAPI_PROTECTION_FIELD_DEF(Policy, bool, allow_agent_upgrades, "allowAgentUpgrades")
CBAPI_PROTECTION_GETTER_DEF(Policy, long long, total_computers, "totalComputers")
CBAPI_PROTECTION_GETTER_DEF(Policy, long long, connected_computers, "connectedComputers")
CBAPI_PROTECTION_GETTER_DEF(Policy, long long, at_enforcement_computers, "atEnforcementComputers")
CBAPI_PROTECTION_GETTER_DEF(Policy, long long, cl_version_max, "clVersionMax")

// --- Publisher ---------------------------------------------------------------------------------------------------

const ModelInfo Publisher::model_info = protection_model("Publisher", "publisher");

CBAPI_PROTECTION_FIELD_DEF(Publisher, std::string, name, "name")
CBAPI_PROTECTION_FIELD_DEF(Publisher, std::string, description, "description")
CBAPI_PROTECTION_FIELD_DEF(Publisher, long long, publisher_state, "publisherState")
CBAPI_PROTECTION_GETTER_DEF(Publisher, long long, publisher_reputation, "publisherReputation")
CBAPI_PROTECTION_FIELD_DEF(Publisher, std::string, policy_ids, "policyIds")
CBAPI_PROTECTION_GETTER_DEF(Publisher, long long, signed_files_count, "signedFilesCount")
CBAPI_PROTECTION_GETTER_DEF(Publisher, TimePoint, date_created, "dateCreated")

// --- Computer ----------------------------------------------------------------------------------------------------

const ModelInfo Computer::model_info = protection_model("Computer", "computer");

CBAPI_PROTECTION_FIELD_DEF(Computer, std::string, name, "name")
CBAPI_PROTECTION_FIELD_DEF(Computer, std::string, computer_tag, "computerTag")
CBAPI_PROTECTION_FIELD_DEF(Computer, std::string, description, "description")
CBAPI_PROTECTION_FIELD_DEF(Computer, long long, policy_id, "policyId")
CBAPI_PROTECTION_GETTER_DEF(Computer, long long, previous_policy_id, "previousPolicyId")
CBAPI_PROTECTION_GETTER_DEF(Computer, std::string, policy_name, "policyName")
CBAPI_PROTECTION_FIELD_DEF(Computer, bool, automatic_policy, "automaticPolicy")
CBAPI_PROTECTION_FIELD_DEF(Computer, bool, local_approval, "localApproval")
CBAPI_PROTECTION_GETTER_DEF(Computer, std::string, users, "users")
CBAPI_PROTECTION_GETTER_DEF(Computer, std::string, ip_address, "ipAddress")
CBAPI_PROTECTION_GETTER_DEF(Computer, std::string, mac_address, "macAddress")
CBAPI_PROTECTION_GETTER_DEF(Computer, bool, connected, "connected")
CBAPI_PROTECTION_GETTER_DEF(Computer, long long, enforcement_level, "enforcementLevel")
CBAPI_PROTECTION_GETTER_DEF(Computer, long long, disconnected_enforcement_level, "disconnectedEnforcementLevel")
CBAPI_PROTECTION_GETTER_DEF(Computer, TimePoint, last_register_date, "lastRegisterDate")
CBAPI_PROTECTION_GETTER_DEF(Computer, TimePoint, last_poll_date, "lastPollDate")
CBAPI_PROTECTION_GETTER_DEF(Computer, std::string, os_short_name, "osShortName")
CBAPI_PROTECTION_GETTER_DEF(Computer, std::string, os_name, "osName")
CBAPI_PROTECTION_GETTER_DEF(Computer, long long, platform_id, "platformId")
CBAPI_PROTECTION_GETTER_DEF(Computer, std::string, agent_version, "agentVersion")
CBAPI_PROTECTION_GETTER_DEF(Computer, long long, days_offline, "daysOffline")
CBAPI_PROTECTION_GETTER_DEF(Computer, bool, uninstalled, "uninstalled")
CBAPI_PROTECTION_GETTER_DEF(Computer, bool, deleted, "deleted")
CBAPI_PROTECTION_GETTER_DEF(Computer, long long, processor_count, "processorCount")
CBAPI_PROTECTION_GETTER_DEF(Computer, double, processor_speed, "processorSpeed")
CBAPI_PROTECTION_GETTER_DEF(Computer, std::string, processor_model, "processorModel")
CBAPI_PROTECTION_GETTER_DEF(Computer, long long, memory_size, "memorySize")
CBAPI_PROTECTION_GETTER_DEF(Computer, bool, is_template, "template")
CBAPI_PROTECTION_GETTER_DEF(Computer, long long, template_computer_id, "templateComputerId")
CBAPI_PROTECTION_GETTER_DEF(Computer, std::string, cli_password, "CLIPassword")

std::optional<Policy> Computer::policy() const { return join<Policy>("policyId"); }

Computer& Computer::set_policy(long long policy_id) { return set_policy_id(policy_id); }

std::optional<Computer> Computer::template_computer() const { return join<Computer>("templateComputerId"); }

std::string Computer::reset_cli_password() {
    if (id().empty()) throw InvalidObjectError("Cannot reset the CLI password of a " + describe());
    Headers headers;
    headers.set("Content-Type", "application/json");
    api()->connection.request(HttpMethod::put, model_info.path_for(document()), {{"resetCLIPassword", "true"}},
                              "{}", std::move(headers));
    refresh();
    return get_or<std::string>("CLIPassword", get_or<std::string>("cliPassword", ""));
}

Query<FileInstance> Computer::file_instances() const { return related<FileInstance>("computerId"); }

Computer& Computer::set_tamper_protection(bool on) {
    set("tamperProtectionActive", on);
    return *this;
}

// cbapi-python 1.3.3 (changeDiagnostics, changeTemplate) and 1.3.5 (newTamperProtectionActive):
// src/cbapi/protection/models.py, Computer._build_api_request_uri for PUT.
std::string Computer::save_path(bool create) const {
    std::string path = MutableModel::save_path(create);
    if (create) return path;
    const auto dirty = dirty_fields();
    auto changed = [&dirty](std::initializer_list<const char*> fields) {
        for (const char* f : fields)
            if (std::find(dirty.begin(), dirty.end(), f) != dirty.end()) return true;
        return false;
    };
    std::vector<std::string> args;
    if (changed({"debugLevel", "kernelDebugLevel", "debugFlags", "debugDuration", "ccLevel", "ccFlags"}))
        args.emplace_back("changeDiagnostics=true");
    if (changed({"template", "templateCloneCleanupMode", "templateCloneCleanupTime", "templateCloneCleanupTimeScale",
                 "templateTrackModsOnly"}))
        args.emplace_back("changeTemplate=true");
    if (changed({"tamperProtectionActive"})) {
        // cbapi-python: self.get("tamperProtectionActive", True); anything but false asks for protection.
        const auto value = get<nlohmann::json>("tamperProtectionActive");
        const bool off = value && value->is_boolean() && !value->get<bool>();
        args.emplace_back(off ? "newTamperProtectionActive=false" : "newTamperProtectionActive=true");
    }
    for (std::size_t i = 0; i < args.size(); ++i) path += (i == 0 ? "?" : "&") + args[i];
    return path;
}

// --- FileCatalog -------------------------------------------------------------------------------------------------

const ModelInfo FileCatalog::model_info = protection_model("FileCatalog", "fileCatalog");

CBAPI_PROTECTION_GETTER_DEF(FileCatalog, TimePoint, date_created, "dateCreated")
CBAPI_PROTECTION_GETTER_DEF(FileCatalog, std::string, path_name, "pathName")
CBAPI_PROTECTION_GETTER_DEF(FileCatalog, std::string, file_name, "fileName")
CBAPI_PROTECTION_GETTER_DEF(FileCatalog, std::string, file_extension, "fileExtension")
CBAPI_PROTECTION_GETTER_DEF(FileCatalog, long long, computer_id, "computerId")
CBAPI_PROTECTION_GETTER_DEF(FileCatalog, std::string, md5, "md5")
CBAPI_PROTECTION_GETTER_DEF(FileCatalog, std::string, sha1, "sha1")
CBAPI_PROTECTION_GETTER_DEF(FileCatalog, std::string, sha256, "sha256")
CBAPI_PROTECTION_GETTER_DEF(FileCatalog, long long, file_size, "fileSize")
CBAPI_PROTECTION_GETTER_DEF(FileCatalog, std::string, product_name, "productName")
CBAPI_PROTECTION_GETTER_DEF(FileCatalog, std::string, product_version, "productVersion")
CBAPI_PROTECTION_GETTER_DEF(FileCatalog, std::string, company, "company")
CBAPI_PROTECTION_GETTER_DEF(FileCatalog, long long, publisher_id, "publisherId")
CBAPI_PROTECTION_GETTER_DEF(FileCatalog, std::string, publisher_name, "publisherName")
CBAPI_PROTECTION_GETTER_DEF(FileCatalog, long long, certificate_id, "certificateId")
CBAPI_PROTECTION_GETTER_DEF(FileCatalog, long long, prevalence, "prevalence")
CBAPI_PROTECTION_FIELD_DEF(FileCatalog, long long, file_state, "fileState")
CBAPI_PROTECTION_GETTER_DEF(FileCatalog, long long, effective_state, "effectiveState")
CBAPI_PROTECTION_GETTER_DEF(FileCatalog, long long, threat, "threat")
CBAPI_PROTECTION_GETTER_DEF(FileCatalog, long long, trust, "trust")

std::optional<Computer> FileCatalog::computer() const { return join<Computer>("computerId"); }

std::optional<Publisher> FileCatalog::publisher() const { return join<Publisher>("publisherId"); }

std::string FileCatalog::file_hash() const {
    return detail::first_hash(*this);
}

std::optional<Certificate> FileCatalog::certificate() const { return join<Certificate>("certificateId"); }

// --- Certificate -------------------------------------------------------------------------------------------------

const ModelInfo Certificate::model_info = protection_model("Certificate", "certificate");

CBAPI_PROTECTION_GETTER_DEF(Certificate, std::string, subject_name, "subjectName")
CBAPI_PROTECTION_GETTER_DEF(Certificate, std::string, thumbprint, "thumbprint")
CBAPI_PROTECTION_GETTER_DEF(Certificate, std::string, serial_number, "serialNumber")
CBAPI_PROTECTION_GETTER_DEF(Certificate, TimePoint, valid_from, "validFrom")
CBAPI_PROTECTION_GETTER_DEF(Certificate, TimePoint, valid_to, "validTo")
CBAPI_PROTECTION_GETTER_DEF(Certificate, long long, parent_certificate_id, "parentCertificateId")
CBAPI_PROTECTION_GETTER_DEF(Certificate, long long, publisher_id, "publisherId")
CBAPI_PROTECTION_GETTER_DEF(Certificate, long long, first_seen_computer_id, "firstSeenComputerId")
CBAPI_PROTECTION_FIELD_DEF(Certificate, long long, certificate_state, "certificateState")
CBAPI_PROTECTION_FIELD_DEF(Certificate, std::string, description, "description")

std::optional<Certificate> Certificate::parent() const { return join<Certificate>("parentCertificateId"); }

std::optional<Publisher> Certificate::publisher() const { return join<Publisher>("publisherId"); }

std::optional<Computer> Certificate::first_seen_computer() const { return join<Computer>("firstSeenComputerId"); }

// --- FileInstance ------------------------------------------------------------------------------------------------

const ModelInfo FileInstance::model_info = protection_model("FileInstance", "fileInstance")
    .updated_with(HttpMethod::post);

CBAPI_PROTECTION_GETTER_DEF(FileInstance, long long, file_catalog_id, "fileCatalogId")
CBAPI_PROTECTION_GETTER_DEF(FileInstance, long long, file_instance_group_id, "fileInstanceGroupId")
CBAPI_PROTECTION_GETTER_DEF(FileInstance, long long, computer_id, "computerId")
CBAPI_PROTECTION_GETTER_DEF(FileInstance, long long, policy_id, "policyId")
CBAPI_PROTECTION_GETTER_DEF(FileInstance, TimePoint, date_created, "dateCreated")
CBAPI_PROTECTION_GETTER_DEF(FileInstance, std::string, file_name, "fileName")
CBAPI_PROTECTION_GETTER_DEF(FileInstance, std::string, path_name, "pathName")
CBAPI_PROTECTION_GETTER_DEF(FileInstance, bool, executed, "executed")
CBAPI_PROTECTION_FIELD_DEF(FileInstance, long long, local_state, "localState")
CBAPI_PROTECTION_GETTER_DEF(FileInstance, long long, detailed_local_state, "detailedLocalState")
CBAPI_PROTECTION_GETTER_DEF(FileInstance, bool, top_level, "topLevel")

std::optional<Computer> FileInstance::computer() const { return join<Computer>("computerId"); }

std::optional<FileCatalog> FileInstance::file_catalog() const { return join<FileCatalog>("fileCatalogId"); }

// --- FileRule ----------------------------------------------------------------------------------------------------

const ModelInfo FileRule::model_info = protection_model("FileRule", "fileRule").required({"name"});

CBAPI_PROTECTION_GETTER_DEF(FileRule, long long, file_catalog_id, "fileCatalogId")
CBAPI_PROTECTION_FIELD_DEF(FileRule, std::string, name, "name")
CBAPI_PROTECTION_FIELD_DEF(FileRule, std::string, description, "description")
CBAPI_PROTECTION_FIELD_DEF(FileRule, long long, file_state, "fileState")
CBAPI_PROTECTION_GETTER_DEF(FileRule, long long, source_type, "sourceType")
CBAPI_PROTECTION_GETTER_DEF(FileRule, long long, source_id, "sourceId")
CBAPI_PROTECTION_FIELD_DEF(FileRule, bool, report_only, "reportOnly")
CBAPI_PROTECTION_FIELD_DEF(FileRule, bool, reputation_approvals_enabled, "reputationApprovalsEnabled")
CBAPI_PROTECTION_FIELD_DEF(FileRule, bool, force_installer, "forceInstaller")
CBAPI_PROTECTION_FIELD_DEF(FileRule, bool, force_not_installer, "forceNotInstaller")
CBAPI_PROTECTION_FIELD_DEF(FileRule, std::string, policy_ids, "policyIds")
CBAPI_PROTECTION_FIELD_DEF(FileRule, std::string, hash, "hash")
CBAPI_PROTECTION_FIELD_DEF(FileRule, std::string, file_name, "fileName")
CBAPI_PROTECTION_FIELD_DEF(FileRule, bool, lazy_approval, "lazyApproval")
CBAPI_PROTECTION_FIELD_DEF(FileRule, long long, platform_flags, "platformFlags")
CBAPI_PROTECTION_GETTER_DEF(FileRule, TimePoint, date_created, "dateCreated")
CBAPI_PROTECTION_GETTER_DEF(FileRule, std::string, created_by, "createdBy")
CBAPI_PROTECTION_GETTER_DEF(FileRule, std::string, created_by_user_id, "createdByUserId")
CBAPI_PROTECTION_GETTER_DEF(FileRule, TimePoint, date_modified, "dateModified")
CBAPI_PROTECTION_GETTER_DEF(FileRule, std::string, modified_by, "modifiedBy")
CBAPI_PROTECTION_GETTER_DEF(FileRule, long long, modified_by_user_id, "modifiedByUserId")
CBAPI_PROTECTION_GETTER_DEF(FileRule, long long, cl_version, "clVersion")
CBAPI_PROTECTION_GETTER_DEF(FileRule, std::string, id_unique, "idUnique")
CBAPI_PROTECTION_GETTER_DEF(FileRule, std::string, orig_id_unique, "origIdUnique")
CBAPI_PROTECTION_GETTER_DEF(FileRule, long long, unified_flag, "unifiedFlag")
CBAPI_PROTECTION_GETTER_DEF(FileRule, std::string, unified_source, "unifiedSource")
CBAPI_PROTECTION_GETTER_DEF(FileRule, std::string, file_rule_type, "fileRuleType")
CBAPI_PROTECTION_GETTER_DEF(FileRule, long long, version, "version")
CBAPI_PROTECTION_GETTER_DEF(FileRule, bool, visible, "visible")

std::optional<FileCatalog> FileRule::file_catalog() const { return join<FileCatalog>("fileCatalogId"); }

std::optional<User> FileRule::created_by_user() const { return join<User>("createdByUserId"); }

// --- ApprovalRequest ---------------------------------------------------------------------------------------------

const ModelInfo ApprovalRequest::model_info = protection_model("ApprovalRequest", "approvalRequest");

CBAPI_PROTECTION_GETTER_DEF(ApprovalRequest, long long, file_catalog_id, "fileCatalogId")
CBAPI_PROTECTION_GETTER_DEF(ApprovalRequest, long long, installer_file_catalog_id, "installerFileCatalogId")
CBAPI_PROTECTION_GETTER_DEF(ApprovalRequest, long long, process_file_catalog_id, "processFileCatalogId")
CBAPI_PROTECTION_GETTER_DEF(ApprovalRequest, long long, computer_id, "computerId")
CBAPI_PROTECTION_GETTER_DEF(ApprovalRequest, std::string, computer_name, "computerName")
CBAPI_PROTECTION_GETTER_DEF(ApprovalRequest, TimePoint, date_created, "dateCreated")
CBAPI_PROTECTION_GETTER_DEF(ApprovalRequest, std::string, requestor_comments, "requestorComments")
CBAPI_PROTECTION_FIELD_DEF(ApprovalRequest, long long, resolution, "resolution")
CBAPI_PROTECTION_FIELD_DEF(ApprovalRequest, long long, status, "status")
CBAPI_PROTECTION_FIELD_DEF(ApprovalRequest, std::string, resolution_comments, "resolutionComments")

std::optional<FileCatalog> ApprovalRequest::file_catalog() const { return join<FileCatalog>("fileCatalogId"); }

std::optional<FileCatalog> ApprovalRequest::installer_file_catalog() const {
    return join<FileCatalog>("installerFileCatalogId");
}

std::optional<FileCatalog> ApprovalRequest::process_file_catalog() const {
    return join<FileCatalog>("processFileCatalogId");
}

std::optional<Computer> ApprovalRequest::computer() const { return join<Computer>("computerId"); }

// --- FileAnalysis ------------------------------------------------------------------------------------------------

const ModelInfo FileAnalysis::model_info = protection_model("FileAnalysis", "fileAnalysis");

CBAPI_PROTECTION_GETTER_DEF(FileAnalysis, long long, computer_id, "computerId")
CBAPI_PROTECTION_GETTER_DEF(FileAnalysis, long long, file_catalog_id, "fileCatalogId")
CBAPI_PROTECTION_GETTER_DEF(FileAnalysis, long long, connector_id, "connectorId")
CBAPI_PROTECTION_GETTER_DEF(FileAnalysis, std::string, file_name, "fileName")
CBAPI_PROTECTION_FIELD_DEF(FileAnalysis, long long, analysis_status, "analysisStatus")
CBAPI_PROTECTION_FIELD_DEF(FileAnalysis, long long, analysis_result, "analysisResult")

// --- FileUpload --------------------------------------------------------------------------------------------------

const ModelInfo FileUpload::model_info = protection_model("FileUpload", "fileUpload");

CBAPI_PROTECTION_GETTER_DEF(FileUpload, long long, computer_id, "computerId")
CBAPI_PROTECTION_GETTER_DEF(FileUpload, long long, file_catalog_id, "fileCatalogId")
CBAPI_PROTECTION_GETTER_DEF(FileUpload, std::string, file_name, "fileName")
CBAPI_PROTECTION_FIELD_DEF(FileUpload, long long, upload_status, "uploadStatus")

std::string FileUpload::file_zip() const { return download(); }

std::string FileUpload::file(std::uint64_t max_size) const { return download_member(max_size); }

// --- Updater -----------------------------------------------------------------------------------------------------

const ModelInfo Updater::model_info = protection_model("Updater", "updater");

CBAPI_PROTECTION_GETTER_DEF(Updater, std::string, name, "name")
CBAPI_PROTECTION_GETTER_DEF(Updater, std::string, version, "version")
CBAPI_PROTECTION_GETTER_DEF(Updater, long long, platform_flags, "platformFlags")
CBAPI_PROTECTION_FIELD_DEF(Updater, bool, enabled, "enabled")

// --- Notification ------------------------------------------------------------------------------------------------

const ModelInfo Notification::model_info = protection_model("Notification", "notification")
    .required({"analysisResult", "fileAnalysisId"});

CBAPI_PROTECTION_FIELD_DEF(Notification, long long, connector_id, "connectorId")
CBAPI_PROTECTION_GETTER_DEF(Notification, TimePoint, time, "time")
CBAPI_PROTECTION_FIELD_DEF(Notification, long long, analysis_result, "analysisResult")
CBAPI_PROTECTION_FIELD_DEF(Notification, long long, file_analysis_id, "fileAnalysisId")
CBAPI_PROTECTION_FIELD_DEF(Notification, std::string, file_name, "fileName")
CBAPI_PROTECTION_FIELD_DEF(Notification, std::string, md5, "md5")
CBAPI_PROTECTION_FIELD_DEF(Notification, std::string, sha1, "sha1")
CBAPI_PROTECTION_FIELD_DEF(Notification, std::string, sha256, "sha256")
CBAPI_PROTECTION_FIELD_DEF(Notification, std::string, malware_name, "malwareName")
CBAPI_PROTECTION_FIELD_DEF(Notification, std::string, malware_type, "malwareType")
CBAPI_PROTECTION_FIELD_DEF(Notification, std::string, external_url, "externalUrl")
CBAPI_PROTECTION_FIELD_DEF(Notification, std::string, external_id, "externalId")
CBAPI_PROTECTION_FIELD_DEF(Notification, std::string, severity, "severity")
CBAPI_PROTECTION_FIELD_DEF(Notification, std::string, type, "type")
CBAPI_PROTECTION_FIELD_DEF(Notification, std::string, product, "product")
CBAPI_PROTECTION_FIELD_DEF(Notification, std::string, version, "version")
CBAPI_PROTECTION_FIELD_DEF(Notification, std::string, status, "status")
CBAPI_PROTECTION_FIELD_DEF(Notification, long long, flags, "flags")
CBAPI_PROTECTION_FIELD_DEF(Notification, nlohmann::json, files, "files")
CBAPI_PROTECTION_FIELD_DEF(Notification, nlohmann::json, reg_keys, "regKeys")
CBAPI_PROTECTION_FIELD_DEF(Notification, nlohmann::json, directories, "directories")

// --- PendingAnalysis ---------------------------------------------------------------------------------------------

const ModelInfo PendingAnalysis::model_info = protection_model("PendingAnalysis", "pendingAnalysis");

CBAPI_PROTECTION_GETTER_DEF(PendingAnalysis, long long, file_catalog_id, "fileCatalogId")
CBAPI_PROTECTION_GETTER_DEF(PendingAnalysis, long long, connector_id, "connectorId")
CBAPI_PROTECTION_GETTER_DEF(PendingAnalysis, long long, computer_id, "computerId")
CBAPI_PROTECTION_GETTER_DEF(PendingAnalysis, std::string, file_name, "fileName")
CBAPI_PROTECTION_GETTER_DEF(PendingAnalysis, std::string, path_name, "pathName")
CBAPI_PROTECTION_GETTER_DEF(PendingAnalysis, std::string, md5, "md5")
CBAPI_PROTECTION_GETTER_DEF(PendingAnalysis, std::string, sha1, "sha1")
CBAPI_PROTECTION_GETTER_DEF(PendingAnalysis, std::string, sha256, "sha256")
CBAPI_PROTECTION_GETTER_DEF(PendingAnalysis, bool, uploaded, "uploaded")
CBAPI_PROTECTION_FIELD_DEF(PendingAnalysis, long long, analysis_status, "analysisStatus")
CBAPI_PROTECTION_FIELD_DEF(PendingAnalysis, long long, analysis_result, "analysisResult")
CBAPI_PROTECTION_FIELD_DEF(PendingAnalysis, std::string, analysis_error, "analysisError")

std::optional<FileCatalog> PendingAnalysis::file_catalog() const { return join<FileCatalog>("fileCatalogId"); }

std::string PendingAnalysis::file_hash() const {
    return detail::first_hash(*this);
}

std::string PendingAnalysis::file_zip() const { return download(); }

std::string PendingAnalysis::file(std::uint64_t max_size) const { return download_member(max_size); }

Notification PendingAnalysis::create_notification(const nlohmann::json& data) const {
    if (id().empty()) throw InvalidObjectError("Cannot notify about a " + describe());
    Notification n(api(), nlohmann::json::object(), true);
    if (data.is_object())
        for (const auto& [k, v] : data.items()) n.set(k, v);
    n.set("fileAnalysisId", document().at("id"));
    return n;
}

// --- Connector ---------------------------------------------------------------------------------------------------

const ModelInfo Connector::model_info = protection_model("Connector", "connector")
    .required({"name", "analysisName", "connectorVersion", "canAnalyze", "enabled", "analysisEnabled"});

CBAPI_PROTECTION_FIELD_DEF(Connector, std::string, name, "name")
CBAPI_PROTECTION_FIELD_DEF(Connector, std::string, analysis_name, "analysisName")
CBAPI_PROTECTION_FIELD_DEF(Connector, std::string, connector_version, "connectorVersion")
CBAPI_PROTECTION_FIELD_DEF(Connector, bool, can_analyze, "canAnalyze")
CBAPI_PROTECTION_FIELD_DEF(Connector, bool, enabled, "enabled")
CBAPI_PROTECTION_FIELD_DEF(Connector, bool, analysis_enabled, "analysisEnabled")
CBAPI_PROTECTION_GETTER_DEF(Connector, bool, is_internal, "isInternal")
CBAPI_PROTECTION_FIELD_DEF(Connector, nlohmann::json, analysis_targets, "analysisTargets")

Query<PendingAnalysis> Connector::pending_analyses() const { return related<PendingAnalysis>("connectorId"); }

// --- TrustedUser -------------------------------------------------------------------------------------------------

const ModelInfo TrustedUser::model_info = protection_model("TrustedUser", "trustedUser")
    .required({"name", "userSid", "description", "platformId"})
    .since(version_8_0());

CBAPI_PROTECTION_FIELD_DEF(TrustedUser, std::string, name, "name")
CBAPI_PROTECTION_FIELD_DEF(TrustedUser, std::string, user_sid, "userSid")
CBAPI_PROTECTION_FIELD_DEF(TrustedUser, std::string, description, "description")
CBAPI_PROTECTION_FIELD_DEF(TrustedUser, long long, platform_id, "platformId")
CBAPI_PROTECTION_GETTER_DEF(TrustedUser, TimePoint, date_created, "dateCreated")
CBAPI_PROTECTION_GETTER_DEF(TrustedUser, long long, created_by_user_id, "createdByUserId")
CBAPI_PROTECTION_GETTER_DEF(TrustedUser, std::string, created_by, "createdBy")
CBAPI_PROTECTION_GETTER_DEF(TrustedUser, TimePoint, date_modified, "dateModified")
CBAPI_PROTECTION_GETTER_DEF(TrustedUser, long long, cl_version, "clVersion")

// --- User --------------------------------------------------------------------------------------------------------

const ModelInfo User::model_info = protection_model("User", "user").required({"name"}).since(version_8_0());

CBAPI_PROTECTION_FIELD_DEF(User, std::string, name, "name")
CBAPI_PROTECTION_FIELD_DEF(User, std::string, user_group_ids, "userGroupIds")
CBAPI_PROTECTION_FIELD_DEF(User, std::string, email_address, "eMailAddress")
CBAPI_PROTECTION_FIELD_DEF(User, std::string, first_name, "firstName")
CBAPI_PROTECTION_FIELD_DEF(User, std::string, last_name, "lastName")
CBAPI_PROTECTION_FIELD_DEF(User, std::string, title, "title")
CBAPI_PROTECTION_FIELD_DEF(User, std::string, department, "department")
CBAPI_PROTECTION_FIELD_DEF(User, std::string, comments, "comments")
CBAPI_PROTECTION_GETTER_DEF(User, TimePoint, registration_date, "registrationDate")
CBAPI_PROTECTION_GETTER_DEF(User, bool, read_only, "readOnly")
CBAPI_PROTECTION_GETTER_DEF(User, bool, external, "external")
CBAPI_PROTECTION_FIELD_DEF(User, bool, enabled, "enabled")
CBAPI_PROTECTION_GETTER_DEF(User, std::string, api_token, "apiToken")

// --- UserGroup ---------------------------------------------------------------------------------------------------

const ModelInfo UserGroup::model_info = protection_model("UserGroup", "userGroup")
    .required({"name"})
    .since(version_8_0());

CBAPI_PROTECTION_FIELD_DEF(UserGroup, std::string, name, "name")
CBAPI_PROTECTION_FIELD_DEF(UserGroup, std::string, description, "description")
CBAPI_PROTECTION_FIELD_DEF(UserGroup, std::string, permissions, "permissions")
CBAPI_PROTECTION_FIELD_DEF(UserGroup, std::string, policy_ids, "policyIds")
CBAPI_PROTECTION_FIELD_DEF(UserGroup, bool, enabled, "enabled")
CBAPI_PROTECTION_GETTER_DEF(UserGroup, bool, editable, "editable")
CBAPI_PROTECTION_GETTER_DEF(UserGroup, TimePoint, date_created, "dateCreated")
CBAPI_PROTECTION_GETTER_DEF(UserGroup, long long, automatic_count, "automaticCount")
CBAPI_PROTECTION_GETTER_DEF(UserGroup, long long, manual_count, "manualCount")

}  // namespace cbapi::protection
