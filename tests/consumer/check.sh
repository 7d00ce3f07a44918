#!/usr/bin/env bash
# check.sh install <build dir> <prefix>
#   installs the build tree into <prefix>.
# check.sh deb <build dir> <output dir>
#   builds the Debian package with CPack and checks its dependencies and contents.
# check.sh cmake|pkgconfig <source dir> <prefix> <work dir> [sanitizer list]
#   builds tests/consumer against <prefix> with find_package(cbapi COMPONENTS testing) or with pkg-config
#   (cbapi-testing), then runs it.
# check.sh cmake-events <source dir> <prefix> <work dir> [sanitizer list]
#   builds the consumer of the events component (find_package(cbapi COMPONENTS events)), then runs it.
# check.sh cmake-core <source dir> <prefix> <work dir> [sanitizer list]
#   builds the consumer of cbapi::cbapi alone with find_package(cbapi) where neither cpp-httplib nor OpenSSL can be
#   found, then runs it against the installed cbapi-mock-server.
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
  cmake-events)
    src="$1" prefix="$2" work="$3" sanitize="${4:-}"
    flags=""
    [ -n "$sanitize" ] && flags="-fsanitize=$sanitize"
    rm -rf "$work"
    cmake -S "$src" -B "$work" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Debug -DCBAPI_CONSUMER_EVENTS=ON \
      -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >"$work.configure.log" 2>&1 \
      || { cat "$work.configure.log" >&2; exit 1; }
    cmake --build "$work" >/dev/null
    "$work/consumer"
    ;;
  cmake-core)
    src="$1" prefix="$2" work="$3" sanitize="${4:-}"
    flags=""
    [ -n "$sanitize" ] && flags="-fsanitize=$sanitize"
    rm -rf "$work" && mkdir -p "$work/no-pkgconfig"
    # No pkg-config module can be found (cpp-httplib has no other way in) and OpenSSL's lookup is disabled.
    PKG_CONFIG_LIBDIR="$work/no-pkgconfig" PKG_CONFIG_PATH="" \
      cmake -S "$src" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Debug \
      -DCBAPI_CONSUMER_TESTING=OFF -DCMAKE_DISABLE_FIND_PACKAGE_OpenSSL=ON -DCMAKE_DISABLE_FIND_PACKAGE_httplib=ON \
      -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >"$work/configure.log" 2>&1 \
      || { cat "$work/configure.log" >&2; exit 1; }
    # Asking for the testing component in the same place must fail, naming what is missing.
    mkdir -p "$work/testing"
    if PKG_CONFIG_LIBDIR="$work/no-pkgconfig" PKG_CONFIG_PATH="" \
         cmake -S "$src" -B "$work/testing" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" -DCBAPI_CONSUMER_TESTING=ON \
         -DCMAKE_DISABLE_FIND_PACKAGE_OpenSSL=ON >"$work/testing.log" 2>&1; then
      echo "COMPONENTS testing was found without cpp-httplib and OpenSSL" >&2
      exit 1
    fi
    grep -q "component 'testing' needs cpp-httplib" "$work/testing.log" || { cat "$work/testing.log" >&2; exit 1; }
    cmake --build "$work/build" >/dev/null
    "$prefix/bin/cbapi-mock-server" --port 0 --ca-file "$work/ca.pem" --url-file "$work/url" >"$work/server.log" 2>&1 &
    server=$!
    trap 'kill "$server" 2>/dev/null || true' EXIT
    for _ in $(seq 1 100); do [ -s "$work/url" ] && break; sleep 0.1; done
    "$work/build/consumer" "$(cat "$work/url")" MOCKAPIKEY/MOCKCONNECTOR "$work/ca.pem"
    ;;
  pkgconfig)
    src="$1" prefix="$2" work="$3" sanitize="${4:-}"
    flags=""
    [ -n "$sanitize" ] && flags="-fsanitize=$sanitize"
    rm -rf "$work" && mkdir -p "$work"
    pcdir="$(dirname "$(find "$prefix" -name cbapi.pc | head -1)")"
    export PKG_CONFIG_PATH="$pcdir"
    echo "pkg-config cbapi $(pkg-config --modversion cbapi)"
    # The SDK's module does not bring the simulator's dependencies.
    if pkg-config --print-requires cbapi | grep -qE "cpp-httplib|openssl"; then
      echo "cbapi.pc requires the simulator's dependencies" >&2
      exit 1
    fi
    # shellcheck disable=SC2046
    # The run path finds the SDK's libraries in the prefix when they are shared (the sanitizer presets' build).
    c++ -std=c++17 $flags "$src/main.cpp" -o "$work/consumer" $(pkg-config --cflags --libs cbapi-testing cbapi) \
      -Wl,-rpath,"$(pkg-config --variable=libdir cbapi)"
    "$work/consumer"
    ;;
  deb)
    build="$1" out="$2"
    rm -rf "$out"
    (cd "$build" && cpack -G DEB -B "$out" >/dev/null)
    # The SDK (cbapi-cpp), the simulator (cbapi-cpp-testing) and the example programs (cbapi-cpp-programs).
    sdk="$(ls "$out"/cbapi-cpp_*.deb)"
    testing="$(ls "$out"/cbapi-cpp-testing_*.deb)"
    dpkg-deb --info "$sdk"
    dpkg-deb --info "$testing"
    contents="$(dpkg-deb --contents "$sdk")"
    echo "$contents"
    depends="$(dpkg-deb --field "$sdk" Depends)"
    echo "$depends" | grep -q "libcurl4-openssl-dev" || { echo "no Depends on libcurl" >&2; exit 1; }
    if echo "$depends" | grep -qE "httplib|libssl"; then
      echo "the SDK package depends on the simulator's dependencies: $depends" >&2
      exit 1
    fi
    for wanted in /usr/include/cbapi/response/api.hpp /usr/include/cbapi/version.hpp '/libcbapi\.(a$|so)' \
                  'cmake/cbapi/cbapiConfig\.cmake$' 'cmake/cbapi/cbapiConfigVersion\.cmake$' \
                  'cmake/cbapi/cbapiTargets\.cmake$' 'pkgconfig/cbapi\.pc$'; do
      echo "$contents" | grep -qE -- "$wanted" || { echo "the package lacks $wanted" >&2; exit 1; }
    done
    for unwanted in 'include/cbapi/testing/' 'libcbapi_testing\.(a|so)' 'cbapiTestingTargets' 'cbapi-testing\.pc$' \
                    'bin/cbapi-mock-server$'; do
      if echo "$contents" | grep -qE -- "$unwanted"; then echo "the SDK package holds $unwanted" >&2; exit 1; fi
    done
    tcontents="$(dpkg-deb --contents "$testing")"
    echo "$tcontents"
    tdepends="$(dpkg-deb --field "$testing" Depends)"
    for wanted in "cbapi-cpp (=" libcpp-httplib-dev libssl-dev; do
      echo "$tdepends" | grep -qF -- "$wanted" || { echo "cbapi-cpp-testing lacks Depends $wanted: $tdepends" >&2; exit 1; }
    done
    for wanted in /usr/include/cbapi/testing/simulators.hpp '/libcbapi_testing\.(a$|so)' 'cmake/cbapi/cbapiTestingTargets\.cmake$' \
                  'pkgconfig/cbapi-testing\.pc$' /usr/bin/cbapi-mock-server; do
      echo "$tcontents" | grep -qE -- "$wanted" || { echo "cbapi-cpp-testing lacks $wanted" >&2; exit 1; }
    done
    # The event side (cbapi-cpp-events), where the build has it.
    if ls "$out"/cbapi-cpp-events_*.deb >/dev/null 2>&1; then
      events="$(ls "$out"/cbapi-cpp-events_*.deb)"
      econtents="$(dpkg-deb --contents "$events")"
      edepends="$(dpkg-deb --field "$events" Depends)"
      for wanted in "cbapi-cpp (=" librabbitmq-dev libprotobuf-dev libpugixml-dev; do
        echo "$edepends" | grep -qF -- "$wanted" || { echo "cbapi-cpp-events lacks Depends $wanted: $edepends" >&2; exit 1; }
      done
      for wanted in /usr/include/cbapi/events.hpp /usr/include/cbapi/events/bus.hpp '/libcbapi_events\.(a$|so)' \
                    'cmake/cbapi/cbapiEventsTargets\.cmake$'; do
        echo "$econtents" | grep -qE -- "$wanted" || { echo "cbapi-cpp-events lacks $wanted" >&2; exit 1; }
      done
      if echo "$contents" | grep -qE 'include/cbapi/events/|libcbapi_events'; then
        echo "the SDK package holds the events component" >&2
        exit 1
      fi
      echo "events package complete: $(basename "$events")"
    fi
    echo "package complete: $(basename "$sdk") $(basename "$testing")"
    ;;
  *)
    echo "usage: check.sh install|cmake|cmake-core|pkgconfig|deb ..." >&2
    exit 2
    ;;
esac
