// AMQP topic semantics, as RabbitMQ's topic exchange applies them (reference §2.1: cbapi-python compared strings).
#include <gtest/gtest.h>

#include "cbapi/events/registry.hpp"

using cbapi::events::topic_matches;

TEST(TopicMatches, ExactWordsMatchOnlyThemselves) {
    EXPECT_TRUE(topic_matches("watchlist.hit.process", "watchlist.hit.process"));
    EXPECT_FALSE(topic_matches("watchlist.hit.process", "watchlist.hit.binary"));
    EXPECT_FALSE(topic_matches("watchlist.hit", "watchlist.hit.process"));
    EXPECT_FALSE(topic_matches("watchlist.hit.process", "watchlist.hit"));
    EXPECT_FALSE(topic_matches("watchlist.hit.process", "watchlist.hit.processes"));
    EXPECT_FALSE(topic_matches("Watchlist.hit.process", "watchlist.hit.process"));
}

TEST(TopicMatches, StarIsExactlyOneWord) {
    EXPECT_TRUE(topic_matches("ingress.event.*", "ingress.event.regmod"));
    EXPECT_FALSE(topic_matches("ingress.event.*", "ingress.event"));
    EXPECT_FALSE(topic_matches("ingress.event.*", "ingress.event.regmod.extra"));
    EXPECT_TRUE(topic_matches("feed.*.ingress.hit.process", "feed.24.ingress.hit.process"));
    EXPECT_FALSE(topic_matches("feed.*.ingress.hit.process", "feed.ingress.hit.process"));
    EXPECT_TRUE(topic_matches("*", "a"));
    EXPECT_FALSE(topic_matches("*", "a.b"));
    EXPECT_FALSE(topic_matches("*", ""));
    EXPECT_TRUE(topic_matches("*.*", "a.b"));
    EXPECT_FALSE(topic_matches("*.*", "a"));
}

TEST(TopicMatches, AStarInTheKeyIsAnOrdinaryWord) {
    EXPECT_FALSE(topic_matches("feed.24.ingress.hit.process", "feed.*.ingress.hit.process"));
    EXPECT_TRUE(topic_matches("feed.*.ingress.hit.process", "feed.*.ingress.hit.process"));
}

TEST(TopicMatches, HashIsZeroOrMoreWords) {
    EXPECT_TRUE(topic_matches("#", "watchlist.hit.process"));
    EXPECT_TRUE(topic_matches("#", "a"));
    EXPECT_TRUE(topic_matches("#", ""));
    EXPECT_TRUE(topic_matches("#", "a..b"));
    EXPECT_TRUE(topic_matches("watchlist.hit.#", "watchlist.hit.process"));
    EXPECT_TRUE(topic_matches("watchlist.hit.#", "watchlist.hit"));
    EXPECT_TRUE(topic_matches("watchlist.hit.#", "watchlist.hit.a.b.c"));
    EXPECT_FALSE(topic_matches("watchlist.hit.#", "watchlist.storage.hit.process"));
    EXPECT_FALSE(topic_matches("watchlist.hit.#", "watchlist"));
    EXPECT_TRUE(topic_matches("feed.#", "feed.24.ingress.hit.process"));
    EXPECT_TRUE(topic_matches("#.process", "watchlist.hit.process"));
    EXPECT_TRUE(topic_matches("#.process", "process"));
    EXPECT_FALSE(topic_matches("#.process", "watchlist.hit.binary"));
}

TEST(TopicMatches, HashInTheMiddle) {
    EXPECT_TRUE(topic_matches("a.#.b", "a.b"));
    EXPECT_TRUE(topic_matches("a.#.b", "a.x.b"));
    EXPECT_TRUE(topic_matches("a.#.b", "a.x.y.z.b"));
    EXPECT_FALSE(topic_matches("a.#.b", "a.x.y.z"));
    EXPECT_FALSE(topic_matches("a.#.b", "a"));
    EXPECT_FALSE(topic_matches("a.#.b", "b"));
    EXPECT_TRUE(topic_matches("a.#.b", "a.b.b"));
    EXPECT_TRUE(topic_matches("#.a.#", "x.a.y"));
    EXPECT_TRUE(topic_matches("#.a.#", "a"));
    EXPECT_FALSE(topic_matches("#.a.#", "x.y"));
    EXPECT_TRUE(topic_matches("#.#", ""));
    EXPECT_TRUE(topic_matches("*.#", "a"));
    EXPECT_FALSE(topic_matches("*.#", ""));
    EXPECT_TRUE(topic_matches("#.*", "a.b.c"));
}

TEST(TopicMatches, EmptyWordsAreWords) {
    EXPECT_TRUE(topic_matches("a..b", "a..b"));
    EXPECT_FALSE(topic_matches("a.b", "a..b"));
    EXPECT_TRUE(topic_matches("a.*.b", "a..b"));
    EXPECT_TRUE(topic_matches("a.*", "a."));
    EXPECT_TRUE(topic_matches("*.a", ".a"));
    EXPECT_TRUE(topic_matches("", ""));
    EXPECT_FALSE(topic_matches("", "a"));
    EXPECT_FALSE(topic_matches("a", ""));
    EXPECT_TRUE(topic_matches(".", "."));
    EXPECT_TRUE(topic_matches("*.*", "."));
}

TEST(TopicMatches, ManyHashesStayFast) {
    // A backtracking matcher takes exponential time on this; the DP answers at once.
    const std::string pattern = "#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.z";
    std::string key;
    for (int i = 0; i < 200; ++i) key += "a.";
    key += "y";
    EXPECT_FALSE(topic_matches(pattern, key));
    EXPECT_TRUE(topic_matches(pattern, key + ".z"));
}
