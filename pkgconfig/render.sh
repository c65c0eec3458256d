#!/usr/bin/env bash
# pkgconfig/render.sh: render pkgconfig/ohos-http.pc.in into a usable ohos-http.pc.
#
#   pkgconfig/render.sh [--libdir DIR] [--includedir DIR] [--out FILE]
#
# Defaults: libdir = $CARGO_TARGET_DIR/debug (or target/debug) of this checkout, includedir =
# this checkout's include/, out = <libdir>/pkgconfig/ohos-http.pc. Then:
#   PKG_CONFIG_PATH=<libdir>/pkgconfig pkg-config --cflags --libs ohos-http
# For an installed copy pass the install directories (e.g. --libdir /usr/local/lib
# --includedir /usr/local/include --out /usr/local/lib/pkgconfig/ohos-http.pc).
# Prints the path of the rendered file.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
libdir="$target/debug"
includedir="$repo/include"
out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --libdir) libdir="$2"; shift 2 ;;
    --includedir) includedir="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "usage: $0 [--libdir DIR] [--includedir DIR] [--out FILE]" >&2; exit 2 ;;
  esac
done
out="${out:-$libdir/pkgconfig/ohos-http.pc}"
version="$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$repo/Cargo.toml" | head -n1)"
# What a Rust staticlib needs from the system on Linux besides libcurl (rustc
# --print native-static-libs prints this set for this crate; -lcurl comes from libcurl.pc).
native="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
mkdir -p "$(dirname "$out")"
sed -e "s|@LIBDIR@|$libdir|g" -e "s|@INCLUDEDIR@|$includedir|g" -e "s|@VERSION@|$version|g" \
  -e "s|@NATIVE_STATIC_LIBS@|$native|g" "$repo/pkgconfig/ohos-http.pc.in" >"$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
