#pragma once
/// @file
/// Every Cb Protection model of cbapi-python 1.3.2 (all under `/api/bit9platform/v1`, primary key `id`), declared:
/// URL, typed fields, required fields, creatable/changeable, update verb and minimum server version.
///
/// | Model | Path | Changeable | create() | Update | Min server |
/// |---|---|---|---|---|---|
/// | AppCatalog | /appCatalog | no | no | – | 8.0 |
/// | ApprovalRequest | /approvalRequest | yes | no | PUT | – |
/// | AppTemplate | /appTemplate | yes | no | PUT | 8.0 |
/// | Certificate | /certificate | yes | no | PUT | – |
/// | Computer | /computer | yes | no | PUT | – |
/// | Connector | /connector | yes | yes | PUT | – |
/// | DriftReport, DriftReportContents | /driftReport, /driftReportContents | no | no | – | 8.0 |
/// | Event | /event | no | no | – | – |
/// | FileAnalysis | /fileAnalysis | yes | no | PUT | – |
/// | FileCatalog | /fileCatalog | yes | no | PUT | – |
/// | FileInstance | /fileInstance | yes | no | **POST** /fileInstance/{id} | – |
/// | FileInstanceDeleted, FileInstanceGroup | /fileInstanceDeleted, /fileInstanceGroup | no | no | – | – |
/// | FileRule | /fileRule | yes | yes | PUT | – |
/// | FileUpload | /fileUpload | yes | no | PUT | – |
/// | GrantedUserPolicyPermission | /grantedUserPolicyPermission | no | no | – | 8.0 |
/// | InternalEvent | /internalEvent | no | no | – | – |
/// | MeteredExecution, Notifier | /meteredExecution, /notifier | no | no | – | – |
/// | Notification | /notification | yes | yes | PUT | – |
/// | PendingAnalysis | /pendingAnalysis | yes | no | PUT | – |
/// | Policy | /policy | yes | yes | PUT | – |
/// | Publisher | /publisher | yes | no | PUT | – |
/// | PublisherCertificate | /publisherCertificate | no | no | – | 8.0 |
/// | ScriptRule, TrustedDirectory | /scriptRule, /trustedDirectory | yes | no | PUT | 8.0 |
/// | ServerConfig, ServerPerformance | /serverConfig, /serverPerformance | no | no | – | – |
/// | TrustedUser, User, UserGroup | /trustedUser, /user, /userGroup | yes | yes | PUT | 8.0 |
/// | Updater | /updater | yes | no | PUT | – |
///
/// Creating sends `POST <path>` with the document minus `id`; updating sends the whole document; `remove()` sends
/// `DELETE <path>/<id>` (cbapi-python's `delete()`). Any field, typed here or not, is readable with `get<T>(name)`
/// and settable with `set(name, value)`.

#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "cbapi/protection/model_base.hpp"

