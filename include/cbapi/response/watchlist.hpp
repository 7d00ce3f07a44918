#pragma once
/// @file
/// Cb Response watchlists (`/api/v1/watchlist`) and their actions (`/api/v1/watchlist/<id>/action`).

#include "cbapi/fwd.hpp"

#include <map>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/action.hpp"
#include "cbapi/response/binary.hpp"
#include "cbapi/response/process.hpp"
#include "cbapi/time.hpp"

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
    static const ModelInfo model_info;
    /// `api.create<Watchlist>()` is allowed.
    static constexpr bool creatable = true;
    /// What `select<Watchlist>()` returns.
    using query_type = SimpleQuery<Watchlist>;
    /// What search() returns: the process query for "events" watchlists, the binary query for "modules" ones.
    using search_type = std::variant<typename Process::query_type, typename Binary::query_type>;

    /// @param api API state @param doc the watchlist document @param full whether it is complete
    Watchlist(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full);

    /// `name`.
    std::string name() const;
    /// The URL-encoded query string the watchlist runs, e.g. "cb.urlver=1&q=process_name%3Anotepad.exe".
    std::string search_query() const;
    /// "events" (processes) or "modules" (binaries).
    std::string index_type() const;
    /// `enabled` (true when absent).
    bool enabled() const;
    /// `readonly`: set by the server for watchlists that come from the Alliance.
    bool readonly() const;
    /// `total_hits` (the server sends a string); 0 when absent.
    long long total_hits() const;
    /// `total_tags`; 0 when absent.
    long long total_tags() const;
    /// `last_hit_count`; 0 when absent.
    long long last_hit_count() const;
    /// `date_added`.
    std::optional<TimePoint> date_added() const;
    /// `last_hit`.
    std::optional<TimePoint> last_hit() const;
    /// `search_timestamp`: when the server last ran the search.
    std::optional<TimePoint> search_timestamp() const;

    /// The human-readable query: the `q` parameter of search_query plus every `cb.q.<field>=<value>` as
    /// `<field>:<value>`, in order, joined by spaces (blank values dropped). For
    /// "cb.urlver=1&q=-path%3Ac%3A%5Cwindows%5C%2A&cb.q.filemod=c%3A%5Cwindows%5Csystem32%5C%2A" that is
    /// `-path:c:\windows\* filemod:c:\windows\system32\*`.
    std::string query() const;

    /// The `cb.fq.<name>` filters of search_query, by name.
    std::map<std::string, std::string> facets() const;

    /// Sets the query: search_query keeps its other parameters (sort, cb.fq.*, ...), loses `q` and every
    /// `cb.q.*`, gains `cb.urlver=1` when missing, and ends with `q=<query>`. Values are percent-encoded as
    /// cbapi-python does (`/` kept, space as %20); keys as they were.
    /// @param query the search, e.g. "process_name:notepad.exe" @return this watchlist
    /// @throws ApiError for an empty query
    Watchlist& set_query(const std::string& query);
    /// Sets `name`. @param value the name @return this watchlist
    Watchlist& set_name(const std::string& value);
    /// Sets `index_type`. @param value "events" or "modules" @return this watchlist
    /// @throws ApiError for another value
    Watchlist& set_index_type(const std::string& value);
    /// Sets `search_query` as given (already URL-encoded). @param value the query string @return this watchlist
    Watchlist& set_search_query(const std::string& value);
    /// Sets `enabled`. @param value whether the watchlist runs @return this watchlist
    Watchlist& set_enabled(bool value);

    /// The processes ("events") or binaries ("modules") the watchlist matches: the model's query running the
    /// watchlist's search_query as a raw query (cbapi-python 1.3.2 drops the filter and returns every process).
    /// @throws InvalidObjectError "index_type of X is invalid" for another index type
    search_type search() const;
    /// The processes an "events" watchlist matches (see search()).
    /// @throws InvalidObjectError when the watchlist is not an "events" watchlist
    typename Process::query_type process_search() const;
    /// The binaries a "modules" watchlist matches (see search()).
    /// @throws InvalidObjectError when the watchlist is not a "modules" watchlist
    typename Binary::query_type binary_search() const;

    /// The watchlist's actions (`GET /api/v1/watchlist/<id>/action`).
    /// @throws InvalidObjectError for a watchlist never saved
    ActionQuery<WatchlistAction> actions() const;
    /// A new action of this watchlist (nothing is sent until its save()).
    /// @throws InvalidObjectError for a watchlist never saved
    WatchlistAction create_action() const;

private:
    Watchlist& chain(const char* field, nlohmann::json value);
    long long number_field(const char* field) const;
    void require_index(const char* type) const;
    void require_saved() const;
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
    static std::string list_path(const std::string& watchlist_id);
    /// URL of one action, required fields.
    static const ModelInfo model_info;
    /// `api.create<WatchlistAction>()` is allowed (set watchlist_id yourself, or use Watchlist::create_action()).
    static constexpr bool creatable = true;
    /// What `select<WatchlistAction>()` returns: needs `.where("watchlist_id:<id>")`.
    using query_type = ActionQuery<WatchlistAction>;
    /// The where() field of the query.
    static constexpr const char* parent_field = "watchlist_id";

    /// @param api API state @param doc the action document @param full ignored: actions are always complete
    WatchlistAction(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full = true);

    /// `watchlist_id`.
    std::string watchlist_id() const;
    /// The watchlist (loaded lazily). @throws InvalidObjectError when watchlist_id is not set
    Watchlist watchlist() const;
    /// Sets `watchlist_id`. @param id the watchlist's id @return this action
    WatchlistAction& set_watchlist_id(const std::string& id);

protected:
    std::string save_path(bool create) const override;

    friend class Watchlist;
};

}  // namespace cbapi::response
