# shellcheck shell=bash
# S6 negative probe (nfqlb's flow-match tests): the server runs but both paths drop
# everything, so nothing answers the INIT; `echo Kalle | sctpt client ...` must exit non-zero
# within about 2 s (the C tool's connect timeout) with `sctp_connectx timeout`. With the paths
# restored the same probe passes, which shows that the drop, not the setup, made it fail.

# scenario_s6 LABEL VARIANT [sctpt options...]
scenario_s6() {
    scenario_begin "$@"
    start_server
    path_fail a >/dev/null
    path_fail b >/dev/null
    probe
    local rc=$PROBE_RC ms=$PROBE_MS
    check "probe exit $rc (want non-zero)" [ "$rc" != 0 ]
    check "probe exit 124: no timeout of its own" [ "$rc" != 124 ]
    check "no 'sctp_connectx timeout'" grep -qx 'sctp_connectx timeout' "$WORK/probe.err"
    # "within about 2 s": the client's own limit is 2000 ms; allow for process start-up.
    check "probe took ${ms} ms" [ "$ms" -lt 5000 ]
    path_restore a >/dev/null
    path_restore b >/dev/null
    probe
    check "control probe exit $PROBE_RC" [ "$PROBE_RC" = 0 ]
    check "control probe transcript" [ "$(cat "$WORK/probe.out")" = "send> recv> Kalle
send> " ]
    finish "client exit $rc after ${ms} ms with nothing answering (sctp_connectx timeout); exit 0 with paths restored, $(encap_text)"
}
