// Watchlists and watchlist actions (include/cbapi/response/watchlist.hpp).

#include "cbapi/response/watchlist.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cbapi/detail/json_number.hpp"
#include "cbapi/detail/url.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/response/model_support.hpp"
#include "response/action_query_impl.hpp"

namespace cbapi::response {

template class ActionQuery<WatchlistAction>;

// --- Watchlist ---------------------------------------------------------------------------------------------------

const ModelInfo Watchlist::model_info =
    ModelInfo("Watchlist", "/api/v1/watchlist").required({"name", "search_query", "index_type"});

Watchlist::Watchlist(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : MutableModel(model_info, std::move(api), std::move(doc), full) {}

std::string Watchlist::name() const { return get_or<std::string>("name", ""); }

std::string Watchlist::search_query() const { return get_or<std::string>("search_query", ""); }

std::string Watchlist::index_type() const { return get_or<std::string>("index_type", ""); }

bool Watchlist::enabled() const { return get_or<bool>("enabled", true); }

bool Watchlist::readonly() const { return get_or<bool>("readonly", false); }

long long Watchlist::total_hits() const { return number_field("total_hits"); }

long long Watchlist::total_tags() const { return number_field("total_tags"); }

long long Watchlist::last_hit_count() const { return number_field("last_hit_count"); }

std::optional<TimePoint> Watchlist::date_added() const { return get<TimePoint>("date_added"); }

std::optional<TimePoint> Watchlist::last_hit() const { return get<TimePoint>("last_hit"); }

std::optional<TimePoint> Watchlist::search_timestamp() const { return get<TimePoint>("search_timestamp"); }

// search_query is a URL query string: q is the query, each cb.q.<field>=<value> one more clause.
std::string Watchlist::query() const {
    std::vector<std::string> parts;
    for (const auto& [key, value] : cbapi::detail::parse_query_string(search_query())) {
        if (value.empty()) continue;
        if (key == "q")
            parts.push_back(value);
        else if (key.rfind("cb.q.", 0) == 0)
            parts.push_back(key.substr(5) + ":" + value);
    }
    return fmt::format("{}", fmt::join(parts, " "));
}

std::map<std::string, std::string> Watchlist::facets() const {
    std::map<std::string, std::string> out;
    for (const auto& [key, value] : cbapi::detail::parse_query_string(search_query()))
        if (key.rfind("cb.fq.", 0) == 0 && !value.empty()) out[key.substr(6)] = value;
    return out;
}

// Values are re-encoded as cbapi-python does (quote: '/' kept, space as %20); keys are kept as they were.
Watchlist& Watchlist::set_query(const std::string& query) {
    if (query.empty()) throw ApiError("A watchlist query cannot be empty");
    std::vector<std::string> pairs;
    bool has_urlver = false;
    for (const auto& [key, value] : cbapi::detail::parse_query_string(search_query())) {
        if (key == "q" || key.rfind("cb.q.", 0) == 0) continue;
        if (key == "cb.urlver") has_urlver = true;
        pairs.push_back(key + "=" + cbapi::detail::quote(value));
    }
    if (!has_urlver) pairs.insert(pairs.begin(), "cb.urlver=1");
    pairs.push_back("q=" + cbapi::detail::quote(query));
    set("search_query", fmt::format("{}", fmt::join(pairs, "&")));
    return *this;
}

Watchlist& Watchlist::set_name(const std::string& value) { return chain("name", value); }

Watchlist& Watchlist::set_index_type(const std::string& value) {
    if (value != "events" && value != "modules")
        throw ApiError("index_type must be 'events' or 'modules', got '" + value + "'");
    return chain("index_type", value);
}

Watchlist& Watchlist::set_search_query(const std::string& value) { return chain("search_query", value); }

Watchlist& Watchlist::set_enabled(bool value) { return chain("enabled", value); }

Watchlist::search_type Watchlist::search() const {
    const std::string type = index_type();
    if (type == "events") return process_search();
    if (type == "modules") return binary_search();
    throw InvalidObjectError("index_type of " + type + " is invalid");
}

typename Process::query_type Watchlist::process_search() const {
    require_index("events");
    return typename Process::query_type(api()).raw(search_query());
}

typename Binary::query_type Watchlist::binary_search() const {
    require_index("modules");
    return typename Binary::query_type(api()).raw(search_query());
}

ActionQuery<WatchlistAction> Watchlist::actions() const {
    require_saved();
    return ActionQuery<WatchlistAction>(api()).where(std::string(WatchlistAction::parent_field) + ":" + id());
}

WatchlistAction Watchlist::create_action() const {
    require_saved();
    WatchlistAction action(api(), nlohmann::json::object());
    action.set_watchlist_id(id());
    return action;
}

Watchlist& Watchlist::chain(const char* field, nlohmann::json value) {
    set(field, std::move(value));
    return *this;
}

long long Watchlist::number_field(const char* field) const {
    const auto value = get<nlohmann::json>(field);
    if (!value) return 0;
    try {
        return cbapi::detail::lenient_integer(*value, field).value_or(0);
    } catch (const ApiError& e) {
        throw ApiError(std::string(e.what()) + " (" + describe() + ")");
    }
}

void Watchlist::require_index(const char* type) const {
    if (index_type() != type)
        throw InvalidObjectError(describe() + " has index_type '" + index_type() + "', not '" + type + "'");
}

void Watchlist::require_saved() const {
    if (id().empty()) throw InvalidObjectError("Save the watchlist before using its actions");
}

// --- WatchlistAction ---------------------------------------------------------------------------------------------

std::string WatchlistAction::list_path(const std::string& watchlist_id) {
    return "/api/v1/watchlist/" + cbapi::detail::encode_path_segment(watchlist_id) + "/action";
}

const ModelInfo WatchlistAction::model_info =
    ModelInfo("WatchlistAction", "/api/v1/watchlist")
        .required({"action_type", "watchlist_id"})
        .located_by([](const nlohmann::json& doc) {
            return list_path(detail::text_field(doc, "watchlist_id")) + "/" +
                   cbapi::detail::encode_path_segment(detail::text_field(doc, "id"));
        });

WatchlistAction::WatchlistAction(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : ActionModel(model_info, std::move(api), std::move(doc)) {
    (void)full;
}

std::string WatchlistAction::watchlist_id() const { return detail::text_field(document(), "watchlist_id"); }

Watchlist WatchlistAction::watchlist() const {
    if (watchlist_id().empty()) throw InvalidObjectError("This WatchlistAction has no watchlist_id");
    return Watchlist(api(), {{"id", watchlist_id()}}, false);
}

WatchlistAction& WatchlistAction::set_watchlist_id(const std::string& id) {
    set("watchlist_id", parent_id_value(id));
    return *this;
}

std::string WatchlistAction::save_path(bool create) const {
    if (!create) return ActionModel::save_path(false);
    return list_path(watchlist_id());
}


}  // namespace cbapi::response
