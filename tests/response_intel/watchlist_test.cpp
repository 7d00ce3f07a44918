// Watchlist (query getter/setter, facets, search, CRUD), WatchlistAction and ActionQuery, and the export file format.
#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "response_intel/intel_fixture.hpp"

namespace cbapi {
namespace {

using namespace cbapi::response;
using test::IntelTest;

Watchlist local_watchlist(const response::CbResponseAPI& cb, const std::string& search_query,
                          const std::string& type = "events") {
    return Watchlist(cb.handle(), {{"id", "9"}, {"name", "w"}, {"index_type", type}, {"search_query", search_query}},
                     true);
}

class WatchlistTest : public IntelTest {};

TEST_F(WatchlistTest, QueryJoinsQAndCbQParameters) {
    const auto w = local_watchlist(
        cb, "cb.urlver=1&q=-path%3Ac%3A%5Cwindows%5C%2A&cb.q.filemod=c%3A%5Cwindows%5Csystem32%5C%2A&cb.q.x=");
    EXPECT_EQ(w.query(), R"(-path:c:\windows\* filemod:c:\windows\system32\*)");
}

TEST_F(WatchlistTest, QuerySetterKeepsOtherParametersAndEncodesLikePython) {
    auto w = local_watchlist(cb, "q=old&sort=start%20desc&cb.fq.group=Servers&cb.q.path=x&cb.urlver=1");
    w.set_query("process_name:notepad.exe path:c:\\tmp/a b");
    EXPECT_EQ(w.search_query(),
              "sort=start%20desc&cb.fq.group=Servers&cb.urlver=1&q=process_name%3Anotepad.exe%20path%3Ac%3A%5Ctmp/a%20b");
    EXPECT_EQ(w.query(), "process_name:notepad.exe path:c:\\tmp/a b");
    EXPECT_EQ(w.facets(), (std::map<std::string, std::string>{{"group", "Servers"}}));
}

TEST_F(WatchlistTest, QuerySetterOnANewWatchlistAddsUrlver) {
    auto w = cb.create<Watchlist>();
    w.set_query("process_name:notepad.exe");
    EXPECT_EQ(w.search_query(), "cb.urlver=1&q=process_name%3Anotepad.exe");
    EXPECT_THROW(w.set_query(""), ApiError);
    EXPECT_THROW(w.set_index_type("processes"), ApiError);
}

TEST_F(WatchlistTest, CreateSendsTheRequiredFieldsAndLoadsTheNewWatchlist) {
    auto w = cb.create<Watchlist>();
    w.set_name("Notepad").set_index_type("events").set_query("process_name:notepad.exe");
    w.save();
    EXPECT_EQ(w.id(), "6");
    EXPECT_EQ(w.name(), "Notepad");
    EXPECT_TRUE(w.enabled());
    EXPECT_EQ(w.total_hits(), 0);
    EXPECT_FALSE(w.is_dirty());
    EXPECT_EQ(log(), (std::vector<std::string>{
                         R"(POST /api/v1/watchlist {"index_type":"events","name":"Notepad","search_query":"cb.urlver=1&q=process_name%3Anotepad.exe"})",
                         "GET /api/v1/watchlist/6"}));
    // Persisted: a new query sees it.
    EXPECT_EQ(cb.select<Watchlist>().where("name:notepad").one().id(), "6");
}

TEST_F(WatchlistTest, SaveWithoutRequiredFieldsSendsNothing) {
    auto w = cb.create<Watchlist>();
    w.set_name("Incomplete");
    try {
        w.save();
        FAIL() << "expected InvalidObjectError";
    } catch (const InvalidObjectError& e) {
        EXPECT_STREQ(e.what(), "Missing fields: [search_query, index_type]");
    }
    EXPECT_TRUE(log().empty());
}

TEST_F(WatchlistTest, DuplicateNameIsAConflict) {
    auto w = cb.create<Watchlist>();
    w.set_name("netcat USAGE").set_index_type("events").set_query("process_name:nc64.exe");
    try {
        w.save();
        FAIL() << "expected ServerError";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 409);
        EXPECT_NE(std::string(e.what()).find("already exists"), std::string::npos);
    }
}

TEST_F(WatchlistTest, UpdateAndDeleteArePersisted) {
    Watchlist w = cb.select<Watchlist>(1);
    EXPECT_EQ(w.name(), "Netcat usage");  // lazy load
    EXPECT_EQ(w.total_hits(), std::stoll(w.get<std::string>("total_hits").value()));
    w.set_enabled(false);
    w.save();
    EXPECT_FALSE(cb.fetch<Watchlist>(1).enabled());
    const auto puts = test::requests_to(server, "/api/v1/watchlist/1");
    ASSERT_GE(puts.size(), 2u);
    EXPECT_EQ(puts[1].method, "PUT");
    EXPECT_EQ(puts[1].json().at("enabled"), false);
    EXPECT_EQ(puts[1].json().at("name"), "Netcat usage");  // the whole document

    w.remove();
    EXPECT_THROW(cb.fetch<Watchlist>(1), ObjectNotFoundError);
    EXPECT_EQ(cb.select<Watchlist>().size(), 4u);
}

TEST_F(WatchlistTest, TimesAndCountsAreTyped) {
    const Watchlist w = cb.fetch<Watchlist>(2);
    ASSERT_TRUE(w.date_added().has_value());
    EXPECT_EQ(format_solr_time(*w.date_added()), "2017-05-20T07:10:07.923340Z");
    EXPECT_EQ(w.query(), R"(-path:c:\windows\* filemod:c:\windows\system32\*)");
    EXPECT_FALSE(w.readonly());
    EXPECT_TRUE(cb.fetch<Watchlist>(5).readonly());
}

TEST_F(WatchlistTest, SearchRunsTheStoredProcessQuery) {
    server.on("GET", "/api/v1/process", [](const testing::RecordedRequest&) {
        return testing::MockResponse::json({{"results", nlohmann::json::array()}, {"total_results", 7}, {"start", 0}});
    });
    const Watchlist w = cb.fetch<Watchlist>(4);
    const auto search = w.search();
    ASSERT_TRUE(std::holds_alternative<Process::query_type>(search));
    EXPECT_EQ(std::get<Process::query_type>(search).size(), 7u);
    const auto sent = test::requests_to(server, "/api/v1/process");
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].param("q"), "process_name:powershell.exe cmdline:-enc");  // filtered (cbapi-python: not)
    EXPECT_EQ(sent[0].param("cb.urlver"), "1");
    EXPECT_EQ(sent[0].param("rows"), "0");
    EXPECT_THROW((void)w.binary_search(), InvalidObjectError);
}

