# shellcheck shell=bash
# Helpers of interop/usrsctp/run (sourced after scripts/lib): the two-namespace topology,
# packet capture, the tshark checks, and result lines.

# Namespace A runs usctp, B runs usrsctp. Two veth links (two paths), IPv4 and IPv6 on each.
NS_A="uus-a-$$"
NS_B="uus-b-$$"
A4=(10.77.1.1 10.77.2.1)
B4=(10.77.1.2 10.77.2.2)
A6=(fd77:1::1 fd77:2::1)
B6=(fd77:1::2 fd77:2::2)
UDP=9899
# shellcheck disable=SC2034 # read by run and cases.sh
USRSCTP=/usr/lib/usrsctp
PIDS=()

topology_up() {
  ns_add "$NS_A" || return 1
  ns_add "$NS_B" || return 1
  local i
  for i in 1 2; do
    veth "$NS_A" "uusa$i-$$" "$NS_B" "uusb$i-$$" || return 1
    ns_addr "$NS_A" "uusa$i-$$" "${A4[i - 1]}/24" "${A6[i - 1]}/64" || return 1
    ns_addr "$NS_B" "uusb$i-$$" "${B4[i - 1]}/24" "${B6[i - 1]}/64" || return 1
  done
}

# Kill only the processes this script started, then delete only its namespaces (the veths go
# with them).
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  ns_del "$NS_A" "$NS_B"
  [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}

# capture_start FILE [tcpdump filter...]: capture in A on every interface until capture_stop.
capture_start() {
  CAP=$1
  shift
  # A 64 MiB buffer: the bulk cases (1 MiB and 4 MiB messages) can overrun the default one.
  tcpdump_start "$NS_A" "$CAP" -i any -B 65536 "$@" || return 1
  CAP_PID=$TCPDUMP_PID
  PIDS+=("$CAP_PID")
}

capture_stop() {
  sleep 0.3 # the last packets reach tcpdump
  tcpdump_stop "$CAP_PID"
}

# Control packets only (anything whose first chunk is not DATA or SACK): keeps the captures
# of the bulk transfers small while handshake, heartbeats, ABORT and shutdown stay in.
# FULL=1 captures everything (debugging).
# shellcheck disable=SC2034 # read by cases.sh
{
  CONTROL_ONLY=(udp port 9899 and "udp[20] != 0" and "udp[20] != 3")
  [ -z "${FULL:-}" ] || CONTROL_ONLY=(udp port 9899)
}

TS_OPTS=(-o "sctp.checksum:CRC 32c" -d "udp.port==$UDP,sctp")

# ts FILE FILTER [fields...]: tshark field output of the packets matching FILTER.
ts() {
  local file=$1 filter=$2
  shift 2
  local f args=()
  for f in "$@"; do args+=(-e "$f"); done
  tshark -r "$file" "${TS_OPTS[@]}" -Y "$filter" -T fields -E separator=' ' "${args[@]}" 2>/dev/null
}

count() { ts "$1" "$2" frame.number | grep -c .; }

# check_capture FILE: every SCTP packet has a good CRC32c, nothing is malformed. Sets
# CAP_SUMMARY; returns 1 with CAP_ERROR set otherwise.
# shellcheck disable=SC2034 # CAP_SUMMARY and CAP_ERROR are read by cases.sh
check_capture() {
  local file=$1 total good bad malformed
  total=$(count "$file" sctp)
  good=$(count "$file" "sctp.checksum.status == 1")
  bad=$(count "$file" "sctp.checksum.status == 0")
  malformed=$(count "$file" "_ws.malformed || _ws.expert.severity == error")
  CAP_SUMMARY="$total sctp packets captured, $good CRC32c good"
  if [ "$total" -eq 0 ]; then CAP_ERROR="no SCTP packet captured"; return 1; fi
  if [ "$good" -ne "$total" ] || [ "$bad" -ne 0 ]; then
    CAP_ERROR="checksums: $good good, $bad bad of $total"
    return 1
  fi
  if [ "$malformed" -ne 0 ]; then CAP_ERROR="$malformed malformed/error packets"; return 1; fi
}

# chunk_from FILE TYPE SIDE: how many packets carry chunk TYPE sent from SIDE (a or b).
chunk_from() {
  count "$1" "sctp.chunk_type == $2 && $(from "$3")"
}

# from SIDE: a display filter for packets sent from namespace SIDE (a or b).
from() {
  local IFS=,
  if [ "$1" = a ]; then
    echo "(ip.src in {${A4[*]}} || ipv6.src in {${A6[*]}})"
  else
    echo "(ip.src in {${B4[*]}} || ipv6.src in {${B6[*]}})"
  fi
}

# FAILED: run's exit status.
# shellcheck disable=SC2034
FAILED=0
RESULTS=()
pass() { RESULTS+=("PASS $CASE: $*"); echo "PASS $CASE: $*"; }
# shellcheck disable=SC2034 # FAILED
fail() {
  RESULTS+=("FAIL $CASE: $*")
  echo "FAIL $CASE: $*"
  FAILED=1
  # The end of the capture, for the record.
  [ -f "${CAP:-}" ] && tshark -r "$CAP" "${TS_OPTS[@]}" 2>/dev/null | tail -15 | sed 's/^/  /'
}
note() { RESULTS+=("NOTE $CASE: $*"); echo "NOTE $CASE: $*"; }

# usrsctp_peer_build DIR: compile interop/usrsctp/peer/usrsctp_peer.c against Debian's
# libusrsctp-dev (installed when missing, as root) into DIR; its path in USRSCTP_PEER.
usrsctp_peer_build() {
  local src
  src=$(cd "${BASH_SOURCE[0]%/*}/peer" && pwd)
  if [ ! -f /usr/include/usrsctp.h ]; then
    [ "$(id -u)" -eq 0 ] || { log "libusrsctp-dev missing"; return 1; }
    pkg_install libusrsctp-dev || return 1
  fi
  pkg_need gcc || return 1
  USRSCTP_PEER=$1/usrsctp_peer
  gcc -Wall -Wextra -Werror -O2 -o "$USRSCTP_PEER" "$src/usrsctp_peer.c" -lusrsctp -lpthread
}

# tsa FILE FILTER FIELD: every occurrence of FIELD in the packets matching FILTER, one a line.
tsa() {
  tshark -r "$1" "${TS_OPTS[@]}" -Y "$2" -T fields -E occurrence=a -E aggregator=' ' -e "$3" \
    2>/dev/null | tr ' ' '\n' | grep .
}

# reconf_summary FILE: the RE-CONFIG parameters in FILE by name and count, and the results of
# the responses (1: performed).
reconf_summary() {
  local names
  names=$(tsa "$1" 'sctp.chunk_type == 130' sctp.parameter_type | sed 's/0x0*//' | sed \
    -e 's/^d$/out-ssn-reset/' -e 's/^e$/in-ssn-reset/' -e 's/^f$/ssn-tsn-reset/' \
    -e 's/^10$/response/' -e 's/^11$/add-out/' -e 's/^12$/add-in/' | sort | uniq -c |
    awk '{printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1}')
  echo "$names; results $(tsa "$1" 'sctp.chunk_type == 130' sctp.parameter_reconfig_response_result | sort | uniq -c | awk '{printf "%s%s x%s", (NR > 1 ? "," : ""), $2, $1}')"
}

# reconf_bad FILE: the RE-CONFIG response results in FILE other than 1 (performed).
reconf_bad() {
  tsa "$1" 'sctp.chunk_type == 130' sctp.parameter_reconfig_response_result | grep -vx 1 | tr '\n' ' '
}
