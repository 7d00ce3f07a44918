#pragma once
/// @file
/// Cb Response investigations (`/api/investigations`) and the events tagged into them (`/api/tagged_event`).

#include "cbapi/fwd.hpp"

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/detail/api_state.hpp"
#include "cbapi/http.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/action.hpp"
#include "cbapi/response/process.hpp"
#include "cbapi/time.hpp"

namespace cbapi::response {

/// An investigation (a named collection of tagged events). Listed with `select<Investigation>()`; the server has no
/// route to read one investigation.
class Investigation : public MutableModel {
public:
    static const ModelInfo model_info;  // defined in src/response/investigation.cpp
    static constexpr bool creatable = false;
    using query_type = SimpleQuery<Investigation>;
    /// @param api API state @param doc the investigation's document @param full whether it is complete
    Investigation(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full);

    /// `name`.
    std::string name() const;
    /// `notes`.
    std::string notes() const;
    /// `date_started`.
    std::optional<TimePoint> date_started() const;
    /// `last_updated`.
    std::optional<TimePoint> last_updated() const;

    /// The events tagged into this investigation (cbapi-python's `events`): `GET /api/tagged_event/<id>`, once.
    /// @throws InvalidObjectError for an investigation without id
    ActionQuery<TaggedEvent> events() const;
    /// A new, unsaved event of this investigation (`investigation_id` set); fill it in and save() it.
    /// @throws InvalidObjectError for an investigation without id
    TaggedEvent tag_event() const;
};

/// An event tagged into an investigation: listed per investigation by `GET /api/tagged_event/<investigation id>`
/// (`select<TaggedEvent>().where("investigation_id:<id>")` or Investigation::events()), created by
/// `POST /api/tagged_event`, updated by `PUT` and deleted by `DELETE /api/tagged_event/<id>`. The server has no
/// route to read one tagged event, so an event is always complete as listed or created, and the reply to a save is
/// merged into it.
///
/// Required to create (ASSUMPTION: the server needs them to place the event; cbapi-python checks nothing):
/// investigation_id, unique_id (the process GUID), event_type.
///
/// @code
/// auto tag = investigation.tag_event();
/// tag.set_process(process).set_event_type("filemod").set_event_data(data).set_notes("dropper written");
/// tag.save();
/// @endcode
class TaggedEvent : public MutableModel {
public:
    /// The list URL of an investigation's tagged events. @param investigation_id the investigation's id
    static std::string list_path(const std::string& investigation_id);
    /// URL and required fields.
    static const ModelInfo model_info;
    /// `api.create<TaggedEvent>()` is allowed.
    static constexpr bool creatable = true;
    /// What `select<TaggedEvent>()` returns: needs `.where("investigation_id:<id>")`.
    using query_type = ActionQuery<TaggedEvent>;
    /// The where() field of the query.
    static constexpr const char* parent_field = "investigation_id";

    /// @param api API state @param doc the event's document @param full ignored: tagged events are always complete
    TaggedEvent(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full = true);

    /// `investigation_id`; none when not set. @throws ApiError naming the field when it is not a number
    std::optional<long long> investigation_id() const;
    /// `event_type`: filemod, regmod, netconn, modload, childproc, crossproc, procstart, ...
    std::string event_type() const;
    /// `unique_id`: the GUID of the process the event belongs to.
    std::string process_guid() const;
    /// `segment_id` of that process; none when absent.
    std::optional<long long> segment_id() const;
    /// `event_data`: the event as the console tagged it (an empty object when absent).
    nlohmann::json event_data() const;
    /// `notes`.
    std::string notes() const;
    /// `tagged_by_user_id` ("" for system-created events).
    std::string tagged_by_user_id() const;
    /// `date_tagged`.
    std::optional<TimePoint> date_tagged() const;
    /// `start_date`: when the process started.
    std::optional<TimePoint> start_date() const;

    /// The process (segment `segment_id`, or the default one), loaded lazily; none when `unique_id` is empty.
    std::optional<Process> process() const;
    /// The investigation, looked up in `GET /api/investigations` (cbapi-python 1.3.2's property was broken).
    /// @throws InvalidObjectError without investigation_id; ObjectNotFoundError when the server does not list it
    Investigation investigation() const;

    /// Sets `investigation_id`. @return this event
    TaggedEvent& set_investigation_id(long long id);
    /// Sets `unique_id`, `segment_id` and `start_date` from a process. @return this event
    TaggedEvent& set_process(const Process& process);
    /// Sets `event_type`. @throws ApiError for an empty type @return this event
    TaggedEvent& set_event_type(const std::string& type);
    /// Sets `event_data`. @return this event
    TaggedEvent& set_event_data(nlohmann::json data);
    /// Sets `notes`. @return this event
    TaggedEvent& set_notes(const std::string& notes);

protected:
    /// Merges the reply into the document (there is no GET of one tagged event to reload it from).
    void apply_reply(const Response& reply, HttpMethod method, const std::string& path, bool created) override;
};

}  // namespace cbapi::response
