#!/usr/bin/env bash
# testbed/bench.sh: the benchmark of issue 7 in one command. Sets up the test bed, builds the
# `bench` workspace member in release mode, starts the servers in a private network namespace
# and runs the harness, which writes BENCHMARKS.md and bench/ratios.png.
#   testbed/bench.sh                 full run (7 rounds, ~20 min on 2 cores)
#   testbed/bench.sh --quick         1/10 of the counts, 3 rounds
#   testbed/bench.sh --only W2,W4 --clients ohos-callback,isahc-async --rounds 5
#   testbed/bench.sh --help          every option
# CARGO_TARGET_DIR is honoured (default: target/).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./testbed/setup.sh
target="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --release -p bench
exec testbed/shell.sh "$target/release/bench" run "$@"
