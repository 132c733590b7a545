//! pcap files for SCTP tests and tools.
//!
//! [`PcapWriter`] writes classic pcap with `LINKTYPE_RAW`, so IPv4 and IPv6 packets share one
//! file; SCTP packets go in as raw IP (protocol 132) or inside UDP (RFC 6951). Timestamps come
//! from the caller: the library reads no clock.
//!
//! [`PcapReader`] reads classic pcap (either byte order, micro- or nanosecond timestamps) from
//! common link types and yields the SCTP packets it finds, with their addresses and, for
//! SCTP-in-UDP, the UDP ports. Captured bytes are hostile input: malformed frames become typed
//! errors, never panics.
//!
//! ```
//! use std::time::Duration;
//! use usctp_pcap::{PcapReader, PcapWriter};
//!
//! let sctp = [0u8; 12]; // any bytes: the writer does not look inside
//! let mut w = PcapWriter::new(Vec::new()).unwrap();
//! w.write_ipv4(Duration::ZERO, [10, 0, 0, 1].into(), [10, 0, 0, 2].into(), &sctp).unwrap();
//! w.write_udp(Duration::ZERO, "[fd00::1]:9900".parse().unwrap(), "[fd00::2]:9899".parse().unwrap(), &sctp).unwrap();
//! let file = w.into_inner();
//!
//! let frames: Vec<_> = PcapReader::new(file.into()).unwrap().sctp_packets().collect();
//! assert_eq!(frames.len(), 2);
//! let udp = frames[1].as_ref().unwrap().udp.unwrap();
//! assert_eq!((udp.src, udp.dst), (9900, 9899));
//! ```
#![forbid(unsafe_code)]
// Tests may unwrap: a panic there is a failed test.
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod checksum;
mod error;
mod extract;
mod ip;
mod link;
mod reader;
mod writer;

pub use error::PcapError;
pub use extract::{ExtractOptions, SctpFrame, SctpPackets, UdpPorts};
pub use link::LinkType;
pub use reader::{PcapReader, Record, Records, TsResolution};
pub use writer::PcapWriter;

/// IP protocol number of SCTP (IANA "Assigned Internet Protocol Numbers").
pub const IPPROTO_SCTP: u8 = 132;
/// IP protocol number of UDP.
pub const IPPROTO_UDP: u8 = 17;
/// The IANA-registered UDP port for SCTP-in-UDP (RFC 6951 §5.1).
pub const SCTP_UDP_PORT: u16 = 9899;

/// Read a big-endian `u16` at `off`, if the bytes are there.
pub(crate) fn be16(data: &[u8], off: usize) -> Option<u16> {
    let b = data.get(off..off.checked_add(2)?)?;
    Some(u16::from_be_bytes([*b.first()?, *b.get(1)?]))
}

/// Read four bytes at `off`, if they are there.
pub(crate) fn quad(data: &[u8], off: usize) -> Option<[u8; 4]> {
    let b = data.get(off..off.checked_add(4)?)?;
    b.try_into().ok()
}

#[cfg(test)]
mod testutil;
