# shellcheck shell=bash
# The NAT lab of issue 20 (lib/natlab.sh): a two-address client behind two masquerading
# routers, one per path, and a two-address server. Modes:
#   control   default settings: the client's INIT lists its private addresses, and its
#             HEARTBEAT to the server's second address arrives from NAT B's address, which the
#             server does not know. Pass: the server answers it with an ABORT (T bit), seen in
#             the server's capture
#   friendly  --asconf on at both ends, --nat-friendly heartbeat at the client: the INIT carries no
#             address, the second path is added by an ASCONF (wildcard address) through NAT B.
#             Pass: both paths confirmed through the NATs, then path A cut for 4 s during
#             ctraffic with sent == received

NAT_SECS=${NAT_SECS:-12}
NAT_NODES=(c nata natb s)

nat_server() {
    spawn s /dev/null "$WORK/server.out" "$WORK/server.err" \
        "$SCTPT" server --log 7 --addr "$NAT_SERVER" "${SERVER_OPTS[@]}" "${EXTRA[@]}" "$@"
    wait_for 5 grep -qs '^Accepting connections on:' "$WORK/server.err" || {
        FAILS+=("server did not start"); finish "$(tail -n 3 "$WORK/server.err" | tr '\n' ' ')"
    }
}

# The source a packet with chunk TYPE from NAT B's side had at the server (address:port).
nat_b_source() {
    pk s "has($1) && dst == \"192.168.4.1\" { print src (sport ? \":\" sport : \"\"); exit }"
}

# scenario_nat LABEL MODE VARIANT [sctpt options...]
scenario_nat() {
    local label=$1 mode=$2; shift 2
    solo_begin "$label" "$1" usctplab-nat- nat "${@:2}"
    VARIANT+=" $mode"
    solo_capture "${NAT_NODES[@]}"
    case $mode in
    control) nat_control ;;
    friendly) nat_friendly ;;
    *) die "$label: mode must be control or friendly" ;;
    esac
}

nat_control() {
    nat_server
    start_client_at c "$NAT_SERVER" "$NAT_CLIENT"
    # The client probes the server's second address at once; the ABORT comes back in
    # milliseconds and the line goes after it.
    connected_then 1.5
    say_try Kalle
    wait_for 5 echoed_or_gone 1 || true
    gone "$CLIENT_PID" || sleep 2
    end_client
    solo_decode "${NAT_NODES[@]}"
    solo_clean "${NAT_NODES[@]}"
    local hb_from aborts at_client
    hb_from=$(nat_b_source 4)
    aborts=$(count s 'has(6) && tbit == "1" && src == "192.168.4.1" && dst == "192.168.4.254"')
    at_client=$(count c 'has(6) && dst == "172.16.2.2"')
    check "no HEARTBEAT from NAT B's address at the server (saw '${hb_from:-none}')" \
        [ "${hb_from%%:*}" = 192.168.4.254 ]
    check "the server sent no ABORT (T bit) to NAT B's address" [ "$aborts" -gt 0 ]
    local fate="NAT B's conntrack finds the ABORT invalid in reply to a HEARTBEAT (state HEARTBEAT_SENT) and does not map it back: the client never hears of it and path B never confirms"
    if [ "${VARIANT%% *}" = udp ]; then
        check "the ABORT did not reach the client" [ "$at_client" -gt 0 ]
        check "the client did not lose the association" [ "$CLIENT_RC" != 0 ]
        fate="UDP conntrack maps it back to the client, which takes it (T bit, its peer's tag) and loses the whole association (client exit $CLIENT_RC)"
    else
        check "the ABORT reached the client" [ "$at_client" = 0 ]
        check "path B confirmed" [ "$(count s 'has(5) && src == "192.168.4.1"')" = 0 ]
    fi
    echo "NAT explanation: the client's INIT listed its private addresses $NAT_CLIENT and arrived from NAT A's 192.168.1.254. Its HEARTBEAT to the server's second address 192.168.4.1 left through NAT B as ${hb_from:-?}, an address the association does not have: out of the blue, the server answered with an ABORT with the T bit (RFC 9260 §8.4). Then $fate."
    finish "HEARTBEAT via NAT B arrived from ${hb_from:-none}, server ABORT (T bit) x$aborts, ABORTs at the client: $at_client, client exit $CLIENT_RC, $(encap_text)"
}

nat_friendly() {
    nat_server --asconf on
    solo_ctraffic c "$NAT_SECS" 4 --addr "$NAT_SERVER" --laddr "$NAT_CLIENT" --asconf on --nat-friendly heartbeat
    sleep 4
    nat_cut a
    sleep 4
    nat_restore a
    solo_ctraffic_end
    local invalid; invalid=$(nat_invalid b)
    solo_decode "${NAT_NODES[@]}"
    solo_clean "${NAT_NODES[@]}"
    local init_addrs asconf_from acked data_b aborts
    # INIT (1) with address parameters: the NAT-friendly INIT has none.
    init_addrs=$(tshark -r "$WORK/c.pcap" -n -d "udp.port==$UDP,sctp" -Y 'sctp.chunk_type == 1 && (sctp.parameter_ipv4_address || sctp.parameter_ipv6_address)' 2>/dev/null | wc -l)
    asconf_from=$(nat_b_source 193)
    acked=$(count s 'has(5) && src == "192.168.4.254"')
    data_b=$(count s 'has(0) && src == "192.168.4.254"')
    aborts=$(($(count c 'has(6)') + $(count s 'has(6)')))
    check "$init_addrs INITs with addresses" [ "$init_addrs" = 0 ]
    check "no ASCONF arrived through NAT B (saw '${asconf_from:-none}')" [ "${asconf_from%%:*}" = 192.168.4.254 ]
    check "path B not confirmed (no HEARTBEAT ACK through NAT B)" [ "$acked" -gt 0 ]
    check "no DATA over path B while A was cut" [ "$data_b" -gt 0 ]
    check "$aborts ABORTs" [ "$aborts" = 0 ]
    finish "INIT without addresses, ASCONF through NAT B from $asconf_from, path B confirmed ($acked HEARTBEAT ACKs), path A cut 4 s: sent=$SENT received=$RECEIVED, DATA over B: $data_b, conntrack-invalid at NAT B: ${invalid:-?}, $(encap_text)"
}
