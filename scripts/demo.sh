#!/usr/bin/env bash
# The demo command: installs what is missing, builds (release preset), starts the bundled simulator
# (cbapi-mock-server) and runs a guided tour of the example programs against it (scripts/lib/tour.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

cbapi_install_missing "${CBAPI_DEMO_PACKAGES[@]}"
cbapi_build release

bash "$CBAPI_ROOT/scripts/lib/tour.sh" "$CBAPI_ROOT/build/release"
