//! Association setup (RFC 9260 §5.1): INIT, INIT ACK, COOKIE ECHO, COOKIE ACK on the
//! association's side, and creation from a verified cookie.

use std::net::IpAddr;
use std::time::Instant;

use rand::RngCore;
use usctp_wire::cause::{
    ErrorCause, InvalidMandatoryParameter, MissingMandatoryParameter, ProtocolViolation,
    UnrecognizedParameters,
};
use usctp_wire::chunk::{Abort, CookieAck, CookieEcho, Init, InitAck, OperationError};
use usctp_wire::param::{self, Parameter};
use usctp_wire::{Tsn, VerificationTag};

use super::{AssocContext, Association, State};
use crate::addr::is_unicast;
use crate::auth::{AuthParams, PeerAuth};
use crate::event::{CloseReason, Event};
use crate::path::PathId;
use crate::setup::CookieContents;
use crate::timer::TimerKind;
use crate::{AddrList, DatagramMeta, Extensions, TransportAddr};

/// The peer's transport addresses from an INIT / INIT ACK: the packet's source first, then
/// each listed address (same encapsulation as the source), bounded by `max`.
pub(crate) fn peer_addresses(params: &[Parameter], src: TransportAddr, max: usize) -> AddrList {
    let mut out = AddrList::One(src);
    let listed = params
        .iter()
        .filter_map(Parameter::address)
        .filter(|ip| is_unicast(*ip));
    for ip in listed {
        let a = TransportAddr {
            ip,
            udp_port: src.udp_port,
        };
        if out.len() < max && !out.contains(&a) {
            out.push(a);
        }
    }
    out
}

/// Our address parameters: listed only when we have more than one address (RFC 9260
/// §5.1.2: with one address the source address suffices).
pub(crate) fn address_params(local: &[IpAddr]) -> impl Iterator<Item = Parameter> + '_ {
    let listed = if local.len() < 2 { &[][..] } else { local };
    listed.iter().map(|ip| Parameter::from(*ip))
}

impl Association {
    /// Start an association as the initiator: INIT to the first address (RFC 9260 §5.1 A).
    pub(crate) fn connect(
        ctx: AssocContext,
        now: Instant,
        ports: (u16, u16),
        local_tag: VerificationTag,
        remotes: &[TransportAddr],
        advertised: &[IpAddr],
        rng: &mut impl RngCore,
    ) -> Option<Box<Self>> {
        let first = *remotes.first()?;
        let itsn = Tsn(rng.next_u32());
        let local = crate::path::select_local(&ctx.local_addrs, first.ip, 0);
        let tags = (local_tag, VerificationTag(0));
        let mut a = Self::new(ctx, now, ports, tags, itsn, (first, local), rng);
        for r in &remotes[1..] {
            a.add_peer_path(now, *r);
        }
        // NAT-friendly: no addresses; the others are added by ASCONF once established.
        let advertised = if a.cfg.nat_friendly { &[] } else { advertised };
        let mut params: Vec<_> = address_params(advertised).collect();
        let offered = a.cfg.offered_extensions();
        params.extend(offered.offer());
        params.extend(a.cfg.adaptation_param());
        params.extend(a.cfg.zero_checksum_param());
        if offered.contains(Extensions::AUTH) {
            // RFC 4895 §6.1: our RANDOM, CHUNKS and HMAC-ALGO; kept for the key vector.
            let auth = AuthParams::ours(&a.cfg, rng);
            params.extend(auth.to_params());
            a.handshake_mut().auth = Some(Box::new(auth));
        }
        let init = Init {
            initiate_tag: local_tag,
            a_rwnd: a.cfg.receive_window,
            outbound_streams: a.cfg.outbound_streams,
            inbound_streams: a.cfg.max_inbound_streams,
            initial_tsn: itsn,
            params,
        };
        // Queued, not copied: once sent it comes back to `handshake.init` (`keep_sent_init`).
        a.queue(Some(PathId(0)), init);
        a.set_state(State::CookieWait, "connect");
        a.timers.set(TimerKind::T1Init, now + a.cfg.rto_initial);
        Some(a)
    }

