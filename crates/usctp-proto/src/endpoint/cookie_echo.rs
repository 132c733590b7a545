//! COOKIE ECHO: verify the cookie, then create the association or apply the §5.2.4 table to
//! an existing one (RFC 9260 §5.1.5, §5.2.4).

use std::time::Instant;

use usctp_wire::cause::StaleCookie;
use usctp_wire::chunk::{Chunk, OperationError};
use usctp_wire::CommonHeader;

use super::{CookieContents, CookieError, Endpoint};
use crate::association::{Association, CookieMatch};
use crate::event::AssocId;
use crate::DatagramMeta;

impl Endpoint {
    pub(super) fn on_cookie_echo(
        &mut self,
        now: Instant,
        meta: &DatagramMeta,
        header: &CommonHeader,
        mut chunks: Vec<Chunk>,
    ) {
        let Some(Chunk::CookieEcho(echo)) = chunks.first() else {
            return;
        };
        let contents = match self.signer.verify(&echo.cookie, self.now_ms(now)) {
            Ok(c) => c,
            Err(CookieError::Stale {
                staleness_us,
                peer_tag,
            }) => {
                // RFC 9260 §5.1.5 step 3: report the staleness so the peer can ask for more.
                self.stats.bad_cookies += 1;
                let reply_header = CommonHeader {
                    src_port: header.dst_port,
                    dst_port: header.src_port,
                    vtag: peer_tag,
                };
                let cause = StaleCookie { staleness_us }.into();
                let err = Chunk::Error(OperationError {
                    causes: vec![cause],
                });
                return self.reply(meta.src, meta.dst, reply_header, &[err]);
            }
            Err(_) => {
                // Forged, modified or malformed: silently discarded (§5.1.5 step 2).
                self.stats.bad_cookies += 1;
                return;
            }
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
            .or_else(|| self.by_peer.get(&(meta.src.ip, header.src_port)))
            .copied();
        let id = match existing {
            Some(id) => match self.cookie_for_existing(now, id, meta, &contents) {
                Some(id) => id,
                None => return,
            },
            None => {
                if !self.accepting || self.assocs.len() >= self.cfg.max_associations {
                    self.stats.discarded += 1;
                    return;
                }
                if !self.first_use_of_cookie(&contents, self.now_ms(now)) {
                    // A replay of a cookie whose association is gone.
                    self.stats.bad_cookies += 1;
                    return;
                }
                let id = self.new_id();
                let cfg = self.cfg.association.clone();
                let local = self.local_addrs.clone();
                let a =
                    Association::from_cookie(id, now, cfg, &contents, meta, local, &mut self.rng);
                self.insert(a);
                id
            }
        };
        // Chunks bundled after the COOKIE ECHO (DATA, typically) go to the association.
        chunks.remove(0);
        if !chunks.is_empty() {
            self.deliver(now, id, meta, header, chunks);
        }
    }

    /// RFC 9260 §5.2.4: a valid cookie for a peer we already have an association with.
    fn cookie_for_existing(
        &mut self,
        now: Instant,
        id: AssocId,
        meta: &DatagramMeta,
        c: &CookieContents,
    ) -> Option<AssocId> {
        let a = self.assocs.get_mut(&id)?;
        match a.match_cookie(c) {
            CookieMatch::Restart => {
                // Action A: the peer restarted. Replace the association, keep its id.
                let old_tag = a.local_tag();
                let cfg = self.cfg.association.clone();
                let local = self.local_addrs.clone();
                let mut fresh =
                    Association::from_cookie(id, now, cfg, c, meta, local, &mut self.rng);
                fresh.mark_restarted();
                self.by_tag.remove(&old_tag);
                self.assocs.remove(&id);
                self.insert(fresh);
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
