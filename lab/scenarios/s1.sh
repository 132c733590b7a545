# shellcheck shell=bash
# S1 basic multihomed echo (the seed's basic example), and S3 = S1 over UDP encapsulation.
# Pass: `Connected` with 2 local + 2 peer addresses, the echo is byte-identical, ^D ends in
# SHUTDOWN/SHUTDOWN ACK/SHUTDOWN COMPLETE, `Connection closed` on the server's stdout, client
# exit 0; in the capture: INIT and INIT ACK carry both addresses, a HEARTBEAT on path B is
# answered, every CRC32c is good, nothing is malformed, every packet uses the variant's
# encapsulation.

# scenario_s1 LABEL VARIANT [sctpt options...]
scenario_s1() {
    scenario_begin "$@"
    capture_start
    start_server
    start_client
    say Kalle
    check "no echo" wait_for 5 has_echoes 1
    # Path B is confirmed by a heartbeat soon after the handshake (RFC 9260 §5.4).
    check "no HEARTBEAT answered on path B" wait_for 8 hb_confirmed_on_b
    end_client
    check "client exit $CLIENT_RC" [ "$CLIENT_RC" = 0 ]
    check "client transcript" transcript_is Kalle
    check "not 2+2 addresses" connected_multihomed
    check "no 'Connection closed'" wait_for 3 grep -qx 'Connection closed' "$WORK/server.out"
    capture_stop
    check "INIT addresses" addrs_are 1 "$CLIENT_ADDRS"
    check "INIT ACK addresses" addrs_are 2 "$SERVER_ADDRS"
    check "bad checksum" all_checksums_good
    check "malformed packet" nothing_malformed
    check "no SHUTDOWN sequence" shutdown_seen
    check "wrong encapsulation" encapsulation_ok
    local n=$(($(packets a) + $(packets b)))
    finish "echo ok, 2+2 addresses, INIT/INIT ACK with both addresses, HB confirmed on B, $n packets CRC32c good, all $(encap_text)"
}


