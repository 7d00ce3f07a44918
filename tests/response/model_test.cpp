// The model base (Model, MutableModel) through the ListItem and SearchItem test models: typed reads, lazy loading,
// dirty tracking, validation, save (create/update and every reply form) and remove.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "support/response_fakes.hpp"

namespace cbapi {
namespace {

using test::FakeSearch;
using test::ListItem;
using test::SearchItem;

constexpr const char* kList = "/api/v1/watchlist";

class ModelTest : public ::testing::Test {
protected:
    // Declared before the server: handlers refer to them until the server has stopped.
    std::mutex docs_mutex;
    std::map<std::string, nlohmann::json> docs;  // GET /api/v1/watchlist/<segment as sent> → document
    FakeSearch search;
    testing::MockServer server;
    test::RecordingSleeper sleeper;
    response::CbResponseAPI cb = connect();

    response::CbResponseAPI connect() {
        docs["7"] = {{"id", 7}, {"name", "seven"}, {"search_query", "q=process_name:cmd.exe"}, {"enabled", true}};
        server.on("GET", "/api/v1/watchlist/.+", [this](const testing::RecordedRequest& r) {
            std::lock_guard<std::mutex> lock(docs_mutex);
            const auto it = docs.find(r.path.substr(std::string(kList).size() + 1));
            if (it == docs.end()) return testing::MockResponse::json({{"reason", "not found"}}, 404);
            return testing::MockResponse::json(it->second);
        });
        return test::connected_api(server, sleeper);
    }

    ListItem make(nlohmann::json doc, bool full) const { return ListItem(cb.handle(), std::move(doc), full); }
    std::vector<testing::RecordedRequest> api_requests() const {
        std::vector<testing::RecordedRequest> out;
        for (auto& r : server.requests())
            if (r.path != "/api/info") out.push_back(r);
        return out;
    }
    std::vector<std::string> calls() const {
        std::vector<std::string> out;
        for (const auto& r : api_requests()) out.push_back(r.method + " " + r.path);
        return out;
    }
    ListItem new_valid_item() const {
        auto item = cb.create<ListItem>();
        item.set("name", "Suspicious cmd").set("search_query", "q=process_name:cmd.exe");
        return item;
    }
};

// --- typed reads -------------------------------------------------------------------------------------------------

TEST_F(ModelTest, GetPresentAbsentAndNullFields) {
    const auto item = make({{"id", 1},
                            {"name", "a"},
                            {"count", 3},
                            {"nothing", nullptr},
                            {"flag", true},
                            {"ratio", 0.5},
                            {"tags", {"x", "y"}}},
                           true);
    EXPECT_EQ(item.get<std::string>("name"), "a");
    EXPECT_EQ(item.get<long long>("count"), 3);
    EXPECT_EQ(item.get<int>("count"), 3);
    EXPECT_EQ(item.get<bool>("flag"), true);
    EXPECT_EQ(item.get<double>("ratio"), 0.5);
    EXPECT_EQ(item.get<std::vector<std::string>>("tags"), (std::vector<std::string>{"x", "y"}));
    EXPECT_EQ(item.get<std::string>("missing"), std::nullopt);
    EXPECT_EQ(item.get<std::string>("nothing"), std::nullopt);
    EXPECT_EQ(item.get_or<std::string>("missing", "fallback"), "fallback");
    EXPECT_EQ(item.get_or<std::string>("nothing", "fallback"), "fallback");
    EXPECT_EQ(item.get_or<std::string>("name", "fallback"), "a");
    EXPECT_TRUE(item.has("nothing"));
    EXPECT_FALSE(item.has("missing"));
    EXPECT_EQ(item.id(), "1");
    EXPECT_TRUE(api_requests().empty());
}

TEST_F(ModelTest, WrongTypeIsApiErrorNamingTheField) {
    const auto item = make({{"id", 1}, {"name", "a"}, {"count", 3}, {"tags", {"x"}}}, true);
    try {
        (void)item.get<long long>("name");
        FAIL() << "no exception";
    } catch (const ApiError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("'name'"), std::string::npos) << what;
        EXPECT_NE(what.find("ListItem 1"), std::string::npos) << what;
    }
    EXPECT_THROW((void)item.get<bool>("count"), ApiError);
    EXPECT_THROW((void)item.get<std::string>("tags"), ApiError);
    EXPECT_THROW((void)item.get_or<std::string>("count", "x"), ApiError);
}

TEST_F(ModelTest, NumbersThatRealServersSendAsTextAreReadByGet) {
    // The watchlist of a Cb Response 5.1.1 server (reference wire sample): total_hits and total_tags are text.
    {
        std::lock_guard<std::mutex> lock(docs_mutex);
        docs["5"] = nlohmann::json::parse(R"({"id": "5", "name": "Non-System Filemods to system32",
            "index_type": "events", "search_query": "cb.urlver=1&q=-path%3Ac%3A%5Cwindows%5C%2A", "enabled": true,
            "search_timestamp": "2016-06-10T19:00:05.094133Z", "date_added": "2016-05-20 02:10:07.923340-05:00",
            "last_hit": "2016-06-07 23:40:03.887094-05:00", "total_hits": "11", "total_tags": "11",
            "last_hit_count": 1, "group_id": -1, "readonly": false, "alliance_id": null, "from_alliance": false})");
    }
    const auto w = cb.select<ListItem>(5);
    const std::optional<long long> hits = w.get<long long>("total_hits");  // the docs/models.md call
    EXPECT_EQ(hits, 11);
    EXPECT_EQ(w.get<int>("total_tags"), 11);
    EXPECT_EQ(w.get<double>("total_hits"), 11.0);
    EXPECT_EQ(w.get_or<unsigned>("total_tags", 0), 11u);
    EXPECT_EQ(w.get<long long>("alliance_id"), std::nullopt);
    EXPECT_EQ(calls(), std::vector<std::string>{"GET /api/v1/watchlist/5"});

