# shellcheck shell=bash
# The cluster of S5: the dual-path topology with N backends behind VIPs, r201 and r202 as
# stateless load balancers (nftables port hash + fwmark policy routing), direct server return.
#
#   path A:  vm1..vmN eth1 192.168.1.i - bridge eth1 in r201 (LB) - r203 - .2.221 t221
#   path B:  vm1..vmN eth2 192.168.4.i - bridge eth1 in r202 (LB) - r204 - .6.221 t221
#
# Every backend has the VIPs 10.0.0.1 and 1000::81 on `lo` (as in nfqlb's test) and replies
# from them over its own links (default route via r201, 192.168.6.0/24 via r202), never back
# through a balancer's table. The client reaches 10.0.0.1 over path A and 1000::81 over path
# B (nfqlb's split), so every association has one path per network and per balancer.
# Namespaces are ${P}* with P=usctplab-s5-, so the cluster and the basic lab can coexist.

VIP4=10.0.0.1 VIP6=1000::81
LB_SEED=0x5c75                  # the same in both balancers: both paths pick the same backend
LB_TABLE=usctplab_lb

# cluster_up N: build the cluster with N backends.
cluster_up() {
    local n=$1 i r net
    NODES="r201 r203 r202 r204 t221"
    for ((i = 1; i <= n; i++)); do NODES+=" vm$i"; done
    for i in $NODES; do ns_exists "$P$i" && die "$P$i exists; run: lab/lab down"; done
    for i in $NODES; do
        ns_add "$P$i"
        nsx "$i" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
            net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
            net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
    done
    # The backends' segments: a bridge named eth1 in each balancer, one port per backend.
    for r in r201 r202; do
        net=1; [ $r = r201 ] || net=4
        nsx $r ip link add eth1 type bridge
        nsx $r ip link set eth1 up
        ns_addr "$P$r" eth1 "192.168.$net.${r#r}/24" "${V6}192.168.$net.${r#r}/120"
    done
    for ((i = 1; i <= n; i++)); do
        veth "${P}vm$i" eth1 "${P}r201" "vm$i"
        veth "${P}vm$i" eth2 "${P}r202" "vm$i"
        nsx r201 ip link set "vm$i" master eth1
        nsx r202 ip link set "vm$i" master eth1
        ns_addr "${P}vm$i" eth1 "192.168.1.$i/24" "${V6}192.168.1.$i/120"
        ns_addr "${P}vm$i" eth2 "192.168.4.$i/24" "${V6}192.168.4.$i/120"
        ns_addr "${P}vm$i" lo "$VIP4/32" "$VIP6/128"
        # DSR: the VIPs are only the backend's own (no ARP/ND answers for them on the links).
        nsx "vm$i" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
        route "vm$i" default 1 201; route "vm$i" 6 4 202
    done
    link r201 eth2 r203 eth1 3
    link r203 eth2 t221 eth1 2
    link r202 eth2 r204 eth1 5
    link r204 eth2 t221 eth2 6
    route r201 2 3 203; route r201 6 3 203
    route r203 1 3 201; route r203 4 3 201
    route r202 6 5 204; route r202 2 5 204
    route r204 4 5 202; route r204 1 5 202
    route t221 default 2 203; route t221 4 6 204
    # The VIPs: each router toward its balancer; the client: IPv4 on path A, IPv6 on path B.
    nsx r203 ip route add "$VIP4/32" via 192.168.3.201
    nsx r203 ip -6 route add "$VIP6/128" via "${V6}192.168.3.201"
    nsx r204 ip route add "$VIP4/32" via 192.168.5.202
    nsx r204 ip -6 route add "$VIP6/128" via "${V6}192.168.5.202"
    nsx t221 ip -6 route add "$VIP6/128" via "${V6}192.168.6.204"
    # Balancers: fwmark i -> table 100+i -> backend i on the balancer's segment.
    for r in r201 r202; do
        net=1; [ $r = r201 ] || net=4
        for ((i = 1; i <= n; i++)); do
            nsx $r ip rule add fwmark "$i" table $((100 + i))
            nsx $r ip -6 rule add fwmark "$i" table $((100 + i))
            nsx $r ip route add default via "192.168.$net.$i" table $((100 + i))
            nsx $r ip -6 route add default via "${V6}192.168.$net.$i" table $((100 + i))
        done
    done
}

cluster_down() {
    local r
    for r in r201 r202; do nsx $r nft delete table inet $LB_TABLE 2>/dev/null || true; done
    ns_del_prefix "$P"
}

# lb_rules N port|ecmp: the balancer's nftables table. `port` hashes on the SCTP ports only
# (nfqlb's rule), for native SCTP, for UDP 9899 (the inner SCTP ports after the 8-byte UDP
# header) and for ICMP errors quoting a packet a backend sent from a VIP (the quoted ports,
# swapped: the quote is server -> client). `ecmp` is the negative control: addresses and
# ports, what an L4 ECMP hash does.
lb_rules() {
    local h="mod $1 seed $LB_SEED offset 1"
    local icmp4="icmp type { destination-unreachable, time-exceeded, parameter-problem } @th,64,8 0x45"
    local icmp6="icmpv6 type { destination-unreachable, packet-too-big, time-exceeded, parameter-problem }"
    cat <<NFT
table inet $LB_TABLE {
    chain prerouting {
        type filter hook prerouting priority mangle; policy accept;
        iifname != "eth2" return
        ip daddr $VIP4 jump vip
        ip6 daddr $VIP6 jump vip
    }
    chain vip {
NFT
    if [ "$2" = ecmp ]; then
        cat <<NFT
        meta mark set jhash ip saddr . ip daddr . sctp sport . sctp dport $h accept
        meta mark set jhash ip6 saddr . ip6 daddr . sctp sport . sctp dport $h accept
NFT
    else
        cat <<NFT
        meta mark set jhash sctp sport . sctp dport $h accept
        udp dport $UDP meta mark set jhash @th,64,16 . @th,80,16 $h accept
        $icmp4 @th,136,8 132 meta mark set jhash @th,240,16 . @th,224,16 $h accept
        $icmp4 @th,136,8 17 @th,224,16 $UDP meta mark set jhash @th,304,16 . @th,288,16 $h accept
        $icmp6 @th,112,8 132 meta mark set jhash @th,400,16 . @th,384,16 $h accept
        $icmp6 @th,112,8 17 @th,384,16 $UDP meta mark set jhash @th,464,16 . @th,448,16 $h accept
NFT
    fi
    echo "    }"
    echo "}"
}

lb_up() {
    local r
    for r in r201 r202; do lb_rules "$1" "$2" | nsx $r nft -f - || die "nft in $P$r"; done
}
