#!/usr/bin/env bash
# bindings/node/build.sh: build the Node.js addon (build/ohos_http.node) against the C ABI.
#
#   bindings/node/build.sh        # cargo build --lib, then g++ against the installed Node headers
#
# Needs: node and its headers (/usr/include/node: Debian's libnode-dev, or NodeSource's
# nodejs), g++, and `npm ci` done in bindings/node (node-addon-api, headers only). Headers are
# never downloaded: the addon is compiled with a plain g++ against what is installed.
# Links target/debug/libohos_http.so (or $CARGO_TARGET_DIR/debug) with an rpath to it and the
# system libcurl that library uses. CARGO_OFFLINE=1 builds the library with --offline.
# Rebuilds only when a source, the header or the library is newer than the addon.
# Prints the addon's path last.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
libdir="$target/debug"

(cd "$repo" && cargo build --lib ${CARGO_OFFLINE:+--offline} >&2)

node_inc=""
prefix="$(node -p 'process.config.variables.node_prefix || ""' 2>/dev/null || true)"
for d in "$prefix/include/node" /usr/include/node /usr/local/include/node; do
  if [[ -f "$d/node_api.h" ]]; then node_inc="$d"; break; fi
done
[[ -n "$node_inc" ]] || { echo "build.sh: node_api.h not found (install libnode-dev)" >&2; exit 1; }
napi_inc="$here/node_modules/node-addon-api"
[[ -f "$napi_inc/napi.h" ]] || { echo "build.sh: node-addon-api missing: run 'npm ci' in $here" >&2; exit 1; }

out="$here/build/ohos_http.node"
mkdir -p "$here/build"
srcs=("$here"/src/*.cc)
newest="$(ls -t "${srcs[@]}" "$here"/src/*.h "$repo/include/ohos_http.h" "$libdir/libohos_http.so" "$0" | head -1)"
if [[ -f "$out" && "$out" -nt "$newest" ]]; then
  echo "$out"
  exit 0
fi
# One g++ per source, two at a time, then link.
objs=()
pids=()
for src in "${srcs[@]}"; do
  obj="$here/build/$(basename "${src%.cc}").o"
  objs+=("$obj")
  g++ -std=c++17 -Wall -Wextra -Werror -pedantic -O2 -g -fPIC -fvisibility=hidden \
    -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS -DNODE_ADDON_API_DISABLE_DEPRECATED \
    -DNODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS \
    -isystem "$node_inc" -isystem "$napi_inc" -I "$repo/include" -c "$src" -o "$obj" &
  pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
[[ $rc -eq 0 ]] || { echo "build.sh: compile failed" >&2; exit 1; }
g++ -shared -o "$out.tmp" "${objs[@]}" -L "$libdir" -lohos_http -Wl,-rpath,"$libdir" -pthread
mv "$out.tmp" "$out"
echo "$out"
