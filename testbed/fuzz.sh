#!/usr/bin/env bash
# testbed/fuzz.sh: fuzz the option, JSON and policy parsers (fuzz/, stable Rust, no extra
# toolchain): HttpRequestOptions::from_json + validate(), NetworkPolicy::from_json, and the C
# ABI's ohos_http_options_parse / ohos_http_policy_set_json, with a request phase against a
# refused loopback port. See fuzz/README.md for the invariants.
#
#   testbed/fuzz.sh                  # the test command's smoke run: 60 s (step fuzz_smoke)
#   testbed/fuzz.sh 1800             # 30 min
#   testbed/fuzz.sh --long 3600      # optimised build (profile `fuzz`: release + debug
#                                    # assertions + overflow checks), new inputs saved to
#                                    # target/fuzz/new-corpus/ (what `make fuzz` runs)
#   testbed/fuzz.sh 60 --seed 42     # arguments after SECONDS go to the driver (`run --help`)
#
# Steps: lint and build the fuzz crate (its own workspace: the root's fmt/clippy steps do not
# see it), its unit tests, a self-test (a planted bug the driver must find, so a broken
# detector cannot pass unnoticed), then the run itself inside a private network namespace
# (`unshare -n`, loopback only): the request phase starts only there, so nothing an input
# names (a DNS server, a proxy) is ever contacted off this machine.
# Exits 0 when no invariant broke; 1 on a violation (the input is printed and saved under
# target/fuzz/crashes/), 3 on a hang, 2 on a usage or build error.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
log() { printf 'fuzz: %s\n' "$*" >&2; }

profile=dev
extra=()
if [[ ${1:-} == --long ]]; then
  profile=fuzz
  extra=(--save "$repo/target/fuzz/new-corpus")
  shift
fi
seconds="${1:-60}"
[[ $# -gt 0 ]] && shift
[[ $seconds =~ ^[0-9]+$ ]] || { log "SECONDS must be a whole number, got $seconds"; exit 2; }

export CARGO_TARGET_DIR="$repo/target"   # share the root's build of ohos-http
manifest=(--manifest-path fuzz/Cargo.toml)
offline=()
[[ ${OHOS_HTTP_TB_NETNS:-0} == 1 ]] && offline=(--offline)
t0=$SECONDS
cargo fmt "${manifest[@]}" -- --check || { log "cargo fmt --check failed for fuzz/"; exit 2; }
cargo clippy "${offline[@]}" "${manifest[@]}" --all-targets -q -- -D warnings || { log "clippy failed for fuzz/"; exit 2; }
if ! out="$(cargo test "${offline[@]}" "${manifest[@]}" -q 2>&1)"; then
  printf '%s\n' "$out" >&2
  log "unit tests of fuzz/ failed"
  exit 2
fi
cargo build "${offline[@]}" "${manifest[@]}" --profile "$profile" -q
dir=debug
[[ $profile == dev ]] || dir="$profile"
bin="$repo/target/$dir/ohos-http-fuzz"
log "built $bin in $((SECONDS - t0)) s"

# The detector works: a bug planted in the options target must be found within 30 s.
if ! "$bin" run --target options --self-test --seconds 30 --requests off --quiet \
  --crashes "$repo/target/fuzz/self-test" >target/fuzz-self-test.log 2>&1; then
  cat target/fuzz-self-test.log >&2
  log "FAILED: the self-test did not find its planted bug"
  exit 1
fi
log "self-test: $(tail -n 1 target/fuzz-self-test.log)"

rc=0
if unshare -n true 2>/dev/null; then
  unshare -n bash -c 'ip link set lo up && exec "$@"' fuzz-netns \
    "$bin" run --seconds "$seconds" "${extra[@]}" "$@" || rc=$?
else
  log "WARNING: 'unshare -n' is not available: fuzzing the parsers without the request phase"
  "$bin" run --seconds "$seconds" --requests off "${extra[@]}" "$@" || rc=$?
fi
if [[ $rc -eq 0 && $profile == fuzz ]]; then
  log "inputs with new behaviour: target/fuzz/new-corpus/ (copy the useful ones into fuzz/corpus/)"
fi
exit "$rc"
