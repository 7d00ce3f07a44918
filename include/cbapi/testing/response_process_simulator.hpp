#pragma once
/// @file
/// The Cb Response process and binary simulator: process trees on the simulated hosts (one tree per host, several
/// segments, all six event types), binaries with downloadable files, and the search, summary, event, segment,
/// frequency and binary endpoints with the real server's paging and version-dependent formats.
///
/// Endpoints (all GET):
/// - `/api/v1/process` — search: `q` (Solr-like: `field:value`, `*` wildcards, quotes, `[a TO b]` ranges, `-`/NOT,
///   `or`, parentheses; `filemod:`, `regmod:`, `modload:`, `domain:` match a process's events), `rows`, `start`,
///   `sort`, `facet`/`facet.field`; on 6.x servers also `cb.group` and `cb.min_last_update`, `cb.max_last_update`,
///   `cb.min_last_server_update`, `cb.max_last_server_update`. One result per segment unless grouped by `id`.
/// - `/api/v1/process/<guid>/<segment>` — summary `{process, parent, children, siblings}`; `children=<n>` caps the
///   children (default 15), siblings are capped at 15; segment 0 (6.x) is the whole process.
/// - `/api/v<n>/process/<guid>/<segment>/event` — events; n up to 2 on 5.1 servers, up to 4 on 6.x, with each
///   version's formats (v1 pipe strings, v2 JSON netconns with integer IPs, v3 JSON childprocs, v4 dotted IPs).
/// - `/api/v1/process/<guid>/segment` (6.x only) — the segment list.
/// - `/api/v1/process/host/count?name=md5&md5=<MD5>` — binary frequency.
/// - `/api/v1/binary` (search), `/api/v1/binary/<MD5>/summary`, `/api/v1/binary/<MD5>` (a zip with members
///   `filedata` and `metadata`; some stored, some deflated; 404 for binaries whose file the server lacks),
///   `/api/v1/binary/<MD5>/icon` (PNG).

#include "cbapi/testing/mock_server.hpp"
#include "cbapi/testing/response_simulator.hpp"

namespace cbapi::testing {

/// Registers the process and binary endpoints on `server`, with data derived from `options` (seed, hosts, scale,
/// server version). `/api/info` comes from install_response_info().
void install_response_process_simulator(MockServer& server, const ResponseSimulatorOptions& options = {});

}  // namespace cbapi::testing
