//! The verdict of an AUTH case: both sides' reports and the capture.

use super::*;
use crate::pr_interop::PeerOut;

/// HMAC identifiers usctp implements (RFC 4895 §3.3: SHA-1, SHA-256).
const USCTP_HMACS: [u16; 2] = [1, 3];

fn who(from_usctp: bool) -> &'static str {
    if from_usctp {
        "usctp"
    } else {
        "the peer"
    }
}

/// The AUTH parameters of the INIT (usctp's, as the client) or the INIT ACK (the peer's):
/// (HMAC-ALGO list, CHUNKS list).
fn offered(pkts: &[APkt], from_usctp: bool) -> Result<(Vec<u16>, Vec<u8>), String> {
    let t = if from_usctp { INIT } else { INIT_ACK };
    let p = pkts
        .iter()
        .find(|p| p.from_usctp == from_usctp && p.has(t))
        .ok_or_else(|| format!("no chunk type {t} from {}", who(from_usctp)))?;
    if p.random_len == 0 || p.hmac_ids.is_empty() {
        return Err(format!(
            "frame {}: {}'s chunk type {t} without RANDOM or HMAC-ALGO",
            p.frame,
            who(from_usctp)
        ));
    }
    Ok((p.hmac_ids.clone(), p.auth_chunks.clone()))
}

/// DATA from `from_usctp`'s side to a receiver that requires it authenticated and offered
/// `hmacs`: every DATA packet has an AUTH before its first DATA, all with one HMAC identifier
/// from `hmacs` (usctp's: the first of them it implements) and key 0. Returns the packets and
/// the HMAC identifier.
fn data_authenticated(
    pkts: &[APkt],
    from_usctp: bool,
    hmacs: &[u16],
) -> Result<(usize, u16), String> {
    let data: Vec<&APkt> = pkts
        .iter()
        .filter(|p| p.from_usctp == from_usctp && p.has(DATA))
        .collect();
    if data.is_empty() {
        return Err(format!("no DATA from {}", who(from_usctp)));
    }
    if let Some(p) = data.iter().find(|p| !p.auth_before(DATA)) {
        return Err(format!(
            "frame {}: DATA from {} without AUTH before it (chunks {:?})",
            p.frame,
            who(from_usctp),
            p.chunks
        ));
    }
    let ids: Vec<u16> = data.iter().flat_map(|p| p.hmac_ids.clone()).collect();
    let id = ids[0];
    if ids.iter().any(|&i| i != id) || !hmacs.contains(&id) {
        return Err(format!(
            "{}'s AUTH HMAC identifiers {ids:?}, the receiver offered {hmacs:?}",
            who(from_usctp)
        ));
    }
    if from_usctp {
        let want = hmacs.iter().find(|h| USCTP_HMACS.contains(h));
        if want != Some(&id) {
            return Err(format!(
                "usctp's AUTH uses HMAC {id}, not the first of the peer's {hmacs:?} it has"
            ));
        }
    }
    let keys: Vec<u16> = data.iter().flat_map(|p| p.key_ids.clone()).collect();
    if keys.iter().any(|&k| k != 0) {
        return Err(format!("{}'s AUTH key ids {keys:?}", who(from_usctp)));
    }
    Ok((data.len(), id))
}

/// The chunk types `seq` appear in this order (by sender).
fn in_order(pkts: &[APkt], seq: &[(bool, u8)]) -> Result<(), String> {
    let mut it = pkts.iter();
    for &(from_usctp, t) in seq {
        if !it.any(|p| p.from_usctp == from_usctp && p.has(t)) {
            return Err(format!(
                "no chunk type {t} from {} in sequence {seq:?}",
                who(from_usctp)
            ));
        }
    }
    Ok(())
}

/// The peer's `up ... auth=N` value.
fn peer_auth(text: &str) -> Option<u32> {
    text.lines()
        .find(|l| l.starts_with("up "))?
        .split_whitespace()
        .find_map(|f| f.strip_prefix("auth="))?
        .parse()
        .ok()
}

