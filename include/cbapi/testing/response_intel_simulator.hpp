#pragma once
/// @file
/// The Cb Response threat-intelligence endpoints of the simulator: watchlists and their actions, feeds (actions,
/// synchronize, reports), threat reports (search and bulk updates), alerts (search, update, bulk update) and the
/// banning blacklist.
///
/// The store is seeded deterministically from `options.seed` and the shared host list (alerts name the simulated
/// hosts and sensor ids). Writes persist for the server's lifetime; every handler is thread-safe. Validation is the
/// real server's: missing required fields and malformed bodies → 400, unknown objects → 404, conflicts (a name or
/// hash that exists, a feed that is disabled, an action type already present) → 409.
///
/// | Endpoint | Methods |
/// |---|---|
/// | `/api/v1/watchlist[/<id>]` | GET, POST (→ `{"id": N}`) · GET, PUT, DELETE |
/// | `/api/v1/watchlist/<id>/action[/<action id>]` | GET, POST · PUT, DELETE |
/// | `/api/v1/feed[/<id>]` | GET, POST (→ `{"id": N}`; a feed_url whose host ends in `.invalid` → 500) · GET, PUT, DELETE |
/// | `/api/v1/feed/<id>/action[/<action id>]` | GET, POST · PUT, DELETE |
/// | `/api/v1/feed/<id>/synchronize` | POST `{"full_sync": bool}` (409 when the feed is disabled) |
/// | `/api/v1/feed/<id>/report/<report id>` | GET |
/// | `/api/v1/threat_report` | GET (search), POST (`{"ids": {...}}` or `{"query": ...}` with `{"updates": {"is_ignored"}}`) |
/// | `/api/v1/alert` | GET (search: q, rows, start, sort, facet/facets + facet.field) |
/// | `/api/v1/alert/<unique_id>` | POST (needs unique_id and status) → the alert |
/// | `/api/v1/alerts` | POST `{"alert_ids": [...], "requested_status" / "assigned_to" / "updates"}` |
/// | `/api/v1/banning/blacklist[/<md5>]` | GET (`count`, default 500), POST · GET, PUT, DELETE (disables) |
/// | `/simulator/v1/watchlist/<id>/hit` | POST `{"sensor_id"?, "count"?}`: publishes a watchlist hit and its alerts (event bus) |
/// | `/simulator/v1/feed/<id>/hit` | POST `{"sensor_id"?, "count"?, "binary"?}`: publishes feed hits and their alerts |
/// | `/simulator/v1/procstart` | POST `{"sensor_id"?, "count"?}`: publishes raw process starts (protobuf) |
/// | `/simulator/v1/event_bus` | GET: the publisher's counters (queued, published, waiting, failures, dropped) |
///
/// The `/simulator/v1` endpoints exist only on the simulator (no Cb server has them) and answer 409 unless
/// ResponseSimulatorOptions::event_bus is set; a trigger's reply lists the messages and says whether the broker
/// confirmed them within 5 s (`"published"`).
///
/// Searches understand `field:value` (case-insensitive, `*` wildcards, `"quoted values"`), `-field:value`,
/// `field:[a TO b]` (`*` open), bare words (any text field contains them), `AND` and `OR`.

#include "cbapi/testing/mock_server.hpp"
#include "cbapi/testing/response_simulator.hpp"

namespace cbapi::testing {

/// Registers the threat-intelligence endpoints on `server`.
void install_response_intel_simulator(MockServer& server, const ResponseSimulatorOptions& options = {});

}  // namespace cbapi::testing
