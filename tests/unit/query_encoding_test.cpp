// Query strings encoded exactly like cbapi-python (sorted pairs, quote_plus).
#include <gtest/gtest.h>

#include "cbapi/detail/url.hpp"

namespace cbapi {
namespace {

using detail::encode_query;
using detail::quote_plus;

TEST(QueryEncoding, QuotePlusKeepsUnreservedCharacters) {
    EXPECT_EQ(quote_plus("AZaz09_.-~"), "AZaz09_.-~");
}

TEST(QueryEncoding, QuotePlusEncodesLikePython) {
    EXPECT_EQ(quote_plus("a b"), "a+b");
    EXPECT_EQ(quote_plus("process_name:cmd.exe"), "process_name%3Acmd.exe");
    EXPECT_EQ(quote_plus(R"(c:\windows\*)"), "c%3A%5Cwindows%5C%2A");
    EXPECT_EQ(quote_plus("[1 TO *]"), "%5B1+TO+%2A%5D");
    EXPECT_EQ(quote_plus("a/b&c=d+e%"), "a%2Fb%26c%3Dd%2Be%25");
    EXPECT_EQ(quote_plus("\xc3\xa9"), "%C3%A9");  // UTF-8 bytes
    EXPECT_EQ(quote_plus(std::string("\0", 1)), "%00");
}

TEST(QueryEncoding, PairsAreSortedByKeyThenValue) {
    EXPECT_EQ(encode_query({{"b", "2"}, {"a", "z"}, {"a", "y"}}), "a=y&a=z&b=2");
}

TEST(QueryEncoding, EmptyParametersGiveAnEmptyString) {
    EXPECT_EQ(encode_query({}), "");
    EXPECT_EQ(encode_query({{"q", ""}}), "q=");
}

TEST(QueryEncoding, ChangelogExampleIsReproduced) {
    EXPECT_EQ(encode_query({{"q", "process_name:cmd.exe"},
                            {"cb.urlver", "1"},
                            {"facet", "false"},
                            {"rows", "100"},
                            {"start", "0"},
                            {"sort", "last_update desc"},
                            {"cb.group", "id"},
                            {"cb.min_last_update", "2017-05-21T18:41:58Z"}}),
              "cb.group=id&cb.min_last_update=2017-05-21T18%3A41%3A58Z&cb.urlver=1&facet=false&q=process_name%3Acmd.exe"
              "&rows=100&sort=last_update+desc&start=0");
}

}  // namespace
}  // namespace cbapi
