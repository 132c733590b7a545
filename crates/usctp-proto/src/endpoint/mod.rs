//! The endpoint: owns the associations of one SCTP port, demultiplexes datagrams to them,
//! answers INIT statelessly with a signed cookie, and applies the out-of-the-blue and
//! verification-tag rules (RFC 9260 §5.1, §5.2, §8.4, §8.5).

mod addresses;
mod assoc_index;
mod assoc_table;
mod cookie;
mod cookie_echo;
mod deadlines;
mod icmp;
mod id_hash;
mod init;
mod init_ack;
mod ootb;
mod peer_key;
mod ratelimit;
mod receive;
mod settings;

use std::collections::{HashMap, VecDeque};
use std::hash::RandomState;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use usctp_wire::chunk::Chunk;
use usctp_wire::param::Parameter;
use usctp_wire::{CommonHeader, PacketBuilder, VerificationTag};

pub(crate) use crate::setup::CookieContents;
pub(crate) use cookie::{check_age, cookie_mac, CookieError, CookieSigner};

use assoc_index::AssocIndex;
use id_hash::IdHash;
use peer_key::PeerKey;
use settings::Settings;

use crate::asconf::AddressRequest;
use crate::association::{AssocContext, Association};
use crate::event::{AssocId, Event};
use crate::inline_queue::InlineQueue;
use crate::{AssociationConfig, EndpointConfig, Transmit, TransportAddr};

/// Stateless replies (INIT ACK, ABORT, SHUTDOWN COMPLETE) waiting to be sent at most; more are
/// dropped, so a flood cannot make the endpoint hold memory (RFC 9260 §5.1.3, §8.4).
const MAX_REPLIES: usize = 64;

/// Largest reply buffer kept for reuse, bytes (an INIT ACK is a few hundred).
const SPARE_REPLY_MAX: usize = 2048;

/// Why `connect` failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// No peer address given.
    #[error("no peer address given")]
    NoAddress,
    /// `max_associations` reached.
    #[error("association limit ({0}) reached")]
    TooManyAssociations(usize),
    /// Port 0 is not a valid SCTP port.
    #[error("port 0 is not a valid SCTP port")]
    InvalidPort,
}

/// Counters of what the endpoint dropped or answered on its own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EndpointStats {
    /// Datagrams that failed to parse (bad checksum, malformed).
    pub malformed: u64,
    /// Packets dropped by the verification tag or out-of-the-blue rules.
    pub discarded: u64,
    /// INITs answered with INIT ACK.
    pub init_acks: u64,
    /// COOKIE ECHOes refused (bad MAC, stale, malformed).
    pub bad_cookies: u64,
    /// Replies dropped because the reply queue was full.
    pub replies_dropped: u64,
    /// Replies dropped by `stateless_reply_rate` / `stateless_reply_rate_per_source`.
    pub replies_rate_limited: u64,
}

/// Why `Endpoint::collect` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// The association took input (a packet, a timer, a user call).
    Input,
    /// `poll_transmit` found nothing more to send from it.
    OutputDrained,
}

#[derive(Debug)]
struct Reply {
    dst: TransportAddr,
    src: Option<IpAddr>,
    packet: Vec<u8>,
}

/// A sans-IO SCTP endpoint: one local port, any number of associations.
#[derive(Debug)]
pub struct Endpoint {
    cfg: Settings,
    /// The association defaults, shared by the associations made with them.
    assoc_cfg: Arc<AssociationConfig>,
    port: u16,
    /// Shared with every association (one copy, not one each).
    local_addrs: Arc<[IpAddr]>,
    /// Addresses unbound whose deletion some association's peer has not acknowledged yet.
    leaving: Vec<IpAddr>,
    rng: StdRng,
    epoch: Instant,
    signer: CookieSigner,
    assocs: assoc_table::AssocTable,
    by_tag: AssocIndex<VerificationTag, IdHash>,
    by_peer: AssocIndex<PeerKey, RandomState>,
    replies: VecDeque<Reply>,
    /// Inline-first queues: a client endpoint mostly holds one association, and a deque
    /// would allocate for it.
    ready: InlineQueue<AssocId>,
    deadlines: deadlines::Deadlines,
    events: InlineQueue<(AssocId, Event)>,
    /// Tags of cookies whose associations are gone, with their expiry (ms): a replayed cookie
    /// is refused even after its association is gone. A live association's cookie is found
    /// through `by_tag`, so it is remembered here only once the association is removed.
    used_cookies: HashMap<VerificationTag, u64>,
    accepting: bool,
    filter: Option<Filter>,
    limiter: ratelimit::ReplyLimiter,
    /// The chunk list `handle` parses into, kept for the next packet.
    chunk_buf: Vec<Chunk>,
    /// The parameter list an INIT ACK is written from, kept (empty) for the next one: a
    /// server answers INITs without allocating a list each time.
    init_ack_params: Vec<Parameter>,
    /// The buffer of the last reply sent (empty), for the next INIT ACK: a server answering
    /// INITs allocates no packet for each.
    spare_reply: Vec<u8>,
    /// Time of the last input, ms since `epoch` (the rate limiter's clock).
    now_ms: u64,
    stats: EndpointStats,
}

