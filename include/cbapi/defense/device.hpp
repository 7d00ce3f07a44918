#pragma once
/// @file
/// Cb Defense devices (endpoints with a sensor): `/integrationServices/v3/device`, their typed fields, updates as a
/// PATCH of the changed fields, moving to another policy, and the device search with its filters.

#include "cbapi/fwd.hpp"

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/defense/model.hpp"
#include "cbapi/defense/query.hpp"
#include "cbapi/detail/api_state.hpp"
#include "cbapi/live_response/manager.hpp"
#include "cbapi/time.hpp"

namespace cbapi::defense {

class DeviceQuery;

/// A device: `GET /integrationServices/v3/device/{deviceId}` → `{"deviceInfo": {...}}`. Not creatable; saving sends
/// `PATCH /integrationServices/v3/device/{deviceId}` with only the changed fields.
///
/// @code
/// auto device = cb.select<Device>().host_name_exact("WIN-IA9NQ1GN8OI").one();
/// device.move_to_policy("Restrictive_Windows_Workstation");
/// @endcode
class Device : public DefenseMutableModel {
public:
    /// URL, primary key `deviceId`, update verb PATCH.
    static const ModelInfo model_info;
    /// Devices are registered by their sensors, not through the API.
    static constexpr bool creatable = false;
    /// What `select<Device>()` returns.
    using query_type = DeviceQuery;

    /// @param api API state @param doc the device document (at least `deviceId`) @param full whether it is complete
    Device(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full);

    /// The device id. @return `deviceId`, 0 when absent
    long long device_id() const;
    /// The host name (`name`).
    std::string name() const;
    /// `osVersion`, e.g. "Windows 10 x64".
    std::string os_version() const;
    /// `deviceType`: "WINDOWS" or "MAC" (empty when unknown).
    std::string device_type() const;
    /// `status`, e.g. "REGISTERED", "BYPASS", "QUARANTINE".
    std::string status() const;
    /// `sensorVersion`.
    std::string sensor_version() const;
    /// `email` of the device's owner.
    std::string email() const;
    /// `policyId` of the policy the device is in; nullopt when absent.
    std::optional<long long> policy_id() const;
    /// `policyName` of the policy the device is in.
    std::string policy_name() const;
    /// `organizationId`; nullopt when absent.
    std::optional<long long> organization_id() const;
    /// `organizationName`.
    std::string organization_name() const;
    /// `targetPriorityType`: HIGH, LOW, MEDIUM or MISSION_CRITICAL.
    std::string target_priority_type() const;
    /// `lastInternalIpAddress`.
    std::string last_internal_ip_address() const;
    /// `lastExternalIpAddress`.
    std::string last_external_ip_address() const;
    /// `lastLocation`: OFFSITE, ONSITE or UNKNOWN.
    std::string last_location() const;
    /// `quarantined`.
    bool quarantined() const;
    /// `passiveMode`.
    bool passive_mode() const;
    /// `avStatus` values (e.g. "AV_ACTIVE").
    std::vector<std::string> av_status() const;
    /// `sensorStates` values (e.g. "ACTIVE").
    std::vector<std::string> sensor_states() const;
    /// `createTime` (epoch milliseconds on the wire).
    std::optional<TimePoint> create_time() const;
    /// `registeredTime`.
    std::optional<TimePoint> registered_time() const;
    /// `lastContact`.
    std::optional<TimePoint> last_contact() const;
    /// `lastReportedTime`.
    std::optional<TimePoint> last_reported_time() const;

    /// Opens a Live Response session with this device (`POST /integrationServices/v3/cblr/session/{deviceId}`,
    /// then waits until it is active). The session closes when its last handle goes away.
    /// @param options timeouts and waiting (see live_response::LiveResponseOptions)
    /// @return the session
    /// @throws TimeoutError "Could not establish session with sensor N", LiveResponseError, the request's exceptions
    live_response::Session lr_session(live_response::LiveResponseOptions options = {}) const;

    /// Marks the device to be moved into the policy with this id (sent by save()).
    /// @param id the policy id @return this device
    Device& set_policy_id(long long id);
    /// Marks the device to be moved into the policy with this name (sent by save()).
    /// @param name the policy name @return this device
    Device& set_policy_name(const std::string& name);

    /// Moves the device into the policy with this id now: `PATCH .../device/{deviceId}` with `{"policyId": id}`.
    /// @param id the policy id
    /// @throws ServerError with the server's message when it refuses (e.g. an unknown policy); the request's
    ///         exceptions
    void move_to_policy(long long id);
    /// Moves the device into the policy with this name now: `PATCH` with `{"policyName": name}`.
    /// @param name the policy name
    /// @throws ServerError with the server's message when it refuses; the request's exceptions
    void move_to_policy(const std::string& name);
};

/// The device search: `GET /integrationServices/v3/device?<filters>&rows=N[&start=M]`.
///
/// @code
/// for (const Device& d : cb.select<Device>().ip_address("10.0.0.5")) std::cout << d.name() << "\n";
/// @endcode
class DeviceQuery : public DefenseQueryBase<DeviceQuery, Device> {
public:
    /// Every device. @param api the API state
    explicit DeviceQuery(cbapi::detail::ApiHandle api);

    /// Devices whose host name is exactly `name` (`hostNameExact`). @param name host name @return a new query
    /// @throws ApiError when already filtered on
    DeviceQuery host_name_exact(const std::string& name) const;
    /// Devices whose host name contains `text` (`hostName`). @param text part of a host name @return a new query
    /// @throws ApiError when already filtered on
    DeviceQuery host_name(const std::string& text) const;
    /// Devices last seen with this IP address (`ipAddress`). @param address IPv4 address @return a new query
    /// @throws ApiError when already filtered on
    DeviceQuery ip_address(const std::string& address) const;
};

}  // namespace cbapi::defense
