#pragma once
/// @file
/// What a Cb Response watchlist or feed does when it hits: action types, the model both action kinds share, and the
/// query that lists the actions of one watchlist or feed.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/api_state.hpp"
#include "cbapi/detail/json_text.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/model_support.hpp"

namespace cbapi::response {

namespace detail {

/// An id as the number the server expects when it is one ("6" → 6), else the text as is.
inline nlohmann::json number_if_numeric(const std::string& text) {
    try {
        std::size_t used = 0;
        const long long n = std::stoll(text, &used);
        if (used == text.size()) return n;
    } catch (const std::exception&) {
    }
    return text;
}

}  // namespace detail

/// The action types of watchlists and feeds (`action_type` on the wire).
enum class ActionType : int {
    email = 0,      ///< send an e-mail
    syslog = 1,     ///< write a syslog line
    http_post = 2,  ///< POST to a URL
    alert = 3,      ///< raise an alert
};

/// The name of an action type number: "email", "syslog", "http_post", "alert", or "unknown" for any other number.
/// @param action_type the wire value
inline std::string action_type_name(long long action_type) {
    switch (action_type) {
        case 0: return "email";
        case 1: return "syslog";
        case 2: return "http_post";
        case 3: return "alert";
        default: return "unknown";
    }
}

/// The wire value of an action type name ("email", "syslog", "http_post", "alert").
/// @throws ApiError "Unknown Action type: <name>"
inline ActionType action_type_from_name(const std::string& name) {
    for (int i = 0; i <= 3; ++i)
        if (action_type_name(i) == name) return static_cast<ActionType>(i);
    throw ApiError("Unknown Action type: " + name);
}

/// Base of WatchlistAction and FeedAction: `action_type` and `action_data`.
///
/// The server has no route to read one action, so an action is always complete as listed or created (reading a
/// missing field gives nullopt, never a request), and the reply to a save is merged into it instead of triggering a
/// reload (cbapi-python replaces the document by the bare `{"id": N}` it gets back).
class ActionModel : public MutableModel {
public:
    /// `action_type` as a number (see ActionType); nullopt when not set.
    std::optional<long long> action_type() const { return get<long long>("action_type"); }
    /// The action type's name ("email", "syslog", "http_post", "alert"; "unknown" for another number or none).
    std::string type() const { return action_type() ? action_type_name(*action_type()) : std::string("unknown"); }
    /// `action_data`: the action's parameters as the server stores them (often a JSON string).
    std::string action_data() const { return get_or<std::string>("action_data", ""); }

    /// Sets `action_type`. @param type the type @return this action
    ActionModel& set_type(ActionType type) {
        set("action_type", static_cast<int>(type));
        return *this;
    }
    /// Sets `action_type` from its name. @param name "email", "syslog", "http_post" or "alert" @return this action
    /// @throws ApiError "Unknown Action type: <name>"
    ActionModel& set_type(const std::string& name) { return set_type(action_type_from_name(name)); }
    /// Sets `action_data`. @param data the parameters @return this action
    ActionModel& set_action_data(const std::string& data) {
        set("action_data", data);
        return *this;
    }

protected:
    ActionModel(const ModelInfo& info, cbapi::detail::ApiHandle api, nlohmann::json doc)
        : MutableModel(info, std::move(api), std::move(doc), /*full=*/true) {}

    /// The parent's id as the number the server expects (a watchlist id arrives as a string such as "6").
    static nlohmann::json parent_id_value(const std::string& id) { return detail::number_if_numeric(id); }

    void apply_reply(const Response& reply, HttpMethod method, const std::string& path, bool created) override {
        const auto parsed = nlohmann::json::parse(reply.body, nullptr, false);
        if (parsed.is_object() && parsed.contains("result")) {
            const auto& result = parsed["result"];
            if (!(result.is_string() && result.get<std::string>() == "success") && !result.is_null())
                throw ServerError(reply.status,
                                  result.is_string() ? result.get<std::string>() : cbapi::detail::json_text(result),
                                  std::string(cbapi::to_string(method)), path, reply.body,
                                  std::string("Did not ") + (created ? "create " : "update ") +
                                      model_info().type_name + " record.");
        }
        if (parsed.is_object())
            for (const auto& [key, value] : parsed.items())
                if (key != "result") mutable_document()[key] = value;
        if (created && id().empty())
            throw ServerError(reply.status, "The server did not return the new action's id",
                              std::string(cbapi::to_string(method)), path, reply.body);
    }
};

/// The actions of one watchlist or feed: `select<WatchlistAction>().where("watchlist_id:<id>")`,
/// `select<FeedAction>().where("group_id:<feed id>")` (or Watchlist::actions(), Feed::actions()).
///
/// Exactly one where() naming the parent is needed; the list is fetched once (`GET <parent>/<id>/action`) and kept,
/// by a SimpleQuery over that path. `M` provides `parent_field` (the where() field) and `list_path(parent_id)`.
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
    ActionQuery where(const std::string& clause) const {
        if (list_) throw ApiError("Cannot have multiple 'where' clauses");
        const auto colon = clause.find(':');
        if (colon == std::string::npos || clause.substr(0, colon) != M::parent_field)
            throw ApiError(std::string("Field name must be: ") + M::parent_field);
        const std::string id = clause.substr(colon + 1);
        if (id.empty()) throw ApiError(std::string("The ") + M::parent_field + " in the where clause is empty");
        ActionQuery copy(api_);
        copy.list_.emplace(api_, M::list_path(id));
        return copy;
    }

    /// The actions (one GET, then kept; copies share it).
    /// @throws ApiError "Must use a search parameter: .where('<parent_field>:<id>')" without where(); ServerError
    ///         for a reply that is not a JSON array of objects; the request's exceptions
    const std::vector<M>& results() const { return list().results(); }
    iterator begin() const { return results().begin(); }
    iterator end() const { return results().end(); }
    /// The number of actions.
    std::size_t size() const { return results().size(); }
    /// Whether there are none.
    bool empty() const { return results().empty(); }
    /// The first action, if any.
    std::optional<M> first() const { return list().first(); }

private:
    const SimpleQuery<M>& list() const {
        if (!list_)
            throw ApiError(std::string("Must use a search parameter: .where('") + M::parent_field + ":<id>')");
        return *list_;
    }

    cbapi::detail::ApiHandle api_;
    /// The parent's action list, once where() has named the parent.
    std::optional<SimpleQuery<M>> list_;
};

}  // namespace cbapi::response
