//! Typed errors of the pcap reader.

use core::fmt;
use std::io;

/// Why a file or a frame could not be read.
///
/// `frame` numbers count records from 1, as Wireshark's `frame.number` does.
#[non_exhaustive]
#[derive(Debug)]
pub enum PcapError {
    /// Reading the input failed.
    Io(io::Error),
    /// The file is pcapng, which this reader does not handle (convert with `editcap -F pcap`).
    Pcapng,
    /// The first four bytes are no pcap magic number.
    BadMagic {
        /// The bytes, read big-endian.
        magic: u32,
    },
    /// The file is shorter than the 24-byte pcap file header.
    FileHeaderTooShort {
        /// File length.
        len: usize,
    },
    /// A record header or its captured bytes run past the end of the file; nothing after it
    /// can be read.
    RecordTruncated {
        /// The record's number.
        frame: u64,
        /// Bytes needed from the record header on.
        needed: usize,
        /// Bytes left in the file.
        available: usize,
    },
    /// The file's link type is not one the SCTP extractor decodes.
    UnsupportedLinkType {
        /// The link type number.
        link_type: u32,
    },
    /// A header or payload runs past the captured bytes of the frame.
    Truncated {
        /// The record's number.
        frame: u64,
        /// The layer being decoded (`"ethernet"`, `"ipv4"`, `"udp"`, ...).
        layer: &'static str,
        /// Bytes needed.
        needed: usize,
        /// Bytes captured.
        available: usize,
    },
    /// The frame was cut by the capture's snapshot length before the end of the SCTP packet.
    Snapped {
        /// The record's number.
        frame: u64,
        /// Bytes captured.
        captured: u32,
        /// Bytes on the wire.
        original: u32,
    },
    /// A header field holds a value that makes the frame undecodable.
    BadHeader {
        /// The record's number.
        frame: u64,
        /// The layer being decoded.
        layer: &'static str,
        /// The field at fault.
        field: &'static str,
    },
    /// An IP fragment of an SCTP or UDP datagram; fragments are not reassembled.
    Fragment {
        /// The record's number.
        frame: u64,
    },
}

impl fmt::Display for PcapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "read failed: {e}"),
            Self::Pcapng => f.write_str("pcapng is not supported; convert with editcap -F pcap"),
            Self::BadMagic { magic } => write!(f, "not a pcap file (magic {magic:#010x})"),
            Self::FileHeaderTooShort { len } => {
                write!(f, "file of {len} bytes is shorter than the pcap header")
            }
            Self::RecordTruncated {
                frame,
                needed,
                available,
            } => write!(
                f,
                "frame {frame}: record needs {needed} bytes, file has {available} left"
            ),
            Self::UnsupportedLinkType { link_type } => {
                write!(f, "link type {link_type} is not supported")
            }
            Self::Truncated {
                frame,
                layer,
                needed,
                available,
            } => write!(
                f,
                "frame {frame}: {layer} needs {needed} bytes, {available} captured"
            ),
            Self::Snapped {
                frame,
                captured,
                original,
            } => write!(
                f,
                "frame {frame}: only {captured} of {original} bytes captured"
            ),
            Self::BadHeader {
                frame,
                layer,
                field,
            } => {
                write!(f, "frame {frame}: bad {layer} {field}")
            }
            Self::Fragment { frame } => write!(f, "frame {frame}: IP fragment, not reassembled"),
        }
    }
}

impl std::error::Error for PcapError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for PcapError {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}