namespace cbapi::protection {

/// Policy enforcement levels (`enforcementLevel`, `disconnectedEnforcementLevel`).
namespace EnforcementLevel {
inline constexpr int LevelHigh = 20;        ///< Block unapproved
inline constexpr int LevelMedium = 30;      ///< Prompt unapproved
inline constexpr int LevelLow = 40;         ///< Monitor unapproved
inline constexpr int LevelVisibility = 60;  ///< None (visibility)
inline constexpr int LevelNone = 80;        ///< None (disabled)
}  // namespace EnforcementLevel

class Certificate;
class Computer;
class FileCatalog;
class FileInstance;
class PendingAnalysis;
class Policy;
class Publisher;
class User;

// --- 8.0 read-only models ------------------------------------------------------------------------------------------

/// An application catalog entry (server 8.0+).
class AppCatalog : public ReadOnlyModel<AppCatalog> {
public:
    inline static const ModelInfo model_info = protection_model("AppCatalog", "appCatalog").since(version_8_0());
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER(std::string, name, "name")
};

/// A drift report (server 8.0+).
class DriftReport : public ReadOnlyModel<DriftReport> {
public:
    inline static const ModelInfo model_info = protection_model("DriftReport", "driftReport").since(version_8_0());
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER(std::string, name, "name")
};

/// The contents of a drift report (server 8.0+).
class DriftReportContents : public ReadOnlyModel<DriftReportContents> {
public:
    inline static const ModelInfo model_info =
        protection_model("DriftReportContents", "driftReportContents").since(version_8_0());
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER(long long, report_id, "reportId")
};

/// A policy permission granted to a user (server 8.0+).
class GrantedUserPolicyPermission : public ReadOnlyModel<GrantedUserPolicyPermission> {
public:
    inline static const ModelInfo model_info =
        protection_model("GrantedUserPolicyPermission", "grantedUserPolicyPermission").since(version_8_0());
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER(long long, user_id, "userId")
    CBAPI_PROTECTION_GETTER(long long, policy_id, "policyId")
};

/// A certificate as related to a publisher (server 8.0+).
class PublisherCertificate : public ReadOnlyModel<PublisherCertificate> {
public:
    inline static const ModelInfo model_info =
        protection_model("PublisherCertificate", "publisherCertificate").since(version_8_0());
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER(long long, publisher_id, "publisherId")
    CBAPI_PROTECTION_GETTER(long long, certificate_id, "certificateId")
};

// --- older read-only models ----------------------------------------------------------------------------------------

/// A file instance that was deleted.
class FileInstanceDeleted : public ReadOnlyModel<FileInstanceDeleted> {
public:
    inline static const ModelInfo model_info = protection_model("FileInstanceDeleted", "fileInstanceDeleted");
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER(long long, computer_id, "computerId")
    CBAPI_PROTECTION_GETTER(long long, file_catalog_id, "fileCatalogId")
    CBAPI_PROTECTION_GETTER(std::string, file_name, "fileName")
};

/// A group of file instances (e.g. one installation).
class FileInstanceGroup : public ReadOnlyModel<FileInstanceGroup> {
public:
    inline static const ModelInfo model_info = protection_model("FileInstanceGroup", "fileInstanceGroup");
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER(long long, computer_id, "computerId")
    CBAPI_PROTECTION_GETTER(std::string, file_name, "fileName")
};

/// An internal server event. cbapi-python 1.3.2 points this model at `/fileInstance` (a copy-paste bug); it lives
/// at `/internalEvent`.
class InternalEvent : public ReadOnlyModel<InternalEvent> {
public:
    inline static const ModelInfo model_info = protection_model("InternalEvent", "internalEvent");
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER(std::string, description, "description")
    CBAPI_PROTECTION_GETTER(TimePoint, timestamp, "timestamp")
};

/// A metered execution record.
class MeteredExecution : public ReadOnlyModel<MeteredExecution> {
public:
    inline static const ModelInfo model_info = protection_model("MeteredExecution", "meteredExecution");
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER(long long, computer_id, "computerId")
    CBAPI_PROTECTION_GETTER(std::string, file_name, "fileName")
};

/// A notifier (e-mail/syslog alert definition).
class Notifier : public ReadOnlyModel<Notifier> {
public:
    inline static const ModelInfo model_info = protection_model("Notifier", "notifier");
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER(std::string, name, "name")
};

/// One server configuration entry (name/value); CbProtectionAPI::info() holds them all.
class ServerConfig : public ReadOnlyModel<ServerConfig> {
public:
    inline static const ModelInfo model_info = protection_model("ServerConfig", "serverConfig");
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER(std::string, name, "name")
    CBAPI_PROTECTION_GETTER(std::string, value, "value")
};

/// Server performance counters.
class ServerPerformance : public ReadOnlyModel<ServerPerformance> {
public:
    inline static const ModelInfo model_info = protection_model("ServerPerformance", "serverPerformance");
    using ProtectionModel::ProtectionModel;
};

/// An event (`/event`): what agents and the server report.
class Event : public ReadOnlyModel<Event> {
public:
    inline static const ModelInfo model_info = protection_model("Event", "event");
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER(TimePoint, timestamp, "timestamp")
    CBAPI_PROTECTION_GETTER(TimePoint, received_timestamp, "receivedTimestamp")
    CBAPI_PROTECTION_GETTER(std::string, description, "description")
    CBAPI_PROTECTION_GETTER(long long, type, "type")
    CBAPI_PROTECTION_GETTER(long long, subtype, "subtype")
    CBAPI_PROTECTION_GETTER(std::string, subtype_name, "subtypeName")
    CBAPI_PROTECTION_GETTER(long long, severity, "severity")
    CBAPI_PROTECTION_GETTER(long long, computer_id, "computerId")
    CBAPI_PROTECTION_GETTER(std::string, computer_name, "computerName")
    CBAPI_PROTECTION_GETTER(long long, policy_id, "policyId")
    CBAPI_PROTECTION_GETTER(long long, file_catalog_id, "fileCatalogId")
    CBAPI_PROTECTION_GETTER(std::string, file_name, "fileName")
    CBAPI_PROTECTION_GETTER(std::string, path_name, "pathName")
    CBAPI_PROTECTION_GETTER(std::string, user_name, "userName")
    /// The file catalog entry of the event's file (lazy). @return std::nullopt when the event names none
    std::optional<FileCatalog> file_catalog() const;
};

// --- changeable models ----------------------------------------------------------------------------------------------

/// An application template (server 8.0+).
class AppTemplate : public EditableModel<AppTemplate> {
public:
    inline static const ModelInfo model_info = protection_model("AppTemplate", "appTemplate").since(version_8_0());
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_FIELD(std::string, name, "name")
};

/// A script rule (server 8.0+).
class ScriptRule : public EditableModel<ScriptRule> {
public:
    inline static const ModelInfo model_info = protection_model("ScriptRule", "scriptRule").since(version_8_0());
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_FIELD(std::string, name, "name")
    CBAPI_PROTECTION_FIELD(std::string, extensions, "extensions")
    CBAPI_PROTECTION_FIELD(std::string, interpreters, "interpreters")
};

/// A trusted directory (server 8.0+).
class TrustedDirectory : public EditableModel<TrustedDirectory> {
public:
    inline static const ModelInfo model_info =
        protection_model("TrustedDirectory", "trustedDirectory").since(version_8_0());
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_FIELD(std::string, name, "name")
    CBAPI_PROTECTION_FIELD(std::string, path, "path")
    CBAPI_PROTECTION_FIELD(long long, computer_id, "computerId")
    CBAPI_PROTECTION_FIELD(std::string, description, "description")
};

/// A policy (creatable since cbapi 1.3.0). Required: name.
class Policy : public EditableModel<Policy, true> {
public:
    inline static const ModelInfo model_info = protection_model("Policy", "policy").required({"name"});
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_FIELD(std::string, name, "name")
    CBAPI_PROTECTION_FIELD(std::string, description, "description")
    CBAPI_PROTECTION_FIELD(std::string, package_name, "packageName")
    CBAPI_PROTECTION_FIELD(long long, enforcement_level, "enforcementLevel")
    CBAPI_PROTECTION_FIELD(long long, disconnected_enforcement_level, "disconnectedEnforcementLevel")
    CBAPI_PROTECTION_FIELD(std::string, help_desk_url, "helpDeskUrl")
    CBAPI_PROTECTION_FIELD(std::string, image_url, "imageUrl")
    CBAPI_PROTECTION_GETTER(TimePoint, date_created, "dateCreated")
    CBAPI_PROTECTION_GETTER(long long, created_by_user_id, "createdByUserId")
    CBAPI_PROTECTION_GETTER(TimePoint, date_modified, "dateModified")
    CBAPI_PROTECTION_GETTER(long long, modified_by_user_id, "modifiedByUserId")
    CBAPI_PROTECTION_FIELD(bool, read_only, "readOnly")
    CBAPI_PROTECTION_FIELD(bool, hidden, "hidden")
    CBAPI_PROTECTION_FIELD(bool, automatic, "automatic")
    CBAPI_PROTECTION_FIELD(bool, load_agent_in_safe_mode, "loadAgentInSafeMode")
    CBAPI_PROTECTION_FIELD(bool, reputation_enabled, "reputationEnabled")
    CBAPI_PROTECTION_FIELD(bool, file_tracking_enabled, "fileTrackingEnabled")
    CBAPI_PROTECTION_FIELD(bool, custom_logo, "customLogo")
    CBAPI_PROTECTION_FIELD(bool, automatic_approvals_on_transition, "automaticApprovalsOnTransition")
    CBAPI_PROTECTION_FIELD(bool, allow_agent_upgrades, "allowAgentUpgrades")
    CBAPI_PROTECTION_GETTER(long long, total_computers, "totalComputers")
    CBAPI_PROTECTION_GETTER(long long, connected_computers, "connectedComputers")
    CBAPI_PROTECTION_GETTER(long long, at_enforcement_computers, "atEnforcementComputers")
    CBAPI_PROTECTION_GETTER(long long, cl_version_max, "clVersionMax")
};

/// A publisher (software vendor) seen in signed files.
class Publisher : public EditableModel<Publisher> {
public:
    inline static const ModelInfo model_info = protection_model("Publisher", "publisher");
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_FIELD(std::string, name, "name")
    CBAPI_PROTECTION_FIELD(std::string, description, "description")
    CBAPI_PROTECTION_FIELD(long long, publisher_state, "publisherState")
    CBAPI_PROTECTION_GETTER(long long, publisher_reputation, "publisherReputation")
    CBAPI_PROTECTION_FIELD(std::string, policy_ids, "policyIds")
    CBAPI_PROTECTION_GETTER(long long, signed_files_count, "signedFilesCount")
    CBAPI_PROTECTION_GETTER(TimePoint, date_created, "dateCreated")
};

/// A computer running the agent. cbapi-python has no field list for it, so only fields the server sent could be
/// changed there; here any field can be set.
class Computer : public EditableModel<Computer> {
public:
    inline static const ModelInfo model_info = protection_model("Computer", "computer");
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_FIELD(std::string, name, "name")
    CBAPI_PROTECTION_FIELD(std::string, computer_tag, "computerTag")
    CBAPI_PROTECTION_FIELD(std::string, description, "description")
    CBAPI_PROTECTION_FIELD(long long, policy_id, "policyId")
    CBAPI_PROTECTION_GETTER(long long, previous_policy_id, "previousPolicyId")
    CBAPI_PROTECTION_GETTER(std::string, policy_name, "policyName")
    CBAPI_PROTECTION_FIELD(bool, automatic_policy, "automaticPolicy")
    CBAPI_PROTECTION_FIELD(bool, local_approval, "localApproval")
    CBAPI_PROTECTION_GETTER(std::string, users, "users")
    CBAPI_PROTECTION_GETTER(std::string, ip_address, "ipAddress")
    CBAPI_PROTECTION_GETTER(std::string, mac_address, "macAddress")
    CBAPI_PROTECTION_GETTER(bool, connected, "connected")
    CBAPI_PROTECTION_GETTER(long long, enforcement_level, "enforcementLevel")
    CBAPI_PROTECTION_GETTER(long long, disconnected_enforcement_level, "disconnectedEnforcementLevel")
    CBAPI_PROTECTION_GETTER(TimePoint, last_register_date, "lastRegisterDate")
    CBAPI_PROTECTION_GETTER(TimePoint, last_poll_date, "lastPollDate")
    CBAPI_PROTECTION_GETTER(std::string, os_short_name, "osShortName")
    CBAPI_PROTECTION_GETTER(std::string, os_name, "osName")
    CBAPI_PROTECTION_GETTER(long long, platform_id, "platformId")
    CBAPI_PROTECTION_GETTER(std::string, agent_version, "agentVersion")
    CBAPI_PROTECTION_GETTER(long long, days_offline, "daysOffline")
    CBAPI_PROTECTION_GETTER(bool, uninstalled, "uninstalled")
    CBAPI_PROTECTION_GETTER(bool, deleted, "deleted")
    CBAPI_PROTECTION_GETTER(long long, processor_count, "processorCount")
    CBAPI_PROTECTION_GETTER(double, processor_speed, "processorSpeed")
    CBAPI_PROTECTION_GETTER(std::string, processor_model, "processorModel")
    CBAPI_PROTECTION_GETTER(long long, memory_size, "memorySize")
    CBAPI_PROTECTION_GETTER(bool, is_template, "template")
    CBAPI_PROTECTION_GETTER(long long, template_computer_id, "templateComputerId")
    CBAPI_PROTECTION_GETTER(std::string, cli_password, "CLIPassword")

