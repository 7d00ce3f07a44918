// Protection models: the declared table (paths, creatability, versions, required fields), every family's save verb
// and body on the wire, typed fields and dates, joins, the CLI password reset, notifications, downloads.
#include <gtest/gtest.h>

#include <string>
#include <type_traits>
#include <vector>

#include "support/protection_fakes.hpp"

namespace cbapi {
namespace {

using namespace protection;
using testing::MockResponse;

// --- the declarations --------------------------------------------------------------------------------------------

template <typename M>
void expect_declared(const std::string& path, bool changeable, bool creatable, bool since_8_0,
                     HttpMethod update = HttpMethod::put) {
    SCOPED_TRACE(M::model_info.type_name);
    EXPECT_EQ(M::model_info.url_path, "/api/bit9platform/v1/" + path);
    EXPECT_EQ(M::model_info.primary_key, "id");
    EXPECT_EQ((std::is_base_of_v<MutableModel, M>), changeable);
    EXPECT_EQ(M::creatable, creatable);
    EXPECT_EQ(M::model_info.min_server_version.has_value(), since_8_0);
    if (since_8_0) {
        EXPECT_EQ(*M::model_info.min_server_version, (ServerVersion{8, 0}));
    }
    EXPECT_EQ(M::model_info.update_method, update);
    EXPECT_TRUE(M::model_info.search_returns_full);
    EXPECT_TRUE((std::is_same_v<typename M::query_type, Query<M>>));
}

TEST(ProtectionModels, EveryModelOfTheReferenceTableIsDeclared) {
    expect_declared<AppCatalog>("appCatalog", false, false, true);
    expect_declared<ApprovalRequest>("approvalRequest", true, false, false);
    expect_declared<AppTemplate>("appTemplate", true, false, true);
    expect_declared<Certificate>("certificate", true, false, false);
    expect_declared<Computer>("computer", true, false, false);
    expect_declared<Connector>("connector", true, true, false);
    expect_declared<DriftReport>("driftReport", false, false, true);
    expect_declared<DriftReportContents>("driftReportContents", false, false, true);
    expect_declared<Event>("event", false, false, false);
    expect_declared<FileAnalysis>("fileAnalysis", true, false, false);
    expect_declared<FileCatalog>("fileCatalog", true, false, false);
    expect_declared<FileInstance>("fileInstance", true, false, false, HttpMethod::post);
    expect_declared<FileInstanceDeleted>("fileInstanceDeleted", false, false, false);
    expect_declared<FileInstanceGroup>("fileInstanceGroup", false, false, false);
    expect_declared<FileRule>("fileRule", true, true, false);
    expect_declared<FileUpload>("fileUpload", true, false, false);
    expect_declared<GrantedUserPolicyPermission>("grantedUserPolicyPermission", false, false, true);
    expect_declared<InternalEvent>("internalEvent", false, false, false);  // cbapi-python: /fileInstance (bug)
    expect_declared<MeteredExecution>("meteredExecution", false, false, false);
    expect_declared<Notification>("notification", true, true, false);
    expect_declared<Notifier>("notifier", false, false, false);
    expect_declared<PendingAnalysis>("pendingAnalysis", true, false, false);
    expect_declared<Policy>("policy", true, true, false);
    expect_declared<Publisher>("publisher", true, false, false);
    expect_declared<PublisherCertificate>("publisherCertificate", false, false, true);
    expect_declared<ScriptRule>("scriptRule", true, false, true);
    expect_declared<ServerConfig>("serverConfig", false, false, false);
    expect_declared<ServerPerformance>("serverPerformance", false, false, false);
    expect_declared<TrustedDirectory>("trustedDirectory", true, false, true);
    expect_declared<TrustedUser>("trustedUser", true, true, true);
    expect_declared<Updater>("updater", true, false, false);
    expect_declared<User>("user", true, true, true);
    expect_declared<UserGroup>("userGroup", true, true, true);
}

TEST(ProtectionModels, RequiredFieldsOfTheYamlDefinitions) {
    using V = std::vector<std::string>;
    EXPECT_EQ(Connector::model_info.required_fields,
              (V{"name", "analysisName", "connectorVersion", "canAnalyze", "enabled", "analysisEnabled"}));
    EXPECT_EQ(FileRule::model_info.required_fields, (V{"name"}));
    EXPECT_EQ(Notification::model_info.required_fields, (V{"analysisResult", "fileAnalysisId"}));
    EXPECT_EQ(Policy::model_info.required_fields, (V{"name"}));
    EXPECT_EQ(TrustedUser::model_info.required_fields, (V{"name", "userSid", "description", "platformId"}));
    EXPECT_EQ(User::model_info.required_fields, (V{"name"}));
    EXPECT_EQ(UserGroup::model_info.required_fields, (V{"name"}));
    EXPECT_TRUE(Computer::model_info.required_fields.empty());
}

TEST(ProtectionModels, Constants) {
    EXPECT_EQ(EnforcementLevel::LevelHigh, 20);
    EXPECT_EQ(EnforcementLevel::LevelMedium, 30);
    EXPECT_EQ(EnforcementLevel::LevelLow, 40);
    EXPECT_EQ(EnforcementLevel::LevelVisibility, 60);
    EXPECT_EQ(EnforcementLevel::LevelNone, 80);
    EXPECT_EQ(FileRule::StateBanned, 3);
    EXPECT_EQ(FileRule::SourceTypeUnifiedManagement, 8);
    EXPECT_EQ(FileRule::PlatformLinux, 4);
    EXPECT_EQ(ApprovalRequest::ResolutionOther, 7);
    EXPECT_EQ(ApprovalRequest::StatusClosed, 3);
    EXPECT_EQ(Certificate::StateMixed, 4);
    EXPECT_EQ(Notification::ResultMalicious, 3);
    EXPECT_EQ(PendingAnalysis::StatusCancelled, 5);
}

// --- on the wire (scripted replies) -------------------------------------------------------------------------------

using ProtectionModelWireTest = test::ProtectionWireTest;

TEST_F(ProtectionModelWireTest, FileRuleCreateSendsOnlyTheFieldsSetSortedWithoutId) {
    server.enqueue("POST", "/api/bit9platform/v1/fileRule",
                   MockResponse::json({{"id", 42}, {"name", "Ban it"}, {"fileState", 3}, {"hash", "ABC"}}, 201));
    auto rule = cb.create<FileRule>();
    rule.set_file_state(FileRule::StateBanned).set_hash("ABC").set_name("Ban it");
    rule.save();
    const auto r = last();
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.path, "/api/bit9platform/v1/fileRule");
    EXPECT_EQ(r.query, "");
    EXPECT_EQ(r.body, R"({"fileState":3,"hash":"ABC","name":"Ban it"})");
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    EXPECT_EQ(rule.id(), "42");
    EXPECT_FALSE(rule.is_dirty());
}

TEST_F(ProtectionModelWireTest, CreateWithoutRequiredFieldsIsRefusedBeforeSending) {
    auto rule = cb.create<FileRule>();
    rule.set_hash("ABC");
    try {
        rule.save();
        FAIL() << "no exception";
    } catch (const InvalidObjectError& e) {
        EXPECT_STREQ(e.what(), "Missing fields: [name]");
    }
    auto connector = cb.create<Connector>();
    connector.set_name("x");
    EXPECT_THROW(connector.save(), InvalidObjectError);
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(ProtectionModelWireTest, ComputerUpdateIsAPutOfTheWholeDocument) {
    server.enqueue("GET", "/api/bit9platform/v1/computer/5",
                   MockResponse::json({{"id", 5}, {"name", "h"}, {"policyId", 1}, {"previousPolicyId", 2}}));
    server.enqueue("PUT", "/api/bit9platform/v1/computer/5",
                   MockResponse::json({{"id", 5}, {"name", "h"}, {"policyId", 2}, {"previousPolicyId", 1}}));
    auto computer = cb.select<Computer>(5);
    computer.set_policy(2);
    computer.save();
    const auto r = last();
    EXPECT_EQ(r.method, "PUT");
    EXPECT_EQ(r.path, "/api/bit9platform/v1/computer/5");
    EXPECT_EQ(r.json(), (nlohmann::json{{"id", 5}, {"name", "h"}, {"policyId", 2}, {"previousPolicyId", 2}}));
    EXPECT_EQ(computer.previous_policy_id(), 1);  // the reply is the new document
}

TEST_F(ProtectionModelWireTest, FileInstanceUpdateIsAPostToItsUrl) {
    server.enqueue("GET", "/api/bit9platform/v1/fileInstance/9",
                   MockResponse::json({{"id", 9}, {"localState", 1}, {"computerId", 3}}));
    server.enqueue("POST", "/api/bit9platform/v1/fileInstance/9",
                   MockResponse::json({{"id", 9}, {"localState", 2}, {"computerId", 3}}));
    auto instance = cb.select<FileInstance>(9);
    instance.set_local_state(FileInstance::LocalStateApproved);
    instance.save();
    const auto r = last();
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.path, "/api/bit9platform/v1/fileInstance/9");
    EXPECT_EQ(r.body, R"({"computerId":3,"id":9,"localState":2})");
}

TEST_F(ProtectionModelWireTest, OldMutableFamilyUpdatesWithPut) {
    server.enqueue("GET", "/api/bit9platform/v1/pendingAnalysis/3",
                   MockResponse::json({{"id", 3}, {"analysisStatus", 0}}));
    server.enqueue("PUT", "/api/bit9platform/v1/pendingAnalysis/3",
                   MockResponse::json({{"id", 3}, {"analysisStatus", 4}, {"analysisError", "x"}}));
    auto pa = cb.select<PendingAnalysis>(3);
    pa.set_analysis_status(PendingAnalysis::StatusError).set_analysis_error("x");
    pa.save();
    EXPECT_EQ(last().method, "PUT");
    EXPECT_EQ(last().body, R"({"analysisError":"x","analysisStatus":4,"id":3})");
}

TEST_F(ProtectionModelWireTest, NothingChangedNothingSent) {
    server.enqueue("GET", "/api/bit9platform/v1/policy/1", MockResponse::json({{"id", 1}, {"name", "p"}}));
    auto p = cb.fetch<Policy>(1);
    p.set_name("p");
    p.save();
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(ProtectionModelWireTest, RemoveSendsDelete) {
    server.enqueue("DELETE", "/api/bit9platform/v1/computer/8", MockResponse::text("", 204));
    cb.select<Computer>(8).remove();
    EXPECT_EQ(last().method, "DELETE");
    EXPECT_EQ(last().path, "/api/bit9platform/v1/computer/8");
    EXPECT_THROW(cb.create<Policy>().remove(), InvalidObjectError);
}

TEST_F(ProtectionModelWireTest, ResetCliPasswordPutsTheResetFlagThenReads) {
    server.enqueue("PUT", "/api/bit9platform/v1/computer/4", MockResponse::json({{"id", 4}}));
    server.enqueue("GET", "/api/bit9platform/v1/computer/4",
                   MockResponse::json({{"id", 4}, {"CLIPassword", "NEWPASS"}}));
    auto computer = cb.select<Computer>(4);
    EXPECT_EQ(computer.reset_cli_password(), "NEWPASS");
    const auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[0].method, "PUT");
    EXPECT_EQ(reqs[0].query, "resetCLIPassword=true");
    EXPECT_EQ(reqs[0].body, "{}");
    EXPECT_EQ(reqs[1].method, "GET");
}

TEST_F(ProtectionModelWireTest, NotificationFromAPendingAnalysis) {
    server.enqueue("POST", "/api/bit9platform/v1/notification",
                   MockResponse::json({{"id", 1}, {"fileAnalysisId", 3}, {"analysisResult", 3}}, 201));
    PendingAnalysis pa(cb.handle(), {{"id", 3}, {"connectorId", 1}}, true);
    auto n = pa.create_notification({{"product", "Test"}, {"analysisResult", Notification::ResultMalicious}});
    n.set_severity("high");
    n.save();
    EXPECT_EQ(last().path, "/api/bit9platform/v1/notification");
    EXPECT_EQ(last().body, R"({"analysisResult":3,"fileAnalysisId":3,"product":"Test","severity":"high"})");
}

TEST_F(ProtectionModelWireTest, DownloadAsksForTheFile) {
    server.enqueue("GET", "/api/bit9platform/v1/pendingAnalysis/2", MockResponse::text("PKzip"));
    PendingAnalysis pa(cb.handle(), {{"id", 2}}, true);
    EXPECT_EQ(pa.file_zip(), "PKzip");
    EXPECT_EQ(last().query, "downloadFile=true");
}

TEST_F(ProtectionModelWireTest, TypedFieldsAndDates) {
    FileRule rule(cb.handle(),
                  {{"id", 1}, {"name", "r"}, {"fileState", 3}, {"reportOnly", true}, {"createdByUserId", "12"},
                   {"dateCreated", "2017-06-22T18:05:21.123Z"}, {"fileCatalogId", nullptr}},
                  true);
    EXPECT_EQ(rule.name(), "r");
    EXPECT_EQ(rule.file_state(), 3);
    EXPECT_EQ(rule.report_only(), true);
    EXPECT_EQ(rule.created_by_user_id(), "12");
    ASSERT_TRUE(rule.date_created());
    EXPECT_EQ(format_solr_time(*rule.date_created()), "2017-06-22T18:05:21.123000Z");
    EXPECT_FALSE(rule.file_catalog_id());
    EXPECT_FALSE(rule.file_catalog());  // null id: no join, no request
    EXPECT_FALSE(rule.description());
    FileRule bad(cb.handle(), {{"id", 1}, {"fileState", "three"}}, true);
    EXPECT_THROW(bad.file_state(), ApiError);
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(ProtectionModelWireTest, JoinsAreLazy) {
    FileInstance instance(cb.handle(), {{"id", 1}, {"fileCatalogId", 77}, {"computerId", 5}}, true);
    auto catalog = instance.file_catalog();
    ASSERT_TRUE(catalog);
    EXPECT_EQ(server.request_count(), 0u);
    server.enqueue("GET", "/api/bit9platform/v1/fileCatalog/77",
                   MockResponse::json({{"id", 77}, {"prevalence", 12}, {"md5", ""}, {"sha1", "S1"}}));
    EXPECT_EQ(catalog->prevalence(), 12);
    EXPECT_EQ(catalog->file_hash(), "S1");
    EXPECT_EQ(last().path, "/api/bit9platform/v1/fileCatalog/77");
    EXPECT_FALSE(catalog->publisher());  // absent: no crash (cbapi-python selects with id None)
}

TEST_F(ProtectionModelWireTest, ComputerFileInstancesIsAQuery) {
    Computer computer(cb.handle(), {{"id", 5}}, true);
    server.enqueue("GET", "/api/bit9platform/v1/fileInstance", MockResponse::json(nlohmann::json::array()));
    EXPECT_EQ(computer.file_instances().where("localState:1").slice(0).size(), 0u);
    EXPECT_EQ(last().query, "limit=1000&offset=0&q=computerId%3A5&q=localState%3A1");
    Computer unsaved(cb.handle(), nlohmann::json::object(), true);
    EXPECT_THROW(unsaved.file_instances(), InvalidObjectError);
}

TEST_F(ProtectionModelWireTest, ZeroIdMeansNoTemplate) {
    Computer computer(cb.handle(), {{"id", 5}, {"templateComputerId", 0}}, true);
    EXPECT_FALSE(computer.template_computer());
}

TEST(ProtectionModelVersion, JoinToAnEightZeroModelOnAnOlderServerIsAClearError) {
    testing::MockServer server;
    test::RecordingSleeper sleeper;
    test::serve_server_config(server, "7.2.0.1");
    auto cb = test::protection_api(server, sleeper);
    FileRule rule(cb.handle(), {{"id", 1}, {"createdByUserId", "3"}}, true);
    EXPECT_THROW(rule.created_by_user(), ApiError);
}

// --- with the simulator --------------------------------------------------------------------------------------------

using ProtectionModelSimTest = test::ProtectionSimTest;

TEST_F(ProtectionModelSimTest, JoinsResolveAgainstTheServer) {
    auto cb = start();
    auto computer = cb.fetch<Computer>(3);
    auto policy = computer.policy();
    ASSERT_TRUE(policy);
    EXPECT_EQ(policy->name(), computer.policy_name());
    for (const auto& fi : computer.file_instances()) {
        EXPECT_EQ(fi.computer_id(), 3);
        auto cat = fi.file_catalog();
        ASSERT_TRUE(cat);
        EXPECT_EQ(cat->file_name(), fi.file_name());
        EXPECT_EQ(fi.computer()->name(), computer.name());
    }
    auto rule = cb.fetch<FileRule>(1);
    ASSERT_TRUE(rule.created_by_user());
    EXPECT_EQ(rule.created_by_user()->name(), "admin");
    EXPECT_EQ(rule.file_catalog()->md5(), rule.hash());
    auto connector = cb.fetch<Connector>(1);
    for (const auto& pa : connector.pending_analyses()) EXPECT_EQ(pa.connector_id(), 1);
    auto cert = cb.fetch<Certificate>(2);
    EXPECT_EQ(cert.parent()->id(), "1");
    EXPECT_FALSE(cb.fetch<Certificate>(1).parent());
    auto request = cb.fetch<ApprovalRequest>(1);
    EXPECT_TRUE(request.computer()->name());
    EXPECT_FALSE(request.installer_file_catalog());
}

TEST_F(ProtectionModelSimTest, EveryCreatableModelRoundTrips) {
    auto cb = start();
    auto connector = cb.create<Connector>();
    connector.set_name("EmptyAnalysis").set_analysis_name("EmptyAnalysis").set_connector_version("1.0");
    connector.set_can_analyze(true).set_analysis_enabled(true).set_enabled(true);
    connector.save();
    EXPECT_EQ(cb.fetch<Connector>(connector.id()).is_internal(), false);

    auto rule = cb.create<FileRule>();
    rule.set_name("ban").set_hash(*cb.fetch<FileCatalog>(4).md5()).set_file_state(FileRule::StateBanned);
    rule.save();
    EXPECT_EQ(rule.file_catalog_id(), 4);

    auto tu = cb.create<TrustedUser>();
    tu.set_name("svc").set_user_sid("S-1").set_description("d").set_platform_id(1);
    tu.save();
    auto user = cb.create<User>();
    user.set_name("jdoe").set_email_address("j@x");
    user.save();
    auto group = cb.create<UserGroup>();
    group.set_name("g");
    group.save();
    EXPECT_EQ(cb.select<User>().where("name:jdoe").one().email_address(), "j@x");
    EXPECT_EQ(cb.select<UserGroup>().size(), 4u);
    EXPECT_EQ(cb.select<TrustedUser>().where("userSid:S-1").size(), 1u);

    auto updated = cb.fetch<Computer>(2);
    const auto old_policy = *updated.policy_id();
    const long long new_policy = old_policy == 1 ? 2 : 1;
    updated.set_policy(new_policy);
    updated.save();
    EXPECT_EQ(cb.fetch<Computer>(2).previous_policy_id(), old_policy);

    auto pw = cb.fetch<Computer>(2).cli_password();
    EXPECT_NE(cb.select<Computer>(2).reset_cli_password(), pw);
}

}  // namespace
}  // namespace cbapi
