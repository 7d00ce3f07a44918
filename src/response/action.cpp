// Action types and the action model base (include/cbapi/response/action.hpp). ActionQuery<M> is instantiated with
// its models, in watchlist.cpp and feed.cpp (members in action_query_impl.hpp).

#include "cbapi/response/action.hpp"

#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "cbapi/detail/json_text.hpp"
#include "cbapi/errors.hpp"
#include "response/numeric_id.hpp"
#include "response/save_reply.hpp"

namespace cbapi::response {

std::string action_type_name(long long action_type) {
    switch (action_type) {
        case 0: return "email";
        case 1: return "syslog";
        case 2: return "http_post";
        case 3: return "alert";
        default: return "unknown";
    }
}

ActionType action_type_from_name(const std::string& name) {
    for (int i = 0; i <= 3; ++i)
        if (action_type_name(i) == name) return static_cast<ActionType>(i);
    throw ApiError("Unknown Action type: " + name);
}

// An action is always complete: the server has no route to read one.
ActionModel::ActionModel(const ModelInfo& info, cbapi::detail::ApiHandle api, nlohmann::json doc)
    : MutableModel(info, std::move(api), std::move(doc), /*full=*/true) {}

std::optional<long long> ActionModel::action_type() const { return get<long long>("action_type"); }

std::string ActionModel::type() const {
    return action_type() ? action_type_name(*action_type()) : std::string("unknown");
}

std::string ActionModel::action_data() const { return get_or<std::string>("action_data", ""); }

ActionModel& ActionModel::set_type(ActionType type) {
    set("action_type", static_cast<int>(type));
    return *this;
}

ActionModel& ActionModel::set_type(const std::string& name) { return set_type(action_type_from_name(name)); }

ActionModel& ActionModel::set_action_data(const std::string& data) {
    set("action_data", data);
    return *this;
}

nlohmann::json ActionModel::parent_id_value(const std::string& id) { return detail::number_if_numeric(id); }

void ActionModel::apply_reply(const Response& reply, HttpMethod method, const std::string& path, bool created) {
    detail::merge_save_reply(*this, mutable_document(), reply, method, path, created);
}

namespace detail {

// The reply is merged into the document instead of reloading it (cbapi-python replaces the document by the bare
// {"id": N} it gets back). {"result": "success"} or null is a success; any other result is the server's error.
void merge_save_reply(const Model& self, nlohmann::json& document, const Response& reply, HttpMethod method,
                      const std::string& path, bool created) {
    const auto parsed = nlohmann::json::parse(reply.body, nullptr, false);
    if (parsed.is_object() && parsed.contains("result")) {
        const auto& result = parsed["result"];
        if (!(result.is_string() && result.get<std::string>() == "success") && !result.is_null())
            throw ServerError(reply.status,
                              result.is_string() ? result.get<std::string>() : cbapi::detail::json_text(result),
                              std::string(cbapi::to_string(method)), path, reply.body,
                              std::string("Did not ") + (created ? "create " : "update ") +
                                  self.model_info().type_name + " record.");
    }
    if (parsed.is_object())
        for (const auto& [key, value] : parsed.items())
            if (key != "result") document[key] = value;
    if (created && self.id().empty())
        throw ServerError(reply.status, "The server did not return the new " + self.model_info().type_name + "'s id",
                          std::string(cbapi::to_string(method)), path, reply.body);
}

}  // namespace detail

}  // namespace cbapi::response