    // A 5.1.1 sensor: clock_delta and the system volume sizes are text too.
    const auto sensor = make({{"id", 3},
                              {"clock_delta", "-11"},
                              {"systemvolume_total_size", "42939584512"},
                              {"systemvolume_free_size", "32925663232"},
                              {"build_version_string", "005.001.001.60415"},
                              {"uninstall", "false"},
                              {"display", "true"}},
                             true);
    EXPECT_EQ(sensor.get<int>("clock_delta"), -11);
    EXPECT_EQ(sensor.get<long long>("systemvolume_total_size"), 42939584512LL);
    EXPECT_EQ(sensor.get<unsigned long long>("systemvolume_free_size"), 32925663232ULL);
    EXPECT_EQ(sensor.get<double>("clock_delta"), -11.0);
    EXPECT_EQ(sensor.get<bool>("uninstall"), false);
    EXPECT_EQ(sensor.get<bool>("display"), true);
    EXPECT_EQ(sensor.get<std::string>("clock_delta"), "-11");  // the text itself stays readable
}

TEST_F(ModelTest, TimesAreConvertedAndAMalformedTimeNamesTheField) {
    const auto item = make({{"id", 1}, {"at", "2017-05-21T18:41:58Z"}, {"epoch", 0}, {"when", "yesterday"}}, true);
    EXPECT_EQ(item.get<TimePoint>("at"), parse_cb_time("2017-05-21T18:41:58Z"));
    EXPECT_EQ(item.get<TimePoint>("epoch"), TimePoint{});
    try {
        (void)item.get<TimePoint>("when");
        FAIL() << "no exception";
    } catch (const ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("'when'"), std::string::npos) << e.what();
    }
}

TEST_F(ModelTest, NonObjectDocumentIsServerError) {
    EXPECT_THROW(make(nlohmann::json::array({1}), true), ServerError);
    EXPECT_THROW(make("text", false), ServerError);
}

