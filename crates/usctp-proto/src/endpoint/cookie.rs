//! The State Cookie: everything the server needs to create the association, signed with
//! HMAC-SHA256 so that no state exists before a valid COOKIE ECHO (RFC 9260 §5.1.3).
//!
//! The secret rotates every cookie lifetime; the previous secret stays valid for one more
//! lifetime so that cookies issued just before a rotation still verify.

use std::cell::OnceCell;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use usctp_wire::{Tsn, VerificationTag};

use crate::auth::AuthParams;
use crate::setup::{CookieAuth, CookieContents};
use crate::{AddrList, Extensions, TransportAddr};

type HmacSha256 = Hmac<Sha256>;

const MAC_LEN: usize = 32;
const VERSION: u8 = 1;
/// Flag in the version byte: tie-tags follow (they are zero, and left out, unless the INIT
/// met an existing association). Keeping a single-address body within 55 bytes lets its MAC
/// take two SHA-256 blocks instead of three.
const HAS_TIE_TAGS: u8 = 0x80;
/// Flag in the version byte: AUTH parameters (ours, then the peer's) follow the addresses.
const HAS_AUTH: u8 = 0x40;
/// Flag in the version byte: the peer's Adaptation Layer Indication comes last.
const HAS_ADAPTATION: u8 = 0x20;

/// Why a COOKIE ECHO was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum CookieError {
    /// Too short, wrong version or undecodable: silently discarded.
    #[error("malformed cookie")]
    Malformed,
    /// The MAC does not verify under the current or the previous secret: silently discarded
    /// (RFC 9260 §5.1.5 step 2).
    #[error("cookie MAC does not verify")]
    BadMac,
    /// Valid, but older than its lifetime: answered with a Stale Cookie error carrying the
    /// staleness in microseconds (RFC 9260 §5.1.5 step 3).
    #[error("cookie stale by {staleness_us} us")]
    Stale {
        /// How far past its lifetime, in microseconds.
        staleness_us: u32,
        /// The peer's tag from the (authentic) cookie: the ERROR must carry it.
        peer_tag: VerificationTag,
    },
}

/// Signs and verifies cookies with a rotating secret.
#[derive(Clone)]
pub(crate) struct CookieSigner {
    current: Secret,
    previous: Option<Secret>,
    rotated_ms: u64,
    period_ms: u64,
}

impl core::fmt::Debug for CookieSigner {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Never print secrets.
        f.debug_struct("CookieSigner")
            .field("rotated_ms", &self.rotated_ms)
            .finish()
    }
}

impl CookieSigner {
    /// A signer with a fresh secret from `rng`, rotating every `period_ms`.
    pub(crate) fn new(rng: &mut impl RngCore, period_ms: u64, now_ms: u64) -> Self {
        Self {
            current: Secret::new(rng),
            previous: None,
            rotated_ms: now_ms,
            period_ms: period_ms.max(1),
        }
    }

    /// Rotate the secret if a period has passed; the old one stays valid for one more period.
    pub(crate) fn maybe_rotate(&mut self, rng: &mut impl RngCore, now_ms: u64) {
        if now_ms.saturating_sub(self.rotated_ms) < self.period_ms {
            return;
        }
        let next = Secret::new(rng);
        // Two periods without traffic: the previous secret is too old to keep.
        let previous = std::mem::replace(&mut self.current, next);
        self.previous = (now_ms - self.rotated_ms < 2 * self.period_ms).then_some(previous);
        self.rotated_ms = now_ms;
    }

    /// Encode and sign `c` (the endpoint signs in place, `sign_into`).
    #[cfg(test)]
    pub(crate) fn sign(&self, c: &CookieContents) -> Vec<u8> {
        // Exactly sized: a full Vec becomes `Bytes` without another allocation.
        let mut out = Vec::with_capacity(signed_len(c));
        self.sign_into(c, &mut out);
        out
    }

    /// Encode and sign `c` at the end of `out` (the MAC covers only what is appended), e.g.
    /// straight into the INIT ACK that carries it.
    pub(crate) fn sign_into(&self, c: &CookieContents, out: &mut Vec<u8>) {
        let start = out.len();
        encode(c, out);
        let mac = mac(&self.current, &out[start..]);
        out.extend_from_slice(&mac);
    }

    /// Verify and decode a cookie received at `now_ms` (the endpoint opens it and checks its
    /// age in two steps).
    #[cfg(test)]
    pub(crate) fn verify(&self, cookie: &[u8], now_ms: u64) -> Result<CookieContents, CookieError> {
        let c = self.open(cookie)?;
        check_age(&c, now_ms)?;
        Ok(c)
    }

