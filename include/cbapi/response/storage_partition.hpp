#pragma once
/// @file
/// Cb Response event storage partitions (Solr cores; server 6.1 and later).

#include "cbapi/fwd.hpp"

#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/model.hpp"
#include "cbapi/query.hpp"

namespace cbapi::response {

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
    static const ModelInfo model_info;
    static constexpr bool creatable = false;
    using query_type = SimpleQuery<StoragePartition>;
    /// A partition is always what its document says (there is nothing more to load).
    /// @param api the API the partition belongs to @param doc the partition's document
    /// @param full ignored: whether the document is complete (it always is)
    StoragePartition(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full);

    std::string name() const;
    /// "hot", "warm", "cold" or "deleted" as the server spells it (empty for an object made by select(name)).
    std::string status() const;
    /// The server's facts about the partition (dates, size, document counts, ...), as sent.
    nlohmann::json info() const;

    /// Mounts a cold partition (`POST /api/v1/storage/events/<name>/mount`, body null) so that it is searched.
    /// @throws ServerError (e.g. 409 when it is already mounted), ObjectNotFoundError for an unknown name
    void mount() const;
    /// Unmounts a warm partition (`POST /api/v1/storage/events/<name>/unmount`, body null).
    void unmount() const;
    /// Deletes the partition and its events (`DELETE /api/v1/storage/events/<name>`); cbapi-python's `delete()`.
    void remove() const;

private:
    std::string base_path() const;
    void action(const char* what) const;
};

}  // namespace cbapi::response
