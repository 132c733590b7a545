//! RANDOM, CHUNKS and HMAC-ALGO (RFC 4895 §3.1–§3.3): ours, the peer's, their key vector,
//! and their encoding in the State Cookie.

use rand::RngCore;
use usctp_wire::chunk::types as chunk;
use usctp_wire::param::{self, ChunkList, Parameter, Random, RequestedHmacAlgorithm};

use super::HmacAlgorithm;
use crate::AssociationConfig;

/// Bytes of a RANDOM (RFC 4895 §6.1: 32, or the association is aborted).
pub(crate) const RANDOM_LEN: usize = 32;
/// Chunk types a CHUNKS parameter may list before we refuse it (our bound on peer input): no
/// more than 251 distinct types can be authenticated, so a longer list only repeats. 254 at
/// most lets the cookie store the count in a byte, 255 meaning "not sent".
const MAX_CHUNKS: usize = 254;
/// HMAC identifiers an HMAC-ALGO parameter may list before we refuse it (four are
/// registered; our bound on peer input).
const MAX_HMACS: usize = 16;

/// Chunk types never authenticated: INIT, INIT ACK, SHUTDOWN COMPLETE and AUTH (RFC 4895
/// §3.2: not listed, ignored when listed), and COOKIE ECHO (deliberate: its AUTH could only be
/// checked with the keys the cookie itself carries, so we neither ask for it nor honour it).
fn never_authenticated(t: u8) -> bool {
    matches!(
        t,
        chunk::INIT | chunk::INIT_ACK | chunk::SHUTDOWN_COMPLETE | chunk::AUTH | chunk::COOKIE_ECHO
    )
}

/// One side's AUTH parameters, as sent in its INIT or INIT ACK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuthParams {
    /// RANDOM (RFC 4895 §3.1).
    pub random: [u8; RANDOM_LEN],
    /// CHUNKS (RFC 4895 §3.2): the chunk types the sender wants authenticated; `None` when
    /// the parameter was not sent (then it is left out of the key vector too).
    pub chunks: Option<Vec<u8>>,
    /// HMAC-ALGO (RFC 4895 §3.3) identifiers, most preferred first.
    pub hmacs: Vec<u16>,
}

/// What a peer's INIT or INIT ACK says about AUTH.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum PeerAuth {
    /// No RANDOM or no HMAC-ALGO: AUTH is not used (RFC 4895 §6.1; Linux and usrsctp do
    /// the same).
    #[default]
    Absent,
    /// Valid parameters.
    Offered(AuthParams),
    /// Parameters that break RFC 4895 §6.1 (a RANDOM not of 32 bytes, an HMAC-ALGO without
    /// SHA-1) or our bounds: the association is aborted with a Protocol Violation.
    Invalid(&'static str),
}