    /// Create an association from a verified cookie: it is established at once and answers
    /// with COOKIE ACK (RFC 9260 §5.1 D).
    pub(crate) fn from_cookie(
        ctx: AssocContext,
        now: Instant,
        c: &CookieContents,
        meta: &DatagramMeta,
        rng: &mut impl RngCore,
    ) -> Box<Self> {
        let ports = (c.local_port, c.peer_port);
        let tags = (c.local_tag, c.peer_tag);
        let first = (meta.src, Some(meta.dst));
        let mut a = Self::new(ctx, now, ports, tags, c.local_initial_tsn, first, rng);
        a.set_extensions(c.features);
        a.auth_from_cookie(c.auth.as_deref());
        a.adopt_peer(
            now,
            c.peer_initial_tsn,
            c.peer_rwnd,
            c.outbound_streams,
            c.inbound_streams,
        );
        for r in c.peer_addresses.iter().filter(|r| **r != meta.src) {
            a.add_peer_path(now, *r);
        }
        a.queue(Some(PathId(0)), CookieAck);
        a.set_state(State::Established, "valid COOKIE ECHO");
        a.events.push_back(Event::Connected);
        if let Some(x) = c.adaptation {
            a.events.push_back(Event::AdaptationIndication(x));
        }
        a.start_heartbeats(now);
        a
    }

    /// Add an (unconfirmed) path to a peer address, sending from the best local address.
    /// None of the remote's family: no path, because its packets would leave from a source
    /// we never listed, which the peer takes as out of the blue (RFC 9260 §8.4; Linux answers
    /// with an ABORT that kills the association). Without local addresses the OS picks.
    fn add_peer_path(&mut self, now: Instant, remote: TransportAddr) {
        let local = crate::path::select_local(&self.local_addrs, remote.ip, self.paths.len());
        if local.is_none() && !self.local_addrs.is_empty() {
            return;
        }
        let how = (local, crate::path::PathOrigin::Handshake);
        if let Some(p) = self
            .paths
            .add(remote, how, now, &self.cfg, &mut self.events)
        {
            self.tx.add_path(p, self.cfg.start_mtu());
        }
    }

    /// Our INIT is held once: in the control queue until sent, then in `handshake.init` for
    /// T1-init and a Stale Cookie restart (RFC 9260 §5.1, §5.2.6), so setting up costs no copy
    /// of it. Called with each control chunk that leaves the queue.
    #[inline]
    pub(super) fn keep_sent_init(&mut self, chunk: usctp_wire::chunk::Chunk) {
        if let usctp_wire::chunk::Chunk::Init(init) = chunk {
            self.handshake_mut().init = Some(init);
        }
    }

    /// The INIT still in the control queue (not sent yet), taken out of it.
    pub(super) fn take_queued_init(&mut self) -> Option<Init> {
        let at = self
            .pending
            .iter()
            .position(|p| matches!(p.chunk, usctp_wire::chunk::Chunk::Init(_)))?;
        match self.pending.remove(at)?.chunk {
            usctp_wire::chunk::Chunk::Init(init) => Some(init),
            _ => None,
        }
    }

    /// Take the peer's initial TSN, window and the negotiated stream counts.
    pub(super) fn adopt_peer(
        &mut self,
        _now: Instant,
        peer_itsn: Tsn,
        rwnd: u32,
        outbound: u16,
        inbound: u16,
    ) {
        // The receiver itself waits for the first DATA: most associations set up by a busy
        // server idle first, and many never carry data toward it.
        self.rx = None;
        self.rx_start = Some((peer_itsn, inbound));
        self.start_asconf(peer_itsn.0);
        self.reconfig_peer_changed();
        self.tx.set_peer_rwnd(rwnd);
        let dropped = self.tx.set_outbound_streams(outbound);
        if dropped > 0 {
            self.events.push_back(Event::SendFailure {
                messages: dropped,
                bytes: 0,
            });
        }
    }

