// Hostile and flaky servers (issue 17): each guarantee of docs/guarantees.md against a loopback server that really
// misbehaves at the socket level, for every product.
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cbapi/connection.hpp"
#include "cbapi/credentials.hpp"
#include "cbapi/logging.hpp"
#include "cbapi/defense.hpp"
#include "cbapi/protection.hpp"
#include "cbapi/response.hpp"
#include "support/env_guard.hpp"
#include "support/fixtures.hpp"
#include "support/raw_server.hpp"

namespace cbapi {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using test::RawConnection;
using test::RawRequest;
using test::RawServer;

constexpr const char* kToken = "HOSTILE-TOKEN-0123456789abcdef";
constexpr const char* kDefenseKey = "DEFENSEAPIKEY1234";
constexpr const char* kDefenseToken = "DEFENSEAPIKEY1234/CONNECTOR99";

Credentials creds_for(const RawServer& server, std::string token = kToken) {
    Credentials c;
    c.url = server.url();
    c.token = std::move(token);
    return c;
}

ConnectionOptions quick_options() {
    ConnectionOptions o;
    o.sleeper = [](milliseconds) {};
    o.backoff.jitter = 0.0;
    o.connect_timeout = seconds(5);
    return o;
}

// The replies a product facade needs while it is constructed.
bool answer_construction(RawConnection& c, const RawRequest& r) {
    if (r.path() == "/api/info") return c.respond(200, R"({"version": "6.1.2.180000.1000"})"), true;
    if (r.path() == "/api/bit9platform/v1/serverConfig")
        return c.respond(200, R"([{"id": 1, "name": "ParityServerVersion", "value": "8.1.0.100"}])"), true;
    return false;
}

response::CbResponseAPI response_api(const RawServer& s, ConnectionOptions o = quick_options()) {
    response::ApiOptions options;
    options.connection = std::move(o);
    return response::CbResponseAPI(creds_for(s), std::move(options));
}
protection::CbProtectionAPI protection_api(const RawServer& s, ConnectionOptions o = quick_options()) {
    protection::ApiOptions options;
    options.connection = std::move(o);
    return protection::CbProtectionAPI(creds_for(s), std::move(options));
}
defense::CbDefenseAPI defense_api(const RawServer& s, ConnectionOptions o = quick_options()) {
    defense::ApiOptions options;
    options.connection = std::move(o);
    return defense::CbDefenseAPI(creds_for(s, kDefenseToken), std::move(options));
}

// --- 1. A POST or PATCH reaches the server at most once -------------------------------------------------------------

// Answers every GET; reads a POST or PATCH and closes the connection without a word. On a reused keep-alive
// connection this is exactly when libcurl would silently send the request again on a new one.
RawServer::Handler swallow_writes() {
    return [](RawConnection& c, const RawRequest& r) {
        if (answer_construction(c, r)) return;
        if (r.method == "GET") {
            c.respond(200, R"({"ok": true})");
            return;
        }
        c.close();
    };
}

void expect_outcome_unknown(const std::function<void()>& write) {
    try {
        write();
        ADD_FAILURE() << "the write succeeded";
    } catch (const ConnectionError& e) {
        EXPECT_TRUE(e.outcome_unknown()) << e.what();
        EXPECT_NE(std::string(e.what()).find("may or may not have carried it out"), std::string::npos) << e.what();
    }
}

TEST(AtMostOnce, APostOnAConnectionThatDiesAfterReadingItIsNotSentAgain) {
    RawServer server(swallow_writes());
    Connection conn(creds_for(server), quick_options());
    conn.get_json("/warm-up");  // leaves a keep-alive connection to reuse
    expect_outcome_unknown([&] { conn.post_json("/api/v1/watchlist", json{{"name", "x"}}); });
    EXPECT_EQ(server.count("POST"), 1u);
}

TEST(AtMostOnce, APatchIsNotSentAgainEither) {
    RawServer server(swallow_writes());
    Connection conn(creds_for(server), quick_options());
    conn.get_json("/warm-up");
    expect_outcome_unknown([&] { conn.patch_json("/integrationServices/v3/device/1", json{{"x", 1}}); });
    EXPECT_EQ(server.count("PATCH"), 1u);
}

TEST(AtMostOnce, ARequestThatNeverLeftIsReportedAsNotSent) {
    Credentials c;
    c.url = "http://127.0.0.1:1";  // nothing listens there
    c.token = kToken;
    Connection conn(c, quick_options());
    try {
        conn.post_json("/api/v1/watchlist", json::object());
        ADD_FAILURE() << "no error";
    } catch (const ConnectionError& e) {
        EXPECT_FALSE(e.outcome_unknown()) << e.what();
    }
}

TEST(AtMostOnce, EveryProductsWritesReachTheServerAtMostOnce) {
    {
        RawServer server(swallow_writes());
        auto cb = response_api(server);
        auto w = cb.create<response::Watchlist>();
        w.set_name("x").set_index_type("events").set_query("process_name:cmd.exe");
        expect_outcome_unknown([&] { w.save(); });
        EXPECT_EQ(server.count("POST"), 1u) << "Cb Response";
    }
    {
        RawServer server(swallow_writes());
        auto cb = protection_api(server);
        auto rule = cb.create<protection::FileRule>();
        rule.set_file_state(protection::FileRule::StateBanned).set_hash("ABC").set_name("Ban it");
        expect_outcome_unknown([&] { rule.save(); });
        EXPECT_EQ(server.count("POST"), 1u) << "Cb Protection";
    }
    {
        RawServer server(swallow_writes());
        auto cb = defense_api(server);
        auto p = cb.create<defense::Policy>();
        p.set_name("Lab").set_description("Lab").set_priority_level("LOW").set_version(2).set_policy(
            {{"rules", json::array()}});
        expect_outcome_unknown([&] { p.save(); });
        EXPECT_EQ(server.count("POST"), 1u) << "Cb Defense";
    }
}

// --- 2. Replies are capped, counted as they arrive (after decompression) -------------------------------------------

TEST(ReplyCaps, TheDefaultsAreAQuarterGigabyteInMemoryAndSixteenGigabytesForDownloads) {
    const ConnectionOptions o;
    EXPECT_EQ(o.max_response_bytes, std::uint64_t{256} << 20);
    EXPECT_EQ(o.max_download_bytes, std::uint64_t{16} << 30);
}

TEST(ReplyCaps, ADeclaredTwoGigabyteBodyIsRefusedBeforeItArrives) {
    RawServer server([](RawConnection& c, const RawRequest&) {
        c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2147483648\r\n\r\n[");
        c.pause(seconds(10));
        c.close();
    });
    Connection conn(creds_for(server), quick_options());  // the default cap
    const auto started = std::chrono::steady_clock::now();
    try {
        conn.get_json("/big");
        ADD_FAILURE() << "no error";
    } catch (const ResponseTooLargeError& e) {
        EXPECT_EQ(e.limit(), std::uint64_t{256} << 20);
        EXPECT_NE(std::string(e.what()).find("max_response_bytes"), std::string::npos) << e.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(5));
    EXPECT_EQ(server.count("GET"), 1u);  // not retried: the same request brings the same reply
}

TEST(ReplyCaps, AnEndlessChunkedReplyStopsAtTheCap) {
    std::atomic<std::size_t> sent{0};
    RawServer server([&](RawConnection& c, const RawRequest&) {
        c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        const std::string chunk = "10000\r\n" + std::string(0x10000, ' ') + "\r\n";
        while (sent < (std::size_t{64} << 20) && c.send(chunk)) sent += 0x10000;
        c.close();
    });
    auto options = quick_options();
    options.max_response_bytes = 1 << 20;
    Connection conn(creds_for(server), options);
    EXPECT_THROW(conn.get_json("/endless"), ResponseTooLargeError);
    EXPECT_LT(sent.load(), std::size_t{64} << 20);
}

std::string gzip_of_zeros(std::size_t size) {
    z_stream z{};
    EXPECT_EQ(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY), Z_OK);
    std::string in(1 << 20, '0');
    std::string out;
    char buf[1 << 16];
    for (std::size_t done = 0; done < size;) {
        const std::size_t n = std::min(in.size(), size - done);
        done += n;
        z.next_in = reinterpret_cast<Bytef*>(in.data());
        z.avail_in = static_cast<uInt>(n);
        const int flush = done == size ? Z_FINISH : Z_NO_FLUSH;
        do {
            z.next_out = reinterpret_cast<Bytef*>(buf);
            z.avail_out = sizeof buf;
            deflate(&z, flush);
            out.append(buf, sizeof buf - z.avail_out);
        } while (z.avail_out == 0);
    }
    deflateEnd(&z);
    return out;
}

TEST(ReplyCaps, AGzipBombIsCountedAfterDecompressionAndStopsAtTheCap) {
    const std::string bomb = gzip_of_zeros(std::size_t{512} << 20);  // 512 MiB of '0' in about half a megabyte
    ASSERT_LT(bomb.size(), std::size_t{1} << 20);
    RawServer server([&](RawConnection& c, const RawRequest&) {
        c.respond(200, bomb, "application/json", "Content-Encoding: gzip\r\n");
    });
    auto options = quick_options();
    options.max_response_bytes = 4 << 20;
    Connection conn(creds_for(server), options);
    try {
        conn.get_json("/bomb");
        ADD_FAILURE() << "no error";
    } catch (const ResponseTooLargeError& e) {
        EXPECT_EQ(e.limit(), std::uint64_t{4} << 20);
    }
}

TEST(ReplyCaps, DownloadsHaveTheirOwnCap) {
    RawServer server([](RawConnection& c, const RawRequest&) {
        c.send("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
        const std::string chunk = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
        for (int i = 0; i < 1024 && c.send(chunk); ++i) {
        }
        c.close();
    });
    auto options = quick_options();
    options.max_download_bytes = 2 << 20;
    Connection conn(creds_for(server), options);
    std::size_t received = 0;
    try {
        conn.download("/file", [&](std::string_view chunk) { received += chunk.size(); });
        ADD_FAILURE() << "no error";
    } catch (const ResponseTooLargeError& e) {
        EXPECT_NE(std::string(e.what()).find("max_download_bytes"), std::string::npos) << e.what();
    }
    EXPECT_LE(received, std::size_t{2} << 20);
}

TEST(ReplyCaps, ABodyUnderTheCapArrivesWhole) {
    const std::string body = "[" + std::string((1 << 20) - 2, ' ') + "]";  // exactly 1 MiB, with Content-Length
    RawServer server([&](RawConnection& c, const RawRequest&) { c.respond(200, body); });
    auto options = quick_options();
    options.max_response_bytes = 1 << 20;
    options.max_download_bytes = (1 << 20) + (1 << 19);
    Connection conn(creds_for(server), options);
    EXPECT_EQ(conn.get_json("/exact"), json::array());
    std::size_t received = 0;
    conn.download("/file", [&](std::string_view chunk) { received += chunk.size(); });
    EXPECT_EQ(received, body.size());
}

TEST(ReplyCaps, EveryProductHonoursItsApiObjectsCap) {
    const std::string huge = "[" + std::string(3 << 20, ' ') + "]";
    RawServer server([&](RawConnection& c, const RawRequest& r) {
        if (answer_construction(c, r)) return;
        c.respond(200, huge);
    });
    auto options = quick_options();
    options.max_response_bytes = 1 << 20;
    EXPECT_THROW(response_api(server, options).select<response::Sensor>(1).refresh(), ResponseTooLargeError);
    EXPECT_THROW(protection_api(server, options).fetch<protection::Computer>(1), ResponseTooLargeError);
    EXPECT_THROW(defense_api(server, options).fetch<defense::Device>(1), ResponseTooLargeError);
}

// --- 3. Every product has a connect timeout, a low-speed limit and a deadline ---------------------------------------

TEST(Deadlines, EveryProductHasThemByDefault) {
    for (const ConnectionOptions& o :
         {response::ApiOptions{}.connection, protection::ApiOptions{}.connection, defense::ApiOptions{}.connection}) {
        EXPECT_EQ(o.timeout, seconds(120));
        EXPECT_EQ(o.connect_timeout, seconds(30));
        EXPECT_GT(o.low_speed_limit, 0);
        EXPECT_GT(o.low_speed_time.count(), 0);
        EXPECT_EQ(o.download_timeout, std::chrono::hours(1));
    }
}

// Answers construction requests, then sends headers and one byte of body every 200 ms, for ever.
RawServer::Handler slowloris() {
    return [](RawConnection& c, const RawRequest& r) {
        if (answer_construction(c, r)) return;
        c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n");
        while (c.pause(milliseconds(200)) && c.send(" ")) {
        }
        c.close();
    };
}

ConnectionOptions low_speed_options() {
    auto o = quick_options();
    o.low_speed_time = seconds(1);  // the default is 120 s; the mechanism is the same
    return o;
}

template <typename Call>
void expect_timeout_within(Call call, std::chrono::seconds bound) {
    const auto started = std::chrono::steady_clock::now();
    EXPECT_THROW(call(), TimeoutError);
    EXPECT_LT(std::chrono::steady_clock::now() - started, bound);
}

TEST(Deadlines, ATrickleOfBytesCannotHoldACallOfAnyProduct) {
    RawServer server(slowloris());
    expect_timeout_within([&] { response_api(server, low_speed_options()).select<response::Sensor>(1).refresh(); },
                          seconds(8));
    expect_timeout_within([&] { protection_api(server, low_speed_options()).fetch<protection::Computer>(1); },
                          seconds(8));
    expect_timeout_within([&] { defense_api(server, low_speed_options()).fetch<defense::Device>(1); }, seconds(8));
}

TEST(Deadlines, TheWholeRequestDeadlineEndsACallThatKeepsSendingFastEnough) {
    RawServer server([](RawConnection& c, const RawRequest&) {
        c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n");
        while (c.pause(milliseconds(50)) && c.send(std::string(1000, ' '))) {
        }
        c.close();
    });
    auto options = quick_options();
    options.timeout = milliseconds(1500);
    Connection conn(creds_for(server), options);
    expect_timeout_within([&] { conn.get_json("/slow"); }, seconds(6));
}

TEST(Deadlines, DownloadsKeepTheLowSpeedLimitAndHaveTheirOwnDeadline) {
    RawServer server(slowloris());
    auto options = low_speed_options();
    options.timeout = milliseconds(1);  // API calls' deadline does not apply to downloads
    Connection conn(creds_for(server), options);
    expect_timeout_within([&] { conn.download("/file", [](std::string_view) {}); }, seconds(8));
}

// --- 4. Only a 2xx body is ever handed to a download's sink ----------------------------------------------------------

TEST(Downloads, ARedirectIsAnErrorAndNothingReachesTheSink) {
    RawServer server([](RawConnection& c, const RawRequest&) {
        c.respond(302, "<html>moved</html>", "text/html", "Location: http://elsewhere.invalid/win.ini\r\n");
    });
    Connection conn(creds_for(server), quick_options());
    bool called = false;
    try {
        conn.download("/api/v1/binary/ABC", [&](std::string_view) { called = true; });
        ADD_FAILURE() << "no error";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 302);
        EXPECT_NE(std::string(e.what()).find("Nothing was written"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(called);
}

// --- 7. Secrets never appear in an exception text or a log line -----------------------------------------------------

void expect_no_secret(const std::string& text, const std::string& secret) {
    EXPECT_EQ(text.find(secret.substr(0, 8)), std::string::npos) << text;
}

TEST(SecretsInMessages, AFieldExcerptNeverShowsTheTokenNorAPartOfIt) {
    RawServer server([](RawConnection& c, const RawRequest& r) {
        if (answer_construction(c, r)) return;
        c.respond(200, json{{"results", json::array()}, {"total_results", std::string("x") + kToken}}.dump());
    });
    auto cb = response_api(server);
    try {
        for (const auto& p : cb.select<response::Process>().where("process_name:cmd.exe")) (void)p;
        ADD_FAILURE() << "no error";
    } catch (const ApiError& e) {
        expect_no_secret(e.what(), kToken);
        EXPECT_NE(std::string(e.what()).find("total_results"), std::string::npos) << e.what();
    }
}

TEST(SecretsInMessages, AnEchoedTokenIsRedactedInEveryFormAServerMayUse) {
    const std::vector<std::string> echoes = {
        std::string(kDefenseToken),                   // as is
        "DEFENSEAPIKEY1234\\/CONNECTOR99",            // JSON-escaped slash
        "DEFENSEAPIKEY1234%2FCONNECTOR99",            // percent-encoded
        "DEFENSEAPIKEY1234%2fCONNECTOR99",            // percent-encoded, lower case
        std::string(kDefenseKey) + " was refused",    // the API key half alone
    };
    for (const auto& echo : echoes) {
        RawServer server([&](RawConnection& c, const RawRequest&) {
            c.respond(500, std::string(R"({"success": false, "message": "bad key )") + echo + "\"}");
        });
        test::LogCapture log;
        auto options = quick_options();
        options.retry.max_retries = 0;
        try {
            defense_api(server, options).fetch<defense::Device>(1);
            ADD_FAILURE() << "no error";
        } catch (const ServerError& e) {
            expect_no_secret(e.what(), kDefenseKey);
            expect_no_secret(e.body(), kDefenseKey);
        }
        expect_no_secret(log.text(), kDefenseKey);
    }
}

TEST(SecretsInMessages, AUrlPasswordNeverAppearsInWarningsOrConnectionErrors) {
    test::LogCapture log;
    Credentials c;
    c.url = "http://admin:Pa55word-Secret@127.0.0.1:1";
    c.token = kToken;
    c.ssl_verify = false;
    try {
        Connection conn(c, quick_options());
        conn.get_json("/api/info");
        ADD_FAILURE() << "no error";
    } catch (const ConnectionError& e) {
        expect_no_secret(e.what(), "Pa55word-Secret");
        expect_no_secret(e.uri(), "Pa55word-Secret");
    }
    expect_no_secret(log.text(), "Pa55word-Secret");
    EXPECT_NE(log.text().find("unencrypted HTTP"), std::string::npos) << log.text();
    // On plain HTTP there is no TLS whose verification could be off: one warning, about what matters.
    EXPECT_EQ(log.text().find("TLS certificate verification is disabled"), std::string::npos) << log.text();
}

TEST(SecretsInMessages, EveryLogLineIsRedactedWhoeverWroteIt) {
    RawServer server([](RawConnection& c, const RawRequest&) {
        c.respond(500, std::string("token ") + kToken + " rejected");
    });
    test::LogCapture log;
    auto options = quick_options();
    options.retry.max_retries = 1;
    Connection conn(creds_for(server), options);
    EXPECT_THROW(conn.get_json("/x"), ServerError);
    logger()->error("an application line quoting {}", kToken);
    expect_no_secret(log.text(), kToken);
    EXPECT_NE(log.text().find("an application line quoting <redacted>"), std::string::npos) << log.text();
}

// --- 8. Control characters in a token or URL are refused at load time ---------------------------------------------

TEST(HeaderInjection, AControlCharacterInTheTokenIsRefusedFromTheEnvironment) {
    test::EnvGuard env;
    env.set("CBAPI_URL", "https://cb.example.com");
    env.set("CBAPI_TOKEN", "tok\r\nX-Injected: yes");
    CredentialOptions options;
    options.files = std::vector<std::filesystem::path>{};
    try {
        load_credentials(Product::response, options);
        ADD_FAILURE() << "no error";
    } catch (const CredentialError& e) {
        EXPECT_NE(std::string(e.what()).find("token"), std::string::npos) << e.what();
        EXPECT_EQ(std::string(e.what()).find("X-Injected"), std::string::npos) << e.what();
    }
}

TEST(HeaderInjection, AControlCharacterInACredentialFileIsRefused) {
    const auto dir = std::filesystem::temp_directory_path() / ("cbapi-hostile-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto file = dir / "credentials.response";
    {
        std::ofstream out(file);
        out << "[default]\nurl = https://cb.example.com\ntoken = tok\rX-Injected: yes\n";
    }
    std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    CredentialOptions options;
    options.files = std::vector<std::filesystem::path>{file};
    options.use_environment = false;
    EXPECT_THROW(load_credentials(Product::response, options), CredentialError);
    std::filesystem::remove_all(dir);
}

TEST(HeaderInjection, ExplicitCredentialsWithControlCharactersSendNothing) {
    RawServer server(swallow_writes());
    Credentials c = creds_for(server, "tok\r\nX-Injected: yes");
    EXPECT_THROW(Connection(c, quick_options()), CredentialError);
    c = creds_for(server);
    c.url += "/\r\nX-Injected: yes";
    EXPECT_THROW(Connection(c, quick_options()), CredentialError);
    auto options = quick_options();
    options.integration_name = "tool\r\nX-Injected: yes";
    EXPECT_THROW(Connection(creds_for(server), options), CredentialError);
    EXPECT_TRUE(server.requests().empty());
}

// --- 9. Paging ends with an error when the server stops making progress --------------------------------------------

json numbered_items(std::size_t first, std::size_t n, const char* key) {
    json items = json::array();
    for (std::size_t i = 0; i < n; ++i) items.push_back({{key, first + i}});
    return items;
}

std::size_t query_value(const RawRequest& r, const std::string& name) {
    const auto at = r.target.find(name + "=");
    return at == std::string::npos ? 0 : std::stoul(r.target.substr(at + name.size() + 1));
}

template <typename Range>
std::size_t iterate_until_error(Range&& range, std::string& error) {
    std::size_t n = 0;
    try {
        for (const auto& item : range) {
            (void)item;
            if (++n > 100'000) break;
        }
    } catch (const ApiError& e) {
        error = e.what();
    }
    return n;
}

TEST(PagingProgress, AServerThatIgnoresTheStartEndsTheIterationInEveryProduct) {
    RawServer server([](RawConnection& c, const RawRequest& r) {
        if (answer_construction(c, r)) return;
        if (r.path() == "/api/v1/process")  // the same ten processes, a total it never reaches
            c.respond(200, json{{"results", numbered_items(0, 10, "id")}, {"total_results", 1'000'000'000}}.dump());
        else if (r.path() == "/api/bit9platform/v1/computer")
            c.respond(200, numbered_items(0, query_value(r, "limit"), "id").dump());
        else
            c.respond(200, json{{"success", true}, {"results", numbered_items(0, 10, "deviceId")},
                                {"totalResults", 1'000'000'000}}.dump());
    });
    std::string error;
    EXPECT_EQ(iterate_until_error(response_api(server).select<response::Process>().where("x").batch_size(10), error),
              10u);
    EXPECT_NE(error.find("same page"), std::string::npos) << error;
    error.clear();
    EXPECT_EQ(iterate_until_error(protection_api(server).select<protection::Computer>().batch_size(10), error), 10u);
    EXPECT_NE(error.find("same page"), std::string::npos) << error;
    error.clear();
    EXPECT_EQ(iterate_until_error(defense_api(server).select<defense::Device>().batch_size(10), error), 10u);
    EXPECT_NE(error.find("same page"), std::string::npos) << error;
}

TEST(PagingProgress, ATotalThatKeepsGrowingEndsTheIterationAfterTheDocumentedMargin) {
    RawServer server([](RawConnection& c, const RawRequest& r) {
        if (answer_construction(c, r)) return;
        const bool response = r.path() == "/api/v1/process";
        // Cb Response counts from 0, Cb Defense from 1 (and sends no start for the first page).
        const std::size_t start = response ? query_value(r, "start") : std::max<std::size_t>(query_value(r, "start"), 1) - 1;
        const std::size_t rows = query_value(r, "rows");
        // Always a full page of new items and a total just beyond them.
        const json items = numbered_items(start, rows, response ? "id" : "deviceId");
        if (response)
            c.respond(200, json{{"results", items}, {"total_results", start + 2 * rows}}.dump());
        else
            c.respond(200, json{{"success", true}, {"results", items}, {"totalResults", start + 2 * rows}}.dump());
    });
    std::string error;
    const std::size_t margin = detail::paging_growth_margin(200);
    EXPECT_EQ(iterate_until_error(response_api(server).select<response::Process>().where("x").batch_size(100), error),
              200 + margin);
    EXPECT_NE(error.find("although it announced 200"), std::string::npos) << error;
    error.clear();
    EXPECT_EQ(iterate_until_error(defense_api(server).select<defense::Device>().batch_size(100), error),
              200 + margin);
    EXPECT_NE(error.find("although it announced 200"), std::string::npos) << error;
}

// --- 11. A reply the server consumes is never fetched twice ----------------------------------------------------------

TEST(ConsumingRequests, ABrokenNotificationsReplyIsAnErrorSayingTheyMayBeLostAndIsNotRepeated) {
    RawServer server([](RawConnection& c, const RawRequest& r) {
        if (r.path() == "/integrationServices/v3/notification") {
            // Half a reply, then the connection ends: the notifications it carried are gone from the server's queue.
            c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                   R"({"success": true, "notifications": [{"type": "THREAT")");
            c.close();
            return;
        }
        c.respond(200, json{{"success", true}, {"deviceInfo", {{"deviceId", 1}}}}.dump());
    });
    auto cb = defense_api(server);
    (void)cb.fetch<defense::Device>(1);  // a keep-alive connection libcurl would reuse
    try {
        (void)cb.get_notifications();
        ADD_FAILURE() << "no error";
    } catch (const ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("may be lost"), std::string::npos) << e.what();
    }
    EXPECT_EQ(server.count("GET", "/integrationServices/v3/notification"), 1u);
}

TEST(ConsumingRequests, ANotificationsRequestIsNotSentAgainWhenItsReusedConnectionDiesUnanswered) {
    RawServer server([](RawConnection& c, const RawRequest& r) {
        if (r.path() == "/integrationServices/v3/notification") {
            c.close();  // read, dequeued on the server's side, never answered
            return;
        }
        c.respond(200, json{{"success", true}, {"deviceInfo", {{"deviceId", 1}}}}.dump());
    });
    auto cb = defense_api(server);
    (void)cb.fetch<defense::Device>(1);
    try {
        (void)cb.get_notifications();
        ADD_FAILURE() << "no error";
    } catch (const ConnectionError& e) {
        EXPECT_NE(std::string(e.what()).find("may be lost"), std::string::npos) << e.what();
        EXPECT_TRUE(e.outcome_unknown());
    }
    EXPECT_EQ(server.count("GET", "/integrationServices/v3/notification"), 1u);
}

TEST(ConsumingRequests, ANotificationsReplyThatIsNotJsonSaysTheyMayBeLost) {
    RawServer server([](RawConnection& c, const RawRequest&) { c.respond(200, "<html>proxy error</html>"); });
    try {
        (void)defense_api(server).get_notifications();
        ADD_FAILURE() << "no error";
    } catch (const ServerError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("may be lost"), std::string::npos) << what;
        EXPECT_EQ(what.find("from API"), what.rfind("from API")) << "the status prefix appears once: " << what;
    }
    EXPECT_EQ(server.count("GET"), 1u);
}

}  // namespace
}  // namespace cbapi
