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

#include "cbapi/fwd.hpp"

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/model.hpp"
#include "cbapi/protection/model_base.hpp"
#include "cbapi/protection/query.hpp"
#include "cbapi/time.hpp"

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
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER_DECL(std::string, name, "name")
};

/// A drift report (server 8.0+).
class DriftReport : public ReadOnlyModel<DriftReport> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER_DECL(std::string, name, "name")
};

/// The contents of a drift report (server 8.0+).
class DriftReportContents : public ReadOnlyModel<DriftReportContents> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER_DECL(long long, report_id, "reportId")
};

/// A policy permission granted to a user (server 8.0+).
class GrantedUserPolicyPermission : public ReadOnlyModel<GrantedUserPolicyPermission> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER_DECL(long long, user_id, "userId")
    CBAPI_PROTECTION_GETTER_DECL(long long, policy_id, "policyId")
};

/// A certificate as related to a publisher (server 8.0+).
class PublisherCertificate : public ReadOnlyModel<PublisherCertificate> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER_DECL(long long, publisher_id, "publisherId")
    CBAPI_PROTECTION_GETTER_DECL(long long, certificate_id, "certificateId")
};

// --- older read-only models ----------------------------------------------------------------------------------------

/// A file instance that was deleted.
class FileInstanceDeleted : public ReadOnlyModel<FileInstanceDeleted> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER_DECL(long long, computer_id, "computerId")
    CBAPI_PROTECTION_GETTER_DECL(long long, file_catalog_id, "fileCatalogId")
    CBAPI_PROTECTION_GETTER_DECL(std::string, file_name, "fileName")
};

/// A group of file instances (e.g. one installation).
class FileInstanceGroup : public ReadOnlyModel<FileInstanceGroup> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER_DECL(long long, computer_id, "computerId")
    CBAPI_PROTECTION_GETTER_DECL(std::string, file_name, "fileName")
};

/// An internal server event. cbapi-python 1.3.2 points this model at `/fileInstance` (a copy-paste bug); it lives
/// at `/internalEvent`.
class InternalEvent : public ReadOnlyModel<InternalEvent> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER_DECL(std::string, description, "description")
    CBAPI_PROTECTION_GETTER_DECL(TimePoint, timestamp, "timestamp")
};

/// A metered execution record.
class MeteredExecution : public ReadOnlyModel<MeteredExecution> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER_DECL(long long, computer_id, "computerId")
    CBAPI_PROTECTION_GETTER_DECL(std::string, file_name, "fileName")
};

/// A notifier (e-mail/syslog alert definition).
class Notifier : public ReadOnlyModel<Notifier> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER_DECL(std::string, name, "name")
};

/// One server configuration entry (name/value); CbProtectionAPI::info() holds them all.
class ServerConfig : public ReadOnlyModel<ServerConfig> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER_DECL(std::string, name, "name")
    CBAPI_PROTECTION_GETTER_DECL(std::string, value, "value")
};

/// Server performance counters.
class ServerPerformance : public ReadOnlyModel<ServerPerformance> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
};

/// An event (`/event`): what agents and the server report.
class Event : public ReadOnlyModel<Event> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER_DECL(TimePoint, timestamp, "timestamp")
    CBAPI_PROTECTION_GETTER_DECL(TimePoint, received_timestamp, "receivedTimestamp")
    CBAPI_PROTECTION_GETTER_DECL(std::string, description, "description")
    CBAPI_PROTECTION_GETTER_DECL(long long, type, "type")
    CBAPI_PROTECTION_GETTER_DECL(long long, subtype, "subtype")
    CBAPI_PROTECTION_GETTER_DECL(std::string, subtype_name, "subtypeName")
    CBAPI_PROTECTION_GETTER_DECL(long long, severity, "severity")
    CBAPI_PROTECTION_GETTER_DECL(long long, computer_id, "computerId")
    CBAPI_PROTECTION_GETTER_DECL(std::string, computer_name, "computerName")
    CBAPI_PROTECTION_GETTER_DECL(long long, policy_id, "policyId")
    CBAPI_PROTECTION_GETTER_DECL(long long, file_catalog_id, "fileCatalogId")
    CBAPI_PROTECTION_GETTER_DECL(std::string, file_name, "fileName")
    CBAPI_PROTECTION_GETTER_DECL(std::string, path_name, "pathName")
    CBAPI_PROTECTION_GETTER_DECL(std::string, user_name, "userName")
    /// The file catalog entry of the event's file (lazy). @return std::nullopt when the event names none
    std::optional<FileCatalog> file_catalog() const;
};