// --- lazy loading ------------------------------------------------------------------------------------------------

TEST_F(ModelTest, PartialObjectLoadsOnceWhenAMissingFieldIsRead) {
    auto item = cb.select<ListItem>(7);
    EXPECT_EQ(item.get<std::string>("name"), "seven");
    EXPECT_EQ(calls(), std::vector<std::string>{"GET /api/v1/watchlist/7"});
    EXPECT_EQ(api_requests()[0].query, "");
    EXPECT_EQ(item.get<bool>("enabled"), true);
    EXPECT_EQ(item.get<std::string>("description"), std::nullopt);  // full now: no second load
    EXPECT_EQ(calls().size(), 1u);
}

TEST_F(ModelTest, PartialObjectReturnsNulloptWhenTheFieldIsStillAbsent) {
    auto item = cb.select<ListItem>(7);
    EXPECT_EQ(item.get<std::string>("description"), std::nullopt);
    EXPECT_EQ(calls(), std::vector<std::string>{"GET /api/v1/watchlist/7"});
    EXPECT_EQ(item.get<std::string>("other"), std::nullopt);
    EXPECT_FALSE(item.has("third"));
    EXPECT_EQ(calls().size(), 1u);
}

TEST_F(ModelTest, PartialObjectReadsItsOwnFieldsWithoutLoading) {
    const auto item = make({{"id", 7}, {"name", "local"}}, false);
    EXPECT_EQ(item.get<std::string>("name"), "local");
    EXPECT_TRUE(item.has("name"));
    EXPECT_TRUE(api_requests().empty());
    EXPECT_FALSE(item.is_full());
}

TEST_F(ModelTest, PartialObjectWithoutIdNeverLoads) {
    const auto item = make({{"name", "x"}}, false);
    EXPECT_EQ(item.get<std::string>("other"), std::nullopt);
    EXPECT_TRUE(api_requests().empty());
}

TEST_F(ModelTest, LoadingAMissingObjectIsObjectNotFound) {
    auto item = cb.select<ListItem>(404);
    EXPECT_THROW((void)item.get<std::string>("name"), ObjectNotFoundError);
}

TEST_F(ModelTest, RefreshReplacesTheDocument) {
    auto item = make({{"id", 7}, {"name", "stale"}, {"local", 1}}, true);
    item.refresh();
    EXPECT_EQ(calls(), std::vector<std::string>{"GET /api/v1/watchlist/7"});
    EXPECT_EQ(item.document(), docs["7"]);
    EXPECT_TRUE(item.is_full());
}

TEST_F(ModelTest, RefreshOfAnUnsavedObjectThrows) {
    auto item = cb.create<ListItem>();
    EXPECT_THROW(item.refresh(), InvalidObjectError);
    EXPECT_TRUE(api_requests().empty());
}

TEST_F(ModelTest, RefreshReplyThatIsNotAnObjectIsServerError) {
    server.enqueue("GET", "/api/v1/watchlist/7", testing::MockResponse::json(nlohmann::json::array({docs["7"]})));
    auto item = cb.select<ListItem>(7);
    EXPECT_THROW(item.refresh(), ServerError);
}

TEST_F(ModelTest, CopyKeepsTheLoadedState) {
    auto item = cb.select<ListItem>(7);
    EXPECT_EQ(item.name(), "seven");
    const ListItem copy = item;
    EXPECT_TRUE(copy.is_full());
    EXPECT_EQ(copy.get<std::string>("description"), std::nullopt);
    EXPECT_EQ(calls().size(), 1u);
}

TEST_F(ModelTest, DescribeAndToString) {
    auto partial = cb.select<ListItem>(7);
    EXPECT_EQ(partial.describe(), "ListItem 7");
    EXPECT_NE(partial.to_string().find("(partially loaded)"), std::string::npos);
    EXPECT_EQ(cb.create<ListItem>().describe(), "new ListItem");
    EXPECT_TRUE(api_requests().empty());
}

// --- changes ------------------------------------------------------------------------------------------------------

