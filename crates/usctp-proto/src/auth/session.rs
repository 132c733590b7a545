//! AUTH on an association (RFC 4895 §6.2, §6.3): the association shared keys, signing what
//! we send and verifying what we receive.

use bytes::Bytes;
use usctp_wire::chunk::{Auth, Chunk};
use usctp_wire::PacketBuilder;

use super::algorithm::Keyed;
use super::{AuthKeyError, AuthParams, AuthStats, HmacAlgorithm, ReceivedPacket, SharedKeys};

/// Zeros for the HMAC field of an AUTH chunk before it is signed.
static ZEROS: [u8; 32] = [0; 32];

/// A set of chunk types.
#[derive(Debug, Clone, Copy, Default)]
struct ChunkSet([u64; 4]);

impl ChunkSet {
    fn of(p: &AuthParams) -> Self {
        let mut s = Self::default();
        for t in 0..=u8::MAX {
            if p.lists(t) {
                s.0[usize::from(t >> 6)] |= 1 << (t & 63);
            }
        }
        s
    }

    fn contains(self, t: u8) -> bool {
        self.0[usize::from(t >> 6)] & (1 << (t & 63)) != 0
    }
}

/// What checking an AUTH chunk found (RFC 4895 §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthVerdict {
    /// The HMAC verifies: the chunks after the AUTH are authenticated.
    Verified,
    /// No endpoint-pair shared key has the AUTH's identifier.
    UnknownKey,
    /// An HMAC identifier we did not list in our HMAC-ALGO: an ERROR with Unsupported HMAC
    /// Identifier should go back.
    UnsupportedHmac(u16),
    /// The HMAC does not verify.
    BadHmac,
}

/// AUTH state of an association where it is in force.
#[derive(Clone)]
pub(crate) struct AuthSession {
    local: AuthParams,
    peer: AuthParams,
    keys: SharedKeys,
    /// The chunk types the peer wants authenticated: we put an AUTH before them.
    peer_requires: ChunkSet,
    /// The chunk types we want authenticated: dropped unless a verified AUTH precedes them.
    we_require: ChunkSet,
    /// RFC 4895 §6.2: the first HMAC in the peer's HMAC-ALGO that we implement (SHA-1 is
    /// always there).
    send_alg: HmacAlgorithm,
    /// Association shared keys made so far, keyed into their HMAC, by (key id, algorithm).
    keyed: Vec<(u16, HmacAlgorithm, Keyed)>,
    pub(crate) stats: AuthStats,
}

