// SensorGroup, Site and ThrottleRule against the simulator: lists, one-element-array GETs, create/update/delete
// with the server's validation, sensors of a group, installers and data sharing settings.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "response_admin/admin_fixture.hpp"

namespace cbapi {
namespace {

using response::InstallerType;
using response::Sensor;
using response::SensorGroup;
using response::Site;
using response::ThrottleRule;
using test::AdminWorld;

TEST(SensorGroup, ListAndGetOfAnArrayOfOne) {
    AdminWorld w;
    std::vector<std::string> names;
    for (const SensorGroup& g : w.cb.select<SensorGroup>()) names.push_back(g.name());
    EXPECT_EQ(names, testing::simulated_group_names());
    const SensorGroup servers = w.cb.fetch<SensorGroup>(2);
    EXPECT_EQ(servers.name(), "Servers");
    EXPECT_EQ(servers.site_id(), 1);
    EXPECT_EQ(servers.max_licenses(), -1);
    EXPECT_EQ(servers.team_access().size(), 2u);  // Analysts (viewer) and Responders (administrator)
    EXPECT_EQ(servers.site().name(), "Default Site");
    EXPECT_EQ(w.log(), (std::vector<std::string>{"GET /api/group", "GET /api/group/2", "GET /api/site/1"}));
    EXPECT_THROW(w.cb.fetch<SensorGroup>(42), ObjectNotFoundError);
}

TEST(SensorGroup, AReplyThatIsNotAnArrayOfOneIsNotFound) {
    AdminWorld w;
    w.server.enqueue("GET", "/api/group/2", testing::MockResponse::json(nlohmann::json::array()));
    EXPECT_THROW(w.cb.fetch<SensorGroup>(2), ObjectNotFoundError);
}

TEST(SensorGroup, CreateUpdateDelete) {
    AdminWorld w;
    SensorGroup g = w.cb.create<SensorGroup>();
    g.set("name", "Critical Endpoints");
    g.set_site(w.cb.fetch<Site>(1));
    g.save();
    EXPECT_EQ(g.id(), "4");
    EXPECT_EQ(g.alert_criticality(), 3);  // the server's defaults, read back
    g.set("alert_criticality", 5);
    g.save();
    EXPECT_EQ(w.cb.fetch<SensorGroup>(4).alert_criticality(), 5);
    g.remove();
    EXPECT_THROW(w.cb.fetch<SensorGroup>(4), ObjectNotFoundError);
    const auto log = w.log();
    ASSERT_EQ(log.size(), 8u);
    EXPECT_EQ(log[1], R"(POST /api/group {"name":"Critical Endpoints","site_id":1})");
    EXPECT_EQ(log[2], "GET /api/group/4");
    EXPECT_EQ(log[3].rfind("PUT /api/group/4 {", 0), 0u);
    EXPECT_NE(log[3].find("\"alert_criticality\":5"), std::string::npos);
    EXPECT_NE(log[3].find("\"collect_filemods\":true"), std::string::npos);  // the whole document
    EXPECT_EQ(log[6], "DELETE /api/group/4");
}

TEST(SensorGroup, ServerValidation) {
    AdminWorld w;
    SensorGroup no_site = w.cb.create<SensorGroup>();
    no_site.set("name", "Nowhere");
    try {
        no_site.save();
        FAIL() << "expected InvalidObjectError";
    } catch (const InvalidObjectError& e) {
        EXPECT_STREQ(e.what(), "Missing fields: [site_id]");
    }
    EXPECT_TRUE(w.log().empty());

    SensorGroup dup = w.cb.create<SensorGroup>();
    dup.set("name", "servers").set("site_id", 1);
    try {
        dup.save();
        FAIL() << "expected ServerError";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.error_code(), 409);
    }
    SensorGroup bad_site = w.cb.create<SensorGroup>();
    bad_site.set("name", "Elsewhere").set("site_id", 77);
    try {
        bad_site.save();
        FAIL() << "expected ServerError";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.error_code(), 400);
    }
    try {
        w.cb.select<SensorGroup>(1).remove();
        FAIL() << "expected ServerError";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.error_code(), 409);  // the default group
    }
    try {
        w.cb.select<SensorGroup>(2).remove();
        FAIL() << "expected ServerError";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.error_code(), 409);  // still has sensors
    }
    EXPECT_EQ(w.cb.select<SensorGroup>().size(), 3u);
}

TEST(SensorGroup, SensorsOfAGroup) {
    AdminWorld w;
    const auto sensors = w.cb.fetch<SensorGroup>(3).sensors();
    std::size_t expected = 0;
    for (const auto& h : testing::simulated_hosts(w.options)) expected += h.group_id == 3 ? 1 : 0;
    EXPECT_EQ(sensors.size(), expected);
    for (const Sensor& s : sensors) EXPECT_EQ(s.group_id(), 3);
    EXPECT_EQ(w.log().back(), "GET /api/v2/sensor?groupid=3&rows=100&sort.col=computer_name&sort.dir=asc&start=0");
    EXPECT_THROW((void)w.cb.create<SensorGroup>().sensors(), InvalidObjectError);
}

TEST(SensorGroup, Installers) {
    AdminWorld w;
    const SensorGroup g = w.cb.select<SensorGroup>(2);
    EXPECT_EQ(g.get_installer().substr(0, 2), "PK");
    EXPECT_EQ(g.get_installer("windows/msi").substr(0, 2), "PK");
    EXPECT_EQ(g.get_installer(InstallerType::osx).substr(0, 2), "PK");
    EXPECT_EQ(g.get_installer("linux").substr(0, 2), "\x1f\x8b");
    EXPECT_THROW((void)g.get_installer("solaris"), ApiError);
    EXPECT_THROW((void)w.cb.select<SensorGroup>(42).get_installer(), ObjectNotFoundError);
    EXPECT_EQ(w.log(), (std::vector<std::string>{"GET /api/v1/group/2/installer/windows/exe",
                                                 "GET /api/v1/group/2/installer/windows/msi",
                                                 "GET /api/v1/group/2/installer/osx",
                                                 "GET /api/v1/group/2/installer/linux",
                                                 "GET /api/v1/group/42/installer/windows/exe"}));
}