// --- changeable models ----------------------------------------------------------------------------------------------

/// An application template (server 8.0+).
class AppTemplate : public EditableModel<AppTemplate> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_FIELD_DECL(std::string, name, "name")
};

/// A script rule (server 8.0+).
class ScriptRule : public EditableModel<ScriptRule> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_FIELD_DECL(std::string, name, "name")
    CBAPI_PROTECTION_FIELD_DECL(std::string, extensions, "extensions")
    CBAPI_PROTECTION_FIELD_DECL(std::string, interpreters, "interpreters")
};

/// A trusted directory (server 8.0+).
class TrustedDirectory : public EditableModel<TrustedDirectory> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_FIELD_DECL(std::string, name, "name")
    CBAPI_PROTECTION_FIELD_DECL(std::string, path, "path")
    CBAPI_PROTECTION_FIELD_DECL(long long, computer_id, "computerId")
    CBAPI_PROTECTION_FIELD_DECL(std::string, description, "description")
};

/// A policy (creatable since cbapi 1.3.0). Required: name.
class Policy : public EditableModel<Policy, true> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_FIELD_DECL(std::string, name, "name")
    CBAPI_PROTECTION_FIELD_DECL(std::string, description, "description")
    CBAPI_PROTECTION_FIELD_DECL(std::string, package_name, "packageName")
    CBAPI_PROTECTION_FIELD_DECL(long long, enforcement_level, "enforcementLevel")
    CBAPI_PROTECTION_FIELD_DECL(long long, disconnected_enforcement_level, "disconnectedEnforcementLevel")
    CBAPI_PROTECTION_FIELD_DECL(std::string, help_desk_url, "helpDeskUrl")
    CBAPI_PROTECTION_FIELD_DECL(std::string, image_url, "imageUrl")
    CBAPI_PROTECTION_GETTER_DECL(TimePoint, date_created, "dateCreated")
    CBAPI_PROTECTION_GETTER_DECL(long long, created_by_user_id, "createdByUserId")
    CBAPI_PROTECTION_GETTER_DECL(TimePoint, date_modified, "dateModified")
    CBAPI_PROTECTION_GETTER_DECL(long long, modified_by_user_id, "modifiedByUserId")
    CBAPI_PROTECTION_FIELD_DECL(bool, read_only, "readOnly")
    CBAPI_PROTECTION_FIELD_DECL(bool, hidden, "hidden")
    CBAPI_PROTECTION_FIELD_DECL(bool, automatic, "automatic")
    CBAPI_PROTECTION_FIELD_DECL(bool, load_agent_in_safe_mode, "loadAgentInSafeMode")
    CBAPI_PROTECTION_FIELD_DECL(bool, reputation_enabled, "reputationEnabled")
    CBAPI_PROTECTION_FIELD_DECL(bool, file_tracking_enabled, "fileTrackingEnabled")
    CBAPI_PROTECTION_FIELD_DECL(bool, custom_logo, "customLogo")
    CBAPI_PROTECTION_FIELD_DECL(bool, automatic_approvals_on_transition, "automaticApprovalsOnTransition")
    CBAPI_PROTECTION_FIELD_DECL(bool, allow_agent_upgrades, "allowAgentUpgrades")
    CBAPI_PROTECTION_GETTER_DECL(long long, total_computers, "totalComputers")
    CBAPI_PROTECTION_GETTER_DECL(long long, connected_computers, "connectedComputers")
    CBAPI_PROTECTION_GETTER_DECL(long long, at_enforcement_computers, "atEnforcementComputers")
    CBAPI_PROTECTION_GETTER_DECL(long long, cl_version_max, "clVersionMax")
};

/// A publisher (software vendor) seen in signed files.
class Publisher : public EditableModel<Publisher> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_FIELD_DECL(std::string, name, "name")
    CBAPI_PROTECTION_FIELD_DECL(std::string, description, "description")
    CBAPI_PROTECTION_FIELD_DECL(long long, publisher_state, "publisherState")
    CBAPI_PROTECTION_GETTER_DECL(long long, publisher_reputation, "publisherReputation")
    CBAPI_PROTECTION_FIELD_DECL(std::string, policy_ids, "policyIds")
    CBAPI_PROTECTION_GETTER_DECL(long long, signed_files_count, "signedFilesCount")
    CBAPI_PROTECTION_GETTER_DECL(TimePoint, date_created, "dateCreated")
};

