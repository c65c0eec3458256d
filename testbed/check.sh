#!/usr/bin/env bash
# testbed/check.sh: self-check of the running test bed with the curl CLI and dig. Run it
# with the servers up, e.g. `testbed/shell.sh testbed/check.sh` (run-tests.sh runs it before
# `cargo test`, so a broken test bed is told apart from a broken library).
# Each check: expected curl exit code + expected "%{http_code}/%{http_version}" (a glob).
# Exit codes are those of curl 7.88.1 (Debian 12); see testbed/README.md for version notes.
#   -v  print every check (default: only failures and the summary)
set -euo pipefail

VERBOSE=0
[[ ${1:-} == -v ]] && VERBOSE=1
: "${OHOS_HTTP_TB_UP:?servers are not up: run me via testbed/shell.sh testbed/check.sh}"

C="$OHOS_HTTP_TB_CERTS"
HB="$OHOS_HTTP_TB_HTTPBIN_URL"
HBS="$OHOS_HTTP_TB_HTTPBIN_TLS_URL"
MT="$OHOS_HTTP_TB_MTLS_URL"
F="$OHOS_HTTP_TB_FAULT_URL"
NG="$OHOS_HTTP_TB_NGINX_URL"
NGS="$OHOS_HTTP_TB_NGINX_TLS_URL"
DOH=(--doh-url "$OHOS_HTTP_TB_DOH_URL" --cacert "$C/ca.pem")
# The CLI would otherwise pick up a CA bundle from the environment.
unset CURL_CA_BUNDLE SSL_CERT_FILE SSL_CERT_DIR

total=0
failed=0
failures=()

# expect NAME WANT_EXIT WANT_OUT CURL_ARGS...   (WANT_OUT: glob on "code/version")
expect() {
  local name="$1" want_rc="$2" want_out="$3" out rc=0
  shift 3
  out="$(curl -s -o /dev/null --max-time 20 -w '%{http_code}/%{http_version}' "$@")" || rc=$?
  total=$((total + 1))
  # shellcheck disable=SC2053
  if [[ $rc -eq $want_rc && $out == $want_out ]]; then
    [[ $VERBOSE -eq 1 ]] && printf 'ok    %-44s exit %-3s %s\n' "$name" "$rc" "$out"
  else
    printf 'FAIL  %-44s exit %-3s %-10s (want exit %s, %s)\n' "$name" "$rc" "$out" "$want_rc" "$want_out"
    failed=$((failed + 1))
    failures+=("$name")
  fi
  return 0
}

# expect_eq NAME WANT COMMAND...   (stdout of COMMAND must equal WANT)
expect_eq() {
  local name="$1" want="$2" got
  shift 2
  got="$("$@" 2>&1)" || true
  total=$((total + 1))
  if [[ $got == "$want" ]]; then
    [[ $VERBOSE -eq 1 ]] && printf 'ok    %-44s %s\n' "$name" "$(head -c 60 <<<"$got" | tr '\n' ' ')"
  else
    printf 'FAIL  %-44s got %q (want %q)\n' "$name" "$(head -c 200 <<<"$got")" "$want"
    failed=$((failed + 1))
    failures+=("$name")
  fi
  return 0
}

# --- httpbin, plain HTTP/1.1 and h2c
expect "httpbin v4 GET" 0 "200/1.1" "$HB/get"
expect "httpbin v6 GET" 0 "200/1.1" "http://[::1]:$OHOS_HTTP_TB_HTTPBIN_PORT/get"
expect "httpbin h2c prior knowledge" 0 "200/2" --http2-prior-knowledge "$HB/get"
expect "httpbin h2c upgrade" 0 "200/2" --http2 "$HB/get"
expect "httpbin POST" 0 "200/1.1" -d a=b "$HB/post"
expect "httpbin redirect loop (max 3)" 47 "302/1.1" -L --max-redirs 3 "$HB/redirect/5"
expect "refused port" 7 "000/0" "http://127.0.0.1:1/"
# --- httpbin over TLS
expect "https localhost (h2 by ALPN)" 0 "200/2" --cacert "$C/ca.pem" "$HBS/get"
expect "https [::1]" 0 "200/2" --cacert "$C/ca.pem" "https://[::1]:$OHOS_HTTP_TB_HTTPBIN_TLS_PORT/get"
expect "https 127.0.0.1 http/1.1" 0 "200/1.1" --http1.1 --cacert "$C/ca.pem" \
  "https://127.0.0.1:$OHOS_HTTP_TB_HTTPBIN_TLS_PORT/get"
