#!/usr/bin/env bash
# testbed/check-header.sh: regenerate include/ohos_http.h with the pinned cbindgen and fail
# when it differs from the committed header (the C ABI changed without regenerating it).
#
#   testbed/check-header.sh          # check (installs cbindgen 0.29.4 first if needed)
#   testbed/check-header.sh --fix    # rewrite include/ohos_http.h instead
#
# Needs the network only the first time on a machine (cargo install); run it outside the
# test bed's private network namespace.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CBINDGEN_VERSION=0.29.4
cbindgen="${CARGO_HOME:-$HOME/.cargo}/bin/cbindgen"
if [[ ! -x $cbindgen ]] || [[ "$("$cbindgen" --version 2>/dev/null)" != "cbindgen $CBINDGEN_VERSION" ]]; then
  echo "check-header: installing cbindgen $CBINDGEN_VERSION" >&2
  cargo install cbindgen --version "$CBINDGEN_VERSION" --locked --force >&2
fi

header=include/ohos_http.h
if [[ ${1:-} == --fix ]]; then
  "$cbindgen" --quiet --config cbindgen.toml --output "$header" src/ffi/mod.rs
  echo "check-header: regenerated $header"
  exit 0
fi

fresh="$(mktemp)"
trap 'rm -f "$fresh"' EXIT
"$cbindgen" --quiet --config cbindgen.toml --output "$fresh" src/ffi/mod.rs
if ! diff -u "$header" "$fresh"; then
  echo "check-header: FAILED: $header is out of date; run testbed/check-header.sh --fix and commit it" >&2
  exit 1
fi
echo "check-header: ok ($header matches cbindgen $CBINDGEN_VERSION)"
