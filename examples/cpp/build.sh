#!/usr/bin/env bash
# examples/cpp/build.sh: build the C++ example host against the C ABI.
#
#   examples/cpp/build.sh            # links target/debug/libohos_http.so (rpath set)
#   OHOS_HTTP_LINK=static examples/cpp/build.sh   # links libohos_http.a + its system libs
#
# Builds the library (cargo build), renders the pkg-config file (pkgconfig/render.sh) and
# compiles examples/cpp/main.cpp with the system g++ (C++17) using
# `pkg-config --cflags --libs ohos-http libcurl`. Output: target/cpp-example/ohos_http_example
# (or $CARGO_TARGET_DIR/cpp-example/...). Prints the binary's path last.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
target="${CARGO_TARGET_DIR:-$repo/target}"
libdir="$target/debug"
link="${OHOS_HTTP_LINK:-shared}"

cargo build --lib ${CARGO_OFFLINE:+--offline} >&2
pc="$(pkgconfig/render.sh --libdir "$libdir" --includedir "$repo/include")"
export PKG_CONFIG_PATH="$(dirname "$pc")${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

out_dir="$target/cpp-example"
mkdir -p "$out_dir"
out="$out_dir/ohos_http_example"
read -r -a cflags <<<"$(pkg-config --cflags ohos-http libcurl)"
case "$link" in
  shared)
    read -r -a libs <<<"$(pkg-config --libs ohos-http libcurl)"
    libs+=("-Wl,-rpath,$libdir")
    ;;
  static)
    # The archive itself, then what it needs (libcurl stays shared: the host's own libcurl).
    read -r -a curl_libs <<<"$(pkg-config --libs libcurl)"
    libs=("$libdir/libohos_http.a" "${curl_libs[@]}" -lgcc_s -lutil -lrt -lpthread -lm -ldl)
    ;;
  *) echo "OHOS_HTTP_LINK must be shared or static, got $link" >&2; exit 2 ;;
esac
g++ -std=c++17 -Wall -Wextra -Werror -pedantic -g -O1 "${cflags[@]}" examples/cpp/main.cpp -o "$out" \
  "${libs[@]}" -pthread
echo "$out"
