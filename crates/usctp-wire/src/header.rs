//! The SCTP common header (RFC 9260 §3.1).

use core::fmt;

use bytes::BufMut;

use crate::{ParseError, Reader, VerificationTag};

/// The 12-byte common header, less the checksum (which the packet codec computes and checks).
///
/// ```text
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Source Port Number        |     Destination Port Number   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                      Verification Tag                         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                           Checksum                            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CommonHeader {
    /// Sender's SCTP port.
    pub src_port: u16,
    /// Receiver's SCTP port.
    pub dst_port: u16,
    /// Verification tag.
    pub vtag: VerificationTag,
}

impl CommonHeader {
    /// Encoded size, checksum included.
    pub const LEN: usize = 12;

    /// Read the header (the checksum is skipped; the packet codec verifies it).
    #[inline]
    pub fn parse(r: &mut Reader<'_>) -> Result<Self, ParseError> {
        // One bounds check for the whole header; the checksum bytes are skipped.
        let [s0, s1, d0, d1, v0, v1, v2, v3, ..] = r.array::<{ Self::LEN }>("common header")?;
        Ok(Self {
            src_port: u16::from_be_bytes([s0, s1]),
            dst_port: u16::from_be_bytes([d0, d1]),
            vtag: VerificationTag(u32::from_be_bytes([v0, v1, v2, v3])),
        })
    }

    /// Write the header with a zero checksum (filled in when the packet is complete).
    pub fn write<B: BufMut>(&self, out: &mut B) {
        out.put_u16(self.src_port);
        out.put_u16(self.dst_port);
        out.put_u32(self.vtag.0);
        out.put_u32(0);
    }
}

impl fmt::Display for CommonHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} > {} vtag {}",
            self.src_port, self.dst_port, self.vtag
        )
    }
}
