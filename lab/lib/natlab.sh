# shellcheck shell=bash
# The NAT lab of issue 20: a two-address client on private networks behind two masquerading
# routers, one per path, and a two-address server.
#
#   c eth1 172.16.1.2 - nata (masquerade to 192.168.1.254) - 192.168.1.1 eth1 s
#   c eth2 172.16.2.2 - natb (masquerade to 192.168.4.254) - 192.168.4.1 eth2 s
#
# The server has no route to the private networks, so it only reaches the client through a
# NAT's mapping. Namespaces are ${P}* with P=usctplab-nat-.

# shellcheck disable=SC2034 # read by scenarios/nat.sh
{
NAT_SERVER=192.168.1.1,192.168.4.1 NAT_CLIENT=172.16.1.2,172.16.2.2
NAT_TABLE=usctplab_nat
}

nat_up() {
    local n
    NODES="c nata natb s"
    for n in $NODES; do ns_exists "$P$n" && die "$P$n exists; run: lab/lab down"; done
    for n in $NODES; do
        ns_add "$P$n"
        nsx "$n" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
    done
    veth "${P}c" eth1 "${P}nata" eth1
    veth "${P}c" eth2 "${P}natb" eth1
    veth "${P}nata" eth2 "${P}s" eth1
    veth "${P}natb" eth2 "${P}s" eth2
    ns_addr "${P}c" eth1 172.16.1.2/24
    ns_addr "${P}c" eth2 172.16.2.2/24
    ns_addr "${P}nata" eth1 172.16.1.1/24
    ns_addr "${P}nata" eth2 192.168.1.254/24
    ns_addr "${P}natb" eth1 172.16.2.1/24
    ns_addr "${P}natb" eth2 192.168.4.254/24
    ns_addr "${P}s" eth1 192.168.1.1/24
    ns_addr "${P}s" eth2 192.168.4.1/24
    nsx c ip route add 192.168.1.0/24 via 172.16.1.1
    nsx c ip route add 192.168.4.0/24 via 172.16.2.1
    nat_rules 40000-44999 | nsx nata nft -f - || die "nft in ${P}nata"
    nat_rules 50000-54999 | nsx natb nft -f - || die "nft in ${P}natb"
    for n in nata natb; do nsx $n sysctl -qw net.ipv4.ip_forward=1; done
}

# nat_rules PORTS: a home router's NAT. Everything leaving on the outside link is
# masqueraded; UDP also gets a source port from PORTS (each NAT its own range, so the
# captures show which one mapped a flow); a native SCTP port is kept when free, as Linux's
# SCTP NAT does. `nat_cut` adds the drop chain that cuts the path.
nat_rules() {
    cat <<NFT
table ip $NAT_TABLE {
    chain postrouting {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "eth2" meta l4proto udp masquerade to :$1
        oifname "eth2" masquerade
    }
    # Counts what conntrack finds invalid: such packets are not NATed.
    chain invalid {
        type filter hook prerouting priority mangle; policy accept;
        ct state invalid counter
    }
}
NFT
}

# nat_invalid a|b: the packets that NAT's conntrack found invalid.
nat_invalid() {
    nsx "nat$1" nft list chain ip "$NAT_TABLE" invalid | sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
}

# nat_cut a|b / nat_restore a|b: silently drop everything forwarded by that path's NAT.
nat_cut() {
    nsx "nat$1" nft -f - <<NFT
table ip ${NAT_TABLE}_cut {
    chain forward { type filter hook forward priority filter; policy drop; }
}
NFT
}
nat_restore() { nsx "nat$1" nft delete table ip "${NAT_TABLE}_cut" 2>/dev/null || true; }

nat_down() {
    local n
    for n in nata natb; do
        ns_exists "$P$n" || continue
        nsx $n nft delete table ip "$NAT_TABLE" 2>/dev/null
        nsx $n nft delete table ip "${NAT_TABLE}_cut" 2>/dev/null
    done
    ns_del_prefix "$P"
}
