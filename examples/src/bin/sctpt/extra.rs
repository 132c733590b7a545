//! The options usctp adds to sctpt (the C tool has none of them). They match only by their
//! full name and `--help` does not list them, so prefixes and help output stay the C tool's;
//! `--help-usctp` lists them with their defaults, which are computed from the library's
//! config (or the C tool's behaviour), never restated as numbers here.

use std::time::Duration;

use usctp::AssociationConfig;

use super::connect::C_CONNECT_LIMIT;
use super::log::out;

/// One added option (all take a value).
#[derive(Debug, Clone, Copy)]
pub struct Extra {
    /// Long name.
    pub name: &'static str,
    /// Help text, without the default.
    pub help: &'static str,
    /// The default as `--help-usctp` states it.
    pub default: Option<fn() -> String>,
}

/// What a command adds: option groups and where it differs from the C tool.
#[derive(Debug)]
pub struct Added {
    /// Option groups, listed in order.
    pub groups: &'static [&'static [Extra]],
    /// The command's differences from the C tool.
    pub note: &'static str,
}

impl Added {
    /// The option named exactly `name`.
    pub fn find(&self, name: &str) -> Option<&'static str> {
        self.groups
            .iter()
            .flat_map(|g| g.iter())
            .find(|o| o.name == name)
            .map(|o| o.name)
    }

    /// `--help-usctp`: the options in the `--help` format, then the notes; exit 0.
    pub fn print_help(&self, cmd: &str) -> ! {
        let mut s = format!("{cmd}: options added by usctp (full names only; not in the C tool)\n");
        for o in self.groups.iter().flat_map(|g| g.iter()) {
            let default = o.default.map(|f| format!(" (default {})", f()));
            s.push_str(&format!(
                "  --{}= {}{} \n",
                o.name,
                o.help,
                default.unwrap_or_default()
            ));
        }
        s.push_str("Differences from the C tool:\n");
        s.push_str(self.note);
        s.push_str(COMMON_NOTE);
        out(&s);
        std::process::exit(0)
    }
}

fn ms(d: Duration) -> String {
    d.as_millis().to_string()
}

fn lib() -> AssociationConfig {
    AssociationConfig::default()
}

const fn opt(name: &'static str, help: &'static str) -> Extra {
    Extra {
        name,
        help,
        default: None,
    }
}

const fn with(name: &'static str, help: &'static str, default: fn() -> String) -> Extra {
    Extra {
        name,
        help,
        default: Some(default),
    }
}

/// The transport, which the C tool gets from the kernel's sysctls.
pub const TRANSPORT: &[Extra] = &[
    opt(
        "udp-port",
        "Local UDP port: SCTP over UDP instead of raw IP (like net.sctp.udp_port; env \
         SCTP_UDP_PORT; 0 = raw IP)",
    ),
    with(
        "encap-port",
        "Remote UDP port with --udp-port (like net.sctp.encap_port; env SCTP_ENCAP_PORT)",
        || usctp::DEFAULT_UDP_PORT.to_string(),
    ),
    opt(
        "pcap",
        "Write every packet sent and received to this pcap file",
    ),
];

