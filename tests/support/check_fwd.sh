#!/usr/bin/env bash
# check_fwd.sh <source dir>: every class, struct, enum and class template a public header defines at namespace scope
# (outside detail namespaces; namespaces are not indented in this code base, so such definitions start a line) is
# declared in include/cbapi/fwd.hpp. Prints "FWD CHECKED" when it is.
set -euo pipefail
root="$1"
fwd="$root/include/cbapi/fwd.hpp"
missing=0
while IFS= read -r header; do
  # Names defined at namespace scope, skipping `namespace detail {` ... `}  // namespace detail` blocks.
  while IFS= read -r name; do
    [ -n "$name" ] || continue
    if ! grep -Eq "^(class|struct|enum class) $name( : [a-z:_0-9]+)?;" "$fwd"; then
      echo "missing from cbapi/fwd.hpp: $name (${header#"$root"/include/})"
      missing=1
    fi
  done < <(awk '
    /^namespace [a-z_:]*detail[a-z_]* \{/ { in_detail = 1; next }
    in_detail && /^\}  \/\/ namespace [a-z_:]*detail/ { in_detail = 0; next }
    in_detail { next }
    /^(class|struct|enum class) [A-Za-z_][A-Za-z_0-9]*( final)?( : [^;]*)? ?\{/ {
      line = $0
      sub(/^enum class /, "", line); sub(/^(class|struct) /, "", line)
      sub(/[^A-Za-z_0-9].*$/, "", line)
      print line
    }' "$header")
done < <(find "$root/include/cbapi" -name '*.hpp' -not -path '*/detail/*' -not -path '*/testing/*' -not -name fwd.hpp | sort)
[ "$missing" -eq 0 ] && echo "FWD CHECKED"
