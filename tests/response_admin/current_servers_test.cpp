// What cbapi-python learned after 1.3.2 about current servers (issue 23), on the administration side, against the
// simulator imitating each server version: sensor saves limited to the fields EDR 7.1 accepts (1.6.2), new users
// created with team ids and no `id` (1.3.5), add_team()/remove_team() by name (1.3.5), the paginated sorted
// /api/v2/sensor list (1.7.6/1.7.7), /api/v3/group (1.7.4), SensorBuilds (1.7.3) and dashboard_statistics().
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "response_admin/admin_fixture.hpp"

namespace cbapi {
namespace {

using response::Sensor;
using response::SensorGroup;
using test::AdminWorld;

// The JSON bodies of the PUTs to one sensor.
std::vector<nlohmann::json> sensor_puts(const AdminWorld& w, int id) {
    std::vector<nlohmann::json> out;
    for (const auto& r : test::requests_to(w.server, "/api/v1/sensor/" + std::to_string(id)))
        if (r.method == "PUT") out.push_back(r.json());
    return out;
}

std::set<std::string> keys(const nlohmann::json& doc) {
    std::set<std::string> out;
    for (const auto& [k, v] : doc.items()) out.insert(k);
    return out;
}

const std::set<std::string> kSensorUpdateFields = {"network_isolation_enabled", "restart_queued", "uninstall",
                                                   "group_id", "notes", "event_log_flush_time"};

response::IsolationWait no_real_wait(test::FakeClock& clock) {
    response::IsolationWait wait;
    wait.clock = clock.clock();
    wait.sleeper = clock.sleeper();
    wait.timeout = std::chrono::seconds(30);
    return wait;
}

// --- item 1: sensor saves ----------------------------------------------------------------------------------------

TEST(SensorSave71, IsolateFlushRestartAndGroupMoveSendOnlyTheAcceptedFields) {
    AdminWorld w(test::kVersion71);
    test::FakeClock clock;
    int id = 0;  // a sensor that supports isolation (not Linux)
    for (const auto& h : testing::simulated_hosts(w.options))
        if (id == 0 && h.os_type != "linux") id = h.sensor_id;
    Sensor s = w.cb.fetch<Sensor>(id);
    s.isolate(no_real_wait(clock));
    EXPECT_TRUE(s.is_isolating());
    s.unisolate(no_real_wait(clock));
    s.flush_events(parse_cb_time("2020-04-08 12:00:00.000000+00:00"));
    s.restart_sensor();
    s.set_group(w.cb.fetch<SensorGroup>(3));
    s.save();
    const auto puts = sensor_puts(w, id);
    ASSERT_EQ(puts.size(), 5u);
    for (const auto& body : puts) EXPECT_EQ(keys(body), kSensorUpdateFields) << body.dump();
    EXPECT_EQ(puts[0]["network_isolation_enabled"], true);
    EXPECT_EQ(puts[1]["network_isolation_enabled"], false);
    EXPECT_EQ(puts[2]["event_log_flush_time"], "Thu, 09 Apr 2020 12:00:00 GMT");
    EXPECT_TRUE(puts[3]["event_log_flush_time"].is_null());  // not echoed back
    EXPECT_EQ(puts[3]["restart_queued"], true);
    EXPECT_EQ(puts[4]["group_id"], 3);
    EXPECT_EQ(w.cb.fetch<Sensor>(id).group_id(), 3);
}

TEST(SensorSave71, TheSimulatedServerRefusesOtherFieldsLike71) {
    AdminWorld w(test::kVersion71);
    try {
        w.cb.connection().put_json("/api/v1/sensor/1", {{"group_id", 2}, {"computer_name", "RENAMED"}});
        FAIL() << "expected ServerError";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.error_code(), 400);
        EXPECT_NE(std::string(e.what()).find("computer_name"), std::string::npos) << e.what();
    }
    EXPECT_EQ(w.cb.fetch<Sensor>(1).group_id(), 1);  // nothing applied
    // The same PUT is accepted (and the unknown field ignored) by a server before 7.1.
    AdminWorld old(test::kVersion61);
    EXPECT_NO_THROW(old.cb.connection().put_json("/api/v1/sensor/1", {{"group_id", 2}, {"computer_name", "X"}}));
    EXPECT_EQ(old.cb.fetch<Sensor>(1).group_id(), 2);
    EXPECT_EQ(old.cb.fetch<Sensor>(1).hostname(), testing::simulated_hosts(old.options).at(0).hostname);
}

TEST(SensorSave71, ChangingAFieldNoServerUpdatesIsRefusedBeforeSending) {
    AdminWorld w(test::kVersion71);
    Sensor s = w.cb.fetch<Sensor>(1);
    s.set("computer_name", "RENAMED");
    try {
        s.save();
        FAIL() << "expected InvalidObjectError";
    } catch (const InvalidObjectError& e) {
        EXPECT_NE(std::string(e.what()).find("computer_name"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(sensor_puts(w, 1).empty());
}

TEST(SensorSave71, NotesAndUninstallAreSent) {
    AdminWorld w(test::kVersion71);
    Sensor s = w.cb.fetch<Sensor>(4);
    s.set("notes", "moved to the lab");
    s.save();
    const auto puts = sensor_puts(w, 4);
    ASSERT_EQ(puts.size(), 1u);
    EXPECT_EQ(puts[0]["notes"], "moved to the lab");
    EXPECT_EQ(w.cb.fetch<Sensor>(4).get_or<std::string>("notes", ""), "moved to the lab");
}


// --- item 2: users -----------------------------------------------------------------------------------------------

response::User new_user(response::CbResponseAPI& cb, const std::string& name) {
    response::User u = cb.create<response::User>();
    u.set("username", name).set("first_name", "Ada").set("last_name", "Lovelace").set("email", name + "@example.com");
    u.set("global_admin", false).set("teams", nlohmann::json::array());
    u.set_password("pw-" + name);
    return u;
}

TEST(UserCreate, EveryServerVersionGetsTeamIdsAndNoId) {
    for (const char* version : {test::kVersion51, test::kVersion61, test::kVersion71}) {
        SCOPED_TRACE(version);
        AdminWorld w(version);
        response::User u = new_user(w.cb, "alovelace");
        u.set("id", nullptr);  // as the 6.1 console's documents carry it: still not sent
        u.add_team("responders").add_team("Analysts");
        u.save();
        const auto posts = test::requests_to(w.server, "/api/user");
        ASSERT_EQ(posts.size(), 1u);
        const nlohmann::json body = posts[0].json();
        EXPECT_FALSE(body.contains("id"));
        EXPECT_EQ(body["teams"], nlohmann::json::parse("[2,1]"));
        EXPECT_EQ(body["username"], "alovelace");
        // The user exists with both teams, read back with names.
        const auto teams = w.cb.fetch<response::User>("alovelace").teams();
        ASSERT_EQ(teams.size(), 2u);
        EXPECT_EQ(teams[0].name, "Responders");
        EXPECT_EQ(teams[1].name, "Analysts");
    }
}

TEST(UserTeams, AddAndRemoveByNameLookTheTeamUpByName) {
    AdminWorld w(test::kVersion71);
    response::User u = w.cb.fetch<response::User>("jsmith");  // member of Analysts
    u.add_team("RESPONDERS");                                  // case-insensitive, like the server's names
    u.remove_team("Analysts");
    u.save();
    const auto log = w.log();
    EXPECT_NE(std::find(log.begin(), log.end(), "GET /api/teams"), log.end());
    const auto put = test::requests_to(w.server, "/api/user/jsmith").at(1);
    EXPECT_EQ(put.method, "PUT");
    EXPECT_EQ(put.json()["teams"], nlohmann::json::parse(R"([{"id":2,"name":"Responders"}])"));
    const auto teams = w.cb.fetch<response::User>("jsmith").teams();
    ASSERT_EQ(teams.size(), 1u);
    EXPECT_EQ(teams[0].name, "Responders");
}

TEST(UserTeams, AnUnknownTeamNameIsAClearError) {
    AdminWorld w;
    response::User u = w.cb.fetch<response::User>("jsmith");
    try {
        u.add_team("Night Shift");
        FAIL() << "expected MoreThanOneResultError";
    } catch (const MoreThanOneResultError& e) {
        EXPECT_NE(std::string(e.what()).find("Night Shift"), std::string::npos) << e.what();
    }
    EXPECT_THROW(u.remove_team("Night Shift"), MoreThanOneResultError);
    EXPECT_FALSE(u.is_dirty());
}

// --- item 4: the sensor list ------------------------------------------------------------------------------------

std::vector<std::string> sensor_list_queries(const AdminWorld& w, const std::string& path) {
    return test::queries_to(w.server, path);
}

TEST(SensorList, ServersFrom52PageThroughV2SortedByHostName) {
    for (const char* version : {"5.2.0.161004.1206", test::kVersion61, test::kVersion71}) {
        SCOPED_TRACE(version);
        AdminWorld w(version);
        const auto hosts = testing::simulated_hosts(w.options);
        std::vector<std::string> expected;
        for (const auto& h : hosts) expected.push_back(h.hostname);
        std::sort(expected.begin(), expected.end());
        std::vector<std::string> got;
        for (const Sensor& s : w.cb.select<Sensor>()) got.push_back(s.hostname());
        EXPECT_EQ(got, expected);
        const auto queries = sensor_list_queries(w, "/api/v2/sensor");
        ASSERT_FALSE(queries.empty());
        EXPECT_EQ(queries[0], "rows=100&sort.col=computer_name&sort.dir=asc&start=0");
        EXPECT_TRUE(test::requests_to(w.server, "/api/v1/sensor").empty());
    }
}

TEST(SensorList, ManyPagesAreFetchedInOrderWithoutDuplicates) {
    testing::ResponseSimulatorOptions options;
    options.server_version = test::kVersion71;
    options.hosts = 250;  // three pages of 100
    testing::MockServer server;
    testing::install_response_info(server, options);
    testing::install_response_admin_simulator(server, options);
    test::RecordingSleeper sleeper;
    auto cb = test::response_api(server, sleeper);
    std::vector<std::string> got;
    std::set<std::string> ids;
    for (const Sensor& s : cb.select<Sensor>()) {
        got.push_back(s.hostname());
        ids.insert(s.id());
    }
    EXPECT_EQ(got.size(), 250u);
    EXPECT_EQ(ids.size(), 250u);
    EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));
    std::set<std::string> starts;
    for (const auto& q : test::queries_to(server, "/api/v2/sensor")) {
        EXPECT_NE(q.find("sort.col=computer_name&sort.dir=asc"), std::string::npos) << q;
        starts.insert(q.substr(q.find("start=")));
    }
    EXPECT_EQ(starts, (std::set<std::string>{"start=0", "start=100", "start=200"}));
}

TEST(SensorList, FiltersGoToTheServerAndAreAppliedToTheReply) {
    AdminWorld w(test::kVersion71);
    const auto q = w.cb.select<Sensor>().where("groupid:2").and_("hostname:WIN-");
    std::vector<std::string> expected;
    for (const auto& h : testing::simulated_hosts(w.options))
        if (h.group_id == 2 && h.hostname.rfind("WIN-", 0) == 0) expected.push_back(h.hostname);
    std::sort(expected.begin(), expected.end());
    std::vector<std::string> got;
    for (const Sensor& s : q) got.push_back(s.hostname());
    EXPECT_EQ(got, expected);
    EXPECT_EQ(sensor_list_queries(w, "/api/v2/sensor"),
              (std::vector<std::string>{"groupid=2&hostname=WIN-&rows=100&sort.col=computer_name&sort.dir=asc&start=0"}));
    EXPECT_TRUE(w.cb.select<Sensor>().where("hostname:NO-SUCH-HOST").empty());
}

TEST(SensorList, ARepeatedSensorIsListedOnce) {
    AdminWorld w(test::kVersion71);
    const Sensor one = w.cb.fetch<Sensor>(1);
    const Sensor two = w.cb.fetch<Sensor>(2);
    // A server whose order shifted between pages: sensor 1 on both.
    w.server.enqueue("GET", "/api/v2/sensor",
                     testing::MockResponse::json({{"results", {one.document(), two.document(), one.document()}},
                                                  {"total_results", 3}}));
    std::vector<std::string> ids;
    for (const Sensor& s : w.cb.select<Sensor>()) ids.push_back(s.id());
    EXPECT_EQ(ids, (std::vector<std::string>{"1", "2"}));
}

TEST(SensorList, ServersBefore52UseTheUnpagedV1List) {
    AdminWorld w(test::kVersion50);
    EXPECT_EQ(w.cb.select<Sensor>().size(), testing::simulated_hosts(w.options).size());
    EXPECT_EQ(w.log(), (std::vector<std::string>{"GET /api/v1/sensor"}));
    // The 5.0 simulator has no v2 list at all.
    EXPECT_THROW(w.cb.connection().get_json("/api/v2/sensor"), ObjectNotFoundError);
}

TEST(SensorList, AMalformedPageIsAClearError) {
    AdminWorld w(test::kVersion71);
    w.server.enqueue("GET", "/api/v2/sensor", testing::MockResponse::json({{"results", {1, 2}}, {"total_results", 2}}));
    EXPECT_THROW(w.cb.select<Sensor>().size(), ServerError);
    w.server.enqueue("GET", "/api/v2/sensor", testing::MockResponse::json(nlohmann::json::array()));
    EXPECT_THROW(w.cb.select<Sensor>().size(), ServerError);
}

// --- item 5: groups, builds, dashboard ---------------------------------------------------------------------------

TEST(SensorGroupV3, ServersFrom70UseApiV3GroupWithPerOsVersions) {
    AdminWorld w(test::kVersion71);
    const auto groups = w.cb.select<SensorGroup>();
    ASSERT_EQ(groups.size(), testing::simulated_group_names().size());
    const SensorGroup g = w.cb.fetch<SensorGroup>(2);
    EXPECT_EQ(g.sensor_version_windows(), "Manual");
    EXPECT_EQ(g.sensor_version_linux(), "Manual");
    EXPECT_TRUE(g.isolation_exclusions().is_array());
    EXPECT_TRUE(g.event_exclusions().is_array());
    EXPECT_EQ(w.log(), (std::vector<std::string>{"GET /api/v3/group", "GET /api/v3/group/2"}));
}

TEST(SensorGroupV3, CreateNeedsSensorbackendServerAndSendsExclusions) {
    AdminWorld w(test::kVersion71);
    const auto builds = w.cb.sensor_builds();
    ASSERT_FALSE(builds.windows_builds.empty());
    SensorGroup g = w.cb.create<SensorGroup>();
    g.set("name", "Lab").set("site_id", 1);
    EXPECT_THROW(g.save(), InvalidObjectError);  // sensorbackend_server is required by v3
    g.set("sensorbackend_server", "https://cb.example.com:443");
    g.set("sensor_version_windows", builds.windows_builds.back());
    g.set("isolation_exclusions", nlohmann::json::parse(R"([{"name": "DNS", "ip_address": "10.0.0.53"}])"));
    g.set("event_exclusions",
          nlohmann::json::parse(R"([{"eventsToIgnore": ["netconn"], "paths": ["svchost.exe"]}])"));
    g.save();
    const auto posts = test::requests_to(w.server, "/api/v3/group");
    ASSERT_EQ(posts.size(), 1u);  // the refused save sent nothing
    EXPECT_EQ(posts[0].method, "POST");
    EXPECT_EQ(posts[0].json()["sensor_version_windows"], builds.windows_builds.back());
    EXPECT_EQ(posts[0].json()["isolation_exclusions"][0]["ip_address"], "10.0.0.53");
    const SensorGroup back = w.cb.fetch<SensorGroup>(g.id());
    EXPECT_EQ(back.sensor_version_windows(), builds.windows_builds.back());
    EXPECT_EQ(back.event_exclusions()[0]["eventsToIgnore"][0], "netconn");
    // The v3 server refuses a version it has no build of.
    SensorGroup bad = w.cb.fetch<SensorGroup>(g.id());
    bad.set("sensor_version_osx", "9.9.9.9");
    EXPECT_THROW(bad.save(), ServerError);
}

TEST(SensorGroupV3, ServersBefore70KeepApiGroup) {
    AdminWorld w(test::kVersion61);
    EXPECT_EQ(w.cb.fetch<SensorGroup>(1).name(), "Default Group");
    EXPECT_EQ(w.log(), (std::vector<std::string>{"GET /api/group/1"}));
    EXPECT_THROW(w.cb.connection().get_json("/api/v3/group"), ObjectNotFoundError);
    EXPECT_THROW(w.cb.sensor_builds(), ObjectNotFoundError);
}

TEST(SensorBuilds, ListsTheVersionStringsPerOs) {
    AdminWorld w(test::kVersion71);
    const auto builds = w.cb.sensor_builds();
    EXPECT_EQ(builds.windows_builds, (std::vector<std::string>{"6.2.6.10001", "7.0.1.14522", "7.1.0.16511"}));
    EXPECT_EQ(builds.osx_builds, (std::vector<std::string>{"6.2.8.10215", "7.0.0.11050"}));
    EXPECT_EQ(builds.linux_builds, (std::vector<std::string>{"6.2.6.10101", "7.0.0.11410"}));
    EXPECT_EQ(w.log(), (std::vector<std::string>{"GET /api/v2/builds"}));
    w.server.enqueue("GET", "/api/v2/builds", testing::MockResponse::json({{"Windows", {{{"os", "Windows"}}}}}));
    EXPECT_THROW(w.cb.sensor_builds(), ServerError);
}

TEST(DashboardStatistics, ReturnsTheServersStatistics) {
    AdminWorld w;
    const auto stats = w.cb.dashboard_statistics();
    EXPECT_EQ(stats["sensor_count"], testing::simulated_hosts(w.options).size());
    EXPECT_EQ(w.log(), (std::vector<std::string>{"GET /api/v1/dashboard/statistics"}));
    w.server.enqueue("GET", "/api/v1/dashboard/statistics", testing::MockResponse::json(nlohmann::json::array()));
    EXPECT_THROW(w.cb.dashboard_statistics(), ServerError);
}

}  // namespace
}  // namespace cbapi
