// The POST body splitter: envelopes (also with an unescaped file name), JSON lines, and what is neither.
#include "events/forwarder_http_body.hpp"

#include <gtest/gtest.h>

namespace {

using cbapi::events::detail::parse_forwarder_body;

TEST(ForwarderHttpBody, SplitsTheAlertsArrayIntoTheRecordsTexts) {
    const std::string body =
        "{\"filename\": \"/tmp/f\", \"service\": \"carbonblack\", \"alerts\":[{\"type\":\"a\",\"s\":\"]},[\\\"{\"}\n"
        ", {\"type\":\"b\",\"nested\":{\"x\":[1,{\"y\":2}]}}\n, 7\n, \"str\"]}";
    const auto parsed = parse_forwarder_body(body);
    EXPECT_TRUE(parsed.error.empty()) << parsed.error;
    EXPECT_TRUE(parsed.envelope);
    EXPECT_EQ(parsed.filename, "/tmp/f");
    ASSERT_EQ(parsed.records.size(), 4U);
    EXPECT_EQ(parsed.records[0].text, "{\"type\":\"a\",\"s\":\"]},[\\\"{\"}");
    EXPECT_EQ(parsed.records[1].text, "{\"type\":\"b\",\"nested\":{\"x\":[1,{\"y\":2}]}}");
    EXPECT_EQ(parsed.records[2].text, "7");
    EXPECT_EQ(parsed.records[3].text, "\"str\"");
    EXPECT_EQ(parsed.records[3].number, 4U);
}

TEST(ForwarderHttpBody, KeysInAnyOrderAndEscapedNames) {
    const auto parsed = parse_forwarder_body(R"({"alerts": [ {"type":"a"} ], "filename": "C:\\x\"y"})");
    EXPECT_TRUE(parsed.envelope);
    EXPECT_EQ(parsed.filename, "C:\\x\"y");
    ASSERT_EQ(parsed.records.size(), 1U);
    EXPECT_EQ(parsed.records[0].text, R"({"type":"a"})");
}

TEST(ForwarderHttpBody, TheTemplatesUnescapedFileName) {
    const auto parsed = parse_forwarder_body(
        "{\"filename\": \"/tmp/a\"b\\c\", \"service\": \"carbonblack\", \"alerts\":"
        "[{\"type\":\"a\"}\n, {\"type\":\"b\"}]}");
    EXPECT_TRUE(parsed.error.empty()) << parsed.error;
    EXPECT_EQ(parsed.filename, "/tmp/a\"b\\c");
    ASSERT_EQ(parsed.records.size(), 2U);
    EXPECT_EQ(parsed.records[1].text, R"({"type":"b"})");
}

TEST(ForwarderHttpBody, JsonLinesAndASingleRecord) {
    auto parsed = parse_forwarder_body("{\"type\":\"a\"}\r\n\n{bad\n{\"type\":\"c\"}");
    EXPECT_FALSE(parsed.envelope);
    ASSERT_EQ(parsed.records.size(), 3U);
    EXPECT_EQ(parsed.records[1].text, "{bad");
    EXPECT_EQ(parsed.records[1].number, 3U);
    EXPECT_EQ(parsed.records[2].text, "{\"type\":\"c\"}");
    EXPECT_EQ(parsed.records[2].number, 4U);
    parsed = parse_forwarder_body("  {\"type\":\"one\"}  ");
    EXPECT_FALSE(parsed.envelope);
    ASSERT_EQ(parsed.records.size(), 1U);
    EXPECT_EQ(parsed.records[0].text, "{\"type\":\"one\"}");
}

TEST(ForwarderHttpBody, WhatIsNeitherIsAnError) {
    EXPECT_FALSE(parse_forwarder_body("").error.empty());
    EXPECT_FALSE(parse_forwarder_body("[1]").error.empty());
    EXPECT_FALSE(parse_forwarder_body("hello\n{\"type\":\"a\"}").error.empty());
    EXPECT_FALSE(parse_forwarder_body(R"({"alerts": "x"})").error.empty());
    const std::string cut = "{\"filename\": \"x\", \"service\": \"carbonblack\", \"alerts\":[{\"a\":";
    EXPECT_FALSE(parse_forwarder_body(cut).error.empty());
}

TEST(ForwarderHttpBody, PrintableMakesNamesSafeForLogs) {
    EXPECT_EQ(cbapi::events::detail::printable("a\nb\x1b"), "a?b?");
    EXPECT_EQ(cbapi::events::detail::printable(std::string(300, 'x')).size(), 203U);
}

}  // namespace