TEST_F(ModelTest, SetOnAPartialObjectLoadsItFirst) {
    auto item = cb.select<ListItem>(7);
    item.set("name", "renamed");
    EXPECT_EQ(calls(), std::vector<std::string>{"GET /api/v1/watchlist/7"});
    EXPECT_EQ(item.get<std::string>("name"), "renamed");
    EXPECT_EQ(item.get<std::string>("search_query"), "q=process_name:cmd.exe");  // loaded from the server
    EXPECT_EQ(item.dirty_fields(), std::vector<std::string>{"name"});
    item.set("enabled", false);
    EXPECT_EQ(calls().size(), 1u);
}

TEST_F(ModelTest, DirtyTracking) {
    auto item = cb.fetch<ListItem>(7);
    EXPECT_FALSE(item.is_dirty());
    item.set("name", "seven");  // the current value: no change
    EXPECT_FALSE(item.is_dirty());
    item.set("name", "other");
    EXPECT_TRUE(item.is_dirty());
    EXPECT_EQ(item.dirty_fields(), std::vector<std::string>{"name"});
    item.set("name", "third");
    item.set("name", "seven");  // back to the original
    EXPECT_FALSE(item.is_dirty());
    item.set("search_query", "q=x").set("description", "new field");
    EXPECT_EQ(item.dirty_fields(), (std::vector<std::string>{"description", "search_query"}));
    EXPECT_EQ(calls().size(), 1u);
}

TEST_F(ModelTest, ResetRestoresValuesAndRemovesAddedFields) {
    auto item = cb.fetch<ListItem>(7);
    const auto original = item.document();
    item.set("name", "x").set("enabled", false).set("added", 1).set("enabled", nullptr);
    item.reset();
    EXPECT_EQ(item.document(), original);
    EXPECT_FALSE(item.has("added"));
    EXPECT_FALSE(item.is_dirty());
    EXPECT_EQ(calls().size(), 1u);
}

// --- validation ---------------------------------------------------------------------------------------------------

TEST_F(ModelTest, MissingRequiredFieldsAreReportedAndNothingIsSent) {
    auto item = cb.create<ListItem>();
    item.set("description", "d");
    try {
        item.validate();
        FAIL() << "no exception";
    } catch (const InvalidObjectError& e) {
        EXPECT_STREQ(e.what(), "Missing fields: [name, search_query]");
    }
    try {
        item.save();
        FAIL() << "no exception";
    } catch (const InvalidObjectError& e) {
        EXPECT_STREQ(e.what(), "Missing fields: [name, search_query]");
    }
    item.set("name", "n");
    try {
        item.save();
        FAIL() << "no exception";
    } catch (const InvalidObjectError& e) {
        EXPECT_STREQ(e.what(), "Missing fields: [search_query]");
    }
    EXPECT_TRUE(api_requests().empty());
    EXPECT_TRUE(item.is_dirty());
}

TEST_F(ModelTest, ValidateLoadsAPartialObject) {
    auto item = cb.select<ListItem>(7);
    EXPECT_NO_THROW(item.validate());
    EXPECT_EQ(calls(), std::vector<std::string>{"GET /api/v1/watchlist/7"});
}

// --- create --------------------------------------------------------------------------------------------------------

TEST_F(ModelTest, CreatePostsTheDocumentWithoutIdThenLoadsTheNewObject) {
    server.enqueue("POST", kList, testing::MockResponse::json({{"id", 7}}));
    auto item = new_valid_item();
    item.save();
    EXPECT_EQ(calls(), (std::vector<std::string>{"POST /api/v1/watchlist", "GET /api/v1/watchlist/7"}));
    const auto post = api_requests().at(0);
    EXPECT_EQ(post.json(), (nlohmann::json{{"name", "Suspicious cmd"}, {"search_query", "q=process_name:cmd.exe"}}));
    EXPECT_EQ(post.header("Content-Type"), "application/json");
    EXPECT_EQ(post.query, "");
    EXPECT_EQ(item.id(), "7");
    EXPECT_EQ(item.document(), docs["7"]);  // the server's document
    EXPECT_FALSE(item.is_dirty());
    EXPECT_TRUE(item.is_full());
}

