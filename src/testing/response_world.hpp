#pragma once
// The Cb Response simulator's generated processes and binaries, as the event bus messages need them (internal to
// cbapi::testing; not installed). The process simulator owns the world; this is a read-only copy of what the
// watchlist hits, feed hits and process starts of the simulated event bus name.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/testing/response_simulator.hpp"

namespace cbapi::testing::sim {

/// One generated process: its search document (first segment, the shape `/api/v1/process` returns, which is the doc
/// shape of `watchlist.hit.process`) and what a raw process-start event carries besides.
struct WorldProcess {
    nlohmann::json doc;
    std::int64_t start_us = 0;         ///< start, microseconds since the Unix epoch
    std::int64_t parent_start_us = 0;  ///< the parent's start (0 without a parent)
    long long parent_pid = -1;
    std::string parent_md5;            ///< lower hex; empty without a parent
    std::string parent_path;
};

/// The processes and binary documents of the world built from `options` (the same seed gives the same world as the
/// process simulator serves).
struct WorldSnapshot {
    std::vector<WorldProcess> processes;
    std::vector<nlohmann::json> binaries;  ///< binary documents (`/api/v1/binary` shape), upper-case md5
};

/// Builds the snapshot (as install_response_process_simulator() builds its world).
WorldSnapshot world_snapshot(const ResponseSimulatorOptions& options);

}  // namespace cbapi::testing::sim
