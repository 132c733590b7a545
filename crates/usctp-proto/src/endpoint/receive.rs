//! Receiving: parse, find the association, or apply the stateless rules.

use std::net::IpAddr;
use std::time::Instant;

use bytes::Bytes;
use usctp_wire::chunk::Chunk;
use usctp_wire::{ChecksumCheck, CommonHeader, Packet, ParseOptions};

use super::peer_key::PeerKey;
use super::Endpoint;
use crate::addr::is_unicast;
use crate::auth::ReceivedPacket;
use crate::event::AssocId;
use crate::DatagramMeta;

impl Endpoint {
    /// Process one received datagram (the SCTP packet, without IP/UDP headers).
    ///
    /// A datagram sent to an address this endpoint is not bound to is dropped: a raw IP
    /// socket sees every SCTP packet for the host and a wildcard UDP socket every one for its
    /// port, so it is meant for another endpoint (or none), and answering it, even with the
    /// out-of-the-blue ABORT of RFC 9260 §8.4, would speak for an address that is not ours.
    pub fn handle(&mut self, now: Instant, meta: DatagramMeta, data: Bytes) {
        if !self.is_bound_to(meta.dst) {
            self.stats.discarded += 1;
            return;
        }
        self.maybe_rotate(now);
        let limit = self.assoc_cfg.max_chunks_per_packet;
        // One chunk list reused for every packet (at most `limit` + 1 long): no allocation
        // per packet on the data path.
        let mut chunks = std::mem::take(&mut self.chunk_buf);
        // Where the first AUTH chunk starts: its HMAC covers the bytes from there on
        // (RFC 4895 §6.3). Noted while parsing, which costs a compare per chunk.
        let mut auth_at = None;
        // RFC 9653 §5.3: a zero checksum passes parsing; `dispatch` then accepts it only for
        // an association that negotiated it. Any other value is verified.
        let zero = data.get(8..12) == Some(&[0; 4][..]);
        let opts = ParseOptions {
            checksum: if zero {
                ChecksumCheck::AllowZero
            } else {
                ChecksumCheck::Verify
            },
        };
        let parsed = Packet::chunks(&data, opts).and_then(|(header, mut iter)| {
            for _ in 0..limit.saturating_add(1) {
                let at = iter.offset();
                let Some(c) = iter.next() else { break };
                let c = c?;
                if auth_at.is_none() && matches!(c, Chunk::Auth(_)) {
                    auth_at = Some(at);
                }
                chunks.push(c);
            }
            Ok(header)
        });
        let packet = ReceivedPacket {
            bytes: &data,
            auth_at,
        };
        let parsed = parsed.map(|h| (h, zero));
        self.dispatch(now, &meta, (parsed, &packet), &mut chunks);
        chunks.clear();
        self.chunk_buf = chunks;
    }

    /// The packet-level rules, then the chunks to their handler (`chunks` may be left full:
    /// the caller clears it).
    fn dispatch(
        &mut self,
        now: Instant,
        meta: &DatagramMeta,
        (parsed, packet): (
            Result<(CommonHeader, bool), usctp_wire::ParseError>,
            &ReceivedPacket<'_>,
        ),
        chunks: &mut Vec<Chunk>,
    ) {
        let Ok((header, zero)) = parsed else {
            // RFC 9260 §6.8: a packet with a bad checksum is silently discarded.
            self.stats.malformed += 1;
            return;
        };
        if header.dst_port != self.port || header.src_port == 0 || !is_unicast(meta.src.ip) {
            self.stats.discarded += 1;
            return;
        }
        let is_setup = |c: &Chunk| matches!(c, Chunk::Init(_) | Chunk::CookieEcho(_));
        if zero && (chunks.is_empty() || chunks.iter().any(is_setup)) {
            // RFC 9653 §5.3: INIT and COOKIE ECHO always carry a CRC32c.
            self.stats.malformed += 1;
            return;
        }
        match chunks.first() {
            None => {}
            // An INIT anywhere in the packet: it must be alone (RFC 9260 §6.10), else the
            // whole packet is discarded there, never answered as out of the blue.
            Some(_) if chunks.iter().any(|c| matches!(c, Chunk::Init(_))) => {
                self.on_init(now, meta, &header, chunks)
            }
            Some(Chunk::CookieEcho(_)) => self.on_cookie_echo(now, meta, (&header, packet), chunks),
            Some(_) => match self.lookup(meta, &header, chunks) {
                // RFC 9653 §5.3: checksum 0 only for an association that negotiated it;
                // elsewhere it is a bad checksum, silently discarded (RFC 9260 §6.8).
                Some(id) if zero && !self.accepts_zero_checksum(id) => self.stats.malformed += 1,
                None if zero => self.stats.malformed += 1,
                Some(id) => self.deliver(now, id, meta, (&header, packet), chunks),
                None if self.answer_nat_probe(meta, &header, chunks) => {}
                None => self.out_of_the_blue(meta, &header, chunks),
            },
        }
    }

