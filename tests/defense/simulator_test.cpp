// The SDK against the Cb Defense simulator: paging and counts agree, filters, moving devices, the Policy API with
// rules persisting in memory, the server's refusals surfacing as exceptions, notifications, parallel pages.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/defense_fakes.hpp"

namespace cbapi {
namespace {

using defense::Device;
using defense::Event;
using defense::Policy;
using defense::PolicyRule;
using nlohmann::json;

class DefenseSimulatorTest : public ::testing::Test {
protected:
    testing::DefenseSimulatorOptions sim = [] {
        testing::DefenseSimulatorOptions o;
        o.devices = 23;
        o.events = 57;
        o.policies = 5;
        o.max_rows = 10;  // pages shorter than asked exercise the engine's short-page handling
        return o;
    }();
    testing::MockServer server{test::defense_server_options()};
    test::RecordingSleeper sleeper;
    defense::CbDefenseAPI cb = [this] {
        testing::install_defense_simulator(server, sim);
        return test::defense_api(server, sleeper);
    }();

    template <typename Q>
    static auto all(const Q& q) {
        std::vector<typename Q::model_type> out;
        for (const auto& item : q) out.push_back(item);
        return out;
    }
    static std::vector<long long> ids(const std::vector<Device>& devices) {
        std::vector<long long> out;
        for (const auto& d : devices) out.push_back(d.device_id());
        return out;
    }
    Policy new_policy(const std::string& name) const {
        auto p = cb.create<Policy>();
        p.set_name(name).set_description("test").set_priority_level("LOW").set_version(2).set_policy(
            cb.fetch<Policy>(1).policy());
        p.save();
        return p;
    }
};

TEST_F(DefenseSimulatorTest, CountAndIterationAgreeAcrossPageSizes) {
    EXPECT_EQ(cb.select<Device>().size(), 23U);
    const auto everything = ids(all(cb.select<Device>()));
    ASSERT_EQ(everything.size(), 23U);
    EXPECT_EQ(everything.front(), 1001);
    EXPECT_EQ(everything.back(), 1023);
    for (std::size_t batch : {1U, 4U, 10U, 100U})
        EXPECT_EQ(ids(all(cb.select<Device>().batch_size(batch))), everything) << "batch " << batch;
    EXPECT_EQ(cb.select<Event>().size(), 57U);
    EXPECT_EQ(all(cb.select<Event>()).size(), 57U);
    EXPECT_EQ(all(cb.select<Policy>()).size(), 5U);
}

TEST_F(DefenseSimulatorTest, SlicesReturnExactlyTheAskedRows) {
    const auto everything = ids(all(cb.select<Device>()));
    for (const auto& [from, to] : std::vector<std::pair<long, long>>{{0, 1}, {5, 10}, {9, 21}, {20, 23}, {22, 40}}) {
        const auto got = ids(cb.select<Device>().batch_size(4).slice(from, to));
        const auto stop = std::min<long>(to, 23);
        EXPECT_EQ(got, std::vector<long long>(everything.begin() + from, everything.begin() + stop))
            << from << ":" << to;
    }
    EXPECT_EQ(ids(cb.select<Device>().slice(-3)), std::vector<long long>(everything.end() - 3, everything.end()));
}

TEST_F(DefenseSimulatorTest, ParallelPagesKeepTheOrder) {
    const auto sequential = ids(all(cb.select<Device>().batch_size(3).prefetch(false)));
    EXPECT_EQ(ids(all(cb.select<Device>().batch_size(3).parallel(4))), sequential);
}

TEST_F(DefenseSimulatorTest, DeviceFilters) {
    const auto everything = all(cb.select<Device>());
    const Device& target = everything.at(4);
    const auto exact = all(cb.select<Device>().host_name_exact(target.name()));
    ASSERT_EQ(exact.size(), 1U);
    EXPECT_EQ(exact[0].device_id(), target.device_id());

    const std::string external = target.last_external_ip_address();
    std::vector<long long> expected;
    for (const auto& d : everything)
        if (d.last_external_ip_address() == external || d.last_internal_ip_address() == external)
            expected.push_back(d.device_id());
    EXPECT_GT(expected.size(), 1U);
    EXPECT_EQ(ids(all(cb.select<Device>().ip_address(external))), expected);
    EXPECT_EQ(cb.select<Device>().ip_address(external).size(), expected.size());

    const auto internal = all(cb.select<Device>().ip_address(target.last_internal_ip_address()));
    ASSERT_EQ(internal.size(), 1U);
    EXPECT_EQ(internal[0].device_id(), target.device_id());
    EXPECT_TRUE(all(cb.select<Device>().host_name_exact("NO-SUCH-HOST")).empty());
    EXPECT_EQ(cb.select<Device>().host_name("MAC-").size() + cb.select<Device>().host_name("WIN-").size(), 23U);
}

TEST_F(DefenseSimulatorTest, EventFiltersByHostAndTimeWindow) {
    const auto everything = all(cb.select<Event>());
    const std::string host = everything.at(20).device_name();  // inside the window below
    const TimePoint from = *everything.at(40).event_time();
    const TimePoint to = *everything.at(10).event_time();  // newest first
    std::set<std::string> expected;
    for (const auto& e : everything)
        if (e.device_name() == host && *e.event_time() >= from && *e.event_time() <= to) expected.insert(e.event_id());
    std::set<std::string> got;
    for (const auto& e : cb.select<Event>().host_name_exact(host).start_time(from).end_time(to)) got.insert(e.event_id());
    EXPECT_EQ(got, expected);
    EXPECT_FALSE(expected.empty());

    const auto one = cb.fetch<Event>(everything.at(3).event_id());
    EXPECT_EQ(one.event_type(), everything.at(3).event_type());
    EXPECT_THROW(cb.fetch<Event>("nope"), ObjectNotFoundError);
}

TEST_F(DefenseSimulatorTest, UnknownFilterIsA400WithTheServersMessage) {
    try {
        cb.select<Device>().where("colour:blue").slice(0);
        ADD_FAILURE() << "no error";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_NE(std::string(e.what()).find("Unknown search parameter: colour"), std::string::npos) << e.what();
    }
}

TEST_F(DefenseSimulatorTest, LimitIsAcceptedAndIgnoredLikeTheRealServer) {
    // cbapi-python 1.3.2 counted with `limit=0` (no rows): the real server answers with its first page and the total.
    const auto devices = cb.connection().get_json("/integrationServices/v3/device", {{"limit", "0"}});
    EXPECT_EQ(devices.at("totalResults"), 23);
    EXPECT_FALSE(devices.at("results").empty());
    const auto events =
        cb.connection().get_json("/integrationServices/v3/event", {{"limit", "0"}, {"rows", "5"}, {"start", "3"}});
    EXPECT_EQ(events.at("totalResults"), 57);
    ASSERT_EQ(events.at("results").size(), 5u);  // limit does not change the page either
    const auto paged = cb.connection().get_json("/integrationServices/v3/event", {{"rows", "5"}, {"start", "3"}});
    EXPECT_EQ(events.at("results"), paged.at("results"));
    const auto policies = cb.connection().get_json("/integrationServices/v3/policy", {{"limit", "-1"}});
    EXPECT_EQ(policies.at("totalResults"), 5);
    // The server received the limit parameters as sent (and answered them: get_json throws on an error status).
    std::vector<std::string> limits;
    for (const auto& r : server.requests())
        if (const auto limit = r.param("limit")) limits.push_back(r.path + " limit=" + *limit);
    EXPECT_EQ(limits, (std::vector<std::string>{"/integrationServices/v3/device limit=0",
                                                "/integrationServices/v3/event limit=0",
                                                "/integrationServices/v3/policy limit=-1"}));
}

TEST_F(DefenseSimulatorTest, MovingADevicePersists) {
    auto d = cb.select<Device>(1003);
    d.move_to_policy(std::string("Advanced"));
    EXPECT_EQ(d.policy_name(), "Advanced");
    EXPECT_EQ(d.policy_id(), 4);
    EXPECT_EQ(cb.fetch<Device>(1003).policy_id(), 4);

    d.move_to_policy(2);
    const auto again = cb.fetch<Device>(1003);
    EXPECT_EQ(again.policy_id(), 2);
    EXPECT_EQ(again.policy_name(), "Standard");
    EXPECT_EQ(cb.select<Device>().where("policyId:2").where("hostNameExact:" + again.name()).size(), 1U);
}

TEST_F(DefenseSimulatorTest, RefusedDeviceChangesRaiseWithTheServersMessage) {
    auto d = cb.fetch<Device>(1003);
    try {
        d.move_to_policy(999);
        ADD_FAILURE() << "no error";
    } catch (const ServerError& e) {
        EXPECT_NE(std::string(e.what()).find("Invalid policy id 999"), std::string::npos) << e.what();
    }
    auto e = cb.fetch<Device>(1003);
    e.set("name", "renamed");
    EXPECT_THROW(e.save(), ServerError);
    EXPECT_THROW(cb.fetch<Device>(5), ObjectNotFoundError);
}

TEST_F(DefenseSimulatorTest, PolicyLifecycleWithRules) {
    auto p = new_policy("cbapi-test");
    ASSERT_TRUE(p.policy_id().has_value());
    EXPECT_EQ(*p.policy_id(), 6);
    EXPECT_EQ(p.name(), "cbapi-test");
    EXPECT_EQ(p.rules(), cb.fetch<Policy>(1).rules());
    EXPECT_EQ(cb.select<Policy>().size(), 6U);

    PolicyRule r;
    r.action = "IGNORE";
    r.application_type = "NAME_PATH";
    r.application_value = "c:\\windows\\notepad.exe";
    r.operation = "MEMORY_SCRAPE";
    p.add_rule(r);
    const long long added = p.rules().rbegin()->first;
    EXPECT_EQ(p.rules().at(added).operation, "MEMORY_SCRAPE");

    r.operation = "CODE_INJECTION";
    p.replace_rule(added, r);
    EXPECT_EQ(cb.fetch<Policy>(*p.policy_id()).rules().at(added).operation, "CODE_INJECTION");

    p.delete_rule(added);
    EXPECT_EQ(p.rules().count(added), 0U);
    EXPECT_THROW(p.delete_rule(added), ObjectNotFoundError);

    p.set_description("changed").set_priority_level("HIGH");
    p.save();
    const auto reloaded = cb.fetch<Policy>(*p.policy_id());
    EXPECT_EQ(reloaded.description(), "changed");
    EXPECT_EQ(reloaded.priority_level(), "HIGH");

    p.remove();
    EXPECT_THROW(cb.fetch<Policy>(6), ObjectNotFoundError);
    EXPECT_EQ(cb.select<Policy>().size(), 5U);
}

TEST_F(DefenseSimulatorTest, PolicyRefusalsRaiseWithTheServersMessage) {
    auto p = new_policy("dup");
    try {
        new_policy("dup");
        ADD_FAILURE() << "no error";
    } catch (const ServerError& e) {
        EXPECT_NE(std::string(e.what()).find("already in use"), std::string::npos) << e.what();
    }
    p.set_priority_level("URGENT");
    EXPECT_THROW(p.save(), ServerError);
    EXPECT_THROW(p.add_rule(json{{"action", "EXPLODE"}, {"operation", "RUN"}}), ServerError);
    EXPECT_THROW(p.add_rule(p.rules().begin()->second), ServerError);  // rule id already exists
    EXPECT_THROW(cb.fetch<Policy>(1).remove(), ServerError);             // system policy
    const auto used = *cb.fetch<Device>(1001).policy_id();
    try {
        cb.fetch<Policy>(used).remove();
        if (used != 1) ADD_FAILURE() << "a policy with devices was deleted";
    } catch (const ServerError& e) {
        EXPECT_NE(std::string(e.what()).find(used == 1 ? "system policy" : "devices assigned"), std::string::npos)
            << e.what();
    }
}

TEST_F(DefenseSimulatorTest, NotificationsAreDrainedByEachPoll) {
    const auto first = cb.get_notifications();
    ASSERT_EQ(first.size(), 3U);
    EXPECT_EQ(first[0].type(), "THREAT");
    EXPECT_FALSE(first[0].device_name().empty());
    EXPECT_TRUE(cb.get_notifications().empty());
}

TEST_F(DefenseSimulatorTest, TheSameSeedGivesTheSameData) {
    testing::MockServer other{test::defense_server_options()};
    testing::install_defense_simulator(other, sim);
    const auto cb2 = test::defense_api(other, sleeper);
    std::vector<std::string> a, b;
    for (const auto& d : cb.select<Device>()) a.push_back(d.name() + d.status() + std::to_string(*d.policy_id()));
    for (const auto& d : cb2.select<Device>()) b.push_back(d.name() + d.status() + std::to_string(*d.policy_id()));
    EXPECT_EQ(a, b);
}

TEST_F(DefenseSimulatorTest, ConcurrentClientsSeeConsistentData) {
    std::vector<std::thread> threads;
    std::vector<std::size_t> counts(4);
    for (std::size_t t = 0; t < counts.size(); ++t)
        threads.emplace_back([this, t, &counts] {
            auto d = cb.fetch<Device>(1001 + static_cast<long long>(t));
            d.move_to_policy(static_cast<long long>(t % 5) + 1);
            counts[t] = all(cb.select<Device>().batch_size(5)).size();
        });
    for (auto& th : threads) th.join();
    for (std::size_t n : counts) EXPECT_EQ(n, 23U);
    for (std::size_t t = 0; t < counts.size(); ++t)
        EXPECT_EQ(cb.fetch<Device>(1001 + static_cast<long long>(t)).policy_id(), static_cast<long long>(t % 5) + 1);
}

}  // namespace
}  // namespace cbapi
