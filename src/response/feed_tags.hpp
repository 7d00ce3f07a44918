#pragma once
// Reading the `alliance_<kind>_<feed>` fields of a process or binary document into FeedTags (shared by Process and
// Binary; include/cbapi/response/threat_intel.hpp).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cbapi/model.hpp"
#include "cbapi/response/threat_intel.hpp"

namespace cbapi::response::detail {

/// The feed tags of `model`'s document by feed name (sorted). A field whose name has no feed part is ignored.
/// @throws ApiError naming the field when a score, data or updated value has the wrong type or format
std::map<std::string, FeedTag> read_feed_tags(const Model& model);

/// The tag of one feed, none when the document has no field of it.
std::optional<FeedTag> find_feed_tag(const Model& model, const std::string& feed);

/// The feed names, sorted.
std::vector<std::string> feed_tag_names(const Model& model);

/// A tag's report ids (none: empty).
std::vector<std::string> tag_data_of(std::optional<FeedTag> tag);
/// A tag's score (none: none).
std::optional<long long> tag_score_of(const std::optional<FeedTag>& tag);
/// A tag's link (none: "").
std::string tag_link_of(std::optional<FeedTag> tag);

/// Every feed tag, sorted by feed.
std::vector<FeedTag> feed_tag_list(const Model& model);

}  // namespace cbapi::response::detail
