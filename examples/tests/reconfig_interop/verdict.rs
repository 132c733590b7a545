//! Each case's verdict: the events on both sides, the peer's lines and the capture.

use usctp::{Event, StreamDirection};

use super::*;

fn need(ok: bool, nums: &str, why: impl FnOnce() -> String) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(format!("{}; so far: {nums}", why()))
    }
}

/// The result of `x` must be Success - Performed.
fn performed(x: &Exchange, what: &str) -> Result<(), String> {
    if x.result == 1 {
        Ok(())
    } else {
        Err(format!(
            "{what}: result {} (request frame index {}, response index {})",
            result_name(x.result),
            x.req,
            x.resp
        ))
    }
}

fn has_event(u: &UsctpReport, f: impl Fn(&Event) -> bool) -> bool {
    u.events.iter().any(f)
}

/// The verdict of `kind`: usctp's report `u`, the peer's output `p` (and whether it exited
/// 0), the capture `pkts`.
pub fn check(
    kind: Kind,
    u: &UsctpReport,
    p: &PeerLines,
    peer_ok: bool,
    pkts: &[RPkt],
    udp: bool,
) -> Result<String, String> {
    let mut nums = format!(
        "usctp events {:?}; peer events {:?}, actions {:?}",
        u.reconfig_events(),
        p.events,
        p.actions
    );
    if let Some(f) = u
        .events
        .iter()
        .find(|e| matches!(e, Event::ReconfigFailed { .. }))
    {
        return Err(format!("usctp: {f:?}; {nums}"));
    }
    if let Some(e) = p
        .events
        .iter()
        .find(|e| e.contains("denied") || e.contains("failed"))
    {
        return Err(format!("peer: event {e}; {nums}"));
    }
    need(peer_ok, &nums, || format!("peer failed: {}", p.tail()))?;
    if let Some(m) = u.rx.iter().find(|m| !m.2) {
        return Err(format!("usctp received a bad message {m:?}; {nums}"));
    }
    let rx1: Vec<u32> = u.rx.iter().filter(|m| m.0 == 1).map(|m| m.1).collect();
    match kind {
        Kind::UsctpResets { all } => {
            let want_streams: Vec<u16> = if all { vec![] } else { vec![1] };
            need(
                has_event(u, |e| {
                    matches!(e, Event::StreamsReset { direction: StreamDirection::Outgoing, streams }
                        if streams.iter().map(|s| s.0).eq(want_streams.iter().copied()))
                }),
                &nums,
                || format!("usctp: no StreamsReset {{ Outgoing, {want_streams:?} }}"),
            )?;
            let want_ev = format!(
                "stream_reset flags=incoming streams={}",
                if all { "all" } else { "1" }
            );
            need(p.events.contains(&want_ev), &nums, || {
                format!("peer: no `event {want_ev}`")
            })?;
            let s1 = p.on(1);
            let s2 = p.on(2);
            nums = format!("{nums}; peer got stream 1 (ssn, idx) {s1:?}, stream 2 {s2:?}");
            let want1 = vec![(0, 0), (1, 1), (2, 2), (0, 3), (1, 4), (2, 5)];
            let want2 = if all {
                vec![(0, 10), (1, 11), (2, 12), (0, 13), (1, 14)]
            } else {
                vec![(0, 10), (1, 11), (2, 12), (3, 13), (4, 14)]
            };
            need(s1 == want1, &nums, || {
                format!("peer: stream 1 should be {want1:?}")
            })?;
            need(s2 == want2, &nums, || {
                format!("peer: stream 2 should be {want2:?}")
            })?;
            let x = exchange(pkts, true, P_OUT_RESET)?;
            let rs = &pkts[x.req].reset_sids;
            nums = format!(
                "{nums}; capture: usctp Outgoing SSN Reset Request (sent {}x, seq {:?}, streams {rs:?}) answered by the peer: {}",
                x.sent,
                x.req_param.req_seq,
                result_name(x.result)
            );
            need(*rs == want_streams, &nums, || {
                format!("capture: request lists streams {rs:?}, not {want_streams:?}")
            })?;
            performed(&x, "the peer's response")?;
            let between = usctp_data_between(pkts, &x, if all { None } else { Some(1) });
            need(between.is_empty(), &nums, || {
                format!("capture: usctp sent DATA (sid, ssn, tsn) {between:?} between its request and the response")
            })?;
            let after = ssns(&data_after(pkts, true, x.resp, 1));
            nums = format!("{nums}; usctp DATA SSNs on stream 1 after the response {after:?}");
            need(after == [0, 1, 2], &nums, || {
                "capture: usctp's DATA on stream 1 after the response not SSN 0,1,2".into()
            })?;
        }
        Kind::PeerResets | Kind::UsctpAsksPeerReset => {
            need(
                has_event(u, |e| {
                    matches!(e, Event::StreamsReset { direction: StreamDirection::Incoming, streams }
                        if streams.iter().map(|s| s.0).eq([1]))
                }),
                &nums,
                || "usctp: no StreamsReset { Incoming, [1] }".into(),
            )?;
            nums = format!("{nums}; usctp received on stream 1 idx {rx1:?}");
            need(rx1 == [0, 1, 2, 3, 4, 5], &nums, || {
                "usctp: stream 1 not idx 0..5 in order".into()
            })?;
            need(
                p.events
                    .iter()
                    .any(|e| e.starts_with("stream_reset ") && e.ends_with(" streams=1")),
                &nums,
                || "peer: no stream_reset event of stream 1".into(),
            )?;
            if kind == Kind::PeerResets {
                need(
                    p.actions.iter().any(|a| a == "reset_streams ok"),
                    &nums,
                    || "peer: no `action reset_streams ok`".into(),
                )?;
            }
            let echo = p.on(1);
            nums = format!("{nums}; peer received on stream 1 (ssn, idx) {echo:?}");
            if kind == Kind::UsctpAsksPeerReset {
                // Answered implicitly by the peer's Outgoing SSN Reset Request (RFC 6525
                // §5.2.3: its Re-configuration Response Sequence Number is our request's), and
                // perhaps by a Re-configuration Response too (usrsctp sends one, Linux not).
                let (req, req_param) = pkts
                    .iter()
                    .enumerate()
                    .find_map(|(i, q)| Some((i, *q.param(P_IN_RESET).filter(|_| q.from_usctp)?)))
                    .ok_or_else(|| {
                        format!("capture: no Incoming SSN Reset Request from usctp; {nums}")
                    })?;
                let x = Exchange {
                    req,
                    resp: req,
                    req_param,
                    result: u32::MAX,
                    sent: pkts
                        .iter()
                        .filter(|q| q.from_usctp && q.params.iter().any(|r| r.ty == P_IN_RESET))
                        .count(),
                };
                nums = format!(
                    "{nums}; capture: usctp Incoming SSN Reset Request (sent {}x, seq {:?}, streams {:?})",
                    x.sent, x.req_param.req_seq, pkts[x.req].reset_sids
                );
                // Answered by the peer's Outgoing SSN Reset Request (its response sequence
                // number = our request's) and maybe a response too.
                let out = pkts.iter().enumerate().skip(x.req + 1).find(|(_, q)| {
                    !q.from_usctp
                        && q.params
                            .iter()
                            .any(|r| r.ty == P_OUT_RESET && r.resp_seq == x.req_param.req_seq)
                });
                let resp = pkts
                    .iter()
                    .skip(x.req + 1)
                    .filter(|q| !q.from_usctp)
                    .find_map(|q| {
                        q.params
                            .iter()
                            .find(|r| r.ty == P_RESPONSE && r.resp_seq == x.req_param.req_seq)
                            .and_then(|r| r.result)
                    });
                nums = format!(
                    "{nums}; the peer's Outgoing SSN Reset Request answering it: {}, its Re-configuration Response to it: {}",
                    out.map_or("none".to_string(), |(_, q)| format!("streams {:?}", q.reset_sids)),
                    resp.map_or("none".to_string(), result_name)
                );
                need(out.is_some(), &nums, || {
                    "capture: no Outgoing SSN Reset Request from the peer answering usctp's Incoming one".into()
                })?;
                if let Some(r) = resp {
                    need(r <= 1, &nums, || {
                        format!("capture: the peer answered {}", result_name(r))
                    })?;
                }
            }
            let x = exchange(pkts, false, P_OUT_RESET)?;
            let rs = &pkts[x.req].reset_sids;
            let before = ssns(&data_before(pkts, false, x.req, 1));
            let after = ssns(&data_after(pkts, false, x.req, 1));
            nums = format!(
                "{nums}; capture: the peer's Outgoing SSN Reset Request (sent {}x, streams {rs:?}) answered by usctp: {}; the peer's DATA SSNs on stream 1 before it {before:?}, after {after:?}",
                x.sent,
                result_name(x.result)
            );
            need(*rs == [1], &nums, || {
                "capture: the request does not list stream 1".into()
            })?;
            performed(&x, "usctp's response")?;
            need(before == [0, 1, 2] && after == [0, 1, 2], &nums, || {
                "capture: the peer's SSNs on stream 1 not 0,1,2 before and 0,1,2 after the reset"
                    .into()
            })?;
        }
        Kind::UsctpAddsStreams => {
            let added = u.events.iter().find_map(|e| match e {
                Event::StreamsAdded { outbound, inbound } => Some((*outbound, *inbound)),
                _ => None,
            });
            let sid = u.new_stream.unwrap_or(u16::MAX);
            let got = p.on(sid);
            nums = format!("{nums}; peer streams at comm_up (in, out) {:?}; peer received on stream {sid} (ssn, idx) {got:?}", p.comm_up);
            let Some((out, _)) = added else {
                return Err(format!("usctp: no StreamsAdded; {nums}"));
            };
            let (peer_in, peer_out) = p
                .comm_up
                .ok_or_else(|| format!("peer: no comm_up event; {nums}"))?;
            need(out == peer_in + 2, &nums, || {
                format!(
                    "usctp: {out} outbound streams after adding 2 to the peer's {peer_in} inbound"
                )
            })?;
            // usrsctp reports the new totals; Linux the numbers added.
            let totals = format!("stream_change flags=ok in={} out={peer_out}", peer_in + 2);
            let added = "stream_change flags=ok in=2 out=0".to_string();
            need(
                p.events.iter().any(|e| *e == totals || *e == added),
                &nums,
                || format!("peer: no `event {totals}` (or `event {added}`)"),
            )?;
            need(got == [(0, 0), (1, 1)], &nums, || {
                format!("peer: stream {sid} should have (ssn, idx) (0,0),(1,1)")
            })?;
            let x = exchange(pkts, true, P_ADD_OUT)?;
            nums = format!(
                "{nums}; capture: usctp Add Outgoing Streams Request ({:?} streams, sent {}x) answered by the peer: {}",
                pkts[x.req].add_out,
                x.sent,
                result_name(x.result)
            );
            need(pkts[x.req].add_out == [2], &nums, || {
                "capture: not 2 streams added".into()
            })?;
            performed(&x, "the peer's response")?;
            let d = data_after(pkts, true, x.resp, sid);
            nums = format!("{nums}; usctp DATA on stream {sid} after it (ssn, tsn) {d:?}");
            need(
                !d.is_empty() && data_before(pkts, true, x.resp, sid).is_empty(),
                &nums,
                || format!("capture: usctp DATA on stream {sid} not only after the response"),
            )?;
        }
        Kind::PeerAddsStreams => {
            let added = u.events.iter().find_map(|e| match e {
                Event::StreamsAdded { outbound, inbound } => Some((*outbound, *inbound)),
                _ => None,
            });
            let r5: Vec<u32> = u.rx.iter().filter(|m| m.0 == 5).map(|m| m.1).collect();
            nums = format!("{nums}; peer streams at comm_up (in, out) {:?}; usctp received on stream 5 idx {r5:?}", p.comm_up);
            need(p.comm_up.is_some_and(|c| c.1 == 4), &nums, || {
                "peer: not 4 outbound streams at comm_up".into()
            })?;
            need(added.is_some_and(|a| a.1 == 6), &nums, || {
                format!("usctp: StreamsAdded {added:?}, not 6 inbound")
            })?;
            need(
                p.actions.iter().any(|a| a == "add_streams ok"),
                &nums,
                || "peer: no `action add_streams ok`".into(),
            )?;
            // usrsctp reports the new totals (out=6); Linux the numbers added (in=0 out=2).
            need(
                p.events.iter().any(|e| {
                    e.starts_with("stream_change flags=ok")
                        && (e.ends_with(" out=6") || e == "stream_change flags=ok in=0 out=2")
                }),
                &nums,
                || "peer: no `event stream_change flags=ok ... out=6` (or `in=0 out=2`)".into(),
            )?;
            need(r5 == [0, 1], &nums, || {
                "usctp: stream 5 should have idx 0, 1".into()
            })?;
            let x = exchange(pkts, false, P_ADD_OUT)?;
            nums = format!(
                "{nums}; capture: the peer's Add Outgoing Streams Request ({:?} streams, sent {}x) answered by usctp: {}",
                pkts[x.req].add_out,
                x.sent,
                result_name(x.result)
            );
            need(pkts[x.req].add_out == [2], &nums, || {
                "capture: not 2 streams added".into()
            })?;
            performed(&x, "usctp's response")?;
            let d = data_after(pkts, false, x.resp, 5);
            nums = format!("{nums}; the peer's DATA on stream 5 (ssn, tsn) {d:?}");
            need(ssns(&d) == [0, 1], &nums, || {
                "capture: the peer's DATA on stream 5 not SSN 0, 1".into()
            })?;
        }
        Kind::UsctpResetsAssoc | Kind::PeerResetsAssoc => {
            let by_usctp = kind == Kind::UsctpResetsAssoc;
            let reset = u.events.iter().find_map(|e| match e {
                Event::AssociationReset {
                    local_tsn,
                    peer_tsn,
                } => Some((local_tsn.0, peer_tsn.0)),
                _ => None,
            });
            let Some((ltsn, ptsn)) = reset else {
                return Err(format!("usctp: no AssociationReset; {nums}"));
            };
            need(
                p.events
                    .iter()
                    .any(|e| e.starts_with("assoc_reset flags=ok")),
                &nums,
                || "peer: no `event assoc_reset flags=ok`".into(),
            )?;
            let x = exchange(pkts, by_usctp, P_SSN_TSN_RESET)?;
            nums = format!(
                "{nums}; capture: {}'s SSN/TSN Reset Request (sent {}x) answered: {}",
                side(by_usctp),
                x.sent,
                result_name(x.result)
            );
            performed(&x, "the response")?;
            // The SSNs on stream 1 of the side that sent before and after the reset: the
            // sender's messages after it start at SSN 0, with the TSNs the event names.
            let after_u = data_after(pkts, true, x.resp.max(x.req), 1);
            let after_p = data_after(pkts, false, x.resp.max(x.req), 1);
            nums = format!(
                "{nums}; AssociationReset local_tsn {ltsn} peer_tsn {ptsn}; DATA on stream 1 after the response (ssn, tsn): usctp {after_u:?}, the peer {after_p:?}"
            );
            // usctp acknowledges only TSNs the peer sent: after the reset, each cum ack it
            // sends is from peer_tsn - 1 up to the peer's highest DATA TSN since.
            let high = pkts[x.resp.max(x.req) + 1..]
                .iter()
                .filter(|q| !q.from_usctp)
                .flat_map(|q| q.data().map(|d| d.2))
                .fold(
                    ptsn.wrapping_sub(1),
                    |a, b| if tsn_ge(b, a) { b } else { a },
                );
            let acks: Vec<u32> = pkts[x.resp.max(x.req) + 1..]
                .iter()
                .filter(|q| q.from_usctp)
                .flat_map(|q| q.cum_acks.iter().copied())
                .collect();
            let fwd: Vec<u32> = pkts[x.resp.max(x.req) + 1..]
                .iter()
                .filter(|q| !q.from_usctp)
                .flat_map(|q| q.fwd_tsn.iter().copied())
                .collect();
            nums = format!(
                "{nums}; after the reset: the peer's highest DATA TSN {high}, its FORWARD TSNs {fwd:?}, usctp's cum acks {acks:?}"
            );
            if let Some(a) = acks
                .iter()
                .find(|&&a| !tsn_ge(a, ptsn.wrapping_sub(1)) || !tsn_ge(high, a))
            {
                return Err(format!(
                    "capture: usctp acknowledged cum TSN {a}, outside what the peer sent since the reset ({}..={high}); {nums}",
                    ptsn.wrapping_sub(1)
                ));
            }
            if by_usctp {
                let s1 = p.on(1);
                nums = format!("{nums}; peer got stream 1 (ssn, idx) {s1:?}");
                need(
                    s1 == [(0, 0), (1, 1), (2, 2), (0, 3), (1, 4), (2, 5)],
                    &nums,
                    || "peer: stream 1 should be SSN 0,1,2 then 0,1,2".into(),
                )?;
                need(after_u.first().is_some_and(|d| d.1 == ltsn), &nums, || {
                    format!("capture: usctp's first DATA after the reset is not TSN {ltsn}")
                })?;
            } else {
                need(
                    p.actions.iter().any(|a| a == "reset_assoc ok"),
                    &nums,
                    || "peer: no `action reset_assoc ok`".into(),
                )?;
                nums = format!("{nums}; usctp received on stream 1 idx {rx1:?}");
                need(rx1 == [0, 1, 2, 3, 4, 5], &nums, || {
                    "usctp: stream 1 not idx 0..5 in order".into()
                })?;
                need(ssns(&after_p) == [0, 1, 2], &nums, || {
                    "capture: the peer's echoes not SSN 0,1,2".into()
                })?;
                need(after_p.first().is_some_and(|d| d.1 == ptsn), &nums, || {
                    format!("capture: the peer's first DATA after the reset is not TSN {ptsn}")
                })?;
            }
        }
    }
    need(u.end == "graceful", &nums, || format!("usctp: {}", u.end))?;
    graceful(pkts, udp).map_err(|e| format!("{e}; {nums}"))?;
    Ok(format!(
        "{nums}; SHUTDOWN by usctp, no ABORT; tshark: {} pkts, CRC ok, no malformed/expert error",
        pkts.len()
    ))
}
