# shellcheck shell=bash
# The cases of interop/usrsctp/run (sourced). Each sets up its peers, captures, and reports
# with pass/fail/note; a case never stops the others.

# Command prefixes (arrays, not functions: a backgrounded function would be a subshell that
# inherits the EXIT trap). usrsctp runs in B with its debug trace off.
usrsctp_in_b() { USR=(ip netns exec "$NS_B" env LD_PRELOAD="$NODEBUG" timeout 300); }
IN_A=(ip netns exec "$NS_A")

# Distinct addresses listed in INIT/INIT ACK (chunk TYPE) sent from SIDE.
listed() {
  ts "$1" "sctp.chunk_type == $2 && $(from "$3")" sctp.parameter_ipv4_address \
    sctp.parameter_ipv6_address | tr ' ,' '\n' | grep . | sort -u
}

# Distinct addresses of SIDE that sent a HEARTBEAT ACK: paths the other side confirmed.
confirmed() {
  ts "$1" "sctp.chunk_type == 5 && $(from "$2")" ip.src ipv6.src | tr ' ' '\n' | grep . | sort -u
}

# check_multihome FILE SIDE TYPE: SIDE's INIT (1) / INIT ACK (2) lists several addresses of
# both families, and the other side's heartbeats confirmed at least two of them.
check_multihome() {
  local addrs v4 v6 paths
  addrs=$(listed "$1" "$3" "$2")
  v4=$(grep -c '\.' <<<"$addrs")
  v6=$(grep -c ':' <<<"$addrs")
  paths=$(confirmed "$1" "$2" | tr '\n' ' ')
  MH="$([ "$3" = 1 ] && echo INIT || echo 'INIT ACK') lists $v4 IPv4 + $v6 IPv6; HEARTBEAT ACK from: $paths"
  [ "$v4" -ge 2 ] && [ "$v6" -ge 1 ] && [ "$(wc -w <<<"$paths")" -ge 2 ]
}

# check_shutdown FILE BY: a graceful SHUTDOWN started by side BY, completed, and no ABORT.
check_shutdown() {
  local other=a
  [ "$2" = a ] && other=b
  SD="SHUTDOWN $(chunk_from "$1" 7 "$2") / ACK $(chunk_from "$1" 8 "$other") / COMPLETE $(chunk_from "$1" 14 "$2"), ABORT $(count "$1" 'sctp.chunk_type == 6')"
  [ "$(chunk_from "$1" 7 "$2")" -ge 1 ] && [ "$(chunk_from "$1" 8 "$other")" -ge 1 ] &&
    [ "$(chunk_from "$1" 14 "$2")" -ge 1 ] && [ "$(count "$1" 'sctp.chunk_type == 6')" -eq 0 ]
}

json_field() { grep -o "\"$2\":[^,}]*" "$1" | head -1 | cut -d: -f2- | tr -d '"'; }

ALL_A="${A4[0]},${A4[1]},${A6[0]},${A6[1]}"

case_echo_multihome() {
  local cap=$WORK/$CASE.pcap out=$WORK/$CASE peer rc
  capture_start "$cap" udp port "$UDP" || { fail "capture did not start"; return; }
  "${USR[@]}" "$USRSCTP/echo_server" "$UDP" "$UDP" >"$out.peer" 2>&1 &
  peer=$!
  PIDS+=("$peer")
  sleep 0.5
  (echo Hello-usrsctp; sleep 3) | "${IN_A[@]}" timeout 30 "$SCTPT" client --addr "${B4[0]}" \
    --laddr "$ALL_A" --port 7 --udp-port "$UDP" --encap-port "$UDP" --hb-interval 200 \
    >"$out.usctp" 2>&1
  rc=$?
  sleep 0.5
  kill "$peer" 2>/dev/null
  wait "$peer" 2>/dev/null
  capture_stop
  check_capture "$cap" || { fail "$CAP_ERROR"; return; }
  [ "$rc" -eq 0 ] || { fail "sctpt client exit $rc: $(tail -3 "$out.usctp")"; return; }
  grep -q "recv> Hello-usrsctp" "$out.usctp" || { fail "no echo: $(tail -3 "$out.usctp")"; return; }
  check_multihome "$cap" b 2 || { fail "$MH"; return; }
  check_shutdown "$cap" a || { fail "$SD"; return; }
  pass "echo received; $MH; $SD; $CAP_SUMMARY"
}