TEST_F(WatchlistTest, SearchOfAModulesWatchlistQueriesBinariesWithItsSort) {
    server.on("GET", "/api/v1/binary", [](const testing::RecordedRequest& r) {
        const auto start = std::stoul(r.param("start").value_or("0"));
        nlohmann::json results = nlohmann::json::array();
        if (start == 0 && r.param("rows") != "0") results.push_back({{"md5", "ABCDEF0123456789ABCDEF0123456789"}});
        return testing::MockResponse::json({{"results", results}, {"total_results", 1}, {"start", start}});
    });
    const Watchlist w = cb.fetch<Watchlist>(3);
    auto query = std::get<Binary::query_type>(w.search());
    std::vector<std::string> md5s;
    for (const Binary& b : query) md5s.push_back(b.md5());
    EXPECT_EQ(md5s, std::vector<std::string>{"ABCDEF0123456789ABCDEF0123456789"});
    const auto sent = test::requests_to(server, "/api/v1/binary");
    ASSERT_FALSE(sent.empty());
    EXPECT_EQ(sent[0].param("q"), "is_executable_image:true");
    EXPECT_EQ(sent[0].param("sort"), "server_added_timestamp desc");
    EXPECT_THROW((void)w.process_search(), InvalidObjectError);
    EXPECT_THROW((void)query.where("x:y"), ApiError);  // a raw query
}

