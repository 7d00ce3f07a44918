#!/usr/bin/env bash
# check.sh install <build dir> <prefix>
#   installs the build tree into <prefix>.
# check.sh deb <build dir> <output dir>
#   builds the Debian package with CPack and checks its dependencies and contents.
# check.sh cmake|pkgconfig <source dir> <prefix> <work dir> [sanitizer list]
#   builds tests/consumer against <prefix> with find_package(cbapi) or with pkg-config, then runs it.
set -euo pipefail
mode="$1"
shift
case "$mode" in
  install)
    rm -rf "$2"
    cmake --install "$1" --prefix "$2" >/dev/null
    echo "installed into $2"
    ;;
  cmake)
    src="$1" prefix="$2" work="$3" sanitize="${4:-}"
    flags=""
    [ -n "$sanitize" ] && flags="-fsanitize=$sanitize"
    rm -rf "$work"
    cmake -S "$src" -B "$work" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Debug \
      -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
    cmake --build "$work" >/dev/null
    "$work/consumer"
    ;;
  pkgconfig)
    src="$1" prefix="$2" work="$3" sanitize="${4:-}"
    flags=""
    [ -n "$sanitize" ] && flags="-fsanitize=$sanitize"
    rm -rf "$work" && mkdir -p "$work"
    pcdir="$(dirname "$(find "$prefix" -name cbapi.pc | head -1)")"
    export PKG_CONFIG_PATH="$pcdir"
    echo "pkg-config cbapi $(pkg-config --modversion cbapi)"
    # shellcheck disable=SC2046
    c++ -std=c++17 $flags "$src/main.cpp" -o "$work/consumer" $(pkg-config --cflags --libs cbapi-testing cbapi)
    "$work/consumer"
    ;;
  deb)
    build="$1" out="$2"
    rm -rf "$out"
    (cd "$build" && cpack -G DEB -B "$out" >/dev/null)
    deb="$(ls "$out"/*.deb)"
    dpkg-deb --info "$deb"
    contents="$(dpkg-deb --contents "$deb")"
    echo "$contents"
    dpkg-deb --field "$deb" Depends | grep -q "libcurl4-openssl-dev" || { echo "no Depends on libcurl" >&2; exit 1; }
    for wanted in /usr/include/cbapi/response/api.hpp /usr/include/cbapi/version.hpp /usr/include/cbapi/testing/simulators.hpp \
                  'libcbapi\.a$' 'libcbapi_testing\.a$' 'cmake/cbapi/cbapiConfig\.cmake$' 'cmake/cbapi/cbapiConfigVersion\.cmake$' \
                  'cmake/cbapi/cbapiTargets\.cmake$' 'pkgconfig/cbapi\.pc$' 'pkgconfig/cbapi-testing\.pc$' /usr/bin/cbapi-mock-server; do
      echo "$contents" | grep -qE -- "$wanted" || { echo "the package lacks $wanted" >&2; exit 1; }
    done
    echo "package complete: $(basename "$deb")"
    ;;
  *)
    echo "usage: check.sh install|cmake|pkgconfig ..." >&2
    exit 2
    ;;
esac
