#!/usr/bin/env bash
# testbed/demo.sh: build the `demo` example, then run it with every test server up (private
# network namespace when possible). Arguments go to the demo: testbed/demo.sh [ARGS...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. testbed/lib.sh

./testbed/setup.sh
# Build while the registry is reachable: the namespace has no network.
cargo build --example demo
rc=0
tb_with_servers cargo run --offline --example demo -- "$@" || rc=$?
exit "$rc"
