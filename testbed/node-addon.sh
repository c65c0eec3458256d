#!/usr/bin/env bash
# testbed/node-addon.sh: build the Node.js addon (bindings/node/) against the freshly built
# library and run its node:test suite against the test servers.
#
#   testbed/node-addon.sh                     # from anywhere: installs node/npm/g++ if missing,
#                                             # npm ci, builds, then reruns itself under
#                                             # testbed/shell.sh (servers up, no network)
#   testbed/shell.sh testbed/node-addon.sh    # servers already up: builds offline and runs
#   testbed/node-addon.sh stream destroy      # only test/stream.test.js and test/destroy.test.js
#
# In the test command: step_node_addon() { ./testbed/node-addon.sh; }
# Node: the installed one when there is one (with its headers), else Debian's nodejs +
# libnode-dev (+ npm). Headers are never downloaded: bindings/node/build.sh compiles with g++
# against /usr/include/node and node-addon-api (from the npm registry via the committed
# package-lock.json). Prints the test runner's TAP (`# pass N`, `# fail 0`); exits non-zero
# when the build or any test fails.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
log() { printf 'node-addon: %s\n' "$*" >&2; }
# shellcheck source=testbed/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
pkg="$repo/bindings/node"

node_headers() {
  local prefix d
  prefix="$(node -p 'process.config.variables.node_prefix || ""' 2>/dev/null || true)"
  for d in "$prefix/include/node" /usr/include/node /usr/local/include/node; do
    [[ -f "$d/node_api.h" ]] && return 0
  done
  return 1
}

ensure_tools() {
  local missing=()
  if ! command -v node >/dev/null; then
    missing+=(nodejs libnode-dev)
  elif ! node_headers; then
    missing+=(libnode-dev)
  fi
  command -v npm >/dev/null || missing+=(npm)
  command -v g++ >/dev/null || missing+=(g++)
  tb_apt_install "${missing[@]}"
}

if [[ -z "${OHOS_HTTP_TB_HTTPBIN_URL:-}" ]]; then
  # Outside the test bed: everything that needs the network first, then the servers.
  ensure_tools
  log "node $(node --version), npm $(npm --version)"
  (cd "$pkg" && npm ci --no-audit --no-fund --loglevel=error >&2)
  bindings/node/build.sh >/dev/null
  exec testbed/shell.sh "$0" "$@"
fi

ensure_tools || { log "node, its headers, npm and g++ are needed (no network here to install them)"; exit 1; }
[[ -d "$pkg/node_modules/node-addon-api" ]] || { log "run 'npm ci' in bindings/node first (no network here)"; exit 1; }
export CARGO_OFFLINE=1
bindings/node/build.sh >/dev/null

files=()
if [[ $# -gt 0 ]]; then
  for name in "$@"; do files+=("$pkg/test/$name.test.js"); done
else
  files=("$pkg"/test/*.test.js)
fi
# TAP on every Node version (18's default off a terminal too): `# pass N` / `# fail 0` close it.
exec node --test --test-reporter=tap "${files[@]}"