TEST_F(WatchlistTest, SearchWithAnUnknownIndexTypeThrows) {
    const auto w = local_watchlist(cb, "cb.urlver=1&q=a", "alerts");
    try {
        (void)w.search();
        FAIL() << "expected InvalidObjectError";
    } catch (const InvalidObjectError& e) {
        EXPECT_STREQ(e.what(), "index_type of alerts is invalid");
    }
}

TEST_F(WatchlistTest, ActionsAreListedFromTheWatchlist) {
    const Watchlist w = cb.select<Watchlist>(1);
    std::vector<std::string> types;
    for (const WatchlistAction& a : w.actions()) {
        types.push_back(a.type());
        EXPECT_EQ(a.watchlist_id(), "1");
    }
    EXPECT_EQ(types, (std::vector<std::string>{"email", "alert"}));
    EXPECT_EQ(log(), std::vector<std::string>{"GET /api/v1/watchlist/1/action"});  // the watchlist is not loaded
    EXPECT_TRUE(cb.select<Watchlist>(2).actions().empty());
}

TEST_F(WatchlistTest, ActionCreateUpdateDelete) {
    const Watchlist w = cb.select<Watchlist>(2);
    WatchlistAction action = w.create_action();
    action.set_type("syslog").set_action_data("{}");
    action.save();
    const std::string id = action.id();
    EXPECT_FALSE(id.empty());
    action.set_action_data(R"({"facility": 4})");
    action.save();
    auto listed = cb.select<WatchlistAction>().where("watchlist_id:2");
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed.first()->action_data(), R"({"facility": 4})");
    action.remove();
    EXPECT_EQ(log(), (std::vector<std::string>{
                         R"(POST /api/v1/watchlist/2/action {"action_data":"{}","action_type":1,"watchlist_id":2})",
                         "PUT /api/v1/watchlist/2/action/" + id + R"( {"action_data":"{\"facility\": 4}","action_type":1,"id":)" +
                             id + R"(,"watchlist_id":2})",
                         "GET /api/v1/watchlist/2/action",
                         "DELETE /api/v1/watchlist/2/action/" + id}));
    EXPECT_TRUE(cb.select<WatchlistAction>().where("watchlist_id:2").empty());
}

TEST_F(WatchlistTest, ASecondActionOfTheSameTypeIsAConflict) {
    WatchlistAction action = cb.select<Watchlist>(1).create_action();
    action.set_type(ActionType::email);
    try {
        action.save();
        FAIL() << "expected ServerError";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 409);
    }
}

TEST_F(WatchlistTest, ActionWithoutTypeIsInvalid) {
    WatchlistAction action = cb.select<Watchlist>(1).create_action();
    action.set_action_data("x");
    try {
        action.save();
        FAIL() << "expected InvalidObjectError";
    } catch (const InvalidObjectError& e) {
        EXPECT_STREQ(e.what(), "Missing fields: [action_type]");
    }
    EXPECT_THROW(cb.create<Watchlist>().create_action(), InvalidObjectError);  // never saved
}

TEST(ActionTypes, NamesAndNumbers) {
    EXPECT_EQ(action_type_name(0), "email");
    EXPECT_EQ(action_type_name(1), "syslog");
    EXPECT_EQ(action_type_name(2), "http_post");
    EXPECT_EQ(action_type_name(3), "alert");
    EXPECT_EQ(action_type_name(9), "unknown");
    EXPECT_EQ(action_type_from_name("http_post"), ActionType::http_post);
    try {
        (void)action_type_from_name("pager");
        FAIL();
    } catch (const ApiError& e) {
        EXPECT_STREQ(e.what(), "Unknown Action type: pager");
    }
}

