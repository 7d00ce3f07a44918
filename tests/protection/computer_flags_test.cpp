// Cb Protection Computer updates carry the flags the server needs to apply diagnostics, template and tamper
// protection changes (cbapi-python 1.3.3/1.3.5: changeDiagnostics, changeTemplate, newTamperProtectionActive);
// the simulated server, like the real one, ignores those changes without them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/protection_fakes.hpp"

namespace cbapi {
namespace {

using namespace protection;

using ComputerFlagsTest = test::ProtectionSimTest;

std::vector<testing::RecordedRequest> puts_to(const testing::MockServer& server, const std::string& id) {
    std::vector<testing::RecordedRequest> out;
    for (const auto& r : server.requests())
        if (r.method == "PUT" && r.path == test::protection_prefix + "/computer/" + id) out.push_back(r);
    return out;
}

TEST_F(ComputerFlagsTest, DiagnosticsChangesSendChangeDiagnostics) {
    auto cb = start();
    auto computer = cb.fetch<Computer>(3);
    computer.set("debugLevel", 4).set("debugDuration", 60);
    computer.save();
    const auto puts = puts_to(server, "3");
    ASSERT_EQ(puts.size(), 1u);
    EXPECT_EQ(puts[0].query, "changeDiagnostics=true");
    EXPECT_EQ(puts[0].json()["debugLevel"], 4);
    const auto back = cb.fetch<Computer>(3);
    EXPECT_EQ(back.get_or<long long>("debugLevel", -1), 4);
    EXPECT_EQ(back.get_or<long long>("debugDuration", -1), 60);
}

TEST_F(ComputerFlagsTest, TemplateChangesSendChangeTemplate) {
    auto cb = start();
    auto computer = cb.fetch<Computer>(2);
    computer.set("template", true).set("templateCloneCleanupMode", 1).set("templateTrackModsOnly", true);
    computer.save();
    const auto puts = puts_to(server, "2");
    ASSERT_EQ(puts.size(), 1u);
    EXPECT_EQ(puts[0].query, "changeTemplate=true");
    EXPECT_TRUE(cb.fetch<Computer>(2).is_template().value_or(false));
}

TEST_F(ComputerFlagsTest, TamperProtectionSendsItsNewState) {
    auto cb = start();
    auto computer = cb.fetch<Computer>(4);
    computer.set_tamper_protection(false);
    computer.save();
    EXPECT_EQ(cb.fetch<Computer>(4).get_or<bool>("tamperProtectionActive", true), false);
    auto again = cb.fetch<Computer>(4);
    again.set_tamper_protection(true);
    again.save();
    EXPECT_EQ(cb.fetch<Computer>(4).get_or<bool>("tamperProtectionActive", false), true);
    const auto puts = puts_to(server, "4");
    ASSERT_EQ(puts.size(), 2u);
    EXPECT_EQ(puts[0].query, "newTamperProtectionActive=false");
    EXPECT_EQ(puts[1].query, "newTamperProtectionActive=true");
}

TEST_F(ComputerFlagsTest, SeveralKindsOfChangeSendEveryFlagAndOtherChangesNone) {
    auto cb = start();
    auto computer = cb.fetch<Computer>(5);
    computer.set("ccLevel", 2).set("templateCloneCleanupTime", 7);
    computer.set_tamper_protection(false);
    computer.save();
    auto plain = cb.fetch<Computer>(6);
    plain.set_description("lab machine");
    plain.save();
    ASSERT_EQ(puts_to(server, "5").size(), 1u);
    EXPECT_EQ(puts_to(server, "5")[0].query,
              "changeDiagnostics=true&changeTemplate=true&newTamperProtectionActive=false");
    ASSERT_EQ(puts_to(server, "6").size(), 1u);
    EXPECT_EQ(puts_to(server, "6")[0].query, "");
    EXPECT_EQ(cb.fetch<Computer>(6).description(), "lab machine");
}

TEST_F(ComputerFlagsTest, TheSimulatedServerIgnoresFlaggedFieldsWithoutTheirFlag) {
    auto cb = start();
    auto doc = cb.fetch<Computer>(7).document();
    doc["debugLevel"] = 5;
    doc["tamperProtectionActive"] = false;
    doc["description"] = "changed";
    cb.connection().put_json(test::protection_prefix + "/computer/7", doc);
    const auto back = cb.fetch<Computer>(7);
    EXPECT_EQ(back.get_or<long long>("debugLevel", -1), 0);
    EXPECT_EQ(back.get_or<bool>("tamperProtectionActive", false), true);
    EXPECT_EQ(back.description(), "changed");
}

}  // namespace
}  // namespace cbapi
