//! The chunk zoo: a short made-up association that puts every chunk type, parameter type and
//! error cause the wire codec knows on the wire at least once, for dissectors to check.
//!
//! [`packets`] builds the SCTP packets with the public codec API ([`PacketBuilder`], real
//! CRC32c); [`write_pcap`] writes them three times, as SCTP over IPv4, over IPv6 and inside UDP
//! to port 9899 (RFC 6951).

mod parts;
mod script;

use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use usctp_pcap::{PcapWriter, SCTP_UDP_PORT};
use usctp_wire::chunk::Chunk;
use usctp_wire::{CommonHeader, PacketBuilder, VerificationTag};

/// Which way a packet goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From the client (the INIT sender) to the server.
    ToServer,
    /// From the server to the client.
    ToClient,
}

/// One SCTP packet of the zoo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZooPacket {
    /// Which way it goes.
    pub direction: Direction,
    /// The SCTP packet, checksum included.
    pub bytes: Vec<u8>,
}

/// How the pcap carries the SCTP packets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier {
    /// IPv4, protocol 132.
    Ipv4,
    /// IPv6, next header 132.
    Ipv6,
    /// UDP over IPv4, the server on port 9899 (RFC 6951).
    Udp,
}

/// The carriers [`write_pcap`] uses, in file order.
pub const CARRIERS: [Carrier; 3] = [Carrier::Ipv4, Carrier::Ipv6, Carrier::Udp];

pub(crate) const CLIENT_TAG: VerificationTag = VerificationTag(0x1c11_e47a);
pub(crate) const SERVER_TAG: VerificationTag = VerificationTag(0x5e27_e47a);
const CLIENT_UDP_PORT: u16 = 49_152;
const MTU_BUDGET: usize = 1452;

/// The zoo's SCTP packets in order, each built with [`PacketBuilder`]. The SCTP ports differ
/// per carrier (client 5000, 5002, 5004; server one above), so that dissectors tracking
/// associations do not take one carrier's packets for retransmissions of another's.
pub fn packets(carrier: Carrier) -> Vec<ZooPacket> {
    let client_port = 5000 + 2 * carrier as u16;
    let server_port = client_port + 1;
    script::script()
        .into_iter()
        .map(|(direction, chunks)| {
            let is_init = matches!(chunks.first(), Some(Chunk::Init(_)));
            let header = match direction {
                // An INIT goes out with tag 0 (RFC 9260 §8.5.1).
                Direction::ToServer if is_init => {
                    header(client_port, server_port, VerificationTag(0))
                }
                Direction::ToServer => header(client_port, server_port, SERVER_TAG),
                Direction::ToClient => header(server_port, client_port, CLIENT_TAG),
            };
            let mut bytes = Vec::new();
            let mut b = PacketBuilder::new(&mut bytes, header, MTU_BUDGET);
            for c in &chunks {
                assert!(b.push(c), "zoo chunk does not fit one packet: {c}");
            }
            b.finish(true);
            ZooPacket { direction, bytes }
        })
        .collect()
}

fn header(src_port: u16, dst_port: u16, vtag: VerificationTag) -> CommonHeader {
    CommonHeader {
        src_port,
        dst_port,
        vtag,
    }
}

/// Write the zoo to `out` as a pcap file: every packet over each of [`CARRIERS`], one
/// millisecond apart from a fixed start. Returns the number of records.
pub fn write_pcap<W: Write>(out: W) -> io::Result<usize> {
    let client4 = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
    let server4 = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2));
    let client6 = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1));
    let server6 = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2));
    let mut w = PcapWriter::new(out)?;
    let start = Duration::from_secs(1_700_000_000);
    let mut n = 0u64;
    for carrier in CARRIERS {
        for p in packets(carrier) {
            let ts = start + Duration::from_millis(n);
            let (client, server) = match carrier {
                Carrier::Ipv4 | Carrier::Udp => (client4, server4),
                Carrier::Ipv6 => (client6, server6),
            };
            let (src, dst) = match p.direction {
                Direction::ToServer => (client, server),
                Direction::ToClient => (server, client),
            };
            if carrier == Carrier::Udp {
                let port = |a| {
                    if a == client {
                        CLIENT_UDP_PORT
                    } else {
                        SCTP_UDP_PORT
                    }
                };
                let (s, d) = (
                    SocketAddr::new(src, port(src)),
                    SocketAddr::new(dst, port(dst)),
                );
                w.write_udp(ts, s, d, &p.bytes)?;
            } else {
                w.write_sctp(ts, src, dst, &p.bytes)?;
            }
            n += 1;
        }
    }
    w.flush()?;
    Ok(n as usize)
}

#[cfg(test)]
mod tests;
