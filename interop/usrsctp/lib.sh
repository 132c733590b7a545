# Helpers of interop/usrsctp/run (sourced): the two-namespace topology, packet capture,
# the tshark checks, and result lines.

# Namespace A runs usctp, B runs usrsctp. Two veth links (two paths), IPv4 and IPv6 on each.
NS_A="uus-a-$$"
NS_B="uus-b-$$"
A4=(10.77.1.1 10.77.2.1)
B4=(10.77.1.2 10.77.2.2)
A6=(fd77:1::1 fd77:2::1)
B6=(fd77:1::2 fd77:2::2)
UDP=9899
USRSCTP=/usr/lib/usrsctp
PIDS=()

in_a() { ip netns exec "$NS_A" "$@"; }
in_b() { ip netns exec "$NS_B" "$@"; }

topology_up() {
  ip netns add "$NS_A" && ip netns add "$NS_B" || return 1
  local i
  for i in 1 2; do
    ip link add "uusa$i-$$" netns "$NS_A" type veth peer name "uusb$i-$$" netns "$NS_B" || return 1
    # Segment GSO batches before the capture point, so tshark sees the packets of the wire.
    in_a ethtool -K "uusa$i-$$" tx-udp-segmentation off >/dev/null
    in_b ethtool -K "uusb$i-$$" tx-udp-segmentation off >/dev/null
    in_a ip link set "uusa$i-$$" up
    in_b ip link set "uusb$i-$$" up
    in_a ip addr add "${A4[i - 1]}/24" dev "uusa$i-$$"
    in_b ip addr add "${B4[i - 1]}/24" dev "uusb$i-$$"
    in_a ip addr add "${A6[i - 1]}/64" dev "uusa$i-$$" nodad
    in_b ip addr add "${B6[i - 1]}/64" dev "uusb$i-$$" nodad
  done
  in_a ip link set lo up
  in_b ip link set lo up
}

# Kill only the processes this script started, then delete only its namespaces (the veths go
# with them).
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  ip netns del "$NS_A" 2>/dev/null
  ip netns del "$NS_B" 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}

# capture_start FILE [tcpdump filter...]: capture in A on every interface until capture_stop.
capture_start() {
  local file=$1
  shift
  CAP=$file
  ip netns exec "$NS_A" tcpdump -i any -U --immediate-mode -n -w "$file" "$@" 2>"$file.log" &
  CAP_PID=$!
  PIDS+=("$CAP_PID")
  local n
  for n in $(seq 100); do
    grep -q "listening on" "$file.log" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "tcpdump did not start: $(cat "$file.log")" >&2
  return 1
}

capture_stop() {
  sleep 0.3
  kill -INT "$CAP_PID" 2>/dev/null
  wait "$CAP_PID" 2>/dev/null
}

# Control packets only (anything whose first chunk is not DATA or SACK): keeps the captures
# of the bulk transfers small while handshake, heartbeats, ABORT and shutdown stay in.
# FULL=1 captures everything (debugging).
CONTROL_ONLY=(udp port 9899 and "udp[20] != 0" and "udp[20] != 3")
[ -n "${FULL:-}" ] && CONTROL_ONLY=(udp port 9899)

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

FAILED=0
RESULTS=()
pass() { RESULTS+=("PASS $CASE: $*"); echo "PASS $CASE: $*"; }
fail() {
  RESULTS+=("FAIL $CASE: $*")
  echo "FAIL $CASE: $*"
  FAILED=1
  # The end of the capture, for the record.
  [ -f "${CAP:-}" ] && tshark -r "$CAP" "${TS_OPTS[@]}" 2>/dev/null | tail -15 | sed 's/^/  /'
}
note() { RESULTS+=("NOTE $CASE: $*"); echo "NOTE $CASE: $*"; }
