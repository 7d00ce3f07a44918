#pragma once
/// @file
/// What a Cb Response watchlist or feed does when it hits: action types, the model both action kinds share, and the
/// query that lists the actions of one watchlist or feed.

#include "cbapi/fwd.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/api_state.hpp"
#include "cbapi/http.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"

namespace cbapi::response {

/// The action types of watchlists and feeds (`action_type` on the wire).
enum class ActionType : int {
    email = 0,      ///< send an e-mail
    syslog = 1,     ///< write a syslog line
    http_post = 2,  ///< POST to a URL
    alert = 3,      ///< raise an alert
};

/// The name of an action type number: "email", "syslog", "http_post", "alert", or "unknown" for any other number.
/// @param action_type the wire value
std::string action_type_name(long long action_type);

/// The wire value of an action type name ("email", "syslog", "http_post", "alert").
/// @throws ApiError "Unknown Action type: <name>"
ActionType action_type_from_name(const std::string& name);

/// Base of WatchlistAction and FeedAction: `action_type` and `action_data`.
///
/// The server has no route to read one action, so an action is always complete as listed or created (reading a
/// missing field gives nullopt, never a request), and the reply to a save is merged into it instead of triggering a
/// reload (cbapi-python replaces the document by the bare `{"id": N}` it gets back).
class ActionModel : public MutableModel {
public:
    /// `action_type` as a number (see ActionType); nullopt when not set.
    std::optional<long long> action_type() const;
    /// The action type's name ("email", "syslog", "http_post", "alert"; "unknown" for another number or none).
    std::string type() const;
    /// `action_data`: the action's parameters as the server stores them (often a JSON string).
    std::string action_data() const;

    /// Sets `action_type`. @param type the type @return this action
    ActionModel& set_type(ActionType type);
    /// Sets `action_type` from its name. @param name "email", "syslog", "http_post" or "alert" @return this action
    /// @throws ApiError "Unknown Action type: <name>"
    ActionModel& set_type(const std::string& name);
    /// Sets `action_data`. @param data the parameters @return this action
    ActionModel& set_action_data(const std::string& data);

protected:
    ActionModel(const ModelInfo& info, cbapi::detail::ApiHandle api, nlohmann::json doc);

    /// The parent's id as the number the server expects (a watchlist id arrives as a string such as "6").
    static nlohmann::json parent_id_value(const std::string& id);

    /// Merges the reply into the document (there is no GET of one action to reload it from).
    /// @throws ServerError for a `{"result": "<error>"}` reply, or a creation whose reply has no id
    void apply_reply(const Response& reply, HttpMethod method, const std::string& path, bool created) override;
};

/// The actions of one watchlist or feed: `select<WatchlistAction>().where("watchlist_id:<id>")`,
/// `select<FeedAction>().where("group_id:<feed id>")` (or Watchlist::actions(), Feed::actions()).
///
/// Exactly one where() naming the parent is needed; the list is fetched once (`GET <parent>/<id>/action`) and kept,
/// by a SimpleQuery over that path. `M` provides `parent_field` (the where() field) and `list_path(parent_id)`.
/// Instantiated in the library for WatchlistAction and FeedAction, the two action models.
template <typename M>
class ActionQuery {
public:
    using model_type = M;
    using iterator = typename std::vector<M>::const_iterator;

    /// @param api the API state
    explicit ActionQuery(cbapi::detail::ApiHandle api) : api_(std::move(api)) {}

    /// Selects the parent: `"<parent_field>:<id>"`.
    /// @throws ApiError "Field name must be: <parent_field>" for another field or a clause without ':';
    ///         "Cannot have multiple 'where' clauses" for a second where()
    ActionQuery where(const std::string& clause) const;

    /// The actions (one GET, then kept; copies share it).
    /// @throws ApiError "Must use a search parameter: .where('<parent_field>:<id>')" without where(); ServerError
    ///         for a reply that is not a JSON array of objects; the request's exceptions
    const std::vector<M>& results() const;
    iterator begin() const;
    iterator end() const;
    /// The number of actions.
    std::size_t size() const;
    /// Whether there are none.
    bool empty() const;
    /// The first action, if any.
    std::optional<M> first() const;

private:
    const SimpleQuery<M>& list() const;

    cbapi::detail::ApiHandle api_;
    /// The parent's action list, once where() has named the parent.
    std::optional<SimpleQuery<M>> list_;
};

}  // namespace cbapi::response
