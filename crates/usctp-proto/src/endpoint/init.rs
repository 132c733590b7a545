//! INIT: answered statelessly with an INIT ACK that carries a signed cookie (RFC 9260 §5.1.3),
//! including the collision and restart cases of §5.2.1 and §5.2.2.

use std::time::Instant;

use usctp_wire::cause::{
    ErrorCause, InvalidMandatoryParameter, OutOfResource, ProtocolViolation,
    RestartWithNewAddresses, UnresolvableAddress,
};
use usctp_wire::chunk::{Abort, Chunk, Init, InitAck};
use usctp_wire::param::Parameter;
use usctp_wire::{CommonHeader, Tsn, VerificationTag};

use super::init_ack::init_ack_packet;
use super::peer_key::PeerKey;
use super::{CookieContents, Endpoint, Incoming};
use crate::association::{address_params, peer_addresses, State};
use crate::auth::{AuthParams, PeerAuth};
use crate::setup::{scan_init_params, CookieAuth, InitScan};
use crate::DatagramMeta;
use crate::Extensions;

/// What to put in an INIT ACK for an INIT that matches an existing association.
struct Existing {
    state: State,
    initial_tsn: Tsn,
    local_tag: VerificationTag,
    peer_tag: VerificationTag,
    /// The AUTH parameters of our own INIT, if we sent one with them.
    auth: Option<AuthParams>,
}

impl Endpoint {
    pub(super) fn on_init(
        &mut self,
        now: Instant,
        meta: &DatagramMeta,
        header: &CommonHeader,
        chunks: &[Chunk],
    ) {
        // RFC 9260 §6.10: INIT is alone in its packet; §8.5.1 A: its tag is zero.
        let [Chunk::Init(init)] = chunks else {
            self.stats.discarded += 1;
            return;
        };
        if header.vtag.0 != 0 || init.initiate_tag.0 == 0 {
            // RFC 9260 §3.3.2: a zero Initiate Tag is silently discarded.
            self.stats.discarded += 1;
            return;
        }
        let reply_header = CommonHeader {
            src_port: header.dst_port,
            dst_port: header.src_port,
            vtag: init.initiate_tag,
        };
        let abort = |this: &mut Self, cause: ErrorCause| {
            let a = Chunk::Abort(Abort {
                t_bit: false,
                causes: vec![cause],
            });
            this.reply(meta.src, meta.dst, reply_header, &[a]);
        };
        if init.outbound_streams == 0 || init.inbound_streams == 0 {
            return abort(self, InvalidMandatoryParameter.into());
        }
        let host_name = init
            .params
            .iter()
            .find(|p| matches!(p, Parameter::HostNameAddress(_)));
        if let Some(name) = host_name {
            // RFC 9260 §5.1.2: host names are not resolved; §3.3.10.5: the cause carries it.
            return abort(self, UnresolvableAddress::of(name).into());
        }
        let max = self.assoc_cfg.peer_address_limit();
        let addrs = peer_addresses(&init.params, meta.src, max);
        let existing = addrs
            .iter()
            .find_map(|a| self.by_peer.get(&PeerKey(a.ip, header.src_port)))
            .and_then(|&id| self.assocs.get(id))
            .map(|a| {
                let known: Vec<_> = a.paths().iter().map(|p| p.remote.ip).collect();
                (
                    a.state(),
                    a.local_tag(),
                    a.peer_tag(),
                    a.local_initial_tsn(),
                    known,
                    a.init_auth().cloned(),
                )
            });
        let existing = match existing {
            Some((State::ShutdownAckSent, ..)) => {
                // RFC 9260 §9.2: discard the INIT and retransmit the SHUTDOWN ACK.
                self.stats.discarded += 1;
                let id = addrs
                    .iter()
                    .find_map(|a| self.by_peer.get(&PeerKey(a.ip, header.src_port)).copied());
                if let Some(id) = id {
                    self.with_association(id, |a| a.resend_shutdown_ack());
                }
                return;
            }
            Some((state, local_tag, peer_tag, initial_tsn, known, auth)) => {
                let established = !matches!(state, State::CookieWait | State::CookieEchoed);
                let new: Vec<_> = addrs.iter().filter(|a| !known.contains(&a.ip)).collect();
                if established && !new.is_empty() {
                    // RFC 9260 §5.2.2: a restart may not add addresses.
                    let addresses = new.iter().map(|a| Parameter::from(a.ip)).collect();
                    return abort(self, RestartWithNewAddresses { addresses }.into());
                }
                Some(Existing {
                    state,
                    initial_tsn,
                    local_tag,
                    peer_tag,
                    auth,
                })
            }
            None if !self.admits(|| Incoming {
                from: meta.src,
                peer_port: header.src_port,
                addresses: addrs.to_vec(),
            }) =>
            {
                return abort(self, OutOfResource.into());
            }
            None => None,
        };
        let scan = scan_init_params(
            &init.params,
            self.assoc_cfg.offered_extensions(),
            self.assoc_cfg.zero_checksum,
        );
        if let PeerAuth::Invalid(why) = scan.auth {
            // RFC 4895 §6.1: a RANDOM not of 32 bytes (or an HMAC-ALGO without SHA-1)
            // aborts the association, with a Protocol Violation.
            let info = bytes::Bytes::from_static(why.as_bytes());
            return abort(self, ProtocolViolation { info }.into());
        }
        self.stats.init_acks += 1;
        // Checked before the cookie is signed: a refused reply costs no MAC.
        if !self.may_reply(meta.src.ip) {
            return;
        }
        let packet = self.init_ack_packet(now, init, scan, reply_header, addrs, existing);
        self.queue_reply(meta.src, meta.dst, packet);
    }

