//! A whole bulk transfer between two endpoints over one lossy link, checked end to end: the
//! engine behind the `sim_transfer` example and the seeded property tests.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use usctp_proto::{
    AssociationConfig, Endpoint, EndpointConfig, Event, Extensions, SendOptions, TransportAddr,
};

use crate::run_error::{queued, request_streams};
use crate::{RunError, SctpNode};
use usctp_sim::{LinkConfig, Sim};

/// What to run.
#[derive(Debug, Clone)]
pub struct TransferSpec {
    /// Simulator and endpoint seed.
    pub seed: u64,
    /// Random loss probability, each direction.
    pub loss: f64,
    /// Loss on the way back (SACKs) instead of `loss`, when set.
    pub reverse_loss: Option<f64>,
    /// Reordering probability.
    pub reorder: f64,
    /// Duplication probability.
    pub duplicate: f64,
    /// Messages to send.
    pub messages: usize,
    /// Bytes per message (at least 16).
    pub size: usize,
    /// Send unordered.
    pub unordered: bool,
    /// Streams to spread messages over; both ends' configs are fitted to them (the run
    /// stops with [`RunError::TooManyStreams`] past `assoc.max_inbound_streams`).
    pub streams: u16,
    /// One-way latency.
    pub latency: Duration,
    /// Give up after this much virtual time.
    pub time_limit: Duration,
    /// Protocol parameters for both ends.
    pub assoc: AssociationConfig,
    /// Print every datagram (sent, delivered, dropped) to stderr.
    pub trace: bool,
    /// Write every datagram sent to this pcap file.
    pub pcap: Option<std::path::PathBuf>,
    /// Send every message with this PR-SCTP policy (PR-SCTP is then offered by both ends).
    pub pr: Option<PrPolicy>,
    /// (stream, value) priorities or weights set on the sender's association for its stream
    /// scheduler (`assoc.scheduler`, RFC 8260 §3) before it sends.
    pub stream_priorities: Vec<(u16, u16)>,
    /// MTU black holes on the link (RFC 8899 §4.3): from `at` it carries only `mtu` bytes,
    /// both ways, dropping larger packets silently (no ICMP), until `until`.
    pub black_holes: Vec<BlackHole>,
}

/// A drop of the link MTU without ICMP, in virtual time since the run started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlackHole {
    /// When the MTU drops.
    pub at: Duration,
    /// The largest datagram carried from then on, IP header included.
    pub mtu: usize,
    /// When the link's own MTU is back; `None`: never.
    pub until: Option<Duration>,
}

impl std::str::FromStr for BlackHole {
    type Err = String;

    /// `AT_MS:MTU` or `AT_MS:MTU:UNTIL_MS`.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("expected AT_MS:MTU[:UNTIL_MS], got {s:?}");
        let n: Vec<u64> = s
            .split(':')
            .map(|v| v.parse().map_err(|_| bad()))
            .collect::<Result<_, _>>()?;
        let ms = Duration::from_millis;
        match n[..] {
            [at, mtu] => Ok(Self {
                at: ms(at),
                mtu: mtu as usize,
                until: None,
            }),
            [at, mtu, until] if until > at => Ok(Self {
                at: ms(at),
                mtu: mtu as usize,
                until: Some(ms(until)),
            }),
            _ => Err(bad()),
        }
    }
}

/// The link MTU `holes` impose at `t`: the smallest of those in effect, else `normal`.
fn mtu_at(holes: &[BlackHole], t: Duration, normal: Option<usize>) -> Option<usize> {
    holes
        .iter()
        .filter(|h| h.at <= t && h.until.is_none_or(|u| t < u))
        .map(|h| h.mtu)
        .min()
        .or(normal)
}

/// A PR-SCTP policy for every message of a transfer (RFC 7496).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrPolicy {
    /// Timed reliability: abandoned once this old.
    Ttl(Duration),
    /// Limited retransmissions: abandoned rather than sent more than this many times again.
    Rtx(u32),
}

impl PrPolicy {
    fn apply(self, opts: SendOptions) -> SendOptions {
        match self {
            Self::Ttl(d) => opts.lifetime(d),
            Self::Rtx(n) => opts.max_retransmissions(n),
        }
    }
}

impl std::str::FromStr for PrPolicy {
    type Err = String;

    /// `ttl:MS` or `rtx:N`.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("expected ttl:MS or rtx:N, got {s:?}");
        let (kind, n) = s.split_once(':').ok_or_else(bad)?;
        let n: u64 = n.parse().map_err(|_| bad())?;
        match kind {
            "ttl" => Ok(Self::Ttl(Duration::from_millis(n))),
            "rtx" => u32::try_from(n).map(Self::Rtx).map_err(|_| bad()),
            _ => Err(bad()),
        }
    }
}

