//! Linux's own tool changes its addresses on a live association with usctp (RFC 5061): the
//! guest's `sctp_darn -s -I`, bound to its first address on path A only, connects to
//! `sctpt server --asconf on` (namespace `ukv`, 10.77.1.1 only) and is typed at through a
//! fifo: messages, `bindx-add=` of the guest's second address (asconf.rs's 10.77.1.12),
//! messages, `bindx-rem=` of its first, messages, `shutdown`. The verdict reads the capture
//! (asconf_interop's decoding), the server's output (`--log 7`: one line per message
//! received and the path events) and the guest's /proc/net/sctp/assocs.

use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

use super::asconf::{guest_setup, GUEST_2};
use super::cases::kernel_assoc_gone;
use super::kernel_client::{Server, SERVER_PORT};
use super::vm::{guest, host, Vm, UDP_PORT};
use crate::asconf_interop::{
    confirmed_before, decode, exchange, in_order, unused_after, SPkt, ABORT, ADD_IP, ASCONF, DATA,
    DELETE_IP, SACK, SHUTDOWN, SHUTDOWN_ACK, SHUTDOWN_COMPLETE,
};
use crate::pr_interop::{capture_drops, pcap_log};

/// Messages typed per phase: before the add, between the add and the delete, after it.
const PER_PHASE: usize = 5;
/// Each phase's message size, so that the server's count tells the phases apart.
const SIZES: [usize; 3] = [1000, 1100, 1200];

/// The guest's local addresses of the association on `lport` in a `/proc/net/sctp/assocs`
/// line (the addresses before `<->`).
fn laddrs(line: &str) -> Vec<IpAddr> {
    let left = line.split_once("<->").map_or("", |(l, _)| l);
    left.split_whitespace()
        .filter_map(|t| t.parse().ok())
        .collect()
}

/// The text after `tag: ` on the guest's output line that starts with it.
fn tagged<'a>(out: &'a str, tag: &str) -> &'a str {
    out.lines()
        .find_map(|l| l.strip_prefix(tag)?.strip_prefix(": "))
        .unwrap_or("")
}

/// sctp_darn (the guest) adds and deletes an address under a live association with
/// `sctpt server`, over raw IPv4 or UDP 9899.
pub fn darn_bindx(vm: &Vm, pcap: &str, udp: bool, lport: u16) -> Result<String, String> {
    let (g1, g2, h) = (guest('A', false), IpAddr::from(GUEST_2), host('A', false));
    let args = ["--log", "7", "--ulp", "discard", "--asconf", "on"];
    let server = Server::spawn(vm, &h.to_string(), udp, &args)?;
    let encap = if udp { UDP_PORT } else { 0 };
    // addip_enable / auth_enable and encap_port apply to sockets created after they are set.
    let start = format!(
        "rm -f /tmp/d.in; mkfifo /tmp/d.in; sysctl -qw net.sctp.encap_port={encap}\n\
         sctp_darn -H {g1} -P {lport} -h {h} -p {SERVER_PORT} -s -I </tmp/d.in >/tmp/d.log 2>&1 &\n\
         echo $! >/tmp/d.pid; sleep 100000 >/tmp/d.in & echo $! >/tmp/dk.pid"
    );
    let [s0, s1, s2] = SIZES;
    let drive = format!(
        "snd() {{ for i in $(seq {PER_PHASE}); do echo snd=$1; usleep 20000; done >/tmp/d.in; }}\n\
         laddrs() {{ echo \"$1: $(grep -w {lport} /proc/net/sctp/assocs)\"; }}\n\
         echo '?' >/tmp/d.in; snd {s0}; sleep 1\n\
         echo bindx-add={g2} >/tmp/d.in; sleep 2; laddrs added; snd {s1}; sleep 1\n\
         echo bindx-rem={g1} >/tmp/d.in; sleep 2; laddrs removed; snd {s2}; sleep 1\n\
         echo shutdown >/tmp/d.in"
    );
    let stop =
        "kill $(cat /tmp/d.pid) $(cat /tmp/dk.pid) 2>/dev/null; sysctl -qw net.sctp.encap_port=0";
    let r = guest_setup(vm, true)
        .and_then(|_| vm.exec(10, &start))
        .and_then(|_| vm.exec(30, &drive))
        .and_then(|out| kernel_assoc_gone(vm, lport).map(|_| out));
    let darn = vm.exec(10, "cat /tmp/d.log").unwrap_or_default();
    let _ = vm.exec(10, stop);
    let _ = guest_setup(vm, false);
    let out = server.stop();
    std::thread::sleep(Duration::from_millis(300));
    let stopped = vm.ukv(&["capture", "stop"]);
    let drops = capture_drops(&pcap_log(Path::new(pcap)));
    let verdict = (|| {
        let guest_out = r?;
        stopped?;
        let pkts = decode(pcap, &[h])?;
        check(&pkts, &guest_out, &darn, &out, udp)
    })();
    let note = |s: String| format!("{s}; capture drops {drops}");
    verdict.map(note).map_err(|e| {
        let tail = |t: &str| t.lines().rev().take(12).collect::<Vec<_>>().join(" | ");
        note(format!(
            "{e}\nsctp_darn (last lines first): {}\nsctpt server: {}",
            tail(&darn),
            tail(&out)
        ))
    })
}