    /// The INIT ACK packet for `init` (sent with `header`), its cookie made from the INIT.
    fn init_ack_packet(
        &mut self,
        now: Instant,
        init: &Init,
        scan: InitScan,
        header: CommonHeader,
        addrs: crate::AddrList,
        existing: Option<Existing>,
    ) -> Vec<u8> {
        let cfg = &self.assoc_cfg;
        let (our_os, our_mis, rwnd, ours) = (
            cfg.outbound_streams,
            cfg.max_inbound_streams,
            cfg.receive_window,
            cfg.offered_extensions(),
        );
        // RFC 9260 §5.2.1: in COOKIE-WAIT / COOKIE-ECHOED answer with our existing tag and no
        // tie-tags; §5.2.2: otherwise a new tag, with the current tags as tie-tags.
        let no_tie = (VerificationTag(0), VerificationTag(0));
        let fresh_tsn = Tsn(rand::RngCore::next_u32(&mut self.rng));
        // RFC 4895 §6.1: in an INIT collision our RANDOM is handled like our tag: the INIT
        // ACK repeats the one our INIT carried.
        let local_auth = match existing.as_ref().and_then(|e| e.auth.clone()) {
            Some(a)
                if existing.as_ref().is_some_and(|e| {
                    matches!(e.state, State::CookieWait | State::CookieEchoed)
                }) =>
            {
                Some(a)
            }
            _ if ours.contains(Extensions::AUTH) => Some(AuthParams::ours(cfg, &mut self.rng)),
            _ => None,
        };
        let (local_tag, tie, itsn) = match &existing {
            // §5.2.1: the same parameters as our own INIT, tag and initial TSN included.
            Some(e) if matches!(e.state, State::CookieWait | State::CookieEchoed) => {
                (e.local_tag, no_tie, e.initial_tsn)
            }
            Some(e) => (self.unused_tag(), (e.local_tag, e.peer_tag), fresh_tsn),
            None => (self.unused_tag(), no_tie, fresh_tsn),
        };
        let contents = CookieContents {
            created_ms: self.now_ms(now),
            lifetime_ms: self.cookie_life_ms(scan.preservative),
            local_tag,
            peer_tag: init.initiate_tag,
            local_initial_tsn: itsn,
            peer_initial_tsn: init.initial_tsn,
            peer_rwnd: init.a_rwnd,
            outbound_streams: our_os.min(init.inbound_streams),
            inbound_streams: our_mis.min(init.outbound_streams),
            local_port: header.src_port,
            peer_port: header.dst_port,
            local_tie_tag: tie.0,
            peer_tie_tag: tie.1,
            // RFC 5061 §4.2.7: what both offered, known again at COOKIE ECHO.
            features: scan.extensions,
            peer_addresses: addrs,
            auth: match (&local_auth, scan.auth) {
                (Some(local), PeerAuth::Offered(peer)) => Some(Box::new(CookieAuth {
                    local: local.clone(),
                    peer,
                })),
                _ => None,
            },
            adaptation: scan.adaptation,
        };
        let advertised = self.cfg.advertised_addresses.as_deref();
        let mut params = std::mem::take(&mut self.init_ack_params);
        params.extend(address_params(advertised.unwrap_or(&self.local_addrs)));
        params.extend(ours.offer());
        params.extend(self.assoc_cfg.zero_checksum_param());
        params.extend(local_auth.iter().flat_map(AuthParams::to_params));
        params.extend(self.assoc_cfg.adaptation_param());
        let ack = InitAck {
            initiate_tag: local_tag,
            a_rwnd: rwnd,
            // RFC 9260 §5.1.1: we will use at most the peer's MIS; saying so up front lets
            // the peer see the real count (RFC 4460 §2.5).
            outbound_streams: our_os.min(init.inbound_streams),
            inbound_streams: our_mis,
            initial_tsn: itsn,
            params,
        };
        let out = std::mem::take(&mut self.spare_reply);
        let packet = init_ack_packet(out, header, &ack, (&self.signer, &contents), &scan.reports);
        let mut params = ack.params;
        params.clear();
        self.init_ack_params = params;
        packet
    }
}