impl Default for TransferSpec {
    fn default() -> Self {
        Self {
            seed: 1,
            loss: 0.0,
            reverse_loss: None,
            reorder: 0.0,
            duplicate: 0.0,
            messages: 1000,
            size: 1200,
            unordered: false,
            streams: 1,
            latency: Duration::from_millis(10),
            time_limit: Duration::from_secs(7 * 24 * 3600),
            assoc: AssociationConfig::default(),
            trace: false,
            pcap: None,
            pr: None,
            stream_priorities: Vec::new(),
            black_holes: Vec::new(),
        }
    }
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferReport {
    /// Messages the sender queued.
    pub sent: usize,
    /// Distinct messages delivered intact.
    pub delivered: usize,
    /// Messages the sender reported abandoned (PR-SCTP).
    pub abandoned: usize,
    /// Messages both delivered and reported abandoned after being sent: the sender cannot
    /// know whether a chunk whose SACK was lost arrived (RFC 6458 reports such a message as
    /// SCTP_DATA_SENT, `AbandonedMessage::sent`). Zero unless SACKs can be lost or late.
    pub abandoned_and_delivered: usize,
    /// Messages delivered although reported abandoned before any of it was sent: a bug.
    pub unsent_abandoned_delivered: usize,
    /// Messages delivered more than once.
    pub duplicates: usize,
    /// Ordered messages delivered out of order within their stream.
    pub misordered: usize,
    /// Messages whose content did not match what was sent.
    pub corrupted: usize,
    /// `graceful`, `aborted`, `timeout`, or `error` (see `error`).
    pub closed: &'static str,
    /// Virtual time taken.
    pub virtual_time: Duration,
    /// Why the run stopped early, when the stack refused a request for good.
    pub error: Option<RunError>,
}

impl TransferReport {
    /// Every message exactly once, intact, in order, and a graceful close; with PR-SCTP,
    /// every message delivered or abandoned, never both.
    pub fn is_perfect(&self) -> bool {
        self.abandoned_and_delivered == 0 && self.is_consistent()
    }

    /// As [`is_perfect`](Self::is_perfect), except that a message abandoned after it was
    /// sent may also have been delivered (see `abandoned_and_delivered`).
    pub fn is_consistent(&self) -> bool {
        self.sent + self.abandoned_and_delivered == self.delivered + self.abandoned
            && self.unsent_abandoned_delivered == 0
            && self.duplicates == 0
            && self.misordered == 0
            && self.corrupted == 0
            && self.closed == "graceful"
    }
}

impl std::fmt::Display for TransferReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "sent={} delivered={} abandoned={} duplicates={} misordered={} corrupted={} closed={} \
             virtual_ms={}",
            self.sent,
            self.delivered,
            self.abandoned,
            self.duplicates,
            self.misordered,
            self.corrupted,
            self.closed,
            self.virtual_time.as_millis()
        )?;
        if self.abandoned_and_delivered > 0 {
            write!(
                f,
                " abandoned_and_delivered={}",
                self.abandoned_and_delivered
            )?;
        }
        if self.unsent_abandoned_delivered > 0 {
            write!(
                f,
                " unsent_abandoned_delivered={}",
                self.unsent_abandoned_delivered
            )?;
        }
        match &self.error {
            Some(e) => write!(f, " error={e}"),
            None => Ok(()),
        }
    }
}

/// Message `index` on `stream`: a header naming it, then filler derived from it.
fn message(stream: u16, index: u32, size: usize) -> Bytes {
    let mut b = BytesMut::with_capacity(size.max(16));
    b.put_u16(stream);
    b.put_u16(0);
    b.put_u32(index);
    b.put_u64(size as u64);
    let mut x = u32::from(stream) << 16 ^ index;
    while b.len() < size {
        x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        b.put_u8((x >> 24) as u8);
    }
    b.freeze()
}

