//! The verdict of an ASCONF case: both sides' reports and the capture.

use super::*;
use crate::pr_interop::PeerOut;

fn who(from_usctp: bool) -> &'static str {
    if from_usctp {
        "usctp"
    } else {
        "the peer"
    }
}

/// The ASCONF exchange from `from_usctp`'s side: each of `want` (type, address) asked in an
/// ASCONF with AUTH before it, answered by an ASCONF-ACK with AUTH before it and no Error
/// Cause Indication; a DELETE-IP never sent from the address it deletes. Returns, per request,
/// the index of the first answer after it, and a summary.
pub fn exchange(
    pkts: &[SPkt],
    from_usctp: bool,
    want: &[(u16, IpAddr)],
) -> Result<(Vec<usize>, String), String> {
    let mut acked = Vec::new();
    for &(t, ip) in want {
        let Some(i) = pkts
            .iter()
            .position(|p| p.from_usctp == from_usctp && p.requests.contains(&(t, ip)))
        else {
            return Err(format!(
                "no {} {ip} from {}",
                param_name(t),
                who(from_usctp)
            ));
        };
        let p = &pkts[i];
        if !p.auth_before(ASCONF) {
            return Err(format!("frame {}: ASCONF without AUTH before it", p.frame));
        }
        if t == DELETE_IP && p.src == ip {
            return Err(format!("frame {}: DELETE-IP {ip} sent from {ip}", p.frame));
        }
        let Some(j) = (i + 1..pkts.len())
            .find(|&j| pkts[j].from_usctp != from_usctp && pkts[j].has(ASCONF_ACK))
        else {
            return Err(format!("{} {ip} never answered", param_name(t)));
        };
        acked.push(j);
    }
    for p in pkts.iter().filter(|p| p.has(ASCONF_ACK)) {
        if !p.auth_before(ASCONF_ACK) {
            return Err(format!(
                "frame {}: ASCONF-ACK without AUTH before it",
                p.frame
            ));
        }
        if p.answers.contains(&ERROR_INDICATION) {
            return Err(format!(
                "frame {}: ASCONF-ACK with an Error Cause Indication",
                p.frame
            ));
        }
    }
    let n = |c| {
        pkts.iter()
            .filter(|p| p.from_usctp == from_usctp && p.has(c))
            .count()
    };
    let m = |c| {
        pkts.iter()
            .filter(|p| p.from_usctp != from_usctp && p.has(c))
            .count()
    };
    let asked: Vec<String> = want
        .iter()
        .map(|(t, ip)| format!("{} {ip}", param_name(*t)))
        .collect();
    Ok((
        acked,
        format!(
            "{}: {} in {} ASCONF (AUTH first), {} ASCONF-ACK (AUTH first, no error)",
            who(from_usctp),
            asked.join(", "),
            n(ASCONF),
            m(ASCONF_ACK)
        ),
    ))
}

/// `from_usctp`'s side confirms `to` before its first DATA to it: a HEARTBEAT to `to` and
/// the other side's HEARTBEAT ACK with the same Heartbeat Information (from whichever of its
/// addresses it leaves). Its DATA to `to` comes after packet `after` too. Returns the HEARTBEAT
/// ACK's source and the frame of the first DATA to `to` after `after`.
fn confirmed_then_data(
    pkts: &[SPkt],
    from_usctp: bool,
    to: IpAddr,
    after: usize,
) -> Result<(IpAddr, u32), String> {
    confirmed_before(pkts, from_usctp, to, after, &[DATA])
}

fn names(kinds: &[u8]) -> String {
    let n: Vec<String> = kinds
        .iter()
        .map(|&k| match k {
            DATA => "DATA".to_string(),
            SACK => "SACK".to_string(),
            k => format!("chunk type {k}"),
        })
        .collect();
    n.join(" or ")
}

