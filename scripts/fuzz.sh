#!/usr/bin/env bash
# scripts/fuzz.sh [seconds per target]: builds the libFuzzer targets (clang, ASan+UBSan) and runs each on its seed
# corpus for a bounded time (default 20 s). A finding stops the run with the crashing input saved under
# build/fuzz/findings/; add it to fuzz/corpus/<target>/ with the fix, as a regression seed.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
seconds="${1:-20}"
cbapi_install_missing "${CBAPI_TEST_PACKAGES[@]}"
cbapi_build fuzz
cd "$CBAPI_ROOT"
findings="build/fuzz/findings"
mkdir -p "$findings"
for corpus in fuzz/corpus/*/; do
  target="$(basename "$corpus")"
  work="build/fuzz/corpus/$target"   # grows while fuzzing; the seeds in the repo stay as they are
  mkdir -p "$work"
  echo "==> fuzz_$target for ${seconds}s"
  "build/fuzz/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
    -artifact_prefix="$findings/$target-" "$work" "$corpus" 2>&1 | grep -E "^(Done [0-9]+ runs|==[0-9]+==|SUMMARY)" || true
  if ls "$findings/$target-"* >/dev/null 2>&1; then
    echo "fuzz_$target found a failing input: $(ls "$findings/$target-"*)" >&2
    exit 1
  fi
done
echo "==> Fuzzing finished: no findings"
