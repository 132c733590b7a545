# shellcheck shell=bash
# lab/lab's names and helpers: namespace exec, background processes of a scenario. Sourced by
# lab/lab after scripts/lib; expects ROOT (the repository) to be set.

# shellcheck disable=SC2034 # read by the other files of the lab
{
P=usctplab-                     # every namespace the lab makes carries this prefix
NODES="vm1 r201 r203 r202 r204 t221"
V6=1000::1:                     # IPv6 address = ${V6}192.168.n.i/120
SCTPT=${SCTPT:-$ROOT/target/debug/sctpt}
UDP=9899                        # the UDP encapsulation port of the seed (RFC 6951's port)
}

nsx() { local n=$1; shift; ip netns exec "$P$n" "$@"; }

# need_tools TOOL...: install the Debian packages of missing tools (fresh CI machines).
need_tools() { pkg_need "$@" || exit 1; }

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

# Milliseconds since the epoch (for the runtimes the result lines print).
now_ms() { date +%s%3N; }
