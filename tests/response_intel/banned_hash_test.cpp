// BannedHash: list, create (md5hash always sent), the enabled → POST / DELETE(+PUT) save rules, update, remove.
#include <cctype>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "response_intel/intel_fixture.hpp"

namespace cbapi {
namespace {

using namespace cbapi::response;
using test::IntelTest;

constexpr const char* kBanned = "e4b9902024ac32b3ca37f6b4c9b841e8";    // seeded, enabled
constexpr const char* kDisabled = "5a18f00ab9330ac7539675f3f326cf11";  // seeded, disabled

class BannedHashTest : public IntelTest {};

TEST_F(BannedHashTest, ListAsksForEveryEntry) {
    std::vector<std::string> md5s;
    for (const BannedHash& h : cb.select<BannedHash>()) md5s.push_back(h.md5hash());
    EXPECT_EQ(md5s, (std::vector<std::string>{kDisabled, kBanned}));
    EXPECT_EQ(log(), std::vector<std::string>{"GET /api/v1/banning/blacklist?count=10000"});
    const auto enabled = cb.select<BannedHash>().where("enabled:true");
    ASSERT_EQ(enabled.size(), 1u);
    EXPECT_EQ(enabled.first()->text(), "Known ransomware dropper");
    const BannedHash blocked = cb.select<BannedHash>().where(std::string("md5hash:") + kDisabled).one();
    EXPECT_EQ(blocked.block_count(), 4);
    EXPECT_FALSE(blocked.last_block_hostname().empty());
    EXPECT_TRUE(blocked.last_block_time().has_value());
    std::string upper_md5 = kDisabled;
    for (char& c : upper_md5) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(blocked.binary().md5(), upper_md5);  // a Binary's key is the upper-case MD5
}

TEST_F(BannedHashTest, CreateAlwaysSendsTheMd5) {
    BannedHash ban = cb.create<BannedHash>();
    ban.set_md5hash("097CE5761C89434367598B34FE32893B").set_text("Dropper");
    ban.save();
    EXPECT_TRUE(ban.enabled());
    EXPECT_EQ(ban.username(), "admin");
    EXPECT_FALSE(ban.is_dirty());
    EXPECT_EQ(log(), (std::vector<std::string>{
                         R"(POST /api/v1/banning/blacklist {"md5hash":"097ce5761c89434367598b34fe32893b","text":"Dropper"})",
                         "GET /api/v1/banning/blacklist/097ce5761c89434367598b34fe32893b"}));
    EXPECT_EQ(cb.select<BannedHash>().size(), 3u);
}

TEST_F(BannedHashTest, BanningABannedHashIsAConflict) {
    BannedHash ban = cb.create<BannedHash>();
    ban.set_md5hash(kBanned);
    try {
        ban.save();
        FAIL() << "expected ServerError";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.status(), 409);
    }
}

TEST_F(BannedHashTest, BadMd5sAreRejectedBeforeSending) {
    BannedHash ban = cb.create<BannedHash>();
    EXPECT_THROW(ban.set_md5hash("1234"), ApiError);
    EXPECT_THROW(ban.set_md5hash("zz5a2b4b1b4d8c4f6c0f3f3e1e9d0c11"), ApiError);
    ban.set_text("no hash");
    try {
        ban.save();
        FAIL() << "expected InvalidObjectError";
    } catch (const InvalidObjectError& e) {
        EXPECT_STREQ(e.what(), "Missing fields: [md5hash]");
    }
    ban.set("md5hash", "not-an-md5");
    EXPECT_THROW(ban.save(), InvalidObjectError);
    EXPECT_TRUE(log().empty());
}

TEST_F(BannedHashTest, DisablingDeletesThenPutsTheTextBack) {
    BannedHash ban = cb.fetch<BannedHash>(kBanned);
    ban.set_enabled(false);
    ban.save();
    EXPECT_FALSE(ban.enabled());
    EXPECT_EQ(ban.text(), "Known ransomware dropper");
    const auto sent = log();
    ASSERT_EQ(sent.size(), 4u);
    EXPECT_EQ(sent[1], std::string("DELETE /api/v1/banning/blacklist/") + kBanned);
    EXPECT_EQ(sent[2].rfind(std::string("PUT /api/v1/banning/blacklist/") + kBanned + " {", 0), 0u);
    EXPECT_NE(sent[2].find(R"("text":"Known ransomware dropper")"), std::string::npos);
    EXPECT_EQ(sent[3], std::string("GET /api/v1/banning/blacklist/") + kBanned);
    EXPECT_EQ(cb.fetch<BannedHash>(kBanned).text(), "Known ransomware dropper");
}

TEST_F(BannedHashTest, ReEnablingPostsTheWholeDocument) {
    BannedHash ban = cb.fetch<BannedHash>(kDisabled);
    ban.set_enabled(true).set_text("Banned again");
    ban.save();
    EXPECT_TRUE(ban.enabled());
    EXPECT_EQ(ban.text(), "Banned again");
    const auto posts = test::requests_to(server, "/api/v1/banning/blacklist");
    ASSERT_EQ(posts.size(), 1u);
    EXPECT_EQ(posts[0].method, "POST");
    EXPECT_EQ(posts[0].json().at("md5hash"), kDisabled);
    EXPECT_EQ(posts[0].json().at("block_count"), 4);  // the whole document
    EXPECT_EQ(ban.audit().size(), 2u);
}

TEST_F(BannedHashTest, TextChangeIsAPut) {
    BannedHash ban = cb.select<BannedHash>(kBanned);
    ban.set_text("Ransomware dropper (case 1234)");
    ban.save();
    EXPECT_EQ(cb.fetch<BannedHash>(kBanned).text(), "Ransomware dropper (case 1234)");
    const auto sent = log();
    ASSERT_GE(sent.size(), 2u);
    EXPECT_EQ(sent[1].rfind(std::string("PUT /api/v1/banning/blacklist/") + kBanned, 0), 0u);
}

TEST_F(BannedHashTest, RemoveDisablesTheBan) {
    BannedHash ban = cb.fetch<BannedHash>(kBanned);
    ban.remove();
    const BannedHash after = cb.fetch<BannedHash>(kBanned);
    EXPECT_FALSE(after.enabled());
    EXPECT_EQ(after.text(), "");  // the server clears it
    EXPECT_THROW(cb.fetch<BannedHash>("00000000000000000000000000000000"), ObjectNotFoundError);
    EXPECT_THROW(cb.create<BannedHash>().remove(), InvalidObjectError);
}

}  // namespace
}  // namespace cbapi
