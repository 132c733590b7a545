//! The zoo holds what it promises, and every packet parses back with a good checksum.

use std::collections::BTreeSet;

use bytes::Bytes;
use usctp_wire::cause::codes;
use usctp_wire::chunk::{types as chunk_types, Chunk};
use usctp_wire::param::{types as param_types, Parameter};
use usctp_wire::{Packet, ParseOptions};

use super::*;

fn parsed() -> Vec<Packet> {
    packets(Carrier::Ipv4)
        .into_iter()
        .map(
            |p| match Packet::parse(&Bytes::from(p.bytes), ParseOptions::default()) {
                Ok(p) => p,
                Err(e) => panic!("zoo packet does not parse: {e}"),
            },
        )
        .collect()
}

#[test]
fn every_chunk_type_is_there() {
    let seen: BTreeSet<u8> = parsed()
        .iter()
        .flat_map(|p| p.chunks.iter().map(Chunk::chunk_type))
        .collect();
    let all = [
        chunk_types::DATA,
        chunk_types::INIT,
        chunk_types::INIT_ACK,
        chunk_types::SACK,
        chunk_types::HEARTBEAT,
        chunk_types::HEARTBEAT_ACK,
        chunk_types::ABORT,
        chunk_types::SHUTDOWN,
        chunk_types::SHUTDOWN_ACK,
        chunk_types::ERROR,
        chunk_types::COOKIE_ECHO,
        chunk_types::COOKIE_ACK,
        chunk_types::ECNE,
        chunk_types::CWR,
        chunk_types::SHUTDOWN_COMPLETE,
        chunk_types::AUTH,
        chunk_types::I_DATA,
        chunk_types::ASCONF_ACK,
        chunk_types::RE_CONFIG,
        chunk_types::PAD,
        chunk_types::FORWARD_TSN,
        chunk_types::ASCONF,
        chunk_types::I_FORWARD_TSN,
    ];
    assert_eq!(seen, BTreeSet::from(all));
}

/// Parameter types and cause codes found in the chunks (one level of nesting, as placed).
fn params_and_causes() -> (BTreeSet<u16>, BTreeSet<u16>) {
    let (mut params, mut causes) = (BTreeSet::new(), BTreeSet::new());
    let mut add_params = |list: &[Parameter], causes: &mut BTreeSet<u16>| {
        for p in list {
            params.insert(p.param_type());
            if let Parameter::ErrorCauseIndication(e) = p {
                causes.extend(e.causes.iter().map(|c| c.code()));
            }
        }
    };
    for c in parsed().iter().flat_map(|p| p.chunks.iter()) {
        match c {
            Chunk::Init(i) => add_params(&i.params, &mut causes),
            Chunk::InitAck(i) => add_params(&i.params, &mut causes),
            Chunk::Asconf(a) => add_params(&a.params, &mut causes),
            Chunk::AsconfAck(a) => add_params(&a.params, &mut causes),
            Chunk::ReConfig(r) => add_params(&r.params, &mut causes),
            Chunk::Heartbeat(_) => add_params(&[], &mut causes),
            Chunk::Error(e) => causes.extend(e.causes.iter().map(|c| c.code())),
            Chunk::Abort(a) => causes.extend(a.causes.iter().map(|c| c.code())),
            _ => {}
        }
    }
    // The HEARTBEAT chunk carries the Heartbeat Info parameter in its layout.
    params.insert(param_types::HEARTBEAT_INFO);
    (params, causes)
}

#[test]
fn every_parameter_and_cause_is_there() {
    use param_types::*;
    let (params, causes) = params_and_causes();
    let all_params = [
        HEARTBEAT_INFO,
        IPV4_ADDRESS,
        IPV6_ADDRESS,
        STATE_COOKIE,
        UNRECOGNIZED_PARAMETER,
        COOKIE_PRESERVATIVE,
        HOST_NAME_ADDRESS,
        SUPPORTED_ADDRESS_TYPES,
        OUTGOING_SSN_RESET_REQUEST,
        INCOMING_SSN_RESET_REQUEST,
        SSN_TSN_RESET_REQUEST,
        RECONFIGURATION_RESPONSE,
        ADD_OUTGOING_STREAMS_REQUEST,
        ADD_INCOMING_STREAMS_REQUEST,
        ECN_CAPABLE,
        ZERO_CHECKSUM_ACCEPTABLE,
        RANDOM,
        CHUNK_LIST,
        REQUESTED_HMAC_ALGORITHM,
        PADDING,
        SUPPORTED_EXTENSIONS,
        FORWARD_TSN_SUPPORTED,
        ADD_IP_ADDRESS,
        DELETE_IP_ADDRESS,
        ERROR_CAUSE_INDICATION,
        SET_PRIMARY_ADDRESS,
        SUCCESS_INDICATION,
        ADAPTATION_LAYER_INDICATION,
    ];
    assert_eq!(params, BTreeSet::from(all_params));
    let all_causes = [
        codes::INVALID_STREAM_IDENTIFIER,
        codes::MISSING_MANDATORY_PARAMETER,
        codes::STALE_COOKIE,
        codes::OUT_OF_RESOURCE,
        codes::UNRESOLVABLE_ADDRESS,
        codes::UNRECOGNIZED_CHUNK_TYPE,
        codes::INVALID_MANDATORY_PARAMETER,
        codes::UNRECOGNIZED_PARAMETERS,
        codes::NO_USER_DATA,
        codes::COOKIE_RECEIVED_WHILE_SHUTTING_DOWN,
        codes::RESTART_WITH_NEW_ADDRESSES,
        codes::USER_INITIATED_ABORT,
        codes::PROTOCOL_VIOLATION,
        codes::DELETE_LAST_REMAINING_ADDRESS,
        codes::RESOURCE_SHORTAGE,
        codes::DELETE_SOURCE_ADDRESS,
        codes::ILLEGAL_ASCONF_ACK,
        codes::NO_AUTHORIZATION,
        codes::UNSUPPORTED_HMAC_IDENTIFIER,
    ];
    assert_eq!(causes, BTreeSet::from(all_causes));
}

#[test]
fn pcap_holds_every_packet_per_carrier() {
    let mut file = Vec::new();
    let n = write_pcap(&mut file);
    let total: usize = CARRIERS.iter().map(|&c| packets(c).len()).sum();
    assert_eq!(n.ok(), Some(total));
    let frames = usctp_pcap::PcapReader::new(file.into()).map(|r| r.sctp_packets().count());
    assert_eq!(frames.ok(), Some(total));
}
