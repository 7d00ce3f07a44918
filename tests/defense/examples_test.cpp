// The Cb Defense example programs (built binaries) run with --cburl/--apitoken against the simulator: their output,
// exit codes and what they changed on the server.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "support/defense_fakes.hpp"
#include "support/run_program.hpp"

#if defined(CBAPI_DEFENSE_POLICY_OPERATIONS) && defined(CBAPI_DEFENSE_MOVE_SENSOR) && defined(CBAPI_DEFENSE_NOTIFICATIONS)

namespace cbapi {
namespace {

using defense::Device;
using defense::Policy;
using nlohmann::json;

struct ExampleRun : test::ProgramRun {
    std::string all;  // stdout, then stderr
};

class DefenseExamplesTest : public ::testing::Test {
protected:
    testing::MockServer server{test::defense_server_options()};
    test::RecordingSleeper sleeper;
    defense::CbDefenseAPI cb = [this] {
        testing::install_defense_simulator(server, {});
        return test::defense_api(server, sleeper);
    }();
    std::filesystem::path dir = make_dir();

    std::filesystem::path make_dir() const {
        const char* base = std::getenv("CBAPI_TEST_TMP");
        auto d = std::filesystem::path(base ? base : std::filesystem::temp_directory_path().string()) /
                 ("defense-examples-" + std::to_string(server.port()));
        std::filesystem::create_directories(d);
        return d;
    }
    void TearDown() override { std::filesystem::remove_all(dir); }

    std::string write(const std::string& name, const json& content) const {
        const auto path = dir / name;
        std::ofstream(path) << content.dump(2);
        return path.string();
    }

    // Runs `program args` in `dir` with the server's URL and token.
    ExampleRun run(const std::string& program, const std::string& args, const std::string& token = test::kDefenseToken) const {
        const std::string command = "cd " + test::shell_quote(dir.string()) + " && " + test::shell_quote(program) +
                                    " --cburl " + server.url() + " --apitoken " + token + " " + args + " 2>" +
                                    test::shell_quote((dir / "stderr.txt").string());
        ExampleRun result{test::run_program(command), {}};
        std::ifstream errors(dir / "stderr.txt");
        result.all = result.output + std::string(std::istreambuf_iterator<char>(errors), {});
        return result;
    }

    static json deny_rule(const std::string& path) {
        return {{"required", false},
                {"action", "DENY"},
                {"application", {{"type", "NAME_PATH"}, {"value", path}}},
                {"operation", "RUN"}};
    }
};

constexpr const char* kPolicyOps = CBAPI_DEFENSE_POLICY_OPERATIONS;

TEST_F(DefenseExamplesTest, PolicyOperationsListPrintsPoliciesAndRules) {
    const auto r = run(kPolicyOps, "list");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("Policy id 1: default (Default policy)\nRules:\n"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("  1: TERMINATE when REPUTATION KNOWN_MALWARE is INVOKE_SCRIPT\n"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("Policy id 4: Advanced"), std::string::npos) << r.output;
}

TEST_F(DefenseExamplesTest, PolicyOperationsImportExportAndDelete) {
    const json document = cb.fetch<Policy>(1).policy();
    const std::string file = write("in.json", document);
    auto r = run(kPolicyOps, "import -N Lab -d 'Lab machines' -p HIGH -f " + file);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "Added policy. New policy ID is 5\n");
    const auto lab = cb.fetch<Policy>(5);
    EXPECT_EQ(lab.name(), "Lab");
    EXPECT_EQ(lab.description(), "Lab machines");
    EXPECT_EQ(lab.priority_level(), "HIGH");
    EXPECT_EQ(lab.policy(), document);

    r = run(kPolicyOps, "import -N Lab -d again -f " + file);  // the name is taken
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("Could not add policy: "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("already in use"), std::string::npos) << r.output;

    r = run(kPolicyOps, "export -N Lab");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "Wrote policy 5 Lab to file policy-5.json\n");
    std::ifstream exported(dir / "policy-5.json");
    EXPECT_EQ(json::parse(exported), document);

    r = run(kPolicyOps, "delete -N Lab");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "Deleted policy id 5 with name Lab\n");
    EXPECT_THROW(cb.fetch<Policy>(5), ObjectNotFoundError);
}

