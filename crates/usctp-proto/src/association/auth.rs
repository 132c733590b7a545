//! AUTH on the association's side (RFC 4895): the session made at setup, the check of each
//! received chunk, and the key management API.

use usctp_wire::cause::UnsupportedHmacIdentifier;
use usctp_wire::chunk::{Auth, Chunk, OperationError};

use super::Association;
use crate::auth::{AuthParams, AuthSession, AuthVerdict, ReceivedPacket};
use crate::path::PathId;
use crate::setup::CookieAuth;
use crate::{AuthKeyError, AuthStats, Extensions, SharedKeys};

/// Where a packet's receive loop stands with authentication (RFC 4895 §6.3): `Verified`
/// for every chunk after an AUTH that verified. A handler that must know whether its chunk
/// was authenticated (ASCONF, RFC 5061 §4.1.1) is given `auth == PacketAuth::Verified` by
/// the dispatch in `handle_packet`; a chunk type listed in our CHUNKS never reaches its
/// handler otherwise (`auth_gate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum PacketAuth {
    /// No AUTH chunk yet: chunks we require authenticated are discarded.
    #[default]
    None,
    /// An AUTH verified: every chunk after it is authenticated.
    Verified,
}

/// What the receive loop does with one chunk.
pub(super) enum Gate {
    /// Process it.
    Pass,
    /// Discard it and go on with the next.
    Skip,
    /// Discard it and the rest of the packet.
    Stop,
}

impl Association {
    /// AUTH comes into force with these parameters (ours, the peer's): at INIT ACK, or from
    /// a cookie. The keys are the endpoint's defaults, or those this association had.
    pub(super) fn start_auth(&mut self, local: AuthParams, peer: AuthParams) {
        let keys = match &self.auth {
            Some(a) => a.keys().clone(),
            None => self.cfg.auth_keys.clone(),
        };
        self.auth = Some(Box::new(AuthSession::new(local, peer, keys)));
    }

    /// Take AUTH from a cookie's contents (none: AUTH is not in force).
    pub(super) fn auth_from_cookie(&mut self, auth: Option<&CookieAuth>) {
        match auth {
            Some(a) => self.start_auth(a.local.clone(), a.peer.clone()),
            None => self.auth = None,
        }
    }

    /// The AUTH parameters our INIT carried (repeated in the INIT ACK of an INIT collision,
    /// RFC 4895 §6.1).
    pub(crate) fn init_auth(&self) -> Option<&AuthParams> {
        self.handshake.as_ref()?.auth.as_deref()
    }

    /// RFC 4895 §6.3: may `chunk` of `packet` be processed, given what came before it?
    /// Only when AUTH is in force is there anything to check.
    pub(super) fn auth_gate(
        &mut self,
        chunk: &Chunk,
        packet: &ReceivedPacket<'_>,
        state: &mut PacketAuth,
    ) -> Gate {
        let Some(session) = self.auth.as_deref_mut() else {
            return Gate::Pass;
        };
        match chunk {
            Chunk::Auth(a) if *state == PacketAuth::None => self.on_auth(a, packet, state),
            // A second AUTH adds nothing: the first covers the rest of the packet.
            Chunk::Auth(_) => Gate::Skip,
            c if *state == PacketAuth::None && session.we_require(c.chunk_type()) => {
                // RFC 4895 §6.3: silently discarded; the packet's other chunks still count.
                session.stats.discarded_chunks += 1;
                Gate::Skip
            }
            _ => Gate::Pass,
        }
    }

    /// The packet's first AUTH chunk.
    fn on_auth(&mut self, a: &Auth, packet: &ReceivedPacket<'_>, state: &mut PacketAuth) -> Gate {
        let Some(session) = self.auth.as_deref_mut() else {
            return Gate::Pass;
        };
        let verdict = session.verify(a, packet);
        if verdict == AuthVerdict::Verified {
            *state = PacketAuth::Verified;
            return Gate::Skip;
        }
        // RFC 4895 §6.3: unknown key or wrong HMAC: the chunks it covers are silently
        // discarded; an HMAC identifier we did not offer: the same, and an ERROR says so.
        session.stats.failed += 1;
        session.stats.discarded_chunks += 1;
        tracing::debug!(assoc = self.id.0, ?verdict, "AUTH chunk does not verify");
        if let AuthVerdict::UnsupportedHmac(hmac_id) = verdict {
            let cause = UnsupportedHmacIdentifier { hmac_id };
            let error = OperationError {
                causes: vec![cause.into()],
            };
            self.queue(None::<PathId>, error);
        }
        Gate::Stop
    }

    /// Count chunks discarded with the rest of a packet after a failed AUTH.
    pub(super) fn auth_discarded(&mut self, n: usize) {
        if let Some(s) = self.auth.as_deref_mut() {
            s.stats.discarded_chunks += n as u64;
        }
    }

    /// What authentication discarded so far (zero where AUTH is not in force).
    pub(super) fn auth_stats(&self) -> AuthStats {
        self.auth.as_deref().map(|s| s.stats).unwrap_or_default()
    }

    fn auth_keys_mut(
        &mut self,
        f: impl FnOnce(&mut SharedKeys) -> Result<(), AuthKeyError>,
    ) -> Result<(), AuthKeyError> {
        match self.auth.as_deref_mut() {
            Some(s) => s.change_keys(f),
            None => Err(AuthKeyError::NotNegotiated),
        }
    }

    /// The endpoint-pair shared keys of this association (RFC 4895 §6.1), where AUTH is in
    /// force ([`Extensions::AUTH`] in [`Association::extensions`]).
    pub fn auth_keys(&self) -> Option<&SharedKeys> {
        self.extensions
            .contains(Extensions::AUTH)
            .then(|| self.auth.as_deref().map(AuthSession::keys))
            .flatten()
    }

    /// Add endpoint-pair shared key `id` (or replace the key with that identifier).
    pub fn add_auth_key(&mut self, id: u16, key: bytes::Bytes) -> Result<(), AuthKeyError> {
        self.auth_keys_mut(|k| {
            k.add(id, key);
            Ok(())
        })
    }

    /// Send with key `id` from now on; the peer must have it too.
    pub fn set_active_auth_key(&mut self, id: u16) -> Result<(), AuthKeyError> {
        self.auth_keys_mut(|k| k.activate(id))
    }

    /// Remove key `id`: packets that use it are discarded from now on. Refused for the
    /// active key ([`AuthKeyError::ActiveKey`]).
    pub fn delete_auth_key(&mut self, id: u16) -> Result<(), AuthKeyError> {
        self.auth_keys_mut(|k| k.delete(id))
    }
}