expect "https CA directory (capath)" 0 "200/2" --capath "$C/ca-dir" "$HBS/get"
expect "https untrusted CA" 60 "000/0" --cacert "$C/other-ca.pem" "$HBS/get"
expect "https missing CA file" 77 "000/0" --cacert "$C/nonexistent.pem" "$HBS/get"
expect "https right pin" 0 "200/2" --cacert "$C/ca.pem" \
  --pinnedpubkey "sha256//$(cat "$C/server.pin")" "$HBS/get"
expect "https wrong pin" 90 "000/0" --cacert "$C/ca.pem" \
  --pinnedpubkey "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" "$HBS/get"
expect "https to a plain port" 35 "000/0" --cacert "$C/ca.pem" "https://127.0.0.1:$OHOS_HTTP_TB_HTTPBIN_PORT/get"
# --- mTLS
expect "mtls without client cert" 56 "000/0" --cacert "$C/ca.pem" "$MT/get"
expect "mtls PEM" 0 "200/2" --cacert "$C/ca.pem" --cert "$C/client.pem" --key "$C/client.key" "$MT/get"
expect "mtls encrypted PEM key" 0 "200/2" --cacert "$C/ca.pem" --cert "$C/client.pem" \
  --key "$C/client-enc.key" --pass secret "$MT/get"
expect "mtls DER" 0 "200/2" --cacert "$C/ca.pem" --cert-type DER --cert "$C/client.der" \
  --key-type DER --key "$C/client.key.der" "$MT/get"
expect "mtls P12" 0 "200/2" --cacert "$C/ca.pem" --cert-type P12 --cert "$C/client.p12:secret" "$MT/get"
expect "mtls P12 wrong password" 58 "000/0" --cacert "$C/ca.pem" --cert-type P12 \
  --cert "$C/client.p12:wrong" "$MT/get"
# --- fault server
expect "fault v6" 0 "204/1.1" "http://[::1]:$OHOS_HTTP_TB_FAULT_PORT/status/204"
expect "fault /close" 52 "000/0" "$F/close"
expect "fault /short" 18 "200/1.1" "$F/short"
expect "fault /badgzip (decoded)" 61 "200/1.1" --compressed "$F/badgzip"
expect "fault /badgzip (raw)" 0 "200/1.1" "$F/badgzip"
expect "fault /hang (timeout)" 28 "000/0" --max-time 1 "$F/hang"
expect "fault /rst" 56 "200/1.1" "$F/rst"
expect "fault /garbage" 1 "000/0" "$F/garbage"
expect "fault /nocolon" 8 "200/1.1" "$F/nocolon"
expect "fault /hugeheader" 27 "200/1.1" "$F/hugeheader"
expect "fault /trickle" 0 "200/1.1" "$F/trickle?chunks=3&interval_ms=100&size=5"
expect "fault /trickle low speed" 28 "200/1.1" --speed-limit 100 --speed-time 1 \
  "$F/trickle?chunks=30&interval_ms=200&size=1"
expect "fault /delay" 0 "200/1.1" "$F/delay?ms=200"
expect "fault /delay (timeout)" 28 "000/0" --max-time 1 "$F/delay?ms=3000"
expect "fault /stall (timeout)" 28 "200/1.1" --max-time 1 "$F/stall?bytes=10"
expect "fault /status/418" 0 "418/1.1" "$F/status/418"
expect "fault /status/302 + Location -L" 0 "200/1.1" -L "$F/status/302?location=/status/200"
expect "fault unknown path" 0 "404/1.1" "$F/nope"
expect "fault /bytes HEAD" 0 "200/1.1" -I "$F/bytes?size=10"
expect "fault max-filesize" 63 "200/1.1" --max-filesize 1000 "$F/bytes?size=5000"
expect_eq "fault /trickle body" "xxxxxxxxxxxxxxx" curl -s "$F/trickle?chunks=3&interval_ms=10&size=5"
expect_eq "fault /chunked size" "100000" curl -s -o /dev/null -w '%{size_download}' "$F/chunked?size=100000"
expect_eq "fault /bytes 100 MB" "104857600" curl -s -o /dev/null -w '%{size_download}' "$F/bytes?size=104857600"
expect_eq "fault /bytes pattern (k % 256)" \
  "$(python3 -c 'import hashlib; print(hashlib.sha256(bytes(range(256))*40).hexdigest())')" \
  bash -c "curl -s '$F/bytes?size=10240' | sha256sum | cut -d' ' -f1"