/// The verdict: the guest's view, sctp_darn's and the server's output, the capture.
fn check(
    pkts: &[SPkt],
    guest_out: &str,
    darn: &str,
    server: &str,
    udp: bool,
) -> Result<String, String> {
    let (g1, g2) = (guest('A', false), IpAddr::from(GUEST_2));
    // The kernel took both commands: its association's local addresses after each.
    let (added, removed) = (
        laddrs(tagged(guest_out, "added")),
        laddrs(tagged(guest_out, "removed")),
    );
    if added != [g1, g2] || removed != [g2] {
        return Err(format!(
            "the guest's local addresses: {added:?} after bindx-add, {removed:?} after bindx-rem"
        ));
    }
    if darn.contains("error") || !darn.contains("Successfully SHUTDOWN") {
        return Err("sctp_darn reported an error or no SHUTDOWN".into());
    }
    // Every message typed arrived, phase by phase (`received N bytes` at --log 7).
    for size in SIZES {
        let n = server
            .lines()
            .filter(|l| *l == format!("received {size} bytes on stream 0"))
            .count();
        if n != PER_PHASE {
            return Err(format!(
                "sctpt server received {n} messages of {size} bytes, not {PER_PHASE}"
            ));
        }
    }
    for (what, ip) in [("PathAdded", g2), ("PathRemoved", g1)] {
        let seen = server
            .lines()
            .any(|l| l.contains(&format!("event {what} ")) && l.contains(&format!("ip: {ip},")));
        if !seen {
            return Err(format!("sctpt server: no {what} event for {ip}"));
        }
    }
    // sctpt's path list (--log 7) gives the added address its origin (RFC 5061 §4.2.1).
    let (raw, udp_addr) = (g2.to_string(), format!("udp:{g2}:"));
    let to_g2 = |l: &str| {
        let first = l.split_whitespace().next().unwrap_or("");
        l.starts_with("  ") && (first == raw || first.starts_with(&udp_addr))
    };
    if !server
        .lines()
        .any(|l| to_g2(l) && l.ends_with(" origin=asconf"))
    {
        return Err(format!(
            "sctpt server lists no path to {g2} with origin=asconf"
        ));
    }
    if !server.contains("Connection closed") {
        return Err("sctpt server did not print `Connection closed`".into());
    }
    if let Some(p) = pkts.iter().find(|p| p.udp != udp) {
        return Err(format!(
            "frame {}: SCTP {} UDP",
            p.frame,
            if udp { "outside" } else { "inside" }
        ));
    }
    if let Some(p) = pkts.iter().find(|p| p.has(ABORT)) {
        return Err(format!("frame {}: an ABORT", p.frame));
    }
    in_order(
        pkts,
        &[
            (false, SHUTDOWN),
            (true, SHUTDOWN_ACK),
            (false, SHUTDOWN_COMPLETE),
        ],
    )?;
    // The kernel's ASCONFs (AUTH first), usctp's ASCONF-ACKs (AUTH first, no error cause).
    let (acked, s) = exchange(pkts, false, &[(ADD_IP, g2), (DELETE_IP, g1)])?;
    // RFC 5061 §4.1 / RFC 9260 §5.4: usctp confirms the new address before it sends there;
    // its SACKs go there once the kernel sends from it (after the delete).
    let (hb_src, first) = confirmed_before(pkts, true, g2, acked[1], &[DATA, SACK])?;
    // Nothing from usctp to the deleted address once it acknowledged the delete; nor from
    // the kernel (RFC 5061 §5.3).
    unused_after(pkts, true, g1, acked[1])?;
    unused_after(pkts, false, g1, acked[1])?;
    let from = |ip| pkts.iter().filter(|p| p.src == ip && p.has(DATA)).count();
    let asconfs = pkts.iter().filter(|p| p.has(ASCONF)).count();
    Ok(format!(
        "guest laddrs {added:?} then {removed:?}; {s}; {asconfs} ASCONF in all; usctp: HEARTBEAT \
         to {g2} answered (HEARTBEAT ACK from {hb_src}) before its SACKs there (from frame \
         {first}), nothing to {g1} after the DELETE-IP's ACK; kernel DATA packets from {g1} \
         {}, from {g2} {}; sctpt server received {} messages ({PER_PHASE} of each of \
         {SIZES:?} bytes), SHUTDOWN by the kernel; tshark clean ({} packets)",
        from(g1),
        from(g2),
        PER_PHASE * SIZES.len(),
        pkts.len()
    ))
}
