#pragma once
/// @file
/// Cb Response watchlists (`/api/v1/watchlist`) and their actions (`/api/v1/watchlist/<id>/action`).

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "cbapi/detail/url.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/action.hpp"
#include "cbapi/response/binary.hpp"
#include "cbapi/response/model_support.hpp"
#include "cbapi/response/process.hpp"
#include "cbapi/response/query.hpp"

namespace cbapi::response {

class WatchlistAction;

/// A watchlist: a saved process search (`index_type` "events") or binary search ("modules") that tags what it
/// matches and raises alerts.
///
/// Listed with `select<Watchlist>()` (client-side filtering: `where("name:Suspicious cmd")`), loaded with
/// `select<Watchlist>(id)`; created with `create<Watchlist>()` (required: name, search_query, index_type), updated
/// with `save()` (PUT of the whole document), deleted with `remove()`. The server sends ids as strings ("6").
///
/// @code
/// auto w = cb.create<Watchlist>();
/// w.set_name("Notepad").set_index_type("events").set_query("process_name:notepad.exe");
/// w.save();                              // POST /api/v1/watchlist {"index_type", "name", "search_query"}
/// auto hits = w.process_search().size(); // GET /api/v1/process?cb.urlver=1&q=process_name%3Anotepad.exe&rows=0...
/// @endcode
class Watchlist : public MutableModel {
public:
    /// URL and required fields.
    inline static const ModelInfo model_info =
        ModelInfo("Watchlist", "/api/v1/watchlist").required({"name", "search_query", "index_type"});
    /// `api.create<Watchlist>()` is allowed.
    static constexpr bool creatable = true;
    /// What `select<Watchlist>()` returns.
    using query_type = SimpleQuery<Watchlist>;
    /// What search() returns: the process query for "events" watchlists, the binary query for "modules" ones.
    using search_type = std::variant<typename Process::query_type, typename Binary::query_type>;

