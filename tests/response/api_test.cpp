// CbResponseAPI: construction (/api/info, version gates), info/license calls, select/fetch/create.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/response_fakes.hpp"

namespace cbapi {
namespace {

using response::CbResponseAPI;
using test::FakeSearch;
using test::ListItem;
using test::SearchItem;

class CbResponseApiTest : public ::testing::Test {
protected:
    FakeSearch search;
    testing::MockServer server;
    test::RecordingSleeper sleeper;

    CbResponseAPI connect() { return test::response_api(server, sleeper); }
    void serve_info_reply(nlohmann::json body) {
        server.on("GET", "/api/info", [body](const testing::RecordedRequest&) {
            return testing::MockResponse::json(body);
        });
    }
};

// --- construction -----------------------------------------------------------------------------------------------

TEST_F(CbResponseApiTest, ConstructionGetsApiInfo) {
    test::serve_info(server);
    auto cb = connect();
    const auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].method, "GET");
    EXPECT_EQ(reqs[0].path, "/api/info");
    EXPECT_EQ(reqs[0].query, "");
    EXPECT_EQ(reqs[0].header("X-Auth-Token"), server.token());
    EXPECT_EQ(cb.server_info().at("version"), "6.1.0.180806.1200");
    EXPECT_EQ(cb.server_version(), ServerVersion::parse("6.1.0.180806.1200"));
    EXPECT_TRUE(cb.server_info().at("cblrEnabled").get<bool>());
}

TEST_F(CbResponseApiTest, UnauthorizedTokenNamesTheServer) {
    test::serve_info(server);
    auto credentials = test::credentials_for(server);
    credentials.token = "not-the-token";
    response::ApiOptions options;
    options.connection = test::test_options(sleeper);
    try {
        CbResponseAPI cb(credentials, options);
        FAIL() << "no exception";
    } catch (const UnauthorizedError& e) {
        EXPECT_STREQ(e.what(), ("Invalid API token for server " + server.url() + ".").c_str());
        EXPECT_EQ(e.status(), 401);
        EXPECT_EQ(std::string(e.what()).find("not-the-token"), std::string::npos);
    }
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(CbResponseApiTest, ServerOlderThanFiveIsRefused) {
    test::serve_info(server, "4.2.1.160101.1200");
    try {
        connect();
        FAIL() << "no exception";
    } catch (const HttpError& e) {
        FAIL() << "expected a plain ApiError, got " << e.what();
    } catch (const ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("5.0"), std::string::npos) << e.what();
    }
}

TEST_F(CbResponseApiTest, FiveZeroIsAccepted) {
    test::serve_info(server, "5.0.0.150101.1200");
    EXPECT_NO_THROW(connect());
}

TEST_F(CbResponseApiTest, MissingVersionIsServerError) {
    serve_info_reply({{"cblrEnabled", true}});
    EXPECT_THROW(connect(), ServerError);
}

TEST_F(CbResponseApiTest, NonStringVersionIsServerError) {
    serve_info_reply({{"version", 6}});
    EXPECT_THROW(connect(), ServerError);
}

TEST_F(CbResponseApiTest, InfoThatIsNotAnObjectIsServerError) {
    server.on("GET", "/api/info", [](const testing::RecordedRequest&) {
        return testing::MockResponse::json(nlohmann::json::array({"6.1.0"}));
    });
    EXPECT_THROW(connect(), ServerError);
}

TEST_F(CbResponseApiTest, FacetFalseIsSentFrom511) {
    test::serve_info(server, "5.1.1.160416.0935");
    search.total = 2;
    search.install(server);
    auto cb = connect();
    EXPECT_EQ(cb.select<SearchItem>().size(), 2u);
    EXPECT_EQ(cb.select<SearchItem>().first()->n(), 0);
    EXPECT_EQ(test::queries_to(server, "/api/v1/process"),
              (std::vector<std::string>{"cb.urlver=1&facet=false&rows=0&start=0",
                                        "cb.urlver=1&facet=false&q=&rows=1&sort=last_update+desc&start=0"}));
}

TEST_F(CbResponseApiTest, FacetFalseIsNotSentTo510) {
    test::serve_info(server, "5.1.0.150625.500");
    search.total = 2;
    search.install(server);
    auto cb = connect();
    EXPECT_EQ(cb.select<SearchItem>().size(), 2u);
    EXPECT_EQ(cb.select<SearchItem>().first()->n(), 0);
    server.on("GET", "/api/v1/process", [](const testing::RecordedRequest&) {
        return testing::MockResponse::json({{"total_results", 0}, {"facets", nlohmann::json::object()}});
    });
    cb.select<SearchItem>().facets({"hostname"});
    EXPECT_EQ(test::queries_to(server, "/api/v1/process"),
              (std::vector<std::string>{"cb.urlver=1&rows=0&start=0",
                                        "cb.urlver=1&q=&rows=1&sort=last_update+desc&start=0",
                                        "cb.urlver=1&facet=true&facet.field=hostname&rows=0&start=0"}));
}

