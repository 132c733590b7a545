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
    pub fn parse(r: &mut Reader) -> Result<Self, ParseError> {
        let src_port = r.u16("source port")?;
        let dst_port = r.u16("destination port")?;
        let vtag = VerificationTag(r.u32("verification tag")?);
        r.u32("checksum")?;
        Ok(Self {
            src_port,
            dst_port,
            vtag,
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