expect_eq "fault /echo body (Content-Length)" "hello" \
  bash -c "curl -s -d hello '$F/echo' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"body\"])'"
expect_eq "fault /echo body (chunked)" "6" \
  bash -c "curl -s -H 'Transfer-Encoding: chunked' -d hello1 '$F/echo' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"body_len\"])'"
expect_eq "fault /echo Expect: 100-continue" "3000000" \
  bash -c "head -c 3000000 /dev/zero | curl -s --max-time 5 --expect100-timeout 10 -H 'Expect: 100-continue' --data-binary @- '$F/echo' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"body_len\"])'"
expect_eq "fault /echo header names as sent" "yes" \
  bash -c "curl -s -H 'X-MiXeD-Case: yes' '$F/echo' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"headers\"][\"X-MiXeD-Case\"])'"
curl -s -o /dev/null "$F/reset-counters"
expect "fault /count 200" 0 "200/1.1" "$F/count/k1?etag=v1&cc=max-age%3D60"
expect "fault /count If-None-Match -> 304" 0 "304/1.1" -H 'If-None-Match: "v1"' "$F/count/k1?etag=v1"
expect "fault /count If-Modified-Since -> 304" 0 "304/1.1" \
  -H 'If-Modified-Since: Mon, 01 Jan 2024 00:00:00 GMT' \
  "$F/count/k1?lm=Mon,%2001%20Jan%202024%2000:00:00%20GMT"
expect_eq "fault /counter" "3" curl -s "$F/counter/k1"
expect_eq "fault /count body" "body-k2-1" curl -s "$F/count/k2"
# --- nginx
expect "nginx 1k" 0 "200/1.1" "$NG/1k.bin"
expect "nginx TLS h2 1k" 0 "200/2" --cacert "$C/ca.pem" "$NGS/1k.bin"
expect "nginx discard POST" 0 "204/1.1" --data-binary @"$OHOS_HTTP_TB_WWW/1m.bin" "$NG/discard"
expect_eq "nginx 100m size" "104857600" curl -s -o /dev/null -w '%{size_download}' "$NG/100m.bin"
expect_eq "nginx 64k content" "$(sha256sum <"$OHOS_HTTP_TB_WWW/64k.bin" | cut -d' ' -f1)" \
  bash -c "curl -s --cacert '$C/ca.pem' '$NGS/64k.bin' | sha256sum | cut -d' ' -f1"
expect "other.localhost TLS (own cert)" 0 "200/1.1" --cacert "$C/ca.pem" "$OHOS_HTTP_TB_OTHER_TLS_URL/"
expect "other.localhost right pin" 0 "200/1.1" --cacert "$C/ca.pem" \
  --pinnedpubkey "sha256//$(cat "$C/other.pin")" "$OHOS_HTTP_TB_OTHER_TLS_URL/"
expect "other.localhost server.pin is wrong" 90 "000/0" --cacert "$C/ca.pem" \
  --pinnedpubkey "sha256//$(cat "$C/server.pin")" "$OHOS_HTTP_TB_OTHER_TLS_URL/"
expect "other.localhost -> localhost" 0 "200/2" -L --cacert "$C/ca.pem" "$OHOS_HTTP_TB_OTHER_TLS_URL/to-localhost"
expect "fault /to-scheme/file" 0 "302/1.1" "$F/to-scheme/file"
expect_eq "fault /locations (two Location fields)" "2" \
  bash -c "curl -s -D - -o /dev/null '$F/locations?first=/a&second=/b' | grep -ci '^location:'"
# --- proxies
P="$OHOS_HTTP_TB_PROXY_URL"
PA="$OHOS_HTTP_TB_AUTH_PROXY_URL"
expect "proxy GET" 0 "200/1.1" -x "$P" "$HB/get"
expect_eq "proxy adds X-Tinyproxy" "127.0.0.1" \
  bash -c "curl -s -x '$P' '$HB/headers' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"headers\"][\"X-Tinyproxy\"])'"
