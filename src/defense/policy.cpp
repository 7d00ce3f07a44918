// Cb Defense policies and their rules (include/cbapi/defense/policy.hpp).

#include "cbapi/defense/policy.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "cbapi/connection.hpp"
#include "cbapi/defense/model.hpp"
#include "cbapi/detail/json_body.hpp"
#include "cbapi/detail/json_number.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/http.hpp"

namespace cbapi::defense {

PolicyRule PolicyRule::from_json(const nlohmann::json& json) {
    if (!json.is_object()) throw ApiError("A policy rule must be a JSON object, got " + std::string(json.type_name()));
    PolicyRule rule;
    std::string field;  // the field being read, for the error message
    // A null field keeps its default; a field of another type is an error naming it.
    const auto text = [&](const nlohmann::json& v, std::string& out) {
        if (!v.is_null()) out = v.get<std::string>();
    };
    try {
        for (const auto& [key, value] : json.items()) {
            field = key;
            if (key == "id") {
                if (!value.is_null()) rule.id = cbapi::detail::checked_integer<long long>(value);
            } else if (key == "required") {
                if (!value.is_null()) rule.required = value.get<bool>();
            } else if (key == "action") {
                text(value, rule.action);
            } else if (key == "operation") {
                text(value, rule.operation);
            } else if (key == "application" && value.is_object()) {
                nlohmann::json rest = value;
                if (const auto t = rest.find("type"); t != rest.end()) {
                    field = "application.type";
                    text(*t, rule.application_type);
                    rest.erase("type");
                }
                if (const auto v = rest.find("value"); v != rest.end()) {
                    field = "application.value";
                    text(*v, rule.application_value);
                    rest.erase("value");
                }
                if (!rest.empty()) rule.extra["application"] = std::move(rest);
            } else {
                rule.extra[key] = value;
            }
        }
    } catch (const nlohmann::json::exception& e) {
        throw ApiError("Field '" + field + "' of a policy rule has the wrong type: " + e.what());
    } catch (const ApiError& e) {
        throw ApiError("Field '" + field + "' of a policy rule: " + e.what());
    }
    return rule;
}

nlohmann::json PolicyRule::to_json() const {
    nlohmann::json json = extra;
    nlohmann::json application = json.contains("application") && json["application"].is_object()
                                     ? json["application"]
                                     : nlohmann::json::object();
    application["type"] = application_type;
    application["value"] = application_value;
    json["application"] = std::move(application);
    json["action"] = action;
    json["operation"] = operation;
    json["required"] = required;
    if (id) json["id"] = *id;
    return json;
}

std::string PolicyRule::describe() const {
    return action + " when " + application_type + " " + application_value + " is " + operation;
}

bool operator==(const PolicyRule& a, const PolicyRule& b) { return a.to_json() == b.to_json(); }

bool operator!=(const PolicyRule& a, const PolicyRule& b) { return !(a == b); }

const ModelInfo Policy::model_info =
    ModelInfo("Policy", "/integrationServices/v3/policy")
        .required({"description", "name", "policy", "priorityLevel", "version"})
        .updated_with(HttpMethod::put)
        .unwrap_with(detail::unwrap_info("policyInfo"));

// Sets a field from any value nlohmann::json takes and returns the policy (the typed setters).
template <typename V>
Policy& Policy::chain(const char* field, V&& value) {
    set(field, nlohmann::json(std::forward<V>(value)));
    return *this;
}

Policy::Policy(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : DefenseMutableModel(model_info, "policyInfo", "policyId", std::move(api), std::move(doc), full) {}

std::optional<long long> Policy::policy_id() const { return id().empty() ? std::nullopt : get<long long>("id"); }

std::string Policy::name() const { return get_or<std::string>("name", ""); }

std::string Policy::description() const { return get_or<std::string>("description", ""); }

std::string Policy::priority_level() const { return get_or<std::string>("priorityLevel", ""); }

long long Policy::version() const { return get_or<long long>("version", 0); }

std::optional<long long> Policy::latest_revision() const { return get<long long>("latestRevision"); }

bool Policy::system_policy() const { return get_or<bool>("systemPolicy", false); }

nlohmann::json Policy::policy() const { return get_or<nlohmann::json>("policy", nlohmann::json::object()); }

std::map<long long, PolicyRule> Policy::rules() const {
    std::map<long long, PolicyRule> out;
    const nlohmann::json doc = policy();
    const auto it = doc.find("rules");
    if (it == doc.end() || !it->is_array()) return out;
    for (const auto& item : *it) {
        PolicyRule rule = PolicyRule::from_json(item);
        if (rule.id) out.emplace(*rule.id, std::move(rule));
    }
    return out;
}

std::map<std::string, std::string> Policy::sensor_settings() const {
    std::map<std::string, std::string> out;
    const nlohmann::json doc = policy();
    const auto it = doc.find("sensorSettings");
    if (it == doc.end() || !it->is_array()) return out;
    for (const auto& s : *it) {
        if (!s.is_object() || !s.contains("name") || !s["name"].is_string()) continue;
        const auto v = s.find("value");
        out[s["name"].get<std::string>()] =
            v == s.end() || v->is_null() ? std::string() : (v->is_string() ? v->get<std::string>() : v->dump());
    }
    return out;
}

Policy& Policy::set_name(const std::string& value) { return chain("name", value); }

Policy& Policy::set_description(const std::string& value) { return chain("description", value); }

Policy& Policy::set_priority_level(const std::string& value) { return chain("priorityLevel", value); }

Policy& Policy::set_version(long long value) { return chain("version", value); }

Policy& Policy::set_policy(nlohmann::json value) {
    if (!value.is_object()) throw ApiError("A policy document must be a JSON object");
    return chain("policy", std::move(value));
}

void Policy::add_rule(const PolicyRule& rule) { add_rule(rule.to_json()); }

void Policy::add_rule(const nlohmann::json& rule) {
    check_rule(rule);
    send_and_refresh(HttpMethod::post, rules_path(), nlohmann::json{{"ruleInfo", rule}},
                     "Did not add rule to " + describe() + ".");
}

void Policy::replace_rule(long long rule_id, const PolicyRule& rule) { replace_rule(rule_id, rule.to_json()); }

void Policy::replace_rule(long long rule_id, const nlohmann::json& rule) {
    check_rule(rule);
    send_and_refresh(HttpMethod::put, rules_path() + "/" + std::to_string(rule_id),
                     nlohmann::json{{"ruleInfo", rule}},
                     "Did not replace rule " + std::to_string(rule_id) + " of " + describe() + ".");
}

void Policy::delete_rule(long long rule_id) {
    send_and_refresh(HttpMethod::del, rules_path() + "/" + std::to_string(rule_id), std::nullopt,
                     "Did not delete rule " + std::to_string(rule_id) + " of " + describe() + ".");
}

void Policy::remove() {
    if (id().empty()) throw InvalidObjectError("Cannot delete a Policy that was never saved");
    const std::string path = model_info.path_for(document());
    const Response reply = api()->connection.request(HttpMethod::del, path);
    if (reply.status != 200 && reply.status != 204)
        throw ServerError(reply.status, "Unexpected reply to DELETE", "DELETE", path, reply.body,
                          "Did not delete " + describe() + ".");
    if (!reply.body.empty())
        check_success(cbapi::detail::parse_json_body(reply.body), reply, HttpMethod::del, path,
                      "Did not delete " + describe() + ".");
}


std::string Policy::rules_path() const {
    if (id().empty()) throw InvalidObjectError("Save the Policy before changing its rules");
    return model_info.path_for(document()) + "/rule";
}

void Policy::check_rule(const nlohmann::json& rule) {
    if (!rule.is_object()) throw ApiError("A policy rule must be a JSON object, got " + std::string(rule.type_name()));
}

}  // namespace cbapi::defense
