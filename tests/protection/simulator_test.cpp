// The Protection simulator through the SDK: paging of 2,500 records (every record exactly once), counts, limit
// semantics, sort, the q= operators, version gates, and persistence of creation, update and deletion.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>
#include <string>
#include <vector>

#include "support/protection_fakes.hpp"

namespace cbapi {
namespace {

using namespace protection;
using test::ProtectionSimTest;

class ProtectionPagingTest : public ProtectionSimTest, public ::testing::WithParamInterface<std::size_t> {};

TEST_P(ProtectionPagingTest, EveryRecordExactlyOnce) {
    options.counts["computer"] = 2500;
    auto cb = start();
    const std::size_t page = GetParam();
    std::vector<long long> ids;
    for (const auto& c : cb.select<Computer>().batch_size(page)) ids.push_back(std::stoll(c.id()));
    ASSERT_EQ(ids.size(), 2500u);
    for (std::size_t i = 0; i < ids.size(); ++i) ASSERT_EQ(ids[i], static_cast<long long>(i + 1)) << "at " << i;
    const auto reqs = server.requests();
    EXPECT_EQ(reqs.size(), (2500 + page - 1) / page + (2500 % page == 0 ? 1 : 0));
    EXPECT_EQ(reqs[0].query, "limit=" + std::to_string(page) + "&offset=0");
    if (reqs.size() > 1) {
        EXPECT_EQ(reqs[1].query, "limit=" + std::to_string(page) + "&offset=" + std::to_string(page));
    }
}

INSTANTIATE_TEST_SUITE_P(PageSizes, ProtectionPagingTest, ::testing::Values(1000u, 7u, 2500u, 3000u));

TEST_F(ProtectionSimTest, DefaultPageSizeIsAThousand) {
    options.counts["computer"] = 2500;
    auto cb = start();
    EXPECT_EQ(cb.select<Computer>().slice(0).size(), 2500u);
    std::vector<std::string> qs;
    for (const auto& r : server.requests()) qs.push_back(r.query);
    EXPECT_EQ(qs, (std::vector<std::string>{"limit=1000&offset=0", "limit=1000&offset=1000",
                                            "limit=1000&offset=2000"}));
}

TEST_F(ProtectionSimTest, FilteredPagingAndCountAgree) {
    options.counts["computer"] = 2500;
    auto cb = start();
    auto q = cb.select<Computer>().where("ipAddress:10.201.2.*").batch_size(7);
    std::set<std::string> seen;
    for (const auto& c : q) {
        EXPECT_TRUE(seen.insert(c.id()).second) << "duplicate " << c.id();
        EXPECT_EQ(c.ip_address()->rfind("10.201.2.", 0), 0u);
    }
    EXPECT_EQ(seen.size(), 1250u);
    EXPECT_EQ(cb.select<Computer>().where("ipAddress:10.201.2.*").size(), 1250u);
}

TEST_F(ProtectionSimTest, LimitSemanticsOfTheRealServer) {
    options.counts["computer"] = 1500;
    auto cb = start();
    const auto& conn = cb.connection();
    const std::string path = "/api/bit9platform/v1/computer";
    EXPECT_EQ(conn.get_json(path, {{"limit", "0"}}).size(), 1500u);    // 0 = everything
    EXPECT_EQ(conn.get_json(path).size(), 1000u);                      // none = the first 1000
    EXPECT_EQ(conn.get_json(path, {{"limit", "-1"}}), (nlohmann::json{{"count", 1500}}));
    EXPECT_EQ(conn.get_json(path, {{"limit", "10"}, {"offset", "1495"}}).size(), 5u);
    EXPECT_EQ(conn.get_json(path, {{"limit", "10"}, {"offset", "5000"}}).size(), 0u);
    EXPECT_THROW(conn.get_json(path, {{"q", "no operator"}}), ServerError);
}

TEST_F(ProtectionSimTest, SortAscendingAndDescending) {
    auto cb = start();
    std::vector<double> speeds;
    for (const auto& c : cb.select<Computer>().sort("processorSpeed DESC")) speeds.push_back(*c.processor_speed());
    ASSERT_FALSE(speeds.empty());
    EXPECT_TRUE(std::is_sorted(speeds.rbegin(), speeds.rend()));
    std::vector<std::string> names;
    for (const auto& c : cb.select<Computer>().sort("name")) names.push_back(*c.name());
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
}

TEST_F(ProtectionSimTest, Operators) {
    auto cb = start();
    auto rules = cb.select<FileRule>();
    const std::size_t all = rules.size();
    const std::size_t banned = rules.where(eq("fileState", 3)).size();
    EXPECT_GT(banned, 0u);
    EXPECT_EQ(rules.where(ne("fileState", 3)).size(), all - banned);
    EXPECT_EQ(rules.where(any_of("fileState", std::vector<int>{2, 3})).size(), all);
    EXPECT_EQ(rules.where("name:RULE 1").size(), 1u);      // case-insensitive
    EXPECT_EQ(rules.where("name:Rule 1*").size(), 4u);     // Rule 1, 10, 11, 12
    EXPECT_EQ(rules.where("id<4").size(), 3u);
    EXPECT_EQ(rules.where("id>10").size(), 2u);
    EXPECT_EQ(rules.where("id>2").and_("id<5").size(), 2u);  // clauses are ANDed
    EXPECT_EQ(rules.where(has_all_flags("platformFlags", 1)).size(), all);
    EXPECT_EQ(rules.where(has_no_flags("platformFlags", 1)).size(), 0u);
    EXPECT_EQ(rules.where(has_no_flags("platformFlags", 6)).size(), all);
    EXPECT_EQ(cb.select<Computer>().where(eq("deleted", true)).size(), 2u);  // computers 15 and 30 of 40
    for (const auto& c : cb.select<Computer>().where(lt("daysOffline", 5)))
        EXPECT_LT(*c.days_offline(), 5);
}

TEST_F(ProtectionSimTest, OlderServersAnswer404ForEightZeroModels) {
    options.server_version = "7.2.1.1826";
    auto cb = start();
    EXPECT_EQ(cb.server_version()->to_string(), "7.2.1.1826");
    EXPECT_THROW(cb.select<User>(), ApiError);
    EXPECT_THROW(cb.connection().get_json("/api/bit9platform/v1/user"), ObjectNotFoundError);
    EXPECT_THROW(cb.connection().get_json("/api/bit9platform/v1/trustedUser/1"), ObjectNotFoundError);
    EXPECT_GT(cb.select<FileRule>().size(), 0u);
}

TEST_F(ProtectionSimTest, EightZeroModelsAreServedOnEightZero) {
    auto cb = start();
    EXPECT_EQ(cb.select<User>().size(), 4u);
    EXPECT_EQ(cb.select<UserGroup>().size(), 3u);
    EXPECT_EQ(cb.select<TrustedUser>().size(), 2u);
    for (const char* c : {"appCatalog", "appTemplate", "driftReport", "driftReportContents",
                          "grantedUserPolicyPermission", "publisherCertificate", "scriptRule", "trustedDirectory"})
        EXPECT_NO_THROW(cb.connection().get_json(std::string("/api/bit9platform/v1/") + c + "/1")) << c;
}

TEST_F(ProtectionSimTest, SameSeedSameData) {
    auto cb = start();
    testing::MockServer other;
    testing::install_protection_simulator(other, options);
    auto cb2 = test::protection_api(other, sleeper);
    EXPECT_EQ(cb.fetch<FileCatalog>(5).document(), cb2.fetch<FileCatalog>(5).document());
    EXPECT_EQ(cb.fetch<Computer>(9).document(), cb2.fetch<Computer>(9).document());
}

TEST_F(ProtectionSimTest, ChangesPersist) {
    auto cb = start();
    auto policy = cb.create<Policy>();
    policy.set_name("New").set_enforcement_level(EnforcementLevel::LevelMedium);
    policy.save();
    EXPECT_EQ(policy.id(), "7");
    EXPECT_EQ(cb.fetch<Policy>(7).enforcement_level(), 30);
    auto fetched = cb.fetch<Policy>(7);
    fetched.set_description("changed");
    fetched.save();
    EXPECT_EQ(cb.fetch<Policy>(7).description(), "changed");
    fetched.remove();
    EXPECT_THROW(cb.fetch<Policy>(7), ObjectNotFoundError);
    EXPECT_THROW(fetched.remove(), ObjectNotFoundError);
}

TEST_F(ProtectionSimTest, MissingRequiredFieldOnTheWireIsRefused) {
    auto cb = start();
    EXPECT_THROW(cb.connection().post_json("/api/bit9platform/v1/policy", {{"description", "x"}}), ServerError);
    EXPECT_THROW(cb.connection().post_json("/api/bit9platform/v1/event", {{"description", "x"}}), ServerError);
    EXPECT_THROW(cb.connection().delete_json("/api/bit9platform/v1/event/1"), ServerError);
}

TEST_F(ProtectionSimTest, ConcurrentIterationsFromManyThreads) {
    options.counts["computer"] = 300;
    auto cb = start();
    std::vector<std::thread> threads;
    std::vector<std::size_t> counts(4);
    for (std::size_t t = 0; t < counts.size(); ++t)
        threads.emplace_back([&, t] { counts[t] = cb.select<Computer>().batch_size(50).slice(0).size(); });
    for (auto& th : threads) th.join();
    for (auto n : counts) EXPECT_EQ(n, 300u);
}

}  // namespace
}  // namespace cbapi
