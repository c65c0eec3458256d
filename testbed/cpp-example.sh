#!/usr/bin/env bash
# testbed/cpp-example.sh: build the C++ example host (examples/cpp/) against the C ABI and
# run it against the test servers: once linked to the shared library, once to the static
# one, and once (shared) under valgrind (no definite leak, no invalid access), where the
# checks are followed by a stress phase of OHOS_HTTP_VALGRIND_REQUESTS (default 2000)
# requests of mixed kinds through the C ABI (`--stress N`: blocking, async, streams, errors,
# cancellations by destroy), so that leaks and races that need many requests show too.
# `main.cpp --stress N --self-test-leak` leaks responses on purpose: valgrind must fail then.
#
#   testbed/cpp-example.sh                    # from anywhere: installs g++/valgrind if missing,
#                                             # builds, then reruns itself under testbed/shell.sh
#   testbed/shell.sh testbed/cpp-example.sh   # servers already up: builds offline and runs
#
# In the test command: build first (network), then run under the servers, e.g.
#   step_cpp_example() { ./testbed/cpp-example.sh; }
# Exits non-zero when a build fails, a check of the example fails, or valgrind reports an
# error. Valgrind needs no suppressions today: libcurl's and OpenSSL's global state is only
# "still reachable", and the library's threads (reactor, dispatcher, its watchdog) are "possibly lost"
# at most; neither kind is counted (--errors-for-leak-kinds=definite).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
log() { printf 'cpp-example: %s\n' "$*" >&2; }
# shellcheck source=testbed/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_tools() {
  local missing=() p
  command -v g++ >/dev/null || missing+=(g++)
  command -v valgrind >/dev/null || missing+=(valgrind)
  command -v pkg-config >/dev/null || missing+=(pkg-config)
  [[ -e /usr/include/x86_64-linux-gnu/curl/curl.h || -e /usr/include/curl/curl.h ]] || missing+=(libcurl4-openssl-dev)
  tb_apt_install "${missing[@]}"
}

if [[ -z "${OHOS_HTTP_TB_HTTPBIN_URL:-}" ]]; then
  # Outside the test bed: everything that needs the network first, then the servers.
  ensure_tools
  examples/cpp/build.sh >/dev/null
  OHOS_HTTP_LINK=static examples/cpp/build.sh >/dev/null
  exec testbed/shell.sh "$0" "$@"
fi

ensure_tools || { log "g++, valgrind and pkg-config are needed (no network here to install them)"; exit 1; }
export CARGO_OFFLINE=1
static_bin="$(OHOS_HTTP_LINK=static examples/cpp/build.sh)"
cp "$static_bin" "$static_bin-static"
bin="$(examples/cpp/build.sh)"

rc=0
# The header alone compiles as C99 and as C++17, warnings as errors.
gcc -std=c99 -Wall -Wextra -Werror -pedantic -fsyntax-only -x c include/ohos_http.h || rc=1
g++ -std=c++17 -Wall -Wextra -Werror -pedantic -fsyntax-only -x c++ include/ohos_http.h || rc=1
log "run 1/3: shared library"
"$bin" || { log "FAILED (shared library, exit $?)"; rc=1; }
log "run 2/3: static library"
"$static_bin-static" || { log "FAILED (static library, exit $?)"; rc=1; }
requests="${OHOS_HTTP_VALGRIND_REQUESTS:-2000}"
log "run 3/3: under valgrind, then $requests stress requests"
t0=$SECONDS
valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
  --show-leak-kinds=definite "$bin" --stress "$requests" ||
  { log "FAILED under valgrind (exit $?; 99 = valgrind errors)"; rc=1; }
log "valgrind run: $((SECONDS - t0)) s"
if [[ $rc -eq 0 ]]; then log "ok (3 runs)"; fi
exit "$rc"
