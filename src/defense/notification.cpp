// Cb Defense notifications (include/cbapi/defense/notification.hpp).

#include "cbapi/defense/notification.hpp"

#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "cbapi/defense/model.hpp"
#include "cbapi/time.hpp"

namespace cbapi::defense {

Notification::Notification(nlohmann::json document)
    : doc_(std::move(document)) {}

std::string Notification::type() const { return text("type"); }

std::string Notification::rule_name() const { return text("ruleName"); }

std::string Notification::url() const { return text("url"); }

std::optional<TimePoint> Notification::event_time() const {
    const auto it = doc_.find("eventTime");
    if (it == doc_.end() || it->is_null()) return std::nullopt;
    return detail::time_from_json(*it, "eventTime");
}

std::string Notification::device_name() const {
    const auto it = doc_.find("deviceInfo");
    if (it == doc_.end() || !it->is_object()) return {};
    const auto name = it->find("deviceName");
    return name != it->end() && name->is_string() ? name->get<std::string>() : std::string();
}

std::string Notification::text(const char* key) const {
    const auto it = doc_.find(key);
    return it != doc_.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace cbapi::defense
