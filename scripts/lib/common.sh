# Shared by scripts/demo.sh and scripts/test.sh: install what is missing (Debian), configure and build a preset.
# shellcheck shell=bash

CBAPI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Every Debian package the build, the tests, the examples and the simulator need.
CBAPI_PACKAGES=(
  cmake ninja-build g++ pkg-config
  libcurl4-openssl-dev nlohmann-json3-dev libfmt-dev libspdlog-dev
  libgtest-dev libgmock-dev libcpp-httplib-dev libssl-dev libcli11-dev zlib1g-dev
  librabbitmq-dev libprotobuf-dev protobuf-compiler libpugixml-dev
)

# Extra packages of the test command only: clang and its runtime for the libFuzzer targets, doxygen for the API
# reference check, the RabbitMQ broker the event-bus tests start on loopback, curl for the demo tour's event step.
CBAPI_TEST_PACKAGES=(clang libclang-rt-14-dev doxygen rabbitmq-server curl)

# Extra packages of the demo: the throwaway RabbitMQ node of its event-bus step, and curl to trigger a watchlist hit.
CBAPI_DEMO_PACKAGES=(rabbitmq-server curl)

# cbapi_install_missing [extra packages...]: installs (as root) whatever of CBAPI_PACKAGES and the extras is missing.
cbapi_install_missing() {
  local missing=()
  local pkg
  for pkg in "${CBAPI_PACKAGES[@]}" "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${missing[*]}" >&2
    echo "Install them as root, then run this command again:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "==> Installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# cbapi_build <preset>: configure (once) and build with Ninja.
cbapi_build() {
  local preset="$1"
  cd "$CBAPI_ROOT"
  echo "==> Configuring and building preset '$preset'"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
}
