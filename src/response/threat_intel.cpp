// Feed tags of processes and binaries (include/cbapi/response/threat_intel.hpp, src/response/feed_tags.hpp).

#include "cbapi/response/threat_intel.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/json_text.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/model.hpp"
#include "cbapi/time.hpp"
#include "response/feed_tags.hpp"

namespace cbapi::response::detail {

namespace {

constexpr std::string_view prefix = "alliance_";

// `alliance_data_<feed>`: a list of report ids (text or numbers); one text value is taken as one id.
std::vector<std::string> report_ids(const nlohmann::json& value, const std::string& field, const Model& model) {
    std::vector<std::string> out;
    if (value.is_null()) return out;
    if (value.is_string()) {
        if (!value.get_ref<const std::string&>().empty()) out.push_back(value.get<std::string>());
        return out;
    }
    if (!value.is_array())
        throw ApiError("Field '" + field + "' of " + model.describe() + ": not a list of report ids: " +
                       cbapi::detail::json_text(value, 64));
    for (const auto& id : value) {
        if (id.is_string()) {
            out.push_back(id.get<std::string>());
        } else if (id.is_number_integer()) {
            out.push_back(id.dump());
        } else {
            throw ApiError("Field '" + field + "' of " + model.describe() +
                           ": a report id that is not text or a number: " + cbapi::detail::json_text(id, 64));
        }
    }
    return out;
}

}  // namespace

// cbapi-python splits the name at every '_' and keeps only three-part names, so a feed whose name holds '_' was
// never found; here the kind is the part after "alliance_" up to the next '_' and the feed is the rest.
std::map<std::string, FeedTag> read_feed_tags(const Model& model) {
    std::map<std::string, FeedTag> tags;
    for (const auto& [name, value] : model.document().items()) {
        if (name.compare(0, prefix.size(), prefix) != 0) continue;
        const auto underscore = name.find('_', prefix.size());
        if (underscore == std::string::npos || underscore == prefix.size() || underscore + 1 == name.size()) continue;
        const std::string kind = name.substr(prefix.size(), underscore - prefix.size());
        const std::string feed = name.substr(underscore + 1);
        FeedTag& tag = tags[feed];
        tag.feed = feed;
        tag.fields[kind] = value;
        if (kind == "score") {
            tag.score = model.get<long long>(name);  // a number or numeric text; anything else names the field
        } else if (kind == "link") {
            tag.link = value.is_null() ? std::string() : model.get_or<std::string>(name, "");
        } else if (kind == "data") {
            tag.data = report_ids(value, name, model);
        } else if (kind == "updated") {
            tag.updated = model.get<TimePoint>(name);
        }
    }
    return tags;
}

std::optional<FeedTag> find_feed_tag(const Model& model, const std::string& feed) {
    auto tags = read_feed_tags(model);
    const auto it = tags.find(feed);
    if (it == tags.end()) return std::nullopt;
    return std::move(it->second);
}

std::vector<std::string> feed_tag_names(const Model& model) {
    std::vector<std::string> out;
    for (const auto& entry : read_feed_tags(model)) out.push_back(entry.first);
    return out;
}

std::vector<std::string> tag_data_of(std::optional<FeedTag> tag) {
    return tag ? std::move(tag->data) : std::vector<std::string>{};
}

std::optional<long long> tag_score_of(const std::optional<FeedTag>& tag) { return tag ? tag->score : std::nullopt; }

std::string tag_link_of(std::optional<FeedTag> tag) { return tag ? std::move(tag->link) : std::string(); }

std::vector<FeedTag> feed_tag_list(const Model& model) {
    std::vector<FeedTag> out;
    for (auto& entry : read_feed_tags(model)) out.push_back(std::move(entry.second));
    return out;
}

}  // namespace cbapi::response::detail
