// Cb Defense devices and the device search (include/cbapi/defense/device.hpp).

#include "cbapi/defense/device.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/defense/model.hpp"
#include "cbapi/http.hpp"
#include "cbapi/live_response/manager.hpp"
#include "cbapi/live_response/parse.hpp"
#include "cbapi/time.hpp"

namespace cbapi::defense {

const ModelInfo Device::model_info = ModelInfo("Device", "/integrationServices/v3/device")
                                        .key("deviceId")
                                        .updated_with(HttpMethod::patch)
                                        .unwrap_with(detail::unwrap_info("deviceInfo"));

Device::Device(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : DefenseMutableModel(model_info, "deviceInfo", "deviceId", std::move(api), std::move(doc), full) {}

long long Device::device_id() const { return get_or<long long>("deviceId", 0); }

std::string Device::name() const { return get_or<std::string>("name", ""); }

std::string Device::os_version() const { return get_or<std::string>("osVersion", ""); }

std::string Device::device_type() const { return get_or<std::string>("deviceType", ""); }

std::string Device::status() const { return get_or<std::string>("status", ""); }

std::string Device::sensor_version() const { return get_or<std::string>("sensorVersion", ""); }

std::string Device::email() const { return get_or<std::string>("email", ""); }

std::optional<long long> Device::policy_id() const { return get<long long>("policyId"); }

std::string Device::policy_name() const { return get_or<std::string>("policyName", ""); }

std::optional<long long> Device::organization_id() const { return get<long long>("organizationId"); }

std::string Device::organization_name() const { return get_or<std::string>("organizationName", ""); }

std::string Device::target_priority_type() const { return get_or<std::string>("targetPriorityType", ""); }

std::string Device::last_internal_ip_address() const { return get_or<std::string>("lastInternalIpAddress", ""); }

std::string Device::last_external_ip_address() const { return get_or<std::string>("lastExternalIpAddress", ""); }

std::string Device::last_location() const { return get_or<std::string>("lastLocation", ""); }

bool Device::quarantined() const { return get_or<bool>("quarantined", false); }

bool Device::passive_mode() const { return get_or<bool>("passiveMode", false); }

std::vector<std::string> Device::av_status() const { return get_or<std::vector<std::string>>("avStatus", {}); }

std::vector<std::string> Device::sensor_states() const { return get_or<std::vector<std::string>>("sensorStates", {}); }

std::optional<TimePoint> Device::create_time() const { return get_time("createTime"); }

std::optional<TimePoint> Device::registered_time() const { return get_time("registeredTime"); }

std::optional<TimePoint> Device::last_contact() const { return get_time("lastContact"); }

std::optional<TimePoint> Device::last_reported_time() const { return get_time("lastReportedTime"); }

live_response::Session Device::lr_session(live_response::LiveResponseOptions options) const {
    return live_response::SessionManager(api(), std::move(options))
        .request_session(device_id(), live_response::detail::os_from_device_type(device_type()));
}

Device& Device::set_policy_id(long long id) {
    set("policyId", id);
    return *this;
}

Device& Device::set_policy_name(const std::string& name) {
    set("policyName", name);
    return *this;
}

void Device::move_to_policy(long long id) {
    set_policy_id(id);
    save();
}

void Device::move_to_policy(const std::string& name) {
    set_policy_name(name);
    save();
}

DeviceQuery::DeviceQuery(cbapi::detail::ApiHandle api)
    : DefenseQueryBase(std::move(api)) {}

DeviceQuery DeviceQuery::host_name_exact(const std::string& name) const { return filter("hostNameExact", name); }

DeviceQuery DeviceQuery::host_name(const std::string& text) const { return filter("hostName", text); }

DeviceQuery DeviceQuery::ip_address(const std::string& address) const { return filter("ipAddress", address); }

}  // namespace cbapi::defense