TEST_F(ModelTest, CreateNeverSendsTheId) {
    server.enqueue("POST", kList, testing::MockResponse::json({{"id", 7}}));
    auto item = new_valid_item();
    item.set("id", 55);
    item.save();
    EXPECT_EQ(api_requests().at(0).json(),
              (nlohmann::json{{"name", "Suspicious cmd"}, {"search_query", "q=process_name:cmd.exe"}}));
    EXPECT_EQ(item.id(), "7");
}

TEST_F(ModelTest, CreateReplyWithTheWholeDocumentNeedsNoGet) {
    const nlohmann::json created = {{"id", 8},
                                    {"name", "Suspicious cmd"},
                                    {"search_query", "q=process_name:cmd.exe"},
                                    {"date_added", "2017-05-21 18:41:58.123456-05:00"}};
    server.enqueue("POST", kList, testing::MockResponse::json(created));
    auto item = new_valid_item();
    item.save();
    EXPECT_EQ(calls(), std::vector<std::string>{"POST /api/v1/watchlist"});
    EXPECT_EQ(item.document(), created);
    EXPECT_EQ(item.id(), "8");
    EXPECT_FALSE(item.is_dirty());
    item.save();  // nothing changed since
    EXPECT_EQ(calls().size(), 1u);
}

TEST_F(ModelTest, CreateFailureResultIsServerError) {
    server.enqueue("POST", kList, testing::MockResponse::json({{"result", "failed: bad query"}}));
    auto item = new_valid_item();
    try {
        item.save();
        FAIL() << "no exception";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.result(), "Did not create ListItem record.");
        EXPECT_NE(std::string(e.what()).find("failed: bad query"), std::string::npos) << e.what();
        EXPECT_EQ(e.status(), 200);
    }
    EXPECT_EQ(calls(), std::vector<std::string>{"POST /api/v1/watchlist"});
    EXPECT_TRUE(item.is_dirty());  // the change is kept so that it can be retried
    EXPECT_TRUE(item.id().empty());
}

TEST_F(ModelTest, CreateHttpErrorIsServerError) {
    server.enqueue("POST", kList, testing::MockResponse::text("boom", 500));
    auto item = new_valid_item();
    try {
        item.save();
        FAIL() << "no exception";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 500);
    }
    EXPECT_EQ(calls(), std::vector<std::string>{"POST /api/v1/watchlist"});  // a POST is not retried
    EXPECT_TRUE(item.is_dirty());
}

// --- update --------------------------------------------------------------------------------------------------------

TEST_F(ModelTest, UpdatePutsTheWholeDocument) {
    auto item = cb.fetch<ListItem>(7);
    item.set("name", "renamed");
    const nlohmann::json saved = {{"id", 7}, {"name", "renamed"}, {"search_query", "q=process_name:cmd.exe"},
                                  {"enabled", true}, {"last_hit", "never"}};
    server.enqueue("PUT", "/api/v1/watchlist/7", testing::MockResponse::json(saved));
    item.save();
    EXPECT_EQ(calls(), (std::vector<std::string>{"GET /api/v1/watchlist/7", "PUT /api/v1/watchlist/7"}));
    const auto put = api_requests().at(1);
    EXPECT_EQ(put.body, R"({"enabled":true,"id":7,"name":"renamed","search_query":"q=process_name:cmd.exe"})");
    EXPECT_EQ(put.header("Content-Type"), "application/json");
    EXPECT_EQ(item.document(), saved);  // the reply was a whole document: no extra GET
    EXPECT_FALSE(item.is_dirty());
}