impl core::fmt::Debug for AuthSession {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AuthSession")
            .field("keys", &self.keys)
            .field("send_alg", &self.send_alg)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

/// RFC 4895 §6.1: key vectors compare as unsigned numbers in network byte order (leading
/// zero bytes do not count).
fn numeric_cmp(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    let strip = |v: &[u8]| -> usize { v.iter().take_while(|&&x| x == 0).count() };
    let (a, b) = (&a[strip(a)..], &b[strip(b)..]);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// RFC 4895 §6.1: the association shared key for endpoint-pair shared key `shared`: the
/// key followed by the two key vectors, the smaller first (either order when equal).
pub(crate) fn association_key(shared: &[u8], local: &AuthParams, peer: &AuthParams) -> Vec<u8> {
    let (mut k1, mut k2) = (Vec::new(), Vec::new());
    local.key_vector(&mut k1);
    peer.key_vector(&mut k2);
    if numeric_cmp(&k1, &k2).is_gt() {
        core::mem::swap(&mut k1, &mut k2);
    }
    let mut key = Vec::with_capacity(shared.len() + k1.len() + k2.len());
    key.extend_from_slice(shared);
    key.extend_from_slice(&k1);
    key.extend_from_slice(&k2);
    key
}

impl AuthSession {
    pub(crate) fn new(local: AuthParams, peer: AuthParams, keys: SharedKeys) -> Self {
        let send_alg = peer
            .hmacs
            .iter()
            .find_map(|&id| HmacAlgorithm::from_id(id))
            .unwrap_or(HmacAlgorithm::Sha1);
        Self {
            peer_requires: ChunkSet::of(&peer),
            we_require: ChunkSet::of(&local),
            local,
            peer,
            keys,
            send_alg,
            keyed: Vec::new(),
            stats: AuthStats::default(),
        }
    }

    /// Whether chunk type `t` goes authenticated: the peer asked for it, or it is ASCONF or
    /// ASCONF-ACK, which always are (RFC 5061 §4.1.1).
    pub(crate) fn peer_requires(&self, t: u8) -> bool {
        self.peer_requires.contains(t)
            || t == usctp_wire::chunk::types::ASCONF
            || t == usctp_wire::chunk::types::ASCONF_ACK
    }

    /// Whether we asked for chunk type `t` to be authenticated.
    pub(crate) fn we_require(&self, t: u8) -> bool {
        self.we_require.contains(t)
    }

    /// The HMAC algorithm we send with.
    #[cfg(test)]
    pub(crate) fn send_algorithm(&self) -> HmacAlgorithm {
        self.send_alg
    }

    /// The endpoint-pair shared keys.
    pub(crate) fn keys(&self) -> &SharedKeys {
        &self.keys
    }

    /// Change the keys with `f`; derived association keys are made again on next use.
    pub(crate) fn change_keys(
        &mut self,
        f: impl FnOnce(&mut SharedKeys) -> Result<(), AuthKeyError>,
    ) -> Result<(), AuthKeyError> {
        f(&mut self.keys)?;
        self.keyed.clear();
        Ok(())
    }

    /// Bytes of the AUTH chunk we send.
    pub(crate) fn chunk_len(&self) -> usize {
        8 + self.send_alg.mac_len()
    }

    /// The AUTH chunk to send, its HMAC zero until [`AuthSession::sign`].
    fn placeholder(&self) -> Chunk {
        Chunk::Auth(Auth {
            shared_key_id: self.keys.active(),
            hmac_id: self.send_alg.id(),
            hmac: Bytes::from_static(&ZEROS[..self.send_alg.mac_len()]),
        })
    }

    /// The association shared key for key `id` keyed into `alg`, made on first use.
    fn keyed(&mut self, id: u16, alg: HmacAlgorithm) -> Option<&Keyed> {
        let at = match self
            .keyed
            .iter()
            .position(|(k, a, _)| (*k, *a) == (id, alg))
        {
            Some(at) => at,
            None => {
                let key = association_key(self.keys.get(id)?, &self.local, &self.peer);
                self.keyed.push((id, alg, Keyed::new(alg, &key)));
                self.keyed.len() - 1
            }
        };
        self.keyed.get(at).map(|(.., k)| k)
    }

    /// RFC 4895 §6.2: fill in the HMAC of the AUTH chunk that starts `from_auth` (which runs
    /// to the end of the packet), computed over it with the HMAC field zero.
    pub(crate) fn sign(&mut self, from_auth: &mut [u8]) {
        let (id, alg) = (self.keys.active(), self.send_alg);
        let mut mac = [0; 32];
        match self.keyed(id, alg) {
            Some(k) => k.compute(&[from_auth], &mut mac),
            None => return, // the active key always exists (deleting it is refused)
        }
        let len = alg.mac_len();
        if let Some(field) = from_auth.get_mut(8..8 + len) {
            field.copy_from_slice(&mac[..len]);
        }
    }

    /// RFC 4895 §6.3: check `auth`, the first AUTH chunk of `packet`.
    pub(crate) fn verify(&mut self, auth: &Auth, packet: &ReceivedPacket<'_>) -> AuthVerdict {
        // The receiver uses the algorithm the AUTH names, if it is one we listed.
        let alg =
            HmacAlgorithm::from_id(auth.hmac_id).filter(|a| self.local.hmacs.contains(&a.id()));
        let Some(alg) = alg else {
            return AuthVerdict::UnsupportedHmac(auth.hmac_id);
        };
        let Some(at) = packet.auth_at else {
            return AuthVerdict::BadHmac;
        };
        let len = alg.mac_len();
        let (Some(head), Some(tail)) = (
            packet.bytes.get(at..at + 8),
            packet.bytes.get(at + 8 + len..),
        ) else {
            return AuthVerdict::BadHmac;
        };
        if auth.hmac.len() != len {
            return AuthVerdict::BadHmac;
        }
        let Some(k) = self.keyed(auth.shared_key_id, alg) else {
            return AuthVerdict::UnknownKey;
        };
        if k.verify(&[head, &ZEROS[..len], tail], &auth.hmac) {
            AuthVerdict::Verified
        } else {
            AuthVerdict::BadHmac
        }
    }
}

/// Push `chunk` into `b`, preceded by an AUTH chunk if the peer wants it authenticated and
/// none is in the packet yet (RFC 4895 §6.2: the AUTH goes before the first chunk it must
/// cover). `auth_at` records where the AUTH went, for [`AuthSession::sign`] once the packet
/// is complete. False, writing nothing, when they do not fit.
pub(crate) fn push_authenticated(
    b: &mut PacketBuilder<'_>,
    auth: Option<&AuthSession>,
    auth_at: &mut Option<usize>,
    chunk: &Chunk,
) -> bool {
    if let Some(a) = auth.filter(|a| auth_at.is_none() && a.peer_requires(chunk.chunk_type())) {
        if a.chunk_len() + chunk.padded_len() > b.remaining() {
            return false;
        }
        *auth_at = Some(b.len());
        b.push(&a.placeholder());
    }
    b.push(chunk)
}

/// Bytes a chunk of type `t` needs besides its own: the AUTH before it if it would be the
/// first chunk in the packet the peer wants authenticated.
pub(crate) fn auth_overhead(auth: Option<&AuthSession>, auth_at: Option<usize>, t: u8) -> usize {
    match auth {
        Some(a) if auth_at.is_none() && a.peer_requires(t) => a.chunk_len(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(random: u8, chunks: Option<Vec<u8>>, hmacs: Vec<u16>) -> AuthParams {
        AuthParams {
            random: [random; 32],
            chunks,
            hmacs,
        }
    }

    #[test]
    fn numeric_comparison_ignores_leading_zeros() {
        use core::cmp::Ordering::*;
        assert_eq!(numeric_cmp(&[0, 0, 5], &[4]), Greater);
        assert_eq!(numeric_cmp(&[0, 1, 0], &[0xff]), Greater);
        assert_eq!(numeric_cmp(&[0, 7], &[7]), Equal);
        assert_eq!(numeric_cmp(&[1, 2], &[1, 3]), Less);
    }

    #[test]
    fn association_key_orders_the_vectors_and_is_the_same_on_both_sides() {
        let a = params(1, Some(vec![0]), vec![3, 1]);
        let b = params(2, None, vec![1]);
        let k = association_key(b"k", &a, &b);
        assert_eq!(k, association_key(b"k", &b, &a));
        // a's vector is longer (it has CHUNKS), so the larger number: b's goes first.
        let mut expected = b"k".to_vec();
        b.key_vector(&mut expected);
        a.key_vector(&mut expected);
        assert_eq!(k, expected);
        // Same lengths: the RANDOMs decide (80 02 00 24 01.. < 80 02 00 24 02..).
        let c = params(2, Some(vec![0]), vec![3, 1]);
        let mut expected = b"k".to_vec();
        a.key_vector(&mut expected);
        c.key_vector(&mut expected);
        assert_eq!(association_key(b"k", &c, &a), expected);
    }

    #[test]
    fn what_one_side_signs_the_other_verifies() {
        use usctp_wire::chunk::Data;
        use usctp_wire::{CommonHeader, Packet, ParseOptions};
        let (a, b) = (
            params(1, Some(vec![0]), vec![3, 1]),
            params(2, None, vec![1]),
        );
        let mut keys = SharedKeys::default();
        keys.add(4, &b"four"[..]);
        let mut alice = AuthSession::new(a.clone(), b.clone(), keys.clone());
        let mut bob = AuthSession::new(b, a, keys);
        // Bob asked for nothing; Alice for DATA: Bob signs his DATA, with SHA-256.
        assert!(bob.peer_requires(0) && !alice.peer_requires(0));
        bob.change_keys(|k| k.activate(4)).expect("key 4");
        let mut buf = Vec::new();
        let mut b = PacketBuilder::new(&mut buf, CommonHeader::default(), 1200);
        let mut at = None;
        let data = Chunk::Data(Data {
            payload: Bytes::from_static(b"hello"),
            ..Default::default()
        });
        assert!(push_authenticated(&mut b, Some(&bob), &mut at, &data));
        assert!(push_authenticated(&mut b, Some(&bob), &mut at, &data));
        assert_eq!(at, Some(12), "one AUTH, before the first DATA");
        bob.sign(&mut b.written_mut()[12..]);
        b.finish(true);
        let raw = Bytes::from(buf);
        let p = Packet::parse(&raw, ParseOptions::default()).expect("parses");
        let Chunk::Auth(auth) = &p.chunks[0] else {
            panic!("{p}")
        };
        assert_eq!((auth.shared_key_id, auth.hmac_id), (4, 3));
        let packet = ReceivedPacket {
            bytes: &raw,
            auth_at: Some(12),
        };
        assert_eq!(alice.verify(auth, &packet), AuthVerdict::Verified);
        // A flipped bit in the AUTH header or any chunk after it, or another key, fails.
        for i in [13, 16, 60, raw.len() - 1] {
            let mut bad = raw.to_vec();
            bad[i] ^= 1;
            let p = ReceivedPacket {
                bytes: &bad,
                auth_at: Some(12),
            };
            assert_eq!(alice.verify(auth, &p), AuthVerdict::BadHmac, "byte {i}");
        }
        alice.change_keys(|k| k.delete(4)).expect("not active");
        assert_eq!(alice.verify(auth, &packet), AuthVerdict::UnknownKey);
        let sha1_only = Auth {
            hmac_id: 2,
            ..auth.clone()
        };
        assert_eq!(
            alice.verify(&sha1_only, &packet),
            AuthVerdict::UnsupportedHmac(2)
        );
    }

    #[test]
    fn send_algorithm_is_the_peers_first_that_we_implement() {
        let s = |h| {
            AuthSession::new(
                params(1, None, vec![1]),
                params(2, None, h),
                SharedKeys::default(),
            )
        };
        assert_eq!(s(vec![2, 3, 1]).send_algorithm(), HmacAlgorithm::Sha256);
        assert_eq!(s(vec![1, 3]).send_algorithm(), HmacAlgorithm::Sha1);
    }
}