/// A computer running the agent. cbapi-python has no field list for it, so only fields the server sent could be
/// changed there; here any field can be set. Diagnostics, template and tamper protection changes are sent with the
/// query flags the server needs (save_path()).
class Computer : public EditableModel<Computer> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_FIELD_DECL(std::string, name, "name")
    CBAPI_PROTECTION_FIELD_DECL(std::string, computer_tag, "computerTag")
    CBAPI_PROTECTION_FIELD_DECL(std::string, description, "description")
    CBAPI_PROTECTION_FIELD_DECL(long long, policy_id, "policyId")
    CBAPI_PROTECTION_GETTER_DECL(long long, previous_policy_id, "previousPolicyId")
    CBAPI_PROTECTION_GETTER_DECL(std::string, policy_name, "policyName")
    CBAPI_PROTECTION_FIELD_DECL(bool, automatic_policy, "automaticPolicy")
    CBAPI_PROTECTION_FIELD_DECL(bool, local_approval, "localApproval")
    CBAPI_PROTECTION_GETTER_DECL(std::string, users, "users")
    CBAPI_PROTECTION_GETTER_DECL(std::string, ip_address, "ipAddress")
    CBAPI_PROTECTION_GETTER_DECL(std::string, mac_address, "macAddress")
    CBAPI_PROTECTION_GETTER_DECL(bool, connected, "connected")
    CBAPI_PROTECTION_GETTER_DECL(long long, enforcement_level, "enforcementLevel")
    CBAPI_PROTECTION_GETTER_DECL(long long, disconnected_enforcement_level, "disconnectedEnforcementLevel")
    CBAPI_PROTECTION_GETTER_DECL(TimePoint, last_register_date, "lastRegisterDate")
    CBAPI_PROTECTION_GETTER_DECL(TimePoint, last_poll_date, "lastPollDate")
    CBAPI_PROTECTION_GETTER_DECL(std::string, os_short_name, "osShortName")
    CBAPI_PROTECTION_GETTER_DECL(std::string, os_name, "osName")
    CBAPI_PROTECTION_GETTER_DECL(long long, platform_id, "platformId")
    CBAPI_PROTECTION_GETTER_DECL(std::string, agent_version, "agentVersion")
    CBAPI_PROTECTION_GETTER_DECL(long long, days_offline, "daysOffline")
    CBAPI_PROTECTION_GETTER_DECL(bool, uninstalled, "uninstalled")
    CBAPI_PROTECTION_GETTER_DECL(bool, deleted, "deleted")
    CBAPI_PROTECTION_GETTER_DECL(long long, processor_count, "processorCount")
    CBAPI_PROTECTION_GETTER_DECL(double, processor_speed, "processorSpeed")
    CBAPI_PROTECTION_GETTER_DECL(std::string, processor_model, "processorModel")
    CBAPI_PROTECTION_GETTER_DECL(long long, memory_size, "memorySize")
    CBAPI_PROTECTION_GETTER_DECL(bool, is_template, "template")
    CBAPI_PROTECTION_GETTER_DECL(long long, template_computer_id, "templateComputerId")
    CBAPI_PROTECTION_GETTER_DECL(std::string, cli_password, "CLIPassword")

    /// The computer's policy (lazy). @return std::nullopt when policyId is absent
    std::optional<Policy> policy() const;
    /// Moves the computer to another policy (sets `policyId`; save() sends it).
    /// @param policy_id the new policy's id @return this computer
    Computer& set_policy(long long policy_id);
    /// The template this computer was cloned from (lazy). @return std::nullopt when it is not a clone
    std::optional<Computer> template_computer() const;
    /// The file instances on this computer: a query `computerId:<id>`.
    /// @throws InvalidObjectError for a computer without id
    Query<FileInstance> file_instances() const;

    /// Turns tamper protection on or off (sets `tamperProtectionActive`; save() sends it with
    /// `?newTamperProtectionActive=true|false`, cbapi-python 1.3.5).
    /// @param on whether tamper protection should be active @return this computer
    Computer& set_tamper_protection(bool on);

    /// Resets the agent's CLI password and returns the new one: `PUT /computer/<id>?resetCLIPassword=true` with
    /// `{}`, then GET. (cbapi-python 1.3.2 sends no reset at all and reads a field that does not exist,
    /// `cliPassword`; fixed as in cbapi 1.3.6.)
    /// @return the new CLI password (`CLIPassword`)
    /// @throws InvalidObjectError for a computer without id; the request's exceptions
    std::string reset_cli_password();

