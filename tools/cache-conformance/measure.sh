#!/usr/bin/env bash
# tools/cache-conformance/measure.sh: runs the http-tests/cache-tests suite in its
# private-cache (browser) profile against ohos-http's HttpResponseCache, through a loopback
# front (front.js) that forwards every request with `usingCache: true` to one cache. Not part
# of the test command: the suite stays outside this repository.
#
#   SUITE=/path/to/cache-tests tools/cache-conformance/measure.sh [TEST-ID]
#
# SUITE: a checkout of github.com/http-tests/cache-tests (its test-engine/ and tests/, with
# `npm install` done). Prints every failing test and `passed N of M required+optimal`.
# RESULTS=file keeps the results JSON; SHOW_CHECKS=1 lists failing 'check' tests too;
# FRONT_LOG=1 logs each forwarded exchange to $OUT/front.log. Everything runs inside
# `unshare -n` (loopback only): suite server 127.0.0.1:18901, front 127.0.0.1:18900.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
suite="${SUITE:?SUITE must name a checkout of http-tests/cache-tests}"
if [[ -z "${IN_NETNS:-}" ]]; then
  exec unshare -n env IN_NETNS=1 bash "$0" "$@"
fi
ip link set lo up
[[ -f "$here/../../bindings/node/build/ohos_http.node" || -n "${OHOS_HTTP_NODE_ADDON:-}" ]] \
  || { echo "measure.sh: build the addon first (testbed/node-addon.sh)" >&2; exit 2; }
out="${OUT:-$(mktemp -d)}"
mkdir -p "$out/cache-dir"
# the runner imports the suite's own modules: it runs from the suite's directory
cp "$here/run-browser-profile.mjs" "$suite/.ohos-run-browser-profile.mjs"
(cd "$suite" && npm_config_protocol=http npm_config_port=18901 npm_config_pidfile="$out/server.pid" \
  exec node test-engine/server/server.mjs >"$out/server.log" 2>&1) &
spid=$!
FRONT_CACHE_DIR="$out/cache-dir" node "$here/front.js" 18900 http://127.0.0.1:18901 2>"$out/front.log" &
fpid=$!
trap 'kill "$fpid" "$spid" 2>/dev/null || true; rm -f "$suite/.ohos-run-browser-profile.mjs"' EXIT
sleep 1.5
cd "$suite"
RESULTS="${RESULTS:-$out/results.json}" node --no-warnings .ohos-run-browser-profile.mjs http://127.0.0.1:18900 "${1:-}"
