#pragma once
/// @file
/// The event bus's JSON messages (watchlist and feed hits, alerts, binary notifications) as typed views, read the
/// same way whether they come from the bus or as Event Forwarder records.
///
/// Every accessor is lenient, because the server is not consistent: numbers may arrive as strings (`"sensor_id":"9"`,
/// `"is_64bit":"false"`), a field may be a list in one message and a string in another (`observed_filename`),
/// addresses may be signed 32-bit integers or dotted quads. A missing field, or one that cannot be read as asked,
/// gives an empty value (empty string, empty optional, empty list); `document()` always has everything as sent.
///
/// Forwarder records (one document per record, `type`, `timestamp`, `process_guid`, dotted addresses, upper-case
/// MD5s) are read by the same accessors: `event_time()` takes `event_timestamp` or `timestamp`, `process_guid()`
/// takes `process_guid` or derives it from `unique_id` / `process_id`.

#include "cbapi/fwd.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/events/decode_error.hpp"
#include "cbapi/events/source.hpp"

namespace cbapi::events {

/// Lenient typed reads of one JSON object (a message or one of its `docs`).
class JsonView {
public:
    /// An empty object.
    JsonView() = default;
    /// @param document the object (any other JSON value reads as having no fields)
    explicit JsonView(nlohmann::json document);

