#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs the whole test suite.
#
# scripts/test.sh            the CI run, three stages:
#                              1. every test under ASan+UBSan (preset asan-ubsan: Debug, warnings as errors);
#                              2. every test program that starts threads under ThreadSanitizer (preset tsan; below);
#                              3. every libFuzzer target on its seed corpus for a bounded time (scripts/fuzz.sh).
# scripts/test.sh <preset>   every test under one preset (dev, asan-ubsan or tsan).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# Stage 2 builds the gtest programs under ThreadSanitizer and runs all their tests. Nearly every test starts threads:
# the simulator answers on server threads, and iterating a query prefetches pages on threads of its own; then come
# parallel pages, cancellation, the Live Response job pool, keepalive and close_all, and the cblr_cli programs'
# InterruptGuard, and on the event side the consumer's worker threads and every source's network or file thread. A name
# filter would miss the next such test, so there is none. The programs the test programs run
# (the cblr_cli, defense and check_datasharing examples) are built under TSan too, as their dependencies.
# Left out, by ctest label (tests/CMakeLists.txt):
#   example  the tests of cbapi_example_runner (and Demo.Tour, Simulator.Program): each runs one example program, a
#            client making one request at a time whose threaded paths (prefetch) the test programs already cover,
#            against the same simulator; building the ~25 examples no test program needs would add about a third to
#            the TSan build on a 2-core machine. Stage 1 runs them under ASan+UBSan.
#   build    tests that compile or package something instead of running SDK code (CompileFail.*, Consumer.*,
#            Package.*, Docs.*): nothing for TSan to see, and minutes of building each.
# And cbapi_unit_tests is not built (its tests then show up only as cbapi_unit_tests_NOT_BUILT, left out too): pure
# logic, no socket and no thread, nine sources to compile for nothing TSan could see.
TSAN_TARGETS=(cbapi_connection_tests cbapi_response_tests cbapi_defense_tests cbapi_protection_tests
              cbapi_response_process_tests cbapi_response_admin_tests cbapi_response_intel_tests
              cbapi_live_response_tests cbapi_robustness_tests cbapi_hostile_tests
              cbapi_events_core_tests cbapi_events_bus_tests cbapi_events_forwarder_tests cbapi_events_s3_tests
              cbapi_events_examples_tests)

run_suite() {
  local preset="$1"
  cbapi_build "$preset"
  echo "==> Running the test suite (preset '$preset')"
  cd "$CBAPI_ROOT"
  ctest --preset "$preset" --output-on-failure -j "$(nproc)"
}

if [ $# -gt 0 ]; then
  cbapi_install_missing
  run_suite "$1"
  exit 0
fi

# The event side's S3 tests run s3rver (from the npm registry, installed by the tests) on Node.js: Debian's nodejs and
# npm when the machine has no npm of its own (a machine with NodeSource's nodejs has one; Debian's npm would conflict).
node_packages=()
command -v npm >/dev/null 2>&1 || node_packages=(nodejs npm)
cbapi_install_missing "${CBAPI_TEST_PACKAGES[@]}" "${node_packages[@]}"
# Disk: the sanitizer presets build shared libraries (CMakePresets.json), so that the ~60 programs do not each carry
# a sanitized copy of the library: about 6 GB for stage 1 and 2 GB for stage 2 instead of 11 GB and 3 GB (a CI run
# once ran out of disk in stage 2). When the disk is short anyway, stage 1's tree goes before stage 2 builds.
free_gb() { df -Pk "$CBAPI_ROOT" | awk 'NR == 2 { print int($4 / 1048576) }'; }
echo "==> $(free_gb) GB free on the build disk"
start=$SECONDS
run_suite asan-ubsan
echo "==> Stage 1 (ASan+UBSan, whole suite) took $((SECONDS - start)) s"

start=$SECONDS
cd "$CBAPI_ROOT"
if [ "$(free_gb)" -lt 6 ]; then
  echo "==> Only $(free_gb) GB free: removing stage 1's build tree (build/asan-ubsan) before stage 2"
  rm -rf "$CBAPI_ROOT/build/asan-ubsan"
fi
echo "==> $(free_gb) GB free on the build disk"
echo "==> Building every test program under ThreadSanitizer"
cmake --preset tsan >/dev/null
cmake --build --preset tsan --target "${TSAN_TARGETS[@]}"
echo "==> Running every test program's tests under ThreadSanitizer"
ctest --preset tsan --output-on-failure -j "$(nproc)" -LE '^(example|build)$' -E '_NOT_BUILT'
echo "==> Stage 2 (TSan, every test program) took $((SECONDS - start)) s"

start=$SECONDS
bash "$CBAPI_ROOT/scripts/fuzz.sh" "${CBAPI_FUZZ_SECONDS:-20}"
echo "==> Stage 3 (fuzzing) took $((SECONDS - start)) s"