/// The chunk types we ask the peer to authenticate: `auth_chunks` less those never
/// authenticated, each once; with ASCONF offered, ASCONF and ASCONF-ACK always (RFC 5061
/// §4.1.1).
fn required_chunks(cfg: &AssociationConfig) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::new();
    let asconf = cfg
        .offered_extensions()
        .contains(crate::Extensions::ASCONF)
        .then_some([chunk::ASCONF, chunk::ASCONF_ACK]);
    for &t in cfg.auth_chunks.iter().chain(asconf.iter().flatten()) {
        if !never_authenticated(t) && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

impl AuthParams {
    /// Ours for a new INIT or INIT ACK: 32 fresh random bytes (from the endpoint's or
    /// association's seeded generator), the chunks of `cfg`, its HMACs with SHA-1 added last
    /// if missing (RFC 4895 §3.3: every implementation supports it, and the peer must be able
    /// to pick it).
    pub(crate) fn ours(cfg: &AssociationConfig, rng: &mut impl RngCore) -> Self {
        let mut random = [0; RANDOM_LEN];
        rng.fill_bytes(&mut random);
        let chunks = required_chunks(cfg);
        let mut hmacs: Vec<u16> = Vec::new();
        for id in cfg.auth_hmacs.iter().map(|a| a.id()) {
            if !hmacs.contains(&id) {
                hmacs.push(id);
            }
        }
        if !hmacs.contains(&HmacAlgorithm::Sha1.id()) {
            hmacs.push(HmacAlgorithm::Sha1.id());
        }
        Self {
            random,
            // Like Linux: no CHUNKS parameter when nothing is asked for.
            chunks: (!chunks.is_empty()).then_some(chunks),
            hmacs,
        }
    }

    /// The parameters to put in INIT / INIT ACK, in key-vector order.
    pub(crate) fn to_params(&self) -> impl Iterator<Item = Parameter> {
        let random = Random {
            random: self.random.to_vec().into(),
        };
        let chunks = self
            .chunks
            .clone()
            .map(|chunk_types| ChunkList { chunk_types });
        let hmacs = RequestedHmacAlgorithm {
            hmac_ids: self.hmacs.clone(),
        };
        [
            Some(random.into()),
            chunks.map(Into::into),
            Some(hmacs.into()),
        ]
        .into_iter()
        .flatten()
    }

    /// The peer's AUTH parameters among `params` (the first of each kind counts).
    pub(crate) fn from_peer(params: &[Parameter]) -> PeerAuth {
        let (mut random, mut chunks, mut hmacs) = (None, None, None);
        for p in params {
            match p {
                Parameter::Random(r) if random.is_none() => random = Some(&r.random),
                Parameter::ChunkList(c) if chunks.is_none() => chunks = Some(&c.chunk_types),
                Parameter::RequestedHmacAlgorithm(h) if hmacs.is_none() => {
                    hmacs = Some(&h.hmac_ids)
                }
                _ => {}
            }
        }
        let (Some(random), Some(hmacs)) = (random, hmacs) else {
            return PeerAuth::Absent;
        };
        // RFC 4895 §6.1: a Random Number not 32 bytes long aborts the association.
        let Ok(random) = <[u8; RANDOM_LEN]>::try_from(&random[..]) else {
            return PeerAuth::Invalid("RANDOM is not 32 bytes");
        };
        // RFC 4895 §3.3, §6.1: SHA-1 must be listed.
        if !hmacs.contains(&HmacAlgorithm::Sha1.id()) {
            return PeerAuth::Invalid("HMAC-ALGO does not list SHA-1");
        }
        if hmacs.len() > MAX_HMACS || chunks.is_some_and(|c| c.len() > MAX_CHUNKS) {
            return PeerAuth::Invalid("AUTH parameter list too long");
        }
        PeerAuth::Offered(Self {
            random,
            chunks: chunks.cloned(),
            hmacs: hmacs.clone(),
        })
    }

    /// Whether this side listed chunk type `t` (types never authenticated are ignored,
    /// RFC 4895 §3.2).
    pub(crate) fn lists(&self, t: u8) -> bool {
        !never_authenticated(t) && self.chunks.as_ref().is_some_and(|c| c.contains(&t))
    }

    /// RFC 4895 §6.1: the key vector, the RANDOM, CHUNKS (if sent) and HMAC-ALGO parameters
    /// as sent, headers included, padding not.
    pub(crate) fn key_vector(&self, out: &mut Vec<u8>) {
        let mut put = |ty: u16, value: &[u8]| {
            // Bounded above (at most 255 chunks, 16 HMACs): the length fits a u16.
            let len = u16::try_from(4 + value.len()).unwrap_or(u16::MAX);
            out.extend_from_slice(&ty.to_be_bytes());
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(value);
        };
        put(param::types::RANDOM, &self.random);
        if let Some(c) = &self.chunks {
            put(param::types::CHUNK_LIST, c);
        }
        let ids: Vec<u8> = self.hmacs.iter().flat_map(|h| h.to_be_bytes()).collect();
        put(param::types::REQUESTED_HMAC_ALGORITHM, &ids);
    }

    /// Bytes of [`AuthParams::encode`].
    pub(crate) fn encoded_len(&self) -> usize {
        RANDOM_LEN + 1 + self.chunks.as_ref().map_or(0, Vec::len) + 1 + 2 * self.hmacs.len()
    }

    /// Append to a State Cookie body: RANDOM, the chunk count (255: no CHUNKS parameter)
    /// and chunks, the HMAC count and identifiers.
    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.random);
        match &self.chunks {
            Some(c) => {
                let c = &c[..c.len().min(MAX_CHUNKS)];
                out.push(c.len() as u8);
                out.extend_from_slice(c);
            }
            None => out.push(u8::MAX),
        }
        let hmacs = &self.hmacs[..self.hmacs.len().min(MAX_HMACS)];
        out.push(hmacs.len() as u8);
        for h in hmacs {
            out.extend_from_slice(&h.to_be_bytes());
        }
    }

    /// Decode what [`AuthParams::encode`] wrote at the start of `input`, advancing it.
    pub(crate) fn decode(input: &mut &[u8]) -> Option<Self> {
        fn take<'a>(input: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
            let (head, rest) = input.split_at_checked(n)?;
            *input = rest;
            Some(head)
        }
        let random = take(input, RANDOM_LEN)?.try_into().ok()?;
        let n = *take(input, 1)?.first()?;
        let chunks = match n {
            u8::MAX => None,
            n => Some(take(input, usize::from(n))?.to_vec()),
        };
        let n = *take(input, 1)?.first()?;
        let ids = take(input, 2 * usize::from(n))?;
        let hmacs = ids
            .chunks_exact(2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .collect();
        Some(Self {
            random,
            chunks,
            hmacs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, SeedableRng};

    fn cfg(chunks: &[u8]) -> AssociationConfig {
        AssociationConfig {
            auth_chunks: chunks.to_vec(),
            ..Default::default()
        }
    }

    #[test]
    fn ours_lists_chunks_once_without_forbidden_ones_and_always_sha1() {
        let mut rng = StdRng::seed_from_u64(1);
        let p = AuthParams::ours(&cfg(&[0, 1, 0, 0x0f, 0x0a, 0x0e, 3]), &mut rng);
        assert_eq!(p.chunks.as_deref(), Some(&[0, 3][..]));
        assert_eq!(p.hmacs, [3, 1]);
        assert!(p.lists(0) && !p.lists(1) && !p.lists(4));
        let mut c = cfg(&[]);
        c.auth_hmacs = vec![HmacAlgorithm::Sha256].into();
        let q = AuthParams::ours(&c, &mut rng);
        assert_eq!((q.chunks, q.hmacs), (None, vec![3, 1]));
        assert_ne!(p.random, q.random);
    }

    #[test]
    fn peer_params_are_validated() {
        let mut rng = StdRng::seed_from_u64(1);
        let ours = AuthParams::ours(&cfg(&[0]), &mut rng);
        let params: Vec<Parameter> = ours.to_params().collect();
        assert_eq!(
            AuthParams::from_peer(&params),
            PeerAuth::Offered(ours.clone())
        );
        assert_eq!(AuthParams::from_peer(&params[..2]), PeerAuth::Absent);
        assert_eq!(AuthParams::from_peer(&params[1..]), PeerAuth::Absent);
        let short: Parameter = Random {
            random: vec![1; 31].into(),
        }
        .into();
        let mut bad = params.clone();
        bad[0] = short;
        assert!(matches!(AuthParams::from_peer(&bad), PeerAuth::Invalid(_)));
        let mut no_sha1 = params.clone();
        no_sha1[2] = RequestedHmacAlgorithm { hmac_ids: vec![3] }.into();
        assert!(matches!(
            AuthParams::from_peer(&no_sha1),
            PeerAuth::Invalid(_)
        ));
        let mut long = params;
        long[1] = ChunkList {
            chunk_types: vec![0; 256],
        }
        .into();
        assert!(matches!(AuthParams::from_peer(&long), PeerAuth::Invalid(_)));
    }

    #[test]
    fn key_vector_is_the_parameters_as_sent() {
        let mut rng = StdRng::seed_from_u64(1);
        let p = AuthParams::ours(&cfg(&[0, 6, 0xc1]), &mut rng);
        let mut v = Vec::new();
        p.key_vector(&mut v);
        let mut wire = Vec::new();
        for param in p.to_params() {
            let bytes = param.to_vec();
            let len = usize::from(u16::from_be_bytes([bytes[2], bytes[3]]));
            wire.extend_from_slice(&bytes[..len]); // without padding
        }
        assert_eq!(v, wire);
        assert_eq!(v.len(), 36 + 7 + 8);
    }

    #[test]
    fn cookie_encoding_round_trips() {
        let mut rng = StdRng::seed_from_u64(1);
        for chunks in [&[][..], &[0, 6]] {
            let p = AuthParams::ours(&cfg(chunks), &mut rng);
            let mut out = Vec::new();
            p.encode(&mut out);
            assert_eq!(out.len(), p.encoded_len());
            out.push(9);
            let mut input = &out[..];
            assert_eq!(AuthParams::decode(&mut input), Some(p));
            assert_eq!(input, [9]);
            assert_eq!(AuthParams::decode(&mut &out[..10]), None);
        }
        let empty = AuthParams {
            random: [0; RANDOM_LEN],
            chunks: Some(Vec::new()),
            hmacs: vec![1],
        };
        let mut out = Vec::new();
        empty.encode(&mut out);
        assert_eq!(AuthParams::decode(&mut &out[..]), Some(empty));
    }
}
