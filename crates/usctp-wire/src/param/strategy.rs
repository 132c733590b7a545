//! proptest strategies that generate every parameter type, for `parse(write(x)) == x`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use proptest::collection::vec;
use proptest::prelude::*;

use super::*;
use crate::cause::strategy::cause_list;
use crate::chunk::strategy::bytes;
use crate::{StreamId, Tsn};

fn unknown() -> impl Strategy<Value = UnknownParameter> {
    (
        prop_oneof![Just(0x0077u16), Just(0x4077), Just(0x8077), Just(0xc077)],
        bytes(24),
    )
        .prop_map(|(param_type, value)| UnknownParameter { param_type, value })
}

fn ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(|a| IpAddr::V4(Ipv4Addr::from(a))),
        any::<[u8; 16]>().prop_map(|a| IpAddr::V6(Ipv6Addr::from(a))),
    ]
}

fn streams() -> impl Strategy<Value = Vec<StreamId>> {
    vec(any::<u16>().prop_map(StreamId), 0..8)
}

fn reconfig_response() -> impl Strategy<Value = ReconfigurationResponse> {
    (
        any::<u32>(),
        prop_oneof![0..8u32, any::<u32>()],
        proptest::option::of(any::<(u32, u32)>()),
    )
        .prop_map(|(response_seq, code, tsns)| ReconfigurationResponse {
            response_seq,
            result: ReconfigResult::from(code),
            next_tsns: tsns.map(|(s, r)| NextTsns {
                sender: Tsn(s),
                receiver: Tsn(r),
            }),
        })
}

/// Parameters of RFC 9260 and the feature-negotiation extensions.
fn base_parameter() -> impl Strategy<Value = Parameter> {
    prop_oneof![
        bytes(24).prop_map(|info| HeartbeatInfo { info }.into()),
        ip().prop_map(Parameter::from),
        bytes(40).prop_map(|cookie| StateCookie { cookie }.into()),
        bytes(24).prop_map(|raw| UnrecognizedParameter { raw }.into()),
        any::<u32>().prop_map(|increment_ms| CookiePreservative { increment_ms }.into()),
        bytes(24).prop_map(|raw| HostNameAddress { raw }.into()),
        vec(any::<u16>(), 0..4)
            .prop_map(|address_types| SupportedAddressTypes { address_types }.into()),
        Just(EcnCapable.into()),
        any::<u32>().prop_map(|edmid| ZeroChecksumAcceptable { edmid }.into()),
        bytes(36).prop_map(|random| Random { random }.into()),
        vec(any::<u8>(), 0..8).prop_map(|chunk_types| ChunkList { chunk_types }.into()),
        vec(any::<u16>(), 0..4).prop_map(|hmac_ids| RequestedHmacAlgorithm { hmac_ids }.into()),
        bytes(24).prop_map(|data| Padding { data }.into()),
        vec(any::<u8>(), 0..30).prop_map(|t| SupportedExtensions {
            chunk_types: t.into()
        }
        .into()),
        Just(ForwardTsnSupported.into()),
        any::<u32>().prop_map(|indication| AdaptationLayerIndication { indication }.into()),
    ]
}

/// Parameters of RE-CONFIG (RFC 6525) and ASCONF (RFC 5061).
fn request_parameter() -> impl Strategy<Value = Parameter> {
    prop_oneof![
        (any::<u32>(), any::<u32>(), any::<u32>(), streams()).prop_map(|(rq, rs, tsn, streams)| {
            OutgoingSsnResetRequest {
                request_seq: rq,
                response_seq: rs,
                last_tsn: Tsn(tsn),
                streams,
            }
            .into()
        }),
        (any::<u32>(), streams()).prop_map(|(request_seq, streams)| {
            IncomingSsnResetRequest {
                request_seq,
                streams,
            }
            .into()
        }),
        any::<u32>().prop_map(|request_seq| SsnTsnResetRequest { request_seq }.into()),
        reconfig_response().prop_map(Parameter::from),
        any::<(u32, u16)>().prop_map(|(request_seq, new_streams)| {
            AddOutgoingStreamsRequest {
                request_seq,
                new_streams,
            }
            .into()
        }),
        any::<(u32, u16)>().prop_map(|(request_seq, new_streams)| {
            AddIncomingStreamsRequest {
                request_seq,
                new_streams,
            }
            .into()
        }),
        (any::<u32>(), ip()).prop_map(|(correlation_id, address)| {
            AddIpAddress {
                correlation_id,
                address,
            }
            .into()
        }),
        (any::<u32>(), ip()).prop_map(|(correlation_id, address)| {
            DeleteIpAddress {
                correlation_id,
                address,
            }
            .into()
        }),
        (any::<u32>(), cause_list(4)).prop_map(|(correlation_id, causes)| {
            ErrorCauseIndication {
                correlation_id,
                causes,
            }
            .into()
        }),
        (any::<u32>(), ip()).prop_map(|(correlation_id, address)| {
            SetPrimaryAddress {
                correlation_id,
                address,
            }
            .into()
        }),
        any::<u32>().prop_map(|correlation_id| SuccessIndication { correlation_id }.into()),
    ]
}

