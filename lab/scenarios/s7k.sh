# shellcheck shell=bash
# S7's failure with the Linux kernel as the client, as in the Xcluster experiment: the QEMU
# guest of interop/kernel (ukv; addresses 10.77.1.2 on path A, 10.77.2.2 on path B) runs
# `sctp_darn`, multihomed, against `sctpt server` in the pod. Namespace ukv, the guest's
# side of its two tap links, becomes the client's router: a veth from it to each of the
# node's networks (usctplab-a to net A, usctplab-b to net B).
#
#   guest patha 10.77.1.2 - ukv usctplab-a 192.168.1.221 - node eth1 192.168.1.2
#   guest pathb 10.77.2.2 - ukv usctplab-b 192.168.4.221 - node eth2 192.168.4.2
#
# Pass: the pod's HEARTBEAT to 10.77.2.2 reaches the guest from the node's address, the
# kernel answers it with an ABORT with the T bit, and (raw IP) conntrack finds that ABORT
# invalid so the pod never sees it. Takes interop/kernel's suite lock while the guest runs.

UKV=$ROOT/interop/kernel/ukv
UKV_CACHE=${UKV_CACHE:-/var/cache/usctp-kernel-vm}
S7K_NODES=(pod node)

guest() { "$UKV" exec --timeout "$1" "$2"; }

k8sk_up() {
    "$UKV" up
    k8s_node_up
    veth "${P}node" eth1 ukv usctplab-a
    veth "${P}node" eth2 ukv usctplab-b
    k8s_node_addrs
    ns_addr ukv usctplab-a 192.168.1.221/24
    ns_addr ukv usctplab-b 192.168.4.221/24
    ip netns exec ukv sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0
    # The VIP over net A from path A, over net B from path B; the node reaches the guest's
    # networks through ukv.
    ip -n ukv route add "$K8S_VIP/32" via "$K8S_NODE_A"
    ip -n ukv rule add from 10.77.2.2 table 104
    ip -n ukv route add "$K8S_VIP/32" via "$K8S_NODE_B" table 104
    nsx node ip route add 10.77.1.0/24 via 192.168.1.221
    nsx node ip route add 10.77.2.0/24 via 192.168.4.221
    guest 10 "ip route add $K8S_VIP/32 via 10.77.1.1 && ip route add 192.168.4.0/24 via 10.77.2.1"
}

# The guest goes first (ukv down deletes namespace ukv, the veths with it), then the lab.
k8sk_down() {
    # shellcheck disable=SC2016 # expanded by the guest's shell
    guest 5 'kill $(cat /tmp/c.pid) $(cat /tmp/k.pid) 2>/dev/null; sysctl -qw net.sctp.encap_port=0' \
        >/dev/null 2>&1
    "$UKV" down >/dev/null 2>&1
    k8s_down
}

# scenario_s7k LABEL VARIANT
scenario_s7k() {
    local lock
    mkdir -p "$UKV_CACHE"
    exec {lock}>"$UKV_CACHE/suite.lock"
    flock "$lock"
    solo_begin "$1" "$2" usctplab-s7- k8sk
    VARIANT+=" fail, kernel client"
    solo_capture "${S7K_NODES[@]}"
    tcpdump_start ukv "$WORK/ukv.pcap" -i any "sctp or udp port $UDP" || die "tcpdump in ukv"
    CAPTURE_PIDS+=("$TCPDUMP_PID"); BG_PIDS+=("$TCPDUMP_PID")
    local encap=0 lport=7100
    [ "${VARIANT%% *}" = raw ] || encap=$UDP
    s7_server
    # net.sctp.encap_port applies to sockets made while it is set (RFC 6951 for this one).
    guest 10 "rm -f /tmp/c.in; mkfifo /tmp/c.in; sysctl -qw net.sctp.encap_port=$encap
        sctp_darn -H 10.77.1.2 -B 10.77.2.2 -P $lport -h $K8S_VIP -p $K8S_PORT -s -I </tmp/c.in >/tmp/c.log 2>&1 &
        echo \$! >/tmp/c.pid; sleep 100000 >/tmp/c.in & echo \$! >/tmp/k.pid" >/dev/null
    guest 15 "echo snd=10 >/tmp/c.in; sleep 3; echo snd=10 >/tmp/c.in; sleep 1" >/dev/null
    guest 5 "cat /tmp/c.log; cat /proc/net/sctp/assocs" >"$WORK/guest.log" 2>&1 || true
    local invalid; invalid=$(k8s_invalid)
    solo_decode "${S7K_NODES[@]}" ukv
    solo_clean "${S7K_NODES[@]}" ukv
    local from abort_k abort_pod
    from=$(pk ukv 'has(4) && dst == "10.77.2.2" { print src (sport ? ":" sport : ""); exit }')
    abort_k=$(count ukv 'has(6) && tbit == "1" && src == "10.77.2.2"')
    abort_pod=$(count pod 'has(6)')
    check "no HEARTBEAT from the node's address at the guest (saw '${from:-none}')" [ "${from%%:*}" = "$K8S_NODE_B" ]
    check "the kernel sent no ABORT with the T bit from 10.77.2.2" [ "$abort_k" -gt 0 ]
    check "no DATA from the guest reached the pod" [ "$(count pod 'has(0) && src == "10.77.1.2"')" -gt 0 ]
    local fate
    if [ "${VARIANT%% *}" = raw ]; then
        check "the ABORT reached the pod" [ "$abort_pod" = 0 ]
        check "conntrack found no packet invalid" [ "${invalid:-0}" -gt 0 ]
        fate="conntrack finds the ABORT invalid ($invalid packets) and the pod never sees it; path 10.77.2.2 never confirms"
    else
        check "the ABORT did not reach the pod" [ "$abort_pod" -gt 0 ]
        fate="UDP conntrack maps the ABORT back to the pod, which aborts the association"
    fi
    echo "S7 explanation (kernel client): the pod probed the guest's second address 10.77.2.2; the masquerade gave the HEARTBEAT the node's source ($from), and Linux answered it out of the blue with an ABORT with the T bit, as usctp does by default. Then $fate."
    finish "HEARTBEAT to 10.77.2.2 arrived from $from, kernel ABORT (T bit) x$abort_k, ABORTs at the pod: $abort_pod, conntrack-invalid: ${invalid:-0}, $(encap_text)"
}
