# shellcheck shell=bash
# The frame of the scenarios that build a small lab of their own (S7, the NAT lab): its
# namespaces are ${P}*, built on start and removed on exit, nftables tables first, also after
# a failure or ^C; a capture in every namespace; the captures decoded into tables.

# solo_begin LABEL VARIANT PREFIX TOPO [sctpt options for both ends...]: TOPO names the
# topology's functions TOPO_up and TOPO_down.
solo_begin() {
    LABEL=$1 VARIANT=$2 P=$3 SOLO_TOPO=$4; shift 4
    EXTRA=("$@")
    case $VARIANT in raw | udp) ;; *) die "$LABEL: variant must be raw or udp, not '$VARIANT'" ;; esac
    transport_opts
    need_sctpt
    need_tools ip nft tcpdump tshark ethtool
    [ -z "$(ns_list "$P")" ] || die "$LABEL: ${P}* exist (another run?); lab/lab down removes them"
    WORK=$(mktemp -d /tmp/usctplab.XXXXXX)
    # shellcheck disable=SC2034 # FAILS is read by check and finish
    FAILS=()
    # shellcheck disable=SC2034 # read by scenario_end: this lab is always the run's own
    OWN_LAB=1
    trap solo_end EXIT
    trap 'exit 130' INT TERM HUP PIPE
    "${SOLO_TOPO}_up" >"$WORK/up.log"
    # shellcheck disable=SC2034 # read by finish
    T0=$(now_ms)
}

# Processes, nftables tables and namespaces go; the exit status stays.
solo_end() {
    local rc=$?
    set +e
    kill_spawned
    "${SOLO_TOPO}_down"
    (exit $rc)
    scenario_end
}

# solo_capture NODE...: tcpdump on every link of each NODE, into $WORK/NODE.pcap.
solo_capture() {
    local n
    CAPTURE_PIDS=()
    for n in "$@"; do
        tcpdump_start "$P$n" "$WORK/$n.pcap" -i any "sctp or udp port $UDP" ||
            die "tcpdump did not start in $P$n"
        CAPTURE_PIDS+=("$TCPDUMP_PID"); BG_PIDS+=("$TCPDUMP_PID")
    done
}

# solo_decode NODE...: stop the captures, then each as a table $WORK/NODE.tsv, one line per
# packet (UDP 9899 decoded as SCTP, CRC32c verified; lists comma-separated). Columns:
SOLO_COLS="frame.time_relative ip.src ip.dst udp.srcport udp.dstport sctp.chunk_type
           sctp.abort_t_bit sctp.checksum.status _ws.expert.severity"
solo_decode() {
    local args=() f n
    tcpdump_stop "${CAPTURE_PIDS[@]}"
    for f in $SOLO_COLS; do args+=(-e "$f"); done
    for n in "$@"; do
        tshark -r "$WORK/$n.pcap" -n -o "sctp.checksum:CRC 32c" -d "udp.port==$UDP,sctp" \
            -T fields -E occurrence=a "${args[@]}" >"$WORK/$n.tsv" 2>/dev/null
    done
}

# pk NODE AWK-PROGRAM: awk over NODE's table, columns named; has(TYPE) tests a chunk type.
pk() {
    awk -F'\t' "function has(c,  i, k, a) { k = split(chunks, a, \",\");
            for (i = 1; i <= k; i++) if (a[i] == c) return 1; return 0 }
        { t = \$1; src = \$2; dst = \$3; sport = \$4; dport = \$5; chunks = \$6; tbit = \$7;
          ck = \$8; sev = \$9 } $2" "$WORK/$1.tsv"
}

# count NODE CONDITION: packets of NODE's capture for which CONDITION holds.
count() { pk "$1" "$2 { n++ } END { print n + 0 }"; }

# clean NODE: every packet is SCTP with a good CRC32c and none has an error expert info.
clean() {
    pk "$1" '{ k = split(sev, s, ","); for (i = 1; i <= k; i++) if (s[i] + 0 >= 8388608) bad = 1 }
        ck != "1" { bad = 1 } END { exit bad || NR == 0 }'
}

# solo_clean NODE...: check every capture (FAILS names the unclean ones).
solo_clean() {
    local n bad=()
    for n in "$@"; do clean "$n" || bad+=("$n"); done
    check "capture not clean: ${bad[*]}" [ ${#bad[@]} = 0 ]
}

# solo_ctraffic NODE SECONDS CLIENTS [sctpt options...]: ctraffic in the background on NODE
# (pid CT_PID), counters in shared memory $SHM.
solo_ctraffic() {
    local n=$1 secs=$2 clients=$3; shift 3
    SHM=${P%-}
    "$SCTPT" stats --shm "$SHM" init
    spawn "$n" /dev/null "$WORK/ctraffic.out" "$WORK/ctraffic.err" \
        "$SCTPT" ctraffic --log 6 --shm "$SHM" --clients "$clients" --rate $((clients * 5)) \
        --duration "$secs" "${CLIENT_OPTS[@]}" "${EXTRA[@]}" "$@"
    # shellcheck disable=SC2153 # BG_PID is set by spawn
    CT_PID=$BG_PID
}

# solo_ctraffic_end: wait for ctraffic; CT_RC, SENT, RECEIVED; checks that nothing was lost.
solo_ctraffic_end() {
    CT_RC=124
    if wait_for 30 gone "$CT_PID"; then
        CT_RC=0
        wait "$CT_PID" || CT_RC=$?
    fi
    "$SCTPT" stats --shm "$SHM" json >"$WORK/stats.json"
    SENT=$(json_field sent "$WORK/stats.json")
    RECEIVED=$(json_field received "$WORK/stats.json")
    check "ctraffic exit $CT_RC" [ "$CT_RC" = 0 ]
    check "no stats" nonempty "$SENT" "$RECEIVED"
    check "nothing sent" [ "${SENT:-0}" -gt 0 ]
    check "sent $SENT != received $RECEIVED" [ "${SENT:-0}" = "${RECEIVED:--1}" ]
}

# lacks PATTERN FILE: FILE has no line matching PATTERN.
lacks() { ! grep -qs "$1" "$2"; }

# echoed_or_gone N: N echoes arrived, or the client ended.
echoed_or_gone() { has_echoes "$1" || gone "$CLIENT_PID"; }

# connected_then SECONDS: wait for the client's `Connected` (5 s at most), then SECONDS more.
connected_then() {
    wait_for 5 grep -qs '^Connected' "$WORK/client.err" || true
    sleep "$1"
}

# say_try LINE: say, unless the client has gone (its end of the FIFO closed).
say_try() { (trap '' PIPE; echo "$1" >&3) 2>/dev/null || true; }

# start_client_at NODE SERVER LADDRS [sctpt options...]: an interactive client on NODE fed
# through fd 3 (say LINE), as start_client.
start_client_at() {
    local n=$1 addr=$2 laddr=$3; shift 3
    mkfifo "$WORK/client.in"
    spawn "$n" "$WORK/client.in" "$WORK/client.out" "$WORK/client.err" \
        "$SCTPT" client --log 7 --addr "$addr" --laddr "$laddr" "${CLIENT_OPTS[@]}" "${EXTRA[@]}" "$@"
    # shellcheck disable=SC2034 # read by end_client
    CLIENT_PID=$BG_PID
    exec 3>"$WORK/client.in"
}
