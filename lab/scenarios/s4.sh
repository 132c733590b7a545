# shellcheck shell=bash
# S4 ctraffic failover (nfqlb's test_sctp): 16 multihomed clients, 16 messages/s in total,
# for 30 s; 10 s in, path A drops everything for 15 s. Pass (the seed's bar): sent ==
# received and maxRtt < 5000 ms; also every client connected (16 `Got a new connection`) and
# at least 90% of the 480 scheduled messages were sent. The result line has the numbers.

S4_CLIENTS=16 S4_RATE=16 S4_DURATION=30

# json_field NAME FILE: a number from sctpt's stats JSON.
json_field() { sed -n "s/^ *\"$1\": *\([0-9]*\).*/\1/p" "$2"; }

nonempty() { local v; for v in "$@"; do [ -n "$v" ] || return 1; done; }

# scenario_s4 LABEL VARIANT [sctpt options...]
scenario_s4() {
    scenario_begin "$@"
    SHM=usctplab-s4         # POSIX shm is shared by all namespaces: a name of our own
    "$SCTPT" stats --shm "$SHM" init
    start_server
    spawn t221 /dev/null "$WORK/ctraffic.out" "$WORK/ctraffic.err" \
        "$SCTPT" ctraffic --log 6 --shm "$SHM" --addr "$SERVER_ADDRS" --laddr "$CLIENT_ADDRS" \
        --clients $S4_CLIENTS --rate $S4_RATE --duration $S4_DURATION "${CLIENT_OPTS[@]}" "${EXTRA[@]}"
    local pid=$BG_PID rc=124
    sleep 10
    path_fail a >/dev/null
    sleep 15
    path_restore a >/dev/null
    if wait_for 30 gone "$pid"; then
        rc=0
        wait "$pid" || rc=$?
    fi
    "$SCTPT" stats --shm "$SHM" json >"$WORK/stats.json"
    local sent received max conns
    sent=$(json_field sent "$WORK/stats.json")
    received=$(json_field received "$WORK/stats.json")
    max=$(json_field maxRtt "$WORK/stats.json")
    conns=$(grep -c '^Got a new connection' "$WORK/server.err" || true)
    check "ctraffic exit $rc" [ "$rc" = 0 ]
    check "no stats" nonempty "$sent" "$received" "$max"
    check "sent != received" [ "${sent:-0}" = "${received:--1}" ]
    check "maxRtt >= 5000 ms" [ "${max:-99999}" -lt 5000 ]
    check "only $conns connections" [ "$conns" = $S4_CLIENTS ]
    check "sent too few" [ "${sent:-0}" -ge $((S4_RATE * S4_DURATION * 9 / 10)) ]
    finish "sent=$sent received=$received maxRtt=${max} ms, $conns associations, $(encap_text)${EXTRA[*]:+, ${EXTRA[*]}}"
}
