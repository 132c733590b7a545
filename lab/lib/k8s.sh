# shellcheck shell=bash
# S7's Kubernetes node (sctpt spec S7, load-balancing-and-nat.md §4): a pod behind a node that
# does in nftables what kube-proxy (iptables mode) and the CNI do, and a multihomed client
# with one link on each of the node's two networks.
#
#   pod eth0 11.0.1.2 - node eth0 11.0.1.1
#                       node eth1 192.168.1.2 - net A - eth1 192.168.1.221 t221
#                       node eth2 192.168.4.2 - net B - eth2 192.168.4.221 t221
#
# The client reaches the service VIP 10.0.0.72 from each address over that address's own
# network (source routing, Xcluster's dual-path VIP routes). Namespaces are ${P}* with
# P=usctplab-s7-.

# shellcheck disable=SC2034 # read by scenarios/s7.sh
{
K8S_VIP=10.0.0.72 K8S_PORT=7002 K8S_POD=11.0.1.2 K8S_NODE_A=192.168.1.2 K8S_NODE_B=192.168.4.2
K8S_CLIENT=192.168.1.221,192.168.4.221
K8S_TABLE=usctplab_k8s
}

k8s_up() {
    k8s_node_up t221
    veth "${P}node" eth1 "${P}t221" eth1
    veth "${P}node" eth2 "${P}t221" eth2
    k8s_node_addrs
    ns_addr "${P}t221" eth1 192.168.1.221/24
    ns_addr "${P}t221" eth2 192.168.4.221/24
    # The client: the VIP over net A from .1.221, over net B from .4.221.
    nsx t221 ip route add "$K8S_VIP/32" via "$K8S_NODE_A"
    nsx t221 ip rule add from 192.168.4.221 table 104
    nsx t221 ip route add "$K8S_VIP/32" via "$K8S_NODE_B" table 104
}

k8s_node_addrs() {
    ns_addr "${P}node" eth1 "$K8S_NODE_A/24"
    ns_addr "${P}node" eth2 "$K8S_NODE_B/24"
}

# k8s_node_up [NODE...]: the pod, the node with its nftables table, and the other NODEs (all
# namespaces; the caller links them to the node's eth1 and eth2).
k8s_node_up() {
    local n
    NODES="pod node $*"
    for n in $NODES; do ns_exists "$P$n" && die "$P$n exists; run: lab/lab down"; done
    for n in $NODES; do
        ns_add "$P$n"
        nsx "$n" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
    done
    nsx node sysctl -qw net.ipv4.ip_forward=1
    veth "${P}pod" eth0 "${P}node" eth0
    ns_addr "${P}pod" eth0 "$K8S_POD/24"
    ns_addr "${P}node" eth0 11.0.1.1/24
    nsx pod ip route add default via 11.0.1.1
    k8s_rules | nsx node nft -f - || die "nft in ${P}node"
}

# kube-proxy in iptables mode, as nftables: the service's DNAT (KUBE-SERVICES -> KUBE-SEP,
# externalTrafficPolicy Local, so the client's address is kept), KUBE-FORWARD's drop of
# conntrack-invalid packets, and the pod network's masquerade of pod egress (the CNI's rule,
# --random-fully like kube-proxy's). A UDP source port is rewritten at random; a native SCTP
# one is kept when free, as Linux's SCTP NAT does.
k8s_rules() {
    cat <<NFT
table ip $K8S_TABLE {
    chain prerouting {
        type nat hook prerouting priority dstnat; policy accept;
        ip daddr $K8S_VIP sctp dport $K8S_PORT dnat to $K8S_POD
        ip daddr $K8S_VIP udp dport $UDP dnat to $K8S_POD
    }
    chain forward {
        type filter hook forward priority filter; policy accept;
        ct state invalid drop
    }
    # Not kube-proxy's: the lab counts what conntrack finds invalid, wherever it then goes.
    chain invalid {
        type filter hook prerouting priority mangle; policy accept;
        ct state invalid counter
    }
    chain postrouting {
        type nat hook postrouting priority srcnat; policy accept;
        ip saddr 11.0.0.0/16 ip daddr != 11.0.0.0/16 meta l4proto udp masquerade fully-random
        ip saddr 11.0.0.0/16 ip daddr != 11.0.0.0/16 masquerade
    }
}
NFT
}

# k8s_cut_a / k8s_restore_a: the node drops everything forwarded to or from net A.
k8s_cut_a() {
    nsx node nft -f - <<NFT
table ip ${K8S_TABLE}_cut {
    chain forward {
        type filter hook forward priority filter; policy accept;
        iifname "eth1" drop
        oifname "eth1" drop
    }
}
NFT
}
k8s_restore_a() { nsx node nft delete table ip "${K8S_TABLE}_cut" 2>/dev/null || true; }

k8s_down() {
    if ns_exists "${P}node"; then
        k8s_restore_a
        nsx node nft delete table ip "$K8S_TABLE" 2>/dev/null
    fi
    ns_del_prefix "$P"
}

# The packets that arrived at the node and that conntrack found invalid.
k8s_invalid() {
    nsx node nft list chain ip "$K8S_TABLE" invalid | sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
}
