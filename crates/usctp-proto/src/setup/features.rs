//! Extension negotiation: what we offer in INIT / INIT ACK, what the peer offered, and what
//! is in force (both sides). The one place that defines the extension bits, which the State
//! Cookie carries (`CookieContents::features`).

use core::fmt;

use usctp_wire::chunk::types as chunk;
use usctp_wire::param::{ChunkTypes, ForwardTsnSupported, Parameter, SupportedExtensions};

/// A set of SCTP extensions: those switched on in
/// [`AssociationConfig::extensions`](crate::AssociationConfig::extensions), and, once negotiated, those both sides support
/// ([`AssociationStats::extensions`](crate::AssociationStats::extensions)).
///
/// Negotiated with Supported Extensions (RFC 5061 §4.2.7) and, for PR-SCTP, the
/// Forward-TSN-Supported parameter (RFC 3758 §3.1).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Extensions(u32);

/// Each extension: its bit (stable: it is stored in State Cookies), name, and the chunk
/// types that Supported Extensions lists for it (the first one decides the peer's offer).
const TABLE: [(Extensions, &str, &[u8]); 6] = [
    (Extensions::PR_SCTP, "PR-SCTP", &[chunk::FORWARD_TSN]),
    (Extensions::RECONFIG, "RE-CONFIG", &[chunk::RE_CONFIG]),
    (Extensions::AUTH, "AUTH", &[chunk::AUTH]),
    (
        Extensions::ASCONF,
        "ASCONF",
        &[chunk::ASCONF, chunk::ASCONF_ACK],
    ),
    // Negotiated with its own parameter, not Supported Extensions.
    (Extensions::ZERO_CHECKSUM, "ZERO-CHECKSUM", &[]),
    (Extensions::I_DATA, "I-DATA", &[chunk::I_DATA]),
];

impl Extensions {
    /// None.
    pub const NONE: Self = Self(0);
    /// Partial reliability, FORWARD TSN (RFC 3758).
    pub const PR_SCTP: Self = Self(1 << 0);
    /// Stream reconfiguration, RE-CONFIG (RFC 6525).
    pub const RECONFIG: Self = Self(1 << 1);
    /// Authenticated chunks, AUTH (RFC 4895). Offered with RANDOM, CHUNKS and HMAC-ALGO
    /// besides Supported Extensions; in force only when the peer sent valid RANDOM and
    /// HMAC-ALGO parameters (RFC 4895 §6.1). Not offered by default (see `Default`).
    pub const AUTH: Self = Self(1 << 2);
    /// Dynamic address reconfiguration, ASCONF and ASCONF-ACK (RFC 5061). Needs AUTH
    /// (RFC 5061 §4.1.1): offering it offers AUTH too, and it is in force only where AUTH is.
    pub const ASCONF: Self = Self(1 << 3);
    /// Zero checksum (RFC 9653): packets after setup carry checksum 0. Offered only with
    /// [`AssociationConfig::zero_checksum`](crate::AssociationConfig::zero_checksum), with
    /// the Zero Checksum Acceptable parameter; in force when the peer names the same method.
    pub const ZERO_CHECKSUM: Self = Self(1 << 4);

    /// Message interleaving, I-DATA and I-FORWARD-TSN (RFC 8260). Not offered by default.
    /// In force, every user message goes as I-DATA and DATA from the peer aborts (RFC 8260
    /// §2.2); with PR-SCTP, abandoned messages are skipped with I-FORWARD-TSN (§2.3).
    pub const I_DATA: Self = Self(1 << 5);

    /// Every extension this version knows.
    const KNOWN: u32 = Self::PR_SCTP.0
        | Self::RECONFIG.0
        | Self::AUTH.0
        | Self::ASCONF.0
        | Self::ZERO_CHECKSUM.0
        | Self::I_DATA.0;

