// The depth check every reply passes before it is parsed (detail::json_nesting_exceeds): strings are skipped to their
// closing quote, whatever runs of backslashes they hold.
#include <gtest/gtest.h>

#include <string>

#include "cbapi/detail/json_body.hpp"

namespace cbapi {
namespace {

TEST(JsonNestingScan, EscapedQuotesKeepTheStringOpen) {
    // "\"[[[[[" is one string; the brackets after the escaped quote are still inside it.
    EXPECT_FALSE(detail::json_nesting_exceeds(R"({"a": "x\"[[[[[[[[", "b": 1})", 4));
    // Three backslashes before the quote: an escaped backslash, then an escaped quote: still inside.
    EXPECT_FALSE(detail::json_nesting_exceeds(R"({"a": "x\\\"[[[[[[[[", "b": 1})", 4));
}

TEST(JsonNestingScan, AnEvenRunOfBackslashesEndsTheString) {
    // "x\\" ends after the escaped backslash: the brackets that follow count.
    EXPECT_TRUE(detail::json_nesting_exceeds(R"(["x\\", [[[[[1]]]]]])", 4));
    EXPECT_FALSE(detail::json_nesting_exceeds(R"(["x\\", [[[1]]]])", 4));
    EXPECT_TRUE(detail::json_nesting_exceeds(R"(["\\\\", [[[[[1]]]]]])", 4));
}

TEST(JsonNestingScan, StringsRightAfterStringsAndUnterminatedOnes) {
    EXPECT_FALSE(detail::json_nesting_exceeds(R"(["", "", "[[[[[[", ""])", 4));
    EXPECT_FALSE(detail::json_nesting_exceeds(R"(["[[[[[[[[[)", 4));  // unterminated: the parser's to report
    EXPECT_TRUE(detail::json_nesting_exceeds(R"([[[[["a"]]]]])", 4));
    EXPECT_FALSE(detail::json_nesting_exceeds("", 4));
    EXPECT_FALSE(detail::json_nesting_exceeds("\"", 4));
}

}  // namespace
}  // namespace cbapi
