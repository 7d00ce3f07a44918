// What every Cb Protection model shares (include/cbapi/protection/model_base.hpp): its declaration, the minimum
// version checks, joins to other models and file downloads.

#include "cbapi/protection/model_base.hpp"

#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "cbapi/detail/api_state.hpp"
#include "cbapi/detail/download_status.hpp"
#include "cbapi/detail/zip.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/http.hpp"
#include "cbapi/model.hpp"
#include "cbapi/server_version.hpp"
#include "protection/model_helpers.hpp"

namespace cbapi::protection {

ModelInfo protection_model(std::string type_name, const std::string& collection) {
    return ModelInfo(std::move(type_name), std::string(api_prefix) + "/" + collection).search_results_full(true);
}

ServerVersion version_8_0() { return ServerVersion{8, 0}; }

namespace detail {

void require_version(const cbapi::detail::ApiState& state, const ModelInfo& info) {
    cbapi::detail::require_server_version(state, info);
}

bool names_object(const std::optional<nlohmann::json>& value) {
    if (!value || value->is_null()) return false;
    if (value->is_string()) return !value->get_ref<const std::string&>().empty();
    if (value->is_number()) return *value != 0;
    return true;
}

// The joined object is made lazily from its id alone; reading one of its fields loads it. (cbapi-python's
// FileCatalog joins do not check for a missing id; these all do.)
std::optional<nlohmann::json> join_document(const Model& self, const cbapi::detail::ApiState& state,
                                            std::string_view field, const ModelInfo& target) {
    const auto value = self.get<nlohmann::json>(field);
    if (!names_object(value)) return std::nullopt;
    require_version(state, target);
    return nlohmann::json{{target.primary_key, *value}};
}

std::string related_clause(const Model& self, const cbapi::detail::ApiState& state, const std::string& field,
                           const ModelInfo& target) {
    const std::string key = self.id();
    if (key.empty()) throw InvalidObjectError("A " + self.describe() + " has no id to look up " + field);
    require_version(state, target);
    return field + ":" + key;
}

std::string download_file(const Model& self, const cbapi::detail::ApiState& state) {
    if (self.id().empty()) throw InvalidObjectError("Cannot download the file of a " + self.describe());
    return state.connection
        .request(HttpMethod::get, self.model_info().path_for(self.document()), {{"downloadFile", "true"}})
        .body;
}

// Cb Protection answers ?downloadFile=true with a ZIP holding the file (cbapi-python returns its first member).
std::string download_first_member(const Model& self, const cbapi::detail::ApiState& state, std::uint64_t max_size) {
    if (self.id().empty()) throw InvalidObjectError("Cannot download the file of a " + self.describe());
    std::string zip;
    cbapi::detail::download_bounded(state.connection, self.model_info().path_for(self.document()),
                                    {{"downloadFile", "true"}}, cbapi::detail::max_archive_bytes(max_size),
                                    "the file of " + self.describe(),
                                    [&](std::string_view chunk) { zip.append(chunk); });
    std::istringstream in(zip);
    const auto members = cbapi::detail::zip_member_names(in);
    if (members.empty()) throw ApiError("The archive of " + self.describe() + " holds no file");
    in.clear();
    in.seekg(0);
    std::ostringstream out;
    cbapi::detail::extract_zip_member(in, members.front(), out, max_size);
    return out.str();
}

std::string first_hash(const Model& file) {
    for (const char* field : {"md5", "sha1", "sha256"})
        if (auto h = file.get<std::string>(field); h && !h->empty()) return *h;
    return {};
}

}  // namespace detail

}  // namespace cbapi::protection