protected:
    /// The computer's URL, with the flags the server needs to apply some changes (cbapi-python 1.3.3/1.3.5): a
    /// change of `debugLevel`, `kernelDebugLevel`, `debugFlags`, `debugDuration`, `ccLevel` or `ccFlags` adds
    /// `changeDiagnostics=true`; of `template`, `templateCloneCleanupMode`, `templateCloneCleanupTime`,
    /// `templateCloneCleanupTimeScale` or `templateTrackModsOnly` adds `changeTemplate=true`; of
    /// `tamperProtectionActive` adds `newTamperProtectionActive=true|false`. Without them the server ignores those
    /// changes.
    std::string save_path(bool create) const override;
};

/// A file catalog entry: one unique file (by hash) seen on any computer. Changeable since cbapi 1.2.0.
class FileCatalog : public EditableModel<FileCatalog> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER_DECL(TimePoint, date_created, "dateCreated")
    CBAPI_PROTECTION_GETTER_DECL(std::string, path_name, "pathName")
    CBAPI_PROTECTION_GETTER_DECL(std::string, file_name, "fileName")
    CBAPI_PROTECTION_GETTER_DECL(std::string, file_extension, "fileExtension")
    CBAPI_PROTECTION_GETTER_DECL(long long, computer_id, "computerId")
    CBAPI_PROTECTION_GETTER_DECL(std::string, md5, "md5")
    CBAPI_PROTECTION_GETTER_DECL(std::string, sha1, "sha1")
    CBAPI_PROTECTION_GETTER_DECL(std::string, sha256, "sha256")
    CBAPI_PROTECTION_GETTER_DECL(long long, file_size, "fileSize")
    CBAPI_PROTECTION_GETTER_DECL(std::string, product_name, "productName")
    CBAPI_PROTECTION_GETTER_DECL(std::string, product_version, "productVersion")
    CBAPI_PROTECTION_GETTER_DECL(std::string, company, "company")
    CBAPI_PROTECTION_GETTER_DECL(long long, publisher_id, "publisherId")
    CBAPI_PROTECTION_GETTER_DECL(std::string, publisher_name, "publisherName")
    CBAPI_PROTECTION_GETTER_DECL(long long, certificate_id, "certificateId")
    CBAPI_PROTECTION_GETTER_DECL(long long, prevalence, "prevalence")
    CBAPI_PROTECTION_FIELD_DECL(long long, file_state, "fileState")
    CBAPI_PROTECTION_GETTER_DECL(long long, effective_state, "effectiveState")
    CBAPI_PROTECTION_GETTER_DECL(long long, threat, "threat")
    CBAPI_PROTECTION_GETTER_DECL(long long, trust, "trust")

    /// The computer the file was first seen on (lazy). @return std::nullopt when none
    std::optional<Computer> computer() const;
    /// The file's publisher (lazy). @return std::nullopt when unsigned
    std::optional<Publisher> publisher() const;
    /// The file's certificate (lazy). @return std::nullopt when unsigned
    std::optional<Certificate> certificate() const;
    /// The first non-empty of md5, sha1, sha256 (empty when none).
    std::string file_hash() const;
};

/// A certificate seen in signed files.
class Certificate : public EditableModel<Certificate> {
public:
    static constexpr int StateUnapproved = 1;  ///< certificateState: unapproved
    static constexpr int StateApproved = 2;    ///< certificateState: approved
    static constexpr int StateBanned = 3;      ///< certificateState: banned
    static constexpr int StateMixed = 4;       ///< certificateState: mixed
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER_DECL(std::string, subject_name, "subjectName")
    CBAPI_PROTECTION_GETTER_DECL(std::string, thumbprint, "thumbprint")
    CBAPI_PROTECTION_GETTER_DECL(std::string, serial_number, "serialNumber")
    CBAPI_PROTECTION_GETTER_DECL(TimePoint, valid_from, "validFrom")
    CBAPI_PROTECTION_GETTER_DECL(TimePoint, valid_to, "validTo")
    CBAPI_PROTECTION_GETTER_DECL(long long, parent_certificate_id, "parentCertificateId")
    CBAPI_PROTECTION_GETTER_DECL(long long, publisher_id, "publisherId")
    CBAPI_PROTECTION_GETTER_DECL(long long, first_seen_computer_id, "firstSeenComputerId")
    CBAPI_PROTECTION_FIELD_DECL(long long, certificate_state, "certificateState")
    CBAPI_PROTECTION_FIELD_DECL(std::string, description, "description")