expect "proxy CONNECT to 18443" 0 "200/2" -x "$P" --cacert "$C/ca.pem" "$HBS/get"
expect "proxy CONNECT to 18444 (mTLS)" 0 "200/2" -x "$P" --cacert "$C/ca.pem" \
  --cert "$C/client.pem" --key "$C/client.key" "$MT/get"
expect "auth proxy, no credentials" 0 "407/1" -x "$PA" "$HB/get"
# tinyproxy 1.11 quirk: wrong credentials get "401 Unauthorized" (with WWW-Authenticate), not 407.
expect "auth proxy, wrong credentials" 0 "401/1" -x "$PA" -U user:wrong "$HB/get"
expect "auth proxy GET" 0 "200/1.1" -x "$PA" -U user:pass "$HB/get"
expect "auth proxy CONNECT" 0 "200/2" -x "$PA" -U user:pass --cacert "$C/ca.pem" "$HBS/get"
expect "auth proxy CONNECT, no credentials" 56 "000/0" -x "$PA" --cacert "$C/ca.pem" "$HBS/get"
expect_eq "auth proxy CONNECT 407 (http_connect)" "407" \
  curl -s -o /dev/null -w '%{http_connect}' -x "$PA" --cacert "$C/ca.pem" "$HBS/get"
# --- DNS (dnsmasq) and DNS-over-HTTPS (dnsdist)
dig_() { dig +short +time=2 +tries=2 @127.0.0.1 -p "$OHOS_HTTP_TB_DNS_PORT" "$@"; }
expect_eq "dns test.example A" "127.0.0.1" dig_ test.example A
expect_eq "dns test.example AAAA" "::1" dig_ test.example AAAA
expect_eq "dns a.b.test.example A (tcp)" "127.0.0.1" dig_ +tcp a.b.test.example A
expect_eq "dns v4only.test.example A" "127.0.0.1" dig_ v4only.test.example A
expect_eq "dns v4only.test.example AAAA (none)" "" dig_ v4only.test.example AAAA
expect_eq "dns v6only.test.example AAAA" "::1" dig_ v6only.test.example AAAA
expect_eq "dns v6only.test.example A (none)" "" dig_ v6only.test.example A
expect_eq "dns other names refused" "REFUSED" \
  bash -c "dig +time=2 +tries=1 @127.0.0.1 -p $OHOS_HTTP_TB_DNS_PORT example.com | sed -n 's/.*status: \([A-Z]*\),.*/\1/p'"
expect "doh http://test.example" 0 "200/1.1" "${DOH[@]}" "http://test.example:$OHOS_HTTP_TB_HTTPBIN_PORT/get"
expect "doh https://test.example" 0 "200/2" "${DOH[@]}" "https://test.example:$OHOS_HTTP_TB_HTTPBIN_TLS_PORT/get"
expect_eq "doh -6 test.example -> ::1" "::1" \
  curl -s -6 -o /dev/null -w '%{remote_ip}' "${DOH[@]}" "http://test.example:$OHOS_HTTP_TB_HTTPBIN_PORT/get"
# curl 7.88 with DoH and -6 on a name without AAAA: exit 7 (no usable address), not 6.
expect "doh -6 v4only.test.example" 7 "000/0" -6 "${DOH[@]}" "http://v4only.test.example:$OHOS_HTTP_TB_HTTPBIN_PORT/get"
expect_eq "doh v6only.test.example -> ::1" "::1" \
  curl -s -o /dev/null -w '%{remote_ip}' "${DOH[@]}" "http://v6only.test.example:$OHOS_HTTP_TB_HTTPBIN_PORT/get"
expect "doh wrong host (not in cert)" 60 "000/0" "${DOH[@]}" \
  "https://v4only.test.example:$OHOS_HTTP_TB_HTTPBIN_TLS_PORT/get"
expect "doh unknown name" 6 "000/0" "${DOH[@]}" "http://nosuchname.example:$OHOS_HTTP_TB_HTTPBIN_PORT/get"
if [[ ${OHOS_HTTP_TB_NETNS:-0} == 1 ]]; then
  expect "system resolver: no network in namespace" 6 "000/0" --max-time 10 "http://nosuchname.invalid/"
fi

if [[ $failed -eq 0 ]]; then
  echo "testbed check: OK ($total checks)"
else
  echo "testbed check: FAILED $failed of $total checks: ${failures[*]}"
  exit 1
fi
