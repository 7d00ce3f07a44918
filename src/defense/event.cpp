// Cb Defense events and the event search (include/cbapi/defense/event.hpp).

#include "cbapi/defense/event.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "cbapi/defense/model.hpp"
#include "cbapi/model.hpp"
#include "cbapi/time.hpp"

namespace cbapi::defense {

const ModelInfo Event::model_info = ModelInfo("Event", "/integrationServices/v3/event")
                                       .key("eventId")
                                       .unwrap_with(detail::unwrap_info("eventInfo"));

// A field of the `deviceDetails` object, converted as get<T>() does (with the field's dotted name in errors).
template <typename T>
std::optional<T> Event::detail_field(const char* name) const {
    const auto details = get<nlohmann::json>("deviceDetails");
    if (!details || !details->is_object()) return std::nullopt;
    const auto it = details->find(name);
    if (it == details->end() || it->is_null()) return std::nullopt;
    return cbapi::detail::convert_field<T>(*it, std::string("deviceDetails.") + name, [this] { return describe(); });
}

Event::Event(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : Model(model_info, std::move(api), std::move(doc), full) {}

std::string Event::event_id() const { return id(); }

std::string Event::event_type() const { return get_or<std::string>("eventType", ""); }

std::string Event::short_description() const { return get_or<std::string>("shortDescription", ""); }

std::string Event::long_description() const { return get_or<std::string>("longDescription", ""); }

std::optional<TimePoint> Event::event_time() const { return time_field("eventTime"); }

std::optional<TimePoint> Event::create_time() const { return time_field("createTime"); }

std::optional<long long> Event::device_id() const { return detail_field<long long>("deviceId"); }

std::string Event::device_name() const { return detail_field<std::string>("deviceName").value_or(""); }

std::optional<TimePoint> Event::time_field(std::string_view name) const {
    const auto value = get<nlohmann::json>(name);
    if (!value) return std::nullopt;
    return detail::time_from_json(*value, name);
}


EventQuery::EventQuery(cbapi::detail::ApiHandle api)
    : DefenseQueryBase(std::move(api)) {}

EventQuery EventQuery::host_name_exact(const std::string& name) const { return filter("hostNameExact", name); }

EventQuery EventQuery::device_id(long long id) const { return filter("deviceId", std::to_string(id)); }

EventQuery EventQuery::event_type(const std::string& type) const { return filter("eventType", type); }

EventQuery EventQuery::start_time(TimePoint from) const { return filter("startTime", format_time(from)); }

EventQuery EventQuery::end_time(TimePoint to) const { return filter("endTime", format_time(to)); }

}  // namespace cbapi::defense
