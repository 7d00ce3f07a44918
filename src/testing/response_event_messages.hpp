#pragma once
// The JSON messages the simulated Cb Response server publishes on its event bus, in the shapes of the real server
// (shared/reference event-bus-and-forwarder.md §4: field names, which numbers travel as strings, lists vs strings).
// Pure functions of the simulator's data (internal to cbapi::testing; not installed).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "response_world.hpp"

namespace cbapi::testing::sim {

/// What every message of one server carries.
struct BusContext {
    std::string server_name = "cb-simulator";
    std::string cb_version;       ///< the simulated server version (`/api/info`)
    double event_timestamp = 0;   ///< float epoch seconds, the server's clock
    bool feed_ids_in_keys = true; ///< 5.2+: feed routing keys carry the feed id (`feed.<id>.ingress.hit.process`)
};

/// A process document as the bus carries it in `watchlist.hit.process` and feed storage hits: the search document
/// with `process_md5` in lower case, `parent_md5` (30 zeros when unknown), signed-int IPs, no REST-only fields.
nlohmann::json bus_process_doc(const WorldProcess& process);

/// A binary document as `watchlist.hit.binary` carries it: lists for `observed_filename`, `endpoint`, `group`,
/// upper-case `md5`, an integer `cb_version`.
nlohmann::json bus_binary_doc(const nlohmann::json& binary);

/// `watchlist.hit.process` / `watchlist.hit.binary`: the watchlist (its REST document) and the matching docs.
nlohmann::json watchlist_hit(const BusContext& context, const nlohmann::json& watchlist,
                             const std::vector<nlohmann::json>& docs, bool binary);

/// The alert a watchlist hit creates, as `alert.watchlist.hit.query.process` / `.binary` carries it (nearly every
/// value a string). `doc` is one doc of the hit.
nlohmann::json watchlist_alert(const BusContext& context, const nlohmann::json& watchlist, const nlohmann::json& doc,
                               bool binary, const std::string& alert_id, const std::string& created_time);

/// `feed.[<id>.]ingress.hit.process` / `.binary`: a feed report's IOC matched at ingest on a process or binary.
nlohmann::json feed_hit(const BusContext& context, const nlohmann::json& feed, const nlohmann::json& report,
                        const nlohmann::json& doc, bool binary);

/// The alert a feed hit creates (`alert.watchlist.hit.ingress.process` / `.binary`; feed and watchlist alerts share
/// the family).
nlohmann::json feed_alert(const BusContext& context, const nlohmann::json& hit, const nlohmann::json& doc, bool binary,
                          const std::string& alert_id, const std::string& created_time);

/// The routing key of a feed hit for `feed_id` (`feed.<id>.ingress.hit.<kind>` on 5.2+, else without the id).
std::string feed_hit_key(const BusContext& context, long long feed_id, bool binary);

/// ASSUMPTION: the message of a ban change (`banning.hash.added` / `banning.hash.removed`); see docs/simulator.md.
nlohmann::json ban_event(const BusContext& context, const nlohmann::json& ban);

/// The same alert as the REST alert search returns it (typed numbers), for the simulator's alert store.
nlohmann::json rest_alert(const nlohmann::json& bus_alert);

}  // namespace cbapi::testing::sim
