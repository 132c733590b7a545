# shellcheck shell=bash
# The topology: lab up / down, and path failure injection (fail / restore).
#
#          path A:  vm1 eth1 .1.1 - net1 - r201 - net3 - r203 - net2 - eth1 .2.221 t221
#          path B:  vm1 eth2 .4.1 - net4 - r202 - net5 - r204 - net6 - eth2 .6.221 t221
#
# Routing is by destination, for IPv4 and IPv6 alike (sctpt spec §2.1): 192.168.1.x and
# 192.168.2.x (and their ${V6} twins) are reached over path A, 192.168.4.x and 192.168.6.x
# over path B, so a multihomed association gets one path per network.

host_id() { case $1 in vm*) echo "${1#vm}" ;; r*) echo "${1#r}" ;; t*) echo "${1#t}" ;; esac; }

# link NODE_A IF_A NODE_B IF_B NET  (NET = the third octet)
link() {
    veth "$P$1" "$2" "$P$3" "$4"
    local ia ib
    ia=$(host_id "$1"); ib=$(host_id "$3")
    ns_addr "$P$1" "$2" "192.168.$5.$ia/24" "${V6}192.168.$5.$ia/120"
    ns_addr "$P$3" "$4" "192.168.$5.$ib/24" "${V6}192.168.$5.$ib/120"
}

# route NODE NET VIA_NET VIA_HOST  (v4 and v6); NET "default" for the default route
route() {
    local v4=192.168.$2.0/24 v6=${V6}192.168.$2.0/120
    [ "$2" != default ] || { v4=default; v6=default; }
    nsx "$1" ip route add "$v4" via "192.168.$3.$4"
    nsx "$1" ip -6 route add "$v6" via "${V6}192.168.$3.$4"
}

topo_up() {
    local n
    for n in $NODES; do ns_exists "$P$n" && die "$P$n exists; run: lab/lab down"; done
    # A half-built lab is removed again (set -e ends the script on the first error).
    trap 'topo_down >/dev/null' EXIT
    for n in $NODES; do
        ns_add "$P$n"
        nsx "$n" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
            net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
            net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
    done
    link vm1 eth1 r201 eth1 1
    link r201 eth2 r203 eth1 3
    link r203 eth2 t221 eth1 2
    link vm1 eth2 r202 eth1 4
    link r202 eth2 r204 eth1 5
    link r204 eth2 t221 eth2 6
    # The route table of the seed (spec §2.1), the same for IPv6 (prefix ${V6}, /120).
    route vm1 default 1 201; route vm1 6 4 202
    route r201 2 3 203; route r201 6 3 203
    route r203 1 3 201; route r203 4 3 201
    route r202 6 5 204; route r202 2 5 204
    route r204 4 5 202; route r204 1 5 202
    route t221 default 2 203; route t221 4 6 204
    trap - EXIT
    echo "lab: up ($(for n in $NODES; do printf '%s ' "$P$n"; done))"
}

topo_down() {
    ns_del_prefix "$P"
    echo "lab: down"
}

topo_is_up() { local n; for n in $NODES; do ns_exists "$P$n" || return 1; done; }

router_of() { case $1 in a) echo r201 ;; b) echo r202 ;; *) die "path must be a or b" ;; esac; }

# Silent drop of everything SCTP forwarded on the path, raw or UDP-encapsulated, in both
# directions: the seed's `iptables -A FORWARD -p sctp -j DROP` (or `-p udp --sport 9899`).
path_fail() {
    local r; r=$(router_of "$1")
    nsx "$r" nft -f - <<NFT
table inet usctplab {
    chain forward_drop {
        type filter hook forward priority 0; policy accept;
        meta l4proto sctp drop
        udp dport $UDP drop
        udp sport $UDP drop
    }
}
NFT
    echo "lab: path $1 failed (drop in $P$r)"
}

path_restore() {
    local r; r=$(router_of "$1")
    nsx "$r" nft delete table inet usctplab 2>/dev/null || true
    echo "lab: path $1 restored"
}