/// Every type number the codec decodes.
const KNOWN: [u16; 28] = [
    types::HEARTBEAT_INFO,
    types::IPV4_ADDRESS,
    types::IPV6_ADDRESS,
    types::STATE_COOKIE,
    types::UNRECOGNIZED_PARAMETER,
    types::COOKIE_PRESERVATIVE,
    types::HOST_NAME_ADDRESS,
    types::SUPPORTED_ADDRESS_TYPES,
    types::OUTGOING_SSN_RESET_REQUEST,
    types::INCOMING_SSN_RESET_REQUEST,
    types::SSN_TSN_RESET_REQUEST,
    types::RECONFIGURATION_RESPONSE,
    types::ADD_OUTGOING_STREAMS_REQUEST,
    types::ADD_INCOMING_STREAMS_REQUEST,
    types::ECN_CAPABLE,
    types::ZERO_CHECKSUM_ACCEPTABLE,
    types::RANDOM,
    types::CHUNK_LIST,
    types::REQUESTED_HMAC_ALGORITHM,
    types::PADDING,
    types::SUPPORTED_EXTENSIONS,
    types::FORWARD_TSN_SUPPORTED,
    types::ADD_IP_ADDRESS,
    types::DELETE_IP_ADDRESS,
    types::ERROR_CAUSE_INDICATION,
    types::SET_PRIMARY_ADDRESS,
    types::SUCCESS_INDICATION,
    types::ADAPTATION_LAYER_INDICATION,
];

/// Any parameter.
pub(crate) fn any_parameter() -> impl Strategy<Value = Parameter> {
    prop_oneof![
        base_parameter(),
        request_parameter(),
        unknown().prop_map(Parameter::Unknown),
    ]
}

/// A list of up to `max` address parameters and unknown parameters: what
/// [`Parameter::parse_address_list`] returns.
pub(crate) fn address_list(max: usize) -> impl Strategy<Value = Vec<Parameter>> {
    let item = prop_oneof![
        ip().prop_map(Parameter::from),
        unknown().prop_map(Parameter::Unknown)
    ];
    proptest::collection::vec(item, 0..max)
}

/// A list of up to `max` parameters.
pub(crate) fn parameter_list(max: usize) -> impl Strategy<Value = Vec<Parameter>> {
    proptest::collection::vec(any_parameter(), 0..max)
}

proptest! {
    #[test]
    fn parameter_round_trip(p in any_parameter()) {
        let wire = bytes::Bytes::from(p.to_vec());
        prop_assert_eq!(wire.len(), p.padded_len());
        prop_assert_eq!(Parameter::parse_one(wire, 0), Ok(p));
    }

    #[test]
    fn parameter_list_round_trip(list in parameter_list(6)) {
        let mut out = Vec::new();
        Parameter::write_list(&list, &mut out);
        prop_assert_eq!(out.len(), Parameter::list_len(&list));
        let buf = bytes::Bytes::from(out);
        let mut r = crate::Reader::new(&buf, 0, None);
        prop_assert_eq!(Parameter::parse_list(&mut r), Ok(list));
    }

    #[test]
    fn hostile_values_never_panic(code in prop::sample::select(KNOWN.to_vec()), value in bytes(48)) {
        // A known type with any value: decoding may fail but must not panic.
        let mut wire = Vec::with_capacity(4 + value.len());
        wire.extend_from_slice(&code.to_be_bytes());
        wire.extend_from_slice(&((value.len() + 4) as u16).to_be_bytes());
        wire.extend_from_slice(&value);
        if let Ok(p) = Parameter::parse_one(bytes::Bytes::from(wire), 0) {
            let _ = p.to_string();
            prop_assert_eq!(p.param_type(), code);
        }
    }
}
