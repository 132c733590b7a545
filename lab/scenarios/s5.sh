# shellcheck shell=bash
# S5 a cluster behind VIPs (the overlay's `nfqlb` case): S5_BACKENDS backends share the VIPs
# 10.0.0.1 (path A) and 1000::81 (path B) and advertise only them; r201 and r202 balance with
# identical nftables port hashes (lib/cluster.sh); replies go straight to the client (DSR).
# ctraffic runs S5_CLIENTS associations for S5_DURATION s; 10 s in, path A drops everything
# for 15 s. Pass: from the per-backend captures, every association (its verification tag)
# reached exactly one backend, over both paths; every backend served one at least; sent ==
# received and maxRtt < 5000 ms; every capture's CRC32c good and nothing malformed. ICMP
# (lib/cluster_icmp.sh): the client rejects one packet per association and VIP with an ICMP
# error to the VIP; every error reaches a backend, the one that owns the quoted association.
#
# S5-ECMP, the negative control: the balancers hash on addresses and ports, as L4 ECMP does.
# The two paths of an association then mostly reach different backends; pass means that this
# failure was seen: an association's packets reached two backends, and a backend that did
# not know the association answered it with an ABORT.

S5_BACKENDS=${S5_BACKENDS:-4} S5_CLIENTS=32 S5_DURATION=35
S5_COLS="ip.dst ipv6.dst sctp.verification_tag sctp.chunk_type sctp.checksum.status
         _ws.expert.severity ip.src ipv6.src icmp.type icmpv6.type"

s5_begin() {
    LABEL=$1 VARIANT=$2; shift 2
    EXTRA=("$@")
    case $VARIANT in raw | udp) ;; *) die "$LABEL: variant must be raw or udp, not '$VARIANT'" ;; esac
    transport_opts
    need_sctpt
    need_tools ip nft tcpdump tshark ethtool
    P=usctplab-s5-              # the cluster's own namespaces (scenario_end removes ${P}*)
    [ -z "$(ns_list "$P")" ] || die "$LABEL: ${P}* exist (another S5 run?); lab/lab down removes them"
    SERVER_ADDRS=$VIP4,$VIP6 CLIENT_ADDRS=192.168.2.221,${V6}c0a8:6dd
    WORK=$(mktemp -d /tmp/usctplab.XXXXXX)
    FAILS=()
    # shellcheck disable=SC2034 # read by scenario_end: the cluster is always this run's own
    OWN_LAB=1
    trap s5_end EXIT
    trap 'exit 130' INT TERM HUP PIPE
    cluster_up "$S5_BACKENDS" >"$WORK/up.log"
    # shellcheck disable=SC2034 # read by finish
    T0=$(now_ms)
}

# Balancer tables first, then (scenario_end) processes and namespaces; the exit status stays.
s5_end() {
    local rc=$?
    cluster_down_tables
    set +e                      # scenario_end reads the status from $?
    (exit $rc)
    scenario_end
}
cluster_down_tables() {
    local r
    for r in r201 r202; do ns_exists "$P$r" && nsx $r nft delete table inet "$LB_TABLE" 2>/dev/null; done
    icmp_down
}

# One server per backend on the VIPs only (so the INIT ACK lists exactly the VIPs), and a
# capture in every backend (both links) and on the client's two links. -B 16384: a 16 MiB
# ring; with the default, tcpdump dropped packets here under load, and the ICMP count needs all.
s5_start() {
    local i
    CAPTURE_PIDS=()
    for i in $(seq "$S5_BACKENDS") t221; do
        [ "$i" = t221 ] || i=vm$i
        tcpdump_start "$P$i" "$WORK/$i.pcap" -i any -B 16384 \
            "sctp or udp port $UDP or icmp or (icmp6 and ip6[40] < 128)" ||
            die "tcpdump did not start in $P$i"
        CAPTURE_PIDS+=("$TCPDUMP_PID"); BG_PIDS+=("$TCPDUMP_PID")
    done
    for i in $(seq "$S5_BACKENDS"); do
        spawn "vm$i" /dev/null "$WORK/vm$i.out" "$WORK/vm$i.err" \
            "$SCTPT" server --log 6 --addr "$SERVER_ADDRS" "${SERVER_OPTS[@]}" "${EXTRA[@]}"
    done
    for i in $(seq "$S5_BACKENDS"); do
        wait_for 5 grep -qs '^Accepting connections on:' "$WORK/vm$i.err" || {
            FAILS+=("server in vm$i did not start"); finish "$(tail -n 3 "$WORK/vm$i.err" | tr '\n' ' ')"
        }
    done
}