    /// Every extension of `other` is in `self`.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// `self` plus `other`.
    #[must_use]
    pub const fn with(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// `self` without `other`.
    #[must_use]
    pub const fn without(self, other: Self) -> Self {
        Self(self.0 & !other.0)
    }

    /// In both.
    #[must_use]
    pub const fn intersection(self, other: Self) -> Self {
        Self(self.0 & other.0)
    }

    /// Empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// What offering `self` offers: ASCONF brings AUTH (RFC 5061 §4.1.1).
    #[must_use]
    pub(crate) const fn with_requirements(self) -> Self {
        if self.contains(Self::ASCONF) {
            self.with(Self::AUTH)
        } else {
            self
        }
    }

    /// What can be in force of `self`: ASCONF only with AUTH (RFC 5061 §4.1.1).
    #[must_use]
    pub(crate) const fn in_force(self) -> Self {
        if self.contains(Self::AUTH) {
            self
        } else {
            self.without(Self::ASCONF)
        }
    }

    /// The bits stored in a State Cookie.
    pub(crate) const fn bits(self) -> u32 {
        self.0
    }

    /// From a cookie's bits; bits this version does not know are dropped.
    pub(crate) const fn from_bits(bits: u32) -> Self {
        Self(bits & Self::KNOWN)
    }

    /// What to put in our INIT / INIT ACK to offer `self`: Forward-TSN-Supported for PR-SCTP
    /// (RFC 3758 §3.1), and Supported Extensions listing each extension's chunk type (RFC 5061
    /// §4.2.7); both, in this order, as usrsctp sends them. Nothing when `self` is empty.
    pub(crate) fn offer(self) -> impl Iterator<Item = Parameter> {
        // Built in place (`ChunkTypes` holds this many without allocating).
        let mut chunk_types: ChunkTypes = TABLE
            .iter()
            .filter(|(e, ..)| self.contains(*e))
            .flat_map(|&(.., t)| t.iter().copied())
            .collect();
        // RFC 8260 §2.3.1: I-FORWARD-TSN is listed where both I-DATA and PR-SCTP are.
        if self.contains(Self::I_DATA.with(Self::PR_SCTP)) {
            chunk_types.push(chunk::I_FORWARD_TSN);
        }
        let listed = (!chunk_types.is_empty()).then(|| SupportedExtensions { chunk_types }.into());
        let fwd = self
            .contains(Self::PR_SCTP)
            .then(|| ForwardTsnSupported.into());
        fwd.into_iter().chain(listed)
    }

    /// What a peer's INIT / INIT ACK parameters offer. PR-SCTP: the Forward-TSN-Supported
    /// parameter (RFC 3758 §3.1) or FORWARD TSN in Supported Extensions (as Linux accepts);
    /// the others: their chunk type in Supported Extensions (RFC 5061 §4.2.7). AUTH takes
    /// its own parameters too: `scan_init_params` decides it.
    pub(crate) fn offered_by(params: &[Parameter]) -> Self {
        let mut out = Self::NONE;
        for p in params {
            match p {
                Parameter::ForwardTsnSupported(_) => out = out.with(Self::PR_SCTP),
                Parameter::SupportedExtensions(s) => {
                    for &(e, _, t) in &TABLE {
                        if t.first().is_some_and(|t| s.chunk_types.contains(t)) {
                            out = out.with(e);
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }
}

impl Default for Extensions {
    /// PR-SCTP and RE-CONFIG, which Linux and usrsctp both offer by default; each is in
    /// force only when the peer offers it too. AUTH is not: Linux ships with it off
    /// (`net.sctp.auth_enable = 0`), usrsctp with it on, and the project offers by default
    /// only what both do. It costs an AUTH chunk per packet that carries a chunk the peer
    /// asks to authenticate, and with the default empty key it proves little until keys
    /// are configured.
    fn default() -> Self {
        Self::PR_SCTP.with(Self::RECONFIG)
    }
}

impl fmt::Debug for Extensions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = TABLE.iter().filter(|(e, ..)| self.contains(*e));
        f.debug_set().entries(names.map(|(_, n, _)| n)).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pr_sctp_and_re_config_are_offered_by_default_and_none_offers_nothing() {
        assert_eq!(
            Extensions::default(),
            Extensions::PR_SCTP.with(Extensions::RECONFIG)
        );
        assert_eq!(Extensions::default().offer().count(), 2);
        assert_eq!(Extensions::NONE.offer().count(), 0);
    }

    #[test]
    fn offer_lists_chunk_types_and_forward_tsn_supported() {
        let all: Vec<_> = Extensions::PR_SCTP
            .with(Extensions::RECONFIG)
            .offer()
            .collect();
        let listed = SupportedExtensions {
            chunk_types: [0xc0, 0x82].into(),
        };
        assert_eq!(all, [ForwardTsnSupported.into(), listed.into()]);
        assert_eq!(Extensions::NONE.offer().count(), 0);
        let reconfig: Vec<_> = Extensions::RECONFIG.offer().collect();
        let listed = SupportedExtensions {
            chunk_types: [0x82].into(),
        };
        assert_eq!(reconfig, [listed.into()]);
    }

    /// The offer as the Vec-based encoder wrote it before `ChunkTypes` (kept byte for byte:
    /// peers and captures see the same INIT / INIT ACK).
    fn offer_bytes_before(e: Extensions) -> Vec<u8> {
        let mut types: Vec<u8> = Vec::new();
        for (x, _, t) in TABLE {
            if e.contains(x) {
                types.extend_from_slice(t);
            }
        }
        if e.contains(Extensions::I_DATA.with(Extensions::PR_SCTP)) {
            types.push(chunk::I_FORWARD_TSN);
        }
        let mut out = Vec::new();
        if e.contains(Extensions::PR_SCTP) {
            out.extend_from_slice(&[0xc0, 0x00, 0x00, 0x04]);
        }
        if !types.is_empty() {
            let len = 4 + types.len() as u8;
            out.extend_from_slice(&[0x80, 0x08, 0x00, len]);
            out.extend_from_slice(&types);
            out.resize(out.len().next_multiple_of(4), 0);
        }
        out
    }

    #[test]
    fn rfc5061_4_2_7_offer_encodes_as_before_for_every_extension_set() {
        for bits in 0..64 {
            let e = Extensions::from_bits(bits);
            let wire: Vec<u8> = e.offer().flat_map(|p| p.to_vec()).collect();
            assert_eq!(wire, offer_bytes_before(e), "{e:?}");
        }
        // The default offer as captured from usctp before the change.
        let default: Vec<u8> = Extensions::default()
            .offer()
            .flat_map(|p| p.to_vec())
            .collect();
        assert_eq!(default, [0xc0, 0, 0, 4, 0x80, 0x08, 0, 6, 0xc0, 0x82, 0, 0]);
    }

    #[test]
    fn offered_by_reads_both_ways_of_saying_pr_sctp() {
        let fwd_only = [ForwardTsnSupported.into()];
        assert_eq!(Extensions::offered_by(&fwd_only), Extensions::PR_SCTP);
        let listed = |t: Vec<u8>| -> Parameter {
            SupportedExtensions {
                chunk_types: t.into(),
            }
            .into()
        };
        let both = [listed(vec![0x82, 0xc0, 0x40])];
        assert_eq!(
            Extensions::offered_by(&both),
            Extensions::PR_SCTP
                .with(Extensions::RECONFIG)
                .with(Extensions::I_DATA)
        );
        assert_eq!(Extensions::offered_by(&[]), Extensions::NONE);
    }

    #[test]
    fn i_data_is_offered_with_i_forward_tsn_only_with_pr_sctp() {
        let listed = |t: Vec<u8>| -> Parameter {
            SupportedExtensions {
                chunk_types: t.into(),
            }
            .into()
        };
        let alone: Vec<_> = Extensions::I_DATA.offer().collect();
        assert_eq!(alone, [listed(vec![0x40])]);
        let with_pr: Vec<_> = Extensions::I_DATA
            .with(Extensions::PR_SCTP)
            .offer()
            .collect();
        assert_eq!(
            with_pr,
            [ForwardTsnSupported.into(), listed(vec![0xc0, 0x40, 0xc2])]
        );
        assert_eq!(
            Extensions::offered_by(&[listed(vec![0x40])]),
            Extensions::I_DATA
        );
        assert!(!Extensions::default().contains(Extensions::I_DATA));
    }

    #[test]
    fn bits_round_trip_and_unknown_bits_are_dropped() {
        let e = Extensions::PR_SCTP.with(Extensions::RECONFIG);
        assert_eq!(Extensions::from_bits(e.bits()), e);
        assert_eq!(Extensions::from_bits(0xffff_ffc0), Extensions::NONE);
        let z = Extensions::ZERO_CHECKSUM;
        assert_eq!(Extensions::from_bits(z.bits()), z);
        assert_eq!(format!("{z:?}"), r#"{"ZERO-CHECKSUM"}"#);
        assert_eq!(
            z.offer().count(),
            0,
            "its own parameter, not Supported Extensions"
        );
        assert_eq!(Extensions::from_bits(1 << 5), Extensions::I_DATA);
        assert_eq!(format!("{e:?}"), r#"{"PR-SCTP", "RE-CONFIG"}"#);
    }
}
