#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs the whole test suite.
# Default preset: asan-ubsan (Debug, warnings as errors, AddressSanitizer + UndefinedBehaviorSanitizer).
# Usage: scripts/test.sh [preset]      (presets with tests: dev, asan-ubsan, tsan)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

preset="${1:-asan-ubsan}"
cbapi_install_missing
cbapi_build "$preset"
echo "==> Running the test suite (preset '$preset')"
cd "$CBAPI_ROOT"
ctest --preset "$preset" --output-on-failure -j "$(nproc)"
