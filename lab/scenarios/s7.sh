# shellcheck shell=bash
# S7 Kubernetes (lib/k8s.sh): `sctpt server` in a pod behind a node that DNATs the service
# VIP to it and masquerades its egress; a client with one address on each of the node's
# networks. Modes:
#   fail    the failure with default settings: the pod's HEARTBEAT to the client's second
#           address leaves the node masqueraded, the client answers it with an ABORT (T bit).
#           Pass: that ABORT is seen, and what became of it (raw IP: conntrack finds it invalid,
#           so the masquerade is not undone and the pod never gets it, the path never
#           confirms; UDP: it reaches the pod and aborts the association)
#   source  fix: the server takes only the packet's source as a peer address
#           (--peer-addresses source). Pass: single-homed, no HEARTBEAT to the second
#           address, no ABORT, ctraffic loses nothing
#   drop    fix: the client drops out-of-the-blue HEARTBEATs (--ootb-heartbeat drop). Pass:
#           the HEARTBEATs arrive and draw no ABORT, ctraffic loses nothing on the primary
#   natf    fix: NAT-friendly client (--asconf on at both ends, --nat-friendly heartbeat): the
#           second path is added by ASCONF through the node and confirmed; net A is cut
#           mid-transfer. Pass: the path confirmed, DATA over net B both ways, nothing lost

S7_SECS=${S7_SECS:-8}
S7_NODES=(pod node t221)

s7_server() {
    spawn pod /dev/null "$WORK/server.out" "$WORK/server.err" \
        "$SCTPT" server --log 7 --addr "$K8S_POD" --port "$K8S_PORT" "${SERVER_OPTS[@]}" "${EXTRA[@]}" "$@"
    wait_for 5 grep -qs '^Accepting connections on:' "$WORK/server.err" || {
        FAILS+=("server did not start"); finish "$(tail -n 3 "$WORK/server.err" | tr '\n' ' ')"
    }
}

# The masqueraded source the client saw the pod's HEARTBEATs come from (address:port).
s7_hb_source() {
    pk t221 "has(4) && dst == \"192.168.4.221\" { print src (sport ? \":\" sport : \"\"); exit }"
}

# scenario_s7 LABEL MODE VARIANT [sctpt options...]
scenario_s7() {
    local label=$1 mode=$2; shift 2
    solo_begin "$label" "$1" usctplab-s7- k8s "${@:2}"
    VARIANT+=" $mode"
    solo_capture "${S7_NODES[@]}"
    case $mode in
    fail) s7_fail ;;
    source) s7_fix "single-homed (--peer-addresses source)" --peer-addresses source ;;
    drop) s7_fix "client drops OOTB HEARTBEATs (--ootb-heartbeat drop)" ;;
    natf) s7_natf ;;
    *) die "$label: mode must be fail, source, drop or natf" ;;
    esac
}

s7_fail() {
    s7_server
    start_client_at t221 "$K8S_VIP" "$K8S_CLIENT" --port "$K8S_PORT"
    # The pod probes the unconfirmed path at once, and the client's ABORT comes back in
    # milliseconds; the lines go after it, so that they show what it did.
    connected_then 1.5
    say_try Kalle
    wait_for 5 echoed_or_gone 1 || true
    gone "$CLIENT_PID" || sleep 2
    say_try Hello
    wait_for 3 echoed_or_gone 2 || true
    end_client
    local invalid; invalid=$(k8s_invalid)
    solo_decode "${S7_NODES[@]}"
    solo_clean "${S7_NODES[@]}"
    local from abort_c abort_pod hb_ack
    from=$(s7_hb_source)
    abort_c=$(count t221 'has(6) && tbit == "1" && src == "192.168.4.221"')
    abort_pod=$(count pod 'has(6)')
    hb_ack=$(count pod 'has(5)')
    check "no HEARTBEAT from the node's address at the client (saw '${from:-none}')" \
        [ "${from%%:*}" = "$K8S_NODE_B" ]
    check "the client sent no ABORT with the T bit from 192.168.4.221" [ "$abort_c" -gt 0 ]
    check "a HEARTBEAT to the second address was answered" [ "$hb_ack" = 0 ]
    local fate
    if [ "${VARIANT%% *}" = raw ]; then
        check "the ABORT reached the pod" [ "$abort_pod" = 0 ]
        check "conntrack found no packet invalid" [ "${invalid:-0}" -gt 0 ]
        check "the primary path stopped echoing" [ "$(echoes)" -ge 2 ]
        fate="conntrack holds the HEARTBEAT's flow in state HEARTBEAT_SENT, where an ABORT in reply is invalid ($invalid invalid packets), so the masquerade is not undone and the node keeps the ABORT as addressed to itself: the pod never sees it, path 192.168.4.221 never confirms, multihoming is lost and only the primary path works"
    else
        check "the ABORT did not reach the pod" [ "$abort_pod" -gt 0 ]
        check "the pod did not lose the association" grep -qs 'event Closed(PeerAborted' "$WORK/server.err"
        check "the client did not see the reset" grep -qs '^recv Connection reset by peer' "$WORK/client.err"
        fate="UDP conntrack undoes the masquerade and the pod gets the ABORT; it takes it (T bit, its peer's tag; RFC 9260 §8.5.1) and aborts the association, so the client's next DATA draws an ABORT too (client: $(grep -m1 '^recv' "$WORK/client.err"))"
    fi
    echo "S7 explanation: the pod ($K8S_POD) answered the INIT from 192.168.1.221 through the VIP's DNAT and then probed the client's second address 192.168.4.221. That packet is a new flow to conntrack, so the pod network's masquerade gave it the node's source ($from). The client has no association with that address: out of the blue, it answered with an ABORT with the T bit (RFC 9260 §8.4). Then $fate."
    finish "HEARTBEAT to 192.168.4.221 arrived from $from, client ABORT (T bit) x$abort_c, ABORTs at the pod: $abort_pod, conntrack-invalid: ${invalid:-0}; $(echoes) echoes on the primary, $(encap_text)"
}