    /// The issuing certificate (lazy). @return std::nullopt for a root
    std::optional<Certificate> parent() const;
    /// The certificate's publisher (lazy). @return std::nullopt when none
    std::optional<Publisher> publisher() const;
    /// The computer it was first seen on (lazy). @return std::nullopt when none
    std::optional<Computer> first_seen_computer() const;
};

/// One file on one computer. Updated with `POST /fileInstance/<id>` (e.g. `localState = 2` approves it locally).
class FileInstance : public EditableModel<FileInstance> {
public:
    static constexpr int LocalStateUnapproved = 1;  ///< localState: unapproved
    static constexpr int LocalStateApproved = 2;    ///< localState: approved locally
    static constexpr int LocalStateBanned = 3;      ///< localState: banned locally
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER_DECL(long long, file_catalog_id, "fileCatalogId")
    CBAPI_PROTECTION_GETTER_DECL(long long, file_instance_group_id, "fileInstanceGroupId")
    CBAPI_PROTECTION_GETTER_DECL(long long, computer_id, "computerId")
    CBAPI_PROTECTION_GETTER_DECL(long long, policy_id, "policyId")
    CBAPI_PROTECTION_GETTER_DECL(TimePoint, date_created, "dateCreated")
    CBAPI_PROTECTION_GETTER_DECL(std::string, file_name, "fileName")
    CBAPI_PROTECTION_GETTER_DECL(std::string, path_name, "pathName")
    CBAPI_PROTECTION_GETTER_DECL(bool, executed, "executed")
    CBAPI_PROTECTION_FIELD_DECL(long long, local_state, "localState")
    CBAPI_PROTECTION_GETTER_DECL(long long, detailed_local_state, "detailedLocalState")
    CBAPI_PROTECTION_GETTER_DECL(bool, top_level, "topLevel")

    /// The computer the file is on (lazy). @return std::nullopt when none
    std::optional<Computer> computer() const;
    /// The file's catalog entry (lazy). @return std::nullopt when none
    std::optional<FileCatalog> file_catalog() const;
};

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
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER_DECL(long long, file_catalog_id, "fileCatalogId")
    CBAPI_PROTECTION_FIELD_DECL(std::string, name, "name")
    CBAPI_PROTECTION_FIELD_DECL(std::string, description, "description")
    CBAPI_PROTECTION_FIELD_DECL(long long, file_state, "fileState")
    CBAPI_PROTECTION_GETTER_DECL(long long, source_type, "sourceType")
    CBAPI_PROTECTION_GETTER_DECL(long long, source_id, "sourceId")
    CBAPI_PROTECTION_FIELD_DECL(bool, report_only, "reportOnly")
    CBAPI_PROTECTION_FIELD_DECL(bool, reputation_approvals_enabled, "reputationApprovalsEnabled")
    CBAPI_PROTECTION_FIELD_DECL(bool, force_installer, "forceInstaller")
    CBAPI_PROTECTION_FIELD_DECL(bool, force_not_installer, "forceNotInstaller")
    CBAPI_PROTECTION_FIELD_DECL(std::string, policy_ids, "policyIds")
    CBAPI_PROTECTION_FIELD_DECL(std::string, hash, "hash")
    CBAPI_PROTECTION_FIELD_DECL(std::string, file_name, "fileName")
    CBAPI_PROTECTION_FIELD_DECL(bool, lazy_approval, "lazyApproval")
    CBAPI_PROTECTION_FIELD_DECL(long long, platform_flags, "platformFlags")
    CBAPI_PROTECTION_GETTER_DECL(TimePoint, date_created, "dateCreated")
    CBAPI_PROTECTION_GETTER_DECL(std::string, created_by, "createdBy")
    CBAPI_PROTECTION_GETTER_DECL(std::string, created_by_user_id, "createdByUserId")
    CBAPI_PROTECTION_GETTER_DECL(TimePoint, date_modified, "dateModified")
    CBAPI_PROTECTION_GETTER_DECL(std::string, modified_by, "modifiedBy")
    CBAPI_PROTECTION_GETTER_DECL(long long, modified_by_user_id, "modifiedByUserId")
    CBAPI_PROTECTION_GETTER_DECL(long long, cl_version, "clVersion")
    CBAPI_PROTECTION_GETTER_DECL(std::string, id_unique, "idUnique")
    CBAPI_PROTECTION_GETTER_DECL(std::string, orig_id_unique, "origIdUnique")
    CBAPI_PROTECTION_GETTER_DECL(long long, unified_flag, "unifiedFlag")
    CBAPI_PROTECTION_GETTER_DECL(std::string, unified_source, "unifiedSource")
    CBAPI_PROTECTION_GETTER_DECL(std::string, file_rule_type, "fileRuleType")
    CBAPI_PROTECTION_GETTER_DECL(long long, version, "version")
    CBAPI_PROTECTION_GETTER_DECL(bool, visible, "visible")

    /// The catalog entry of the file (lazy). @return std::nullopt when the file was not seen yet
    std::optional<FileCatalog> file_catalog() const;
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
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER_DECL(long long, file_catalog_id, "fileCatalogId")
    CBAPI_PROTECTION_GETTER_DECL(long long, installer_file_catalog_id, "installerFileCatalogId")
    CBAPI_PROTECTION_GETTER_DECL(long long, process_file_catalog_id, "processFileCatalogId")
    CBAPI_PROTECTION_GETTER_DECL(long long, computer_id, "computerId")
    CBAPI_PROTECTION_GETTER_DECL(std::string, computer_name, "computerName")
    CBAPI_PROTECTION_GETTER_DECL(TimePoint, date_created, "dateCreated")
    CBAPI_PROTECTION_GETTER_DECL(std::string, requestor_comments, "requestorComments")
    CBAPI_PROTECTION_FIELD_DECL(long long, resolution, "resolution")
    CBAPI_PROTECTION_FIELD_DECL(long long, status, "status")
    CBAPI_PROTECTION_FIELD_DECL(std::string, resolution_comments, "resolutionComments")

    /// The catalog entry of the requested file (lazy). @return std::nullopt when none
    std::optional<FileCatalog> file_catalog() const;
    /// The installer's catalog entry (lazy). @return std::nullopt when none
    std::optional<FileCatalog> installer_file_catalog() const;
    /// The process's catalog entry (lazy). @return std::nullopt when none
    std::optional<FileCatalog> process_file_catalog() const;
    /// The requesting computer (lazy). @return std::nullopt when none
    std::optional<Computer> computer() const;
};