    /// @param api API state @param doc the watchlist document @param full whether it is complete
    Watchlist(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
        : MutableModel(model_info, std::move(api), std::move(doc), full) {}

    /// `name`.
    std::string name() const { return get_or<std::string>("name", ""); }
    /// The URL-encoded query string the watchlist runs, e.g. "cb.urlver=1&q=process_name%3Anotepad.exe".
    std::string search_query() const { return get_or<std::string>("search_query", ""); }
    /// "events" (processes) or "modules" (binaries).
    std::string index_type() const { return get_or<std::string>("index_type", ""); }
    /// `enabled` (true when absent).
    bool enabled() const { return get_or<bool>("enabled", true); }
    /// `readonly`: set by the server for watchlists that come from the Alliance.
    bool readonly() const { return get_or<bool>("readonly", false); }
    /// `total_hits` (the server sends a string); 0 when absent.
    long long total_hits() const { return number_field("total_hits"); }
    /// `total_tags`; 0 when absent.
    long long total_tags() const { return number_field("total_tags"); }
    /// `last_hit_count`; 0 when absent.
    long long last_hit_count() const { return number_field("last_hit_count"); }
    /// `date_added`.
    std::optional<TimePoint> date_added() const { return get<TimePoint>("date_added"); }
    /// `last_hit`.
    std::optional<TimePoint> last_hit() const { return get<TimePoint>("last_hit"); }
    /// `search_timestamp`: when the server last ran the search.
    std::optional<TimePoint> search_timestamp() const { return get<TimePoint>("search_timestamp"); }

    /// The human-readable query: the `q` parameter of search_query plus every `cb.q.<field>=<value>` as
    /// `<field>:<value>`, in order, joined by spaces (blank values dropped). For
    /// "cb.urlver=1&q=-path%3Ac%3A%5Cwindows%5C%2A&cb.q.filemod=c%3A%5Cwindows%5Csystem32%5C%2A" that is
    /// `-path:c:\windows\* filemod:c:\windows\system32\*`.
    std::string query() const {
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

    /// The `cb.fq.<name>` filters of search_query, by name.
    std::map<std::string, std::string> facets() const {
        std::map<std::string, std::string> out;
        for (const auto& [key, value] : cbapi::detail::parse_query_string(search_query()))
            if (key.rfind("cb.fq.", 0) == 0 && !value.empty()) out[key.substr(6)] = value;
        return out;
    }

    /// Sets the query: search_query keeps its other parameters (sort, cb.fq.*, ...), loses `q` and every
    /// `cb.q.*`, gains `cb.urlver=1` when missing, and ends with `q=<query>`. Values are percent-encoded as
    /// cbapi-python does (`/` kept, space as %20); keys as they were.
    /// @param query the search, e.g. "process_name:notepad.exe" @return this watchlist
    /// @throws ApiError for an empty query
    Watchlist& set_query(const std::string& query) {
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
    /// Sets `name`. @param value the name @return this watchlist
    Watchlist& set_name(const std::string& value) { return chain("name", value); }
    /// Sets `index_type`. @param value "events" or "modules" @return this watchlist
    /// @throws ApiError for another value
    Watchlist& set_index_type(const std::string& value) {
        if (value != "events" && value != "modules")
            throw ApiError("index_type must be 'events' or 'modules', got '" + value + "'");
        return chain("index_type", value);
    }
    /// Sets `search_query` as given (already URL-encoded). @param value the query string @return this watchlist
    Watchlist& set_search_query(const std::string& value) { return chain("search_query", value); }
    /// Sets `enabled`. @param value whether the watchlist runs @return this watchlist
    Watchlist& set_enabled(bool value) { return chain("enabled", value); }

    /// The processes ("events") or binaries ("modules") the watchlist matches: the model's query running the
    /// watchlist's search_query as a raw query (cbapi-python 1.3.2 drops the filter and returns every process).
    /// @throws InvalidObjectError "index_type of X is invalid" for another index type
    search_type search() const {
        const std::string type = index_type();
        if (type == "events") return process_search();
        if (type == "modules") return binary_search();
        throw InvalidObjectError("index_type of " + type + " is invalid");
    }
    /// The processes an "events" watchlist matches (see search()).
    /// @throws InvalidObjectError when the watchlist is not an "events" watchlist
    typename Process::query_type process_search() const {
        require_index("events");
        return typename Process::query_type(api()).raw(search_query());
    }
    /// The binaries a "modules" watchlist matches (see search()).
    /// @throws InvalidObjectError when the watchlist is not a "modules" watchlist
    typename Binary::query_type binary_search() const {
        require_index("modules");
        return typename Binary::query_type(api()).raw(search_query());
    }

    /// The watchlist's actions (`GET /api/v1/watchlist/<id>/action`).
    /// @throws InvalidObjectError for a watchlist never saved
    ActionQuery<WatchlistAction> actions() const;
    /// A new action of this watchlist (nothing is sent until its save()).
    /// @throws InvalidObjectError for a watchlist never saved
    WatchlistAction create_action() const;

private:
    Watchlist& chain(const char* field, nlohmann::json value) {
        set(field, std::move(value));
        return *this;
    }
    long long number_field(const char* field) const {
        const auto value = get<nlohmann::json>(field);
        if (!value) return 0;
        try {
            return cbapi::detail::lenient_integer(*value, field).value_or(0);
        } catch (const ApiError& e) {
            throw ApiError(std::string(e.what()) + " (" + describe() + ")");
        }
    }
    void require_index(const char* type) const {
        if (index_type() != type)
            throw InvalidObjectError(describe() + " has index_type '" + index_type() + "', not '" + type + "'");
    }
    void require_saved() const {
        if (id().empty()) throw InvalidObjectError("Save the watchlist before using its actions");
    }
};

/// An action of a watchlist: `/api/v1/watchlist/<watchlist_id>/action[/<id>]` (POST creates, PUT updates, DELETE
/// removes; there is no GET of one action). Required: action_type, watchlist_id.
///
/// @code
/// auto action = watchlist.create_action();
/// action.set_type("email").set_action_data(R"({"email_recipients": [1]})");
/// action.save();
/// @endcode
class WatchlistAction : public ActionModel {
public:
    /// The list (and creation) URL of a watchlist's actions. @param watchlist_id the watchlist's id
    static std::string list_path(const std::string& watchlist_id) {
        return "/api/v1/watchlist/" + cbapi::detail::encode_path_segment(watchlist_id) + "/action";
    }
    /// URL of one action, required fields.
    inline static const ModelInfo model_info =
        ModelInfo("WatchlistAction", "/api/v1/watchlist")
            .required({"action_type", "watchlist_id"})
            .located_by([](const nlohmann::json& doc) {
                return list_path(detail::text_field(doc, "watchlist_id")) + "/" +
                       cbapi::detail::encode_path_segment(detail::text_field(doc, "id"));
            });
    /// `api.create<WatchlistAction>()` is allowed (set watchlist_id yourself, or use Watchlist::create_action()).
    static constexpr bool creatable = true;
    /// What `select<WatchlistAction>()` returns: needs `.where("watchlist_id:<id>")`.
    using query_type = ActionQuery<WatchlistAction>;
    /// The where() field of the query.
    static constexpr const char* parent_field = "watchlist_id";

    /// @param api API state @param doc the action document @param full ignored: actions are always complete
    WatchlistAction(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full = true)
        : ActionModel(model_info, std::move(api), std::move(doc)) {
        (void)full;
    }

    /// `watchlist_id`.
    std::string watchlist_id() const { return detail::text_field(document(), "watchlist_id"); }
    /// The watchlist (loaded lazily). @throws InvalidObjectError when watchlist_id is not set
    Watchlist watchlist() const {
        if (watchlist_id().empty()) throw InvalidObjectError("This WatchlistAction has no watchlist_id");
        return Watchlist(api(), {{"id", watchlist_id()}}, false);
    }
    /// Sets `watchlist_id`. @param id the watchlist's id @return this action
    WatchlistAction& set_watchlist_id(const std::string& id) {
        set("watchlist_id", parent_id_value(id));
        return *this;
    }

protected:
    std::string save_path(bool create) const override {
        if (!create) return ActionModel::save_path(false);
        return list_path(watchlist_id());
    }

    friend class Watchlist;
};

inline ActionQuery<WatchlistAction> Watchlist::actions() const {
    require_saved();
    return ActionQuery<WatchlistAction>(api()).where(std::string(WatchlistAction::parent_field) + ":" + id());
}

inline WatchlistAction Watchlist::create_action() const {
    require_saved();
    WatchlistAction action(api(), nlohmann::json::object());
    action.set_watchlist_id(id());
    return action;
}

}  // namespace cbapi::response
