//! Receiving: parse, find the association, or apply the stateless rules.

use std::net::IpAddr;
use std::time::Instant;

use bytes::Bytes;
use usctp_wire::chunk::Chunk;
use usctp_wire::{CommonHeader, Packet, ParseOptions};

use super::peer_key::PeerKey;
use super::Endpoint;
use crate::auth::ReceivedPacket;
use crate::event::AssocId;
use crate::DatagramMeta;

/// Unicast source addresses only (RFC 9260 §8.4 rule 1).
pub(super) fn is_unicast(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => !(v4.is_unspecified() || v4.is_multicast() || v4.is_broadcast()),
        IpAddr::V6(v6) => !(v6.is_unspecified() || v6.is_multicast()),
    }
}

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
        let parsed =
            Packet::chunks(&data, ParseOptions::default()).and_then(|(header, mut iter)| {
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
            Result<CommonHeader, usctp_wire::ParseError>,
            &ReceivedPacket<'_>,
        ),
        chunks: &mut Vec<Chunk>,
    ) {
        let Ok(header) = parsed else {
            // RFC 9260 §6.8: a packet with a bad checksum is silently discarded.
            self.stats.malformed += 1;
            return;
        };
        if header.dst_port != self.port || header.src_port == 0 || !is_unicast(meta.src.ip) {
            self.stats.discarded += 1;
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
                Some(id) => self.deliver(now, id, meta, (&header, packet), chunks),
                None => self.out_of_the_blue(meta, &header, chunks),
            },
        }
    }

    /// Whether packets to `dst` are ours: any address when bound to none (or to the
    /// wildcard), else only the bound ones. An unspecified `dst` (the transport could not
    /// tell) is let through.
    fn is_bound_to(&self, dst: IpAddr) -> bool {
        let dst = dst.to_canonical();
        dst.is_unspecified()
            || self.local_addrs.is_empty()
            || self
                .local_addrs
                .iter()
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
