# shellcheck shell=bash
# testbed/lib.sh: helpers shared by run-tests.sh, demo.sh and shell.sh (sourced, not run).
#   tb_with_servers CMD...  run CMD with every test server up, inside a private network
#                           namespace (`unshare -n`, loopback only) when the machine allows it,
#                           else (with a warning) in the current one. Returns CMD's status.
#   tb_apt_install PKG...   install the Debian packages named (none: nothing to do), with
#                           apt-get's output on stderr. Returns apt-get's status.

TB_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TESTBED_DIR="${TESTBED_DIR:-$TB_REPO/target/testbed}"

# Script run by a fresh bash: bring up lo (in a namespace), start the servers, run "$@",
# stop the servers on any exit (also on Ctrl-C / TERM), keep "$@"'s exit status.
# shellcheck disable=SC2016 # expanded by the inner bash
_TB_INNER='
  export OHOS_HTTP_TB_NETNS="${TB_NETNS:-0}"
  if [[ $OHOS_HTTP_TB_NETNS == 1 ]]; then ip link set lo up || exit 1; fi
  . "$TB_REPO/testbed/start.sh" || exit 1
  trap testbed_stop EXIT
  trap "exit 130" INT
  trap "exit 143" TERM
  "$@"
'

tb_with_servers() {
  if unshare -n true 2>/dev/null; then
    TB_REPO="$TB_REPO" TB_NETNS=1 unshare -n bash -c "$_TB_INNER" tb-netns "$@"
  else
    echo "testbed: WARNING: 'unshare -n' is not available here; running without a private" \
      "network namespace (servers bind the host's loopback; ports may clash)" >&2
    TB_REPO="$TB_REPO" TB_NETNS=0 bash -c "$_TB_INNER" tb-host "$@"
  fi
}

tb_apt_install() {
  [[ $# -eq 0 ]] && return 0
  echo "testbed: installing $*" >&2
  apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >&2
}