    /// INIT ACK in COOKIE-WAIT (RFC 9260 §5.1 C); discarded in any other state (§5.2.3).
    pub(super) fn on_init_ack(&mut self, now: Instant, meta: &DatagramMeta, ack: InitAck) {
        if self.state != State::CookieWait {
            return;
        }
        let Some(cookie) = ack.state_cookie() else {
            let missing = MissingMandatoryParameter {
                missing: vec![param::types::STATE_COOKIE],
            };
            return self.refuse_init_ack(&ack, missing.into());
        };
        // RFC 9260 §3.3.3: zero tag or stream counts are invalid.
        if ack.initiate_tag.0 == 0 || ack.outbound_streams == 0 || ack.inbound_streams == 0 {
            return self.refuse_init_ack(&ack, InvalidMandatoryParameter.into());
        }
        let host_name = ack
            .params
            .iter()
            .find(|p| matches!(p, Parameter::HostNameAddress(_)));
        if let Some(name) = host_name {
            // RFC 9260 §5.1.2: host names are not resolved; §3.3.10.5: the cause carries it.
            let cause = usctp_wire::cause::UnresolvableAddress::of(name);
            return self.refuse_init_ack(&ack, cause.into());
        }
        let scan = crate::setup::scan_init_params(
            &ack.params,
            self.cfg.offered_extensions(),
            self.cfg.zero_checksum,
        );
        if let PeerAuth::Invalid(why) = scan.auth {
            // RFC 4895 §6.1: a RANDOM not of 32 bytes (or an HMAC-ALGO without SHA-1)
            // aborts the association, with a Protocol Violation.
            let info = bytes::Bytes::from_static(why.as_bytes());
            return self.refuse_init_ack(&ack, ProtocolViolation { info }.into());
        }
        self.timers.stop(TimerKind::T1Init);
        // The path answered: forget the INIT back-off so COOKIE ECHO starts at RTO.Initial
        // (no RTT sample: the INIT may have been retransmitted, RFC 9260 §6.3.1 C5).
        if let Some(p) = self.paths.get_mut(PathId(0)) {
            p.reset_rto(&self.cfg);
        }
        self.peer_tag = ack.initiate_tag;
        let outbound = self.cfg.outbound_streams.min(ack.inbound_streams);
        let inbound = self.cfg.max_inbound_streams.min(ack.outbound_streams);
        self.adopt_peer(now, ack.initial_tsn, ack.a_rwnd, outbound, inbound);
        let max = self.cfg.peer_address_limit();
        for &r in peer_addresses(&ack.params, meta.src, max).iter() {
            self.add_peer_path(now, r);
        }
        // The INIT is kept: a Stale Cookie error sends it again (RFC 9260 §5.2.6). COOKIE
        // ECHO goes first; DATA may follow in the same packet (RFC 9260 §5.1 C).
        if let Some(init) = self.take_queued_init() {
            self.handshake_mut().init = Some(init);
        }
        let hs = self.handshake_mut();
        hs.cookie = Some(cookie.clone());
        hs.retransmits = 0;
        // The COOKIE ECHO goes back the way the INIT ACK came (the INIT may have been
        // retransmitted to another of the peer's addresses).
        let back = self.paths.find(meta.src).unwrap_or(PathId(0));
        self.queue(Some(back), CookieEcho { cookie });
        if let Some(a) = scan.adaptation {
            self.events.push_back(Event::AdaptationIndication(a));
        }
        // RFC 5061 §4.2.7: in force is what we offered and the INIT ACK offers too.
        self.set_extensions(scan.extensions);
        self.auth = None;
        if let (Some(local), PeerAuth::Offered(peer)) = (
            self.handshake.as_ref().and_then(|h| h.auth.clone()),
            scan.auth,
        ) {
            // RFC 4895 §6.1: both sent valid parameters: AUTH is in force.
            self.start_auth(*local, peer);
        } else {
            self.set_extensions(scan.extensions.without(Extensions::AUTH));
        }
        // RFC 9260 §3.2.1: INIT ACK parameters we do not support that ask for a report go in
        // an ERROR bundled with the COOKIE ECHO.
        if !scan.reports.is_empty() {
            let mut raw = Vec::new();
            for r in &scan.reports {
                if let Parameter::UnrecognizedParameter(u) = r {
                    raw.extend_from_slice(&u.raw);
                }
            }
            let cause = UnrecognizedParameters {
                parameters: raw.into(),
            };
            self.queue(
                Some(back),
                OperationError {
                    causes: vec![cause.into()],
                },
            );
        }
        self.set_state(State::CookieEchoed, "INIT ACK");
        let rto = self
            .paths
            .get(PathId(0))
            .map_or(self.cfg.rto_initial, |p| p.rto.rto());
        self.timers.set(TimerKind::T1Cookie, now + rto);
    }

