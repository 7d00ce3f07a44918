#pragma once
/// @file
/// The Cb Defense Policy API: policies (`/integrationServices/v3/policy`) with their policy document, and the rules
/// inside it (`/integrationServices/v3/policy/{id}/rule[/{ruleId}]`).

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cbapi/defense/model.hpp"
#include "cbapi/defense/query.hpp"

namespace cbapi::defense {

/// One rule of a policy, e.g.
/// `{"id": 1, "required": false, "action": "TERMINATE", "application": {"type": "REPUTATION",
/// "value": "KNOWN_MALWARE"}, "operation": "INVOKE_SCRIPT"}`.
///
/// Fields the server sends beyond these are kept in `extra` and sent back unchanged.
struct PolicyRule {
    /// The rule id within its policy; unset for a rule not yet added.
    std::optional<long long> id;
    /// Whether the rule is required.
    bool required = false;
    /// What happens: e.g. TERMINATE, DENY, IGNORE.
    std::string action;
    /// What the rule applies to: REPUTATION or NAME_PATH.
    std::string application_type;
    /// The reputation (e.g. KNOWN_MALWARE) or the path (e.g. `c:\windows\notepad.exe`).
    std::string application_value;
    /// The operation: e.g. RUN, NETWORK, RANSOM, MEMORY_SCRAPE, INVOKE_SCRIPT.
    std::string operation;
    /// Other fields of the rule's JSON.
    nlohmann::json extra = nlohmann::json::object();

