//! Extension chunks for the `association` target: FORWARD TSN with stream entries,
//! I-FORWARD-TSN, AUTH, RE-CONFIG with one or two requests or responses, ASCONF and
//! ASCONF-ACK, their sequence and serial numbers and TSNs near the values a real peer would
//! use.

use std::net::{IpAddr, Ipv4Addr};

use usctp_wire::cause::{DeleteLastRemainingAddress, ErrorCause};
use usctp_wire::chunk::{
    Asconf, AsconfAck, Auth, Chunk, ForwardTsn, ForwardTsnStream, IForwardTsn, IForwardTsnStream,
    ReConfig,
};
use usctp_wire::param::{
    AdaptationLayerIndication, AddIncomingStreamsRequest, AddIpAddress, AddOutgoingStreamsRequest,
    DeleteIpAddress, ErrorCauseIndication, IncomingSsnResetRequest, OutgoingSsnResetRequest,
    Parameter, ReconfigResult, ReconfigurationResponse, SetPrimaryAddress, SsnTsnResetRequest,
    SuccessIndication,
};
use usctp_wire::{Mid, Ssn, StreamId, Tsn};

use super::input::Input;
use super::templates::PeerView;

/// The peer's first TSN, which is also its first re-configuration request number.
const PEER_INITIAL: u32 = 1000;

impl PeerView {
    /// One extension chunk.
    pub(super) fn ext_chunk(&mut self, input: &mut Input<'_>) -> Chunk {
        match input.u8() % 7 {
            5 => Chunk::Asconf(self.asconf(input)),
            6 => Chunk::AsconfAck(self.asconf_ack(input)),
            0 => Chunk::ForwardTsn(ForwardTsn {
                new_cum_tsn: self.peer_tsn(input),
                streams: (0..input.u8() % 4)
                    .map(|_| ForwardTsnStream {
                        stream: StreamId(u16::from(input.u8() % 12)),
                        ssn: Ssn(u16::from(input.u8())),
                    })
                    .collect(),
            }),
            1 => Chunk::IForwardTsn(IForwardTsn {
                new_cum_tsn: self.peer_tsn(input),
                streams: (0..input.u8() % 3)
                    .map(|_| IForwardTsnStream {
                        stream: StreamId(u16::from(input.u8() % 12)),
                        unordered: input.bool(),
                        mid: Mid(u32::from(input.u8())),
                    })
                    .collect(),
            }),
            // RFC 4895: key ids and HMAC ids near the real ones, an HMAC of any length (it
            // never verifies: what follows it is dropped).
            4 => Chunk::Auth(Auth {
                shared_key_id: u16::from(input.u8() % 3),
                hmac_id: u16::from(input.u8() % 4),
                hmac: input.blob(),
            }),
            _ => Chunk::ReConfig(ReConfig {
                params: (0..1 + input.u8() % 2)
                    .map(|_| self.reconfig(input))
                    .collect(),
            }),
        }
    }

    /// An ASCONF (RFC 5061 §4.1.1): the next serial number, the last one again, or another;
    /// the lookup address, then ADD-IP / DELETE-IP / SET-PRIMARY of the peer's addresses,
    /// the wildcard or others, and now and then an Adaptation Layer Indication.
    fn asconf(&mut self, input: &mut Input<'_>) -> Asconf {
        let serial = match input.u8() % 4 {
            0 | 1 => {
                self.asconf_serial = self.asconf_serial.wrapping_add(1);
                self.asconf_serial.wrapping_sub(1)
            }
            2 => self.asconf_serial.wrapping_sub(1),
            _ => input.u32(),
        };
        let mut params = vec![Parameter::from(self.asconf_addr(input))];
        for i in 0..1 + input.u8() % 3 {
            let (correlation_id, address) = (u32::from(i), self.asconf_addr(input));
            params.push(match input.u8() % 4 {
                0 => AddIpAddress {
                    correlation_id,
                    address,
                }
                .into(),
                1 => DeleteIpAddress {
                    correlation_id,
                    address,
                }
                .into(),
                2 => SetPrimaryAddress {
                    correlation_id,
                    address,
                }
                .into(),
                _ => AdaptationLayerIndication {
                    indication: input.u32(),
                }
                .into(),
            });
        }
        Asconf { serial, params }
    }

    /// An address for an ASCONF: one the peer listed, the wildcard, or another.
    fn asconf_addr(&self, input: &mut Input<'_>) -> IpAddr {
        let k = usize::from(input.u8());
        match k % 4 {
            0 => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            1 => IpAddr::V4(Ipv4Addr::from(input.u32())),
            _ => self
                .addrs
                .get(k % self.addrs.len().max(1))
                .copied()
                .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        }
    }

    /// An ASCONF-ACK for a serial number near the SUT's first (its initial TSN), with success
    /// and error indications.
    fn asconf_ack(&mut self, input: &mut Input<'_>) -> AsconfAck {
        let serial = self.sut_tsn.wrapping_add(u32::from(input.u8() % 4));
        let params = (0..input.u8() % 3)
            .map(|_| match input.u8() % 2 {
                0 => SuccessIndication {
                    correlation_id: serial,
                }
                .into(),
                _ => ErrorCauseIndication {
                    correlation_id: serial,
                    causes: vec![ErrorCause::from(DeleteLastRemainingAddress {
                        request: input.blob(),
                    })],
                }
                .into(),
            })
            .collect();
        AsconfAck { serial, params }
    }

    fn peer_tsn(&self, input: &mut Input<'_>) -> Tsn {
        let delta = i32::from(input.u8() as i8);
        Tsn(self.next_tsn.wrapping_add_signed(delta))
    }

    /// A request sequence number of the peer's, around its first.
    fn request_seq(input: &mut Input<'_>) -> u32 {
        PEER_INITIAL.wrapping_add_signed(i32::from(input.u8() as i8 % 8))
    }

    /// A response sequence number: one of the SUT's request numbers, or around it.
    fn response_seq(&self, input: &mut Input<'_>) -> u32 {
        self.sut_tsn
            .wrapping_add_signed(i32::from(input.u8() as i8 % 8))
    }

    fn streams(input: &mut Input<'_>) -> Vec<StreamId> {
        (0..input.u8() % 4)
            .map(|_| StreamId(u16::from(input.u8() % 14)))
            .collect()
    }

    fn reconfig(&self, input: &mut Input<'_>) -> Parameter {
        match input.u8() % 6 {
            0 => OutgoingSsnResetRequest {
                request_seq: Self::request_seq(input),
                response_seq: self.response_seq(input),
                last_tsn: self.peer_tsn(input),
                streams: Self::streams(input),
            }
            .into(),
            1 => IncomingSsnResetRequest {
                request_seq: Self::request_seq(input),
                streams: Self::streams(input),
            }
            .into(),
            2 => SsnTsnResetRequest {
                request_seq: Self::request_seq(input),
            }
            .into(),
            3 => AddOutgoingStreamsRequest {
                request_seq: Self::request_seq(input),
                new_streams: input.u16(),
            }
            .into(),
            4 => AddIncomingStreamsRequest {
                request_seq: Self::request_seq(input),
                new_streams: input.u16(),
            }
            .into(),
            _ => ReconfigurationResponse {
                response_seq: self.response_seq(input),
                result: ReconfigResult::from(u32::from(input.u8() % 8)),
                next_tsns: None,
            }
            .into(),
        }
    }
}