    /// The computer's policy (lazy). @return std::nullopt when policyId is absent
    std::optional<Policy> policy() const { return join<Policy>("policyId"); }
    /// Moves the computer to another policy (sets `policyId`; save() sends it).
    /// @param policy_id the new policy's id @return this computer
    Computer& set_policy(long long policy_id) { return set_policy_id(policy_id); }
    /// The template this computer was cloned from (lazy). @return std::nullopt when it is not a clone
    std::optional<Computer> template_computer() const { return join<Computer>("templateComputerId"); }
    /// The file instances on this computer: a query `computerId:<id>`.
    /// @throws InvalidObjectError for a computer without id
    Query<FileInstance> file_instances() const;

    /// Resets the agent's CLI password and returns the new one: `PUT /computer/<id>?resetCLIPassword=true` with
    /// `{}`, then GET. (cbapi-python 1.3.2 sends no reset at all and reads a field that does not exist,
    /// `cliPassword`; fixed as in cbapi 1.3.6.)
    /// @return the new CLI password (`CLIPassword`)
    /// @throws InvalidObjectError for a computer without id; the request's exceptions
    std::string reset_cli_password() {
        if (id().empty()) throw InvalidObjectError("Cannot reset the CLI password of a " + describe());
        Headers headers;
        headers.set("Content-Type", "application/json");
        api()->connection.request(HttpMethod::put, model_info.path_for(document()), {{"resetCLIPassword", "true"}},
                                  "{}", std::move(headers));
        refresh();
        return get_or<std::string>("CLIPassword", get_or<std::string>("cliPassword", ""));
    }
};

/// A file catalog entry: one unique file (by hash) seen on any computer. Changeable since cbapi 1.2.0.
class FileCatalog : public EditableModel<FileCatalog> {
public:
    inline static const ModelInfo model_info = protection_model("FileCatalog", "fileCatalog");
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER(TimePoint, date_created, "dateCreated")
    CBAPI_PROTECTION_GETTER(std::string, path_name, "pathName")
    CBAPI_PROTECTION_GETTER(std::string, file_name, "fileName")
    CBAPI_PROTECTION_GETTER(std::string, file_extension, "fileExtension")
    CBAPI_PROTECTION_GETTER(long long, computer_id, "computerId")
    CBAPI_PROTECTION_GETTER(std::string, md5, "md5")
    CBAPI_PROTECTION_GETTER(std::string, sha1, "sha1")
    CBAPI_PROTECTION_GETTER(std::string, sha256, "sha256")
    CBAPI_PROTECTION_GETTER(long long, file_size, "fileSize")
    CBAPI_PROTECTION_GETTER(std::string, product_name, "productName")
    CBAPI_PROTECTION_GETTER(std::string, product_version, "productVersion")
    CBAPI_PROTECTION_GETTER(std::string, company, "company")
    CBAPI_PROTECTION_GETTER(long long, publisher_id, "publisherId")
    CBAPI_PROTECTION_GETTER(std::string, publisher_name, "publisherName")
    CBAPI_PROTECTION_GETTER(long long, certificate_id, "certificateId")
    CBAPI_PROTECTION_GETTER(long long, prevalence, "prevalence")
    CBAPI_PROTECTION_FIELD(long long, file_state, "fileState")
    CBAPI_PROTECTION_GETTER(long long, effective_state, "effectiveState")
    CBAPI_PROTECTION_GETTER(long long, threat, "threat")
    CBAPI_PROTECTION_GETTER(long long, trust, "trust")

