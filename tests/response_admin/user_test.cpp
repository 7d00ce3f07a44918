// User, Team and get_api_token against the simulator: the 6.1 and pre-6.1 representations of a user's teams,
// required fields, team access to sensor groups, and the API token by HTTP digest authentication.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "response_admin/admin_fixture.hpp"

namespace cbapi {
namespace {

using response::SensorGroup;
using response::Team;
using response::User;
using test::AdminWorld;

User new_user(const response::CbResponseAPI& cb, const std::string& name) {
    User u = cb.create<User>();
    u.set("username", name);
    u.set("first_name", "John");
    u.set("last_name", "Doe");
    u.set("email", name + "@example.com");
    u.set("global_admin", false);
    u.set("teams", nlohmann::json::array());
    u.set_password("s3cret-pw");
    return u;
}

TEST(User, ListAndTeams) {
    AdminWorld w;
    std::vector<std::string> names;
    for (const User& u : w.cb.select<User>()) names.push_back(u.username());
    EXPECT_EQ(names, (std::vector<std::string>{"admin", "bwong", "jsmith"}));
    const User jsmith = w.cb.select<User>().where("username:JSMITH").one();
    ASSERT_EQ(jsmith.teams().size(), 1u);
    EXPECT_EQ(jsmith.teams()[0].id, 1);
    EXPECT_EQ(jsmith.teams()[0].name, "Analysts");
    EXPECT_EQ(jsmith.first_name(), "Jane");
    EXPECT_FALSE(jsmith.global_admin());
    EXPECT_EQ(w.log(), (std::vector<std::string>{"GET /api/users", "GET /api/users"}));
}

TEST(User, TeamsReadsBothRepresentations) {
    AdminWorld w;
    const User u(w.cb.handle(), {{"username", "x"}, {"teams", {3, {{"id", 4}, {"name", "Four"}}}}}, true);
    const auto teams = u.teams();
    ASSERT_EQ(teams.size(), 2u);
    EXPECT_EQ(teams[0].id, 3);
    EXPECT_EQ(teams[0].name, "");
    EXPECT_EQ(teams[1].id, 4);
    EXPECT_EQ(teams[1].name, "Four");
}

// cbapi-python 1.3.5: a new user is created with team ids and no `id` on every server version.
TEST(User, CreateOn61SendsTeamIdsAndNoId) {
    AdminWorld w;
    User u = new_user(w.cb, "jdoe");
    u.add_team(w.cb.select<Team>().where("name:Responders").one());
    u.save();
    EXPECT_EQ(u.teams().at(0).name, "Responders");
    const auto log = w.log();
    ASSERT_EQ(log.size(), 3u);
    EXPECT_EQ(log[1], R"(POST /api/user {"email":"jdoe@example.com","first_name":"John","global_admin":false,)"
                      R"("last_name":"Doe","password":"s3cret-pw","teams":[2],"username":"jdoe"})");
    EXPECT_EQ(log[2], "GET /api/user/jdoe");
}

TEST(User, Before61TeamsAreSentAsIdsOnCreateAndUpdate) {
    AdminWorld w(test::kVersion51);
    User u = new_user(w.cb, "jdoe");
    u.add_team(1);  // reads the team's name
    u.save();
    u.add_team(2);
    u.save();
    ASSERT_EQ(u.teams().size(), 2u);
    const auto log = w.log();
    ASSERT_EQ(log.size(), 6u);
    EXPECT_EQ(log[0], "GET /api/team/1");
    EXPECT_EQ(log[1], R"(POST /api/user {"email":"jdoe@example.com","first_name":"John","global_admin":false,)"
                      R"("last_name":"Doe","password":"s3cret-pw","teams":[1],"username":"jdoe"})");
    EXPECT_EQ(log[3], "GET /api/team/2");
    EXPECT_EQ(log[4].rfind("PUT /api/user/jdoe {", 0), 0u);
    EXPECT_NE(log[4].find("\"teams\":[1,2]"), std::string::npos);
    EXPECT_EQ(log[4].find("\"id\""), std::string::npos);
}

TEST(User, TheServerRefusesTheOtherRepresentation) {
    AdminWorld w(test::kVersion51);
    const nlohmann::json body = {{"username", "x"},   {"first_name", "X"},  {"last_name", "Y"},
                                 {"email", "x@y.z"},  {"global_admin", false}, {"password", "p"},
                                 {"teams", {{{"id", 1}, {"name", "Analysts"}}}}};
    try {
        w.cb.connection().post_json("/api/user", body);
        FAIL() << "expected ServerError";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.error_code(), 400);
        EXPECT_NE(std::string(e.what()).find("list of team ids"), std::string::npos);
    }
    // A 6.1 server refuses team objects (and an `id`) in a new user, and team ids in an update.
    AdminWorld w61;
    EXPECT_THROW(w61.cb.connection().post_json("/api/user", body), ServerError);
    nlohmann::json with_id = body;
    with_id["teams"] = {1};
    with_id["id"] = nullptr;
    EXPECT_THROW(w61.cb.connection().post_json("/api/user", with_id), ServerError);
    EXPECT_THROW(w61.cb.connection().put_json("/api/user/jsmith", {{"teams", {1}}}), ServerError);
}

TEST(User, RemoveTeamPasswordChangeAndDelete) {
    AdminWorld w;
    User bwong = w.cb.fetch<User>("bwong");
    bwong.remove_team(2).add_team(1).set_password("new-password");
    bwong.save();
    const auto put = test::requests_to(w.server, "/api/user/bwong").at(1);
    EXPECT_EQ(put.method, "PUT");
    EXPECT_EQ(put.json()["teams"], nlohmann::json::parse(R"([{"id":1,"name":"Analysts"}])"));
    EXPECT_EQ(put.json()["password"], "new-password");
    EXPECT_EQ(w.cb.fetch<User>("bwong").teams().at(0).name, "Analysts");
    // The new password is the one the server checks.
    EXPECT_NO_THROW(response::get_api_token(w.server.url(), "bwong", "new-password"));
    w.cb.select<User>("bwong").remove();
    EXPECT_THROW(w.cb.fetch<User>("bwong"), ObjectNotFoundError);
    EXPECT_THROW(w.cb.select<User>("bwong").remove(), ObjectNotFoundError);
}

TEST(User, RequiredFieldsAndDuplicates) {
    AdminWorld w;
    User incomplete = w.cb.create<User>();
    incomplete.set("username", "half");
    try {
        incomplete.save();
        FAIL() << "expected InvalidObjectError";
    } catch (const InvalidObjectError& e) {
        EXPECT_STREQ(e.what(), "Missing fields: [first_name, last_name, email, teams, global_admin]");
    }
    User dup = new_user(w.cb, "jsmith");
    try {
        dup.save();
        FAIL() << "expected ServerError";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.error_code(), 409);
    }
    User no_password = new_user(w.cb, "nopw");
    no_password.set("password", "");
    EXPECT_THROW(no_password.save(), ServerError);
    try {
        w.cb.select<User>("admin").remove();  // the last global administrator
        FAIL() << "expected ServerError";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.error_code(), 409);
    }
}