# s5_decode NODE: NODE's capture as a table, UDP 9899 decoded as SCTP, checksums verified:
# $NODE.tsv the SCTP packets, $NODE.icmp the ICMP errors (their columns are the quote's too).
s5_decode() {
    local args=() f
    for f in $S5_COLS; do args+=(-e "$f"); done
    tshark -r "$WORK/$1.pcap" -n -o "sctp.checksum:CRC 32c" -d "udp.port==$UDP,sctp" \
        -T fields -E occurrence=a "${args[@]}" 2>/dev/null |
        awk -F'\t' -v t="$WORK/$1.tsv" -v i="$WORK/$1.icmp" '{ print >($9 $10 == "" ? t : i) }'
    touch "$WORK/$1.tsv" "$WORK/$1.icmp"
}

# The verification tags of the packets sent to a VIP in NODE's capture (the server's tag of an
# association; not INIT's 0), as "tag path" lines: path a (10.0.0.1) or b (1000::81).
vip_tags() {
    awk -F'\t' -v v4="$VIP4" -v v6="$VIP6" '
        $3 != "" && $3 != "0x00000000" && ($1 == v4 || $2 == v6) { print $3, ($1 == v4 ? "a" : "b") }' \
        "$WORK/$1.tsv" | sort -u
}

# Every frame is SCTP with a good CRC32c (status 1) and none has an error-level expert info.
s5_clean() {
    awk -F'\t' '$5 != "1" { bad = 1 }
        { k = split($6, s, ","); for (i = 1; i <= k; i++) if (s[i] + 0 >= 8388608) bad = 1 }
        END { exit bad || NR == 0 }' "$WORK/$1.tsv"
}

# ABORT chunks (type 6) a backend sent (from a VIP).
aborts_sent() {
    awk -F'\t' '($1 !~ /^10\.0\.0\.1/ && $2 != "1000::81") { k = split($4, c, ",");
        for (i = 1; i <= k; i++) if (c[i] == 6) n++ } END { print n + 0 }' "$WORK/$1.tsv"
}

