#pragma once
/// @file
/// Cb Response event storage partitions (Solr cores; server 6.1 and later).

#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "cbapi/detail/url.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/server_version.hpp"

namespace cbapi::response {

namespace detail {

/// The partition list arrives as an object keyed by partition name; the query wants an array of documents.
inline nlohmann::json partition_documents(nlohmann::json reply) {
    if (reply.is_null()) return nlohmann::json::array();
    if (!reply.is_object())
        throw ServerError(200, "Expected a JSON object of storage partitions, got " + std::string(reply.type_name()));
    nlohmann::json out = nlohmann::json::array();
    for (auto& [key, value] : reply.items()) {
        if (!value.is_object()) throw ServerError(200, "Storage partition '" + key + "' is not a JSON object");
        if (!value.contains("name")) value["name"] = key;
        out.push_back(std::move(value));
    }
    return out;
}

}  // namespace detail

/// An event storage partition, named by `name`:
/// - **hot**: the one partition receiving new events (named `writer`), searchable;
/// - **warm**: mounted, searchable, no longer written (`cbevents_<YYYY_MM_DD_hhmm>[_<suffix>]`);
/// - **cold**: on disk only, not searchable, can be mounted;
/// - **deleted**.
///
/// Listed with `select<StoragePartition>()` (`GET /api/v1/storage/events/partition`, an object keyed by name;
/// where/sort client-side). There is no GET of one partition: `select<StoragePartition>(name)` gives an object that
/// holds only the name, enough for mount(), unmount() and remove(). A new hot partition is made with
/// CbResponseAPI::create_new_partition(). Requires server 6.1 or later.
class StoragePartition : public Model {
public:
    inline static const ModelInfo model_info = ModelInfo("StoragePartition", "/api/v1/storage/events/partition")
                                                   .key("name")
                                                   .since(ServerVersion{6, 1})
                                                   .list_unwrapped_with(&detail::partition_documents);
    static constexpr bool creatable = false;
    using query_type = SimpleQuery<StoragePartition>;
    /// A partition is always what its document says (there is nothing more to load): the third argument (whether
    /// the document is complete) is ignored.
    /// @param api the API the partition belongs to @param doc the partition's document
    StoragePartition(cbapi::detail::ApiHandle api, nlohmann::json doc, bool /*full*/)
        : Model(model_info, std::move(api), std::move(doc), true) {}

    std::string name() const { return id(); }
    /// "hot", "warm", "cold" or "deleted" as the server spells it (empty for an object made by select(name)).
    std::string status() const { return get_or<std::string>("status", ""); }
    /// The server's facts about the partition (dates, size, document counts, ...), as sent.
    nlohmann::json info() const { return get_or<nlohmann::json>("info", nlohmann::json::object()); }

    /// Mounts a cold partition (`POST /api/v1/storage/events/<name>/mount`, body null) so that it is searched.
    /// @throws ServerError (e.g. 409 when it is already mounted), ObjectNotFoundError for an unknown name
    void mount() const { action("mount"); }
    /// Unmounts a warm partition (`POST /api/v1/storage/events/<name>/unmount`, body null).
    void unmount() const { action("unmount"); }
    /// Deletes the partition and its events (`DELETE /api/v1/storage/events/<name>`); cbapi-python's `delete()`.
    void remove() const { api()->connection.delete_json(base_path()); }

private:
    std::string base_path() const {
        if (id().empty()) throw InvalidObjectError("A StoragePartition needs a name");
        return "/api/v1/storage/events/" + cbapi::detail::encode_path_segment(id());
    }
    void action(const char* what) const {
        api()->connection.post_json(base_path() + "/" + what, nlohmann::json(nullptr));
    }
};

}  // namespace cbapi::response