/// A file analysis request.
class FileAnalysis : public EditableModel<FileAnalysis> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER_DECL(long long, computer_id, "computerId")
    CBAPI_PROTECTION_GETTER_DECL(long long, file_catalog_id, "fileCatalogId")
    CBAPI_PROTECTION_GETTER_DECL(long long, connector_id, "connectorId")
    CBAPI_PROTECTION_GETTER_DECL(std::string, file_name, "fileName")
    CBAPI_PROTECTION_FIELD_DECL(long long, analysis_status, "analysisStatus")
    CBAPI_PROTECTION_FIELD_DECL(long long, analysis_result, "analysisResult")
};

/// A file upload request (the agent uploads a file to the server).
class FileUpload : public EditableModel<FileUpload> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER_DECL(long long, computer_id, "computerId")
    CBAPI_PROTECTION_GETTER_DECL(long long, file_catalog_id, "fileCatalogId")
    CBAPI_PROTECTION_GETTER_DECL(std::string, file_name, "fileName")
    CBAPI_PROTECTION_FIELD_DECL(long long, upload_status, "uploadStatus")
    /// The uploaded file: `GET /fileUpload/<id>?downloadFile=true`.
    /// @return the raw reply (a ZIP archive holding the file, on a real server)
    /// @throws InvalidObjectError for an upload without id; the request's exceptions
    std::string file_zip() const;
    /// The uploaded file itself (cbapi-python's `file`): the first member of the ZIP archive file_zip() returns,
    /// extracted in memory, size- and CRC-checked.
    /// @param max_size the largest file accepted (default 1 GiB)
    /// @throws InvalidObjectError for an upload without id; ApiError for an archive that is over the limit, empty,
    ///         not a ZIP or corrupt, or a file larger than `max_size`; the request's exceptions
    std::string file(std::uint64_t max_size = default_max_file_size) const;
    /// The default of file()'s `max_size`: 1 GiB.
    static constexpr std::uint64_t default_max_file_size = std::uint64_t(1) << 30;
};

/// A software updater rule.
class Updater : public EditableModel<Updater> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER_DECL(std::string, name, "name")
    CBAPI_PROTECTION_GETTER_DECL(std::string, version, "version")
    CBAPI_PROTECTION_GETTER_DECL(long long, platform_flags, "platformFlags")
    CBAPI_PROTECTION_FIELD_DECL(bool, enabled, "enabled")
};