    /// Verify the MAC and decode, without looking at the cookie's age (a duplicate COOKIE
    /// ECHO for an association that exists creates nothing, so its age does not matter).
    pub(crate) fn open(&self, cookie: &[u8]) -> Result<CookieContents, CookieError> {
        let body_len = cookie
            .len()
            .checked_sub(MAC_LEN)
            .ok_or(CookieError::Malformed)?;
        let (body, tag) = cookie.split_at(body_len);
        let ok = |key: &Secret| {
            let mut m = key.hmac();
            m.update(body);
            m.verify_slice(tag).is_ok() // constant-time comparison
        };
        if !ok(&self.current) && !self.previous.as_ref().is_some_and(ok) {
            return Err(CookieError::BadMac);
        }
        decode(body).ok_or(CookieError::Malformed)
    }
}

/// Fail with [`CookieError::Stale`] if `c` was past its lifetime at `now_ms`.
pub(crate) fn check_age(c: &CookieContents, now_ms: u64) -> Result<(), CookieError> {
    let expires = c.expires_ms();
    if now_ms > expires {
        let us = (now_ms - expires).saturating_mul(1000);
        return Err(CookieError::Stale {
            staleness_us: u32::try_from(us).unwrap_or(u32::MAX),
            peer_tag: c.peer_tag,
        });
    }
    Ok(())
}

/// The length of `c` signed: body and MAC.
pub(crate) fn signed_len(c: &CookieContents) -> usize {
    let addrs: usize = c.peer_addresses.iter().map(|a| encoded_len(a.ip)).sum();
    let tie_tags = if has_tie_tags(c) { 8 } else { 0 };
    let auth = c
        .auth
        .as_ref()
        .map_or(0, |a| a.local.encoded_len() + a.peer.encoded_len());
    FIXED_LEN + tie_tags + addrs + auth + 4 * usize::from(c.adaptation.is_some()) + MAC_LEN
}

/// The MAC at the end of a cookie (what identifies it once its secret has rotated away).
pub(crate) fn cookie_mac(cookie: &[u8]) -> Option<[u8; MAC_LEN]> {
    let start = cookie.len().checked_sub(MAC_LEN)?;
    cookie.get(start..)?.try_into().ok()
}

/// A 32-byte secret and, once first used, the HMAC keyed with it: each MAC then starts from
/// the hashed key pads instead of hashing them again (two SHA-256 blocks saved per cookie).
/// Keyed lazily, since most endpoints (clients) never make a cookie.
#[derive(Clone)]
struct Secret {
    key: [u8; 32],
    keyed: OnceCell<HmacSha256>,
}

impl Secret {
    fn new(rng: &mut impl RngCore) -> Self {
        let mut key = [0; 32];
        rng.fill_bytes(&mut key);
        Self {
            key,
            keyed: OnceCell::new(),
        }
    }

    fn hmac(&self) -> HmacSha256 {
        self.keyed
            .get_or_init(|| HmacSha256::new_from_slice(&self.key).expect("any key length"))
            .clone()
    }
}

fn mac(key: &Secret, body: &[u8]) -> [u8; MAC_LEN] {
    let mut m = key.hmac();
    m.update(body);
    m.finalize().into_bytes().into()
}

/// Bytes of a cookie body before its address list, without tie-tags.
const FIXED_LEN: usize = 1 + 8 + 4 + 4 * 4 + 4 + 4 * 2 + 4 + 1;

fn has_tie_tags(c: &CookieContents) -> bool {
    c.local_tie_tag.0 != 0 || c.peer_tie_tag.0 != 0
}

/// Bytes of one address in a cookie body: kind, address, UDP port.
fn encoded_len(ip: IpAddr) -> usize {
    1 + if ip.is_ipv4() { 4 } else { 16 } + 2
}

