// Banned hashes (include/cbapi/response/banned_hash.hpp).

#include "cbapi/response/banned_hash.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "cbapi/errors.hpp"
#include "cbapi/http.hpp"

namespace cbapi::response {

namespace {

// The MD5 lower-cased. @throws ApiError when it is not 32 hexadecimal digits
std::string checked_md5(const std::string& md5) {
    std::string lowered = md5;
    for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool hex = lowered.size() == 32 && lowered.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (!hex) throw ApiError("'" + md5 + "' is not an MD5 (32 hexadecimal digits)");
    return lowered;
}

// The same check when saving, as save() documents it: InvalidObjectError.
void checked_md5_for_save(const std::string& md5) {
    try {
        (void)checked_md5(md5);
    } catch (const ApiError& e) {
        throw InvalidObjectError(e.what());
    }
}

}  // namespace

// The list is asked with count=10000: the server otherwise returns only 500 entries.
const ModelInfo BannedHash::model_info = ModelInfo("BannedHash", "/api/v1/banning/blacklist")
                                             .key("md5hash")
                                             .key_in_create_body()
                                             .required({"md5hash"})
                                             .listed_at("/api/v1/banning/blacklist?count=10000");

BannedHash::BannedHash(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : MutableModel(model_info, std::move(api), std::move(doc), full) {}

std::string BannedHash::md5hash() const { return id(); }

std::string BannedHash::text() const { return get_or<std::string>("text", ""); }

bool BannedHash::enabled() const { return get_or<bool>("enabled", false); }

std::string BannedHash::username() const { return get_or<std::string>("username", ""); }

std::optional<long long> BannedHash::user_id() const { return get<long long>("user_id"); }

std::optional<TimePoint> BannedHash::timestamp() const { return get<TimePoint>("timestamp"); }

long long BannedHash::block_count() const { return get_or<long long>("block_count", 0); }

std::optional<TimePoint> BannedHash::last_block_time() const {
    return get<TimePoint>("last_block_time");
}

std::string BannedHash::last_block_hostname() const {
    return get_or<std::string>("last_block_hostname", "");
}

std::optional<long long> BannedHash::last_block_sensor_id() const {
    return get<long long>("last_block_sensor_id");
}

nlohmann::json BannedHash::audit() const {
    return get_or<nlohmann::json>("audit", nlohmann::json::array());
}

BannedHash& BannedHash::set_md5hash(const std::string& md5) {
    set("md5hash", checked_md5(md5));
    return *this;
}

BannedHash& BannedHash::set_text(const std::string& value) {
    set("text", value);
    return *this;
}

BannedHash& BannedHash::set_enabled(bool value) {
    set("enabled", value);
    return *this;
}

Binary BannedHash::binary() const {
    if (md5hash().empty()) throw InvalidObjectError("This BannedHash has no md5hash");
    return Binary(api(), {{"md5", md5hash()}}, false);
}

// See the class documentation: the banning API creates and re-enables with a POST of the collection, disables with
// a DELETE, and updates anything else with a PUT.
void BannedHash::save() {
    if (!is_dirty()) return;
    validate();
    checked_md5_for_save(md5hash());
    const auto dirty = dirty_fields();
    const bool is_new = std::find(dirty.begin(), dirty.end(), "md5hash") != dirty.end();
    const bool enabled_changed = std::find(dirty.begin(), dirty.end(), "enabled") != dirty.end();
    const Connection& conn = api()->connection;
    if (is_new || (enabled_changed && enabled())) {
        const std::string path = model_info.url_path;
        apply_reply(conn.send_json_raw(HttpMethod::post, path, document()), HttpMethod::post, path, true);
    } else if (enabled_changed) {
        const std::string path = model_info.path_for(document());
        conn.request(HttpMethod::del, path);
        // Disabling wipes the server-side text: put it (and any other change) back.
        if (!text().empty() || dirty.size() > 1) {
            apply_reply(conn.send_json_raw(HttpMethod::put, path, document()), HttpMethod::put, path, false);
        } else {
            refresh();
        }
    } else {
        MutableModel::save();
        return;
    }
    MutableModel::on_refreshed();  // the changes are sent: forget them
}


}  // namespace cbapi::response
