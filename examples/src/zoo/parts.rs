//! The parameters and error causes the zoo's chunks carry: every type the codec knows, each
//! placed in a chunk where the RFCs allow it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use bytes::Bytes;
use usctp_wire::cause::{
    CookieReceivedWhileShuttingDown, DeleteLastRemainingAddress, DeleteSourceAddress, ErrorCause,
    IllegalAsconfAck, InvalidMandatoryParameter, InvalidStreamIdentifier,
    MissingMandatoryParameter, NoAuthorization, NoUserData, OutOfResource, ProtocolViolation,
    ResourceShortage, RestartWithNewAddresses, StaleCookie, UnrecognizedChunkType,
    UnrecognizedParameters, UnresolvableAddress, UnsupportedHmacIdentifier, UserInitiatedAbort,
};
use usctp_wire::param::{
    types, AdaptationLayerIndication, AddIncomingStreamsRequest, AddIpAddress,
    AddOutgoingStreamsRequest, ChunkList, CookiePreservative, DeleteIpAddress, EcnCapable,
    ErrorCauseIndication, ForwardTsnSupported, HostNameAddress, IncomingSsnResetRequest,
    Ipv4Address, Ipv6Address, NextTsns, OutgoingSsnResetRequest, Padding, Parameter, Random,
    ReconfigResult, ReconfigurationResponse, RequestedHmacAlgorithm, SetPrimaryAddress,
    SsnTsnResetRequest, StateCookie, SuccessIndication, SupportedAddressTypes, SupportedExtensions,
    UnknownParameter, UnrecognizedParameter, ZeroChecksumAcceptable,
};
use usctp_wire::{StreamId, Tsn};

/// The client's IPv4 address, as carried in parameters (the pcap addresses are separate).
pub(crate) const CLIENT_V4: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const CLIENT_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
const SPARE_V4: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);
/// HMAC identifier of SHA-256 (RFC 4895 §3.3).
pub(crate) const HMAC_SHA256: u16 = 3;

/// A parameter TLV as copied into a cause or an Unrecognized Parameter: header and value; its
/// padding is the container's (RFC 9260 §3.2.1), as for the last parameter of a chunk.
fn raw(p: &Parameter) -> Bytes {
    let mut v = p.to_vec();
    v.truncate(p.encoded_len());
    Bytes::from(v)
}

/// INIT: addresses, every capability parameter and the deprecated host name.
pub(crate) fn init_params() -> Vec<Parameter> {
    vec![
        Ipv4Address(CLIENT_V4).into(),
        Ipv6Address(CLIENT_V6).into(),
        CookiePreservative { increment_ms: 1000 }.into(),
        HostNameAddress {
            raw: Bytes::from_static(b"zoo.example\0"),
        }
        .into(),
        SupportedAddressTypes {
            address_types: vec![types::IPV4_ADDRESS, types::IPV6_ADDRESS],
        }
        .into(),
        EcnCapable.into(),
        ZeroChecksumAcceptable { edmid: 1 }.into(),
        Random {
            random: Bytes::from_static(&[0x5a; 32]),
        }
        .into(),
        // AUTH must cover ASCONF and ASCONF-ACK (RFC 5061 §4.1.1); the zoo also authenticates DATA.
        ChunkList {
            chunk_types: vec![0, 0xc1, 0x80],
        }
        .into(),
        RequestedHmacAlgorithm {
            hmac_ids: vec![HMAC_SHA256, 1],
        }
        .into(),
        SupportedExtensions {
            chunk_types: vec![0x40, 0x80, 0x82, 0x84, 0xc0, 0xc1, 0xc2].into(),
        }
        .into(),
        ForwardTsnSupported.into(),
        AdaptationLayerIndication {
            indication: 0x0102_0304,
        }
        .into(),
        Padding {
            data: Bytes::from_static(&[0; 6]),
        }
        .into(),
    ]
}

/// INIT ACK: the cookie, and the parameter the server did not recognise, reported back.
pub(crate) fn init_ack_params() -> Vec<Parameter> {
    let unknown = Parameter::Unknown(UnknownParameter {
        param_type: 0xc0fe,
        value: Bytes::from_static(b"odd"),
    });
    vec![
        Ipv4Address(Ipv4Addr::new(192, 0, 2, 2)).into(),
        StateCookie {
            cookie: Bytes::from_static(&[0xc0; 24]),
        }
        .into(),
        UnrecognizedParameter { raw: raw(&unknown) }.into(),
        ForwardTsnSupported.into(),
    ]
}

