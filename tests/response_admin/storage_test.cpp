// StoragePartition and IngressFilter against the simulator (server 6.1; refused before).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "response_admin/admin_fixture.hpp"

namespace cbapi {
namespace {

using response::IngressFilter;
using response::StoragePartition;
using test::AdminWorld;

std::vector<std::string> partition_names(const response::CbResponseAPI& cb) {
    std::vector<std::string> out;
    for (const StoragePartition& p : cb.select<StoragePartition>()) out.push_back(p.name() + ":" + p.status());
    return out;
}

TEST(StoragePartition, ListFromAnObjectKeyedByName) {
    AdminWorld w;
    EXPECT_EQ(partition_names(w.cb), (std::vector<std::string>{"cbevents_2018_07_01_0000:cold",
                                                               "cbevents_2018_08_01_0000:warm", "writer:hot"}));
    const StoragePartition writer = w.cb.select<StoragePartition>().where("status:HOT").one();
    EXPECT_EQ(writer.name(), "writer");
    EXPECT_EQ(writer.info()["numDocs"], 1203344);
    EXPECT_EQ(w.log(), (std::vector<std::string>{"GET /api/v1/storage/events/partition",
                                                 "GET /api/v1/storage/events/partition"}));
}

TEST(StoragePartition, MountUnmountDeleteAndNewPartition) {
    AdminWorld w;
    w.cb.select<StoragePartition>("cbevents_2018_07_01_0000").mount();
    w.cb.select<StoragePartition>("cbevents_2018_08_01_0000").unmount();
    w.cb.select<StoragePartition>("cbevents_2018_08_01_0000").remove();
    w.cb.create_new_partition();
    EXPECT_EQ(partition_names(w.cb), (std::vector<std::string>{"cbevents_2018_07_01_0000:warm",
                                                               "cbevents_2018_08_06_1200:warm", "writer:hot"}));
    EXPECT_EQ(w.log(), (std::vector<std::string>{"POST /api/v1/storage/events/cbevents_2018_07_01_0000/mount null",
                                                 "POST /api/v1/storage/events/cbevents_2018_08_01_0000/unmount null",
                                                 "DELETE /api/v1/storage/events/cbevents_2018_08_01_0000",
                                                 "POST /api/v1/storage/events/new_partition null",
                                                 "GET /api/v1/storage/events/partition"}));
}

TEST(StoragePartition, ConflictsAndUnknownNames) {
    AdminWorld w;
    auto status_of = [](const std::function<void()>& f) {
        try {
            f();
        } catch (const HttpError& e) {
            return e.status();
        }
        return 0;
    };
    EXPECT_EQ(status_of([&] { w.cb.select<StoragePartition>("writer").remove(); }), 409);
    EXPECT_EQ(status_of([&] { w.cb.select<StoragePartition>("writer").unmount(); }), 409);
    EXPECT_EQ(status_of([&] { w.cb.select<StoragePartition>("cbevents_2018_08_01_0000").mount(); }), 409);
    EXPECT_EQ(status_of([&] { w.cb.select<StoragePartition>("cbevents_2018_07_01_0000").unmount(); }), 409);
    EXPECT_EQ(status_of([&] { w.cb.select<StoragePartition>("nope").mount(); }), 404);
}

TEST(StoragePartition, RefusedBefore61WithoutARequest) {
    AdminWorld w(test::kVersion51);
    try {
        (void)w.cb.select<StoragePartition>();
        FAIL() << "expected ApiError";
    } catch (const ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("StoragePartition requires server version 6.1 or later"),
                  std::string::npos);
    }
    EXPECT_THROW(w.cb.create_new_partition(), ApiError);
    EXPECT_TRUE(w.log().empty());
    // And the 5.1 simulator has no such endpoint.
    EXPECT_THROW(w.cb.connection().get_json("/api/v1/storage/events/partition"), ObjectNotFoundError);
}

TEST(IngressFilter, CreatePostsAnArrayOfOneAndReadsTheIdBack) {
    AdminWorld w;
    IngressFilter f = w.cb.create<IngressFilter>();
    f.set("name", "Backup agent");
    f.set("description", "Skip the nightly backup's file reads");
    f.set("cmdline_filters", {".*backup\\.exe --nightly.*"});
    f.set("priority", 5);
    f.save();
    EXPECT_EQ(f.id(), "00000000-0000-4000-8000-000000000002");
    EXPECT_EQ(f.cmdline_filters(), (std::vector<std::string>{".*backup\\.exe --nightly.*"}));
    EXPECT_EQ(f.priority(), 5);
    EXPECT_TRUE(f.enabled());  // the server's default, read back
    EXPECT_EQ(f.os_mask(), 7);
    ASSERT_TRUE(f.create_timestamp().has_value());
    const auto posts = test::requests_to(w.server, "/api/v1/ingress_whitelist");
    ASSERT_EQ(posts.size(), 1u);
    const auto body = posts[0].json();
    ASSERT_TRUE(body.is_array());
    ASSERT_EQ(body.size(), 1u);
    EXPECT_TRUE(body[0]["id"].is_null());
    EXPECT_EQ(body[0]["cmdline_filters"], nlohmann::json({".*backup\\.exe --nightly.*"}));
    EXPECT_EQ(w.log().back(), "GET /api/v1/ingress_whitelist/00000000-0000-4000-8000-000000000002");
}

TEST(IngressFilter, ChosenIdDuplicatesAndRequiredFields) {
    AdminWorld w;
    IngressFilter f = w.cb.create<IngressFilter>();
    f.set("id", "my-filter-1").set("name", "Mine").set("description", "chosen id");
    f.save();
    EXPECT_EQ(f.id(), "my-filter-1");
    IngressFilter again = w.cb.create<IngressFilter>();
    again.set("id", "my-filter-1").set("name", "Again").set("description", "same id");
    try {
        again.save();
        FAIL() << "expected ServerError";
    } catch (const ServerError& e) {
        EXPECT_EQ(e.error_code(), 409);
    }
    IngressFilter nameless = w.cb.create<IngressFilter>();
    nameless.set("description", "no name");
    EXPECT_THROW(nameless.save(), InvalidObjectError);
}

TEST(IngressFilter, ListUpdateDelete) {
    AdminWorld w;
    auto filters = w.cb.select<IngressFilter>();
    ASSERT_EQ(filters.size(), 1u);
    IngressFilter f = *filters.first();
    EXPECT_EQ(f.path_filters().size(), 1u);
    EXPECT_DOUBLE_EQ(f.hit_rate(), 0.02);
    f.set("enabled", false);
    f.save();
    EXPECT_FALSE(f.enabled());
    const auto reqs = test::requests_to(w.server, "/api/v1/ingress_whitelist/" + f.id());
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[0].method, "PUT");
    EXPECT_TRUE(reqs[0].json().is_object());  // an update is the document, not an array
    EXPECT_EQ(reqs[0].json()["enabled"], false);
    f.remove();
    EXPECT_TRUE(w.cb.select<IngressFilter>().empty());
    EXPECT_THROW(w.cb.fetch<IngressFilter>(f.id()), ObjectNotFoundError);
}

TEST(IngressFilter, RefusedBefore61) {
    AdminWorld w(test::kVersion51);
    EXPECT_THROW((void)w.cb.select<IngressFilter>(), ApiError);
    EXPECT_THROW((void)w.cb.create<IngressFilter>(), ApiError);
}

}  // namespace
}  // namespace cbapi