/// Run one transfer and check it. A send refused for any reason but a full queue stops the
/// run (`closed=error`) instead of being retried.
pub fn run_transfer(spec: &TransferSpec) -> TransferReport {
    let mut assoc = spec.assoc.clone();
    if spec.pr.is_some() {
        assoc.extensions = assoc.extensions.with(Extensions::PR_SCTP);
    }
    if let Err(e) = request_streams(&mut assoc, spec.streams) {
        return refused(e);
    }
    let (ca, sa) = (
        IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
        IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
    );
    let mut sim = Sim::new(spec.seed);
    let now = sim.now();
    let cfg = |seed| {
        let mut c = EndpointConfig::default();
        c.rng_seed = Some(seed);
        c.association = assoc.clone();
        c
    };
    let cep = Endpoint::new(cfg(spec.seed.wrapping_mul(3)), 40_000, vec![ca], now);
    let sep = Endpoint::new(cfg(spec.seed.wrapping_mul(5)), 5000, vec![sa], now);
    let client = sim.add_node(SctpNode::new(cep, vec![ca]), [ca]);
    let server = sim.add_node(SctpNode::new(sep, vec![sa]), [sa]);
    let mut link = LinkConfig::with_latency(spec.latency);
    link.loss = spec.loss;
    link.reorder = spec.reorder;
    link.reorder_delay = spec.latency;
    link.duplicate = spec.duplicate;
    let back = spec.reverse_loss.map(|loss| LinkConfig {
        loss,
        ..link.clone()
    });
    let normal_mtu = link.mtu;
    let link_id = sim.add_link(ca, sa, link);
    if let Some(back) = back {
        let l = sim.link_mut(link_id);
        if let Some(dir) = l.direction_from(sa) {
            *l.config_mut(dir) = back;
        }
    }
    // A capture that cannot be created is reported and the run goes on without it.
    let _capture =
        spec.pcap
            .as_ref()
            .and_then(|p| match usctp_sim::PcapCapture::attach(&mut sim, p) {
                Ok(c) => Some(c),
                Err(e) => {
                    eprintln!("cannot write {}: {e}", p.display());
                    None
                }
            });
    if spec.trace {
        sim.observe(|e: &usctp_sim::Event<'_>| {
            let p = &e.datagram.payload;
            let shown = usctp_wire::Packet::parse(p, usctp_wire::ParseOptions::default())
                .map_or_else(|err| format!("unparsable: {err}"), |pk| pk.to_string());
            eprintln!(
                "{:>12?} {:?} {} -> {} {}",
                e.time, e.kind, e.datagram.src, e.datagram.dst, shown
            );
        });
    }
    let streams = spec.streams;
    let size = spec.size.max(16);
    let id = sim.with_node(client, |n, now| {
        n.ep.connect(now, &[TransportAddr::raw(sa)], 5000, None)
    });
    let id = match id {
        Ok(id) => id,
        Err(e) => {
            let r = report(spec, 0, &sim, (client, server), "error");
            return stopped(r, RunError::Connect(e));
        }
    };
    for &(stream, value) in &spec.stream_priorities {
        let r = sim.with_node(client, |n, _| {
            n.ep.with_association(id, |a| a.set_stream_priority(stream, value))
        });
        if let Some(Err(error)) = r {
            let r = report(spec, 0, &sim, (client, server), "error");
            return stopped(r, RunError::StreamPriority { stream, error });
        }
    }
    // Feed the queue as back-pressure allows.
    let mut next = 0usize;
    let mut held: Option<(u16, Bytes)> = None;
    let deadline = spec.time_limit;
    let mut closed = "timeout";
    let mut shutdown_sent = false;
    while sim.elapsed() < deadline {
        let mtu = mtu_at(&spec.black_holes, sim.elapsed(), normal_mtu);
        let l = sim.link_mut(link_id);
        let dirs: Vec<_> = [ca, sa]
            .iter()
            .filter_map(|&a| l.direction_from(a))
            .collect();
        for dir in dirs {
            l.config_mut(dir).mtu = mtu;
        }
        while next < spec.messages {
            // Build each message once; a refused one is kept for the next try.
            let (stream, m) = held.take().unwrap_or_else(|| {
                let stream = (next % usize::from(streams)) as u16;
                let index = (next / usize::from(streams)) as u32;
                (stream, message(stream, index, size))
            });
            let mut opts = SendOptions::new(stream).unordered(spec.unordered);
            if let Some(pr) = spec.pr {
                opts = pr.apply(opts);
            }
            let retry = m.clone();
            let r = sim.with_node(client, |n, now| {
                n.ep.with_association(id, |a| a.send_with(now, m, &opts))
            });
            match queued(r, ended_at(&sim, client)) {
                Ok(true) => next += 1,
                Ok(false) => {
                    held = Some((stream, retry));
                    break;
                }
                Err(error) => {
                    let r = report(spec, next, &sim, (client, server), "error");
                    return stopped(r, RunError::Send { index: next, error });
                }
            }
        }
        if next == spec.messages && !shutdown_sent {
            sim.with_node(client, |n, now| {
                n.ep.with_association(id, |a| a.shutdown(now))
            });
            shutdown_sent = true;
        }
        let done = |s: &Sim| ended_at(s, client);
        if done(&sim) {
            let graceful = sim
                .node(client)
                .events
                .iter()
                .any(|(_, e)| *e == Event::ShutdownComplete);
            closed = if graceful { "graceful" } else { "aborted" };
            break;
        }
        let step_until = sim.elapsed() + Duration::from_millis(50);
        sim.run_until_cond(step_until.saturating_sub(sim.elapsed()), done);
        if sim.next_event_time().is_none() && !done(&sim) {
            break; // nothing will ever happen again
        }
    }
    // Let the server see the SHUTDOWN COMPLETE.
    sim.run_for(Duration::from_millis(10));
    report(spec, next, &sim, (client, server), closed)
}

