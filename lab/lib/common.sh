# Shared helpers of lab/lab: names, namespace exec, tool installation, background processes.
# Sourced by lab/lab; expects ROOT (the repository) to be set.

P=usctplab-                     # every namespace the lab makes carries this prefix
NODES="vm1 r201 r203 r202 r204 t221"
V6=1000::1:                     # IPv6 address = ${V6}192.168.n.i/120
SCTPT=${SCTPT:-$ROOT/target/debug/sctpt}
UDP=9899                        # the UDP encapsulation port of the seed (RFC 6951's port)

die() { echo "lab: $*" >&2; exit 1; }
nsx() { local n=$1; shift; ip netns exec "$P$n" "$@"; }
ns_exists() { [ -e "/run/netns/$P$1" ]; }

# Install the Debian packages a command needs when its tool is missing (fresh CI machines).
ensure_tools() {
    local need=() t pkg
    for t in "$@"; do
        case $t in
        ip) pkg=iproute2 ;; nft) pkg=nftables ;; *) pkg=$t ;;
        esac
        command -v "$t" >/dev/null 2>&1 || need+=("$pkg")
    done
    ((${#need[@]})) || return 0
    echo "lab: installing ${need[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" \
        >/dev/null || die "could not install ${need[*]}"
}

need_sctpt() {
    [ -x "$SCTPT" ] || die "no sctpt at $SCTPT; build it: cargo build -p usctp-examples --bin sctpt"
}

# spawn NODE STDIN STDOUT STDERR CMD...: a background process of the scenario (pid in
# BG_PID), killed by kill_spawned. The child opens the files, so a FIFO as STDIN does not
# block the script.
BG_PIDS=()
spawn() {
    local n=$1 in=$2 out=$3 err=$4; shift 4
    ip netns exec "$P$n" "$@" <"$in" >"$out" 2>"$err" &
    BG_PID=$!
    BG_PIDS+=("$BG_PID")
}

kill_spawned() {
    local pid
    for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${BG_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    BG_PIDS=()
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds; false on timeout.
wait_for() {
    local end=$((SECONDS + $1)); shift
    until "$@"; do
        [ $SECONDS -lt $end ] || return 1
        sleep 0.1
    done
}

# Milliseconds since the epoch (for the runtimes the result lines print).
now_ms() { date +%s%3N; }