    /// The computer the file was first seen on (lazy). @return std::nullopt when none
    std::optional<Computer> computer() const { return join<Computer>("computerId"); }
    /// The file's publisher (lazy). @return std::nullopt when unsigned
    std::optional<Publisher> publisher() const { return join<Publisher>("publisherId"); }
    /// The file's certificate (lazy). @return std::nullopt when unsigned
    std::optional<Certificate> certificate() const;
    /// The first non-empty of md5, sha1, sha256 (empty when none).
    std::string file_hash() const {
        return detail::first_hash(*this);
    }
};

/// A certificate seen in signed files.
class Certificate : public EditableModel<Certificate> {
public:
    static constexpr int StateUnapproved = 1;  ///< certificateState: unapproved
    static constexpr int StateApproved = 2;    ///< certificateState: approved
    static constexpr int StateBanned = 3;      ///< certificateState: banned
    static constexpr int StateMixed = 4;       ///< certificateState: mixed
    inline static const ModelInfo model_info = protection_model("Certificate", "certificate");
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER(std::string, subject_name, "subjectName")
    CBAPI_PROTECTION_GETTER(std::string, thumbprint, "thumbprint")
    CBAPI_PROTECTION_GETTER(std::string, serial_number, "serialNumber")
    CBAPI_PROTECTION_GETTER(TimePoint, valid_from, "validFrom")
    CBAPI_PROTECTION_GETTER(TimePoint, valid_to, "validTo")
    CBAPI_PROTECTION_GETTER(long long, parent_certificate_id, "parentCertificateId")
    CBAPI_PROTECTION_GETTER(long long, publisher_id, "publisherId")
    CBAPI_PROTECTION_GETTER(long long, first_seen_computer_id, "firstSeenComputerId")
    CBAPI_PROTECTION_FIELD(long long, certificate_state, "certificateState")
    CBAPI_PROTECTION_FIELD(std::string, description, "description")