/// As `confirmed_then_data`, for packets with any chunk of `kinds` (DATA, SACK: what may
/// go to an address only once confirmed, RFC 5061 §4.1 / RFC 9260 §5.4).
pub fn confirmed_before(
    pkts: &[SPkt],
    from_usctp: bool,
    to: IpAddr,
    after: usize,
    kinds: &[u8],
) -> Result<(IpAddr, u32), String> {
    let sent =
        |p: &SPkt| p.from_usctp == from_usctp && p.dst == to && kinds.iter().any(|&k| p.has(k));
    let Some(d) = (after..pkts.len()).find(|&i| sent(&pkts[i])) else {
        return Err(format!(
            "no {} from {} to {to} after the change",
            names(kinds),
            who(from_usctp)
        ));
    };
    let first_data = pkts.iter().position(sent).unwrap_or(d);
    let before = &pkts[..first_data];
    let ack = before
        .iter()
        .filter(|p| p.from_usctp == from_usctp && p.dst == to && p.has(HEARTBEAT))
        .flat_map(|p| p.hb_info.iter())
        .find_map(|info| {
            before.iter().find(|q| {
                q.from_usctp != from_usctp && q.has(HEARTBEAT_ACK) && q.hb_info.contains(info)
            })
        });
    match ack {
        Some(a) => Ok((a.src, pkts[d].frame)),
        None => Err(format!(
            "{}'s {} to {to} (frame {}) before {to} was confirmed by HEARTBEAT / ACK",
            who(from_usctp),
            names(kinds),
            pkts[first_data].frame
        )),
    }
}

/// No packet from `from_usctp`'s side to (or from) `gone` after packet `after`.
pub fn unused_after(
    pkts: &[SPkt],
    from_usctp: bool,
    gone: IpAddr,
    after: usize,
) -> Result<(), String> {
    let late = pkts[after + 1..].iter().find(|p| {
        p.from_usctp == from_usctp && (p.dst == gone || p.src == gone) && !p.has(ASCONF_ACK)
    });
    match late {
        Some(p) => Err(format!(
            "frame {}: {} still uses the deleted {gone} (chunks {:?})",
            p.frame,
            who(from_usctp),
            p.chunks
        )),
        None => Ok(()),
    }
}

pub fn in_order(pkts: &[SPkt], seq: &[(bool, u8)]) -> Result<(), String> {
    let mut it = pkts.iter();
    for &(from_usctp, t) in seq {
        if !it.any(|p| p.from_usctp == from_usctp && p.has(t)) {
            return Err(format!(
                "no chunk type {t} from {} in {seq:?}",
                who(from_usctp)
            ));
        }
    }
    Ok(())
}

/// The peer's `up ... asconf=N`.
fn peer_asconf(text: &str) -> Option<u32> {
    text.lines()
        .find(|l| l.starts_with("up "))?
        .split_whitespace()
        .find_map(|f| f.strip_prefix("asconf="))?
        .parse()
        .ok()
}

/// The peer's `event paddr_change` lines, without "event paddr_change ".
fn peer_paddr(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("event paddr_change "))
        .map(|l| l.to_string())
        .collect()
}