# scenario_s5 LABEL VARIANT [sctpt options...]; scenario_s5 LABEL ecmp for the control.
scenario_s5() {
    local label=$1 mode=port
    [ "${2:-}" != ecmp ] || { mode=ecmp; set -- "$label" raw "${@:3}"; }
    s5_begin "$@"
    [ $mode = port ] || VARIANT="raw, ECMP hash (control)"
    lb_up "$S5_BACKENDS" $mode
    s5_start
    [ $mode = ecmp ] || icmp_up "$VARIANT"
    local shm=usctplab-s5 clients=$S5_CLIENTS duration=$S5_DURATION
    [ $mode = port ] || { clients=8 duration=8; }
    SHM=$shm
    "$SCTPT" stats --shm "$SHM" init
    spawn t221 /dev/null "$WORK/ctraffic.out" "$WORK/ctraffic.err" \
        "$SCTPT" ctraffic --log 6 --shm "$SHM" --addr "$SERVER_ADDRS" --laddr "$CLIENT_ADDRS" \
        --clients "$clients" --rate "$clients" --duration "$duration" "${CLIENT_OPTS[@]}" "${EXTRA[@]}"
    # shellcheck disable=SC2153 # BG_PID is set by spawn
    local pid=$BG_PID rc=124
    if [ $mode = port ]; then
        sleep 10
        path_fail a >/dev/null
        sleep 15
        path_restore a >/dev/null
    fi
    if wait_for $((duration + 20)) gone "$pid"; then
        rc=0
        wait "$pid" || rc=$?
    fi
    sleep 1
    tcpdump_stop "${CAPTURE_PIDS[@]}"
    "$SCTPT" stats --shm "$SHM" json >"$WORK/stats.json"
    local sent received max i n tags=0 multi=0 one_path=0 idle=0 aborts=0 unclean=() backends=()
    sent=$(json_field sent "$WORK/stats.json")
    received=$(json_field received "$WORK/stats.json")
    max=$(json_field maxRtt "$WORK/stats.json")
    : >"$WORK/tags"
    for i in $(seq "$S5_BACKENDS") t221; do
        [ "$i" = t221 ] || i=vm$i
        s5_decode "$i"
        # In the control a backend may see nothing: the client gives up at the first ABORT.
        s5_clean "$i" || { [ $mode = ecmp ] && [ ! -s "$WORK/$i.tsv" ]; } || unclean+=("$i")
        [ "$i" = t221 ] && continue
        backends+=("$i")
        vip_tags "$i" | sed "s/\$/ $i/" >>"$WORK/tags"
        n=$(vip_tags "$i" | awk '{ print $1 }' | sort -u | wc -l)
        [ "$n" -gt 0 ] || idle=$((idle + 1))
        aborts=$((aborts + $(aborts_sent "$i")))
    done
    # Per association tag: the backends it reached, and the paths it used.
    tags=$(awk '{ print $1 }' "$WORK/tags" | sort -u | wc -l)
    multi=$(awk '{ b[$1] = b[$1] " " $3 } END { for (t in b) { split(b[t], x, " "); delete s;
        k = 0; for (i in x) if (!(x[i] in s)) { s[x[i]] = 1; k++ } if (k > 1) n++ } print n + 0 }' "$WORK/tags")
    one_path=$(awk '{ p[$1] = p[$1] $2 } END { for (t in p) if (!(p[t] ~ /a/ && p[t] ~ /b/)) n++; print n + 0 }' "$WORK/tags")
    local conns; conns=$(cat "$WORK"/vm*.err | grep -c '^Got a new connection' || true)
    check "captures not clean: ${unclean[*]}" [ ${#unclean[@]} = 0 ]
    if [ $mode = port ]; then
        check "ctraffic exit $rc" [ "$rc" = 0 ]
        check "no stats" nonempty "$sent" "$received" "$max"
        check "sent != received" [ "${sent:-0}" = "${received:--1}" ]
        check "maxRtt >= 5000 ms" [ "${max:-99999}" -lt 5000 ]
        check "sent too few" [ "${sent:-0}" -ge $((clients * duration * 9 / 10)) ]
        check "$conns connections, not $clients" [ "$conns" = "$clients" ]
        check "$tags associations in the backend captures, not $clients" [ "$tags" = "$clients" ]
        check "$multi associations reached several backends" [ "$multi" = 0 ]
        check "$one_path associations not on both paths" [ "$one_path" = 0 ]
        check "$idle backends served nothing" [ "$idle" = 0 ]
        check "$aborts ABORTs from backends" [ "$aborts" = 0 ]
        # ICMP: one error per association and VIP made in t221 (its counters), each one at a
        # backend, the one whose packets carry the quoted tag.
        local made4 made6 wire arrived owners astray at4 at6
        made4=$(icmp_made ip) made6=$(icmp_made ip6) wire=$(icmp_to_vip t221 | wc -l)
        read -r arrived owners astray at4 at6 < <(icmp_tally "${backends[@]}")
        check "ICMP: $made4 IPv4 errors made, not $clients" [ "$made4" = "$clients" ]
        check "ICMP: $made6 IPv6 errors made, not $clients" [ "$made6" = "$clients" ]
        check "ICMP: $arrived errors at backends ($at4 IPv4, $at6 IPv6; $wire in t221's capture)" \
            [ "$at4/$at6" = "$made4/$made6" ]
        check "ICMP: $astray errors astray" [ "$astray" = 0 ]
        finish "$tags associations over $S5_BACKENDS backends ($(s5_spread)), each on one backend over both paths; path A down 15 s: sent=$sent received=$received maxRtt=$max ms; ICMP: $((made4 + made6)) sent ($made4 IPv4, $made6 IPv6), $owners at their owners, $astray astray; $(encap_text)${EXTRA[*]:+, ${EXTRA[*]}}"
    else
        check "no association reached two backends" [ "$multi" -gt 0 ]
        check "no ABORT from a backend" [ "$aborts" -gt 0 ]
        finish "failure shown: $multi of $tags associations reached two backends, $aborts ABORTs from backends that did not know them; ctraffic: $(grep -m1 -E 'reset|closed|sctp_connectx' "$WORK/ctraffic.err" || echo 'no error'), sent=$sent received=$received"
    fi
}

# Associations per backend, e.g. "vm1 9, vm2 7, ...".
s5_spread() {
    awk '{ print $3, $1 }' "$WORK/tags" | sort -u | awk '{ n[$1]++ } END { for (b in n) print b, n[b] }' |
        sort | paste -sd, | sed 's/,/, /g'
}