    /// Reads a rule.
    /// @param json the rule object @return the rule
    /// @throws ApiError when it is not an object or a field has the wrong type
    static PolicyRule from_json(const nlohmann::json& json) {
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

    /// The rule as JSON (the `ruleInfo` of the rule calls). @return the object
    nlohmann::json to_json() const {
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

    /// "TERMINATE when REPUTATION KNOWN_MALWARE is INVOKE_SCRIPT" (the wording of cbapi-python's example).
    /// @return the text
    std::string describe() const {
        return action + " when " + application_type + " " + application_value + " is " + operation;
    }

    /// Rules are equal when every field is. @param a a rule @param b another @return whether they are equal
    friend bool operator==(const PolicyRule& a, const PolicyRule& b) { return a.to_json() == b.to_json(); }
    /// @param a a rule @param b another @return whether they differ
    friend bool operator!=(const PolicyRule& a, const PolicyRule& b) { return !(a == b); }
};

/// A Cb Defense policy: `GET /integrationServices/v3/policy/{id}` → `{"policyInfo": {...}}`.
///
/// Creatable: `save()` of a new policy sends `POST /integrationServices/v3/policy` with `{"policyInfo": {...}}`
/// (without id); `save()` of an existing one `PUT .../policy/{id}` with `{"policyInfo": <whole document>}`. Replies
/// with `"success": false` raise ServerError with the server's message (cbapi-python 1.3.2 ignores them).
///
/// @code
/// auto p = cb.create<Policy>();
/// p.set_name("Lab").set_description("Lab machines").set_priority_level("LOW").set_version(2)
///  .set_policy(template_policy.policy());
/// p.save();
/// p.add_rule(rule);
/// @endcode
class Policy : public DefenseMutableModel {
public:
    /// URL, primary key `id`, update verb PUT, required fields.
    inline static const ModelInfo model_info = ModelInfo("Policy", "/integrationServices/v3/policy")
                                                   .required({"description", "name", "policy", "priorityLevel",
                                                              "version"})
                                                   .updated_with(HttpMethod::put)
                                                   .unwrap_with(detail::unwrap_info("policyInfo"));
    /// `api.create<Policy>()` is allowed.
    static constexpr bool creatable = true;
    /// What `select<Policy>()` returns.
    using query_type = Query<Policy>;

    /// @param api API state @param doc the policy document @param full whether it is complete
    Policy(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
        : DefenseMutableModel(model_info, "policyInfo", "policyId", std::move(api), std::move(doc), full) {}

    /// `id`; nullopt for a policy not yet saved.
    std::optional<long long> policy_id() const { return id().empty() ? std::nullopt : get<long long>("id"); }
    /// `name`.
    std::string name() const { return get_or<std::string>("name", ""); }
    /// `description`.
    std::string description() const { return get_or<std::string>("description", ""); }
    /// `priorityLevel`: HIGH, MEDIUM or LOW.
    std::string priority_level() const { return get_or<std::string>("priorityLevel", ""); }
    /// `version` of the policy format (2).
    long long version() const { return get_or<long long>("version", 0); }
    /// `latestRevision`; nullopt when absent.
    std::optional<long long> latest_revision() const { return get<long long>("latestRevision"); }
    /// `systemPolicy`: whether the policy is built in.
    bool system_policy() const { return get_or<bool>("systemPolicy", false); }
    /// The policy document (`policy`: rules, `sensorSettings`, `avSettings`, ...); an empty object when absent.
    nlohmann::json policy() const { return get_or<nlohmann::json>("policy", nlohmann::json::object()); }

    /// The rules of the policy document by rule id (empty when it has none).
    /// @return the rules @throws ApiError when a rule is malformed
    std::map<long long, PolicyRule> rules() const {
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
    /// The `sensorSettings` of the policy document as name → value.
    std::map<std::string, std::string> sensor_settings() const {
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

    /// Sets `name`. @param value the name @return this policy
    Policy& set_name(const std::string& value) { return chain("name", value); }
    /// Sets `description`. @param value the description @return this policy
    Policy& set_description(const std::string& value) { return chain("description", value); }
    /// Sets `priorityLevel` (HIGH, MEDIUM or LOW). @param value the level @return this policy
    Policy& set_priority_level(const std::string& value) { return chain("priorityLevel", value); }
    /// Sets `version` (the server expects 2). @param value the version @return this policy
    Policy& set_version(long long value) { return chain("version", value); }
    /// Sets the policy document. @param value a JSON object @return this policy
    /// @throws ApiError when it is not an object
    Policy& set_policy(nlohmann::json value) {
        if (!value.is_object()) throw ApiError("A policy document must be a JSON object");
        return chain("policy", std::move(value));
    }

    /// Adds a rule: `POST .../policy/{id}/rule` with `{"ruleInfo": <rule>}`, then reloads the policy.
    /// @param rule the rule (an id in it is sent as is; the server assigns one when absent)
    /// @throws InvalidObjectError for a policy never saved; ServerError with the server's message when it refuses
    ///         (cbapi-python only checks the HTTP status); the request's exceptions
    void add_rule(const PolicyRule& rule) { add_rule(rule.to_json()); }
    /// add_rule() from the rule's JSON (e.g. read from a file). @param rule a JSON object
    /// @throws ApiError when it is not an object, and as add_rule()
    void add_rule(const nlohmann::json& rule) {
        check_rule(rule);
        send_and_refresh(HttpMethod::post, rules_path(), nlohmann::json{{"ruleInfo", rule}},
                         "Did not add rule to " + describe() + ".");
    }
    /// Replaces a rule: `PUT .../policy/{id}/rule/{rule_id}` with `{"ruleInfo": <rule>}`, then reloads the policy.
    /// @param rule_id the rule to replace @param rule the new rule
    /// @throws as add_rule()
    void replace_rule(long long rule_id, const PolicyRule& rule) { replace_rule(rule_id, rule.to_json()); }
    /// replace_rule() from the rule's JSON. @param rule_id the rule to replace @param rule a JSON object
    /// @throws as add_rule()
    void replace_rule(long long rule_id, const nlohmann::json& rule) {
        check_rule(rule);
        send_and_refresh(HttpMethod::put, rules_path() + "/" + std::to_string(rule_id),
                         nlohmann::json{{"ruleInfo", rule}},
                         "Did not replace rule " + std::to_string(rule_id) + " of " + describe() + ".");
    }
    /// Deletes a rule: `DELETE .../policy/{id}/rule/{rule_id}`, then reloads the policy.
    /// @param rule_id the rule @throws as add_rule()
    void delete_rule(long long rule_id) {
        send_and_refresh(HttpMethod::del, rules_path() + "/" + std::to_string(rule_id), std::nullopt,
                         "Did not delete rule " + std::to_string(rule_id) + " of " + describe() + ".");
    }

    /// Deletes the policy: `DELETE .../policy/{id}`; a reply with `"success": false` raises.
    /// @throws InvalidObjectError for a policy never saved; ServerError with the server's message; the request's
    ///         exceptions
    void remove() {
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

private:
    template <typename V>
    Policy& chain(const char* field, V&& value) {
        set(field, nlohmann::json(std::forward<V>(value)));
        return *this;
    }
    std::string rules_path() const {
        if (id().empty()) throw InvalidObjectError("Save the Policy before changing its rules");
        return model_info.path_for(document()) + "/rule";
    }
    static void check_rule(const nlohmann::json& rule) {
        if (!rule.is_object()) throw ApiError("A policy rule must be a JSON object, got " + std::string(rule.type_name()));
    }
};

}  // namespace cbapi::defense
