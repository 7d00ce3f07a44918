// The exception tree, its messages, and the one status → exception table.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <type_traits>

#include "cbapi/detail/status_map.hpp"
#include "cbapi/errors.hpp"

namespace cbapi {
namespace {

static_assert(std::is_base_of_v<std::runtime_error, ApiError>);
static_assert(std::is_base_of_v<HttpError, ServerError>);
static_assert(std::is_base_of_v<HttpError, ObjectNotFoundError>);
static_assert(std::is_base_of_v<HttpError, UnauthorizedError>);
static_assert(std::is_base_of_v<ServerError, ClientError>);  // catch (ServerError&) still takes a 4xx
static_assert(std::is_base_of_v<ClientError, QuerySyntaxError>);
static_assert(std::is_base_of_v<ApiError, ConnectionError>);
static_assert(!std::is_base_of_v<HttpError, ConnectionError>);
static_assert(std::is_base_of_v<ApiError, TimeoutError>);
static_assert(std::is_base_of_v<ApiError, CredentialError>);
static_assert(std::is_base_of_v<ApiError, InvalidObjectError>);
static_assert(std::is_base_of_v<ApiError, MoreThanOneResultError>);

TEST(Errors, ServerErrorMessageMatchesCbapiPython) {
    EXPECT_STREQ(ServerError(500, "boom").what(), "Received error code 500 from API: boom");
    EXPECT_STREQ(ServerError(409, "").what(), "Received error code 409 from API (No further information provided)");
    EXPECT_STREQ(ServerError(400, "bad", "PUT", "u", "b", "Did not update User record.").what(),
                 "Received error code 400 from API: bad. Did not update User record.");
}

TEST(Errors, ObjectNotFoundMessageNamesTheUri) {
    ObjectNotFoundError e("https://cb/api/v1/sensor/9", "gone");
    EXPECT_STREQ(e.what(), "Received 404 (Object Not Found) for https://cb/api/v1/sensor/9: gone");
    EXPECT_EQ(e.status(), 404);
    EXPECT_STREQ(ObjectNotFoundError("https://cb/x", "").what(), "Received 404 (Object Not Found) for https://cb/x");
}

TEST(Errors, UnauthorizedDefaultsToTheAttemptedAction) {
    EXPECT_STREQ(UnauthorizedError("https://cb/api/info", "").what(), "Unauthorized: attempted to read https://cb/api/info");
    EXPECT_STREQ(UnauthorizedError("https://cb", "Invalid API token for server https://cb.").what(),
                 "Invalid API token for server https://cb.");
}

TEST(Errors, TimeoutMessageMatchesCbapiPython) {
    EXPECT_STREQ(TimeoutError("https://cb/api/info", "").what(), "Timed out when requesting https://cb/api/info from API");
    EXPECT_STREQ(TimeoutError("https://cb/x", "slow", 404).what(),
                 "Timed out when requesting https://cb/x from API with HTTP status code 404: slow");
    EXPECT_STREQ(TimeoutError("", "timeout polling for Live Response").what(), "timeout polling for Live Response");
}

TEST(Errors, ConnectionErrorCarriesCurlCode) {
    ConnectionError e("Received a network connection error from https://cb: refused", "https://cb/api", 7, true);
    EXPECT_EQ(e.curl_code(), 7);
    EXPECT_TRUE(e.retryable());
    EXPECT_EQ(e.uri(), "https://cb/api");
}

TEST(StatusMap, ClassifiesStatuses) {
    using detail::classify_status;
    using detail::StatusKind;
    EXPECT_EQ(classify_status(200), StatusKind::success);
    EXPECT_EQ(classify_status(204), StatusKind::success);
    EXPECT_EQ(classify_status(302), StatusKind::success);
    EXPECT_EQ(classify_status(401), StatusKind::unauthorized);
    EXPECT_EQ(classify_status(404), StatusKind::not_found);
    EXPECT_EQ(classify_status(403), StatusKind::server_error);
    EXPECT_EQ(classify_status(400), StatusKind::client_error);
    EXPECT_EQ(classify_status(409), StatusKind::client_error);
    EXPECT_EQ(classify_status(422), StatusKind::client_error);
    EXPECT_EQ(classify_status(499), StatusKind::client_error);
    EXPECT_EQ(classify_status(500), StatusKind::server_error);
    EXPECT_EQ(classify_status(0), StatusKind::server_error);
}

TEST(StatusMap, ThrowsTheMappedException) {
    EXPECT_THROW(detail::throw_for_status(404, "GET", "u", "b"), ObjectNotFoundError);
    EXPECT_THROW(detail::throw_for_status(401, "GET", "u", "b"), UnauthorizedError);
    EXPECT_THROW(detail::throw_for_status(403, "GET", "u", "b"), ServerError);
    EXPECT_THROW(detail::throw_for_status(503, "GET", "u", "b"), ServerError);
    EXPECT_THROW(detail::throw_for_status(409, "POST", "u", "b"), ClientError);
    EXPECT_THROW(detail::throw_for_status(400, "GET", "u", R"({"reason": "query_malformed_syntax"})"), QuerySyntaxError);
}

// cbapi-python 1.7.0 (connection.py): 4xx other than 401/404 → ClientError; 403 stays a ServerError here.
TEST(StatusMap, ClientErrorsCarryStatusAndTheServersMessage) {
    try {
        detail::throw_for_status(409, "POST", "https://cb/api/v1/watchlist", R"({"reason": "duplicate name"})");
        FAIL();
    } catch (const ClientError& e) {
        EXPECT_EQ(e.status(), 409);
        EXPECT_EQ(e.error_code(), 409);
        EXPECT_EQ(e.method(), "POST");
        EXPECT_EQ(e.uri(), "https://cb/api/v1/watchlist");
        EXPECT_STREQ(e.what(), R"(Received error code 409 from API: {"reason": "duplicate name"})");
    }
    try {
        detail::throw_for_status(403, "GET", "u", "forbidden");
        FAIL();
    } catch (const ClientError&) {
        FAIL() << "403 is not a ClientError";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 403);
    }
    try {
        detail::throw_for_status(500, "GET", "u", "boom");
        FAIL();
    } catch (const ClientError&) {
        FAIL() << "5xx is not a ClientError";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 500);
    }
}

