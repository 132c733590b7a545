# shellcheck shell=bash
# Captures on the two paths (tcpdump on the vm-facing side of r201 = path A, r202 = path B)
# and the tshark checks of S1/S3: addresses in INIT/INIT ACK, a confirmed HEARTBEAT on path B,
# good CRC32c everywhere, nothing malformed, the shutdown, and the encapsulation.
#
# tshark decodes each capture once into a table ($WORK/a.tsv, b.tsv; the columns below, lists
# comma-separated); the checks are awk over the tables.
COLS="frame.number frame.time_epoch sctp.chunk_type udp.srcport udp.dstport sctp.checksum.status
      sctp.parameter_ipv4_address sctp.parameter_ipv6_address
      sctp.parameter_heartbeat_information _ws.expert.severity"

# capture_start: tcpdump on r201 eth1 and r202 eth1, into $WORK/a.pcap and $WORK/b.pcap.
capture_start() {
    local path r
    CAPTURE_PIDS=()
    for path in a b; do
        r=$(router_of $path)
        tcpdump_start "$P$r" "$WORK/$path.pcap" -i eth1 "sctp or udp port $UDP" ||
            die "tcpdump did not start"
        CAPTURE_PIDS+=("$TCPDUMP_PID")
        BG_PIDS+=("$TCPDUMP_PID")     # killed on exit should the scenario end early
    done
}

# capture_stop: end tcpdump, decode both captures.
capture_stop() {
    tcpdump_stop "${CAPTURE_PIDS[@]}"
    decode a; decode b
}

# decode a|b: the capture as a table (SCTP checksums verified, UDP 9899 decoded as SCTP).
decode() {
    local args=() f
    for f in $COLS; do args+=(-e "$f"); done
    tshark -r "$WORK/$1.pcap" -n -o "sctp.checksum:CRC 32c" -d "udp.port==$UDP,sctp" \
        -T fields -E occurrence=a "${args[@]}" >"$WORK/$1.tsv" 2>/dev/null
}

# tawk a|b|ab PROGRAM: awk over a table (ab: both) with the columns named.
tawk() {
    local files=() p
    for p in $(echo "$1" | grep -o .); do files+=("$WORK/$p.tsv"); done
    awk -F'\t' -v udp="$UDP" "{ num=\$1; t=\$2; chunks=\$3; sport=\$4; dport=\$5;
        ck=\$6; v4=\$7; v6=\$8; hb=\$9; sev=\$10 } $2" "${files[@]}"
}
# has CHUNK_TYPE: true (in awk) when the packet carries that chunk.
HAS='function has(c,  i, k, a) { k = split(chunks, a, ","); for (i = 1; i <= k; i++) if (a[i] == c) return 1; return 0 }'

packets() { tawk "$1" 'END { print NR }'; }

# The address parameters of the first INIT (1) or INIT ACK (2) seen, sorted.
chunk_addrs() {
    tawk ab "$HAS has($1) && !done { print v4 \",\" v6; done = 1 }" |
        tr ',' '\n' | sed '/^$/d' | sort | paste -sd,
}
addrs_are() { [ "$(chunk_addrs "$1")" = "$(echo "$2" | tr , '\n' | sort | paste -sd,)" ]; }

# A HEARTBEAT on path B whose info came back in a HEARTBEAT ACK on path B (RFC 9260 §8.3).
hb_confirmed_on_b() {
    decode b
    tawk b "$HAS"'
        has(4) { sent[hb] = 1 }
        has(5) && hb in sent { ok = 1 }
        END { exit !ok }'
}

# Every packet on both paths is SCTP with a good CRC32c (status 1), and none is malformed
# (no expert info of severity error, 0x00800000).
all_checksums_good() {
    local p
    for p in a b; do tawk $p '$6 != "1" { bad = 1 } END { exit bad || NR == 0 }' || return 1; done
}
nothing_malformed() {
    local p
    for p in a b; do
        tawk $p '{ k = split(sev, s, ","); for (i = 1; i <= k; i++) if (s[i] + 0 >= 8388608) bad = 1 }
            END { exit bad }' || return 1
    done
}

# SHUTDOWN, SHUTDOWN ACK and SHUTDOWN COMPLETE (on whichever path each went).
shutdown_seen() {
    tawk ab "$HAS"' has(7) { s = 1 } has(8) { a = 1 } has(14) { c = 1 } END { exit !(s && a && c) }'
}

# Every packet on both paths is UDP 9899<->9899 (udp) or SCTP directly over IP (raw).
encapsulation_ok() {
    local p want='sport == udp && dport == udp'
    [ "${VARIANT%% *}" = udp ] || want='sport == "" && dport == ""'
    for p in a b; do tawk $p "!($want) { bad = 1 } END { exit bad }" || return 1; done
}

# data_on_b: DATA crossed path B (at least one packet).
data_on_b() { tawk b "$HAS"' has(0) { n++ } END { exit !n }'; }

# hb_ack_on_a_after EPOCH: a HEARTBEAT ACK crossed path A after EPOCH (seconds, fractional).
hb_ack_on_a_after() {
    decode a
    tawk a "$HAS"' has(5) && t > '"$1"' { n++ } END { exit !n }'
}
