# shellcheck shell=bash
# Waiting for conditions and for processes to end.

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds; false on timeout.
wait_for() {
    local end=$((SECONDS + $1))
    shift
    until "$@"; do
        [ "$SECONDS" -lt "$end" ] || return 1
        sleep 0.1
    done
}

# gone PID: the process no longer runs.
gone() { ! kill -0 "$1" 2>/dev/null; }

# stop_pid PID [SIGNAL [SECONDS]]: send SIGNAL (TERM) and wait up to SECONDS (5) for the
# process to end; false if it still runs.
stop_pid() {
    local pid=$1 sig=${2:-TERM} secs=${3:-5}
    kill -s "$sig" "$pid" 2>/dev/null || return 0
    # `wait` reaps a child of this shell (kill -0 would still see its zombie); for any other
    # process it returns at once and the poll does the waiting.
    wait "$pid" 2>/dev/null || true
    wait_for "$secs" gone "$pid"
}
