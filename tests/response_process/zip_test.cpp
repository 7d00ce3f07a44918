// The zip reader of binary downloads against crafted archives: zip bombs stop at the declared size, a cap bounds
// what a member may declare, and the local header must agree with the central directory. Pure logic.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "cbapi/detail/zip.hpp"
#include "support/zip_writer.hpp"

namespace cbapi {
namespace {

constexpr std::uint64_t fifty_mb = 50'000'000;

std::string error_of(const std::string& zip, std::ostringstream& out, std::uint64_t cap = detail::default_max_extracted_bytes) {
    std::istringstream in(zip);
    try {
        detail::extract_zip_member(in, "filedata", out, cap);
    } catch (const ApiError& e) {
        return e.what();
    }
    return "no error";
}

TEST(ZipBomb, InflatingStopsRightAfterTheDeclaredSize) {
    const std::string zip = test::zip_archive({test::bomb_member("filedata", fifty_mb, 18)});
    ASSERT_LT(zip.size(), 400'000u);  // 50 MB of output in a few hundred KB
    std::ostringstream out;
    const std::string error = error_of(zip, out);
    EXPECT_NE(error.find("Zip member 'filedata' inflates to more than its declared 18 bytes"), std::string::npos) << error;
    EXPECT_EQ(out.str(), std::string(18, 'A'));  // not one byte more
}

TEST(ZipBomb, TheInflaterReadsOnlyAFewBytesPastTheLimit) {
    const std::string packed = test::deflate_run('A', fifty_mb);
    std::istringstream in(packed);
    std::ostringstream out;
    detail::Crc32 crc;
    EXPECT_THROW(detail::Inflater(in, packed.size(), out, crc, 18, "filedata").run(), ApiError);
    EXPECT_LT(static_cast<std::size_t>(in.tellg()), 16u);  // stopped at once, not after inflating the rest
    EXPECT_EQ(out.str().size(), 18u);
}

TEST(ZipBomb, AMemberDeclaringMoreThanTheCapIsRefusedBeforeWritingAnything) {
    const std::string zip = test::zip_archive({test::deflated_member("filedata", std::string(5000, 'x'))});
    std::ostringstream out;
    const std::string error = error_of(zip, out, 1000);
    EXPECT_NE(error.find("Zip member 'filedata' declares 5000 bytes, more than the limit of 1000 bytes"), std::string::npos)
        << error;
    EXPECT_TRUE(out.str().empty());
    std::ostringstream honest;
    EXPECT_EQ(error_of(zip, honest, 5000), "no error");  // the cap is inclusive
    EXPECT_EQ(honest.str(), std::string(5000, 'x'));
}

TEST(ZipBomb, ALocalHeaderThatDisagreesWithTheCentralDirectoryIsRefused) {
    // Small in the central directory, large in the local header, and the other way round.
    auto small_central = test::bomb_member("filedata", fifty_mb, 18);
    small_central.local_size = 50'000'000;
    auto small_local = test::bomb_member("filedata", fifty_mb, 50'000'000);
    small_local.local_size = 18;
    auto other_crc = test::deflated_member("filedata", "hello");
    other_crc.local_crc = 1234;
    auto other_compressed = test::deflated_member("filedata", "hello");
    other_compressed.local_compressed_size = 1;
    for (const auto& member : {small_central, small_local, other_crc, other_compressed}) {
        std::ostringstream out;
        const std::string error = error_of(test::zip_archive({member}), out);
        EXPECT_NE(error.find("local header"), std::string::npos) << error;
        EXPECT_NE(error.find("disagrees with the central directory"), std::string::npos) << error;
        EXPECT_TRUE(out.str().empty());
    }
    // With a data descriptor (flag bit 3) the local header may leave the fields zero.
    auto descriptor = test::deflated_member("filedata", "hello");
    descriptor.flags = 8;
    descriptor.local_size = descriptor.local_compressed_size = descriptor.local_crc = 0;
    std::ostringstream out;
    EXPECT_EQ(error_of(test::zip_archive({descriptor}), out), "no error");
    EXPECT_EQ(out.str(), "hello");
}

TEST(ZipBomb, AStoredMemberWhoseSizesDifferIsRefused) {
    auto member = test::stored_member("filedata", std::string(100, 'x'));
    member.size = 18;
    member.crc = test::crc32(std::string(18, 'x'));
    std::ostringstream out;
    const std::string error = error_of(test::zip_archive({member}), out);
    EXPECT_NE(error.find("stored with 100 bytes but declares 18"), std::string::npos) << error;
    EXPECT_TRUE(out.str().empty());
}

TEST(ZipBomb, ACompressedSizePastTheEndOfTheArchiveIsRefused) {
    auto member = test::deflated_member("filedata", "hello");
    member.compressed_size = member.local_compressed_size.emplace(1'000'000);
    std::ostringstream out;
    EXPECT_NE(error_of(test::zip_archive({member}), out).find("Truncated zip member 'filedata'"), std::string::npos);
}

TEST(ZipBomb, HonestMembersStillExtract) {
    const std::string data(100'000, 'z');
    for (const auto& member : {test::stored_member("filedata", data), test::deflated_member("filedata", data)}) {
        std::ostringstream out;
        EXPECT_EQ(error_of(test::zip_archive({test::stored_member("metadata", "{}"), member}), out), "no error");
        EXPECT_EQ(out.str(), data);
    }
    // A member that inflates to exactly its declared size is fine (the limit is not off by one).
    const std::string run = std::string(1000, 'A');
    test::ZipMember exact{"filedata", test::deflate_run('A', 1000), 8, test::crc32(run), 0, 1000, {}, {}, {}, 0};
    exact.compressed_size = static_cast<std::uint32_t>(exact.payload.size());
    std::ostringstream out;
    EXPECT_EQ(error_of(test::zip_archive({exact}), out), "no error");
    EXPECT_EQ(out.str(), run);
}

}  // namespace
}  // namespace cbapi
