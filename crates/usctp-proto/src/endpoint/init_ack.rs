//! The INIT ACK packet (RFC 9260 §3.3.3), written in one pass: the cookie is encoded and
//! signed in place (`InitAck::write_with_cookie`), so answering an INIT allocates the packet
//! and nothing else (no cookie buffer, and no chunk to encode afterwards).

use usctp_wire::chunk::InitAck;
use usctp_wire::param::Parameter;
use usctp_wire::{crc, CommonHeader};

use super::cookie::signed_len;
use super::{CookieContents, CookieSigner};

/// The whole INIT ACK packet, written into `out` (emptied first; a buffer of an earlier reply
/// saves an allocation): `ack` (its parameters are those before the cookie), the State
/// Cookie of `cookie` signed by `signer`, then `reports` (Unrecognized Parameters),
/// checksummed.
pub(super) fn init_ack_packet(
    mut out: Vec<u8>,
    header: CommonHeader,
    ack: &InitAck,
    (signer, cookie): (&CookieSigner, &CookieContents),
    mut reports: &[Parameter],
) -> Vec<u8> {
    let cookie_len = signed_len(cookie);
    let packet_len = |reports| CommonHeader::LEN + ack.padded_len_with_cookie(cookie_len, reports);
    if packet_len(reports) > usize::from(u16::MAX) {
        // Reports of a huge INIT would not fit one packet: they are optional, leave them out.
        reports = &[];
    }
    out.clear();
    out.reserve_exact(packet_len(reports));
    header.write(&mut out);
    let sign = |out: &mut Vec<u8>| signer.sign_into(cookie, out);
    ack.write_with_cookie(&mut out, cookie_len, sign, reports);
    crc::write_checksum(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    use rand::rngs::StdRng;
    use rand::SeedableRng;
    use usctp_wire::chunk::Chunk;
    use usctp_wire::param::{StateCookie, UnknownParameter, UnrecognizedParameter};
    use usctp_wire::{Packet, PacketBuilder, ParseOptions, Tsn, VerificationTag};

    use super::*;
    use crate::TransportAddr;

    fn contents(peers: &[IpAddr], tie: u32) -> CookieContents {
        CookieContents {
            created_ms: 1234,
            lifetime_ms: 60_000,
            local_tag: VerificationTag(7),
            peer_tag: VerificationTag(9),
            local_initial_tsn: Tsn(100),
            peer_initial_tsn: Tsn(200),
            peer_rwnd: 65_536,
            outbound_streams: 10,
            inbound_streams: 5,
            local_port: 5000,
            peer_port: 6000,
            local_tie_tag: VerificationTag(tie),
            peer_tie_tag: VerificationTag(tie),
            features: crate::Extensions::default(),
            peer_addresses: peers
                .iter()
                .map(|ip| TransportAddr::raw(*ip))
                .collect::<Vec<_>>()
                .into(),
            auth: None,
            adaptation: None,
        }
    }

    type Case<'a> = (&'a [IpAddr], &'a [IpAddr], u32, Vec<Parameter>);

    /// `addresses` and our extension offer: what an INIT ACK lists before its cookie.
    fn ours(addresses: &[IpAddr]) -> Vec<Parameter> {
        let addresses = addresses.iter().map(|ip| Parameter::from(*ip));
        addresses
            .chain(crate::Extensions::default().offer())
            .collect()
    }

    /// `f` listing `addresses` and our offer before its cookie.
    fn with_addresses(f: &InitAck, addresses: &[IpAddr]) -> InitAck {
        InitAck {
            params: ours(addresses),
            ..f.clone()
        }
    }

    /// The same INIT ACK built as a chunk and encoded by the wire codec.
    fn through_the_codec(
        header: CommonHeader,
        f: &InitAck,
        addresses: &[IpAddr],
        cookie: Vec<u8>,
        reports: &[Parameter],
    ) -> Vec<u8> {
        let mut params = ours(addresses);
        params.push(
            StateCookie {
                cookie: cookie.into(),
            }
            .into(),
        );
        params.extend(reports.iter().cloned());
        let ack = Chunk::InitAck(InitAck {
            initiate_tag: f.initiate_tag,
            a_rwnd: f.a_rwnd,
            outbound_streams: f.outbound_streams,
            inbound_streams: f.inbound_streams,
            initial_tsn: f.initial_tsn,
            params,
        });
        let mut out = Vec::new();
        let mut b = PacketBuilder::new(&mut out, header, 65_535);
        assert!(b.push(&ack));
        b.finish(true);
        out
    }

    #[test]
    fn matches_the_codec_byte_for_byte() {
        let signer = CookieSigner::new(&mut StdRng::seed_from_u64(1), 60_000, 0);
        let header = CommonHeader {
            src_port: 5000,
            dst_port: 6000,
            vtag: VerificationTag(9),
        };
        let f = InitAck {
            initiate_tag: VerificationTag(7),
            a_rwnd: 131_072,
            outbound_streams: 10,
            inbound_streams: 12,
            initial_tsn: Tsn(100),
            params: Vec::new(),
        };
        let v4 = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
        let v6 = IpAddr::V6(Ipv6Addr::LOCALHOST);
        // Unknown parameter types with odd lengths: padding before and after the cookie.
        let report = |len: usize| -> Parameter {
            let raw = Parameter::Unknown(UnknownParameter {
                param_type: 0xc00f,
                value: vec![1; len].into(),
            });
            UnrecognizedParameter {
                raw: raw.to_vec().into(),
            }
            .into()
        };
        // Our listed addresses, the peer's, the tie-tags, the reports.
        let cases: [Case<'_>; 4] = [
            (&[], &[v4], 0, vec![]),
            (&[v4, v6], &[v6, v4, v4], 0, vec![]),
            (&[v4, v4], &[v6], 3, vec![report(1)]),
            (&[], &[v4], 0, vec![report(3), report(2)]),
        ];
        for (ours, peers, tie, reports) in cases {
            let c = contents(peers, tie);
            let ack = with_addresses(&f, ours);
            let direct = init_ack_packet(Vec::new(), header, &ack, (&signer, &c), &reports);
            let coded = through_the_codec(header, &f, ours, signer.sign(&c), &reports);
            assert_eq!(
                direct,
                coded,
                "ours {ours:?} peers {peers:?} reports {}",
                reports.len()
            );
            assert_eq!(direct.capacity(), direct.len(), "sized exactly");
            let packet = bytes::Bytes::from(direct);
            let (_, chunks) = Packet::chunks(&packet, ParseOptions::default()).expect("parses");
            let chunks: Vec<_> = chunks.collect::<Result<_, _>>().expect("chunks parse");
            assert!(matches!(chunks[..], [Chunk::InitAck(_)]));
        }
        // Reports that would pass the 64 KiB an SCTP packet can have are left out.
        let c = contents(&[v4], 0);
        let huge = [report(40_000), report(40_000)];
        let ack = with_addresses(&f, &[]);
        let direct = init_ack_packet(vec![1, 2, 3], header, &ack, (&signer, &c), &huge);
        let coded = through_the_codec(header, &f, &[], signer.sign(&c), &[]);
        assert_eq!(direct, coded);
    }
}