/// A notification an analysis connector sends about a file (creatable). Required: analysisResult, fileAnalysisId.
class Notification : public EditableModel<Notification, true> {
public:
    static constexpr int ResultNotAvailable = 0;     ///< analysisResult
    static constexpr int ResultClean = 1;            ///< analysisResult
    static constexpr int ResultPotentialThreat = 2;  ///< analysisResult
    static constexpr int ResultMalicious = 3;        ///< analysisResult
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_FIELD_DECL(long long, connector_id, "connectorId")
    CBAPI_PROTECTION_GETTER_DECL(TimePoint, time, "time")
    CBAPI_PROTECTION_FIELD_DECL(long long, analysis_result, "analysisResult")
    CBAPI_PROTECTION_FIELD_DECL(long long, file_analysis_id, "fileAnalysisId")
    CBAPI_PROTECTION_FIELD_DECL(std::string, file_name, "fileName")
    CBAPI_PROTECTION_FIELD_DECL(std::string, md5, "md5")
    CBAPI_PROTECTION_FIELD_DECL(std::string, sha1, "sha1")
    CBAPI_PROTECTION_FIELD_DECL(std::string, sha256, "sha256")
    CBAPI_PROTECTION_FIELD_DECL(std::string, malware_name, "malwareName")
    CBAPI_PROTECTION_FIELD_DECL(std::string, malware_type, "malwareType")
    CBAPI_PROTECTION_FIELD_DECL(std::string, external_url, "externalUrl")
    CBAPI_PROTECTION_FIELD_DECL(std::string, external_id, "externalId")
    CBAPI_PROTECTION_FIELD_DECL(std::string, severity, "severity")
    CBAPI_PROTECTION_FIELD_DECL(std::string, type, "type")
    CBAPI_PROTECTION_FIELD_DECL(std::string, product, "product")
    CBAPI_PROTECTION_FIELD_DECL(std::string, version, "version")
    CBAPI_PROTECTION_FIELD_DECL(std::string, status, "status")
    CBAPI_PROTECTION_FIELD_DECL(long long, flags, "flags")
    CBAPI_PROTECTION_FIELD_DECL(nlohmann::json, files, "files")
    CBAPI_PROTECTION_FIELD_DECL(nlohmann::json, reg_keys, "regKeys")
    CBAPI_PROTECTION_FIELD_DECL(nlohmann::json, directories, "directories")
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
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_GETTER_DECL(long long, file_catalog_id, "fileCatalogId")
    CBAPI_PROTECTION_GETTER_DECL(long long, connector_id, "connectorId")
    CBAPI_PROTECTION_GETTER_DECL(long long, computer_id, "computerId")
    CBAPI_PROTECTION_GETTER_DECL(std::string, file_name, "fileName")
    CBAPI_PROTECTION_GETTER_DECL(std::string, path_name, "pathName")
    CBAPI_PROTECTION_GETTER_DECL(std::string, md5, "md5")
    CBAPI_PROTECTION_GETTER_DECL(std::string, sha1, "sha1")
    CBAPI_PROTECTION_GETTER_DECL(std::string, sha256, "sha256")
    CBAPI_PROTECTION_GETTER_DECL(bool, uploaded, "uploaded")
    CBAPI_PROTECTION_FIELD_DECL(long long, analysis_status, "analysisStatus")
    CBAPI_PROTECTION_FIELD_DECL(long long, analysis_result, "analysisResult")
    CBAPI_PROTECTION_FIELD_DECL(std::string, analysis_error, "analysisError")

    /// The catalog entry of the file (lazy). @return std::nullopt when none
    std::optional<FileCatalog> file_catalog() const;
    /// The first non-empty of md5, sha1, sha256 (empty when none).
    std::string file_hash() const;
    /// The file: `GET /pendingAnalysis/<id>?downloadFile=true`.
    /// @return the raw reply (a ZIP archive holding the file, on a real server)
    std::string file_zip() const;
    /// The file itself (cbapi-python's `file`): the first member of the ZIP archive file_zip() returns, extracted in
    /// memory, size- and CRC-checked.
    /// @param max_size the largest file accepted (default 1 GiB)
    /// @throws InvalidObjectError for an analysis without id; ApiError for an archive that is over the limit, empty,
    ///         not a ZIP or corrupt, or a file larger than `max_size`; the request's exceptions
    std::string file(std::uint64_t max_size = default_max_file_size) const;
    /// The default of file()'s `max_size`: 1 GiB.
    static constexpr std::uint64_t default_max_file_size = std::uint64_t(1) << 30;
    /// A new, unsaved Notification about this analysis (`fileAnalysisId` set to this id); save() sends it.
    /// @param data initial fields (e.g. analysisResult, malwareName)
    /// @return the notification
    /// @throws InvalidObjectError for an analysis without id
    Notification create_notification(const nlohmann::json& data = nlohmann::json::object()) const;
};

