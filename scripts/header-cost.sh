#!/usr/bin/env bash
# What a user's source file pays for including the SDK: compile time, compiler memory, preprocessed lines and object
# code, measured as a user would (g++, one file, -I the headers), next to nlohmann/json alone in the same run.
#
#   scripts/header-cost.sh                  the current tree
#   scripts/header-cost.sh --baseline REF   the current tree and git REF side by side (e.g. a commit before a change)
#   CXX=clang++ scripts/header-cost.sh      another compiler
#
# Each time is the best of CBAPI_HEADER_COST_RUNS (default 3) runs, so that a busy machine inflates it less. The targets
# (docs/performance.md, "What including the SDK costs"): -fsyntax-only of a product header at most 1.5 s and at most
# twice nlohmann/json alone; an empty main including response.hpp at -O2 at most 2.5 s and 8 KB of object code; the
# 30-line process iteration below at most 4 s.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CXX="${CXX:-g++}"
runs="${CBAPI_HEADER_COST_RUNS:-3}"
baseline=""
if [ "${1:-}" = "--baseline" ]; then
  baseline="${2:?--baseline needs a git ref}"
fi

work="$(mktemp -d)"
cleanup() {
  if [ -n "$baseline" ] && [ -d "$work/baseline" ]; then git -C "$root" worktree remove --force "$work/baseline" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The generated version header, as CMake writes it.
version_include() {  # $1 = tree, $2 = output dir
  local tree="$1" out="$2" version
  version="$(sed -n 's/^project(cbapi[^)]*VERSION \([0-9.]*\).*/\1/p' "$tree/CMakeLists.txt" | head -1)"
  version="${version:-0.0.0}"
  mkdir -p "$out/cbapi"
  IFS=. read -r major minor patch <<<"$version"
  sed -e "s/@PROJECT_VERSION_MAJOR@/$major/" -e "s/@PROJECT_VERSION_MINOR@/$minor/" -e "s/@PROJECT_VERSION_PATCH@/$patch/" \
      -e "s/@PROJECT_VERSION@/$version/" "$tree/cmake/version.hpp.in" > "$out/cbapi/version.hpp"
}

cat > "$work/json.cpp" <<'EOF'
#include <nlohmann/json.hpp>
EOF
cat > "$work/empty_main.cpp" <<'EOF'
#include <cbapi/response.hpp>
int main() {}
EOF
cat > "$work/iterate.cpp" <<'EOF'
// A 30-line user program: the processes of one host, newest first, with their command lines.
#include <iostream>
#include <string>

#include <cbapi/response.hpp>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: " << argv[0] << " <hostname>\n";
        return 2;
    }
    try {
        const auto cb = cbapi::response::CbResponseAPI::from_profile();
        auto processes = cb.select<cbapi::response::Process>()
                             .where("hostname:" + std::string(argv[1]))
                             .sort("last_update desc");
        std::size_t shown = 0;
        for (const auto& p : processes) {
            std::cout << p.process_name() << " (" << p.process_pid() << ") " << p.username() << ": " << p.cmdline()
                      << "\n";
            if (++shown == 20) break;
        }
        std::cout << shown << " of " << processes.size() << " processes\n";
        return 0;
    } catch (const cbapi::ApiError& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
EOF

# best_of CMD...: the fastest of $runs runs; prints "<seconds> <max RSS in MB>"
best_of() {
  local best="" best_mem="" i secs kb
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -o "$work/time.txt" -f '%e %M' "$@" >/dev/null 2>"$work/compiler.txt" || {
      echo "header-cost: this failed to compile: $*" >&2
      cat "$work/compiler.txt" >&2
      exit 1
    }
    read -r secs kb <"$work/time.txt"
    if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then best="$secs"; best_mem=$((kb / 1024)); fi
  done
  echo "$best $best_mem"
}

# text_bytes OBJ: the object's code and data (size's text+data+bss)
object_bytes() { size "$1" | awk 'NR == 2 { print $1 + $2 + $3 }'; }

measure_tree() {  # $1 = label, $2 = tree
  local label="$1" tree="$2" gen="$work/gen-$1" flags
  version_include "$tree" "$gen"
  flags=(-std=c++17 -I"$tree/include" -I"$gen")
  for header in cbapi/response.hpp cbapi/protection.hpp cbapi/defense.hpp cbapi/live_response/live_response.hpp; do
    [ -f "$tree/include/$header" ] || continue
    printf '#include <%s>\n' "$header" > "$work/h.cpp"
    read -r secs mb <<<"$(best_of "$CXX" "${flags[@]}" -fsyntax-only "$work/h.cpp")"
    lines="$("$CXX" "${flags[@]}" -E -P "$work/h.cpp" | grep -cv '^\s*$' || true)"
    printf '| %s | `#include <%s>`, `-fsyntax-only` | %s s | %s MB | %s lines | — |\n' "$label" "$header" "$secs" "$mb" "$lines"
  done
  read -r secs mb <<<"$(best_of "$CXX" "${flags[@]}" -O2 -c "$work/empty_main.cpp" -o "$work/empty.o")"
  printf '| %s | `response.hpp` + `int main(){}`, `-O2 -c` | %s s | %s MB | — | %s bytes |\n' "$label" "$secs" "$mb" \
    "$(object_bytes "$work/empty.o")"
  read -r secs mb <<<"$(best_of "$CXX" "${flags[@]}" -O2 -c "$work/iterate.cpp" -o "$work/iterate.o")"
  printf '| %s | 30-line process iteration, `-O2 -c` | %s s | %s MB | — | %s bytes |\n' "$label" "$secs" "$mb" \
    "$(object_bytes "$work/iterate.o")"
}

echo "# What including the SDK costs ($("$CXX" --version | head -1), best of $runs, $(nproc) cores)"
echo
echo "| tree | what | time | compiler memory | preprocessed | object code |"
echo "|---|---|---|---|---|---|"
read -r secs mb <<<"$(best_of "$CXX" -std=c++17 -fsyntax-only "$work/json.cpp")"
lines="$("$CXX" -std=c++17 -E -P "$work/json.cpp" | grep -cv '^\s*$' || true)"
printf '| — | `#include <nlohmann/json.hpp>` alone, `-fsyntax-only` | %s s | %s MB | %s lines | — |\n' "$secs" "$mb" "$lines"
measure_tree current "$root"
if [ -n "$baseline" ]; then
  git -C "$root" worktree add --detach "$work/baseline" "$baseline" >/dev/null 2>&1
  measure_tree "$baseline" "$work/baseline"
fi