    /// The issuing certificate (lazy). @return std::nullopt for a root
    std::optional<Certificate> parent() const { return join<Certificate>("parentCertificateId"); }
    /// The certificate's publisher (lazy). @return std::nullopt when none
    std::optional<Publisher> publisher() const { return join<Publisher>("publisherId"); }
    /// The computer it was first seen on (lazy). @return std::nullopt when none
    std::optional<Computer> first_seen_computer() const { return join<Computer>("firstSeenComputerId"); }
};

inline std::optional<Certificate> FileCatalog::certificate() const { return join<Certificate>("certificateId"); }
inline std::optional<FileCatalog> Event::file_catalog() const { return join<FileCatalog>("fileCatalogId"); }

/// One file on one computer. Updated with `POST /fileInstance/<id>` (e.g. `localState = 2` approves it locally).
class FileInstance : public EditableModel<FileInstance> {
public:
    static constexpr int LocalStateUnapproved = 1;  ///< localState: unapproved
    static constexpr int LocalStateApproved = 2;    ///< localState: approved locally
    static constexpr int LocalStateBanned = 3;      ///< localState: banned locally
    inline static const ModelInfo model_info =
        protection_model("FileInstance", "fileInstance").updated_with(HttpMethod::post);
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER(long long, file_catalog_id, "fileCatalogId")
    CBAPI_PROTECTION_GETTER(long long, file_instance_group_id, "fileInstanceGroupId")
    CBAPI_PROTECTION_GETTER(long long, computer_id, "computerId")
    CBAPI_PROTECTION_GETTER(long long, policy_id, "policyId")
    CBAPI_PROTECTION_GETTER(TimePoint, date_created, "dateCreated")
    CBAPI_PROTECTION_GETTER(std::string, file_name, "fileName")
    CBAPI_PROTECTION_GETTER(std::string, path_name, "pathName")
    CBAPI_PROTECTION_GETTER(bool, executed, "executed")
    CBAPI_PROTECTION_FIELD(long long, local_state, "localState")
    CBAPI_PROTECTION_GETTER(long long, detailed_local_state, "detailedLocalState")
    CBAPI_PROTECTION_GETTER(bool, top_level, "topLevel")

    /// The computer the file is on (lazy). @return std::nullopt when none
    std::optional<Computer> computer() const { return join<Computer>("computerId"); }
    /// The file's catalog entry (lazy). @return std::nullopt when none
    std::optional<FileCatalog> file_catalog() const { return join<FileCatalog>("fileCatalogId"); }
};

inline Query<FileInstance> Computer::file_instances() const { return related<FileInstance>("computerId"); }

/// A file rule: approves or bans a file by hash or name (creatable since cbapi 1.3.0). Required: name.
class FileRule : public EditableModel<FileRule, true> {
public:
    static constexpr int StateUnapproved = 1;                ///< fileState
    static constexpr int StateApproved = 2;                  ///< fileState
    static constexpr int StateBanned = 3;                    ///< fileState
    static constexpr int SourceTypeManual = 1;               ///< sourceType
    static constexpr int SourceTypeTrustedDirectory = 2;     ///< sourceType
    static constexpr int SourceTypeReputation = 3;           ///< sourceType
    static constexpr int SourceTypeImported = 4;             ///< sourceType
    static constexpr int SourceTypeExternal = 5;             ///< sourceType (API)
    static constexpr int SourceTypeEventRule = 6;            ///< sourceType
    static constexpr int SourceTypeApplicationTemplate = 7;  ///< sourceType
    static constexpr int SourceTypeUnifiedManagement = 8;    ///< sourceType
    static constexpr int PlatformWindows = 1;                ///< platformFlags bit
    static constexpr int PlatformMac = 2;                    ///< platformFlags bit
    static constexpr int PlatformLinux = 4;                  ///< platformFlags bit
    inline static const ModelInfo model_info = protection_model("FileRule", "fileRule").required({"name"});
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER(long long, file_catalog_id, "fileCatalogId")
    CBAPI_PROTECTION_FIELD(std::string, name, "name")
    CBAPI_PROTECTION_FIELD(std::string, description, "description")
    CBAPI_PROTECTION_FIELD(long long, file_state, "fileState")
    CBAPI_PROTECTION_GETTER(long long, source_type, "sourceType")
    CBAPI_PROTECTION_GETTER(long long, source_id, "sourceId")
    CBAPI_PROTECTION_FIELD(bool, report_only, "reportOnly")
    CBAPI_PROTECTION_FIELD(bool, reputation_approvals_enabled, "reputationApprovalsEnabled")
    CBAPI_PROTECTION_FIELD(bool, force_installer, "forceInstaller")
    CBAPI_PROTECTION_FIELD(bool, force_not_installer, "forceNotInstaller")
    CBAPI_PROTECTION_FIELD(std::string, policy_ids, "policyIds")
    CBAPI_PROTECTION_FIELD(std::string, hash, "hash")
    CBAPI_PROTECTION_FIELD(std::string, file_name, "fileName")
    CBAPI_PROTECTION_FIELD(bool, lazy_approval, "lazyApproval")
    CBAPI_PROTECTION_FIELD(long long, platform_flags, "platformFlags")
    CBAPI_PROTECTION_GETTER(TimePoint, date_created, "dateCreated")
    CBAPI_PROTECTION_GETTER(std::string, created_by, "createdBy")
    CBAPI_PROTECTION_GETTER(std::string, created_by_user_id, "createdByUserId")
    CBAPI_PROTECTION_GETTER(TimePoint, date_modified, "dateModified")
    CBAPI_PROTECTION_GETTER(std::string, modified_by, "modifiedBy")
    CBAPI_PROTECTION_GETTER(long long, modified_by_user_id, "modifiedByUserId")
    CBAPI_PROTECTION_GETTER(long long, cl_version, "clVersion")
    CBAPI_PROTECTION_GETTER(std::string, id_unique, "idUnique")
    CBAPI_PROTECTION_GETTER(std::string, orig_id_unique, "origIdUnique")
    CBAPI_PROTECTION_GETTER(long long, unified_flag, "unifiedFlag")
    CBAPI_PROTECTION_GETTER(std::string, unified_source, "unifiedSource")
    CBAPI_PROTECTION_GETTER(std::string, file_rule_type, "fileRuleType")
    CBAPI_PROTECTION_GETTER(long long, version, "version")
    CBAPI_PROTECTION_GETTER(bool, visible, "visible")

