// Cb Response investigations and tagged events (include/cbapi/response/investigation.hpp). ActionQuery<TaggedEvent>
// is instantiated here (members in action_query_impl.hpp).

#include "cbapi/response/investigation.hpp"

#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "cbapi/detail/url.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/model.hpp"
#include "cbapi/response/model_support.hpp"
#include "response/action_query_impl.hpp"
#include "response/numeric_id.hpp"
#include "response/save_reply.hpp"

namespace cbapi::response {

template class ActionQuery<TaggedEvent>;

const ModelInfo Investigation::model_info = ModelInfo("Investigation", "/api/investigations");

Investigation::Investigation(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : MutableModel(model_info, std::move(api), std::move(doc), full) {}

std::string Investigation::name() const { return get_or<std::string>("name", ""); }

std::string Investigation::notes() const { return get_or<std::string>("notes", ""); }

std::optional<TimePoint> Investigation::date_started() const { return get<TimePoint>("date_started"); }

std::optional<TimePoint> Investigation::last_updated() const { return get<TimePoint>("last_updated"); }

ActionQuery<TaggedEvent> Investigation::events() const {
    if (id().empty()) throw InvalidObjectError("Cannot list the tagged events of an " + describe() + " without id");
    return ActionQuery<TaggedEvent>(api()).where(std::string(TaggedEvent::parent_field) + ":" + id());
}

TaggedEvent Investigation::tag_event() const {
    if (id().empty()) throw InvalidObjectError("Cannot tag an event into an " + describe() + " without id");
    TaggedEvent event(api(), nlohmann::json::object(), true);
    event.set("investigation_id", detail::number_if_numeric(id()));
    return event;
}

std::string TaggedEvent::list_path(const std::string& investigation_id) {
    return "/api/tagged_event/" + cbapi::detail::encode_path_segment(investigation_id);
}

const ModelInfo TaggedEvent::model_info =
    ModelInfo("TaggedEvent", "/api/tagged_event").required({"investigation_id", "unique_id", "event_type"});

// A tagged event is always complete: the server has no route to read one.
TaggedEvent::TaggedEvent(cbapi::detail::ApiHandle api, nlohmann::json doc, bool /*full*/)
    : MutableModel(model_info, std::move(api), std::move(doc), /*full=*/true) {}

std::optional<long long> TaggedEvent::investigation_id() const { return get<long long>("investigation_id"); }

std::string TaggedEvent::event_type() const { return get_or<std::string>("event_type", ""); }

std::string TaggedEvent::process_guid() const { return get_or<std::string>("unique_id", ""); }

std::optional<long long> TaggedEvent::segment_id() const { return get<long long>("segment_id"); }

nlohmann::json TaggedEvent::event_data() const {
    const auto it = document().find("event_data");
    return it == document().end() || it->is_null() ? nlohmann::json::object() : *it;
}

std::string TaggedEvent::notes() const { return get_or<std::string>("notes", ""); }

std::string TaggedEvent::tagged_by_user_id() const {
    const auto it = document().find("tagged_by_user_id");
    if (it == document().end() || it->is_null()) return {};
    return detail::text_field(document(), "tagged_by_user_id");
}

std::optional<TimePoint> TaggedEvent::date_tagged() const { return get<TimePoint>("date_tagged"); }

std::optional<TimePoint> TaggedEvent::start_date() const { return get<TimePoint>("start_date"); }

// cbapi-python: select(Process, unique_id, segment_id or 1); here a missing segment is the server's default one.
std::optional<Process> TaggedEvent::process() const {
    const std::string guid = process_guid();
    if (guid.empty()) return std::nullopt;
    nlohmann::json initial = {{"id", guid}};
    if (const auto segment = segment_id()) initial["segment_id"] = *segment;
    return Process(api(), std::move(initial), false);
}

Investigation TaggedEvent::investigation() const {
    const auto wanted = investigation_id();
    if (!wanted) throw InvalidObjectError("The " + describe() + " has no investigation_id");
    for (const Investigation& i : SimpleQuery<Investigation>(api()))
        if (i.id() == std::to_string(*wanted)) return i;
    throw ObjectNotFoundError("/api/investigations", "Investigation " + std::to_string(*wanted) + " is not listed");
}

TaggedEvent& TaggedEvent::set_investigation_id(long long id) {
    set("investigation_id", id);
    return *this;
}

TaggedEvent& TaggedEvent::set_process(const Process& process) {
    set("unique_id", process.guid());
    set("segment_id", process.segment());
    if (const auto start = process.start()) set("start_date", format_solr_time(*start));
    return *this;
}

TaggedEvent& TaggedEvent::set_event_type(const std::string& type) {
    if (type.empty()) throw ApiError("A tagged event needs an event_type");
    set("event_type", type);
    return *this;
}

TaggedEvent& TaggedEvent::set_event_data(nlohmann::json data) {
    set("event_data", std::move(data));
    return *this;
}

TaggedEvent& TaggedEvent::set_notes(const std::string& notes) {
    set("notes", notes);
    return *this;
}

void TaggedEvent::apply_reply(const Response& reply, HttpMethod method, const std::string& path, bool created) {
    detail::merge_save_reply(*this, mutable_document(), reply, method, path, created);
}

}  // namespace cbapi::response
