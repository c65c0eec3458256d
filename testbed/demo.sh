#!/usr/bin/env bash
# testbed/demo.sh: build the `demo` example, then run it with every test server up (private
# network namespace when possible). Arguments go to the demo: testbed/demo.sh [ARGS...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. testbed/lib.sh

./testbed/setup.sh
if [[ ! -f examples/demo.rs && ! -f examples/demo/main.rs ]] && ! grep -q '^name *= *"demo"' Cargo.toml; then
  echo "demo: there is no example named demo yet (examples/demo.rs); nothing to run"
  exit 0
fi
# Build while the registry is reachable: the namespace has no network.
cargo build --example demo
rc=0
tb_with_servers cargo run --offline --example demo -- "$@" || rc=$?
exit "$rc"
