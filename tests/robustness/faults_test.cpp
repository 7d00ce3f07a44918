// Faults injected by the simulator (10% 502/503/504 replies, 2% dropped connections, 1% truncated bodies) while
// iterating 10,000 objects and saving: every result exactly once and in order, or — when retries run out — a clear
// exception at that element after an exact prefix; never a duplicate, a gap, a crash or a hang; a POST never
// repeated. One section per product.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "support/defense_fakes.hpp"
#include "cbapi/testing/response_intel_simulator.hpp"
#include "cbapi/testing/response_process_simulator.hpp"
#include "support/protection_fakes.hpp"
#include "support/response_fakes.hpp"

namespace cbapi {
namespace {

testing::FaultOptions standard_faults(std::uint64_t seed) {
    testing::FaultOptions f;
    f.error_rate = 0.10;
    f.error_statuses = {502, 503, 504};
    f.drop_rate = 0.02;
    f.truncate_rate = 0.01;
    f.seed = seed;
    return f;
}

// Makes every `method` request fail (a 5xx) from now on, and forgets the requests recorded so far.
void fail_every(testing::MockServer& server, const std::string& method) {
    testing::FaultOptions always;
    always.error_rate = 1.0;
    always.methods = {method};
    server.set_faults(always);
    server.clear_requests();
}

// Consumes `range`, recording ids; returns the exception message if the iteration threw.
template <typename Range, typename IdOf>
std::optional<std::string> consume(const Range& range, std::vector<long long>& ids, IdOf id_of) {
    try {
        for (const auto& item : range) ids.push_back(id_of(item));
    } catch (const ApiError& e) {
        return std::string(e.what());
    }
    return std::nullopt;
}

// ids must be exactly first, first+1, ... (an exact prefix of the full sequence when the iteration stopped early).
void expect_exact_prefix(const std::vector<long long>& ids, long long first = 1) {
    for (std::size_t i = 0; i < ids.size(); ++i)
        ASSERT_EQ(ids[i], first + static_cast<long long>(i)) << "duplicate or gap at element " << i;
}

// --- Cb Protection ----------------------------------------------------------------------------------------------

class ProtectionFaults : public test::ProtectionSimTest, public ::testing::WithParamInterface<int> {};
using ProtectionFaultsOnce = test::ProtectionSimTest;

TEST_P(ProtectionFaults, TenThousandComputersExactlyOnceInOrder) {
    options.counts["computer"] = 10000;
    auto cb = start();
    server.set_faults(standard_faults(11));
    auto query = cb.select<protection::Computer>().batch_size(250);
    if (GetParam() > 1) query = query.parallel(static_cast<std::size_t>(GetParam()));
    std::vector<long long> ids;
    const auto error = consume(query, ids, [](const protection::Computer& c) { return std::stoll(c.id()); });
    EXPECT_FALSE(error) << *error;
    EXPECT_EQ(ids.size(), 10000u);
    expect_exact_prefix(ids);
    EXPECT_GT(server.faults_injected(), 0u);
}

INSTANTIATE_TEST_SUITE_P(SequentialAndParallel, ProtectionFaults, ::testing::Values(1, 4));

TEST_F(ProtectionFaultsOnce, WhenRetriesRunOutTheErrorComesAtItsElementAfterAnExactPrefix) {
    options.counts["computer"] = 2000;
    auto cb = [this] {
        testing::install_protection_simulator(server, options);
        protection::ApiOptions o;
        o.connection = test::test_options(sleeper);
        o.connection.retry.max_retries = 0;
        return protection::CbProtectionAPI(server.url(), server.token(), o);
    }();
    auto faults = standard_faults(5);
    faults.error_rate = 0.5;
    server.set_faults(faults);
    std::vector<long long> ids;
    const auto error = consume(cb.select<protection::Computer>().batch_size(100), ids,
                               [](const protection::Computer& c) { return std::stoll(c.id()); });
    ASSERT_TRUE(error) << "with half the requests failing and no retries the iteration cannot finish";
    EXPECT_LT(ids.size(), 2000u);
    EXPECT_EQ(ids.size() % 100, 0u) << "an error surfaces at the first element of the failed page";
    expect_exact_prefix(ids);
}

TEST_F(ProtectionFaultsOnce, SavesUnderFaultsLandOnceAndPostsAreNeverRepeated) {
    auto cb = start();
    server.set_faults(standard_faults(3));
    // Updates (PUT) are idempotent: retried until they land.
    for (int i = 1; i <= 20; ++i) {
        auto computer = cb.fetch<protection::Computer>(i);
        computer.set("description", "checked " + std::to_string(i));
        computer.save();
    }
    server.set_faults({});
    for (int i = 1; i <= 20; ++i)
        EXPECT_EQ(cb.fetch<protection::Computer>(i).get_or<std::string>("description", ""),
                  "checked " + std::to_string(i));
    // Creations (POST) are not: a failed one is reported, never sent twice.
    fail_every(server, "POST");
    auto policy = cb.create<protection::Policy>();
    policy.set_name("Under faults").set_enforcement_level(protection::EnforcementLevel::LevelMedium);
    EXPECT_THROW(policy.save(), ServerError);
    std::size_t posts = 0;
    for (const auto& r : server.requests()) posts += r.method == "POST";
    EXPECT_EQ(posts, 1u);
}

// --- Cb Defense -------------------------------------------------------------------------------------------------

TEST(DefenseFaults, TenThousandEventsExactlyOnceInOrder) {
    testing::MockServer server{test::defense_server_options()};
    testing::DefenseSimulatorOptions sim;
    sim.events = 10000;
    testing::install_defense_simulator(server, sim);
    test::RecordingSleeper sleeper;
    auto cb = test::defense_api(server, sleeper);
    std::vector<std::string> expected;
    for (const auto& e : cb.select<defense::Event>().batch_size(500)) expected.push_back(e.event_id());
    ASSERT_EQ(expected.size(), 10000u);
    server.set_faults(standard_faults(21));
    for (std::size_t parallel : {1u, 4u}) {
        std::vector<std::string> got;
        try {
            for (const auto& e : cb.select<defense::Event>().batch_size(500).parallel(parallel))
                got.push_back(e.event_id());
        } catch (const ApiError& e) {
            FAIL() << e.what();
        }
        EXPECT_EQ(got, expected) << "parallel " << parallel;
    }
    EXPECT_GT(server.faults_injected(), 0u);
}

TEST(DefenseFaults, ReadsUnderFaultsSucceedAndAFailedPatchIsNotRepeated) {
    testing::MockServer server{test::defense_server_options()};
    testing::install_defense_simulator(server, {});
    test::RecordingSleeper sleeper;
    auto cb = test::defense_api(server, sleeper);
    auto faults = standard_faults(8);
    faults.methods = {"GET"};
    server.set_faults(faults);
    for (int id = 1001; id <= 1020; ++id) EXPECT_EQ(cb.fetch<defense::Device>(id).device_id(), id);
    // PATCH is not idempotent in general: a failed one is reported to the caller, not sent again.
    fail_every(server, "PATCH");
    auto device = cb.fetch<defense::Device>(1001);
    device.set("targetPriorityType", "HIGH");
    EXPECT_THROW(device.save(), ServerError);
    std::size_t patches = 0;
    for (const auto& r : server.requests()) patches += r.method == "PATCH";
    EXPECT_EQ(patches, 1u);
}

// --- Cb Response ------------------------------------------------------------------------------------------------

TEST(ResponseFaults, TenThousandProcessesExactlyOnceInOrder) {
    testing::MockServer server;
    testing::ResponseSimulatorOptions sim;
    sim.hosts = 800;
    testing::install_response_info(server, sim);
    testing::install_response_process_simulator(server, sim);
    test::RecordingSleeper sleeper;
    auto cb = test::response_api(server, sleeper);
    const auto query = cb.select<response::Process>().sort("start asc").batch_size(1000);
    std::vector<std::string> expected;
    for (const auto& p : query) expected.push_back(p.guid() + "/" + std::to_string(p.segment()));
    ASSERT_GE(expected.size(), 10000u) << "the simulator should hold at least 10,000 process segments";
    server.set_faults(standard_faults(31));
    // Parallel pages under faults (sequential paging under faults is covered for Protection and Defense above).
    std::vector<std::string> got;
    try {
        for (const auto& p : query.parallel(4)) got.push_back(p.guid() + "/" + std::to_string(p.segment()));
    } catch (const ApiError& e) {
        FAIL() << e.what();
    }
    EXPECT_EQ(got, expected);
    EXPECT_GT(server.faults_injected(), 0u);
}

TEST(ResponseFaults, WatchlistSavesUnderFaultsLandOnceAndCreationsAreNeverRepeated) {
    testing::MockServer server;
    testing::install_response_info(server, {});
    testing::install_response_intel_simulator(server, {});
    test::RecordingSleeper sleeper;
    auto cb = test::response_api(server, sleeper);
    const auto ids = [&cb] {
        std::vector<std::string> out;
        for (const auto& w : cb.select<response::Watchlist>()) out.push_back(w.id());
        return out;
    }();
    ASSERT_FALSE(ids.empty());
    server.set_faults(standard_faults(13));
    // Updates (PUT) are retried until they land.
    for (const auto& id : ids) {
        auto watchlist = cb.fetch<response::Watchlist>(id);
        watchlist.set_name("Renamed " + id);
        watchlist.save();
    }
    server.set_faults({});
    for (const auto& id : ids) EXPECT_EQ(cb.fetch<response::Watchlist>(id).name(), "Renamed " + id);
    // A creation (POST) that fails is reported once, never sent again.
    fail_every(server, "POST");
    auto created = cb.create<response::Watchlist>();
    created.set_name("Under faults").set_index_type("events").set_query("process_name:cmd.exe");
    EXPECT_THROW(created.save(), ServerError);
    std::size_t posts = 0;
    for (const auto& r : server.requests()) posts += r.method == "POST";
    EXPECT_EQ(posts, 1u);
}

}  // namespace
}  // namespace cbapi
