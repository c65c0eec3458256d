#!/usr/bin/env bash
# testbed/profile.sh: profile one client of the benchmark on one small-request job, the way
# bench/analysis.md was written. Runs the harness's own child process (`bench child JOB`)
# inside the test bed, under callgrind (exact instruction counts per thread) or perf (sampled
# CPU time per thread, kernel included; software clock, works without hardware counters).
#   testbed/profile.sh callgrind ohos-callback [N] [IN_FLIGHT]   -> target/profile/<client>.cg-*
#   testbed/profile.sh perf      curl-multi    [N] [IN_FLIGHT]   -> target/profile/<client>.perf
# Then: callgrind_annotate --inclusive=yes target/profile/ohos-callback.cg-02 (02 = reactor)
#       perf report -i target/profile/curl-multi.perf --no-children --sort comm,dso,sym
# Defaults: 4000 requests of 1 KiB from nginx, 64 in flight, pools of 64 per host (as W2).
# PROFILE_TLS=1: W4's shape instead (nginx over TLS + HTTP/2, the test CA, ohos-http's default pool).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tool="${1:?usage: testbed/profile.sh callgrind|perf CLIENT [N] [IN_FLIGHT]}"
client="${2:?usage: testbed/profile.sh callgrind|perf CLIENT [N] [IN_FLIGHT]}"
n="${3:-4000}"
conc="${4:-64}"
case "$tool" in
  callgrind) command -v valgrind >/dev/null || apt-get install -y -qq valgrind >/dev/null ;;
  perf) command -v perf >/dev/null || apt-get install -y -qq linux-perf >/dev/null ;;
  *) echo "profile.sh: the tool is callgrind or perf, not $tool" >&2; exit 2 ;;
esac
target="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --release -p bench
out="$target/profile"
mkdir -p "$out"
export PROFILE_TLS="${PROFILE_TLS:-0}" PROFILE_TOOL="$tool" PROFILE_CLIENT="$client" PROFILE_N="$n" PROFILE_CONC="$conc" \
  PROFILE_OUT="$out" PROFILE_BIN="$target/release/bench"
exec testbed/shell.sh bash -c '
  url="$OHOS_HTTP_TB_NGINX_URL" pool=h64 ca=null
  if [[ $PROFILE_TLS == 1 ]]; then
    url="$OHOS_HTTP_TB_NGINX_TLS_URL" pool=h6 ca="\"$OHOS_HTTP_TB_CA\""
  fi
  job=$(printf "{\"workload\":\"P\",\"client\":\"%s\",\"pool\":\"%s\",\"url\":\"%s/1k.bin\",\"expect\":1024,\"n\":%d,\"conc\":%d,\"body\":\"whole\",\"warm\":128,\"warm_url\":null,\"warm_expect\":1024,\"ca\":%s,\"idle_secs\":0,\"latency\":false,\"status_url\":null}" \
    "$PROFILE_CLIENT" "$pool" "$url" "$PROFILE_N" "$PROFILE_CONC" "$ca")
  if [[ $PROFILE_TOOL == callgrind ]]; then
    valgrind --tool=callgrind --separate-threads=yes \
      --callgrind-out-file="$PROFILE_OUT/$PROFILE_CLIENT.cg" "$PROFILE_BIN" child "$job"
    ls "$PROFILE_OUT/$PROFILE_CLIENT".cg*
  else
    perf record -e cpu-clock -F 20000 -g -o "$PROFILE_OUT/$PROFILE_CLIENT.perf" "$PROFILE_BIN" child "$job"
    perf report -i "$PROFILE_OUT/$PROFILE_CLIENT.perf" --no-children --sort comm,dso -g none --stdio 2>/dev/null | grep -v "^#" | head -20
  fi'