/// The case's verdict; `Ok` with the numbers for the result line.
pub fn check(
    kind: AuthKind,
    r: &UsctpAuth,
    peer: &PeerOut,
    peer_ok: bool,
    pkts: &[APkt],
    udp: bool,
) -> Result<String, String> {
    let all: Vec<u32> = (0..COUNT).collect();
    if !peer_ok {
        return Err(format!("the peer failed: {}", peer.tail()));
    }
    if peer_auth(&peer.text) != Some(1) {
        return Err(format!("the peer has no AUTH in force: {}", peer.tail()));
    }
    if !r.auth_on {
        return Err("usctp has no AUTH in force".into());
    }
    if r.auth.failed != 0 || r.auth.discarded_chunks != 0 {
        return Err(format!("usctp's AUTH stats: {:?}", r.auth));
    }
    if r.end != "graceful" {
        return Err(format!("usctp: {}", r.end));
    }
    if kind.peer_sends() && (r.rx != all || r.bad != 0) {
        return Err(format!("usctp received {:?}, {} bad", r.rx, r.bad));
    }
    let got: Vec<u32> = peer.msgs.iter().map(|m| m.idx).collect();
    if kind.usctp_sends() && got != all {
        return Err(format!("the peer received {got:?}"));
    }
    if kind.peer_sends() && peer.field("sent") != u64::from(COUNT) {
        return Err(format!("the peer sent {}", peer.field("sent")));
    }
    if pkts.iter().any(|p| p.udp != udp) {
        return Err(format!(
            "SCTP packets {} UDP",
            if udp { "outside" } else { "inside" }
        ));
    }
    // An ABORT fails the case, but for usctp's answer to a packet that arrives after its
    // SHUTDOWN COMPLETE (a HEARTBEAT ACK still on its way on the other path): RFC 9260 §8.4
    // answers such an out-of-the-blue packet so, and the peer's association is gone by then.
    let complete = pkts
        .iter()
        .position(|p| p.from_usctp && p.has(SHUTDOWN_COMPLETE));
    let late = |i: usize, p: &APkt| p.from_usctp && complete.is_some_and(|c| i > c);
    if let Some((_, p)) = pkts
        .iter()
        .enumerate()
        .find(|&(i, p)| p.has(ABORT) && !late(i, p))
    {
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
    let (u_hmacs, u_chunks) = offered(pkts, true)?;
    let (p_hmacs, p_chunks) = offered(pkts, false)?;
    if u_chunks.contains(&DATA) != kind.usctp_requires() {
        return Err(format!("usctp's CHUNKS {u_chunks:?}"));
    }
    if p_chunks.contains(&DATA) != kind.peer_requires() {
        return Err(format!("the peer's CHUNKS {p_chunks:?}"));
    }
    let mut s = format!(
        "INIT HMAC-ALGO {u_hmacs:?} CHUNKS {u_chunks:?}; INIT ACK HMAC-ALGO {p_hmacs:?} CHUNKS \
         {p_chunks:?}"
    );
    if kind.peer_requires() {
        let (n, id) = data_authenticated(pkts, true, &p_hmacs)?;
        s += &format!("; usctp: {n} DATA packets with AUTH first (HMAC {id}, key 0)");
    }
    if kind.usctp_requires() {
        let (n, id) = data_authenticated(pkts, false, &u_hmacs)?;
        s += &format!("; the peer: {n} DATA packets with AUTH first (HMAC {id}, key 0)");
    }
    let rx = if kind.peer_sends() {
        r.rx.len()
    } else {
        got.len()
    };
    Ok(format!(
        "{s}; {rx} messages delivered, usctp AUTH failed 0 discarded 0; tshark clean ({} \
         packets)",
        pkts.len()
    ))
}