    /// The catalog entry of the file (lazy). @return std::nullopt when the file was not seen yet
    std::optional<FileCatalog> file_catalog() const { return join<FileCatalog>("fileCatalogId"); }
    /// The user who created the rule (lazy; a User needs server 8.0).
    /// @return std::nullopt when unknown
    /// @throws ApiError on a server older than 8.0
    std::optional<User> created_by_user() const;
};

/// An approval request submitted by a user from an agent.
class ApprovalRequest : public EditableModel<ApprovalRequest> {
public:
    static constexpr int ResolutionNotResolved = 0;  ///< resolution
    static constexpr int ResolutionRejected = 1;     ///< resolution
    static constexpr int ResolutionApproved = 2;     ///< resolution
    static constexpr int ResolutionRuleChange = 3;   ///< resolution
    static constexpr int ResolutionInstaller = 4;    ///< resolution
    static constexpr int ResolutionUpdater = 5;      ///< resolution
    static constexpr int ResolutionPublisher = 6;    ///< resolution
    static constexpr int ResolutionOther = 7;        ///< resolution
    static constexpr int StatusSubmitted = 1;        ///< status
    static constexpr int StatusOpen = 2;             ///< status
    static constexpr int StatusClosed = 3;           ///< status
    inline static const ModelInfo model_info = protection_model("ApprovalRequest", "approvalRequest");
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER(long long, file_catalog_id, "fileCatalogId")
    CBAPI_PROTECTION_GETTER(long long, installer_file_catalog_id, "installerFileCatalogId")
    CBAPI_PROTECTION_GETTER(long long, process_file_catalog_id, "processFileCatalogId")
    CBAPI_PROTECTION_GETTER(long long, computer_id, "computerId")
    CBAPI_PROTECTION_GETTER(std::string, computer_name, "computerName")
    CBAPI_PROTECTION_GETTER(TimePoint, date_created, "dateCreated")
    CBAPI_PROTECTION_GETTER(std::string, requestor_comments, "requestorComments")
    CBAPI_PROTECTION_FIELD(long long, resolution, "resolution")
    CBAPI_PROTECTION_FIELD(long long, status, "status")
    CBAPI_PROTECTION_FIELD(std::string, resolution_comments, "resolutionComments")