/// An analysis connector (creatable). Required: name, analysisName, connectorVersion, canAnalyze, enabled,
/// analysisEnabled.
class Connector : public EditableModel<Connector, true> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_FIELD_DECL(std::string, name, "name")
    CBAPI_PROTECTION_FIELD_DECL(std::string, analysis_name, "analysisName")
    CBAPI_PROTECTION_FIELD_DECL(std::string, connector_version, "connectorVersion")
    CBAPI_PROTECTION_FIELD_DECL(bool, can_analyze, "canAnalyze")
    CBAPI_PROTECTION_FIELD_DECL(bool, enabled, "enabled")
    CBAPI_PROTECTION_FIELD_DECL(bool, analysis_enabled, "analysisEnabled")
    CBAPI_PROTECTION_GETTER_DECL(bool, is_internal, "isInternal")
    CBAPI_PROTECTION_FIELD_DECL(nlohmann::json, analysis_targets, "analysisTargets")

    /// The files waiting for this connector: a query `connectorId:<id>`.
    /// @throws InvalidObjectError for a connector without id
    Query<PendingAnalysis> pending_analyses() const;
};

/// A trusted user (server 8.0+, creatable). Required: name, userSid, description, platformId.
class TrustedUser : public EditableModel<TrustedUser, true> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_FIELD_DECL(std::string, name, "name")
    CBAPI_PROTECTION_FIELD_DECL(std::string, user_sid, "userSid")
    CBAPI_PROTECTION_FIELD_DECL(std::string, description, "description")
    CBAPI_PROTECTION_FIELD_DECL(long long, platform_id, "platformId")
    CBAPI_PROTECTION_GETTER_DECL(TimePoint, date_created, "dateCreated")
    CBAPI_PROTECTION_GETTER_DECL(long long, created_by_user_id, "createdByUserId")
    CBAPI_PROTECTION_GETTER_DECL(std::string, created_by, "createdBy")
    CBAPI_PROTECTION_GETTER_DECL(TimePoint, date_modified, "dateModified")
    CBAPI_PROTECTION_GETTER_DECL(long long, cl_version, "clVersion")
};

/// A console user (server 8.0+, creatable). Required: name.
class User : public EditableModel<User, true> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_FIELD_DECL(std::string, name, "name")
    CBAPI_PROTECTION_FIELD_DECL(std::string, user_group_ids, "userGroupIds")
    CBAPI_PROTECTION_FIELD_DECL(std::string, email_address, "eMailAddress")
    CBAPI_PROTECTION_FIELD_DECL(std::string, first_name, "firstName")
    CBAPI_PROTECTION_FIELD_DECL(std::string, last_name, "lastName")
    CBAPI_PROTECTION_FIELD_DECL(std::string, title, "title")
    CBAPI_PROTECTION_FIELD_DECL(std::string, department, "department")
    CBAPI_PROTECTION_FIELD_DECL(std::string, comments, "comments")
    CBAPI_PROTECTION_GETTER_DECL(TimePoint, registration_date, "registrationDate")
    CBAPI_PROTECTION_GETTER_DECL(bool, read_only, "readOnly")
    CBAPI_PROTECTION_GETTER_DECL(bool, external, "external")
    CBAPI_PROTECTION_FIELD_DECL(bool, enabled, "enabled")
    CBAPI_PROTECTION_GETTER_DECL(std::string, api_token, "apiToken")
};

/// A group of console users (server 8.0+, creatable). Required: name.
class UserGroup : public EditableModel<UserGroup, true> {
public:
    static const ModelInfo model_info;
    using ProtectionModel::ProtectionModel;
    CBAPI_PROTECTION_FIELD_DECL(std::string, name, "name")
    CBAPI_PROTECTION_FIELD_DECL(std::string, description, "description")
    CBAPI_PROTECTION_FIELD_DECL(std::string, permissions, "permissions")
    CBAPI_PROTECTION_FIELD_DECL(std::string, policy_ids, "policyIds")
    CBAPI_PROTECTION_FIELD_DECL(bool, enabled, "enabled")
    CBAPI_PROTECTION_GETTER_DECL(bool, editable, "editable")
    CBAPI_PROTECTION_GETTER_DECL(TimePoint, date_created, "dateCreated")
    CBAPI_PROTECTION_GETTER_DECL(long long, automatic_count, "automaticCount")
    CBAPI_PROTECTION_GETTER_DECL(long long, manual_count, "manualCount")
};

}  // namespace cbapi::protection
