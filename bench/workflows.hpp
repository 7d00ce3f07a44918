#pragma once
// The whole-workflow section of cbapi-bench-iterate (issue 21 target 6): the tf, walk_children and event_export
// examples against the in-process simulator at 100 ms per request.

namespace cbapi::bench {

/// Runs each workflow `runs` times (the example programs as child processes, against one simulator: seed 7, 100 ms
/// per request), prints a table (requests the simulator received, median wall time) and a PASS/MISS line per target:
/// tf <= 5.9 s, walk_children <= 1.0 s, event_export <= 1.2 s with every event of every segment in its CSV.
/// @return whether every target was met (false also when a workflow failed)
bool run_workflows(int runs);

}  // namespace cbapi::bench
