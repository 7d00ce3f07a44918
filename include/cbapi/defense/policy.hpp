#pragma once
/// @file
/// The Cb Defense Policy API: policies (`/integrationServices/v3/policy`) with their policy document, and the rules
/// inside it (`/integrationServices/v3/policy/{id}/rule[/{ruleId}]`).

#include "cbapi/fwd.hpp"

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/defense/model.hpp"
#include "cbapi/defense/query.hpp"
#include "cbapi/detail/api_state.hpp"

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
    static PolicyRule from_json(const nlohmann::json& json);

    /// The rule as JSON (the `ruleInfo` of the rule calls). @return the object
    nlohmann::json to_json() const;

    /// "TERMINATE when REPUTATION KNOWN_MALWARE is INVOKE_SCRIPT" (the wording of cbapi-python's example).
    /// @return the text
    std::string describe() const;

    /// Rules are equal when every field is. @param a a rule @param b another @return whether they are equal
    friend bool operator==(const PolicyRule& a, const PolicyRule& b);
    /// @param a a rule @param b another @return whether they differ
    friend bool operator!=(const PolicyRule& a, const PolicyRule& b);
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
    static const ModelInfo model_info;
    /// `api.create<Policy>()` is allowed.
    static constexpr bool creatable = true;
    /// What `select<Policy>()` returns.
    using query_type = Query<Policy>;

    /// @param api API state @param doc the policy document @param full whether it is complete
    Policy(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full);

    /// `id`; nullopt for a policy not yet saved.
    std::optional<long long> policy_id() const;
    /// `name`.
    std::string name() const;
    /// `description`.
    std::string description() const;
    /// `priorityLevel`: HIGH, MEDIUM or LOW.
    std::string priority_level() const;
    /// `version` of the policy format (2).
    long long version() const;
    /// `latestRevision`; nullopt when absent.
    std::optional<long long> latest_revision() const;
    /// `systemPolicy`: whether the policy is built in.
    bool system_policy() const;
    /// The policy document (`policy`: rules, `sensorSettings`, `avSettings`, ...); an empty object when absent.
    nlohmann::json policy() const;

    /// The rules of the policy document by rule id (empty when it has none).
    /// @return the rules @throws ApiError when a rule is malformed
    std::map<long long, PolicyRule> rules() const;
    /// The `sensorSettings` of the policy document as name → value.
    std::map<std::string, std::string> sensor_settings() const;

    /// Sets `name`. @param value the name @return this policy
    Policy& set_name(const std::string& value);
    /// Sets `description`. @param value the description @return this policy
    Policy& set_description(const std::string& value);
    /// Sets `priorityLevel` (HIGH, MEDIUM or LOW). @param value the level @return this policy
    Policy& set_priority_level(const std::string& value);
    /// Sets `version` (the server expects 2). @param value the version @return this policy
    Policy& set_version(long long value);
    /// Sets the policy document. @param value a JSON object @return this policy
    /// @throws ApiError when it is not an object
    Policy& set_policy(nlohmann::json value);

    /// Adds a rule: `POST .../policy/{id}/rule` with `{"ruleInfo": <rule>}`, then reloads the policy.
    /// @param rule the rule (an id in it is sent as is; the server assigns one when absent)
    /// @throws InvalidObjectError for a policy never saved; ServerError with the server's message when it refuses
    ///         (cbapi-python only checks the HTTP status); the request's exceptions
    void add_rule(const PolicyRule& rule);
    /// add_rule() from the rule's JSON (e.g. read from a file). @param rule a JSON object
    /// @throws ApiError when it is not an object, and as add_rule()
    void add_rule(const nlohmann::json& rule);
    /// Replaces a rule: `PUT .../policy/{id}/rule/{rule_id}` with `{"ruleInfo": <rule>}`, then reloads the policy.
    /// @param rule_id the rule to replace @param rule the new rule
    /// @throws as add_rule()
    void replace_rule(long long rule_id, const PolicyRule& rule);
    /// replace_rule() from the rule's JSON. @param rule_id the rule to replace @param rule a JSON object
    /// @throws as add_rule()
    void replace_rule(long long rule_id, const nlohmann::json& rule);
    /// Deletes a rule: `DELETE .../policy/{id}/rule/{rule_id}`, then reloads the policy.
    /// @param rule_id the rule @throws as add_rule()
    void delete_rule(long long rule_id);

    /// Deletes the policy: `DELETE .../policy/{id}`; a reply with `"success": false` raises.
    /// @throws InvalidObjectError for a policy never saved; ServerError with the server's message; the request's
    ///         exceptions
    void remove();

private:
    template <typename V>
    Policy& chain(const char* field, V&& value);
    std::string rules_path() const;
    static void check_rule(const nlohmann::json& rule);
};

}  // namespace cbapi::defense
