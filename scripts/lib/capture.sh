# shellcheck shell=bash
# tcpdump captures in a namespace: started in the background, stopped with SIGINT so that the
# pcap is complete.
# shellcheck source=log.sh
. "${BASH_SOURCE[0]%/*}/log.sh"
# shellcheck source=proc.sh
. "${BASH_SOURCE[0]%/*}/proc.sh"

# tcpdump_start NS PCAP [tcpdump options and filter...]: capture into PCAP, tcpdump's own
# messages into PCAP.log; returns once tcpdump listens, its pid in TCPDUMP_PID. False (and no
# tcpdump left running) if it did not start within 5 s. -Z root: the pcap may be in a
# directory only root can write.
tcpdump_start() {
    local ns=$1 pcap=$2
    shift 2
    : >"$pcap.log"
    ip netns exec "$ns" tcpdump -Z root -n -U --immediate-mode -w "$pcap" "$@" \
        </dev/null >/dev/null 2>"$pcap.log" &
    TCPDUMP_PID=$!
    wait_for 5 grep -qs 'listening on' "$pcap.log" && return 0
    stop_pid "$TCPDUMP_PID" INT 1 || kill -9 "$TCPDUMP_PID" 2>/dev/null || true
    log "tcpdump did not start: $(cat "$pcap.log")"
    return 1
}

# tcpdump_stop PID...: end the captures and wait for them.
tcpdump_stop() {
    local pid
    for pid in "$@"; do stop_pid "$pid" INT || true; done
}
