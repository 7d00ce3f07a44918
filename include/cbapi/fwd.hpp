#pragma once
/// @file
/// Forward declarations of every public class, struct, enumeration and class template of the SDK, so that a user's
/// header can name SDK types (by reference, pointer, or in a declaration) without including a product header.
/// Default template arguments live here only; every public header includes this file first.
///
/// @code
/// // my_triage.hpp: no product header needed to declare this
/// #include <cbapi/fwd.hpp>
/// void triage(const cbapi::response::CbResponseAPI& cb, const cbapi::response::Process& process);
/// @endcode
///
/// Generated from the public headers; `tests/unit/fwd_test.cpp` checks that it agrees with them.

#include <cstdint>

namespace cbapi {
// cbapi/api_base.hpp
class ApiBase;
// cbapi/connection.hpp
struct CacheOptions;
struct ConnectionOptions;
class Connection;
// cbapi/credentials.hpp
enum class Product;
struct Credentials;
struct CredentialOptions;
// cbapi/errors.hpp
class ApiError;
class HttpError;
class ServerError;
class ClientError;
class QuerySyntaxError;
class ObjectNotFoundError;
class UnauthorizedError;
class ConnectionError;
class ResponseTooLargeError;
class TimeoutError;
class CredentialError;
class InsecureUrlError;
class InvalidObjectError;
class MoreThanOneResultError;
class LiveResponseError;
class LiveResponseClosedError;
// cbapi/files.hpp
class AtomicFile;
// cbapi/http.hpp
enum class HttpMethod;
class Headers;
struct DigestAuth;
struct AwsSigV4Auth;
struct Request;
class RequestCancelled;
struct Response;
// cbapi/model.hpp
struct ModelInfo;
class Model;
class MutableModel;
// cbapi/query.hpp
template <typename M>
class ResultIterator;
template <typename Derived, typename M>
class PaginatedQuery;
template <typename M>
class SimpleQuery;
// cbapi/retry.hpp
struct RetryPolicy;
struct BackoffPolicy;
struct AttemptOutcome;
class RequestPacer;
// cbapi/server_version.hpp
class ServerVersion;
// cbapi/transport.hpp
struct TransportOptions;
class Transport;

}  // namespace cbapi

namespace cbapi::defense {
// cbapi/defense/api.hpp
struct ApiOptions;
struct ListenOptions;
class CbDefenseAPI;
// cbapi/defense/device.hpp
class DeviceQuery;
class Device;
// cbapi/defense/event.hpp
class EventQuery;
class Event;
// cbapi/defense/model.hpp
class DefenseMutableModel;
// cbapi/defense/notification.hpp
class Notification;
// cbapi/defense/paging.hpp
class DefensePaging;
// cbapi/defense/policy.hpp
struct PolicyRule;
class Policy;
// cbapi/defense/query.hpp
template <typename Derived, typename M>
class DefenseQueryBase;
template <typename M>
class Query;

}  // namespace cbapi::defense

namespace cbapi::events {
// cbapi/events/consumer.hpp
enum class StopMode;
struct ConsumerOptions;
struct ConsumerStats;
struct SourceFailure;
class Consumer;
// cbapi/events/decode_error.hpp
class DecodeError;
// cbapi/events/json_events.hpp
class JsonView;
class ProcessDoc;
class BinaryDoc;
class JsonEvent;
class WatchlistHit;
class FeedHit;
class AlertEvent;
class BinaryInfoEvent;
class BinaryStoreEvent;
// cbapi/events/registry.hpp
struct CallbackError;
struct RegistryStats;
class Registry;
// cbapi/events/sensor_event.hpp
struct SensorEnvironment;
struct SensorEventHeader;
struct ProcessEvent;
struct ModuleLoad;
enum class FileModAction : std::int32_t;
struct FileMod;
enum class RegModAction : std::int32_t;
struct RegMod;
struct NetConn;
struct NetConnBlocked;
enum class ChildProcType : std::int32_t;
struct ChildProc;
enum class CrossProcType : std::int32_t;
struct CrossProc;
struct ModuleInfo;
struct ProcessBlock;
struct Tamper;
struct EmetMitigation;
struct ProcessMetadata;
struct UnknownPayload;
struct SensorEvent;
struct SensorEventBatch;
// cbapi/events/bus.hpp
struct BusConnectionOptions;
enum class QueueMode;
struct EventBusOptions;
struct EventBusStats;
class EventBus;
class EventBusPublisher;
// cbapi/events/forwarder_file.hpp
enum class StartAt;
struct ForwarderFileOptions;
class ForwarderFile;
// cbapi/events/forwarder_http.hpp
struct ForwarderHttpOptions;
class ForwarderHttp;
// cbapi/events/forwarder_s3.hpp
class S3Error;
struct ForwarderS3Options;
class ForwarderS3;
// cbapi/events/source.hpp
enum class Delivery;
struct Message;
struct SourceProblem;
class Sink;
class Source;
}  // namespace cbapi::events

