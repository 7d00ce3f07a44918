// Cb Defense models on the wire: Device (typed fields, PATCH of the changed fields, moving between policies), Event,
// and the Policy API (create/update/delete with {"policyInfo": ...}, rules with {"ruleInfo": ...}), with
// "success": false replies raised as ServerError carrying the server's message.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/defense_fakes.hpp"

namespace cbapi {
namespace {

using defense::Device;
using defense::Event;
using defense::Policy;
using defense::PolicyRule;
using nlohmann::json;
using testing::MockResponse;

constexpr const char* kDevice7 = "/integrationServices/v3/device/7";
constexpr const char* kPolicies = "/integrationServices/v3/policy";
constexpr const char* kPolicy3 = "/integrationServices/v3/policy/3";

json device7() {
    return {{"deviceId", 7},
            {"name", "WIN-IA9NQ1GN8OI"},
            {"osVersion", "Windows 10 x64"},
            {"deviceType", "WINDOWS"},
            {"status", "REGISTERED"},
            {"policyId", 6},
            {"policyName", "Standard"},
            {"organizationId", 428},
            {"quarantined", false},
            {"lastInternalIpAddress", "10.0.0.5"},
            {"lastExternalIpAddress", "198.51.100.1"},
            {"avStatus", {"AV_ACTIVE"}},
            {"sensorStates", {"ACTIVE"}},
            {"createTime", 1500000000000LL},
            {"lastContact", 1500000000123LL},
            {"registeredTime", nullptr}};
}

json rule(long long id, const std::string& action, const std::string& type, const std::string& value,
          const std::string& operation) {
    return {{"id", id},
            {"required", false},
            {"action", action},
            {"application", {{"type", type}, {"value", value}}},
            {"operation", operation}};
}

json policy3() {
    return {{"id", 3},
            {"name", "Restrictive_Windows_Workstation"},
            {"description", "Locked down"},
            {"priorityLevel", "HIGH"},
            {"systemPolicy", false},
            {"version", 2},
            {"latestRevision", 1500000000000LL},
            {"policy",
             {{"rules",
               {rule(1, "TERMINATE", "REPUTATION", "KNOWN_MALWARE", "INVOKE_SCRIPT"),
                rule(3, "IGNORE", "NAME_PATH", "c:\\windows\\notepad.exe", "RUN")}},
              {"sensorSettings", {{{"name", "ALLOW_UNINSTALL"}, {"value", "true"}}}}}}};
}

MockResponse envelope(const char* key, const json& doc) {
    return MockResponse::json({{"success", true}, {"message", "Success"}, {key, doc}});
}

class DefenseModelTest : public ::testing::Test {
protected:
    testing::MockServer server{test::defense_server_options()};
    test::RecordingSleeper sleeper;
    defense::CbDefenseAPI cb = test::defense_api(server, sleeper);

