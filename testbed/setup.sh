#!/usr/bin/env bash
# testbed/setup.sh: install (idempotently) everything the test bed needs on a fresh
# Debian 12 machine:
#   - Debian packages (system libcurl + the servers: nginx, tinyproxy, dnsmasq, dnsdist, ...)
#   - a Python venv at $TESTBED_DIR/venv with httpbin + gunicorn (testbed/requirements.txt)
#   - test certificates in $TESTBED_DIR/certs (made with the openssl CLI)
#   - static files for nginx in $TESTBED_DIR/www
# A second run does nothing but checks (well under a second).
# TESTBED_DIR defaults to <repo>/target/testbed.
set -euo pipefail

TB_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TESTBED_DIR="${TESTBED_DIR:-$TB_REPO/target/testbed}"

log() { printf 'setup: %s\n' "$*" >&2; }

# ---------------------------------------------------------------- Debian packages
APT_PACKAGES=(
  libcurl4-openssl-dev pkg-config curl openssl ca-certificates
  tinyproxy squid dnsmasq dnsutils dnsdist nginx wrk nghttp2-client
  iproute2 util-linux python3 python3-venv
)

# Runs as root (CI, dev machines); falls back to sudo when there is one.
as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root to run: $*"; return 1
  fi
}

install_apt_packages() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]]; then
      missing+=("$p")
    fi
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    return 0
  fi
  log "installing Debian packages: ${missing[*]}"
  # Keep package scripts from starting the system nginx/dnsmasq/tinyproxy/squid services:
  # the test bed runs its own instances. Only add a policy-rc.d when none exists.
  local policy=/usr/sbin/policy-rc.d added_policy=0
  if [[ ! -e $policy ]]; then
    as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
    added_policy=1
  fi
  local rc=0
  as_root apt-get update -q || rc=$?
  if [[ $rc -eq 0 ]]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      "${missing[@]}" || rc=$?
  fi
  if [[ $added_policy -eq 1 ]]; then as_root rm -f "$policy"; fi
  if [[ $rc -ne 0 ]]; then
    log "apt-get failed (exit $rc)"
    return "$rc"
  fi
}

# ---------------------------------------------------------------- Python venv
setup_venv() {
  local venv="$TESTBED_DIR/venv" req="$TB_REPO/testbed/requirements.txt"
  local stamp="$venv/.testbed-requirements.sha256" want
  want="$(sha256sum "$req" | cut -d' ' -f1)"
  if [[ -x $venv/bin/gunicorn && -f $stamp && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  log "creating Python venv at $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
  # Smoke-check: the app imports and gunicorn has HTTP/2 support.
  "$venv/bin/python" -c 'import httpbin, gunicorn, h2' 2>/dev/null ||
    { log "venv check failed (import httpbin, gunicorn, h2)"; return 1; }
  echo "$want" >"$stamp"
}

# ---------------------------------------------------------------- certificates
CERT_FILES=(
  ca.pem ca.key server.pem server.key other-ca.pem other-ca.key
  client.pem client.key client-enc.key client.der client.key.der client.p12
  ca-dir server.pin other.pem other.key other.pin
)

make_certs() {
  local dir="$TESTBED_DIR/certs" f complete=1
  for f in "${CERT_FILES[@]}"; do [[ -e $dir/$f ]] || complete=0; done
  if [[ $complete -eq 1 ]]; then return 0; fi
  log "making test certificates in $dir"
  # All-or-nothing: build in a temp dir, then swap in (so a CA never mismatches its leaves).
  local tmp
  rm -rf "$TESTBED_DIR"/certs.tmp.*
  tmp="$(mktemp -d "$TESTBED_DIR/certs.tmp.XXXXXX")"
  chmod 755 "$tmp"
  (
    cd "$tmp"
    local days=3650
    # Test CA (trusted by the tests).
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days "$days" \
      -subj "/CN=ohos-http test CA" \
      -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    # A second, untrusted CA for negative tests.
    openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.pem \
      -days "$days" -subj "/CN=ohos-http other (untrusted) CA" \
      -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    # server_leaf NAME CN SAN: a server certificate with its own key, signed by the test CA.
    server_leaf() {
      printf '%s\n' "basicConstraints=critical,CA:FALSE" \
        "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" \
        "subjectAltName=$3" >"$1.ext"
      openssl req -new -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
      openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
        -out "$1.pem" -days "$days" -extfile "$1.ext" 2>/dev/null
    }
    # Server leaf: localhost, test.example, 127.0.0.1, ::1 (not *.test.example: wrong-host tests).
    server_leaf server localhost "DNS:localhost,DNS:test.example,IP:127.0.0.1,IP:::1"
    # A second server leaf with its own key, for other.localhost (libcurl resolves *.localhost
    # to loopback itself): per-hop pins and trust across a redirect between two TLS hosts.
    server_leaf other other.localhost "DNS:other.localhost"
    # Client leaf for mTLS, in PEM, encrypted PEM, DER and PKCS#12 (password "secret").
    cat >client.ext <<'EOF'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth
EOF
    openssl req -new -newkey rsa:2048 -nodes -keyout client.key -out client.csr \
      -subj "/CN=ohos-http test client" 2>/dev/null
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
      -out client.pem -days "$days" -extfile client.ext 2>/dev/null
    openssl pkey -in client.key -aes256 -passout pass:secret -out client-enc.key
    openssl x509 -in client.pem -outform DER -out client.der
    openssl pkey -in client.key -outform DER -out client.key.der
    openssl pkcs12 -export -in client.pem -inkey client.key -certfile ca.pem \
      -name "ohos-http test client" -passout pass:secret -out client.p12
    # CA directory for CURLOPT_CAPATH (hash-named symlinks).
    mkdir ca-dir
    cp ca.pem ca-dir/ca.pem
    openssl rehash ca-dir
    # Public-key pin of the server leaf (CURLOPT_PINNEDPUBLICKEY "sha256//<pin>").
    for leaf in server other; do
      openssl x509 -in "$leaf.pem" -pubkey -noout | openssl pkey -pubin -outform DER |
        openssl dgst -sha256 -binary | openssl base64 -A >"$leaf.pin"
    done
    rm -f ./*.csr ./*.ext ./*.srl
    chmod 600 ./*.key client.key.der client.p12
  )
  rm -rf "$dir"
  mv "$tmp" "$dir"
}

# ---------------------------------------------------------------- static files
make_www() {
  local dir="$TESTBED_DIR/www" name size
  mkdir -p "$dir"
  local -A files=([1k.bin]=1024 [64k.bin]=65536 [1m.bin]=1048576 [100m.bin]=104857600)
  local changed=0
  for name in "${!files[@]}"; do
    size=${files[$name]}
    if [[ -f $dir/$name && $(stat -c %s "$dir/$name") -eq $size ]]; then continue; fi
    log "making $dir/$name ($size random bytes)"
    head -c "$size" /dev/urandom >"$dir/$name.tmp"
    mv "$dir/$name.tmp" "$dir/$name"
    changed=1
  done
  if [[ $changed -eq 1 || ! -f $dir/SHA256SUMS ]]; then
    (cd "$dir" && sha256sum 1k.bin 64k.bin 1m.bin 100m.bin >SHA256SUMS)
  fi
  [[ -f $dir/index.html ]] || printf 'ohos-http test bed\n' >"$dir/index.html"
}

main() {
  install_apt_packages
  mkdir -p "$TESTBED_DIR" "$TESTBED_DIR/logs"
  setup_venv
  make_certs
  make_www
  log "ready ($TESTBED_DIR)"
}

main "$@"