    /// The catalog entry of the requested file (lazy). @return std::nullopt when none
    std::optional<FileCatalog> file_catalog() const { return join<FileCatalog>("fileCatalogId"); }
    /// The installer's catalog entry (lazy). @return std::nullopt when none
    std::optional<FileCatalog> installer_file_catalog() const { return join<FileCatalog>("installerFileCatalogId"); }
    /// The process's catalog entry (lazy). @return std::nullopt when none
    std::optional<FileCatalog> process_file_catalog() const { return join<FileCatalog>("processFileCatalogId"); }
    /// The requesting computer (lazy). @return std::nullopt when none
    std::optional<Computer> computer() const { return join<Computer>("computerId"); }
};

/// A file analysis request.
class FileAnalysis : public EditableModel<FileAnalysis> {
public:
    inline static const ModelInfo model_info = protection_model("FileAnalysis", "fileAnalysis");
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER(long long, computer_id, "computerId")
    CBAPI_PROTECTION_GETTER(long long, file_catalog_id, "fileCatalogId")
    CBAPI_PROTECTION_GETTER(long long, connector_id, "connectorId")
    CBAPI_PROTECTION_GETTER(std::string, file_name, "fileName")
    CBAPI_PROTECTION_FIELD(long long, analysis_status, "analysisStatus")
    CBAPI_PROTECTION_FIELD(long long, analysis_result, "analysisResult")
};

/// A file upload request (the agent uploads a file to the server).
class FileUpload : public EditableModel<FileUpload> {
public:
    inline static const ModelInfo model_info = protection_model("FileUpload", "fileUpload");
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER(long long, computer_id, "computerId")
    CBAPI_PROTECTION_GETTER(long long, file_catalog_id, "fileCatalogId")
    CBAPI_PROTECTION_GETTER(std::string, file_name, "fileName")
    CBAPI_PROTECTION_FIELD(long long, upload_status, "uploadStatus")
    /// The uploaded file: `GET /fileUpload/<id>?downloadFile=true`.
    /// @return the raw reply (a ZIP archive holding the file, on a real server)
    /// @throws InvalidObjectError for an upload without id; the request's exceptions
    std::string file_zip() const { return download(); }
};

/// A software updater rule.
class Updater : public EditableModel<Updater> {
public:
    inline static const ModelInfo model_info = protection_model("Updater", "updater");
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER(std::string, name, "name")
    CBAPI_PROTECTION_GETTER(std::string, version, "version")
    CBAPI_PROTECTION_GETTER(long long, platform_flags, "platformFlags")
    CBAPI_PROTECTION_FIELD(bool, enabled, "enabled")
};

/// A notification an analysis connector sends about a file (creatable). Required: analysisResult, fileAnalysisId.
class Notification : public EditableModel<Notification, true> {
public:
    static constexpr int ResultNotAvailable = 0;     ///< analysisResult
    static constexpr int ResultClean = 1;            ///< analysisResult
    static constexpr int ResultPotentialThreat = 2;  ///< analysisResult
    static constexpr int ResultMalicious = 3;        ///< analysisResult
    inline static const ModelInfo model_info =
        protection_model("Notification", "notification").required({"analysisResult", "fileAnalysisId"});
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_FIELD(long long, connector_id, "connectorId")
    CBAPI_PROTECTION_GETTER(TimePoint, time, "time")
    CBAPI_PROTECTION_FIELD(long long, analysis_result, "analysisResult")
    CBAPI_PROTECTION_FIELD(long long, file_analysis_id, "fileAnalysisId")
    CBAPI_PROTECTION_FIELD(std::string, file_name, "fileName")
    CBAPI_PROTECTION_FIELD(std::string, md5, "md5")
    CBAPI_PROTECTION_FIELD(std::string, sha1, "sha1")
    CBAPI_PROTECTION_FIELD(std::string, sha256, "sha256")
    CBAPI_PROTECTION_FIELD(std::string, malware_name, "malwareName")
    CBAPI_PROTECTION_FIELD(std::string, malware_type, "malwareType")
    CBAPI_PROTECTION_FIELD(std::string, external_url, "externalUrl")
    CBAPI_PROTECTION_FIELD(std::string, external_id, "externalId")
    CBAPI_PROTECTION_FIELD(std::string, severity, "severity")
    CBAPI_PROTECTION_FIELD(std::string, type, "type")
    CBAPI_PROTECTION_FIELD(std::string, product, "product")
    CBAPI_PROTECTION_FIELD(std::string, version, "version")
    CBAPI_PROTECTION_FIELD(std::string, status, "status")
    CBAPI_PROTECTION_FIELD(long long, flags, "flags")
    CBAPI_PROTECTION_FIELD(nlohmann::json, files, "files")
    CBAPI_PROTECTION_FIELD(nlohmann::json, reg_keys, "regKeys")
    CBAPI_PROTECTION_FIELD(nlohmann::json, directories, "directories")
};

/// A file waiting for analysis by a connector.
class PendingAnalysis : public EditableModel<PendingAnalysis> {
public:
    static constexpr int StatusScheduled = 0;        ///< analysisStatus
    static constexpr int StatusSubmitted = 1;        ///< analysisStatus
    static constexpr int StatusProcessed = 2;        ///< analysisStatus
    static constexpr int StatusAnalyzed = 3;         ///< analysisStatus
    static constexpr int StatusError = 4;            ///< analysisStatus
    static constexpr int StatusCancelled = 5;        ///< analysisStatus
    static constexpr int ResultNotAvailable = 0;     ///< analysisResult
    static constexpr int ResultClean = 1;            ///< analysisResult
    static constexpr int ResultPotentialThreat = 2;  ///< analysisResult
    static constexpr int ResultMalicious = 3;        ///< analysisResult
    inline static const ModelInfo model_info = protection_model("PendingAnalysis", "pendingAnalysis");
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER(long long, file_catalog_id, "fileCatalogId")
    CBAPI_PROTECTION_GETTER(long long, connector_id, "connectorId")
    CBAPI_PROTECTION_GETTER(long long, computer_id, "computerId")
    CBAPI_PROTECTION_GETTER(std::string, file_name, "fileName")
    CBAPI_PROTECTION_GETTER(std::string, path_name, "pathName")
    CBAPI_PROTECTION_GETTER(std::string, md5, "md5")
    CBAPI_PROTECTION_GETTER(std::string, sha1, "sha1")
    CBAPI_PROTECTION_GETTER(std::string, sha256, "sha256")
    CBAPI_PROTECTION_GETTER(bool, uploaded, "uploaded")
    CBAPI_PROTECTION_FIELD(long long, analysis_status, "analysisStatus")
    CBAPI_PROTECTION_FIELD(long long, analysis_result, "analysisResult")
    CBAPI_PROTECTION_FIELD(std::string, analysis_error, "analysisError")