    std::vector<std::string> calls() const {
        std::vector<std::string> out;
        for (const auto& r : server.requests()) out.push_back(r.method + " " + r.path);
        return out;
    }
    testing::RecordedRequest request(std::size_t i) const { return server.requests().at(i); }
};

// --- Device --------------------------------------------------------------------------------------------------------

TEST_F(DefenseModelTest, DeviceIsReadFromItsDeviceInfoEnvelopeWithTypedFields) {
    server.enqueue("GET", kDevice7, envelope("deviceInfo", device7()));
    const auto d = cb.fetch<Device>(7);
    EXPECT_EQ(calls(), (std::vector<std::string>{"GET /integrationServices/v3/device/7"}));
    EXPECT_EQ(d.device_id(), 7);
    EXPECT_EQ(d.name(), "WIN-IA9NQ1GN8OI");
    EXPECT_EQ(d.os_version(), "Windows 10 x64");
    EXPECT_EQ(d.device_type(), "WINDOWS");
    EXPECT_EQ(d.status(), "REGISTERED");
    EXPECT_EQ(d.policy_id(), 6);
    EXPECT_EQ(d.policy_name(), "Standard");
    EXPECT_EQ(d.organization_id(), 428);
    EXPECT_FALSE(d.quarantined());
    EXPECT_EQ(d.last_internal_ip_address(), "10.0.0.5");
    EXPECT_EQ(d.last_external_ip_address(), "198.51.100.1");
    EXPECT_EQ(d.av_status(), (std::vector<std::string>{"AV_ACTIVE"}));
    EXPECT_EQ(d.sensor_states(), (std::vector<std::string>{"ACTIVE"}));
    // Defense times are epoch milliseconds.
    EXPECT_EQ(d.create_time(), parse_cb_time("2017-07-14T02:40:00Z"));
    EXPECT_EQ(d.last_contact(), parse_cb_time("2017-07-14T02:40:00.123Z"));
    EXPECT_EQ(d.registered_time(), std::nullopt);
    EXPECT_EQ(d.last_reported_time(), std::nullopt);
}

TEST_F(DefenseModelTest, TimeFieldsAcceptStringsAndRejectOtherTypes) {
    const Device d(cb.handle(), {{"deviceId", 1}, {"createTime", "2017-07-14T02:40:00Z"}, {"lastContact", true}}, true);
    EXPECT_EQ(d.create_time(), parse_cb_time("2017-07-14T02:40:00Z"));
    EXPECT_THROW(d.last_contact(), ApiError);
}

TEST_F(DefenseModelTest, AReplyWithoutTheEnvelopeIsAServerError) {
    server.enqueue("GET", kDevice7, MockResponse::json({{"success", true}, {"message", "Success"}}));
    EXPECT_THROW(cb.fetch<Device>(7), ServerError);  // cbapi-python makes the document null and fails later
    server.enqueue("GET", kDevice7, MockResponse::json({{"success", false}, {"message", "No access"}}));
    try {
        cb.fetch<Device>(7);
        ADD_FAILURE() << "no error";
    } catch (const ServerError& e) {
        EXPECT_NE(std::string(e.what()).find("No access"), std::string::npos) << e.what();
    }
}

TEST_F(DefenseModelTest, DeviceSaveIsAPatchOfTheChangedFieldsOnly) {
    server.enqueue("GET", kDevice7, envelope("deviceInfo", device7()));
    server.enqueue("PATCH", kDevice7, MockResponse::json({{"success", true}, {"message", "Success"}, {"deviceId", 7}}));
    json moved = device7();
    moved["policyId"] = 9;
    moved["policyName"] = "Lab";
    server.enqueue("GET", kDevice7, envelope("deviceInfo", moved));

    auto d = cb.select<Device>(7);  // lazy: nothing sent yet
    EXPECT_EQ(server.request_count(), 0U);
    d.set_policy_id(9);
    d.save();
    EXPECT_EQ(calls(), (std::vector<std::string>{"GET /integrationServices/v3/device/7",
                                                 "PATCH /integrationServices/v3/device/7",
                                                 "GET /integrationServices/v3/device/7"}));
    EXPECT_EQ(request(1).json(), (json{{"policyId", 9}}));
    EXPECT_EQ(request(1).header("Content-Type"), "application/json");
    EXPECT_EQ(d.policy_name(), "Lab");
    EXPECT_FALSE(d.is_dirty());
}

TEST_F(DefenseModelTest, MoveToPolicyByNameSendsPolicyName) {
    const json doc = device7();
    server.enqueue("PATCH", kDevice7, MockResponse::json({{"success", true}, {"deviceId", 7}}));
    server.enqueue("GET", kDevice7, envelope("deviceInfo", doc));
    Device d(cb.handle(), doc, true);
    d.move_to_policy(std::string("Restrictive_Windows_Workstation"));
    EXPECT_EQ(calls(), (std::vector<std::string>{"PATCH /integrationServices/v3/device/7",
                                                 "GET /integrationServices/v3/device/7"}));
    EXPECT_EQ(request(0).json(), (json{{"policyName", "Restrictive_Windows_Workstation"}}));
}

TEST_F(DefenseModelTest, SeveralChangesArePatchedTogetherAndAnUnchangedValueIsNotSent) {
    server.enqueue("PATCH", kDevice7, MockResponse::json({{"success", true}, {"deviceId", 7}}));
    server.enqueue("GET", kDevice7, envelope("deviceInfo", device7()));
    Device d(cb.handle(), device7(), true);
    d.set_policy_id(6);  // its current value: not a change
    d.set_policy_name("Lab").set("targetPriorityType", "HIGH");
    d.save();
    EXPECT_EQ(request(0).json(), (json{{"policyName", "Lab"}, {"targetPriorityType", "HIGH"}}));
}

TEST_F(DefenseModelTest, PatchRefusedWithSuccessFalseRaisesServerErrorWithTheMessage) {
    server.enqueue("PATCH", kDevice7,
                   MockResponse::json({{"success", false}, {"message", "Invalid policy id 99"}}));
    Device d(cb.handle(), device7(), true);
    try {
        d.move_to_policy(99);
        ADD_FAILURE() << "no error";  // cbapi-python 1.3.2 swallows this and refreshes
    } catch (const ServerError& e) {
        EXPECT_NE(std::string(e.what()).find("Invalid policy id 99"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("Did not update Device record."), std::string::npos) << e.what();
        EXPECT_EQ(e.status(), 200);
    }
    EXPECT_EQ(calls(), (std::vector<std::string>{"PATCH /integrationServices/v3/device/7"}));  // no refresh
}

TEST_F(DefenseModelTest, PatchReplyCarryingDeviceInfoReplacesTheDocumentWithoutARefresh) {
    json updated = device7();
    updated["policyId"] = 2;
    server.enqueue("PATCH", kDevice7, MockResponse::json({{"success", true}, {"deviceInfo", updated}}));
    Device d(cb.handle(), device7(), true);
    d.move_to_policy(2);
    EXPECT_EQ(server.request_count(), 1U);
    EXPECT_EQ(d.policy_id(), 2);
}

TEST_F(DefenseModelTest, NonJsonOrSuccessLessSaveRepliesAreServerErrors) {
    server.enqueue("PATCH", kDevice7, MockResponse::text("<html>oops</html>"));
    Device d(cb.handle(), device7(), true);
    EXPECT_THROW(d.move_to_policy(2), ServerError);
    server.enqueue("PATCH", kDevice7, MockResponse::json({{"deviceId", 7}}));
    Device e(cb.handle(), device7(), true);
    EXPECT_THROW(e.move_to_policy(2), ServerError);
}

// --- Event ---------------------------------------------------------------------------------------------------------

TEST_F(DefenseModelTest, EventIsReadFromItsEventInfoEnvelope) {
    server.enqueue("GET", "/integrationServices/v3/event/abc123",
                   envelope("eventInfo", {{"eventId", "abc123"},
                                          {"eventType", "NETWORK"},
                                          {"eventTime", 1500000000000LL},
                                          {"createTime", 1500000001000LL},
                                          {"shortDescription", "short"},
                                          {"longDescription", "<b>long</b>"},
                                          {"deviceDetails", {{"deviceId", 7}, {"deviceName", "WIN-1"}}}}));
    const auto e = cb.select<Event>("abc123");
    EXPECT_EQ(e.event_type(), "NETWORK");  // lazy load on first read
    EXPECT_EQ(e.event_id(), "abc123");
    EXPECT_EQ(e.event_time(), parse_cb_time("2017-07-14T02:40:00Z"));
    EXPECT_EQ(e.create_time(), parse_cb_time("2017-07-14T02:40:01Z"));
    EXPECT_EQ(e.short_description(), "short");
    EXPECT_EQ(e.long_description(), "<b>long</b>");
    EXPECT_EQ(e.device_id(), 7);
    EXPECT_EQ(e.device_name(), "WIN-1");
    EXPECT_EQ(calls(), (std::vector<std::string>{"GET /integrationServices/v3/event/abc123"}));
}

// --- Policy --------------------------------------------------------------------------------------------------------

TEST_F(DefenseModelTest, PolicyTypedFieldsAndRules) {
    const Policy p(cb.handle(), policy3(), true);
    EXPECT_EQ(p.policy_id(), 3);
    EXPECT_EQ(p.name(), "Restrictive_Windows_Workstation");
    EXPECT_EQ(p.description(), "Locked down");
    EXPECT_EQ(p.priority_level(), "HIGH");
    EXPECT_EQ(p.version(), 2);
    EXPECT_EQ(p.latest_revision(), 1500000000000LL);
    EXPECT_FALSE(p.system_policy());
    EXPECT_EQ(p.sensor_settings(), (std::map<std::string, std::string>{{"ALLOW_UNINSTALL", "true"}}));
    const auto rules = p.rules();
    ASSERT_EQ(rules.size(), 2U);
    const PolicyRule& r1 = rules.at(1);
    EXPECT_EQ(r1.action, "TERMINATE");
    EXPECT_EQ(r1.application_type, "REPUTATION");
    EXPECT_EQ(r1.application_value, "KNOWN_MALWARE");
    EXPECT_EQ(r1.operation, "INVOKE_SCRIPT");
    EXPECT_FALSE(r1.required);
    EXPECT_EQ(r1.describe(), "TERMINATE when REPUTATION KNOWN_MALWARE is INVOKE_SCRIPT");
    EXPECT_EQ(rules.at(3).application_value, "c:\\windows\\notepad.exe");
    EXPECT_EQ(r1.to_json(), rule(1, "TERMINATE", "REPUTATION", "KNOWN_MALWARE", "INVOKE_SCRIPT"));
    EXPECT_TRUE(Policy(cb.handle(), {{"id", 4}}, true).rules().empty());
}

TEST_F(DefenseModelTest, PolicyRuleKeepsUnknownFieldsAndRejectsWrongTypes) {
    json with_extra = rule(5, "DENY", "REPUTATION", "PUP", "RUN");
    with_extra["application"]["hash"] = "abc";
    with_extra["comment"] = "keep me";
    EXPECT_EQ(PolicyRule::from_json(with_extra).to_json(), with_extra);
    EXPECT_THROW(PolicyRule::from_json({{"action", 5}}), ApiError);
    EXPECT_THROW(PolicyRule::from_json(json::array()), ApiError);
    PolicyRule fresh;
    fresh.action = "DENY";
    fresh.application_type = "REPUTATION";
    fresh.application_value = "PUP";
    fresh.operation = "RUN";
    EXPECT_FALSE(fresh.to_json().contains("id"));
}

Policy new_lab_policy(const defense::CbDefenseAPI& cb) {
    auto p = cb.create<Policy>();
    p.set_name("Lab").set_description("Lab machines").set_priority_level("LOW").set_version(2).set_policy(
        {{"rules", json::array()}});
    return p;
}

TEST_F(DefenseModelTest, CreatePostsPolicyInfoWithoutIdThenLoadsTheNewPolicy) {
    server.enqueue("POST", kPolicies, MockResponse::json({{"success", true}, {"policyId", 12}, {"message", "Success"}}));
    json created = policy3();
    created["id"] = 12;
    created["name"] = "Lab";
    server.enqueue("GET", "/integrationServices/v3/policy/12", envelope("policyInfo", created));
    auto p = new_lab_policy(cb);
    p.save();
    EXPECT_EQ(calls(), (std::vector<std::string>{"POST /integrationServices/v3/policy",
                                                 "GET /integrationServices/v3/policy/12"}));
    EXPECT_EQ(request(0).json(), (json{{"policyInfo",
                                        {{"name", "Lab"},
                                         {"description", "Lab machines"},
                                         {"priorityLevel", "LOW"},
                                         {"version", 2},
                                         {"policy", {{"rules", json::array()}}}}}}));
    EXPECT_EQ(p.policy_id(), 12);
    EXPECT_EQ(p.name(), "Lab");
}

TEST_F(DefenseModelTest, CreateWithMissingRequiredFieldsSendsNothing) {
    auto p = cb.create<Policy>();
    p.set_name("Lab");
    try {
        p.save();
        ADD_FAILURE() << "no error";
    } catch (const InvalidObjectError& e) {
        EXPECT_EQ(std::string(e.what()), "Missing fields: [description, policy, priorityLevel, version]");
    }
    EXPECT_EQ(server.request_count(), 0U);
    EXPECT_THROW(p.set_policy(json::array()), ApiError);
}

TEST_F(DefenseModelTest, CreateRefusedWithSuccessFalseRaisesServerErrorWithTheMessage) {
    server.enqueue("POST", kPolicies,
                   MockResponse::json({{"success", false}, {"message", "Policy name \"Lab\" is already in use"}}));
    auto p = new_lab_policy(cb);
    try {
        p.save();
        ADD_FAILURE() << "no error";
    } catch (const ServerError& e) {
        EXPECT_NE(std::string(e.what()).find("Policy name \"Lab\" is already in use"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("Did not create Policy record."), std::string::npos) << e.what();
    }
    EXPECT_EQ(server.request_count(), 1U);
    EXPECT_FALSE(p.policy_id().has_value());
}

TEST_F(DefenseModelTest, UpdatePutsTheWholeDocumentInPolicyInfo) {
    server.enqueue("GET", kPolicy3, envelope("policyInfo", policy3()));
    server.enqueue("PUT", kPolicy3, MockResponse::json({{"success", true}, {"message", "Success"}}));
    json changed = policy3();
    changed["description"] = "Even more locked down";
    server.enqueue("GET", kPolicy3, envelope("policyInfo", changed));
    auto p = cb.select<Policy>(3);
    p.set_description("Even more locked down");
    p.save();
    EXPECT_EQ(calls(), (std::vector<std::string>{"GET /integrationServices/v3/policy/3",
                                                 "PUT /integrationServices/v3/policy/3",
                                                 "GET /integrationServices/v3/policy/3"}));
    EXPECT_EQ(request(1).json(), (json{{"policyInfo", changed}}));
    EXPECT_EQ(p.description(), "Even more locked down");
}

TEST_F(DefenseModelTest, RemoveDeletesThePolicyAndRaisesOnSuccessFalse) {
    server.enqueue("DELETE", kPolicy3, MockResponse::json({{"success", true}, {"message", "Success"}}));
    Policy p(cb.handle(), policy3(), true);
    p.remove();
    EXPECT_EQ(calls(), (std::vector<std::string>{"DELETE /integrationServices/v3/policy/3"}));
    server.enqueue("DELETE", kPolicy3, MockResponse::json({{"success", false}, {"message", "Policy has devices"}}));
    try {
        p.remove();
        ADD_FAILURE() << "no error";
    } catch (const ServerError& e) {
        EXPECT_NE(std::string(e.what()).find("Policy has devices"), std::string::npos) << e.what();
    }
    EXPECT_THROW(new_lab_policy(cb).remove(), InvalidObjectError);
}

TEST_F(DefenseModelTest, AddRulePostsRuleInfoThenRefreshes) {
    server.enqueue("POST", "/integrationServices/v3/policy/3/rule",
                   MockResponse::json({{"success", true}, {"ruleId", 4}, {"message", "Success"}}));
    json refreshed = policy3();
    refreshed["policy"]["rules"].push_back(rule(4, "DENY", "REPUTATION", "PUP", "RUN"));
    server.enqueue("GET", kPolicy3, envelope("policyInfo", refreshed));
    Policy p(cb.handle(), policy3(), true);
    PolicyRule r;
    r.action = "DENY";
    r.application_type = "REPUTATION";
    r.application_value = "PUP";
    r.operation = "RUN";
    p.add_rule(r);
    EXPECT_EQ(calls(), (std::vector<std::string>{"POST /integrationServices/v3/policy/3/rule",
                                                 "GET /integrationServices/v3/policy/3"}));
    EXPECT_EQ(request(0).json(), (json{{"ruleInfo",
                                        {{"required", false},
                                         {"action", "DENY"},
                                         {"application", {{"type", "REPUTATION"}, {"value", "PUP"}}},
                                         {"operation", "RUN"}}}}));
    EXPECT_EQ(p.rules().size(), 3U);
    EXPECT_EQ(p.rules().at(4).application_value, "PUP");
}

TEST_F(DefenseModelTest, ReplaceRulePutsRuleInfoAndDeleteRuleDeletes) {
    const json replacement = rule(3, "DENY", "NAME_PATH", "c:\\windows\\calc.exe", "RUN");
    server.enqueue("PUT", "/integrationServices/v3/policy/3/rule/3", MockResponse::json({{"success", true}}));
    server.enqueue("GET", kPolicy3, envelope("policyInfo", policy3()));
    server.enqueue("DELETE", "/integrationServices/v3/policy/3/rule/1", MockResponse::json({{"success", true}}));
    server.enqueue("GET", kPolicy3, envelope("policyInfo", policy3()));
    Policy p(cb.handle(), policy3(), true);
    p.replace_rule(3, replacement);
    p.delete_rule(1);
    EXPECT_EQ(calls(), (std::vector<std::string>{"PUT /integrationServices/v3/policy/3/rule/3",
                                                 "GET /integrationServices/v3/policy/3",
                                                 "DELETE /integrationServices/v3/policy/3/rule/1",
                                                 "GET /integrationServices/v3/policy/3"}));
    EXPECT_EQ(request(0).json(), (json{{"ruleInfo", replacement}}));
    EXPECT_TRUE(request(2).body.empty());
}

TEST_F(DefenseModelTest, RuleCallRefusedWithSuccessFalseRaisesWithoutRefreshing) {
    server.enqueue("POST", "/integrationServices/v3/policy/3/rule",
                   MockResponse::json({{"success", false}, {"message", "Invalid rule action \"EXPLODE\""}}));
    Policy p(cb.handle(), policy3(), true);
    try {
        p.add_rule(json{{"action", "EXPLODE"}});
        ADD_FAILURE() << "no error";  // cbapi-python checks only the HTTP status
    } catch (const ServerError& e) {
        EXPECT_NE(std::string(e.what()).find("Invalid rule action"), std::string::npos) << e.what();
    }
    EXPECT_EQ(server.request_count(), 1U);
    EXPECT_THROW(p.add_rule(json::array()), ApiError);
    EXPECT_THROW(new_lab_policy(cb).delete_rule(1), InvalidObjectError);
    EXPECT_EQ(server.request_count(), 1U);
}

TEST_F(DefenseModelTest, SearchResultsBecomeModelsThatLoadMissingFields) {
    server.enqueue("GET", kPolicies, test::page_reply({{{"id", 3}, {"name", "Restrictive_Windows_Workstation"}}}, 1));
    server.enqueue("GET", kPolicy3, envelope("policyInfo", policy3()));
    const auto all = cb.select<Policy>().slice(0);
    ASSERT_EQ(all.size(), 1U);
    EXPECT_EQ(all[0].name(), "Restrictive_Windows_Workstation");
    EXPECT_EQ(server.request_count(), 1U);
    EXPECT_EQ(all[0].rules().size(), 2U);  // `policy` was not in the hit: one GET
    EXPECT_EQ(server.request_count(), 2U);
}

}  // namespace
}  // namespace cbapi
