// Sensor and SensorQuery against the simulator: the non-paginated v1 query (servers before 5.2) and its filters,
// typed fields, group moves, flush_events, isolation waits (injected clock and sleeper), statistics. The paginated
// v2 list of newer servers is tested in current_servers_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "response_admin/admin_fixture.hpp"

namespace cbapi {
namespace {

using response::Sensor;
using response::SensorGroup;
using test::AdminWorld;

std::vector<std::string> hostnames(const response::SensorQuery& q) {
    std::vector<std::string> out;
    for (const Sensor& s : q) out.push_back(s.hostname());
    return out;
}

// An isolation wait on a clock that only the wait's own sleeps advance.
response::IsolationWait fake_wait(test::FakeClock& clock, std::chrono::milliseconds timeout) {
    response::IsolationWait wait;
    wait.clock = clock.clock();
    wait.sleeper = clock.sleeper();
    wait.timeout = timeout;
    return wait;
}

TEST(SensorQuery, ListsEverySimulatedHostInOneRequest) {
    AdminWorld w(test::kVersion51);  // the unpaged v1 list (servers before 5.2)
    const auto hosts = testing::simulated_hosts(w.options);
    std::vector<std::string> expected;
    for (const auto& h : hosts) expected.push_back(h.hostname);
    auto q = w.cb.select<Sensor>();
    EXPECT_EQ(hostnames(q), expected);
    EXPECT_EQ(q.size(), hosts.size());  // cached: no second request
    EXPECT_EQ(w.log(), (std::vector<std::string>{"GET /api/v1/sensor"}));
}

TEST(SensorQuery, HostnameFilterIsSentToTheServer) {
    AdminWorld w(test::kVersion51);  // the unpaged v1 list (servers before 5.2)
    const auto hosts = testing::simulated_hosts(w.options);
    const Sensor s = w.cb.select<Sensor>().where("hostname:" + hosts[2].hostname).one();
    EXPECT_EQ(s.id(), "3");
    EXPECT_EQ(w.log(), (std::vector<std::string>{"GET /api/v1/sensor?hostname=" + hosts[2].hostname}));
}

TEST(SensorQuery, SeveralClausesAreAllApplied) {
    AdminWorld w(test::kVersion51);  // the unpaged v1 list (servers before 5.2)
    // The server uses only `ip` when `ip` and `hostname` are both sent; the query still applies both.
    const auto q = w.cb.select<Sensor>().where("ip:10.").and_("hostname:WIN-");
    std::vector<std::string> expected;
    for (const auto& h : testing::simulated_hosts(w.options))
        if (h.hostname.rfind("WIN-", 0) == 0) expected.push_back(h.hostname);
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(hostnames(q), expected);
    EXPECT_EQ(w.log(), (std::vector<std::string>{"GET /api/v1/sensor?hostname=WIN-&ip=10."}));
}

TEST(SensorQuery, GroupIdFilterAndClientSideSort) {
    AdminWorld w(test::kVersion51);  // the unpaged v1 list (servers before 5.2)
    std::vector<std::string> expected;
    for (const auto& h : testing::simulated_hosts(w.options))
        if (h.group_id == 2) expected.insert(expected.begin(), h.hostname);  // descending id
    const auto q = w.cb.select<Sensor>().where("groupid:2").sort("id desc");
    EXPECT_EQ(hostnames(q), expected);
    for (const Sensor& s : q) EXPECT_EQ(s.group_id(), 2);
    EXPECT_EQ(w.log(), (std::vector<std::string>{"GET /api/v1/sensor?groupid=2"}));
}

TEST(SensorQuery, NoMatchIsAnEmptyResultThoughTheServerAnswers500) {
    AdminWorld w(test::kVersion51);  // the unpaged v1 list (servers before 5.2)
    const auto q = w.cb.select<Sensor>().where("hostname:NO-SUCH-HOST");
    EXPECT_TRUE(q.empty());
    EXPECT_FALSE(q.first().has_value());
    EXPECT_THROW(q.one(), MoreThanOneResultError);
    EXPECT_EQ(w.log(), (std::vector<std::string>{"GET /api/v1/sensor?hostname=NO-SUCH-HOST"}));
}

TEST(SensorQuery, IpMatchesAddressesNotMacs) {
    AdminWorld w;
    const auto host = testing::simulated_hosts(w.options).at(4);
    const auto by_ip = w.cb.select<Sensor>().where("ip:" + host.ip_address).one();
    EXPECT_EQ(by_ip.hostname(), host.hostname);
    EXPECT_TRUE(w.cb.select<Sensor>().where("ip:005056").empty());  // every MAC starts 00:50:56
}

TEST(SensorQuery, AnUnfilteredServerErrorIsNotHidden) {
    AdminWorld w(test::kVersion51);  // the unpaged v1 list (servers before 5.2)
    w.server.enqueue("GET", "/api/v1/sensor", testing::MockResponse::text("boom", 500));
    EXPECT_THROW(w.cb.select<Sensor>().size(), ServerError);
}

TEST(SensorQuery, RejectsOtherFieldsRepeatsAndEmptyValues) {
    AdminWorld w;
    const auto q = w.cb.select<Sensor>();
    try {
        (void)q.where("os:windows");
        FAIL() << "expected ApiError";
    } catch (const ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("Field name must be one of: ip, hostname, groupid"), std::string::npos);
    }
    EXPECT_THROW((void)q.where("ip:10.1").where("ip:10.2"), ApiError);
    EXPECT_THROW((void)q.where("hostname:"), ApiError);
    EXPECT_THROW((void)q.where("hostname"), ApiError);
    EXPECT_THROW((void)q.sort("id sideways"), ApiError);
    EXPECT_TRUE(w.log().empty());
}

TEST(SensorQuery, BuildersDoNotChangeTheQueryTheyWereCalledOn) {
    AdminWorld w;
    const auto all = w.cb.select<Sensor>();
    const auto some = all.where("groupid:1");
    EXPECT_EQ(some.size(), 1u);
    EXPECT_EQ(all.size(), testing::simulated_hosts(w.options).size());
    EXPECT_TRUE(all.params().empty());
}

TEST(Sensor, TypedFields) {
    AdminWorld w;
    const auto host = testing::simulated_hosts(w.options).at(0);
    const Sensor s = w.cb.fetch<Sensor>(1);
    EXPECT_EQ(s.hostname(), host.hostname);
    EXPECT_EQ(s.dns_name(), host.computer_dns_name);
    EXPECT_EQ(s.os(), host.os_name);
    EXPECT_EQ(s.group_id(), host.group_id);
    EXPECT_EQ(s.clock_delta(), 0);                // sent as the string "0"
    EXPECT_EQ(s.uptime(), 86400 + 3600);          // sent as a string
    EXPECT_EQ(s.physical_memory_size(), 8589934592LL);
    EXPECT_EQ(s.status(), "Online");
    EXPECT_TRUE(s.supports_cblr());
    ASSERT_TRUE(s.registration_time().has_value());
    EXPECT_EQ(format_cb_time(*s.registration_time()), "2018-07-02 14:15:00.000000");  // -05:00 → UTC
    EXPECT_FALSE(s.event_log_flush_time().has_value());
    const auto adapters = s.network_interfaces();
    ASSERT_EQ(adapters.size(), 1u);
    EXPECT_EQ(adapters[0].ipaddr, host.ip_address);
    EXPECT_EQ(adapters[0].macaddr, host.mac_address);
    EXPECT_EQ(s.webui_link(), w.server.url() + "/#/host/1");
    EXPECT_EQ(w.log(), (std::vector<std::string>{"GET /api/v1/sensor/1"}));
}

TEST(Sensor, NetworkInterfacesSkipMalformedEntries) {
    AdminWorld w;
    const Sensor s(w.cb.handle(), {{"id", 9}, {"network_adapters", "a,b,c|192.168.1.159,00155d019c02||junk|"}}, true);
    EXPECT_EQ(s.network_interfaces(),
              (std::vector<response::NetworkAdapter>{{"00:15:5d:01:9c:02", "192.168.1.159"}}));
}

TEST(Sensor, BadNumericTextIsAClearError) {
    AdminWorld w;
    const Sensor s(w.cb.handle(), {{"id", 9}, {"clock_delta", "soon"}}, true);
    EXPECT_THROW((void)s.clock_delta(), ApiError);
}

TEST(Sensor, GroupIsJoinedLazilyAndMovedWithSave) {
    AdminWorld w;
    Sensor s = w.cb.select<Sensor>(1);
    const SensorGroup g = s.group();  // GET of the sensor for its group_id; the group itself not yet
    EXPECT_EQ(w.log(), (std::vector<std::string>{"GET /api/v1/sensor/1"}));
    EXPECT_EQ(g.name(), "Default Group");
    s.set_group(w.cb.fetch<SensorGroup>(3));
    s.save();
    const auto log = w.log();
    ASSERT_EQ(log.size(), 5u);
    EXPECT_EQ(log[1], "GET /api/group/1");
    EXPECT_EQ(log[2], "GET /api/group/3");
    EXPECT_EQ(log[3].rfind("PUT /api/v1/sensor/1 {", 0), 0u);
    EXPECT_NE(log[3].find("\"group_id\":3"), std::string::npos);
    EXPECT_EQ(log[4], "GET /api/v1/sensor/1");  // 204 → reloaded
    EXPECT_EQ(w.cb.fetch<Sensor>(1).group_id(), 3);
    EXPECT_THROW(s.set_group(w.cb.create<SensorGroup>()), InvalidObjectError);
}

TEST(Sensor, FlushEventsOn61SendsAnHttpDateOneDayAhead) {
    AdminWorld w;
    Sensor s = w.cb.fetch<Sensor>(2);
    s.flush_events(parse_cb_time("2018-08-06 12:00:00.000000+00:00"));
    const auto puts = test::requests_to(w.server, "/api/v1/sensor/2");
    ASSERT_EQ(puts.size(), 3u);  // GET, PUT, GET
    EXPECT_EQ(puts[1].method, "PUT");
    EXPECT_EQ(puts[1].json()["event_log_flush_time"], "Tue, 07 Aug 2018 12:00:00 GMT");
    EXPECT_FALSE(puts[1].json().contains("computer_name"));  // only the updatable fields (cbapi-python 1.6.2)
    ASSERT_TRUE(s.event_log_flush_time().has_value());

    // A later save must not echo the flush time back (that would ask for another flush).
    s.restart_sensor();
    const auto after = test::requests_to(w.server, "/api/v1/sensor/2");
    ASSERT_EQ(after.size(), 5u);
    EXPECT_TRUE(after[3].json()["event_log_flush_time"].is_null());
    EXPECT_EQ(after[3].json()["restart_queued"], true);
}

TEST(Sensor, FlushEventsBefore60SendsCbTime) {
    AdminWorld w(test::kVersion51);
    Sensor s = w.cb.fetch<Sensor>(2);
    s.flush_events(parse_cb_time("2018-12-31 23:30:00.000000+00:00"));
    const auto reqs = test::requests_to(w.server, "/api/v1/sensor/2");
    ASSERT_EQ(reqs.size(), 3u);
    EXPECT_EQ(reqs[1].json()["event_log_flush_time"], "2019-01-01 23:30:00.000000");
}

TEST(Sensor, IsolateWaitsUntilTheSensorConfirms) {
    AdminWorld w;
    test::FakeClock clock;
    const response::IsolationWait wait = fake_wait(clock, std::chrono::seconds(30));
    Sensor s = w.cb.fetch<Sensor>(1);
    ASSERT_FALSE(s.is_isolating());
    s.isolate(wait);
    EXPECT_TRUE(s.is_isolating());
    EXPECT_TRUE(s.network_isolation_enabled());
    // PUT, reload (1st poll: not yet), one sleep, refresh (2nd poll: active).
    const auto log = w.log();
    ASSERT_EQ(log.size(), 4u);
    EXPECT_NE(log[1].find("\"network_isolation_enabled\":true"), std::string::npos);
    EXPECT_EQ(log[2], "GET /api/v1/sensor/1");
    EXPECT_EQ(log[3], "GET /api/v1/sensor/1");
    EXPECT_EQ(clock.sleeps, (std::vector<std::chrono::milliseconds>{std::chrono::seconds(1)}));
    EXPECT_EQ(testing::simulated_isolation_polls, 2);

    s.unisolate(wait);
    EXPECT_FALSE(s.is_isolating());
    EXPECT_FALSE(s.network_isolation_enabled());
    EXPECT_EQ(clock.sleeps.size(), 2u);
    EXPECT_TRUE(w.sleeper.delays().empty());  // the injected sleeper was used, not the connection's
}

TEST(Sensor, IsolateUsesTheConnectionSleeperByDefault) {
    AdminWorld w;
    Sensor s = w.cb.fetch<Sensor>(1);
    s.isolate();  // the test connection's sleeper does not sleep; the simulator confirms on the 2nd poll
    EXPECT_TRUE(s.is_isolating());
    EXPECT_EQ(w.sleeper.delays(), (std::vector<std::chrono::milliseconds>{std::chrono::seconds(1)}));
}

TEST(Sensor, IsolateTimesOutWithAClearError) {
    AdminWorld w;
    test::FakeClock clock;
    const response::IsolationWait wait = fake_wait(clock, std::chrono::milliseconds(0));
    Sensor s = w.cb.fetch<Sensor>(1);
    try {
        s.isolate(wait);
        FAIL() << "expected TimeoutError";
    } catch (const TimeoutError& e) {
        EXPECT_NE(std::string(e.what()).find("timed out waiting for isolation to become active"), std::string::npos);
    }
    EXPECT_TRUE(clock.sleeps.empty());
}

TEST(Sensor, IsolationOfAHostThatCannotBeIsolatedIsRefused) {
    AdminWorld w;
    std::string linux_id;
    for (const auto& h : testing::simulated_hosts(w.options))
        if (h.os_type == "linux") linux_id = std::to_string(h.sensor_id);
    if (linux_id.empty()) GTEST_SKIP() << "no Linux host with this seed";
    Sensor s = w.cb.fetch<Sensor>(linux_id);
    EXPECT_THROW(s.isolate(), ApiError);
    for (const auto& line : w.log()) EXPECT_EQ(line.rfind("PUT", 0), std::string::npos);
}

TEST(Sensor, Statistics) {
    AdminWorld w;
    const auto queued = w.cb.select<Sensor>(1).queued_stats();
    ASSERT_TRUE(queued.is_array());
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_EQ(queued[0]["sensor_id"], 1);
    EXPECT_EQ(w.cb.select<Sensor>(2).queued_stats(), nlohmann::json::array());  // 204
    EXPECT_EQ(w.cb.select<Sensor>(2).activity_stats()[0]["sensor_id"], 2);
    EXPECT_EQ(w.cb.select<Sensor>(2).resource_status()[0]["sensor_id"], 2);
    EXPECT_THROW(w.cb.select<Sensor>(99).activity_stats(), ObjectNotFoundError);
    EXPECT_EQ(w.log(), (std::vector<std::string>{"GET /api/v1/sensor/1/queued", "GET /api/v1/sensor/2/queued",
                                                 "GET /api/v1/sensor/2/activity", "GET /api/v1/sensor/2/resourcestatus",
                                                 "GET /api/v1/sensor/99/activity"}));
}

}  // namespace
}  // namespace cbapi