# s7_fix WHAT [server options...]: ctraffic multihomed through the node with a fix on.
s7_fix() {
    local what=$1; shift
    s7_server "$@"
    local copts=()
    [ "$VARIANT" = "${VARIANT% drop}" ] || copts=(--ootb-heartbeat drop)
    solo_ctraffic t221 "$S7_SECS" 4 --addr "$K8S_VIP" --port "$K8S_PORT" --laddr "$K8S_CLIENT" "${copts[@]}"
    solo_ctraffic_end
    solo_decode "${S7_NODES[@]}"
    solo_clean "${S7_NODES[@]}"
    local aborts hb2 from
    aborts=$(($(count t221 'has(6)') + $(count pod 'has(6)')))
    hb2=$(count t221 'has(4) && dst == "192.168.4.221"')
    from=$(s7_hb_source)
    check "$aborts ABORTs" [ "$aborts" = 0 ]
    if [ ${#copts[@]} = 0 ]; then
        check "$hb2 HEARTBEATs to the client's second address" [ "$hb2" = 0 ]
        check "the server learned the second address" lacks 192.168.4.221 "$WORK/server.err"
    else
        check "no HEARTBEAT reached the second address (nothing to drop)" [ "$hb2" -gt 0 ]
    fi
    finish "$what: ctraffic sent=$SENT received=$RECEIVED, no ABORT, HEARTBEATs at 192.168.4.221: $hb2${from:+ (from $from)}, $(encap_text)"
}

# The NAT-friendly client (issue 20): both paths confirmed through the node, then net A cut
# for 4 s during ctraffic.
s7_natf() {
    s7_server --asconf on
    solo_ctraffic t221 $((S7_SECS + 4)) 4 --addr "$K8S_VIP" --port "$K8S_PORT" --laddr "$K8S_CLIENT" \
        --asconf on --nat-friendly heartbeat
    sleep 4
    k8s_cut_a
    sleep 4
    k8s_restore_a
    solo_ctraffic_end
    solo_decode "${S7_NODES[@]}"
    solo_clean "${S7_NODES[@]}"
    local asconf aborts to_b from_b
    asconf=$(count pod 'has(193) && src == "192.168.4.221"')
    aborts=$(($(count t221 'has(6)') + $(count pod 'has(6)')))
    to_b=$(count pod 'has(0) && dst == "192.168.4.221"')
    from_b=$(count pod 'has(0) && src == "192.168.4.221"')
    check "no ASCONF from 192.168.4.221 reached the pod" [ "$asconf" -gt 0 ]
    # The pod's path to the added address went Active: its HEARTBEAT was answered.
    check "the pod's path to 192.168.4.221 not confirmed" \
        grep -qs 'PathStateChanged.*192\.168\.4\.221.*state: Active' "$WORK/server.err"
    check "no DATA to 192.168.4.221 over net B" [ "$to_b" -gt 0 ]
    check "no DATA from 192.168.4.221 over net B" [ "$from_b" -gt 0 ]
    check "$aborts ABORTs" [ "$aborts" = 0 ]
    finish "NAT-friendly client: ASCONF from 192.168.4.221 x$asconf, net A cut 4 s: sent=$SENT received=$RECEIVED, DATA over net B to the client $to_b, from it $from_b, $(encap_text)"
}