fn encode(c: &CookieContents, out: &mut Vec<u8>) {
    let tie_tags = has_tie_tags(c);
    let auth = if c.auth.is_some() { HAS_AUTH } else { 0 };
    let adaptation = if c.adaptation.is_some() {
        HAS_ADAPTATION
    } else {
        0
    };
    out.push(VERSION | auth | adaptation | if tie_tags { HAS_TIE_TAGS } else { 0 });
    out.extend_from_slice(&c.created_ms.to_be_bytes());
    out.extend_from_slice(&c.lifetime_ms.to_be_bytes());
    for v in [
        c.local_tag.0,
        c.peer_tag.0,
        c.local_initial_tsn.0,
        c.peer_initial_tsn.0,
    ] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    out.extend_from_slice(&c.peer_rwnd.to_be_bytes());
    for v in [
        c.outbound_streams,
        c.inbound_streams,
        c.local_port,
        c.peer_port,
    ] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    if tie_tags {
        out.extend_from_slice(&c.local_tie_tag.0.to_be_bytes());
        out.extend_from_slice(&c.peer_tie_tag.0.to_be_bytes());
    }
    out.extend_from_slice(&c.features.bits().to_be_bytes());
    // The caller bounds the list by max_peer_addresses, far below 255.
    out.push(c.peer_addresses.len().min(255) as u8);
    for a in c.peer_addresses.iter().take(255) {
        let port = a.udp_port.unwrap_or(0);
        match a.ip {
            IpAddr::V4(ip) => {
                out.push(4 | u8::from(a.udp_port.is_some()) << 7);
                out.extend_from_slice(&ip.octets());
            }
            IpAddr::V6(ip) => {
                out.push(6 | u8::from(a.udp_port.is_some()) << 7);
                out.extend_from_slice(&ip.octets());
            }
        }
        out.extend_from_slice(&port.to_be_bytes());
    }
    if let Some(a) = &c.auth {
        a.local.encode(out);
        a.peer.encode(out);
    }
    if let Some(a) = c.adaptation {
        out.extend_from_slice(&a.to_be_bytes());
    }
}

/// A cursor for decoding our own (already authenticated) cookie body.
struct Cur<'a>(&'a [u8]);

impl Cur<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take::<1>().map(|[b]| b)
    }
    fn u16(&mut self) -> Option<u16> {
        self.take().map(u16::from_be_bytes)
    }
    fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_be_bytes)
    }
    fn u64(&mut self) -> Option<u64> {
        self.take().map(u64::from_be_bytes)
    }
}

