//! The optional parameters of an INIT or INIT ACK that both the endpoint (answering an INIT)
//! and the association (taking an INIT ACK) act on.

use usctp_wire::chunk::UnknownAction;
use usctp_wire::param::{Parameter, UnrecognizedParameter};

use super::Extensions;
use crate::auth::{AuthParams, PeerAuth};

/// What the scan of an INIT's (or INIT ACK's) parameters found.
#[derive(Debug, Default)]
pub(crate) struct InitScan {
    /// Unrecognized Parameter reports, for the INIT ACK or an ERROR with the COOKIE ECHO.
    pub reports: Vec<Parameter>,
    /// The Cookie Preservative increment asked for, ms.
    pub preservative: u32,
    /// The extensions in force: those we enable (`ours`) that the peer offered too.
    pub extensions: Extensions,
    /// The peer's AUTH parameters, when we offer AUTH (RFC 4895 §6.1).
    pub auth: PeerAuth,
    /// The peer's Adaptation Layer Indication (RFC 5061 §4.2.6).
    pub adaptation: Option<u32>,
}

/// Walk the parameters by their action bits (RFC 9260 §3.2.1). A parameter counts as
/// recognized only when we act on it: one the codec knows but we do not support (or have
/// switched off, e.g. Forward-TSN-Supported without PR-SCTP, RFC 3758 §3.3.1) is skipped and
/// reported by its type bits like an unknown one.
pub(crate) fn scan_init_params(
    params: &[Parameter],
    ours: Extensions,
    edmid: Option<u32>,
) -> InitScan {
    let mut scan = InitScan::default();
    let mut end = params.len();
    for (i, p) in params.iter().enumerate() {
        match p {
            Parameter::CookiePreservative(c) => scan.preservative = c.increment_ms,
            Parameter::AdaptationLayerIndication(a) => scan.adaptation = Some(a.indication),
            p if handled(p, ours) => {}
            p => {
                let action = UnknownAction::for_param(p.param_type());
                if action.reports() {
                    let raw = p.to_vec().into();
                    scan.reports.push(UnrecognizedParameter { raw }.into());
                }
                if !action.skips() {
                    end = i;
                    break;
                }
            }
        }
    }
    // Parameters after a stop are not processed, offers included.
    let processed = params.get(..end).unwrap_or_default();
    let offered = Extensions::offered_by(processed).without(Extensions::AUTH);
    scan.extensions = ours.intersection(offered);
    // RFC 4895 §6.1: AUTH is in force when the peer sent valid RANDOM and HMAC-ALGO (listing
    // it in Supported Extensions alone does not do it; not listing it there, as some stacks
    // do not, is accepted).
    if ours.contains(Extensions::AUTH) {
        scan.auth = AuthParams::from_peer(processed);
        if matches!(scan.auth, PeerAuth::Offered(_)) {
            scan.extensions = scan.extensions.with(Extensions::AUTH);
        }
    }
    // RFC 9653 §5.1: zero checksum when both name the same error detection method.
    let same_method =
        |p: &Parameter| matches!(p, Parameter::ZeroChecksumAcceptable(z) if Some(z.edmid) == edmid);
    if ours.contains(Extensions::ZERO_CHECKSUM) && processed.iter().any(same_method) {
        scan.extensions = scan.extensions.with(Extensions::ZERO_CHECKSUM);
    }
    scan.extensions = scan.extensions.in_force();
    scan
}

/// Parameters of INIT / INIT ACK we act on (elsewhere: addresses, the cookie, host names,
/// which refuse the INIT); Unrecognized Parameter is the peer's report on ours.
fn handled(p: &Parameter, ours: Extensions) -> bool {
    match p {
        Parameter::Ipv4Address(_)
        | Parameter::Ipv6Address(_)
        | Parameter::StateCookie(_)
        | Parameter::CookiePreservative(_)
        | Parameter::HostNameAddress(_)
        | Parameter::SupportedAddressTypes(_)
        | Parameter::UnrecognizedParameter(_)
        | Parameter::SupportedExtensions(_)
        | Parameter::AdaptationLayerIndication(_) => true,
        Parameter::ForwardTsnSupported(_) => ours.contains(Extensions::PR_SCTP),
        Parameter::Random(_) | Parameter::ChunkList(_) | Parameter::RequestedHmacAlgorithm(_) => {
            ours.contains(Extensions::AUTH)
        }
        Parameter::ZeroChecksumAcceptable(_) => ours.contains(Extensions::ZERO_CHECKSUM),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use usctp_wire::param::{
        AdaptationLayerIndication, AddIpAddress, EcnCapable, ForwardTsnSupported,
        SupportedExtensions,
    };

    use super::*;

    fn reported(scan: &InitScan) -> Vec<u16> {
        let inner = |r: &Parameter| match r {
            Parameter::UnrecognizedParameter(u) => u16::from_be_bytes([u.raw[0], u.raw[1]]),
            _ => 0,
        };
        scan.reports.iter().map(inner).collect()
    }

    #[test]
    fn known_but_unsupported_parameters_are_reported_by_their_type_bits() {
        let params: Vec<Parameter> = vec![
            Parameter::from(std::net::IpAddr::from([127, 0, 0, 1])),
            EcnCapable.into(),
            AdaptationLayerIndication { indication: 7 }.into(),
            AddIpAddress {
                correlation_id: 1,
                address: std::net::IpAddr::from([192, 0, 2, 1]),
            }
            .into(),
            ForwardTsnSupported.into(),
            SupportedExtensions {
                chunk_types: [0xc0].into(),
            }
            .into(),
        ];
        let scan = scan_init_params(
            &params,
            Extensions::PR_SCTP.with(Extensions::RECONFIG),
            None,
        );
        // 0x8000: skip; 0xC001 (outside an ASCONF): skip and report; 0xC000 is ours, and so
        // is the Adaptation Layer Indication (RFC 5061 §4.2.6).
        assert_eq!(reported(&scan), [0xc001]);
        assert_eq!(scan.extensions, Extensions::PR_SCTP);
        assert_eq!(scan.adaptation, Some(7));
        // PR-SCTP switched off: Forward-TSN-Supported is reported (RFC 3758 §3.3.1).
        let scan = scan_init_params(&params, Extensions::RECONFIG, None);
        assert_eq!(reported(&scan), [0xc001, 0xc000]);
        assert_eq!(scan.extensions, Extensions::NONE);
    }

    #[test]
    fn zero_checksum_needs_the_same_method_and_our_offer() {
        use usctp_wire::param::ZeroChecksumAcceptable;
        let params: Vec<Parameter> = vec![ZeroChecksumAcceptable { edmid: 1 }.into()];
        let z = Extensions::ZERO_CHECKSUM;
        assert_eq!(scan_init_params(&params, z, Some(1)).extensions, z);
        let other = scan_init_params(&params, z, Some(2));
        assert_eq!(other.extensions, Extensions::NONE);
        assert!(other.reports.is_empty(), "known, so not reported");
        // Not ours: 0x8001 is skipped silently (RFC 9260 §3.2.1, action bits 10).
        let off = scan_init_params(&params, Extensions::NONE, None);
        assert_eq!(off.extensions, Extensions::NONE);
        assert!(off.reports.is_empty());
    }
}