TEST(StatusMap, AMalformedQueryBecomesQuerySyntaxErrorWithTheServersMessage) {
    const std::string body = R"({"reason": "query_malformed_syntax", "message": "Unbalanced quote in query: a:\"b"})";
    try {
        detail::throw_for_status(400, "GET", "https://cb/api/v1/process?q=a", body);
        FAIL();
    } catch (const QuerySyntaxError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_EQ(e.server_message(), "Unbalanced quote in query: a:\"b");
        EXPECT_EQ(e.body(), body);
        EXPECT_STREQ(e.what(), "Received query syntax error for https://cb/api/v1/process?q=a: "
                               "Unbalanced quote in query: a:\"b");
    }
    // Without a message the body is the explanation; another reason, or another status, is no syntax error.
    EXPECT_EQ(detail::query_syntax_message(400, R"({"reason":"query_malformed_syntax"})"),
              std::optional<std::string>(R"({"reason":"query_malformed_syntax"})"));
    EXPECT_EQ(detail::query_syntax_message(400, R"({"reason":"bad sort"})"), std::nullopt);
    EXPECT_EQ(detail::query_syntax_message(500, R"({"reason":"query_malformed_syntax"})"), std::nullopt);
    EXPECT_EQ(detail::query_syntax_message(400, "not json"), std::nullopt);
}

TEST(StatusMap, HugeBodiesAreShortenedInTheMessageButKeptWhole) {
    const std::string body(10000, 'x');
    try {
        detail::throw_for_status(500, "GET", "u", body);
        FAIL();
    } catch (const ServerError& e) {
        EXPECT_LT(std::string(e.what()).size(), 1200u);
        EXPECT_EQ(e.body(), body);
    }
}

}  // namespace
}  // namespace cbapi
