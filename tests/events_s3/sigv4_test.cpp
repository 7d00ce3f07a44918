// The S3 client's signing, without an S3 server: AWS's published SigV4 examples (S3 API reference, "Signature
// Calculations for the Authorization Header: Transferring Payload in a Single Chunk", examples "GET Object" and
// "GET Bucket (List Objects)") reproduced byte for byte by our request builder + libcurl, captured by a loopback
// server acting as the HTTP proxy (so that the Host is the example's); canonical encoding; S3 error replies.
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "cbapi/curl_transport.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/events/forwarder_s3.hpp"
#include "cbapi/logging.hpp"
#include "events/s3_client.hpp"
#include "support/raw_server.hpp"

namespace cbapi::events {
namespace {

using detail::canonical_query;
using detail::S3Client;
using detail::S3Settings;
using detail::uri_encode;

constexpr const char* example_key_id = "AKIAIOSFODNN7EXAMPLE";
constexpr const char* example_secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr const char* empty_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

S3Settings example_settings() {
    S3Settings s;
    s.bucket = "examplebucket";
    s.region = "us-east-1";
    s.access_key_id = example_key_id;
    s.secret_access_key = example_secret;
    return s;
}

// Sends `request` through a libcurl transport whose proxy is a loopback server, and returns what that server read.
test::RawRequest capture_through_proxy(Request request) {
    test::RawServer proxy([](test::RawConnection& c, const test::RawRequest&) { c.respond(200, "", "text/plain"); });
    TransportOptions options;
    options.proxy = proxy.url();
    auto transport = make_curl_transport(options);
    // The example's scheme is https; a proxy sees a plain-http request whole (the scheme is not signed).
    EXPECT_EQ(request.url.rfind("https://", 0), 0U) << request.url;
    request.url.replace(0, 5, "http");
    const Response response = transport->send(request);
    EXPECT_EQ(response.status, 200);
    const auto requests = proxy.requests();
    EXPECT_EQ(requests.size(), 1U);
    return requests.empty() ? test::RawRequest{} : requests.front();
}

TEST(S3SigV4, ListObjectsMatchesAwsPublishedExample) {
    const S3Client client(example_settings(), make_curl_transport({}));
    Request request = client.make_request(HttpMethod::get, "", {{"prefix", "J"}, {"max-keys", "2"}});
    EXPECT_EQ(request.url, "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J");
    // libcurl takes the time from a given x-amz-date header instead of the clock: the example's instant.
    request.headers.add("x-amz-date", "20130524T000000Z");
    const auto seen = capture_through_proxy(request);
    EXPECT_EQ(seen.target, "http://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J");
    EXPECT_EQ(seen.header("host"), "examplebucket.s3.amazonaws.com");
    EXPECT_EQ(seen.header("x-amz-content-sha256"), empty_sha256);
    EXPECT_EQ(seen.header("authorization"),
              "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
              "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
              "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(S3SigV4, GetObjectMatchesAwsPublishedExample) {
    const S3Client client(example_settings(), make_curl_transport({}));
    Request request = client.make_request(HttpMethod::get, "test.txt");
    EXPECT_EQ(request.url, "https://examplebucket.s3.amazonaws.com/test.txt");
    request.headers.add("Range", "bytes=0-9");
    request.headers.add("x-amz-date", "20130524T000000Z");
    const auto seen = capture_through_proxy(request);
    EXPECT_EQ(seen.header("authorization"),
              "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
              "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
              "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(S3SigV4, AnotherSecretGivesAnotherSignature) {
    auto settings = example_settings();
    settings.secret_access_key = "not-the-example-secret";
    const S3Client client(settings, make_curl_transport({}));
    Request request = client.make_request(HttpMethod::get, "", {{"prefix", "J"}, {"max-keys", "2"}});
    request.headers.add("x-amz-date", "20130524T000000Z");
    const auto seen = capture_through_proxy(request);
    EXPECT_NE(seen.header("authorization").find("Signature="), std::string::npos);
    EXPECT_EQ(seen.header("authorization").find("34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
              std::string::npos);
}

TEST(S3Encoding, KeySegmentsAreEncodedAndSlashesKept) {
    EXPECT_EQ(uri_encode("cbprefix/event-forwarder.2017-11-07T12:00:00.000", true),
              "cbprefix/event-forwarder.2017-11-07T12%3A00%3A00.000");
    EXPECT_EQ(uri_encode("a b/c+d=e~f_g-h.i", true), "a%20b/c%2Bd%3De~f_g-h.i");
    EXPECT_EQ(uri_encode("caf\xC3\xA9", true), "caf%C3%A9");
    EXPECT_EQ(uri_encode("a/b", false), "a%2Fb");
    EXPECT_EQ(uri_encode("%", true), "%25");
}

TEST(S3Encoding, QueryIsEncodedAndSortedByName) {
    EXPECT_EQ(canonical_query({{"prefix", "cbprefix/"}, {"list-type", "2"}, {"max-keys", "5"}}),
              "list-type=2&max-keys=5&prefix=cbprefix%2F");
    // s3rver's and AWS's continuation tokens are base64: '+', '/' and '=' must be encoded, not sent raw.
    EXPECT_EQ(canonical_query({{"continuation-token", "11Gp+W5z/vZp=="}, {"list-type", "2"}}),
              "continuation-token=11Gp%2BW5z%2FvZp%3D%3D&list-type=2");
    EXPECT_EQ(canonical_query({{"start-after", "p/event-forwarder.2017-11-07T12:00:00.000 x"}}),
              "start-after=p%2Fevent-forwarder.2017-11-07T12%3A00%3A00.000%20x");
    EXPECT_EQ(canonical_query({{"lifecycle", ""}}), "lifecycle=");
    EXPECT_EQ(canonical_query({}), "");
}

TEST(S3Encoding, PayloadHashIsSha256Hex) {
    EXPECT_EQ(detail::sha256_hex(""), empty_sha256);
    EXPECT_EQ(detail::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(S3Request, EndpointIsPathStyleWithCanonicalKeyAndToken) {
    S3Settings s;
    s.bucket = "cb-events";
    s.region = "eu-west-1";
    s.endpoint = "http://127.0.0.1:9/";
    s.access_key_id = "AKID";
    s.secret_access_key = "SECRET";
    s.session_token = "TOKEN/+=";
    const S3Client client(s, make_curl_transport({}));
    const Request r = client.make_request(HttpMethod::put, "p/event-forwarder.2017-11-07T12:00:00.000.gz", {}, "abc");
    EXPECT_EQ(r.url, "http://127.0.0.1:9/cb-events/p/event-forwarder.2017-11-07T12%3A00%3A00.000.gz");
    EXPECT_EQ(r.headers.get("x-amz-content-sha256"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(r.headers.get("x-amz-security-token"), "TOKEN/+=");
    ASSERT_TRUE(r.aws_sigv4);
    EXPECT_EQ(r.aws_sigv4->provider, "aws:amz:eu-west-1:s3");
    const Request list = client.make_request(HttpMethod::get, "", {{"list-type", "2"}, {"prefix", "p/"}});
    EXPECT_EQ(list.url, "http://127.0.0.1:9/cb-events/?list-type=2&prefix=p%2F");
}

TEST(S3Request, AwsRegionsAndDottedBucketsPickTheRightHost) {
    auto s = example_settings();
    s.region = "eu-central-1";
    EXPECT_EQ(S3Client(s, make_curl_transport({})).make_request(HttpMethod::get, "k").url,
              "https://examplebucket.s3.eu-central-1.amazonaws.com/k");
    s.bucket = "my.dotted.bucket";
    EXPECT_EQ(S3Client(s, make_curl_transport({})).make_request(HttpMethod::get, "k").url,
              "https://s3.eu-central-1.amazonaws.com/my.dotted.bucket/k");
}

TEST(S3Request, InvalidSettingsAndKeysAreRefusedClearly) {
    auto s = example_settings();
    s.bucket = "Bad_Bucket";
    EXPECT_THROW(S3Client(s, make_curl_transport({})), std::invalid_argument);
    s = example_settings();
    s.region = "us east";
    EXPECT_THROW(S3Client(s, make_curl_transport({})), std::invalid_argument);
    s = example_settings();
    s.endpoint = "http://user:hunter2@127.0.0.1:9";
    try {
        S3Client client(s, make_curl_transport({}));
        ADD_FAILURE() << "an endpoint with user information was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
    }
    s.endpoint = "ftp://127.0.0.1";
    EXPECT_THROW(S3Client(s, make_curl_transport({})), std::invalid_argument);
    s.endpoint = "http://127.0.0.1:9/some/path";
    EXPECT_THROW(S3Client(s, make_curl_transport({})), std::invalid_argument);
    const S3Client client(example_settings(), make_curl_transport({}));
    EXPECT_THROW(client.make_request(HttpMethod::get, "a/../b"), std::invalid_argument);
}

// An S3-shaped loopback server answering every request with one status and body.
S3Client client_for(const test::RawServer& server, const std::string& secret = "s3cr3t-never-shown",
                    const std::string& token = {}) {
    S3Settings s;
    s.bucket = "cb-events";
    s.endpoint = server.url();
    s.access_key_id = "AKIDEXAMPLE";
    s.secret_access_key = secret;
    s.session_token = token;
    return S3Client(s, make_curl_transport({}));
}

TEST(S3Errors, ErrorBodyBecomesS3ErrorWithCodeAndMessageButNoSecret) {
    const std::string body =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request "
        "signature we calculated does not match the signature you provided.</Message><AWSAccessKeyId>AKIDEXAMPLE"
        "</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256 x</StringToSign><SignatureProvided>abcdef0123"
        "</SignatureProvided></Error>";
    test::RawServer server([&](test::RawConnection& c, const test::RawRequest&) {
        c.respond(403, body, "application/xml");
    });
    auto client = client_for(server);
    try {
        client.list_objects_v2("p/", "", "");
        FAIL() << "no exception";
    } catch (const S3Error& e) {
        EXPECT_EQ(e.status(), 403);
        EXPECT_EQ(e.code(), "SignatureDoesNotMatch");
        const std::string what = e.what();
        EXPECT_NE(what.find("S3 ListObjectsV2 of s3://cb-events/p/ failed: HTTP 403 SignatureDoesNotMatch: The "
                            "request signature we calculated"),
                  std::string::npos)
            << what;
        EXPECT_NE(what.find("check the access key id and secret access key"), std::string::npos) << what;
        EXPECT_EQ(what.find("s3cr3t-never-shown"), std::string::npos) << what;
        EXPECT_EQ(what.find("abcdef0123"), std::string::npos) << what;
        EXPECT_EQ(what.find("AWS4-HMAC-SHA256"), std::string::npos) << what;
    }
    // What the server received was signed and carried the payload hash.
    const auto requests = server.requests();
    ASSERT_FALSE(requests.empty());
    EXPECT_EQ(requests.front().target, "/cb-events/?list-type=2&prefix=p%2F");
    EXPECT_EQ(requests.front().header("authorization").rfind("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", 0), 0U);
    EXPECT_EQ(requests.front().header("x-amz-content-sha256"), empty_sha256);
}

TEST(S3Errors, ReplyThatIsNotAListingIsAServerError) {
    test::RawServer server([](test::RawConnection& c, const test::RawRequest&) {
        c.respond(200, "<html>captive portal</html>", "text/html");
    });
    auto client = client_for(server);
    EXPECT_THROW(client.list_objects_v2("", "", ""), ServerError);
}

TEST(S3Errors, TruncatedListingWithoutTokenIsAServerError) {
    test::RawServer server([](test::RawConnection& c, const test::RawRequest&) {
        c.respond(200,
                  "<ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>a</Key><Size>1</Size>"
                  "<LastModified>2017-11-07T12:00:00.000Z</LastModified></Contents></ListBucketResult>",
                  "application/xml");
    });
    auto client = client_for(server);
    EXPECT_THROW(client.list_objects_v2("", "", ""), ServerError);
}

TEST(S3Errors, GetObjectIsCapped) {
    test::RawServer server([](test::RawConnection& c, const test::RawRequest&) {
        c.respond(200, std::string(10000, 'x'), "application/octet-stream");
    });
    auto client = client_for(server);
    EXPECT_THROW(client.get_object("k", 1000), ResponseTooLargeError);
    EXPECT_EQ(client.get_object("k", 20000).size(), 10000U);
}

TEST(S3Logging, TraceLogNeverShowsSecretOrSessionToken) {
    std::ostringstream raw;
    auto log = std::make_shared<spdlog::logger>("cbapi");
    log->set_level(spdlog::level::trace);
    set_logger(log);
    // Added after set_logger(): sees lines before the logger's own redaction, i.e. exactly what the SDK wrote.
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(raw);
    sink->set_pattern("%l %v");
    logger()->sinks().push_back(sink);

    test::RawServer server([](test::RawConnection& c, const test::RawRequest&) {
        c.respond(404, "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>",
                  "application/xml");
    });
    auto client = client_for(server, "TOPSECRETKEY", "SESSIONTOKENVALUE");
    EXPECT_THROW(client.get_object("p/k", 0), S3Error);
    set_logger(nullptr);
    const std::string text = raw.str();
    EXPECT_NE(text.find("curl:"), std::string::npos) << "the trace log was not captured: " << text;
    EXPECT_EQ(text.find("TOPSECRETKEY"), std::string::npos) << text;
    EXPECT_EQ(text.find("SESSIONTOKENVALUE"), std::string::npos) << text;
    EXPECT_EQ(text.find("Signature="), std::string::npos) << text;
    // The server did get the token.
    EXPECT_EQ(server.requests().front().header("x-amz-security-token"), "SESSIONTOKENVALUE");
}

}  // namespace
}  // namespace cbapi::events
