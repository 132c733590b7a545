//! COOKIE ECHO: verify the cookie, then create the association or apply the §5.2.4 table to
//! an existing one (RFC 9260 §5.1.5, §5.2.4).

use std::time::Instant;

use usctp_wire::cause::StaleCookie;
use usctp_wire::chunk::{Chunk, OperationError};
use usctp_wire::CommonHeader;

use super::peer_key::PeerKey;
use super::{check_age, cookie_mac, CookieContents, CookieError, Endpoint, Incoming};
use crate::association::{Association, CookieMatch};
use crate::auth::ReceivedPacket;
use crate::event::AssocId;
use crate::DatagramMeta;

impl Endpoint {
    pub(super) fn on_cookie_echo(
        &mut self,
        now: Instant,
        meta: &DatagramMeta,
        (header, packet): (&CommonHeader, &ReceivedPacket<'_>),
        chunks: &mut Vec<Chunk>,
    ) {
        let Some(Chunk::CookieEcho(echo)) = chunks.first() else {
            return;
        };
        let mac = cookie_mac(&echo.cookie);
        let Ok(contents) = self.signer.open(&echo.cookie) else {
            return self.unverifiable_cookie(header, mac);
        };
        // The cookie must be for this packet: our tag on it, its ports (§5.1.5 step 2).
        let ports_ok =
            (contents.local_port, contents.peer_port) == (header.dst_port, header.src_port);
        if !ports_ok || contents.local_tag != header.vtag {
            self.stats.bad_cookies += 1;
            return;
        }
        let existing = self
            .by_tag
            .get(&contents.local_tag)
            .or_else(|| self.by_peer.get(&PeerKey(meta.src.ip, header.src_port)))
            .copied();
        let id = match existing {
            // A cookie for an existing association creates nothing new, so its age does not
            // matter (as in Linux): a COOKIE ACK lost long ago is still answered.
            Some(id) => match self.cookie_for_existing(now, id, meta, &contents, mac) {
                Some(id) => id,
                None => return,
            },
            None => {
                if let Err(CookieError::Stale {
                    staleness_us,
                    peer_tag,
                }) = check_age(&contents, self.now_ms(now))
                {
                    return self.stale_cookie(meta, header, staleness_us, peer_tag);
                }
                // An address the cookie lists that another association already has with the
                // same peer port (its INIT came before that association existed): two
                // associations would share a transport address, and one could take over the
                // other's traffic (address camping, RFC 5062 §4.2). Refuse. (The packet's
                // source, usually the first listed, was looked up just above.)
                let taken = contents
                    .peer_addresses
                    .iter()
                    .filter(|a| a.ip != meta.src.ip)
                    .any(|a| self.by_peer.contains_key(&PeerKey(a.ip, header.src_port)));
                let incoming = || Incoming {
                    from: meta.src,
                    peer_port: header.src_port,
                    addresses: contents.peer_addresses.to_vec(),
                };
                if taken || !self.admits(incoming) {
                    self.stats.discarded += 1;
                    return;
                }
                if !self.first_use_of_cookie(&contents, self.now_ms(now)) {
                    // A replay of a cookie whose association is gone, or no room left to
                    // remember one more cookie.
                    self.stats.bad_cookies += 1;
                    return;
                }
                let id = self.new_id();
                let cfg = self.assoc_cfg.clone();
                let ctx = self.assoc_context(id, cfg);
                let mut a = Association::from_cookie(ctx, now, &contents, meta, &mut self.rng);
                a.set_cookie(mac, contents.expires_ms());
                self.insert(a);
                id
            }
        };
        // Chunks bundled after the COOKIE ECHO (DATA, typically) go to the association, which
        // now has the keys the cookie carried: an AUTH among them is checked with those
        // (RFC 4895 §6.3).
        chunks.remove(0);
        if !chunks.is_empty() {
            self.deliver(now, id, meta, (header, packet), chunks);
        }
    }

    /// Whether a cookie may create an association: false if it was used before, or if there
    /// is no room to remember it later (see `cookie_room`).
    fn first_use_of_cookie(&mut self, c: &CookieContents, now_ms: u64) -> bool {
        self.cookie_room(now_ms)
            && !matches!(self.used_cookies.get(&c.local_tag), Some(exp) if *exp >= now_ms)
    }

    /// Remember the cookie of an association that is going away until the cookie expires,
    /// if the budget allows: a live association's cookie is found through `by_tag`.
    pub(super) fn remember_cookie(&mut self, a: &Association) {
        let now_ms = self.now_ms;
        let Some(expiry) = a.cookie_expiry_ms().filter(|&e| e >= now_ms) else {
            return;
        };
        if self.cookie_room(now_ms) {
            self.used_cookies.insert(a.local_tag(), expiry);
        }
    }

    /// Whether live associations plus remembered cookies of gone ones stay below
    /// `max_associations`, after forgetting expired cookies if needed: replay protection
    /// (RFC 9260 §5.1.5) must not cost memory a peer can grow by creating and aborting
    /// associations (RFC 9260 §11.2.2), so that memory is charged to the association budget.
    fn cookie_room(&mut self, now_ms: u64) -> bool {
        let full = |ep: &Self| ep.used_cookies.len() + ep.assocs.len() >= ep.cfg.max_associations;
        if full(self) {
            self.used_cookies.retain(|_, exp| *exp >= now_ms);
        }
        !full(self)
    }

    /// The MAC does not verify (forged, modified, or signed with a secret rotated away). A
    /// retransmission of the cookie that made an association we still have is answered with
    /// COOKIE ACK (§5.2.4 action D); anything else is silently discarded (§5.1.5 step 2).
    fn unverifiable_cookie(&mut self, header: &CommonHeader, mac: Option<[u8; 32]>) {
        let id = self.by_tag.get(&header.vtag).copied().filter(|id| {
            mac.is_some() && self.assocs.get(*id).is_some_and(|a| a.cookie_mac() == mac)
        });
        match id {
            Some(id) => {
                if let Some(a) = self.assocs.get_mut(id) {
                    a.resend_cookie_ack();
                }
                self.touch(id);
            }
            None => self.stats.bad_cookies += 1,
        }
    }

    /// RFC 9260 §5.1.5 step 3: report the staleness so the peer can ask for more life; the
    /// ERROR carries the initiator's tag.
    fn stale_cookie(
        &mut self,
        meta: &DatagramMeta,
        header: &CommonHeader,
        us: u32,
        tag: usctp_wire::VerificationTag,
    ) {
        self.stats.bad_cookies += 1;
        let reply_header = CommonHeader {
            src_port: header.dst_port,
            dst_port: header.src_port,
            vtag: tag,
        };
        let cause = StaleCookie { staleness_us: us }.into();
        let err = Chunk::Error(OperationError {
            causes: vec![cause],
        });
        self.reply(meta.src, meta.dst, reply_header, &[err]);
    }

    /// RFC 9260 §5.2.4: a valid cookie for a peer we already have an association with.
    fn cookie_for_existing(
        &mut self,
        now: Instant,
        id: AssocId,
        meta: &DatagramMeta,
        c: &CookieContents,
        mac: Option<[u8; 32]>,
    ) -> Option<AssocId> {
        let a = self.assocs.get_mut(id)?;
        match a.match_cookie(c) {
            CookieMatch::Restart => {
                // Action A: the peer restarted. Replace the association, keep its id.
                let old_tag = a.local_tag();
                let cfg = self.assoc_cfg.clone();
                let ctx = self.assoc_context(id, cfg);
                let mut fresh = Association::from_cookie(ctx, now, c, meta, &mut self.rng);
                fresh.mark_restarted();
                fresh.set_cookie(mac, c.expires_ms());
                self.by_tag.remove(&old_tag);
                self.index(&fresh);
                let old = std::mem::replace(self.assocs.get_mut(id)?, *fresh);
                self.remember_cookie(&old);
                self.touch(id);
                Some(id)
            }
            CookieMatch::Collision | CookieMatch::Duplicate => {
                a.accept_cookie(now, c);
                self.by_tag.insert(c.local_tag, id);
                self.touch(id);
                Some(id)
            }
            CookieMatch::Discard => {
                self.stats.discarded += 1;
                None
            }
        }
    }
}
