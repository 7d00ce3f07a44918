// The administration simulator itself: token checks, the digest challenge, persistence of writes, concurrent
// writers, version-dependent endpoints, and the isolation state machine.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "response_admin/admin_fixture.hpp"

namespace cbapi {
namespace {

using test::AdminWorld;

TEST(AdminSimulator, RequiresTheTokenExceptForTheDigestEndpoint) {
    AdminWorld w;
    Credentials wrong = test::credentials_for(w.server);
    wrong.token = "not-the-token";
    const Connection bad(wrong);
    EXPECT_THROW(bad.get_json("/api/users"), UnauthorizedError);
    // /api/auth answers with a digest challenge instead.
    const Response challenge = bad.options().transport->send([&] {
        Request r;
        r.url = w.server.url() + "/api/auth";
        return r;
    }());
    EXPECT_EQ(challenge.status, 401);
    const std::string header = challenge.headers.get("WWW-Authenticate").value_or("");
    EXPECT_EQ(header.rfind("Digest realm=\"Cb Response\"", 0), 0u);
    EXPECT_NE(header.find("qop=\"auth\""), std::string::npos);
}

TEST(AdminSimulator, WritesPersistAndConcurrentWritersGetDistinctIds) {
    AdminWorld w;
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&w, i] {
            w.cb.connection().post_json("/api/site", {{"name", "Branch " + std::to_string(i)}});
        });
    for (auto& t : threads) t.join();
    std::set<std::string> ids;
    for (const response::Site& s : w.cb.select<response::Site>()) ids.insert(s.id());
    EXPECT_EQ(ids.size(), 9u);
    // A second API object sees the same server state.
    test::RecordingSleeper other_sleeper;
    const auto other = test::response_api(w.server, other_sleeper);
    EXPECT_EQ(other.select<response::Site>().size(), 9u);
}

TEST(AdminSimulator, IsolationBecomesActiveAfterTheConfiguredPolls) {
    AdminWorld w;
    const auto& conn = w.cb.connection();
    conn.put_json("/api/v1/sensor/3", {{"network_isolation_enabled", true}});
    for (int i = 1; i < testing::simulated_isolation_polls; ++i)
        EXPECT_EQ(conn.get_json("/api/v1/sensor/3")["is_isolating"], false);
    EXPECT_EQ(conn.get_json("/api/v1/sensor/3")["is_isolating"], true);
    EXPECT_EQ(conn.get_json("/api/v1/sensor/3")["network_isolation_enabled"], true);
}

TEST(AdminSimulator, SensorWritesAreValidated) {
    AdminWorld w;
    const auto& conn = w.cb.connection();
    EXPECT_THROW(conn.put_json("/api/v1/sensor/3", {{"group_id", 77}}), ServerError);
    EXPECT_THROW(conn.put_json("/api/v1/sensor/3", {{"event_log_flush_time", "tomorrow"}}), ServerError);
    EXPECT_THROW(conn.put_json("/api/v1/sensor/99", nlohmann::json::object()), ObjectNotFoundError);
    conn.put_json("/api/v1/sensor/3", {{"computer_name", "RENAMED"}});  // read-only fields are ignored
    EXPECT_NE(conn.get_json("/api/v1/sensor/3")["computer_name"], "RENAMED");
}

TEST(AdminSimulator, VersionDependentEndpoints) {
    AdminWorld old(test::kVersion51);
    EXPECT_THROW(old.cb.connection().get_json("/api/v1/ingress_whitelist"), ObjectNotFoundError);
    AdminWorld now;
    EXPECT_EQ(now.cb.connection().get_json("/api/v1/ingress_whitelist").size(), 1u);
    EXPECT_TRUE(now.cb.connection().get_json("/api/v1/storage/events/partition").is_object());
}

}  // namespace
}  // namespace cbapi
