// Event storage partitions (include/cbapi/response/storage_partition.hpp).

#include "cbapi/response/storage_partition.hpp"

#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "cbapi/detail/url.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/server_version.hpp"

namespace cbapi::response {

namespace detail {

/// The partition list arrives as an object keyed by partition name; the query wants an array of documents.
nlohmann::json partition_documents(nlohmann::json reply) {
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

const ModelInfo StoragePartition::model_info = ModelInfo("StoragePartition", "/api/v1/storage/events/partition")
                                                   .key("name")
                                                   .since(ServerVersion{6, 1})
                                                   .list_unwrapped_with(&detail::partition_documents);

// There is no GET of one partition: the document is always taken as complete.
StoragePartition::StoragePartition(cbapi::detail::ApiHandle api, nlohmann::json doc, bool /*full*/)
    : Model(model_info, std::move(api), std::move(doc), true) {}

std::string StoragePartition::name() const { return id(); }
std::string StoragePartition::status() const { return get_or<std::string>("status", ""); }
nlohmann::json StoragePartition::info() const { return get_or<nlohmann::json>("info", nlohmann::json::object()); }

void StoragePartition::mount() const { action("mount"); }
void StoragePartition::unmount() const { action("unmount"); }
void StoragePartition::remove() const { api()->connection.delete_json(base_path()); }

std::string StoragePartition::base_path() const {
    if (id().empty()) throw InvalidObjectError("A StoragePartition needs a name");
    return "/api/v1/storage/events/" + cbapi::detail::encode_path_segment(id());
}

void StoragePartition::action(const char* what) const {
    api()->connection.post_json(base_path() + "/" + what, nlohmann::json(nullptr));
}

}  // namespace cbapi::response