// --- info and license ---------------------------------------------------------------------------------------------

TEST_F(CbResponseApiTest, InfoAsksAgain) {
    test::serve_info(server);
    auto cb = connect();
    const auto info = cb.info();
    EXPECT_EQ(info.at("version"), "6.1.0.180806.1200");
    const auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[1].method, "GET");
    EXPECT_EQ(reqs[1].path, "/api/info");
}

TEST_F(CbResponseApiTest, LicenseRequestReturnsTheBlock) {
    test::serve_info(server);
    server.enqueue("GET", "/api/license",
                   testing::MockResponse::json({{"license_request_block", "-----BEGIN REQ-----\nabc\n-----END REQ-----"},
                                                {"license_valid", true}}));
    server.enqueue("GET", "/api/license", testing::MockResponse::json({{"license_valid", false}}));
    auto cb = connect();
    EXPECT_EQ(cb.license_request(), "-----BEGIN REQ-----\nabc\n-----END REQ-----");
    EXPECT_EQ(cb.license_request(), "");
    const auto reqs = test::requests_to(server, "/api/license");
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[0].method, "GET");
    EXPECT_EQ(reqs[0].query, "");
}

TEST_F(CbResponseApiTest, UpdateLicensePostsTheBlock) {
    test::serve_info(server);
    server.enqueue("POST", "/api/license", testing::MockResponse::json({{"status", "success"}}));
    auto cb = connect();
    EXPECT_NO_THROW(cb.update_license("LICENSE-BLOCK"));
    const auto reqs = test::requests_to(server, "/api/license");
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].method, "POST");
    EXPECT_EQ(reqs[0].json(), (nlohmann::json{{"license", "LICENSE-BLOCK"}}));
    EXPECT_EQ(reqs[0].body, R"({"license":"LICENSE-BLOCK"})");
    EXPECT_EQ(reqs[0].header("Content-Type"), "application/json");
}

TEST_F(CbResponseApiTest, UpdateLicenseFailureIsServerError) {
    test::serve_info(server);
    server.enqueue("POST", "/api/license", testing::MockResponse::json({{"status", "failure"}, {"reason", "bad"}}));
    server.enqueue("POST", "/api/license", testing::MockResponse::text("not json"));
    server.enqueue("POST", "/api/license", testing::MockResponse::json({{"status", "success"}}, 500));
    auto cb = connect();
    try {
        cb.update_license("X");
        FAIL() << "no exception";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 200);
        EXPECT_EQ(e.result(), "Did not update license.");
    }
    EXPECT_THROW(cb.update_license("X"), ServerError);
    try {
        cb.update_license("X");
        FAIL() << "no exception";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 500);
    }
    EXPECT_EQ(test::requests_to(server, "/api/license").size(), 3u);
}

TEST_F(CbResponseApiTest, UrlIsTheServerUrlWithoutTrailingSlash) {
    test::serve_info(server);
    auto credentials = test::credentials_for(server);
    credentials.url += "/";
    response::ApiOptions options;
    options.connection = test::test_options(sleeper);
    CbResponseAPI cb(credentials, options);
    EXPECT_EQ(cb.url(), server.url());
    EXPECT_EQ(server.requests().at(0).path, "/api/info");
}

// --- select / fetch / create ------------------------------------------------------------------------------------

TEST_F(CbResponseApiTest, SelectByIdIsLazy) {
    test::serve_info(server);
    server.on("GET", "/api/v1/watchlist/5", [](const testing::RecordedRequest&) {
        return testing::MockResponse::json({{"id", 5}, {"name", "Suspicious"}, {"search_query", "q=x"}});
    });
    auto cb = connect();
    const auto before = server.request_count();
    auto item = cb.select<ListItem>(5);
    EXPECT_EQ(item.id(), "5");
    EXPECT_FALSE(item.is_full());
    EXPECT_EQ(server.request_count(), before);
    EXPECT_EQ(item.name(), "Suspicious");
    const auto reqs = test::requests_to(server, "/api/v1/watchlist/5");
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].method, "GET");
    EXPECT_TRUE(item.is_full());
}