/// Whether the client's association has ended (gracefully or not).
fn ended_at(sim: &Sim, client: usctp_sim::NodeId<SctpNode>) -> bool {
    sim.node(client)
        .events
        .iter()
        .any(|(_, e)| matches!(e, Event::ShutdownComplete | Event::Closed(_)))
}

/// The report of a run that `error` refused before it started.
fn refused(error: RunError) -> TransferReport {
    TransferReport {
        sent: 0,
        delivered: 0,
        abandoned: 0,
        abandoned_and_delivered: 0,
        unsent_abandoned_delivered: 0,
        duplicates: 0,
        misordered: 0,
        corrupted: 0,
        closed: "error",
        virtual_time: Duration::ZERO,
        error: Some(error),
    }
}

/// `r`, for a run that `error` stopped.
fn stopped(r: TransferReport, error: RunError) -> TransferReport {
    TransferReport {
        closed: "error",
        error: Some(error),
        ..r
    }
}

/// Stream and index of a message built by [`message`], if it is one of `spec`'s.
fn identify(spec: &TransferSpec, p: &Bytes) -> Option<(u16, u32)> {
    let (s, i) = (p.get(0..2)?, p.get(4..8)?);
    let stream = u16::from_be_bytes([s[0], s[1]]);
    let index = u32::from_be_bytes([i[0], i[1], i[2], i[3]]);
    let ok = stream < spec.streams.max(1) && *p == message(stream, index, spec.size.max(16));
    ok.then_some((stream, index))
}

fn report(
    spec: &TransferSpec,
    sent: usize,
    sim: &Sim,
    (client, server): (usctp_sim::NodeId<SctpNode>, usctp_sim::NodeId<SctpNode>),
    closed: &'static str,
) -> TransferReport {
    let streams = usize::from(spec.streams.max(1));
    let mut seen = vec![Vec::<bool>::new(); streams];
    let mut last = vec![None::<u32>; streams];
    let (mut delivered, mut duplicates, mut misordered, mut corrupted) = (0, 0, 0, 0);
    // With PR-SCTP an ordered stream may skip abandoned messages, never go back.
    let skips = spec.pr.is_some();
    for (_, m) in &sim.node(server).messages {
        let Some((stream, index)) = identify(spec, &m.payload) else {
            corrupted += 1;
            continue;
        };
        let slot = &mut seen[usize::from(stream)];
        let idx = index as usize;
        if slot.len() <= idx {
            slot.resize(idx + 1, false);
        }
        if slot[idx] {
            duplicates += 1;
            continue;
        }
        slot[idx] = true;
        delivered += 1;
        let prev = &mut last[usize::from(stream)];
        let in_order = match *prev {
            Some(l) if skips => index > l,
            Some(l) => index == l + 1,
            None => skips || index == 0,
        };
        if !spec.unordered && !in_order {
            misordered += 1;
        }
        *prev = Some(index);
    }
    let (mut abandoned, mut abandoned_and_delivered, mut unsent_abandoned_delivered) = (0, 0, 0);
    for (_, e) in &sim.node(client).events {
        let Event::Abandoned(a) = e else { continue };
        abandoned += 1;
        let was_delivered = identify(spec, &a.payload).is_some_and(|(s, i)| {
            seen[usize::from(s)]
                .get(i as usize)
                .copied()
                .unwrap_or(false)
        });
        if was_delivered && a.sent {
            abandoned_and_delivered += 1;
        } else if was_delivered {
            unsent_abandoned_delivered += 1;
        }
    }
    TransferReport {
        sent,
        delivered,
        abandoned,
        abandoned_and_delivered,
        unsent_abandoned_delivered,
        duplicates,
        misordered,
        corrupted,
        closed,
        virtual_time: sim.elapsed(),
        error: None,
    }
}
