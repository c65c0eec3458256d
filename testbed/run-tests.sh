#!/usr/bin/env bash
# testbed/run-tests.sh: THE test command of the project (what .ci/run executes).
#
#   ./testbed/run-tests.sh [TEST-HARNESS ARGS...]
#
# Steps (see STEPS below): install the test bed, rustfmt check, clippy, rustdoc, build every
# test while the registry is reachable, then start every server inside a private network
# namespace (loopback only), self-check the test bed and run `cargo test --offline`.
#   - arguments go to the test harness: `cargo test --offline -- ARGS` (a name filter,
#     --nocapture, --test-threads=1, ...)
#   - CARGO_TEST_ARGS="--test blocking --features x": extra cargo arguments for the build and
#     test steps
#   - RUN_TESTS_SKIP="fmt clippy doc": skip steps by name (for quick local runs)
# Exits non-zero when any step fails; the last line is a one-line summary.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. testbed/lib.sh

TEST_ARGS=("$@")
read -r -a CARGO_ARGS <<<"${CARGO_TEST_ARGS:-}"

# ---------------------------------------------------------------- steps
# A step is a function step_<name>; it fails by returning non-zero.
step_setup() { ./testbed/setup.sh; }
step_fmt() { cargo fmt --all -- --check; }
step_clippy() { cargo clippy --all-targets -- -D warnings; }
step_doc() { RUSTDOCFLAGS=-Dwarnings cargo doc --no-deps; }
# Build everything the tests need now: nothing can be fetched inside the namespace.
step_build() { cargo test --no-run "${CARGO_ARGS[@]}"; }
# The C header matches what cbindgen generates from src/ffi (pinned cbindgen, installed if missing).
step_header_check() { ./testbed/check-header.sh; }
# The C++ example host: built against the shared and the static library, run against the
# servers, and once under valgrind with 2,000 more requests of mixed kinds (no leak, no
# invalid access).
step_cpp_example() { ./testbed/cpp-example.sh; }
# The Node.js addon (bindings/node/): npm ci, built against the library, node --test under the servers.
step_node_addon() { ./testbed/node-addon.sh; }
# The parsers' fuzz smoke run (fuzz/, 60 s): lint + self-test of the fuzz crate, then the
# options/policy targets with their request phase inside a private namespace.
step_fuzz_smoke() { ./testbed/fuzz.sh 60; }
# The soak's short run (examples/soak.rs, 30 s): mixed requests, fails on RSS/fd/thread growth.
step_soak_short() { ./testbed/soak.sh 30; }
# Servers up (private namespace), test bed self-check, then the tests.
# OHOS_HTTP_REQUIRE_TESTBED: a test that needs the servers fails rather than skips.
step_test() {
  OHOS_HTTP_REQUIRE_TESTBED=1 tb_with_servers bash -c './testbed/check.sh && cargo test --offline "$@"' run-tests \
    "${CARGO_ARGS[@]}" -- "${TEST_ARGS[@]}"
}

# ================================================================ STEP LIST (hook)
# "name:policy", run in this order. policy: fatal = stop at once when it fails (later steps
# cannot work), keep = record the failure and go on.
# To add a step: define step_<name> above and list it here. A step that needs the servers
# wraps its command in `tb_with_servers CMD...` (about 3 s to start them; everything built
# beforehand, since the namespace has no network).
STEPS=(
  setup:fatal
  fmt:keep
  clippy:keep
  doc:keep
  build:fatal
  header_check:keep
  cpp_example:keep
  node_addon:keep
  fuzz_smoke:keep
  soak_short:keep
  test:keep
)
# ================================================================

passed=()
failed=()
skipped=()
start_all=$SECONDS
for entry in "${STEPS[@]}"; do
  name="${entry%%:*}"
  policy="${entry#*:}"
  if [[ " ${RUN_TESTS_SKIP:-} " == *" $name "* ]]; then
    skipped+=("$name")
    echo "==> $name: skipped (RUN_TESTS_SKIP)"
    continue
  fi
  echo "==> $name"
  t0=$SECONDS
  rc=0
  "step_$name" || rc=$?
  if [[ $rc -eq 0 ]]; then
    passed+=("$name")
    echo "==> $name: ok ($((SECONDS - t0)) s)"
  else
    failed+=("$name")
    echo "==> $name: FAILED with exit $rc ($((SECONDS - t0)) s)"
    if [[ $policy == fatal ]]; then
      echo "==> stopping: later steps depend on $name"
      break
    fi
  fi
done

elapsed=$((SECONDS - start_all))
skipped_note=""
[[ ${#skipped[@]} -gt 0 ]] && skipped_note="; skipped: ${skipped[*]}"
if [[ ${#failed[@]} -eq 0 ]]; then
  echo "run-tests: OK (${passed[*]}${skipped_note}) in ${elapsed} s"
else
  echo "run-tests: FAILED (${failed[*]}; ok: ${passed[*]:-none}${skipped_note}) in ${elapsed} s"
  exit 1
fi
