#pragma once
/// @file
/// Cb Response banned hashes (`/api/v1/banning/blacklist`): MD5s the sensors refuse to run.

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cbapi/detail/url.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/binary.hpp"
#include "cbapi/response/model_support.hpp"

namespace cbapi::response {

/// A banned MD5: `/api/v1/banning/blacklist/<md5hash>`.
///
/// Listed with `select<BannedHash>()` (all entries, enabled and disabled: the list is asked with `count=10000`
/// because the server otherwise returns only 500), created with `create<BannedHash>()`.
///
/// save() follows the server's banning API:
/// - a new hash: `POST /api/v1/banning/blacklist` with the whole document, `md5hash` included (cbapi-python leaves
///   it out unless `enabled` was set, and the server then has nothing to ban);
/// - `enabled` turned on: the same POST (it re-bans);
/// - `enabled` turned off: `DELETE /api/v1/banning/blacklist/<md5>` (the server clears `text` when it disables a
///   ban), then a `PUT` of the document to keep the text and any other change;
/// - any other change: `PUT /api/v1/banning/blacklist/<md5>`.
/// remove() is `DELETE` (the server disables the ban and keeps the entry listed).
///
/// @code
/// auto ban = cb.create<BannedHash>();
/// ban.set_md5hash("e4b9902024ac32b3ca37f6b4c9b841e8").set_text("Ransomware dropper");
/// ban.save();
/// @endcode
class BannedHash : public MutableModel {
public:
    /// URL, primary key `md5hash` (sent on creation), required fields.
    inline static const ModelInfo model_info = ModelInfo("BannedHash", "/api/v1/banning/blacklist")
                                                   .key("md5hash")
                                                   .key_in_create_body()
                                                   .required({"md5hash"})
                                                   .listed_at("/api/v1/banning/blacklist?count=10000");
    /// `api.create<BannedHash>()` is allowed.
    static constexpr bool creatable = true;
    /// What `select<BannedHash>()` returns.
    using query_type = SimpleQuery<BannedHash>;

    /// @param api API state @param doc the entry @param full whether it is complete
    BannedHash(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
        : MutableModel(model_info, std::move(api), std::move(doc), full) {}

    /// `md5hash`.
    std::string md5hash() const { return id(); }
    /// `text`: the reason given for the ban.
    std::string text() const { return get_or<std::string>("text", ""); }
    /// `enabled`: whether the ban is in force (false when absent).
    bool enabled() const { return get_or<bool>("enabled", false); }
    /// `username` of who banned it.
    std::string username() const { return get_or<std::string>("username", ""); }
    /// `user_id` of who banned it; nullopt when absent.
    std::optional<long long> user_id() const { return get<long long>("user_id"); }
    /// `timestamp`: when it was banned.
    std::optional<TimePoint> timestamp() const { return get<TimePoint>("timestamp"); }
    /// `block_count`: how often sensors blocked it; 0 when absent.
    long long block_count() const { return get_or<long long>("block_count", 0); }
    /// `last_block_time`.
    std::optional<TimePoint> last_block_time() const { return get<TimePoint>("last_block_time"); }
    /// `last_block_hostname`.
    std::string last_block_hostname() const { return get_or<std::string>("last_block_hostname", ""); }
    /// `last_block_sensor_id`; nullopt when absent.
    std::optional<long long> last_block_sensor_id() const { return get<long long>("last_block_sensor_id"); }
    /// `audit`: the history of the entry (enabled, text, timestamp, user_id, username); an empty array when absent.
    nlohmann::json audit() const { return get_or<nlohmann::json>("audit", nlohmann::json::array()); }

    /// Sets `md5hash` (lower-cased). @param md5 32 hexadecimal digits @return this entry
    /// @throws ApiError when it is not an MD5
    BannedHash& set_md5hash(const std::string& md5) {
        set("md5hash", checked_md5(md5));
        return *this;
    }
    /// Sets `text`. @param value the reason @return this entry
    BannedHash& set_text(const std::string& value) {
        set("text", value);
        return *this;
    }
    /// Sets `enabled`. @param value whether the ban is in force @return this entry
    BannedHash& set_enabled(bool value) {
        set("enabled", value);
        return *this;
    }

    /// The binary (`select<Binary>(md5hash)`), loaded lazily. @throws InvalidObjectError without md5hash
    Binary binary() const {
        if (md5hash().empty()) throw InvalidObjectError("This BannedHash has no md5hash");
        return Binary(api(), {{"md5", md5hash()}}, false);
    }

    /// Sends the changes as described in the class documentation; does nothing when nothing changed. (Call it on
    /// the BannedHash itself: MutableModel::save() through a base reference does not know the banning rules.)
    /// @throws InvalidObjectError "Missing fields: [md5hash]" or for an md5hash that is not 32 hexadecimal digits;
    ///         ServerError (409 when the hash is already banned) and the request's exceptions
    void save() {
        if (!is_dirty()) return;
        validate();
        checked_md5_for_save();
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

private:
    static std::string checked_md5(const std::string& md5) {
        std::string lowered = md5;
        for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const bool hex = lowered.size() == 32 && lowered.find_first_not_of("0123456789abcdef") == std::string::npos;
        if (!hex) throw ApiError("'" + md5 + "' is not an MD5 (32 hexadecimal digits)");
        return lowered;
    }
    void checked_md5_for_save() const {
        try {
            (void)checked_md5(md5hash());
        } catch (const ApiError& e) {
            throw InvalidObjectError(e.what());
        }
    }
};

}  // namespace cbapi::response
