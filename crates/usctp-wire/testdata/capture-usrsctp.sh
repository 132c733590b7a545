#!/bin/bash
# Capture usrsctp (Debian libusrsctp-examples) over RFC 6951 UDP encapsulation between two
# network namespaces joined by a veth pair, each end holding two IPv4 and two IPv6 addresses.
# Needs root, tcpdump, nft (for the lossy run). Creates and deletes only uwp* namespaces.
# Usage: capture-usrsctp.sh OUTDIR
set -euo pipefail
OUT=${1:?usage: $0 OUTDIR}
mkdir -p "$OUT"
LIB=$(dirname "$0")/../../../scripts/lib
# shellcheck source=../../../scripts/lib/netns.sh
. "$LIB/netns.sh"
# shellcheck source=../../../scripts/lib/capture.sh
. "$LIB/capture.sh"
B=/usr/lib/usrsctp
A=uwpa S=uwpb
cleanup() { ns_del "$A" "$S"; }
trap cleanup EXIT
cleanup
ns_add "$A"; ns_add "$S"
veth "$A" uwpa0 "$S" uwpb0
n=1
for ns in "$A" "$S"; do
  ns_addr "$ns" "${ns}0" 10.99.1.$n/24 10.99.2.$n/24 fd00:99:1::$n/64 fd00:99:2::$n/64
  n=$((n + 1))
done
sleep 1

# capture NAME: tcpdump on the server's side of the veth (Ethernet link type), its messages in
# NAME.log.
capture_start() {
  tcpdump_start "$S" "$OUT/$1" -q -s 0 -i uwpb0 'udp port 9899 or udp port 9900'
  TCPDUMP=$TCPDUMP_PID
}
capture_stop() { sleep 1; tcpdump_stop "$TCPDUMP"; }

# 1. echo_server (SCTP port 7) and client: one line echoed, then stdin closes and the client
#    shuts the association down.
ip netns exec "$S" "$B"/echo_server 9899 9900 >"$OUT/echo_server.log" 2>&1 &
SRV=$!
sleep 1
capture_start usrsctp-echo.pcap
(printf 'hello usctp\n'; sleep 2) | timeout 20 ip netns exec "$A" "$B"/client 10.99.1.2 7 0 9900 9899 \
  >"$OUT/client.log" 2>&1 || true
sleep 1
capture_stop
kill "$SRV"; wait "$SRV" 2>/dev/null || true

# 2. tsctp: 60 messages of 1200 bytes, no loss.
tsctp_run() {
  local name=$1 count=$2
  ip netns exec "$S" "$B"/tsctp -E 9899 -U 9900 >"$OUT/tsctp-server.log" 2>&1 &
  SRV=$!
  sleep 1
  capture_start "$name"
  timeout 60 ip netns exec "$A" "$B"/tsctp -E 9900 -U 9899 -l 1200 -n "$count" 10.99.1.2 \
    >"$OUT/tsctp-client.log" 2>&1 || true
  sleep 2
  capture_stop
  kill "$SRV"; wait "$SRV" 2>/dev/null || true
}
tsctp_run usrsctp-tsctp.pcap 60

# 3. The same with random loss (no sch_netem in this kernel: nftables numgen instead). Each
#    receiving namespace drops in its input hook, after the capture point, so the capture shows
#    every datagram on the wire: 4% of client->server ones are dropped at random (gap blocks),
#    and server->client ones in bursts, the 23rd to 30th of every 30 (a run of lost SACKs makes
#    the client retransmit on timeout data the server has: duplicate TSNs). Output-hook drops
#    would not do: they fail the sender's sendto() with EPERM.
lossy() {
  local ns=$1 port=$2 rule=$3
  ip netns exec "$ns" nft add table inet uwploss
  ip netns exec "$ns" nft add chain inet uwploss in '{ type filter hook input priority 0; }'
  # shellcheck disable=SC2086 # the rule is nft words
  ip netns exec "$ns" nft add rule inet uwploss in udp dport "$port" $rule drop
}
lossy "$S" 9899 "numgen random mod 100 < 4"
lossy "$A" 9900 "numgen inc mod 30 >= 22"
tsctp_run usrsctp-tsctp-loss.pcap 100
