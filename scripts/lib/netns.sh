# shellcheck shell=bash
# Network namespaces and veth links. Each script names its namespaces with a prefix of its own
# and deletes only those.

# ns_add NAME: a new namespace with loopback up.
ns_add() { ip netns add "$1" && ip -n "$1" link set lo up; }

ns_exists() { [ -e "/run/netns/$1" ]; }

# ns_del NAME...: delete the namespaces that exist; their links go with them.
ns_del() {
    local n
    for n in "$@"; do
        if ns_exists "$n"; then ip netns del "$n"; fi
    done
}

# ns_list PREFIX: the namespaces whose names start with PREFIX, one per line.
ns_list() { ip netns list | awk -v p="$1" 'index($1, p) == 1 { print $1 }'; }

# ns_del_prefix PREFIX: delete every namespace whose name starts with PREFIX.
ns_del_prefix() {
    local n
    for n in $(ns_list "$1"); do ip netns del "$n"; done
}

# veth NS_A IF_A NS_B IF_B: a veth pair joining two namespaces, both ends up. UDP
# segmentation offload is off, so that a capture sees the datagrams of the wire, not GSO
# batches.
veth() {
    ip link add name "$2" netns "$1" type veth peer name "$4" netns "$3" &&
        ip netns exec "$1" ethtool -K "$2" tx-udp-segmentation off >/dev/null &&
        ip netns exec "$3" ethtool -K "$4" tx-udp-segmentation off >/dev/null &&
        ip -n "$1" link set "$2" up &&
        ip -n "$3" link set "$4" up
}

# ns_addr NS DEV ADDR/LEN...: add IPv4 and IPv6 addresses (IPv6 without duplicate address
# detection, so they are usable at once).
ns_addr() {
    local ns=$1 dev=$2 a
    shift 2
    for a in "$@"; do
        case $a in
        *:*) ip -n "$ns" addr add "$a" dev "$dev" nodad ;;
        *) ip -n "$ns" addr add "$a" dev "$dev" ;;
        esac || return 1
    done
}