    /// Whether packets to `dst` are ours: any address when bound to none (or to the
    /// wildcard), else only the bound ones. An unspecified `dst` (the transport could not
    /// tell) is let through.
    ///
    /// An address being deleted is still ours until every association's peer acknowledged
    /// the deletion: its packets may still be on the way (RFC 5061 §5.1).
    fn is_bound_to(&self, dst: IpAddr) -> bool {
        let dst = dst.to_canonical();
        dst.is_unspecified()
            || self.local_addrs.is_empty()
            || self
                .local_addrs
                .iter()
                .chain(&self.leaving)
                .any(|a| a.is_unspecified() || a.to_canonical() == dst)
    }

    /// The association a non-INIT, non-COOKIE-ECHO packet belongs to: identified by our tag
    /// with a matching peer address, else by the peer's address and port. A packet for a known
    /// association with a wrong tag is not out of the blue: the association drops it silently
    /// (RFC 9260 §8.5), so a wrong tag never provokes an ABORT toward the real peer.
    ///
    /// From an address the association does not know, a packet with an ASCONF is routed by
    /// its tag alone: the ASCONF may add that address (RFC 5061 §4.2.4: a wildcard ADD-IP
    /// through a NAT), and the association accepts only an authenticated one from there.
    fn lookup(
        &self,
        meta: &DatagramMeta,
        header: &CommonHeader,
        chunks: &[Chunk],
    ) -> Option<AssocId> {
        let tagged = self.by_tag.get(&header.vtag).copied().filter(|id| {
            self.assocs
                .get(*id)
                .is_some_and(|a| a.ports() == (header.dst_port, header.src_port))
        });
        let known = |id: &AssocId| {
            self.assocs
                .get(*id)
                .is_some_and(|a| a.paths().find_ip(meta.src.ip).is_some())
        };
        tagged
            .filter(known)
            .or_else(|| {
                self.by_peer
                    .get(&PeerKey(meta.src.ip, header.src_port))
                    .copied()
            })
            .or_else(|| tagged.filter(|_| chunks.iter().any(|c| matches!(c, Chunk::Asconf(_)))))
    }

    /// A HEARTBEAT alone, from an address no association knows, with the tag of one where
    /// ASCONF is in force: a NAT-friendly peer opening a NAT's flow from a new address before
    /// its ASCONF announces it (a NAT that tracks SCTP lets a first HEARTBEAT through, not a
    /// first AUTH). Answered with a HEARTBEAT ACK to its source, as RFC 9260 §8.3 answers any
    /// HEARTBEAT (same size, rate-limited: no amplification); nothing is added.
    fn answer_nat_probe(
        &mut self,
        meta: &DatagramMeta,
        header: &CommonHeader,
        chunks: &[Chunk],
    ) -> bool {
        let [Chunk::Heartbeat(h)] = chunks else {
            return false;
        };
        let Some(a) = self
            .by_tag
            .get(&header.vtag)
            .and_then(|id| self.assocs.get(*id))
        else {
            return false;
        };
        let asconf = a.extensions().contains(crate::Extensions::ASCONF);
        if !asconf || a.ports() != (header.dst_port, header.src_port) || a.is_closed() {
            return false;
        }
        let reply_header = CommonHeader {
            src_port: header.dst_port,
            dst_port: header.src_port,
            vtag: a.peer_tag(),
        };
        let ack = Chunk::HeartbeatAck(usctp_wire::chunk::HeartbeatAck {
            info: h.info.clone(),
        });
        self.reply(meta.src, meta.dst, reply_header, &[ack]);
        true
    }

    /// Whether association `id` negotiated zero checksums (RFC 9653).
    fn accepts_zero_checksum(&self, id: AssocId) -> bool {
        self.assocs
            .get(id)
            .is_some_and(|a| a.extensions().contains(crate::Extensions::ZERO_CHECKSUM))
    }

    /// Hand a packet to its association.
    pub(super) fn deliver(
        &mut self,
        now: Instant,
        id: AssocId,
        meta: &DatagramMeta,
        packet: (&CommonHeader, &ReceivedPacket<'_>),
        chunks: &mut Vec<Chunk>,
    ) {
        if let Some(a) = self.assocs.get_mut(id) {
            a.handle_packet(now, meta, packet, chunks);
        }
        self.touch(id);
    }
}
