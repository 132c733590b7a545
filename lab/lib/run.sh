# shellcheck shell=bash
# The scenario framework: lab lifecycle, transport options, server/client helpers, checks and
# the one result line every runner prints.
#
# A runner uses the lab when it is up (and leaves it up, paths restored); otherwise it builds
# its own and removes it on exit, whatever happens (trap).

# The addresses by LAB_FAMILY: 4 (the seed's basic example, default), 6, or mix (nfqlb's
# split: IPv4 on path A, IPv6 on path B). IPv6 in tshark's canonical form, for the checks.
set_addrs() {
    case ${LAB_FAMILY:-4} in
    4) SERVER_ADDRS=192.168.1.1,192.168.4.1 CLIENT_ADDRS=192.168.2.221,192.168.6.221 ;;
    6) SERVER_ADDRS=1000::1:c0a8:101,1000::1:c0a8:401 CLIENT_ADDRS=1000::1:c0a8:2dd,1000::1:c0a8:6dd ;;
    mix) SERVER_ADDRS=192.168.1.1,1000::1:c0a8:401 CLIENT_ADDRS=192.168.2.221,1000::1:c0a8:6dd ;;
    *) die "LAB_FAMILY must be 4, 6 or mix" ;;
    esac
    case ${LAB_FAMILY:-4} in 6) VARIANT+=" ipv6" ;; mix) VARIANT+=" ipv4+ipv6" ;; esac
}

# scenario_begin LABEL VARIANT [sctpt options for both ends...]
scenario_begin() {
    LABEL=$1 VARIANT=$2; shift 2
    EXTRA=("$@")
    case $VARIANT in raw | udp) ;; *) die "$LABEL: variant must be raw or udp, not '$VARIANT'" ;; esac
    set_addrs
    transport_opts
    need_sctpt
    need_tools ip nft tcpdump tshark ethtool
    WORK=$(mktemp -d /tmp/usctplab.XXXXXX)
    FAILS=()
    OWN_LAB=0
    if ! topo_is_up; then
        topo_up >"$WORK/up.log"     # removes a half-built lab itself
        OWN_LAB=1
    fi
    trap scenario_end EXIT
    trap 'exit 130' INT TERM HUP PIPE
    T0=$(now_ms)
}

scenario_end() {
    local rc=$?
    IFS=$' \t\n'
    { exec 3>&-; } 2>/dev/null || true
    kill_spawned
    [ -z "${SHM:-}" ] || rm -f "/dev/shm/$SHM"
    if [ "$OWN_LAB" = 1 ]; then
        topo_down >/dev/null
    elif topo_is_up; then
        path_restore a >/dev/null; path_restore b >/dev/null
    fi
    if [ $rc = 0 ] && [ -z "${LAB_KEEP:-}" ]; then rm -rf "$WORK"; else echo "lab: logs in $WORK" >&2; fi
    exit $rc
}

# Transport options (SERVER_OPTS, CLIENT_OPTS): raw IP is sctpt's default; UDP uses 9899 at
# both ends (the seed's sysctls udp_port and encap_port; the server learns the remote port,
# like Linux).
transport_opts() {
    SERVER_OPTS=() CLIENT_OPTS=()
    if [ "${VARIANT%% *}" = udp ]; then
        SERVER_OPTS=(--udp-port "$UDP")
        CLIENT_OPTS=(--udp-port "$UDP" --encap-port "$UDP")
    fi
}

# check DESCRIPTION CMD...: record DESCRIPTION as a failure unless CMD succeeds.
check() {
    local what=$1; shift
    "$@" || FAILS+=("$what")
}

# finish DETAIL: print the result line and exit 0 on pass, 1 on fail.
finish() {
    local secs; secs=$(awk -v ms=$(($(now_ms) - T0)) 'BEGIN { printf "%.1f", ms / 1000 }')
    if ((${#FAILS[@]} == 0)); then
        echo "$LABEL $VARIANT: PASS $1 (${secs}s)"
        exit 0
    fi
    echo "$LABEL $VARIANT: FAIL $(printf '%s; ' "${FAILS[@]}")$1 (${secs}s)"
    exit 1
}

# The echo server on vm1, both addresses; returns when it listens.
start_server() {
    spawn vm1 /dev/null "$WORK/server.out" "$WORK/server.err" \
        "$SCTPT" server --log 6 --addr "$SERVER_ADDRS" "${SERVER_OPTS[@]}" "${EXTRA[@]}" "$@"
    wait_for 5 grep -qs '^Accepting connections on:' "$WORK/server.err" || {
        FAILS+=("server did not start")
        finish "$(tail -n 3 "$WORK/server.err" | tr '\n' ' ')"
    }
}

# An interactive multihomed client on t221 fed through fd 3 (say LINE); pid in CLIENT_PID.
start_client() {
    mkfifo "$WORK/client.in"
    spawn t221 "$WORK/client.in" "$WORK/client.out" "$WORK/client.err" \
        "$SCTPT" client --log 6 --addr "$SERVER_ADDRS" --laddr "$CLIENT_ADDRS" \
        "${CLIENT_OPTS[@]}" "${EXTRA[@]}" "$@"
    CLIENT_PID=$BG_PID
    exec 3>"$WORK/client.in"
}

say() { echo "$1" >&3; }
echoes() { grep -o 'recv> ' "$WORK/client.out" | wc -l; }
has_echoes() { [ "$(echoes)" -ge "$1" ]; }

# end_client: EOF on stdin (^D); the client's exit status in CLIENT_RC (124: still running).
end_client() {
    exec 3>&-
    CLIENT_RC=124
    if wait_for 10 gone "$CLIENT_PID"; then
        CLIENT_RC=0
        # shellcheck disable=SC2034 # read by the scenarios
        wait "$CLIENT_PID" || CLIENT_RC=$?
    fi
}

# probe: `echo Kalle | sctpt client ...` on t221; PROBE_RC and PROBE_MS (its runtime).
# shellcheck disable=SC2034 # PROBE_RC and PROBE_MS are read by the scenarios
probe() {
    local t; t=$(now_ms)
    PROBE_RC=0
    echo Kalle | timeout 20 ip netns exec "${P}t221" "$SCTPT" client --addr "$SERVER_ADDRS" \
        --laddr "$CLIENT_ADDRS" "${CLIENT_OPTS[@]}" "${EXTRA[@]}" \
        >"$WORK/probe.out" 2>"$WORK/probe.err" || PROBE_RC=$?
    PROBE_MS=$(($(now_ms) - t))
}

# The client's stdout after lines L1.. were echoed and stdin closed.
transcript_is() {
    local want="" l
    for l in "$@"; do want+="send> recv> $l"$'\n'; done
    want+="send> "
    [ "$(cat "$WORK/client.out")" = "$want" ]
}

# Both ends saw both addresses of each other: 2 local + 2 peer address lines at --log 6.
connected_multihomed() { [ "$(grep -c '^  ' "$WORK/client.err")" = 4 ]; }

encap_text() { if [ "${VARIANT%% *}" = udp ]; then echo "UDP $UDP<->$UDP"; else echo "raw IP"; fi; }
