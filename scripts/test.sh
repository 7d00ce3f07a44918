#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs the whole test suite.
#
# scripts/test.sh            the CI run, three stages:
#                              1. every test under ASan+UBSan (preset asan-ubsan: Debug, warnings as errors);
#                              2. the concurrency tests under ThreadSanitizer (preset tsan);
#                              3. every libFuzzer target on its seed corpus for a bounded time (scripts/fuzz.sh).
# scripts/test.sh <preset>   every test under one preset (dev, asan-ubsan or tsan).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# The test programs with concurrent code paths, and the tests among them that run it.
TSAN_TARGETS=(cbapi_connection_tests cbapi_response_tests)
TSAN_TESTS='Concurren|Parallel|Prefetch|Cancel|Inflight|Thread|Worker|Job|Keepalive|Session'

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

cbapi_install_missing "${CBAPI_TEST_PACKAGES[@]}"
start=$SECONDS
run_suite asan-ubsan
echo "==> Stage 1 (ASan+UBSan, whole suite) took $((SECONDS - start)) s"

start=$SECONDS
cd "$CBAPI_ROOT"
echo "==> Building the concurrency tests under ThreadSanitizer"
cmake --preset tsan >/dev/null
cmake --build --preset tsan --target "${TSAN_TARGETS[@]}"
echo "==> Running the concurrency tests under ThreadSanitizer"
ctest --preset tsan --output-on-failure -j "$(nproc)" -R "$TSAN_TESTS" -E "_NOT_BUILT|Example|Consumer|Package|CompileFail"
echo "==> Stage 2 (TSan, concurrency tests) took $((SECONDS - start)) s"

start=$SECONDS
bash "$CBAPI_ROOT/scripts/fuzz.sh" "${CBAPI_FUZZ_SECONDS:-20}"
echo "==> Stage 3 (fuzzing) took $((SECONDS - start)) s"
