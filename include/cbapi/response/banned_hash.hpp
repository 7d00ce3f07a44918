#pragma once
/// @file
/// Cb Response banned hashes (`/api/v1/banning/blacklist`): MD5s the sensors refuse to run.

#include "cbapi/fwd.hpp"

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/time.hpp"

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
    static const ModelInfo model_info;
    /// `api.create<BannedHash>()` is allowed.
    static constexpr bool creatable = true;
    /// What `select<BannedHash>()` returns.
    using query_type = SimpleQuery<BannedHash>;

    /// @param api API state @param doc the entry @param full whether it is complete
    BannedHash(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full);

    /// `md5hash`.
    std::string md5hash() const;
    /// `text`: the reason given for the ban.
    std::string text() const;
    /// `enabled`: whether the ban is in force (false when absent).
    bool enabled() const;
    /// `username` of who banned it.
    std::string username() const;
    /// `user_id` of who banned it; nullopt when absent.
    std::optional<long long> user_id() const;
    /// `timestamp`: when it was banned.
    std::optional<TimePoint> timestamp() const;
    /// `block_count`: how often sensors blocked it; 0 when absent.
    long long block_count() const;
    /// `last_block_time`.
    std::optional<TimePoint> last_block_time() const;
    /// `last_block_hostname`.
    std::string last_block_hostname() const;
    /// `last_block_sensor_id`; nullopt when absent.
    std::optional<long long> last_block_sensor_id() const;
    /// `audit`: the history of the entry (enabled, text, timestamp, user_id, username); an empty array when absent.
    nlohmann::json audit() const;

    /// Sets `md5hash` (lower-cased). @param md5 32 hexadecimal digits @return this entry
    /// @throws ApiError when it is not an MD5
    BannedHash& set_md5hash(const std::string& md5);
    /// Sets `text`. @param value the reason @return this entry
    BannedHash& set_text(const std::string& value);
    /// Sets `enabled`. @param value whether the ban is in force @return this entry
    BannedHash& set_enabled(bool value);

    /// The binary (`select<Binary>(md5hash)`), loaded lazily. @throws InvalidObjectError without md5hash
    Binary binary() const;

    /// Sends the changes as described in the class documentation; does nothing when nothing changed. (Call it on
    /// the BannedHash itself: MutableModel::save() through a base reference does not know the banning rules.)
    /// @throws InvalidObjectError "Missing fields: [md5hash]" or for an md5hash that is not 32 hexadecimal digits;
    ///         ServerError (409 when the hash is already banned) and the request's exceptions
    void save();
};

}  // namespace cbapi::response

// Binary::banned() returns a BannedHash and BannedHash::binary() a Binary: each header completes the other.
#include "cbapi/response/binary.hpp"  // IWYU pragma: export
