#pragma once
/// @file
/// Cb Defense events: `/integrationServices/v3/event`, read-only, and the event search with its filters.

#include "cbapi/fwd.hpp"

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cbapi/defense/model.hpp"
#include "cbapi/defense/query.hpp"
#include "cbapi/detail/api_state.hpp"
#include "cbapi/model.hpp"
#include "cbapi/time.hpp"

namespace cbapi::defense {

class EventQuery;

/// An event reported by a device: `GET /integrationServices/v3/event/{eventId}` → `{"eventInfo": {...}}`.
/// Read-only.
class Event : public Model {
public:
    /// URL and primary key `eventId`.
    static const ModelInfo model_info;
    /// Events are created by sensors.
    static constexpr bool creatable = false;
    /// What `select<Event>()` returns.
    using query_type = EventQuery;

    /// @param api API state @param doc the event document (at least `eventId`) @param full whether it is complete
    Event(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full);

    /// The event id (`eventId`).
    std::string event_id() const;
    /// `eventType`, e.g. "NETWORK", "FILE_CREATE", "POLICY_ACTION".
    std::string event_type() const;
    /// `shortDescription`.
    std::string short_description() const;
    /// `longDescription` (may contain HTML).
    std::string long_description() const;
    /// When the event happened on the device (`eventTime`, epoch milliseconds on the wire).
    std::optional<TimePoint> event_time() const;
    /// When the server recorded the event (`createTime`).
    std::optional<TimePoint> create_time() const;
    /// `deviceDetails.deviceId`; nullopt when absent.
    std::optional<long long> device_id() const;
    /// `deviceDetails.deviceName`.
    std::string device_name() const;

    /// A time field (epoch milliseconds or a time string); nullopt when absent or null.
    /// @param name the field @return the instant @throws ApiError when the value is not a time
    std::optional<TimePoint> time_field(std::string_view name) const;

private:
    template <typename T>
    std::optional<T> detail_field(const char* name) const;
};

/// The event search: `GET /integrationServices/v3/event?<filters>&rows=N[&start=M]`.
///
/// @code
/// auto q = cb.select<Event>().host_name_exact("WIN-1").start_time(now - std::chrono::hours(24));
/// @endcode
class EventQuery : public DefenseQueryBase<EventQuery, Event> {
public:
    /// Every event (the server limits how far back). @param api the API state
    explicit EventQuery(cbapi::detail::ApiHandle api);

    /// Events of the device with exactly this host name (`hostNameExact`). @param name host name
    /// @return a new query @throws ApiError when already filtered on
    EventQuery host_name_exact(const std::string& name) const;
    /// Events of the device with this id (`deviceId`). @param id device id
    /// @return a new query @throws ApiError when already filtered on
    EventQuery device_id(long long id) const;
    /// Events of this type (`eventType`, e.g. "NETWORK"). @param type event type
    /// @return a new query @throws ApiError when already filtered on
    EventQuery event_type(const std::string& type) const;
    /// Events at or after this instant (`startTime`, sent as `YYYY-MM-DDTHH:MM:SS.mmmZ`). @param from the instant
    /// @return a new query @throws ApiError when already filtered on
    EventQuery start_time(TimePoint from) const;
    /// Events at or before this instant (`endTime`). @param to the instant
    /// @return a new query @throws ApiError when already filtered on
    EventQuery end_time(TimePoint to) const;
};

}  // namespace cbapi::defense