    /// Refuse an INIT ACK (RFC 9260 §5.1 C, §3.3.3): ABORT and close. The ABORT carries the
    /// INIT ACK's tag, or ours with the T bit when that tag is zero (§8.5.1: the peer checks
    /// a T-bit ABORT against the tag it was given, ours).
    fn refuse_init_ack(&mut self, ack: &InitAck, cause: ErrorCause) {
        let reason = CloseReason::ProtocolError(cause.clone());
        if ack.initiate_tag.0 == 0 {
            self.pending.clear();
            self.queue(
                Some(PathId(0)),
                Abort {
                    t_bit: true,
                    causes: vec![cause],
                },
            );
            return self.close(Some(reason));
        }
        self.peer_tag = ack.initiate_tag;
        self.abort_with(Some(cause), reason);
    }

    /// COOKIE ACK in COOKIE-ECHOED (RFC 9260 §5.1 E); discarded otherwise (§5.2.5).
    pub(super) fn on_cookie_ack(&mut self, now: Instant) {
        if self.state != State::CookieEchoed {
            return;
        }
        self.timers.stop(TimerKind::T1Cookie);
        self.handshake = None;
        self.set_state(State::Established, "COOKIE ACK");
        self.events.push_back(Event::Connected);
        self.announce_local_addresses();
        self.start_heartbeats(now);
        self.on_established(now);
    }

    /// A shutdown asked for during the handshake starts now.
    pub(super) fn on_established(&mut self, now: Instant) {
        if std::mem::take(&mut self.shutdown_requested) {
            self.shutdown(now);
        }
    }

    /// Arm heartbeats: at once for unconfirmed paths (RFC 9260 §5.4), otherwise at the idle
    /// interval.
    pub(super) fn start_heartbeats(&mut self, now: Instant) {
        // By id (a path's id is its index): a list of the paths would be an allocation per
        // association set up.
        let count = u16::try_from(self.paths.len()).unwrap_or(u16::MAX);
        for id in (0..count).map(PathId) {
            let Some(confirmed) = self.paths.get(id).map(|p| p.is_confirmed()) else {
                continue;
            };
            let at = if confirmed {
                self.next_heartbeat(id, now)
            } else {
                Some(now)
            };
            if let Some(at) = at {
                self.timers.set(TimerKind::Heartbeat(id), at);
            }
        }
        self.start_plpmtud(now);
    }

    /// When the next idle heartbeat for `path` is due (RFC 9260 §8.3); `None` when heartbeats
    /// are off.
    pub(super) fn next_heartbeat(&mut self, path: PathId, now: Instant) -> Option<Instant> {
        let interval = self.cfg.hb_interval?;
        let mut rng = self.rng();
        self.paths.next_heartbeat(path, now, interval, &mut rng)
    }
}