    /// The catalog entry of the file (lazy). @return std::nullopt when none
    std::optional<FileCatalog> file_catalog() const { return join<FileCatalog>("fileCatalogId"); }
    /// The first non-empty of md5, sha1, sha256 (empty when none).
    std::string file_hash() const {
        return detail::first_hash(*this);
    }
    /// The file: `GET /pendingAnalysis/<id>?downloadFile=true`.
    /// @return the raw reply (a ZIP archive holding the file, on a real server)
    std::string file_zip() const { return download(); }
    /// A new, unsaved Notification about this analysis (`fileAnalysisId` set to this id); save() sends it.
    /// @param data initial fields (e.g. analysisResult, malwareName)
    /// @return the notification
    /// @throws InvalidObjectError for an analysis without id
    Notification create_notification(const nlohmann::json& data = nlohmann::json::object()) const {
        if (id().empty()) throw InvalidObjectError("Cannot notify about a " + describe());
        Notification n(api(), nlohmann::json::object(), true);
        if (data.is_object())
            for (const auto& [k, v] : data.items()) n.set(k, v);
        n.set("fileAnalysisId", document().at("id"));
        return n;
    }
};

/// An analysis connector (creatable). Required: name, analysisName, connectorVersion, canAnalyze, enabled,
/// analysisEnabled.
class Connector : public EditableModel<Connector, true> {
public:
    inline static const ModelInfo model_info =
        protection_model("Connector", "connector")
            .required({"name", "analysisName", "connectorVersion", "canAnalyze", "enabled", "analysisEnabled"});
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_FIELD(std::string, name, "name")
    CBAPI_PROTECTION_FIELD(std::string, analysis_name, "analysisName")
    CBAPI_PROTECTION_FIELD(std::string, connector_version, "connectorVersion")
    CBAPI_PROTECTION_FIELD(bool, can_analyze, "canAnalyze")
    CBAPI_PROTECTION_FIELD(bool, enabled, "enabled")
    CBAPI_PROTECTION_FIELD(bool, analysis_enabled, "analysisEnabled")
    CBAPI_PROTECTION_GETTER(bool, is_internal, "isInternal")
    CBAPI_PROTECTION_FIELD(nlohmann::json, analysis_targets, "analysisTargets")

    /// The files waiting for this connector: a query `connectorId:<id>`.
    /// @throws InvalidObjectError for a connector without id
    Query<PendingAnalysis> pending_analyses() const { return related<PendingAnalysis>("connectorId"); }
};

/// A trusted user (server 8.0+, creatable). Required: name, userSid, description, platformId.
class TrustedUser : public EditableModel<TrustedUser, true> {
public:
    inline static const ModelInfo model_info = protection_model("TrustedUser", "trustedUser")
                                                   .required({"name", "userSid", "description", "platformId"})
                                                   .since(version_8_0());
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_FIELD(std::string, name, "name")
    CBAPI_PROTECTION_FIELD(std::string, user_sid, "userSid")
    CBAPI_PROTECTION_FIELD(std::string, description, "description")
    CBAPI_PROTECTION_FIELD(long long, platform_id, "platformId")
    CBAPI_PROTECTION_GETTER(TimePoint, date_created, "dateCreated")
    CBAPI_PROTECTION_GETTER(long long, created_by_user_id, "createdByUserId")
    CBAPI_PROTECTION_GETTER(std::string, created_by, "createdBy")
    CBAPI_PROTECTION_GETTER(TimePoint, date_modified, "dateModified")
    CBAPI_PROTECTION_GETTER(long long, cl_version, "clVersion")
};

/// A console user (server 8.0+, creatable). Required: name.
class User : public EditableModel<User, true> {
public:
    inline static const ModelInfo model_info = protection_model("User", "user").required({"name"}).since(version_8_0());
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_FIELD(std::string, name, "name")
    CBAPI_PROTECTION_FIELD(std::string, user_group_ids, "userGroupIds")
    CBAPI_PROTECTION_FIELD(std::string, email_address, "eMailAddress")
    CBAPI_PROTECTION_FIELD(std::string, first_name, "firstName")
    CBAPI_PROTECTION_FIELD(std::string, last_name, "lastName")
    CBAPI_PROTECTION_FIELD(std::string, title, "title")
    CBAPI_PROTECTION_FIELD(std::string, department, "department")
    CBAPI_PROTECTION_FIELD(std::string, comments, "comments")
    CBAPI_PROTECTION_GETTER(TimePoint, registration_date, "registrationDate")
    CBAPI_PROTECTION_GETTER(bool, read_only, "readOnly")
    CBAPI_PROTECTION_GETTER(bool, external, "external")
    CBAPI_PROTECTION_FIELD(bool, enabled, "enabled")
    CBAPI_PROTECTION_GETTER(std::string, api_token, "apiToken")
};

inline std::optional<User> FileRule::created_by_user() const { return join<User>("createdByUserId"); }

/// A group of console users (server 8.0+, creatable). Required: name.
class UserGroup : public EditableModel<UserGroup, true> {
public:
    inline static const ModelInfo model_info =
        protection_model("UserGroup", "userGroup").required({"name"}).since(version_8_0());
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_FIELD(std::string, name, "name")
    CBAPI_PROTECTION_FIELD(std::string, description, "description")
    CBAPI_PROTECTION_FIELD(std::string, permissions, "permissions")
    CBAPI_PROTECTION_FIELD(std::string, policy_ids, "policyIds")
    CBAPI_PROTECTION_FIELD(bool, enabled, "enabled")
    CBAPI_PROTECTION_GETTER(bool, editable, "editable")
    CBAPI_PROTECTION_GETTER(TimePoint, date_created, "dateCreated")
    CBAPI_PROTECTION_GETTER(long long, automatic_count, "automaticCount")
    CBAPI_PROTECTION_GETTER(long long, manual_count, "manualCount")
};

}  // namespace cbapi::protection