/// The case's verdict; `Ok` with the numbers for the result line.
pub fn check(
    kind: AsconfKind,
    ad: &Addrs,
    r: &UsctpAsconf,
    peer: &PeerOut,
    peer_ok: bool,
    pkts: &[SPkt],
    udp: bool,
) -> Result<String, String> {
    if !peer_ok {
        return Err(format!("the peer failed: {}", peer.tail()));
    }
    if peer_asconf(&peer.text) != Some(1) {
        return Err(format!("the peer has no ASCONF in force: {}", peer.tail()));
    }
    if !r.asconf_on || r.end != "graceful" {
        return Err(format!("usctp: ASCONF {}, end {}", r.asconf_on, r.end));
    }
    if pkts.iter().any(|p| p.udp != udp) {
        return Err(format!(
            "SCTP packets {} UDP",
            if udp { "outside" } else { "inside" }
        ));
    }
    if let Some(p) = pkts.iter().find(|p| p.has(ABORT)) {
        return Err(format!("frame {}: an ABORT", p.frame));
    }
    in_order(
        pkts,
        &[
            (true, SHUTDOWN),
            (false, SHUTDOWN_ACK),
            (true, SHUTDOWN_COMPLETE),
        ],
    )?;
    let got: Vec<u32> = peer.msgs.iter().map(|m| m.idx).collect();
    let paddr = peer_paddr(&peer.text);
    let (u, p) = (ad.usctp, ad.peer);
    let s =
        match kind {
            AsconfKind::UsctpChanges => {
                let all: Vec<u32> = (0..9).collect();
                if got != all || r.rx != all {
                    return Err(format!("the peer received {got:?}, usctp {:?}", r.rx));
                }
                for (state, ip) in [("added", u[1]), ("removed", u[0])] {
                    if !paddr
                        .iter()
                        .any(|l| l.starts_with(&format!("state={state} addr={ip} ")))
                    {
                        return Err(format!("the peer reported no {state} {ip}: {paddr:?}"));
                    }
                }
                let want = [(ADD_IP, u[1]), (SET_PRIMARY, u[1]), (DELETE_IP, u[0])];
                let (acked, s) = exchange(pkts, true, &want)?;
                let (hb_src, d) = confirmed_then_data(pkts, false, u[1], acked[1])?;
                unused_after(pkts, false, u[0], acked[2])?;
                unused_after(pkts, true, u[0], acked[2])?;
                format!(
                    "{s}; the peer: HEARTBEAT to {} answered (HEARTBEAT ACK from {hb_src}) \
                     before its DATA there, DATA to the new primary from frame {d}, nothing to \
                     {} after the DELETE-IP's ACK; peer events {paddr:?}; 9 echoed",
                    u[1], u[0]
                )
            }
            AsconfKind::PeerChanges => {
                let mine = [10, 11, 12, 20, 21, 22];
                if got != mine || r.rx != (0..6).collect::<Vec<u32>>() {
                    return Err(format!("the peer received {got:?}, usctp {:?}", r.rx));
                }
                for (e, ok) in [
                ("PathAdded", r.events.iter().any(|e| path_event(e, p[1], true))),
                (
                    "PrimaryRequested",
                    r.events.iter().any(
                        |e| matches!(e, Event::PrimaryRequested { addr, .. } if addr.ip == p[1]),
                    ),
                ),
                ("PathRemoved", r.events.iter().any(|e| path_event(e, p[0], false))),
            ] {
                if !ok {
                    return Err(format!("usctp: no {e} event; events {:?}", r.events));
                }
            }
                let want = [(ADD_IP, p[1]), (SET_PRIMARY, p[1]), (DELETE_IP, p[0])];
                let (acked, s) = exchange(pkts, false, &want)?;
                let (hb_src, d) = confirmed_then_data(pkts, true, p[1], acked[1])?;
                unused_after(pkts, true, p[0], acked[2])?;
                format!(
                    "{s}; usctp: PathAdded, PrimaryRequested, PathRemoved; HEARTBEAT to {} \
                     answered (HEARTBEAT ACK from {hb_src}) before its DATA there, DATA to the \
                     new primary from frame {d}, nothing to {} after the DELETE-IP's ACK; 6 \
                     messages each way",
                    p[1], p[0]
                )
            }
        };
    Ok(format!("{s}; tshark clean ({} packets)", pkts.len()))
}

/// The lines typed at sctpt's prompt in the sctpt case, in order (`!` lines are its address
/// commands), with `U1` / `U2` standing for usctp's first and second address.
pub const SCTPT_SCRIPT: [&str; 7] = [
    "one",
    "!add U2",
    "!primary U2",
    "two",
    "!del U1",
    "three",
    "!paths",
];

