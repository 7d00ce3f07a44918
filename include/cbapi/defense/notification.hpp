#pragma once
/// @file
/// Cb Defense notifications (alerts queued for a SIEM-type API key): a typed view over each JSON object.

#include "cbapi/fwd.hpp"

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/time.hpp"

namespace cbapi::defense {

/// One notification as `GET /integrationServices/v3/notification` returns it, e.g.
/// `{"type": "THREAT", "eventTime": 1500000000000, "ruleName": "Alert all", "url": "...", "threatInfo": {...},
/// "deviceInfo": {...}}`. The whole object stays reachable through document().
class Notification {
public:
    /// @param document the notification object
    explicit Notification(nlohmann::json document);

    /// The notification as the server sent it.
    const nlohmann::json& document() const noexcept { return doc_; }
    /// `type`, e.g. "THREAT" or "POLICY_ACTION".
    std::string type() const;
    /// `ruleName`: the notification rule that queued it.
    std::string rule_name() const;
    /// `url`: the console link.
    std::string url() const;
    /// `eventTime` (epoch milliseconds on the wire); nullopt when absent.
    /// @throws ApiError when the value is not a time
    std::optional<TimePoint> event_time() const;
    /// `deviceInfo.deviceName`, or empty.
    std::string device_name() const;

private:
    std::string text(const char* key) const;
    nlohmann::json doc_;
};

}  // namespace cbapi::defense
