// FileUpload::file() and PendingAnalysis::file(): the file itself, extracted from the ZIP archive the server sends
// for `?downloadFile=true` (cbapi-python's `file`), against the simulator and scripted bad archives.
#include <gtest/gtest.h>

#include <string>

#include "cbapi/protection.hpp"
#include "support/protection_fakes.hpp"
#include "support/zip_writer.hpp"

namespace cbapi {
namespace {

using namespace protection;
using test::ProtectionSimTest;
using testing::MockResponse;

TEST_F(ProtectionSimTest, FileUploadFileIsTheArchivedFile) {
    auto cb = start();
    const FileUpload upload = *cb.select<FileUpload>().first();
    server.clear_requests();
    const std::string file = upload.file();
    EXPECT_EQ(file, "simulated file content of /api/bit9platform/v1/fileUpload/" + upload.id());
    ASSERT_EQ(server.requests().size(), 1u);
    EXPECT_EQ(server.requests()[0].path, "/api/bit9platform/v1/fileUpload/" + upload.id());
    EXPECT_EQ(server.requests()[0].query, "downloadFile=true");
    // The raw archive is still there, and holds exactly that file.
    EXPECT_NE(upload.file_zip().find(file), std::string::npos);
}

TEST_F(ProtectionSimTest, PendingAnalysisFileIsTheArchivedFile) {
    auto cb = start();
    const PendingAnalysis analysis = *cb.select<PendingAnalysis>().first();
    EXPECT_EQ(analysis.file(), "simulated file content of /api/bit9platform/v1/pendingAnalysis/" + analysis.id());
}

TEST_F(ProtectionSimTest, FileIsTheFirstMemberAndDeflatedOnesAreInflated) {
    auto cb = start();
    const std::string path = "/api/bit9platform/v1/pendingAnalysis/1";
    MockResponse zip;
    zip.body = test::zip_archive({test::deflated_member("sample.bin", std::string(3000, 'x') + "end"),
                                  test::stored_member("second.txt", "not this one")});
    server.enqueue("GET", path, zip);
    PendingAnalysis analysis(cb.handle(), {{"id", 1}}, true);
    EXPECT_EQ(analysis.file(), std::string(3000, 'x') + "end");
}

TEST_F(ProtectionSimTest, BadArchivesGiveClearErrors) {
    auto cb = start();
    const std::string path = "/api/bit9platform/v1/fileUpload/1";
    FileUpload upload(cb.handle(), {{"id", 1}}, true);
    const auto expect_error = [&](MockResponse reply, const std::string& words, std::uint64_t max) {
        server.enqueue("GET", path, std::move(reply));
        try {
            (void)upload.file(max);
            ADD_FAILURE() << "no error, expected: " << words;
        } catch (const ApiError& e) {
            EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
        }
    };
    MockResponse text;
    text.body = "this is not a zip";
    expect_error(text, "zip", FileUpload::default_max_file_size);
    MockResponse empty;
    empty.body = test::zip_archive({});
    expect_error(empty, "holds no file", FileUpload::default_max_file_size);
    MockResponse big;
    big.body = test::zip_archive({test::stored_member("big.bin", std::string(5000, 'b'))});
    expect_error(big, "4000", 4000);  // the member declares more than the cap
    MockResponse crc;
    auto member = test::stored_member("f.bin", "abcdef");
    member.crc ^= 1;
    member.local_crc = member.crc;
    crc.body = test::zip_archive({member});
    expect_error(crc, "CRC", FileUpload::default_max_file_size);
    server.enqueue("GET", path, MockResponse::json({{"error", "gone"}}, 404));
    EXPECT_THROW((void)upload.file(), ObjectNotFoundError);
    // An object without id asks nothing.
    server.clear_requests();
    EXPECT_THROW((void)FileUpload(cb.handle(), nlohmann::json::object(), true).file(), InvalidObjectError);
    EXPECT_TRUE(server.requests().empty());
}

TEST_F(ProtectionSimTest, OversizedArchiveDownloadIsCutOff) {
    auto cb = start();
    MockResponse huge;
    huge.body = std::string((std::size_t(1) << 20) + 4096, 'z');  // more than the archive allowance of a 1-byte file
    server.enqueue("GET", "/api/bit9platform/v1/fileUpload/2", huge);
    FileUpload upload(cb.handle(), {{"id", 2}}, true);
    try {
        (void)upload.file(1);
        FAIL() << "no error";
    } catch (const ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("larger than the limit"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace cbapi