TEST(Team, CreateWithAccessUpdateAndDelete) {
    AdminWorld w;
    Team t = w.cb.create<Team>();
    t.set("name", "Night Shift");
    t.set("group_access", nlohmann::json::array());
    t.add_administrator_access(w.cb.fetch<SensorGroup>(2));
    t.add_viewer_access(3);  // by id: reads the group's name
    t.add_viewer_access(2);  // replaces the administrator entry
    t.save();
    EXPECT_EQ(t.id(), "3");
    const auto access = t.group_access();
    ASSERT_EQ(access.size(), 2u);
    EXPECT_EQ(access[0].group_id, 3);
    EXPECT_EQ(access[0].group_name, "Workstations");
    EXPECT_EQ(access[1].access_category, "Viewer");
    const auto log = w.log();
    ASSERT_EQ(log.size(), 4u);
    EXPECT_EQ(log[1], "GET /api/group/3");
    EXPECT_EQ(log[2], "GET /api/group/2");
    EXPECT_EQ(log[3], R"(POST /api/team {"group_access":[{"access_category":"Viewer","group_id":3,"group_name":"Workstations"},)"
                      R"({"access_category":"Viewer","group_id":2,"group_name":"Servers"}],"name":"Night Shift"})");

    t.remove_access(3);
    t.save();
    EXPECT_EQ(w.cb.fetch<Team>(3).group_access().size(), 1u);
    t.remove();
    EXPECT_THROW(w.cb.fetch<Team>(3), ObjectNotFoundError);

    Team incomplete = w.cb.create<Team>();
    incomplete.set("name", "Nobody");
    EXPECT_THROW(incomplete.save(), InvalidObjectError);
    Team bad = w.cb.create<Team>();
    bad.set("name", "Bad").set("group_access",
                              nlohmann::json::array({{{"group_id", 99}, {"access_category", "Viewer"}}}));
    EXPECT_THROW(bad.save(), ServerError);
}

TEST(GetApiToken, DigestAuthenticationGivesTheToken) {
    AdminWorld w;
    test::LogCapture capture;
    EXPECT_EQ(response::get_api_token(w.server.url() + "/", "admin", "admin-password"), w.server.token());
    const auto auth = test::requests_to(w.server, "/api/auth");
    ASSERT_EQ(auth.size(), 2u);  // the challenge, then the answer
    EXPECT_FALSE(auth[0].header("Authorization").has_value());
    const std::string answer = auth[1].header("Authorization").value_or("");
    EXPECT_EQ(answer.rfind("Digest ", 0), 0u);
    EXPECT_NE(answer.find("username=\"admin\""), std::string::npos);
    EXPECT_EQ(answer.find("admin-password"), std::string::npos);
    EXPECT_FALSE(auth[1].header("X-Auth-Token").has_value());
    EXPECT_EQ(capture.text().find("admin-password"), std::string::npos);
}

TEST(GetApiToken, WrongPasswordIsACredentialError) {
    AdminWorld w;
    try {
        response::get_api_token(w.server.url(), "jsmith", "wrong-password");
        FAIL() << "expected CredentialError";
    } catch (const CredentialError& e) {
        const std::string text = e.what();
        EXPECT_EQ(text.rfind("Invalid credentials", 0), 0u);
        EXPECT_NE(text.find("401"), std::string::npos);
        EXPECT_EQ(text.find("wrong-password"), std::string::npos);
    }
    EXPECT_THROW(response::get_api_token(w.server.url(), "nobody", "x"), CredentialError);
    EXPECT_THROW(response::get_api_token("ftp://host", "admin", "x"), CredentialError);
    EXPECT_THROW(response::get_api_token(w.server.url(), "", "x"), CredentialError);
}

}  // namespace
}  // namespace cbapi