namespace cbapi::live_response {
// cbapi/live_response/interrupt.hpp
class InterruptGuard;
// cbapi/live_response/manager.hpp
class SessionManager;
// cbapi/live_response/session.hpp
class Memdump;
class Session;
// cbapi/live_response/types.hpp
enum class OsType;
struct LiveResponseOptions;
struct DirectoryEntry;
struct ProcessEntry;
struct RegistryValue;
struct RegistryKeyListing;
struct WalkEntry;
struct CreateProcessOptions;

}  // namespace cbapi::live_response

namespace cbapi::protection {
// cbapi/protection/api.hpp
struct ApiOptions;
class CbProtectionAPI;
// cbapi/protection/model_base.hpp
template <typename Derived, typename Base, bool Creatable = false>
class ProtectionModel;
// cbapi/protection/models.hpp
class Certificate;
class Computer;
class FileCatalog;
class FileInstance;
class PendingAnalysis;
class Policy;
class Publisher;
class User;
class AppCatalog;
class DriftReport;
class DriftReportContents;
class GrantedUserPolicyPermission;
class PublisherCertificate;
class FileInstanceDeleted;
class FileInstanceGroup;
class InternalEvent;
class MeteredExecution;
class Notifier;
class ServerConfig;
class ServerPerformance;
class Event;
class AppTemplate;
class ScriptRule;
class TrustedDirectory;
class FileRule;
class ApprovalRequest;
class FileAnalysis;
class FileUpload;
class Updater;
class Notification;
class Connector;
class TrustedUser;
class UserGroup;
// cbapi/protection/paging.hpp
class ProtectionPaging;
// cbapi/protection/query.hpp
template <typename M>
class Query;

using CbEnterpriseProtectionAPI = CbProtectionAPI;

}  // namespace cbapi::protection

namespace cbapi::response {
// cbapi/response/action.hpp
enum class ActionType : int;
class ActionModel;
template <typename M>
class ActionQuery;
// cbapi/response/alert.hpp
class AlertQuery;
class Alert;
// cbapi/response/api.hpp
struct ApiOptions;
class CbResponseAPI;
// cbapi/response/banned_hash.hpp
class BannedHash;
// cbapi/response/binary.hpp
struct SigningData;
struct VersionInfo;
struct FrequencyData;
struct VirusTotal;
class Binary;
// cbapi/response/console_url.hpp
struct ConsoleLink;
// cbapi/response/events.hpp
enum class EventApiVersion;
struct EventBase;
struct ModLoadEvent;
struct FileModEvent;
struct RegModEvent;
struct NetConnEvent;
struct ChildProcEvent;
struct CrossProcEvent;
struct ProcessBlockEvent;
struct SegmentEvents;
// cbapi/response/feed.hpp
class Feed;
class FeedAction;
class ThreatReport;
class ThreatReportQuery;
// cbapi/response/ingress_filter.hpp
class IngressFilter;
// cbapi/response/investigation.hpp
class Investigation;
class TaggedEvent;
// cbapi/response/paging.hpp
class ResponsePaging;
// cbapi/response/process.hpp
class Process;
struct ProcessGuid;
struct ChildProcess;
// cbapi/response/query.hpp
struct FacetEntry;
template <typename Derived, typename M>
class ResponseQueryBase;
template <typename M>
class Query;
// cbapi/response/sensor.hpp
class Sensor;
class SensorGroup;
struct NetworkAdapter;
struct IsolationWait;
class SensorQuery;
// cbapi/response/sensor_group.hpp
class ThrottleRule;
class Site;
enum class InstallerType;
struct DataSharingSetting;
class SensorGroupQuery;
struct SensorBuilds;
// cbapi/response/storage_partition.hpp
class StoragePartition;
// cbapi/response/threat_intel.hpp
struct FeedTag;
// cbapi/response/user.hpp
struct TeamRef;
struct GroupAccess;
class Team;
class User;
// cbapi/response/watchlist.hpp
class WatchlistAction;
class Watchlist;
// cbapi/response/watchlist_export.hpp
struct WatchlistExportEntry;
struct WatchlistExport;

using ProcessQuery = Query<Process>;

}  // namespace cbapi::response
