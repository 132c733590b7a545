# shellcheck shell=bash
# S5's ICMP check (issue 21): do the balancers' ICMP rules (lib/cluster.sh) hand an ICMP error
# about a packet a backend sent from a VIP to the backend that owns the association?
#
# The client t221 rejects, per association and per VIP, the first SCTP packet it gets from the
# VIP that starts with DATA, SACK, HEARTBEAT or HEARTBEAT ACK, with an ICMP error sent back to
# the VIP: 10.0.0.1 over path A (ICMP, through r201), 1000::81 over path B (ICMPv6, through
# r202). The backends' captures then show where each error went.
#
# Why admin-prohibited (ICMP 3/13, ICMPv6 1/1): usctp takes it as "unreachable", a hint only
# (RFC 9260 Appendix C, ICMP9): the server's path to that client address is potentially failed
# until a HEARTBEAT ACK, and nothing aborts (ICMP8 ends only a COOKIE-WAIT, on protocol
# unreachable). The rejected packet is lost like any other and retransmitted (T3, RTO.Min 1 s),
# so sent == received and maxRtt stays far below 5000 ms. Why those chunks: an error about an
# INIT ACK finds no association (the cookie is stateless) and only delays the connect, and one
# about a SHUTDOWN would only slow the end. One per association and VIP: a set of the seen
# verification tags (the client's own, in every packet from the VIP), bounded by its size.

ICMP_TABLE=usctplab_icmp

# icmp_rules raw|udp: t221's table; over UDP 9899 the SCTP packet starts after 8 bytes.
icmp_rules() {
    local o=0 proto="meta l4proto sctp"
    [ "$1" = raw ] || { o=8 proto="udp sport $UDP"; }
    local tag="@th,$(((o + 4) * 8)),32" first="@th,$(((o + 12) * 8)),8 { 0, 3, 4, 5 }"
    cat <<NFT
table inet $ICMP_TABLE {
    set seen4 { typeof $tag; size 1024; }
    set seen6 { typeof $tag; size 1024; }
    chain input {
        type filter hook input priority filter; policy accept;
        ip saddr $VIP4 $proto $first $tag != @seen4 add @seen4 { $tag } counter reject with icmp type admin-prohibited
        ip6 saddr $VIP6 $proto $first $tag != @seen6 add @seen6 { $tag } counter reject with icmpv6 type admin-prohibited
    }
}
NFT
}

# icmp_up raw|udp: the rejects in t221. The kernel rate-limits errors per destination (here
# always a VIP) and globally; an empty rate mask turns that off, so every reject is sent.
icmp_up() {
    nsx t221 sysctl -qw net.ipv4.icmp_ratemask=0 net.ipv6.icmp.ratemask= || die "sysctl in ${P}t221"
    icmp_rules "$1" | nsx t221 nft -f - || die "nft in ${P}t221"
}

icmp_down() {
    ! ns_exists "${P}t221" || nsx t221 nft delete table inet "$ICMP_TABLE" 2>/dev/null || true
}

# icmp_made ip|ip6: how many errors t221's rule for that family made (its counter).
icmp_made() {
    nsx t221 nft list chain inet "$ICMP_TABLE" input |
        awk -v f="$1" '$1 == f { for (i = 1; i < NF; i++) if ($i == "packets") n += $(i + 1) }
            END { print n + 0 }'
}

# icmp_to_vip NODE: the ICMP errors sent to a VIP in NODE's capture (lines of $NODE.icmp, see
# s5_decode), as "tag family" lines: the quoted verification tag, 4 or 6.
icmp_to_vip() {
    awk -F'\t' -v v4="$VIP4" -v v6="$VIP6" '{ split($1, a, ","); split($2, b, ",") }
        a[1] == v4 { print ($3 == "" ? "-" : $3), 4 } b[1] == v6 { print ($3 == "" ? "-" : $3), 6 }' \
        "$WORK/$1.icmp"
}

# The verification tags of NODE's packets from a VIP (the client's tag of each association).
tags_from_vip() {
    awk -F'\t' -v v4="$VIP4" -v v6="$VIP6" '
        $3 != "" && $3 != "0x00000000" && ($7 == v4 || $8 == v6) { print $3 }' "$WORK/$1.tsv" | sort -u
}

# icmp_tally BACKEND...: "arrived at_owner astray v4 v6" over the backends' captures. A
# backend owns a tag when its own packets from the VIP carry it; an error at a backend whose
# packets do not carry the quoted tag is astray.
icmp_tally() {
    local b
    : >"$WORK/owned"; : >"$WORK/icmp_at"
    for b in "$@"; do
        tags_from_vip "$b" | sed "s/\$/ $b/" >>"$WORK/owned"
        icmp_to_vip "$b" | awk -v b="$b" '{ print $1, b, $2 }' >>"$WORK/icmp_at"
    done
    awk 'NR == FNR { own[$1 " " $2] = 1; next }
        { n++; f[$3]++; if (($1 " " $2) in own) ok++ }
        END { print n + 0, ok + 0, n - ok, f[4] + 0, f[6] + 0 }' "$WORK/owned" "$WORK/icmp_at"
}