TEST_F(ModelTest, UpdateReplySuccessRefreshes) {
    auto item = cb.fetch<ListItem>(7);
    item.set("name", "renamed");
    server.enqueue("PUT", "/api/v1/watchlist/7", testing::MockResponse::json({{"result", "success"}}));
    item.save();
    EXPECT_EQ(calls(), (std::vector<std::string>{"GET /api/v1/watchlist/7", "PUT /api/v1/watchlist/7",
                                                 "GET /api/v1/watchlist/7"}));
    EXPECT_EQ(item.document(), docs["7"]);
    EXPECT_FALSE(item.is_dirty());
}

TEST_F(ModelTest, UpdateReplyWithOnlyTheIdRefreshes) {
    auto item = cb.fetch<ListItem>(7);
    item.set("name", "renamed");
    server.enqueue("PUT", "/api/v1/watchlist/7", testing::MockResponse::json({{"id", 7}}));
    item.save();
    EXPECT_EQ(calls(), (std::vector<std::string>{"GET /api/v1/watchlist/7", "PUT /api/v1/watchlist/7",
                                                 "GET /api/v1/watchlist/7"}));
    EXPECT_EQ(item.document(), docs["7"]);
}

TEST_F(ModelTest, UpdateReplyWithoutJsonRefreshes) {
    auto item = cb.fetch<ListItem>(7);
    item.set("name", "renamed");
    server.enqueue("PUT", "/api/v1/watchlist/7", testing::MockResponse::text("", 204));
    item.save();
    EXPECT_EQ(calls(), (std::vector<std::string>{"GET /api/v1/watchlist/7", "PUT /api/v1/watchlist/7",
                                                 "GET /api/v1/watchlist/7"}));
    EXPECT_FALSE(item.is_dirty());
}

// cbapi-python: `if post_result and post_result != "success": raise` — a falsy result ("" like null or false) is a
// success followed by a refresh.
TEST_F(ModelTest, UpdateReplyWithAnEmptyResultRefreshes) {
    auto item = cb.fetch<ListItem>(7);
    item.set("name", "renamed");
    server.enqueue("PUT", "/api/v1/watchlist/7", testing::MockResponse::json({{"result", ""}}));
    EXPECT_NO_THROW(item.save());
    EXPECT_EQ(calls(), (std::vector<std::string>{"GET /api/v1/watchlist/7", "PUT /api/v1/watchlist/7",
                                                 "GET /api/v1/watchlist/7"}));
}

TEST_F(ModelTest, UpdateFailureResultIsServerError) {
    auto item = cb.fetch<ListItem>(7);
    item.set("name", "renamed");
    server.enqueue("PUT", "/api/v1/watchlist/7", testing::MockResponse::json({{"result", "failed: bad query"}}));
    try {
        item.save();
        FAIL() << "no exception";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.result(), "Did not update ListItem record.");
        EXPECT_NE(std::string(e.what()).find("failed: bad query"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(item.is_dirty());
    EXPECT_EQ(item.get<std::string>("name"), "renamed");
}

TEST_F(ModelTest, SaveWithNothingChangedSendsNothing) {
    auto item = cb.fetch<ListItem>(7);
    item.save();
    item.set("name", "seven");
    item.save();
    item.set("name", "x").set("name", "seven");
    item.save();
    cb.create<ListItem>().save();  // a new, untouched object
    EXPECT_EQ(calls(), std::vector<std::string>{"GET /api/v1/watchlist/7"});
}

// --- remove ------------------------------------------------------------------------------------------------------

TEST_F(ModelTest, RemoveSendsDelete) {
    server.enqueue("DELETE", "/api/v1/watchlist/7", testing::MockResponse::json({{"result", "success"}}));
    server.enqueue("DELETE", "/api/v1/watchlist/7", testing::MockResponse::text("", 204));
    auto item = cb.select<ListItem>(7);
    item.remove();
    item.remove();
    EXPECT_EQ(calls(), (std::vector<std::string>{"DELETE /api/v1/watchlist/7", "DELETE /api/v1/watchlist/7"}));
    EXPECT_EQ(api_requests().at(0).body, "");
}

TEST_F(ModelTest, RemoveOfAnUnsavedObjectThrows) {
    auto item = new_valid_item();
    EXPECT_THROW(item.remove(), InvalidObjectError);
    EXPECT_TRUE(api_requests().empty());
}

TEST_F(ModelTest, RemoveRefusedIsServerError) {
    server.enqueue("DELETE", "/api/v1/watchlist/7", testing::MockResponse::text("boom", 500));
    server.enqueue("DELETE", "/api/v1/watchlist/7", testing::MockResponse::json({{"queued", true}}, 202));
    auto item = cb.select<ListItem>(7);
    try {
        item.remove();
        FAIL() << "no exception";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 500);
    }
    try {
        item.remove();
        FAIL() << "no exception";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 202);
        EXPECT_EQ(e.result(), "Did not delete ListItem 7.");
    }
    EXPECT_EQ(calls().size(), 2u);
}

