#!/usr/bin/env bash
# testbed/shell.sh: run one command with every test server up (in a private network
# namespace when possible), then stop the servers; exits with the command's status.
#   testbed/shell.sh cargo test --offline some_test
#   testbed/shell.sh bash -c 'curl -s "$OHOS_HTTP_TB_HTTPBIN_URL/get"'
# Without a command and on a terminal: an interactive bash with the servers up.
# Runs testbed/setup.sh first (a no-op once everything is installed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. testbed/lib.sh

if [[ $# -eq 0 ]]; then
  if [[ -t 0 ]]; then
    set -- bash -i
  else
    echo "usage: testbed/shell.sh COMMAND [ARGS...]" >&2
    exit 2
  fi
fi
./testbed/setup.sh
rc=0
tb_with_servers "$@" || rc=$?
exit "$rc"
