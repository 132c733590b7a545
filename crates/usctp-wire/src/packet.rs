//! Whole packets: checksum verification, the chunk sequence, and serialisation.

use core::fmt;

use bytes::Bytes;

use crate::chunk::Chunk;
use crate::{crc, CommonHeader, ParseError, ParseErrorKind, Reader};

/// How the CRC32c of a received packet is checked.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChecksumCheck {
    /// Verify it (RFC 9260 §6.8). The default.
    #[default]
    Verify,
    /// Accept a zero checksum field, verify any other value: for an association that negotiated
    /// Zero Checksum Acceptable (RFC 9653).
    AllowZero,
    /// Do not look at it (the caller verified it already, or a lower layer guarantees integrity).
    Skip,
}

/// Options for [`Packet::parse`] and [`Packet::chunks`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ParseOptions {
    /// Checksum policy.
    pub checksum: ChecksumCheck,
}

/// An SCTP packet: the common header and its chunks (RFC 9260 §3).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Packet {
    /// Ports and verification tag.
    pub header: CommonHeader,
    /// The chunks, in order.
    pub chunks: Vec<Chunk>,
}

impl Packet {
    /// Verify the checksum and decode every chunk.
    pub fn parse(data: &Bytes, opts: ParseOptions) -> Result<Self, ParseError> {
        let (header, iter) = Self::chunks(data, opts)?;
        // A plain loop: `collect::<Result<Vec<_>, _>>()` compiled to a slower one here.
        let mut chunks = Vec::new();
        for c in iter {
            chunks.push(c?);
        }
        Ok(Self { header, chunks })
    }

    /// Verify the checksum and decode the header; the chunks are decoded lazily by the
    /// returned iterator, which stops after the first error.
    #[inline]
    pub fn chunks(
        data: &Bytes,
        opts: ParseOptions,
    ) -> Result<(CommonHeader, ChunkIter<'_>), ParseError> {
        if data.len() < CommonHeader::LEN {
            return Err(ParseError {
                kind: ParseErrorKind::PacketTooShort { len: data.len() },
                offset: 0,
                chunk_type: None,
            });
        }
        let mut r = Reader::new(data, 0, None);
        let header = CommonHeader::parse(&mut r)?;
        // After the reader is built, not before: the CRC's run lets the reader's stores settle
        // before it is moved into the result (moved at once, the copy stalls on store forwarding).
        verify_checksum(data, opts.checksum)?;
        Ok((header, ChunkIter { r, failed: false }))
    }

    /// Bytes this packet takes on the wire.
    pub fn encoded_len(&self) -> usize {
        CommonHeader::LEN + self.chunks.iter().map(Chunk::padded_len).sum::<usize>()
    }

    /// Append the packet, checksum included, to `out`.
    pub fn write(&self, out: &mut Vec<u8>) {
        let start = out.len();
        out.reserve(self.encoded_len());
        self.header.write(out);
        for c in &self.chunks {
            c.write(out);
        }
        crc::write_checksum(&mut out[start..]);
    }

    /// The packet as a new vector.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.encoded_len());
        self.write(&mut v);
        v
    }
}

#[inline]
fn verify_checksum(data: &[u8], check: ChecksumCheck) -> Result<(), ParseError> {
    let found = crc::checksum_field(data).unwrap_or(0);
    let ok = match check {
        ChecksumCheck::Skip => true,
        ChecksumCheck::AllowZero if found == 0 => true,
        _ => false,
    };
    if ok {
        return Ok(());
    }
    let computed = crc::packet_checksum(data).unwrap_or(0);
    if computed == found {
        Ok(())
    } else {
        Err(ParseError {
            kind: ParseErrorKind::BadChecksum { found, computed },
            offset: crc::CHECKSUM_OFFSET,
            chunk_type: None,
        })
    }
}

/// Decodes the chunks of a packet one at a time (see [`Packet::chunks`]).
#[derive(Debug, Clone)]
pub struct ChunkIter<'a> {
    r: Reader<'a>,
    failed: bool,
}

impl ChunkIter<'_> {
    /// Absolute offset of the next chunk.
    pub fn offset(&self) -> usize {
        self.r.offset()
    }
}

impl Iterator for ChunkIter<'_> {
    type Item = Result<Chunk, ParseError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let item = Chunk::parse_next(&mut self.r).transpose();
        if matches!(item, Some(Err(_))) {
            self.failed = true;
        }
        item
    }
}

impl fmt::Display for Packet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.header)?;
        for c in &self.chunks {
            write!(f, " [{c}]")?;
        }
        Ok(())
    }
}