    /// Everything as sent.
    const nlohmann::json& document() const noexcept { return doc_; }
    /// Whether the field is present and not null.
    bool has(std::string_view name) const;
    /// A string field; a number or boolean is given as its text; empty when missing or another kind.
    std::string string(std::string_view name) const;
    /// An integer field, also from a string holding an integer (`"9"`) or a float with no fraction.
    std::optional<std::int64_t> integer(std::string_view name) const;
    /// A number field, also from a string holding a number (`"40.5"`).
    std::optional<double> number(std::string_view name) const;
    /// A boolean field, also from `"true"`/`"false"` (any case) and 0/1.
    std::optional<bool> boolean(std::string_view name) const;
    /// A list of strings, also from a single string (one element); numbers are given as text.
    std::vector<std::string> strings(std::string_view name) const;
    /// An IPv4 address as a dotted quad: from a dotted string as is, or from a (signed) 32-bit integer whose
    /// big-endian bytes are the address, as the server sends `comms_ip`/`interface_ip` (-1407246848 → 172.31.30.0);
    /// empty when missing, empty or unreadable.
    std::string ip(std::string_view name) const;
    /// A time: float seconds since the Unix epoch (number or numeric string), or ISO 8601 text (`2016-07-19T16:26:49.830563Z`).
    std::optional<std::chrono::system_clock::time_point> time(std::string_view name) const;
    /// A nested object, also from a string holding JSON object text (alerts send `ioc_attr` that way); null when
    /// missing or neither.
    nlohmann::json object(std::string_view name) const;

private:
    const nlohmann::json* field(std::string_view name) const;
    nlohmann::json doc_ = nlohmann::json::object();
};

/// One process document of a hit (`docs[]` of watchlist, feed storage and query hits).
class ProcessDoc : public JsonView {
public:
    using JsonView::JsonView;
    /// The process GUID (36 characters): `process_guid` (forwarder), else the first 36 characters of `unique_id`,
    /// else `id`.
    std::string process_guid() const;
    /// The segment id: `segment_id` (number or string), else the hex segment after the GUID in `unique_id`.
    std::optional<std::int64_t> segment_id() const;
    /// `unique_id` (GUID plus segment).
    std::string unique_id() const { return string("unique_id"); }
    /// The sensor id.
    std::optional<std::int64_t> sensor_id() const { return integer("sensor_id"); }
    /// The host name (`hostname`, else the forwarder's `computer_name`).
    std::string hostname() const;
    /// The sensor group.
    std::string group() const { return string("group"); }
    /// `windows`, `linux`, `osx`.
    std::string os_type() const { return string("os_type"); }
    /// The process's image name.
    std::string process_name() const { return string("process_name"); }
    /// The process id on the host.
    std::optional<std::int64_t> process_pid() const { return integer("process_pid"); }
    /// The image path.
    std::string path() const { return string("path"); }
    /// The command line.
    std::string cmdline() const { return string("cmdline"); }
    /// The user.
    std::string username() const { return string("username"); }
    /// The process's MD5 as sent (lower hex on the bus, upper from the forwarder).
    std::string process_md5() const { return string("process_md5"); }
    /// The parent's image name.
    std::string parent_name() const { return string("parent_name"); }
    /// The parent's pid.
    std::optional<std::int64_t> parent_pid() const { return integer("parent_pid"); }
    /// The parent's MD5 as sent (unknown: zeros).
    std::string parent_md5() const { return string("parent_md5"); }
    /// The parent's GUID: `parent_guid` (forwarder), else the first 36 characters of `parent_unique_id`.
    std::string parent_guid() const;
    /// The sensor's address as the server saw it, dotted.
    std::string comms_ip() const { return ip("comms_ip"); }
    /// The sensor's own interface address, dotted.
    std::string interface_ip() const { return ip("interface_ip"); }
    /// When the process started.
    std::optional<std::chrono::system_clock::time_point> start() const { return time("start"); }
    /// When the process was last updated.
    std::optional<std::chrono::system_clock::time_point> last_update() const { return time("last_update"); }
};

/// One binary document of a hit (`docs[]` of binary watchlist, feed storage and query hits).
class BinaryDoc : public JsonView {
public:
    using JsonView::JsonView;
    /// The MD5 (upper hex).
    std::string md5() const { return string("md5"); }
    /// File names it was seen under (a list on `watchlist.hit.binary`, a string on `watchlist.storage.hit.binary`).
    std::vector<std::string> observed_filenames() const { return strings("observed_filename"); }
    /// `HOST|sensor_id` entries of the hosts that have it.
    std::vector<std::string> endpoints() const { return strings("endpoint"); }
    /// The sensor ids of `endpoints()` (entries without a readable id are left out).
    std::vector<std::int64_t> sensor_ids() const;
    /// The sensor groups that have it.
    std::vector<std::string> groups() const { return strings("group"); }
    /// On how many hosts it was seen.
    std::optional<std::int64_t> host_count() const { return integer("host_count"); }
    /// The signature result (`Signed`, `Unsigned`, ...).
    std::string digsig_result() const { return string("digsig_result"); }
    /// Whether it is a 64-bit image.
    std::optional<bool> is_64bit() const { return boolean("is_64bit"); }
    /// Whether it is an executable image.
    std::optional<bool> is_executable_image() const { return boolean("is_executable_image"); }
    /// Its size.
    std::optional<std::int64_t> orig_mod_len() const { return integer("orig_mod_len"); }
    /// The vendor.
    std::string company_name() const { return string("company_name"); }
    /// The product.
    std::string product_name() const { return string("product_name"); }
    /// The original file name from the version resource.
    std::string original_filename() const { return string("original_filename"); }
};

/// Any JSON message: the fields every family shares, the routing key, and the lenient accessors.
class JsonEvent : public JsonView {
public:
    /// An empty event.
    JsonEvent() = default;
    /// @param document the message's JSON object @param routing_key the routing key it came with (else its `type`)
    JsonEvent(nlohmann::json document, std::string routing_key);

    /// Parses a message's body.
    /// @throws DecodeError when the body is not a JSON object
    static JsonEvent from_message(const Message& message);