// --- paths ---------------------------------------------------------------------------------------------------------

TEST_F(ModelTest, IdsArePercentEncodedInThePath) {
    {
        std::lock_guard<std::mutex> lock(docs_mutex);
        docs["a%20b%2Fc%3Fd%23e%25f"] = {{"id", "a b/c?d#e%f"}, {"name", "odd"}};
    }
    server.enqueue("DELETE", "/api/v1/watchlist/a%20b%2Fc%3Fd%23e%25f", testing::MockResponse::text("", 204));
    auto item = cb.select<ListItem>("a b/c?d#e%f");
    EXPECT_EQ(item.name(), "odd");
    item.remove();
    const auto reqs = api_requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[0].path, "/api/v1/watchlist/a%20b%2Fc%3Fd%23e%25f");
    EXPECT_EQ(reqs[0].query, "");
    EXPECT_EQ(reqs[1].method, "DELETE");
    EXPECT_EQ(reqs[1].path, "/api/v1/watchlist/a%20b%2Fc%3Fd%23e%25f");
}

TEST_F(ModelTest, SearchResultsArePartialDocuments) {
    search.total = 3;
    search.install(server);
    server.on("GET", "/api/v1/process/.+", [](const testing::RecordedRequest& r) {
        return testing::MockResponse::json({{"id", r.path.substr(std::string("/api/v1/process/").size())},
                                            {"n", 0},
                                            {"username", "bob"}});
    });
    auto item = cb.select<SearchItem>().first();
    ASSERT_TRUE(item.has_value());
    EXPECT_FALSE(item->is_full());
    EXPECT_EQ(item->n(), 0);
    EXPECT_EQ(calls(), std::vector<std::string>{"GET /api/v1/process"});
    EXPECT_EQ(item->get<std::string>("username"), "bob");
    EXPECT_EQ(calls(), (std::vector<std::string>{"GET /api/v1/process", "GET /api/v1/process/guid-0"}));
    EXPECT_EQ(item->get<std::string>("hostname"), std::nullopt);
    EXPECT_EQ(calls().size(), 2u);
}

TEST_F(ModelTest, CreateAcceptedWithoutAnIdRefusesASecondSave) {
    server.enqueue("POST", kList, testing::MockResponse::json({{"result", "success"}}));
    auto item = new_valid_item();
    item.save();
    EXPECT_EQ(calls(), (std::vector<std::string>{"POST /api/v1/watchlist"}));
    item.set("name", "renamed");
    EXPECT_THROW(item.save(), InvalidObjectError);  // a second POST would create a duplicate
    EXPECT_EQ(calls().size(), 1u);
}

TEST_F(ModelTest, ConstObjectLoadsLazilyToo) {
    const ListItem item = make({{"id", 7}}, false);
    EXPECT_EQ(item.name(), "seven");
    EXPECT_TRUE(item.is_full());
    EXPECT_EQ(calls(), (std::vector<std::string>{"GET /api/v1/watchlist/7"}));
}

}  // namespace
}  // namespace cbapi
