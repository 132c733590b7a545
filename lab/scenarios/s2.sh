# shellcheck shell=bash
# S2 manual failover (the seed's failover example): with the association up, path A drops
# everything; a line typed then is still echoed, its DATA retransmitted over path B after
# one RTO (RFC 9260 §6.4.1). After restore, heartbeats on A are answered again and the next
# line is echoed. Heartbeats every second (--hb-interval 1000) make the return of A visible
# within seconds; all other timers are the defaults.

# scenario_s2 LABEL VARIANT [sctpt options...]
scenario_s2() {
    scenario_begin "$@"
    EXTRA=(--hb-interval 1000 "${EXTRA[@]}")
    capture_start
    start_server
    start_client
    say one
    check "no echo before the failure" wait_for 5 has_echoes 1
    path_fail a >/dev/null
    local t0; t0=$(now_ms)
    say two
    check "no echo with path A down" wait_for 20 has_echoes 2
    local delay=$(($(now_ms) - t0))
    sleep 1
    path_restore a >/dev/null
    local restored; restored=$(date +%s.%N)
    check "no HEARTBEAT ACK on path A after restore" wait_for 15 hb_ack_on_a_after "$restored"
    say three
    check "no echo after restore" wait_for 10 has_echoes 3
    end_client
    capture_stop
    check "client exit $CLIENT_RC" [ "$CLIENT_RC" = 0 ]
    check "client transcript" transcript_is one two three
    check "no DATA on path B" data_on_b
    check "bad checksum" all_checksums_good
    finish "echo during failure after ${delay} ms (DATA via path B), HB answered on A after restore, $(encap_text)"
}