    /// The routing key (bus) or `type` (forwarder), e.g. `watchlist.hit.process`, `feed.24.ingress.hit.process`.
    const std::string& routing_key() const noexcept { return routing_key_; }
    /// Whether this is an Event Forwarder record (it has `type` and `cb_server`) rather than a bus message.
    bool is_forwarder_record() const;
    /// When the server raised it: `event_timestamp`, else the forwarder's `timestamp`.
    std::optional<std::chrono::system_clock::time_point> event_time() const;
    /// `server_name` (bus), else `cb_server` (forwarder).
    std::string server_name() const;
    /// The server's version text (`cb_version`).
    std::string cb_version() const { return string("cb_version"); }
    /// The documents of `docs` as process documents (empty when there is no `docs` list).
    std::vector<ProcessDoc> process_docs() const;
    /// The documents of `docs` as binary documents.
    std::vector<BinaryDoc> binary_docs() const;

private:
    std::string routing_key_;
};

/// `watchlist.hit.process`, `watchlist.hit.binary`, `watchlist.storage.hit.process`, `watchlist.storage.hit.binary`.
class WatchlistHit : public JsonEvent {
public:
    using JsonEvent::JsonEvent;
    /// @throws DecodeError when the body is not a JSON object
    static WatchlistHit from_message(const Message& message);
    /// The watchlist's id.
    std::optional<std::int64_t> watchlist_id() const { return integer("watchlist_id"); }
    /// The watchlist's name.
    std::string watchlist_name() const { return string("watchlist_name"); }
    /// Whether the hit is on binaries (the routing key ends in `.binary`), not processes.
    bool is_binary() const;
    /// Whether this is the `storage` variant (committed to the index).
    bool is_storage() const;
    /// The process id of a storage process hit (`process_id`).
    std::string process_id() const { return string("process_id"); }
};

/// `feed.[<id>.]ingress.hit.*`, `feed.[<id>.]storage.hit.*`, `feed.[<id>.]query.hit.*`.
class FeedHit : public JsonEvent {
public:
    using JsonEvent::JsonEvent;
    /// @throws DecodeError when the body is not a JSON object
    static FeedHit from_message(const Message& message);
    /// The feed's id.
    std::optional<std::int64_t> feed_id() const { return integer("feed_id"); }
    /// The feed's name.
    std::string feed_name() const { return string("feed_name"); }
    /// The report's id.
    std::string report_id() const { return string("report_id"); }
    /// The report's score.
    std::optional<std::int64_t> report_score() const { return integer("report_score"); }
    /// `md5`, `dns`, `ipv4` or `query`.
    std::string ioc_type() const { return string("ioc_type"); }
    /// The indicator that matched.
    std::string ioc_value() const { return string("ioc_value"); }
    /// Details of the match (`ioc_attr`, or `ioc_attrs` on query hits; also from JSON text); null when not sent.
    nlohmann::json ioc_attr() const;
    /// `ingress`, `storage` or `query`, from the routing key.
    std::string stage() const;
    /// `process`, `binary` or `host`, from the routing key.
    std::string target() const;
    /// The process GUID (`process_guid`, else the first 36 characters of `process_id`).
    std::string process_guid() const;
    /// The segment (`segment_id`).
    std::optional<std::int64_t> segment_id() const { return integer("segment_id"); }
    /// The binary's MD5 (binary hits).
    std::string md5() const { return string("md5"); }
    /// The sensor id.
    std::optional<std::int64_t> sensor_id() const { return integer("sensor_id"); }
    /// The host name (`hostname`, else `computer_name`).
    std::string hostname() const;
    /// The sensor group.
    std::string group() const { return string("group"); }
};

/// `alert.watchlist.hit.*` (watchlist and feed alerts alike; nearly every field arrives as a string).
class AlertEvent : public JsonEvent {
public:
    using JsonEvent::JsonEvent;
    /// @throws DecodeError when the body is not a JSON object
    static AlertEvent from_message(const Message& message);
    /// `watchlist.hit.query.process`, ...
    std::string alert_type() const { return string("alert_type"); }
    /// The alert's UUID.
    std::string unique_id() const { return string("unique_id"); }
    /// When the alert was created.
    std::optional<std::chrono::system_clock::time_point> created_time() const { return time("created_time"); }
    /// `Unresolved`, `Resolved`, ...
    std::string status() const { return string("status"); }
    /// The severity (sent as text, e.g. `"40.5"`).
    std::optional<double> severity() const { return number("alert_severity"); }
    /// The report score.
    std::optional<std::int64_t> report_score() const { return integer("report_score"); }
    /// `md5`, `dns`, `ipv4`, `query`.
    std::string ioc_type() const { return string("ioc_type"); }
    /// The indicator.
    std::string ioc_value() const { return string("ioc_value"); }
    /// Details of the match (`ioc_attr`, sent as JSON text), parsed; null when not sent or unreadable.
    nlohmann::json ioc_attr() const { return object("ioc_attr"); }
    /// The feed id (-1 for watchlists).
    std::optional<std::int64_t> feed_id() const { return integer("feed_id"); }
    /// The feed's name (`My Watchlists` for watchlists).
    std::string feed_name() const { return string("feed_name"); }
    /// The watchlist id.
    std::optional<std::int64_t> watchlist_id() const { return integer("watchlist_id"); }
    /// The watchlist name.
    std::string watchlist_name() const { return string("watchlist_name"); }
    /// The sensor id.
    std::optional<std::int64_t> sensor_id() const { return integer("sensor_id"); }
    /// The host name (`hostname`, else `computer_name`).
    std::string hostname() const;
    /// The process GUID (`process_guid`, else the first 36 characters of `process_id`).
    std::string process_guid() const;
    /// The segment.
    std::optional<std::int64_t> segment_id() const { return integer("segment_id"); }
    /// The process's image name.
    std::string process_name() const { return string("process_name"); }
    /// The process's image path.
    std::string process_path() const { return string("process_path"); }
    /// The MD5 (of the process or binary).
    std::string md5() const { return string("md5"); }
    /// The user.
    std::string username() const { return string("username"); }
    /// The sensor's address as the server saw it, dotted.
    std::string comms_ip() const { return ip("comms_ip"); }
    /// The sensor's interface address, dotted.
    std::string interface_ip() const { return ip("interface_ip"); }
    /// File names of a binary alert.
    std::vector<std::string> observed_filenames() const { return strings("observed_filename"); }
};

/// `binaryinfo.observed`, `binaryinfo.host.observed`, `binaryinfo.group.observed`.
class BinaryInfoEvent : public JsonEvent {
public:
    using JsonEvent::JsonEvent;
    /// @throws DecodeError when the body is not a JSON object
    static BinaryInfoEvent from_message(const Message& message);
    /// The binary's MD5.
    std::string md5() const { return string("md5"); }
    /// `observed` (first time anywhere), `host` or `group`, from the routing key.
    std::string scope() const;
    /// Feed scores by feed (`alliance_score_<feed>` → score).
    std::map<std::string, std::int64_t> scores() const;
    /// Watchlists that matched (`watchlist_<id>` → ISO time text).
    std::map<std::string, std::string> watchlists() const;
    /// The host (host scope).
    std::string hostname() const { return string("hostname"); }
    /// The sensor id (host scope).
    std::optional<std::int64_t> sensor_id() const { return integer("sensor_id"); }
    /// The group (group scope).
    std::string group() const { return string("group"); }
};

/// `binarystore.file.added`.
class BinaryStoreEvent : public JsonEvent {
public:
    using JsonEvent::JsonEvent;
    /// @throws DecodeError when the body is not a JSON object
    static BinaryStoreEvent from_message(const Message& message);
    /// The binary's MD5.
    std::string md5() const { return string("md5"); }
    /// Its size.
    std::optional<std::int64_t> size() const { return integer("size"); }
    /// The stored (zip) size.
    std::optional<std::int64_t> compressed_size() const { return integer("compressed_size"); }
    /// Where the server stored it.
    std::string file_path() const { return string("file_path"); }
    /// The server node.
    std::optional<std::int64_t> node_id() const { return integer("node_id"); }
};

}  // namespace cbapi::events
