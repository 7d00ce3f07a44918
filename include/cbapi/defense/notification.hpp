#pragma once
/// @file
/// Cb Defense notifications (alerts queued for a SIEM-type API key): a typed view over each JSON object.

#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "cbapi/defense/model.hpp"

namespace cbapi::defense {

/// One notification as `GET /integrationServices/v3/notification` returns it, e.g.
/// `{"type": "THREAT", "eventTime": 1500000000000, "ruleName": "Alert all", "url": "...", "threatInfo": {...},
/// "deviceInfo": {...}}`. The whole object stays reachable through document().
class Notification {
public:
    /// @param document the notification object
    explicit Notification(nlohmann::json document) : doc_(std::move(document)) {}

    /// The notification as the server sent it.
    const nlohmann::json& document() const noexcept { return doc_; }
    /// `type`, e.g. "THREAT" or "POLICY_ACTION".
    std::string type() const { return text("type"); }
    /// `ruleName`: the notification rule that queued it.
    std::string rule_name() const { return text("ruleName"); }
    /// `url`: the console link.
    std::string url() const { return text("url"); }
    /// `eventTime` (epoch milliseconds on the wire); nullopt when absent.
    /// @throws ApiError when the value is not a time
    std::optional<TimePoint> event_time() const {
        const auto it = doc_.find("eventTime");
        if (it == doc_.end() || it->is_null()) return std::nullopt;
        return detail::time_from_json(*it, "eventTime");
    }
    /// `deviceInfo.deviceName`, or empty.
    std::string device_name() const {
        const auto it = doc_.find("deviceInfo");
        if (it == doc_.end() || !it->is_object()) return {};
        const auto name = it->find("deviceName");
        return name != it->end() && name->is_string() ? name->get<std::string>() : std::string();
    }

private:
    std::string text(const char* key) const {
        const auto it = doc_.find(key);
        return it != doc_.end() && it->is_string() ? it->get<std::string>() : std::string();
    }
    nlohmann::json doc_;
};

}  // namespace cbapi::defense