TEST_F(WatchlistTest, ActionQueryNeedsExactlyOneWhereOnItsField) {
    auto q = cb.select<WatchlistAction>();
    try {
        (void)q.size();
        FAIL();
    } catch (const ApiError& e) {
        EXPECT_STREQ(e.what(), "Must use a search parameter: .where('watchlist_id:<id>')");
    }
    try {
        (void)q.where("group_id:1");
        FAIL();
    } catch (const ApiError& e) {
        EXPECT_STREQ(e.what(), "Field name must be: watchlist_id");
    }
    EXPECT_THROW((void)q.where("watchlist_id:1").where("watchlist_id:2"), ApiError);
    EXPECT_THROW((void)cb.select<WatchlistAction>().where("watchlist_id:99").size(), ObjectNotFoundError);
    EXPECT_TRUE(log().size() == 1u);  // only the 404 above
}

TEST_F(WatchlistTest, AnActionListThatIsNotAnArrayIsAServerError) {
    server.enqueue("GET", "/api/v1/watchlist/1/action", testing::MockResponse::json({{"error", "boom"}}));
    try {
        (void)cb.select<WatchlistAction>().where("watchlist_id:1").size();
        FAIL() << "expected ServerError";
    } catch (const ServerError& e) {
        EXPECT_STREQ(e.what(), "Received error code 200 from API: Expected a JSON array from /api/v1/watchlist/1/action, "
                               "got object");
    }
}

// --- export file format ---------------------------------------------------------------------------------------------

TEST_F(WatchlistTest, ExportEntriesCarryTheRawAndTheReadableQuery) {
    auto exported = WatchlistExport::dated(parse_cb_time("2017-08-10T12:00:00Z"));
    exported.author = "Me";
    for (const Watchlist& w : cb.select<Watchlist>())
        if (w.name() == "Newly Loaded Modules") exported.watchlists.push_back(WatchlistExportEntry::of(w));
    EXPECT_EQ(exported.to_json().dump(),
              R"({"Author":"Me","ExportDate":"2017-08-10T12:00:00Z","ExportDescription":"Fill in description",)"
              R"("Watchlists":[{"Name":"Newly Loaded Modules",)"
              R"("URL":"cb.urlver=1&q=is_executable_image%3Atrue&sort=server_added_timestamp%20desc",)"
              R"("Type":"modules","SearchString":"is_executable_image:true",)"
              R"("Description":"Please fill in if you intend to share this."}]})");
}

TEST_F(WatchlistTest, ImportCreatesWatchlistsKeepingTheUrlSort) {
    const auto file = nlohmann::json::parse(R"({"Watchlists": [
        {"Name": "Psexec", "URL": "cb.urlver=1&q=old&sort=start%20desc", "SearchString": "process_name:psexesvc.exe"}]})");
    const auto imported = WatchlistExport::from_json(file);
    ASSERT_EQ(imported.watchlists.size(), 1u);
    EXPECT_EQ(imported.watchlists[0].type, "events");  // the default
    auto w = cb.create<Watchlist>();
    imported.watchlists[0].apply_to(w);
    w.save();
    EXPECT_EQ(cb.fetch<Watchlist>(w.id()).search_query(), "cb.urlver=1&sort=start%20desc&q=process_name%3Apsexesvc.exe");
}

TEST(WatchlistExportFormat, BadFilesGiveClearErrors) {
    auto message = [](const char* text) {
        try {
            (void)WatchlistExport::from_json(nlohmann::json::parse(text));
        } catch (const ApiError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_EQ(message("[]"), "A watchlist export must be a JSON object");
    EXPECT_EQ(message(R"({"Author": "x"})"), R"(A watchlist export needs a "Watchlists" array)");
    EXPECT_EQ(message(R"({"Watchlists": [{"SearchString": "a:b"}]})"), R"(watchlist 1 of the export has no "Name")");
    EXPECT_EQ(message(R"({"Watchlists": [{"Name": "n"}]})"), R"(watchlist 1 of the export (n) has no "SearchString")");
    EXPECT_EQ(message(R"({"Watchlists": [{"Name": "n", "SearchString": "a:b", "Type": "alerts"}]})"),
              "watchlist 1 of the export (n) has Type 'alerts' (expected events or modules)");
    EXPECT_EQ(message(R"({"Author": 5, "Watchlists": []})"), R"(the export: "Author" must be a string)");
}

}  // namespace
}  // namespace cbapi