fn decode(body: &[u8]) -> Option<CookieContents> {
    let mut r = Cur(body);
    let version = r.u8()?;
    if version & !(HAS_TIE_TAGS | HAS_AUTH | HAS_ADAPTATION) != VERSION {
        return None;
    }
    let mut c = CookieContents {
        created_ms: r.u64()?,
        lifetime_ms: r.u32()?,
        local_tag: VerificationTag(r.u32()?),
        peer_tag: VerificationTag(r.u32()?),
        local_initial_tsn: Tsn(r.u32()?),
        peer_initial_tsn: Tsn(r.u32()?),
        peer_rwnd: r.u32()?,
        outbound_streams: r.u16()?,
        inbound_streams: r.u16()?,
        local_port: r.u16()?,
        peer_port: r.u16()?,
        local_tie_tag: VerificationTag(0),
        peer_tie_tag: VerificationTag(0),
        features: Extensions::NONE,
        peer_addresses: AddrList::default(),
        auth: None,
        adaptation: None,
    };
    if version & HAS_TIE_TAGS != 0 {
        c.local_tie_tag = VerificationTag(r.u32()?);
        c.peer_tie_tag = VerificationTag(r.u32()?);
    }
    c.features = Extensions::from_bits(r.u32()?);
    let n = r.u8()?;
    for _ in 0..n {
        let kind = r.u8()?;
        let ip = match kind & 0x7f {
            4 => IpAddr::V4(Ipv4Addr::from(r.take::<4>()?)),
            6 => IpAddr::V6(Ipv6Addr::from(r.take::<16>()?)),
            _ => return None,
        };
        let port = r.u16()?;
        let udp_port = (kind & 0x80 != 0).then_some(port);
        c.peer_addresses.push(TransportAddr { ip, udp_port });
    }
    if version & HAS_AUTH != 0 {
        let local = AuthParams::decode(&mut r.0)?;
        let peer = AuthParams::decode(&mut r.0)?;
        c.auth = Some(Box::new(CookieAuth { local, peer }));
    }
    if version & HAS_ADAPTATION != 0 {
        c.adaptation = Some(r.u32()?);
    }
    r.0.is_empty().then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, SeedableRng};

    fn contents() -> CookieContents {
        CookieContents {
            created_ms: 1_000,
            lifetime_ms: 60_000,
            local_tag: VerificationTag(0x1111_2222),
            peer_tag: VerificationTag(0x3333_4444),
            local_initial_tsn: Tsn(7),
            peer_initial_tsn: Tsn(u32::MAX),
            peer_rwnd: 65_536,
            outbound_streams: 10,
            inbound_streams: 65_535,
            local_port: 5000,
            peer_port: 5001,
            local_tie_tag: VerificationTag(0),
            peer_tie_tag: VerificationTag(0),
            features: Extensions::RECONFIG,
            peer_addresses: vec![
                TransportAddr::raw(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1))),
                TransportAddr::udp(IpAddr::V6(Ipv6Addr::LOCALHOST), 9899),
            ]
            .into(),
            auth: None,
            adaptation: None,
        }
    }

    fn signer(seed: u64) -> (CookieSigner, StdRng) {
        let mut rng = StdRng::seed_from_u64(seed);
        (CookieSigner::new(&mut rng, 60_000, 0), rng)
    }

    #[test]
    fn sign_verify_round_trip() {
        let (s, _) = signer(1);
        let cookie = s.sign(&contents());
        assert_eq!(s.verify(&cookie, 2_000), Ok(contents()));
        assert_eq!(
            cookie.len(),
            cookie.capacity(),
            "the cookie is sized exactly"
        );
        // Tie-tags (RFC 9260 §5.2.2) round-trip too, and each alone.
        for (l, p) in [(0xdead_beef, 0x0bad_cafe), (1, 0), (0, 1)] {
            let mut c = contents();
            c.local_tie_tag = VerificationTag(l);
            c.peer_tie_tag = VerificationTag(p);
            let cookie = s.sign(&c);
            assert_eq!(s.verify(&cookie, 2_000), Ok(c));
            assert_eq!(cookie.len(), cookie.capacity());
        }
    }

    #[test]
    fn auth_and_adaptation_round_trip() {
        let (s, mut rng) = signer(1);
        let cfg = crate::AssociationConfig {
            auth_chunks: vec![0, 0xc1],
            ..Default::default()
        };
        let local = AuthParams::ours(&cfg, &mut rng);
        let mut peer = AuthParams::ours(&crate::AssociationConfig::default(), &mut rng);
        peer.hmacs = vec![1, 2, 3];
        let mut c = contents();
        c.auth = Some(Box::new(CookieAuth { local, peer }));
        c.adaptation = Some(0x1234_5678);
        let cookie = s.sign(&c);
        assert_eq!(cookie.len(), cookie.capacity());
        assert_eq!(s.verify(&cookie, 2_000), Ok(c));
    }

    #[test]
    fn single_address_body_fits_two_sha256_blocks() {
        // HMAC's inner hash takes one block for the key pad, then the body plus 9 bytes of
        // padding: a body of at most 55 bytes needs one block more.
        let mut c = contents();
        c.peer_addresses = AddrList::One(TransportAddr::udp(
            IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)),
            9899,
        ));
        let (s, _) = signer(1);
        assert!(s.sign(&c).len() - MAC_LEN <= 55);
    }

    #[test]
    fn forged_and_modified_cookies_are_rejected() {
        let (s, _) = signer(1);
        let (other, _) = signer(2);
        let cookie = s.sign(&contents());
        assert_eq!(other.verify(&cookie, 2_000), Err(CookieError::BadMac));
        for i in 0..cookie.len() {
            let mut bad = cookie.clone();
            bad[i] ^= 0x01;
            assert_eq!(s.verify(&bad, 2_000), Err(CookieError::BadMac), "byte {i}");
        }
        assert_eq!(s.verify(&cookie[..31], 2_000), Err(CookieError::Malformed));
        assert_eq!(s.verify(&cookie[1..], 2_000), Err(CookieError::BadMac));
    }

    #[test]
    fn stale_cookie_reports_staleness_in_microseconds() {
        let (s, _) = signer(1);
        let cookie = s.sign(&contents());
        assert!(s.verify(&cookie, 61_000).is_ok());
        assert_eq!(
            s.verify(&cookie, 61_250),
            Err(CookieError::Stale {
                staleness_us: 250_000,
                peer_tag: contents().peer_tag
            })
        );
    }

    #[test]
    fn previous_secret_valid_for_one_period() {
        let (mut s, mut rng) = signer(1);
        let cookie = s.sign(&contents());
        s.maybe_rotate(&mut rng, 60_000);
        assert!(
            s.verify(&cookie, 60_500).is_ok(),
            "previous secret still accepted"
        );
        s.maybe_rotate(&mut rng, 120_000);
        assert_eq!(s.verify(&cookie, 60_500), Err(CookieError::BadMac));
    }
}