case_client_multihome() {
  local cap=$WORK/$CASE.pcap out=$WORK/$CASE srv rc
  capture_start "$cap" udp port "$UDP" || { fail "capture did not start"; return; }
  "${IN_A[@]}" timeout 60 "$SCTPT" server --addr "$ALL_A" --port 6000 --udp-port "$UDP" \
    --encap-port "$UDP" --hb-interval 200 >"$out.usctp" 2>&1 &
  srv=$!
  PIDS+=("$srv")
  sleep 0.5
  (echo Hello-sctpt; sleep 3) | "${USR[@]}" "$USRSCTP/client" "${A4[0]}" 6000 6001 "$UDP" "$UDP" \
    >"$out.peer" 2>&1
  rc=$?
  sleep 0.5
  kill "$srv" 2>/dev/null
  wait "$srv" 2>/dev/null
  capture_stop
  check_capture "$cap" || { fail "$CAP_ERROR"; return; }
  [ "$rc" -eq 0 ] || { fail "usrsctp client exit $rc: $(tail -3 "$out.peer")"; return; }
  grep -q "Hello-sctpt" "$out.peer" || { fail "no echo: $(tail -3 "$out.peer")"; return; }
  check_multihome "$cap" b 1 || { fail "$MH"; return; }
  check_shutdown "$cap" b || { fail "$SD"; return; }
  pass "echo received; $MH; $SD; $CAP_SUMMARY"
}

# tsctp client (B) -> tput server (A): LEN-byte messages, N of them.
tsctp_to_tput() {
  local len=$1 n=$2 cap=$WORK/$CASE.pcap out=$WORK/$CASE srv rc src
  capture_start "$cap" "${CONTROL_ONLY[@]}" || { fail "capture did not start"; return; }
  "${IN_A[@]}" timeout 300 "$TPUT" server --once --json -L "${A4[0]}" -E "$UDP" -p 5001 \
    >"$out.usctp" 2>"$out.usctp.err" &
  srv=$!
  PIDS+=("$srv")
  sleep 0.5
  "${USR[@]}" "$USRSCTP/tsctp" -E "$UDP" -U "$UDP" -L "${B4[0]}" -l "$len" -n "$n" "${A4[0]}" >"$out.peer" 2>&1
  rc=$?
  wait "$srv"
  src=$?
  capture_stop
  check_capture "$cap" || { fail "$CAP_ERROR"; return; }
  [ "$rc" -eq 0 ] || { fail "tsctp exit $rc: $(tail -3 "$out.peer")"; return; }
  [ "$src" -eq 0 ] || { fail "tput server exit $src: $(tail -3 "$out.usctp.err")"; return; }
  local msgs bytes end mbps
  msgs=$(json_field "$out.usctp" messages)
  bytes=$(json_field "$out.usctp" bytes)
  end=$(json_field "$out.usctp" end)
  mbps=$(json_field "$out.usctp" goodput_mb_s)
  if [ "$msgs" != "$n" ] || [ "$bytes" != "$((n * len))" ]; then
    fail "tput server counted $msgs messages / $bytes bytes, sent $n x $len"
    return
  fi
  [ "$end" = shutdown ] || { fail "association ended: $end"; return; }
  check_shutdown "$cap" b || { fail "$SD"; return; }
  pass "$n x $len B received, receiver (tput) goodput $mbps MB/s, cpu $(json_field "$out.usctp" cpu_s_per_gb) s/GB; tsctp: $(grep -o 'Throughput was.*' "$out.peer"); $SD; $CAP_SUMMARY"
}

# tput client (A) -> tsctp server (B).
tput_to_tsctp() {
  local len=$1 n=$2 cap=$WORK/$CASE.pcap out=$WORK/$CASE peer rc line
  capture_start "$cap" "${CONTROL_ONLY[@]}" || { fail "capture did not start"; return; }
  "${USR[@]}" "$USRSCTP/tsctp" -E "$UDP" -L "${B4[0]}" -p 5001 >"$out.peer" 2>&1 &
  peer=$!
  PIDS+=("$peer")
  sleep 0.5
  "${IN_A[@]}" timeout 300 "$TPUT" client --json -L "${A4[0]}" -E "$UDP" -U "$UDP" -n "$n" -l "$len" \
    "${@:3}" "${B4[0]}" >"$out.usctp" 2>&1
  rc=$?
  # tsctp prints "len, messages, recv calls, bytes, seconds, B/s, notifications" per assoc.
  for _ in $(seq 50); do
    line=$(grep -E '^[0-9]+, [0-9]+, ' "$out.peer" | tail -1)
    [ -n "$line" ] && break
    sleep 0.2
  done
  kill "$peer" 2>/dev/null
  wait "$peer" 2>/dev/null
  capture_stop
  check_capture "$cap" || { fail "$CAP_ERROR"; return; }
  TSCTP_LINE=$line
  TPUT_RC=$rc
  TPUT_OUT=$out.usctp
}

