#!/usr/bin/env bash
# testbed/soak.sh: the soak run (examples/soak.rs) against the test servers: mixed blocking,
# callback, async and stream requests with fault routes, destroy() mid-flight, dropped
# futures and handles; fails on RSS, fd or thread growth after the warm-up, on an unexpected
# outcome, or on a hang. The samples and the verdict are printed.
#
#   testbed/soak.sh                   # 300 s (make soak)
#   testbed/soak.sh 30                # the test command's short run (step soak_short)
#   testbed/soak.sh 30 --self-test-leak memory   # must FAIL: shows the growth check works
#   testbed/soak.sh 60 --seed 7 --workers 8      # arguments after SECONDS go to the soak
#
# Builds first (network), then runs under testbed/shell.sh (servers up, private namespace).
# Exits with the soak's status: 0 ok, 1 growth or unexpected outcomes, 3 hang, 2 usage.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
seconds="${1:-300}"
[[ $# -gt 0 ]] && shift
[[ $seconds =~ ^[0-9]+$ ]] || { echo "soak: SECONDS must be a whole number, got $seconds" >&2; exit 2; }
cargo build -q --example soak
exec testbed/shell.sh "$repo/target/debug/examples/soak" --duration "$seconds" "$@"
