//! SCTP wire codec: bytes to typed packets and back, with no state and no I/O.
//!
//! Covers the common header and CRC32c (RFC 9260 §3, §6.8, Appendix A), every chunk, parameter
//! and error cause of RFC 9260 and the extensions usctp implements (RFC 3758, 4820, 4895, 5061,
//! 6525, 7053, 8260, 9653), and unknown chunks and parameters with their upper-two-bits action
//! (RFC 9260 §3.2, §3.2.1).
//!
//! Parsing is zero-copy from [`bytes::Bytes`]: DATA payloads, cookies and opaque values are
//! slices of the received buffer. Every parse error says what was wrong and where.
//!
//! ```
//! use bytes::Bytes;
//! use usctp_wire::{chunk::{Chunk, CookieAck}, CommonHeader, Packet, ParseOptions, VerificationTag};
//!
//! let packet = Packet {
//!     header: CommonHeader { src_port: 5000, dst_port: 5001, vtag: VerificationTag(0x1234) },
//!     chunks: vec![Chunk::CookieAck(CookieAck)],
//! };
//! let bytes = Bytes::from(packet.to_vec());
//! assert_eq!(Packet::parse(&bytes, ParseOptions::default()).unwrap(), packet);
//! ```
#![forbid(unsafe_code)]

#[macro_use]
mod tlv_enum;
mod tlv;

pub mod builder;
pub mod cause;
pub mod chunk;
pub mod crc;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod header;
mod ids;
mod packet;
pub mod param;
mod reader;
pub mod serial;

pub use builder::PacketBuilder;
pub use error::{ParseError, ParseErrorKind};
pub use header::CommonHeader;
pub use ids::{Ppid, StreamId, VerificationTag};
pub use packet::{ChecksumCheck, ChunkIter, Packet, ParseOptions};
pub use reader::Reader;
pub use serial::{Fsn, Mid, Ssn, Tsn};