TEST_F(CbResponseApiTest, SelectNeedsAnId) {
    test::serve_info(server);
    auto cb = connect();
    EXPECT_THROW(cb.select<ListItem>(""), ApiError);
    EXPECT_THROW(cb.select<ListItem>(nullptr), ApiError);
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(CbResponseApiTest, SelectReturnsIndependentObjects) {
    test::serve_info(server);
    server.on("GET", "/api/v1/watchlist/5", [](const testing::RecordedRequest&) {
        return testing::MockResponse::json({{"id", 5}, {"name", "Suspicious"}, {"search_query", "q=x"}});
    });
    auto cb = connect();
    auto a = cb.select<ListItem>(5);
    auto b = cb.select<ListItem>(5);
    a.set("name", "Changed");
    EXPECT_EQ(a.name(), "Changed");
    EXPECT_EQ(b.name(), "Suspicious");
    // One request: b's lazy load is answered by the read cache, with its own copy of the reply.
    EXPECT_EQ(test::requests_to(server, "/api/v1/watchlist/5").size(), 1u);
}

TEST_F(CbResponseApiTest, SelectOfAQueryTypeSendsNothing) {
    test::serve_info(server);
    auto cb = connect();
    auto q = cb.select<SearchItem>().where("process_name:cmd.exe");
    auto list = cb.select<ListItem>();
    (void)q;
    (void)list;
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(CbResponseApiTest, FetchLoadsAtOnce) {
    test::serve_info(server);
    server.on("GET", "/api/v1/watchlist/5", [](const testing::RecordedRequest&) {
        return testing::MockResponse::json({{"id", 5}, {"name", "Suspicious"}, {"search_query", "q=x"}});
    });
    auto cb = connect();
    auto item = cb.fetch<ListItem>(5);
    EXPECT_EQ(test::requests_to(server, "/api/v1/watchlist/5").size(), 1u);
    EXPECT_TRUE(item.is_full());
    EXPECT_EQ(item.document(), (nlohmann::json{{"id", 5}, {"name", "Suspicious"}, {"search_query", "q=x"}}));
    EXPECT_EQ(item.name(), "Suspicious");
    EXPECT_EQ(server.request_count(), 2u);
}

TEST_F(CbResponseApiTest, FetchOfAMissingObjectIsObjectNotFound) {
    test::serve_info(server);
    auto cb = connect();
    try {
        (void)cb.fetch<ListItem>(99);
        FAIL() << "no exception";
    } catch (const ObjectNotFoundError& e) {
        EXPECT_EQ(e.status(), 404);
        EXPECT_EQ(e.uri(), server.url() + "/api/v1/watchlist/99");
    }
    EXPECT_EQ(test::requests_to(server, "/api/v1/watchlist/99").size(), 1u);
}

TEST_F(CbResponseApiTest, CreateSendsNothingUntilSave) {
    test::serve_info(server);
    server.on("POST", "/api/v1/watchlist", [](const testing::RecordedRequest&) {
        return testing::MockResponse::json({{"id", 12}, {"name", "New"}, {"search_query", "q=y"}});
    });
    auto cb = connect();
    auto item = cb.create<ListItem>();
    EXPECT_TRUE(item.id().empty());
    EXPECT_TRUE(item.is_full());
    EXPECT_EQ(item.describe(), "new ListItem");
    item.set("name", "New").set("search_query", "q=y");
    EXPECT_FALSE(item.get<std::string>("description").has_value());  // a new object never loads
    EXPECT_EQ(server.request_count(), 1u);
    item.save();
    EXPECT_EQ(server.request_count(), 2u);
    EXPECT_EQ(item.id(), "12");
}

TEST_F(CbResponseApiTest, FromProfileReadsTheNamedProfileOfTheGivenFiles) {
    test::serve_info(server);
    const auto dir = std::filesystem::temp_directory_path() / ("cbapi-from-profile-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto file = dir / "credentials.response";
    {
        std::ofstream out(file);
        out << "[default]\nurl = http://127.0.0.1:1\ntoken = wrong\n\n[lab]\nurl = " << server.url()
            << "\ntoken = " << server.token() << "\n";
    }
    std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    response::ApiOptions options;
    options.connection = test::test_options(sleeper);
    options.credentials.files = std::vector<std::filesystem::path>{file};
    options.credentials.use_environment = false;
    const auto cb = CbResponseAPI::from_profile("lab", options);
    EXPECT_EQ(cb.url(), server.url());
    EXPECT_EQ(server.requests().at(0).header("X-Auth-Token"), server.token());
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cbapi