/// Protocol parameters (RFC 9260 §16, RFC 7829), which the C tool gets from sysctls.
pub const TUNABLES: &[Extra] = &[
    with("rto-initial", "RTO.Initial, ms", || ms(lib().rto_initial)),
    with("rto-min", "RTO.Min, ms", || ms(lib().rto_min)),
    with("rto-max", "RTO.Max, ms", || ms(lib().rto_max)),
    with("hb-interval", "Heartbeat interval, ms; 0 = off", || {
        lib().hb_interval.map_or_else(|| "0".into(), ms)
    }),
    with("path-max-retrans", "Path.Max.Retrans", || {
        lib().path_max_retrans.to_string()
    }),
    with("assoc-max-retrans", "Association.Max.Retrans", || {
        lib().assoc_max_retrans.to_string()
    }),
    with("max-init-retrans", "Max.Init.Retransmits", || {
        lib().max_init_retransmits.to_string()
    }),
    with(
        "pf-max-retrans",
        "PotentiallyFailed.Max.Retrans (RFC 7829); 0: a path is potentially failed at its \
         first timeout",
        || {
            lib()
                .pf_max_retrans
                .map_or_else(|| "off".into(), |n| n.to_string())
        },
    ),
    with("sack-delay", "Delayed SACK timer, ms", || {
        ms(lib().sack_delay)
    }),
    with("streams", "Outbound streams requested", || {
        lib().outbound_streams.to_string()
    }),
    with(
        "peer-addresses",
        "list: every address the peer's INIT / INIT ACK lists becomes a path; source: only \
         the packet's source (single-homed, crosses a NAT)",
        || "list".into(),
    ),
    with(
        "auth",
        "on: offer SCTP AUTH (RFC 4895; needs the peer's too, e.g. net.sctp.auth_enable)",
        || "off".into(),
    ),
    opt(
        "auth-chunks",
        "With AUTH: chunk types the peer must authenticate, a comma list (0 = DATA, 3 = SACK)",
    ),
    with(
        "asconf",
        "on: offer dynamic addresses (ASCONF, RFC 5061; brings AUTH; the peer needs both, \
         e.g. net.sctp.addip_enable and auth_enable). The client then takes !add ADDR, \
         !del ADDR, !primary ADDR and !paths (each path and its origin) at its prompt",
        || "off".into(),
    ),
    with(
        "nat-friendly",
        "on: the INIT lists no addresses; once connected, each other --laddr is added by an \
         ASCONF with the wildcard address sent from it, so every NAT maps it (RFC 5061 \
         §4.2.4; brings ASCONF); heartbeat: over raw IP a HEARTBEAT from each new \
         address opens its flow in NATs that track SCTP (Linux conntrack) first; the \
         server must answer it (usctp does, Linux and usrsctp ABORT)",
        || "off".into(),
    ),
    opt(
        "advertise",
        "Addresses the INIT / INIT ACK lists instead of the bound ones (comma list; none: no \
         address parameters, the peer takes the packet's source)",
    ),
    with(
        "scheduler",
        "Stream scheduler (RFC 8260 §3): fcfs|rr|rr-packet|priority|fb|wfq; without I-DATA it \
         picks between whole messages",
        || lib().scheduler.to_string(),
    ),
    opt(
        "stream-priority",
        "Per-stream values S:V[,S:V...] for the scheduler: priority (lower first) or wfq \
         weight",
    ),
    with(
        "idata",
        "on: offer I-DATA (RFC 8260): a message on one stream no longer waits for a large one \
         on another; linux: the same, numbering fragments as Linux kernel peers do",
        || "off".into(),
    ),
    with(
        "plpmtud",
        "on, or the largest MTU to probe: path MTU discovery without ICMP (RFC 8899; probes \
         are HEARTBEAT + PAD; on: up to the default ceiling)",
        || format!("off; ceiling {}", usctp::PlpmtudConfig::default().max_mtu),
    ),
    with(
        "ootb-heartbeat",
        "abort: answer a HEARTBEAT no association claims with ABORT (RFC 9260 §8.4); drop: \
         ignore it (behind NAT)",
        || "abort".into(),
    ),
];

/// `server`'s own additions.
pub const SERVER: &[Extra] = &[
    with(
        "ulp",
        "Service on each association: echo|discard|daytime",
        || "echo".into(),
    ),
    opt(
        "abort-after",
        "Abort each association this many ms after accepting it (ABORT with a \
         User-Initiated Abort cause, RFC 9260 §9.1), to test how clients take it",
    ),
];

/// `client`'s own additions.
pub const CLIENT: &[Extra] = &[
    with(
        "connect-timeout",
        "Give up connecting after this many ms, as the C tool does, or 'init': once \
         Max.Init.Retransmits is exhausted (RFC 9260 §5.1)",
        || ms(C_CONNECT_LIMIT),
    ),
    opt(
        "reconnect",
        "Open a new association this many ms after a refusal, a failed handshake or the \
         end of an association, instead of exiting",
    ),
    opt(
        "ulp",
        "Serve each association as the server does: echo|discard|daytime; stdin is not read",
    ),
    with(
        "stream",
        "Stream of the lines (or packet, or daytime) sent",
        || "0".into(),
    ),
    with(
        "ppid",
        "PPID of the lines (or packet, or daytime) sent",
        || "0".into(),
    ),
    opt(
        "lifetime",
        "PR-SCTP: abandon each message sent once it is this many ms old (RFC 7496 timed \
         reliability; the peer must support PR-SCTP)",
    ),
    opt(
        "reset-streams",
        "Once connected, reset these outgoing streams ('all' or a comma list; RFC 6525): what \
         is sent on them then starts at SSN 0, after the peer agreed",
    ),
    opt(
        "max-rtx",
        "PR-SCTP: abandon each message sent rather than retransmit it more than this many \
         times (RFC 7496 limited retransmissions)",
    ),
];

/// What every connecting or listening command shares.
const COMMON_NOTE: &str = "  transport: native SCTP over raw IP (needs root/CAP_NET_RAW) \
    unless --udp-port is set; one socket is shared by all associations, like the kernel's.\n  \
    --log 7 also prints association and path events.\n";

/// `server`'s differences.
pub const SERVER_NOTE: &str = "  an aborted association (recv/send error) ends only that \
    association; the C server dies and takes every other association with it.\n  echo \
    replies on the stream and with the PPID of the message, as usrsctp's echo_server does \
    (the C server always uses stream 0, PPID 0).\n";

/// `client`'s differences.
pub const CLIENT_NOTE: &str = "  the end of the association is noticed while waiting on \
    stdin: an ABORT exits at once with `recv Connection reset by peer` (status 1), a \
    SHUTDOWN with status 0 (the C client notices at its next line).\n  with --reconnect, \
    those ends (and connect failures) are logged as warnings instead, and a new association \
    is opened.\n";

/// `ctraffic`'s differences.
pub const CTRAFFIC_NOTE: &str =
    "  clients are tasks; a send still not queued after 100 ms counts as blocked.\n";