TEST_F(DefenseExamplesTest, PolicyOperationsAddReplaceAndDeleteRules) {
    const std::string add_file = write("rule.json", deny_rule("c:\\tools\\a.exe"));
    auto r = run(kPolicyOps, "add-rule -i 2 -f " + add_file);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "Added rule from " + add_file + " to policy Standard.\n");
    auto rules = cb.fetch<Policy>(2).rules();
    const long long added = rules.rbegin()->first;
    EXPECT_EQ(rules.at(added).application_value, "c:\\tools\\a.exe");

    // --rulefile works for replace-rule (cbapi-python 1.3.2 has no such option and crashes).
    const std::string replace_file = write("rule2.json", deny_rule("c:\\tools\\b.exe"));
    r = run(kPolicyOps, "replace-rule -N Standard -r " + std::to_string(added) + " -f " + replace_file);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "Replaced rule id " + std::to_string(added) + " from policy Standard with rule from file " +
                            replace_file + ".\n");
    EXPECT_EQ(cb.fetch<Policy>(2).rules().at(added).application_value, "c:\\tools\\b.exe");

    r = run(kPolicyOps, "del-rule -i 2 -r " + std::to_string(added));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "Removed rule id " + std::to_string(added) + " from policy Standard.\n");
    EXPECT_EQ(cb.fetch<Policy>(2).rules().count(added), 0U);

    r = run(kPolicyOps, "del-rule -i 2 -r " + std::to_string(added));  // gone: the server's 404
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.all.find("error: "), std::string::npos) << r.all;
}

TEST_F(DefenseExamplesTest, PolicyOperationsArgumentErrors) {
    auto r = run(kPolicyOps, "replace-rule -i 2 -r 1");  // --rulefile is required
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.all.find("--rulefile"), std::string::npos) << r.all;
    r = run(kPolicyOps, "del-rule -r 1");  // no policy
    EXPECT_NE(r.exit_code, 0);
    r = run(kPolicyOps, "del-rule -N nosuch -r 1");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("0 policies match. No action taken."), std::string::npos) << r.output;
    r = run(kPolicyOps, "list", "WRONG/TOKEN");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.all.find("error: "), std::string::npos) << r.all;
    r = run(kPolicyOps, "list", "NOSLASHTOKEN");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.all.find("<api key>/<connector id>"), std::string::npos) << r.all;
    EXPECT_EQ(r.all.find("NOSLASHTOKEN"), std::string::npos) << r.all;
}

TEST_F(DefenseExamplesTest, MoveSensorByHostNameAndById) {
    const auto device = cb.fetch<Device>(1001);
    auto r = run(CBAPI_DEFENSE_MOVE_SENSOR, "-n " + device.name() + " --policyname Advanced");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "Moved device id 1001 (hostname " + device.name() + ") into policy Advanced\n");
    EXPECT_EQ(cb.fetch<Device>(1001).policy_name(), "Advanced");

    r = run(CBAPI_DEFENSE_MOVE_SENSOR, "-i 1002 --policyid 3");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("Moved device id 1002 ("), std::string::npos) << r.output;
    EXPECT_EQ(cb.fetch<Device>(1002).policy_id(), 3);

    r = run(CBAPI_DEFENSE_MOVE_SENSOR, "-i 1002 --policyid 99");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.all.find("Invalid policy id 99"), std::string::npos) << r.all;
    r = run(CBAPI_DEFENSE_MOVE_SENSOR, "-i 1002");  // no destination
    EXPECT_NE(r.exit_code, 0);
}

TEST_F(DefenseExamplesTest, NotificationsPrintsEachAsIndentedJson) {
    const auto r = run(CBAPI_DEFENSE_NOTIFICATIONS, "-s 0 -c 2");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    std::size_t count = 0;
    for (auto pos = r.output.find("\"type\": \"THREAT\""); pos != std::string::npos;
         pos = r.output.find("\"type\": \"THREAT\"", pos + 1))
        ++count;
    EXPECT_EQ(count, 3U) << r.output;
    EXPECT_NE(r.output.find("{\n  \"deviceInfo\": {"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace cbapi

#endif