TEST(SensorGroup, DataSharingListEnableDisable) {
    AdminWorld w;
    const SensorGroup servers = w.cb.select<SensorGroup>(2);
    const auto settings = servers.datasharing();
    ASSERT_EQ(settings.size(), 1u);
    EXPECT_EQ(settings[0].who, "VIRUSTOTAL");
    EXPECT_EQ(settings[0].what, "BIN");
    EXPECT_EQ(settings[0].group_id, "2");

    const SensorGroup def = w.cb.select<SensorGroup>(1);
    EXPECT_FALSE(def.shares("VIRUSTOTAL", "BIN"));
    const auto made = def.enable_datasharing("VIRUSTOTAL", "BIN");
    EXPECT_FALSE(made.id.empty());
    EXPECT_TRUE(def.shares("VIRUSTOTAL", "BIN"));
    try {
        def.enable_datasharing("VIRUSTOTAL", "BIN");
        FAIL() << "expected ServerError";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.error_code(), 409);
    }
    EXPECT_EQ(def.disable_datasharing("VIRUSTOTAL", "BIN"), 1u);
    EXPECT_FALSE(def.shares("VIRUSTOTAL", "BIN"));
    servers.disable_all_datasharing();
    EXPECT_TRUE(servers.datasharing().empty());
    EXPECT_THROW(def.enable_datasharing("", "BIN"), ApiError);

    const auto log = w.log();
    EXPECT_NE(std::find(log.begin(), log.end(),
                        R"(POST /api/v1/group/1/datasharing {"group_id":1,"what":"BIN","who":"VIRUSTOTAL"})"),
              log.end());
    EXPECT_NE(std::find(log.begin(), log.end(), "DELETE /api/v1/group/1/datasharing/" + made.id), log.end());
    EXPECT_NE(std::find(log.begin(), log.end(), "DELETE /api/v1/group/2/datasharing"), log.end());
}

TEST(Site, ListGetCreateDeleteAndThrottleRules) {
    AdminWorld w;
    EXPECT_EQ(w.cb.select<Site>().size(), 1u);
    const Site site = w.cb.fetch<Site>(1);
    EXPECT_EQ(site.name(), "Default Site");
    const auto rules = site.throttle_rules();
    ASSERT_EQ(rules.size(), 2u);
    for (const ThrottleRule& r : rules) {
        EXPECT_EQ(r.site_id(), 1);
        EXPECT_EQ(r.from(), 9);
        EXPECT_EQ(r.to(), 17);
    }
    EXPECT_DOUBLE_EQ(w.cb.fetch<ThrottleRule>(1).bytes_per_second().value_or(0), 1048576.0);
    EXPECT_EQ(w.cb.fetch<ThrottleRule>(2).site().name(), "Default Site");

    Site branch = w.cb.create<Site>();
    branch.set("name", "Branch Office");
    branch.save();
    EXPECT_EQ(branch.id(), "2");
    EXPECT_EQ(w.cb.select<Site>().where("name:branch office").one().id(), "2");
    branch.remove();
    EXPECT_THROW(w.cb.fetch<Site>(2), ObjectNotFoundError);
    EXPECT_THROW(w.cb.select<Site>(1).remove(), ServerError);  // the default site
    const auto log = w.log();
    EXPECT_NE(std::find(log.begin(), log.end(), R"(POST /api/site {"name":"Branch Office"})"), log.end());
    EXPECT_NE(std::find(log.begin(), log.end(), "GET /api/throttle"), log.end());
}

}  // namespace
}  // namespace cbapi

namespace cbapi {
namespace {

TEST(ThrottleRule, CreateUpdateDeleteWithTheServersValidation) {
    test::AdminWorld w;
    response::ThrottleRule rule = w.cb.create<response::ThrottleRule>();
    rule.set_site(w.cb.fetch<response::Site>(1));
    rule.set("day_of_week", 6).set("from", 0).set("to", 6).set("bytes_per_second", 2048.0);
    rule.save();
    EXPECT_EQ(rule.id(), "3");
    rule.set("to", 8);
    rule.save();
    EXPECT_EQ(w.cb.fetch<response::ThrottleRule>(3).to(), 8);
    EXPECT_EQ(w.cb.fetch<response::Site>(1).throttle_rules().size(), 3u);

    rule.set("from", 9);  // from >= to
    try {
        rule.save();
        FAIL() << "expected ServerError";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.error_code(), 400);
    }
    response::ThrottleRule incomplete = w.cb.create<response::ThrottleRule>();
    incomplete.set("site_id", 1);
    EXPECT_THROW(incomplete.save(), InvalidObjectError);
    rule.remove();
    EXPECT_THROW(w.cb.fetch<response::ThrottleRule>(3), ObjectNotFoundError);
    const auto log = w.log();
    EXPECT_EQ(log[1], R"(POST /api/throttle {"bytes_per_second":2048.0,"day_of_week":6,"from":0,"site_id":1,"to":6})");
    EXPECT_EQ(log[2], "GET /api/throttle/3");
    EXPECT_EQ(log[3], R"(PUT /api/throttle/3 {"bytes_per_second":2048.0,"day_of_week":6,"from":0,"id":3,"site_id":1,"to":8})");
}

}  // namespace
}  // namespace cbapi