tput_to_tsctp_case() {
  local len=$1 n=$2
  tput_to_tsctp "$len" "$n" || return
  [ -n "${TSCTP_LINE:-}" ] || { fail "tsctp server printed no result"; return; }
  [ "$TPUT_RC" -eq 0 ] || { fail "tput client exit $TPUT_RC: $(tail -2 "$TPUT_OUT")"; return; }
  local msgs bytes rate
  msgs=$(cut -d, -f2 <<<"$TSCTP_LINE" | tr -d ' ')
  bytes=$(cut -d, -f4 <<<"$TSCTP_LINE" | tr -d ' ')
  rate=$(cut -d, -f6 <<<"$TSCTP_LINE" | tr -d ' ')
  if [ "$msgs" != "$n" ] || [ "$bytes" != "$((n * len))" ]; then
    fail "tsctp counted $msgs messages / $bytes bytes, sent $n x $len"
    return
  fi
  check_shutdown "$cap" a || { fail "$SD"; return; }
  pass "$n x $len B received, receiver (tsctp) goodput $(awk "BEGIN{printf \"%.2f\", $rate/1e6}") MB/s; tput sender $(json_field "$TPUT_OUT" goodput_mb_s) MB/s, cpu $(json_field "$TPUT_OUT" cpu_s_per_gb) s/GB; $SD; $CAP_SUMMARY"
}

case_tsctp_to_tput_1200() { tsctp_to_tput 1200 100000; }
case_tsctp_to_tput_64k() { tsctp_to_tput 65536 5000; }
case_tput_to_tsctp_1200() { local cap=$WORK/$CASE.pcap; tput_to_tsctp_case 1200 100000; }
case_tput_to_tsctp_64k() { local cap=$WORK/$CASE.pcap; tput_to_tsctp_case 65536 5000; }

# usctp's client aborts mid-transfer: tsctp's server sees the association end.
case_abort_from_usctp_client() {
  local cap=$WORK/$CASE.pcap
  tput_to_tsctp 1200 20000 --abort || return
  local aborts
  aborts=$(chunk_from "$cap" 6 a)
  [ "$aborts" -ge 1 ] || { fail "no ABORT from usctp in the capture"; return; }
  [ "$(count "$cap" 'sctp.chunk_type == 7')" -eq 0 ] || { fail "SHUTDOWN seen after ABORT"; return; }
  [ -n "${TSCTP_LINE:-}" ] || { fail "tsctp server did not end the association"; return; }
  pass "ABORT from usctp: $aborts; tsctp server ended the association ($TSCTP_LINE); $CAP_SUMMARY"
}

# usctp's server aborts after 1000 messages: tsctp's client stops.
case_abort_from_usctp_server() {
  local cap=$WORK/$CASE.pcap out=$WORK/$CASE srv rc
  capture_start "$cap" "${CONTROL_ONLY[@]}" || { fail "capture did not start"; return; }
  "${IN_A[@]}" timeout 120 "$TPUT" server --once --json --abort-after 1000 -L "${A4[0]}" -E "$UDP" \
    -p 5001 >"$out.usctp" 2>"$out.usctp.err" &
  srv=$!
  PIDS+=("$srv")
  sleep 0.5
  "${USR[@]}" "$USRSCTP/tsctp" -E "$UDP" -U "$UDP" -L "${B4[0]}" -l 1200 -n 100000 "${A4[0]}" >"$out.peer" 2>&1
  rc=$?
  wait "$srv"
  capture_stop
  check_capture "$cap" || { fail "$CAP_ERROR"; return; }
  local aborts end
  aborts=$(chunk_from "$cap" 6 a)
  end=$(json_field "$out.usctp" end)
  [ "$aborts" -ge 1 ] || { fail "no ABORT from usctp in the capture"; return; }
  [ "$rc" -ne 124 ] || { fail "tsctp client did not stop after the ABORT"; return; }
  [[ $end == abort* ]] || { fail "tput server: $end"; return; }
  pass "ABORT from usctp: $aborts; tsctp client stopped (exit $rc: $(tail -1 "$out.peer")); $CAP_SUMMARY"
}

case_abort_from_usrsctp() {
  note "not triggerable: the Debian usrsctp examples (tsctp, client, echo_server) only end associations with SHUTDOWN (SCTP_EOF / usrsctp_shutdown / usrsctp_close without SO_LINGER 0); none sends ABORT"
}