/// The sctpt case: usctp's changes typed at `sctpt client --asconf on --auth-chunks 0`'s
/// prompt, a peer that echoes and requires DATA authenticated (`--auth-chunks 0`).
pub fn check_sctpt(
    ad: &Addrs,
    out: &str,
    sctpt_ok: bool,
    peer: &PeerOut,
    peer_ok: bool,
    pkts: &[SPkt],
) -> Result<String, String> {
    let tail = || out.lines().rev().take(6).collect::<Vec<_>>().join(" | ");
    if !sctpt_ok || !peer_ok {
        return Err(format!(
            "sctpt ok {sctpt_ok}: {}; peer ok {peer_ok}: {}",
            tail(),
            peer.tail()
        ));
    }
    let u = ad.usctp;
    for l in SCTPT_SCRIPT {
        let l = l
            .replace("U1", &u[0].to_string())
            .replace("U2", &u[1].to_string());
        let want = match l.strip_prefix('!') {
            Some("paths") => "paths>".to_string(),
            Some(_) => format!("asconf> {l} requested"),
            None => format!("recv> {l}"),
        };
        if !out.contains(&want) {
            return Err(format!("sctpt printed no `{want}`: {}", tail()));
        }
    }
    paths_after_delete(out, u[1])?;
    if peer.msgs.len() != 3 {
        return Err(format!("the peer received {} messages", peer.msgs.len()));
    }
    let paddr = peer_paddr(&peer.text);
    for (state, ip) in [("added", u[1]), ("removed", u[0])] {
        if !paddr
            .iter()
            .any(|l| l.starts_with(&format!("state={state} addr={ip} ")))
        {
            return Err(format!("the peer reported no {state} {ip}: {paddr:?}"));
        }
    }
    if let Some(p) = pkts.iter().find(|p| p.has(ABORT)) {
        return Err(format!("frame {}: an ABORT", p.frame));
    }
    in_order(
        pkts,
        &[
            (true, SHUTDOWN),
            (false, SHUTDOWN_ACK),
            (true, SHUTDOWN_COMPLETE),
        ],
    )?;
    let data: Vec<&SPkt> = pkts
        .iter()
        .filter(|p| p.from_usctp && p.has(DATA))
        .collect();
    if let Some(p) = data.iter().find(|p| !p.auth_before(DATA)) {
        return Err(format!(
            "frame {}: usctp's DATA without AUTH before it",
            p.frame
        ));
    }
    let want = [(ADD_IP, u[1]), (SET_PRIMARY, u[1]), (DELETE_IP, u[0])];
    let (acked, s) = exchange(pkts, true, &want)?;
    let (hb_src, d) = confirmed_then_data(pkts, false, u[1], acked[1])?;
    unused_after(pkts, false, u[0], acked[2])?;
    unused_after(pkts, true, u[0], acked[2])?;
    Ok(format!(
        "sctpt: 3 lines echoed, !add / !primary / !del requested; {s}; usctp's {} DATA \
         packets with AUTH first; the peer: HEARTBEAT to {} answered (from {hb_src}) before \
         its DATA there, DATA to the new primary from frame {d}, nothing to {} after the \
         DELETE-IP's ACK; tshark clean ({} packets)",
        data.len(),
        u[1],
        u[0],
        pkts.len()
    ))
}

/// `!paths`, typed after `!del U1` was acknowledged: every path to the peer (whose addresses
/// came with its INIT ACK) now leaves from `u2`, and one is primary.
fn paths_after_delete(out: &str, u2: IpAddr) -> Result<(), String> {
    let rows: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.ends_with("paths>"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    let from = format!(" from {u2} ");
    let good = |l: &&str| l.contains(&from) && l.ends_with(" origin=init");
    if rows.is_empty() || !rows.iter().all(good) || !rows.iter().any(|l| l.contains(" primary ")) {
        return Err(format!("`!paths` after `!del`: {rows:?}"));
    }
    Ok(())
}