/// ASCONF (RFC 5061 §4.1.1): the sender's address first, then one request of each kind.
pub(crate) fn asconf_params() -> Vec<Parameter> {
    let spare = IpAddr::V4(SPARE_V4);
    vec![
        Ipv4Address(CLIENT_V4).into(),
        AddIpAddress {
            correlation_id: 1,
            address: spare,
        }
        .into(),
        SetPrimaryAddress {
            correlation_id: 2,
            address: spare,
        }
        .into(),
        DeleteIpAddress {
            correlation_id: 3,
            address: IpAddr::V4(CLIENT_V4),
        }
        .into(),
    ]
}

/// ASCONF-ACK: a success and an error for the requests, the error naming every RFC 5061 cause.
pub(crate) fn asconf_ack_params() -> Vec<Parameter> {
    let request = raw(&DeleteIpAddress {
        correlation_id: 3,
        address: IpAddr::V4(CLIENT_V4),
    }
    .into());
    let causes: Vec<ErrorCause> = vec![
        DeleteLastRemainingAddress {
            request: request.clone(),
        }
        .into(),
        ResourceShortage {
            request: request.clone(),
        }
        .into(),
        DeleteSourceAddress {
            request: request.clone(),
        }
        .into(),
        NoAuthorization { request }.into(),
        IllegalAsconfAck.into(),
    ];
    vec![
        SuccessIndication { correlation_id: 1 }.into(),
        SuccessIndication { correlation_id: 2 }.into(),
        ErrorCauseIndication {
            correlation_id: 3,
            causes,
        }
        .into(),
    ]
}

/// RE-CONFIG requests (RFC 6525 §4.1 to §4.6); a chunk carries at most two, so in three chunks.
pub(crate) fn reconfig_requests() -> [Vec<Parameter>; 3] {
    let streams = vec![StreamId(1), StreamId(2)];
    [
        vec![
            OutgoingSsnResetRequest {
                request_seq: 10,
                response_seq: 20,
                last_tsn: Tsn(1009),
                streams: streams.clone(),
            }
            .into(),
            IncomingSsnResetRequest {
                request_seq: 11,
                streams,
            }
            .into(),
        ],
        vec![SsnTsnResetRequest { request_seq: 12 }.into()],
        vec![
            AddOutgoingStreamsRequest {
                request_seq: 13,
                new_streams: 4,
            }
            .into(),
            AddIncomingStreamsRequest {
                request_seq: 14,
                new_streams: 4,
            }
            .into(),
        ],
    ]
}

/// RE-CONFIG responses: a plain one and one with the next TSNs (SSN/TSN reset).
pub(crate) fn reconfig_responses() -> Vec<Parameter> {
    vec![
        ReconfigurationResponse {
            response_seq: 10,
            result: ReconfigResult::SuccessPerformed,
            next_tsns: None,
        }
        .into(),
        ReconfigurationResponse {
            response_seq: 12,
            result: ReconfigResult::SuccessPerformed,
            next_tsns: Some(NextTsns {
                sender: Tsn(5000),
                receiver: Tsn(1010),
            }),
        }
        .into(),
    ]
}

/// Causes an ERROR chunk may report (RFC 9260 §3.3.10, RFC 4895 §6.1).
pub(crate) fn error_causes() -> Vec<ErrorCause> {
    let unknown_param = Parameter::Unknown(UnknownParameter {
        param_type: 0xc0fe,
        value: Bytes::from_static(b"odd"),
    });
    let host = HostNameAddress {
        raw: Bytes::from_static(b"zoo.example\0"),
    };
    vec![
        InvalidStreamIdentifier {
            stream: StreamId(9),
        }
        .into(),
        MissingMandatoryParameter {
            missing: vec![types::STATE_COOKIE],
        }
        .into(),
        StaleCookie {
            staleness_us: 250_000,
        }
        .into(),
        OutOfResource.into(),
        UnresolvableAddress {
            address: raw(&host.into()),
        }
        .into(),
        // A chunk of unassigned type 0x7f (upper bits 01: stop and report).
        UnrecognizedChunkType {
            chunk: Bytes::from_static(&[0x7f, 0, 0, 8, 1, 2, 3, 4]),
        }
        .into(),
        InvalidMandatoryParameter.into(),
        UnrecognizedParameters {
            parameters: raw(&unknown_param),
        }
        .into(),
        NoUserData { tsn: Tsn(1003) }.into(),
        CookieReceivedWhileShuttingDown.into(),
        UnsupportedHmacIdentifier { hmac_id: 2 }.into(),
    ]
}

/// Causes an ABORT may carry.
pub(crate) fn abort_causes() -> Vec<ErrorCause> {
    vec![
        UserInitiatedAbort {
            reason: Bytes::from_static(b"closing the zoo"),
        }
        .into(),
        ProtocolViolation {
            info: Bytes::from_static(b"none, a demo"),
        }
        .into(),
        RestartWithNewAddresses {
            addresses: vec![Ipv4Address(SPARE_V4).into()],
        }
        .into(),
    ]
}