/// What the application sees of an association being offered (at INIT, before any state).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// Source of the INIT.
    pub from: TransportAddr,
    /// The peer's SCTP port.
    pub peer_port: u16,
    /// Every address the peer offers (the source first).
    pub addresses: Vec<TransportAddr>,
}

/// Decides whether an incoming association is accepted; `false` refuses it with an ABORT.
pub type AcceptFilter = Box<dyn FnMut(&Incoming) -> bool + Send>;

struct Filter(AcceptFilter);

impl core::fmt::Debug for Filter {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("AcceptFilter")
    }
}

impl Endpoint {
    /// An endpoint on SCTP `port` with `local_addrs` (advertised in INIT / INIT ACK when more
    /// than one). `now` is the endpoint's epoch for cookie timestamps.
    pub fn new(cfg: EndpointConfig, port: u16, local_addrs: Vec<IpAddr>, now: Instant) -> Self {
        let (cfg, seed, assoc_cfg) = Settings::split(cfg);
        let mut rng = match seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_entropy(),
        };
        let period = u64::try_from(cfg.cookie_lifetime.as_millis()).unwrap_or(u64::MAX);
        let signer = CookieSigner::new(&mut rng, period, 0);
        Self {
            assoc_cfg: Arc::new(assoc_cfg),
            cfg,
            port,
            local_addrs: local_addrs.into(),
            leaving: Vec::new(),
            rng,
            epoch: now,
            signer,
            assocs: assoc_table::AssocTable::default(),
            by_tag: AssocIndex::default(),
            by_peer: AssocIndex::default(),
            replies: VecDeque::new(),
            ready: InlineQueue::default(),
            deadlines: deadlines::Deadlines::default(),
            events: InlineQueue::default(),
            used_cookies: HashMap::new(),
            accepting: true,
            filter: None,
            limiter: ratelimit::ReplyLimiter::default(),
            chunk_buf: Vec::new(),
            init_ack_params: Vec::new(),
            spare_reply: Vec::new(),
            now_ms: 0,
            stats: EndpointStats::default(),
        }
    }

    /// Our SCTP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Accept incoming associations (the default) or refuse them with ABORT.
    pub fn set_accepting(&mut self, accepting: bool) {
        self.accepting = accepting;
    }

    /// Decide on each incoming association explicitly: `filter` runs when an INIT arrives
    /// (statelessly, RFC 9260 §5.1.3) and again when its COOKIE ECHO is about to create the
    /// association; refused INITs get an ABORT, refused cookies are dropped.
    pub fn set_accept_filter(&mut self, filter: impl FnMut(&Incoming) -> bool + Send + 'static) {
        self.filter = Some(Filter(Box::new(filter)));
    }

    /// Whether an association offered by `incoming` may be created now (`incoming` is built
    /// only when an accept filter wants to see it).
    fn admits(&mut self, incoming: impl FnOnce() -> Incoming) -> bool {
        if !self.accepting || self.assocs.len() >= self.cfg.max_associations {
            return false;
        }
        self.filter.as_mut().is_none_or(|f| (f.0)(&incoming()))
    }

    /// Counters.
    pub fn stats(&self) -> EndpointStats {
        self.stats
    }

    /// Entries held for peers that have no association (replies queued, cookies remembered):
    /// what a flood of INITs or cookies could make the endpoint keep.
    pub fn stateless_backlog(&self) -> usize {
        self.replies.len() + self.used_cookies.len()
    }

    /// Addresses the stateless-reply rate limiter remembers (at most
    /// `stateless_reply_rate`, forgotten every second).
    pub fn rate_limiter_entries(&self) -> usize {
        self.limiter.sources()
    }

    /// Number of associations held.
    pub fn association_count(&self) -> usize {
        self.assocs.len()
    }

    /// Ids of every association.
    pub fn association_ids(&self) -> impl Iterator<Item = AssocId> + '_ {
        self.assocs.ids()
    }

    /// An association, read-only.
    pub fn association(&self, id: AssocId) -> Option<&Association> {
        self.assocs.get(id)
    }

    /// Run `f` on an association (send, shutdown, abort, poll_message, set_primary ...); the
    /// endpoint then collects its output.
    pub fn with_association<R>(
        &mut self,
        id: AssocId,
        f: impl FnOnce(&mut Association) -> R,
    ) -> Option<R> {
        let r = f(self.assocs.get_mut(id)?);
        self.touch(id);
        Some(r)
    }

    /// Open an association to `remotes` (tried in order; the first becomes the primary) on
    /// SCTP port `peer_port`.
    pub fn connect(
        &mut self,
        now: Instant,
        remotes: &[TransportAddr],
        peer_port: u16,
        cfg: Option<AssociationConfig>,
    ) -> Result<AssocId, ConnectError> {
        if peer_port == 0 {
            return Err(ConnectError::InvalidPort);
        }
        if self.assocs.len() >= self.cfg.max_associations {
            return Err(ConnectError::TooManyAssociations(self.cfg.max_associations));
        }
        let id = self.new_id();
        let tag = self.unused_tag();
        let cfg = cfg.map_or_else(|| self.assoc_cfg.clone(), Arc::new);
        let ctx = self.assoc_context(id, cfg);
        let ports = (self.port, peer_port);
        let advertised = self
            .cfg
            .advertised_addresses
            .as_deref()
            .unwrap_or(&self.local_addrs[..]);
        let a = Association::connect(ctx, now, ports, tag, remotes, advertised, &mut self.rng)
            .ok_or(ConnectError::NoAddress)?;
        self.insert(a);
        Ok(id)
    }

    /// The next event of any association.
    pub fn poll_event(&mut self) -> Option<(AssocId, Event)> {
        self.events.pop_front()
    }

    /// Append the next packet to `buf` and say where it goes; `None` when nothing is due.
    /// Call until `None` after every input.
    pub fn poll_transmit(&mut self, now: Instant, buf: &mut Vec<u8>) -> Option<Transmit> {
        if let Some(r) = self.replies.pop_front() {
            buf.extend_from_slice(&r.packet);
            let len = r.packet.len();
            // Kept for the next INIT ACK unless unusually large (a reply with many reports).
            if r.packet.capacity() <= SPARE_REPLY_MAX {
                let mut spare = r.packet;
                spare.clear();
                self.spare_reply = spare;
            }
            return Some(Transmit {
                dst: r.dst,
                src: r.src,
                len,
                may_fragment: false,
            });
        }
        while let Some(&id) = self.ready.front() {
            let t = self
                .assocs
                .get_mut(id)
                .and_then(|a| a.poll_transmit(now, buf));
            if t.is_some() {
                return t;
            }
            self.ready.pop_front();
            self.collect(id, Step::OutputDrained);
        }
        None
    }

    /// The earliest deadline of any association.
    pub fn poll_timeout(&mut self) -> Option<Instant> {
        self.deadlines.next()
    }

    /// Fire every association timer due at `now`. Each association is handled once per call:
    /// a deadline it leaves in the past (output waiting for `poll_transmit`) waits for the
    /// next call instead of spinning here.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.maybe_rotate(now);
        for id in self.deadlines.pop_due(now) {
            if let Some(a) = self.assocs.get_mut(id) {
                a.handle_timeout(now);
            }
            self.touch(id);
        }
    }

    fn now_ms(&self, now: Instant) -> u64 {
        let d = now.saturating_duration_since(self.epoch);
        u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
    }

    fn maybe_rotate(&mut self, now: Instant) {
        let ms = self.now_ms(now);
        self.now_ms = ms;
        self.signer.maybe_rotate(&mut self.rng, ms);
    }

    /// What a new association `id` with `cfg` gets from the endpoint.
    fn assoc_context(&self, id: AssocId, cfg: Arc<AssociationConfig>) -> AssocContext {
        AssocContext {
            id,
            cfg,
            local_addrs: self.local_addrs.clone(),
        }
    }

    /// The id the next association will get (it is stored with [`Endpoint::insert`]).
    fn new_id(&self) -> AssocId {
        self.assocs.next_id()
    }

    /// A random non-zero tag no association of ours uses (RFC 9260 §5.3.1).
    fn unused_tag(&mut self) -> VerificationTag {
        loop {
            let t = VerificationTag(self.rng.gen_range(1..=u32::MAX));
            if !self.by_tag.contains_key(&t) {
                return t;
            }
        }
    }

    fn insert(&mut self, a: Box<Association>) {
        let id = a.id();
        self.index(&a);
        self.assocs.insert(a);
        self.touch(id);
    }

    /// Make `a` findable by its tag and by its peer's addresses.
    fn index(&mut self, a: &Association) {
        let id = a.id();
        self.by_tag.insert(a.local_tag(), id);
        let (_, peer_port) = a.ports();
        for p in a.paths().iter() {
            self.by_peer.insert(PeerKey(p.remote.ip, peer_port), id);
        }
    }

    /// After any input to `id`: queue it for output, refresh its deadline, take its events.
    fn touch(&mut self, id: AssocId) {
        self.collect(id, Step::Input);
    }

    /// Move events out, refresh the timeout, index new paths, reap a finished association;
    /// and, by `step`, put it on the output queue or take it off (freeing its idle buffers).
    fn collect(&mut self, id: AssocId, step: Step) {
        let Some(a) = self.assocs.get_mut(id) else {
            return;
        };
        match step {
            Step::Input if a.mark_queued_for_output() => self.ready.push_back(id),
            Step::Input => {}
            Step::OutputDrained => a.unmark_queued_for_output(),
        }
        let mut leaving_done = false;
        while let Some(e) = a.poll_event() {
            match &e {
                Event::PathAdded { addr, .. } => {
                    self.by_peer.insert(PeerKey(addr.ip, a.ports().1), id);
                }
                Event::PathRemoved { addr, .. } => {
                    self.by_peer
                        .remove_if_maps_to(&PeerKey(addr.ip, a.ports().1), id);
                }
                Event::AddressRequestDone(AddressRequest::Delete(_))
                | Event::AddressRequestFailed { .. } => leaving_done = true,
                _ => {}
            }
            self.events.push_back((id, e));
        }
        if step == Step::OutputDrained {
            a.release_idle_buffers();
        }
        let (timeout, finished) = (a.poll_timeout(), a.is_finished());
        self.deadlines.set(id, timeout);
        if finished {
            self.remove(id);
        }
        if leaving_done || finished {
            self.settle_leaving();
        }
    }

    fn remove(&mut self, id: AssocId) {
        self.deadlines.remove(id);
        let Some(a) = self.assocs.remove(id) else {
            return;
        };
        self.remember_cookie(&a);
        self.by_tag.remove_if_maps_to(&a.local_tag(), id);
        let port = a.ports().1;
        for p in a.paths().iter() {
            self.by_peer
                .remove_if_maps_to(&PeerKey(p.remote.ip, port), id);
        }
    }

    /// Queue a packet the endpoint answers on its own (bounded in number and rate).
    fn reply(&mut self, dst: TransportAddr, src: IpAddr, header: CommonHeader, chunks: &[Chunk]) {
        if !self.may_reply(dst.ip) {
            return;
        }
        // The exact length as budget: the builder reserves its budget up front, and a reply
        // is held until `poll_transmit`.
        let len = chunks.iter().map(Chunk::padded_len).sum::<usize>() + CommonHeader::LEN;
        let mut packet = Vec::new();
        let mut b = PacketBuilder::new(&mut packet, header, len.min(usize::from(u16::MAX)));
        for c in chunks {
            b.push(c);
        }
        b.finish(true);
        self.queue_reply(dst, src, packet);
    }

    /// Whether a reply to `dst` is within the rate limit and the queue's bound; counts it.
    fn may_reply(&mut self, dst: IpAddr) -> bool {
        if !self.limiter.allow(&self.cfg, dst, self.now_ms) {
            self.stats.replies_rate_limited += 1;
            return false;
        }
        if self.replies.len() >= MAX_REPLIES {
            self.stats.replies_dropped += 1;
            return false;
        }
        true
    }

    /// Queue a reply `may_reply` allowed.
    fn queue_reply(&mut self, dst: TransportAddr, src: IpAddr, packet: Vec<u8>) {
        self.replies.push_back(Reply {
            dst,
            src: Some(src),
            packet,
        });
    }

    /// Valid.Cookie.Life plus an honoured Cookie Preservative, in ms.
    fn cookie_life_ms(&self, preservative_ms: u32) -> u32 {
        let extra =
            Duration::from_millis(u64::from(preservative_ms)).min(self.cfg.max_cookie_preservative);
        let life = self.cfg.cookie_lifetime + extra;
        u32::try_from(life.as_millis()).unwrap_or(u32::MAX)
    }
}
