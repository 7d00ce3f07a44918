#pragma once
/// @file
/// What threat-intelligence feeds say about a Cb Response process or binary: the server's `alliance_<kind>_<feed>`
/// fields (cbapi-python's TaggedModel: `tags`, `tag_data`, `tag_score`, `tag_link`, `tag_info`) as typed values.

#include "cbapi/fwd.hpp"

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/time.hpp"

namespace cbapi::response {

/// One feed's hit on a process or binary (Process::threat_intel_hits(), Binary::threat_intel_hits()): the document's
/// fields named `alliance_<kind>_<feed>`, grouped by feed.
///
/// The server sends `alliance_score_<feed>` (a number, sometimes as text), `alliance_link_<feed>` (a URL),
/// `alliance_data_<feed>` (the ids of the feed's reports that matched) and `alliance_updated_<feed>` (when the feed
/// last tagged the document); other kinds stay readable in `fields`.
struct FeedTag {
    std::string feed;                   ///< the feed's short name (`<feed>` of the field names; may contain '_')
    std::optional<long long> score;     ///< `alliance_score_<feed>`; none when absent or null
    std::string link;                   ///< `alliance_link_<feed>`; "" when absent
    std::vector<std::string> data;      ///< `alliance_data_<feed>`: report ids (a single text value gives one id)
    std::optional<TimePoint> updated;   ///< `alliance_updated_<feed>`; none when absent
    nlohmann::json fields = nlohmann::json::object();  ///< every `alliance_<kind>_<feed>` value by kind, as sent
};

}  // namespace cbapi::response
