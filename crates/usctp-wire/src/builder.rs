//! Bundling chunks into one packet within an MTU budget (RFC 9260 §6.10).

use crate::chunk::{Chunk, Data};
use crate::{crc, CommonHeader};

/// Appends one packet to a caller-owned buffer, chunk by chunk, never exceeding `max_len`.
///
/// ```
/// use usctp_wire::{chunk::{Chunk, CookieAck}, CommonHeader, PacketBuilder};
/// let mut buf = Vec::new();
/// let mut b = PacketBuilder::new(&mut buf, CommonHeader::default(), 1200);
/// assert!(b.push(&Chunk::CookieAck(CookieAck)));
/// let len = b.finish(true);
/// assert_eq!(len, 16);
/// ```
#[derive(Debug)]
pub struct PacketBuilder<'a> {
    out: &'a mut Vec<u8>,
    start: usize,
    max_len: usize,
    chunks: usize,
}

impl<'a> PacketBuilder<'a> {
    /// Start a packet at the end of `out`; `max_len` is the budget for the whole SCTP packet
    /// (path MTU less IP and UDP headers). A budget below 12 bytes is raised to 12.
    pub fn new(out: &'a mut Vec<u8>, header: CommonHeader, max_len: usize) -> Self {
        Self::with_reserve(out, header, max_len, max_len)
    }

    /// Like [`new`](Self::new), but reserves only `reserve` bytes up front (at most
    /// `max_len`): a packet of a few control chunks needs no MTU-sized buffer.
    pub fn with_reserve(
        out: &'a mut Vec<u8>,
        header: CommonHeader,
        max_len: usize,
        reserve: usize,
    ) -> Self {
        let start = out.len();
        out.reserve(reserve.min(max_len).min(65_535));
        header.write(out);
        Self {
            out,
            start,
            max_len: max_len.max(CommonHeader::LEN),
            chunks: 0,
        }
    }

    /// Bytes written so far, header included.
    pub fn len(&self) -> usize {
        self.out.len() - self.start
    }

    /// True if no chunk was added.
    pub fn is_empty(&self) -> bool {
        self.chunks == 0
    }

    /// Number of chunks added.
    pub fn chunk_count(&self) -> usize {
        self.chunks
    }

    /// Bytes still available for chunks (padding included).
    pub fn remaining(&self) -> usize {
        self.max_len.saturating_sub(self.len())
    }

    /// The largest DATA payload that still fits.
    pub fn max_data_payload(&self) -> usize {
        (self.remaining() & !3).saturating_sub(Data::HEADER_LEN)
    }

    /// True if `chunk` fits in what remains.
    pub fn fits(&self, chunk: &Chunk) -> bool {
        chunk.padded_len() <= self.remaining()
    }

    /// Add `chunk` if it fits; returns false (and writes nothing) otherwise.
    pub fn push(&mut self, chunk: &Chunk) -> bool {
        if !self.fits(chunk) {
            return false;
        }
        chunk.write(self.out);
        self.chunks += 1;
        true
    }

    /// The packet written so far, header included: for a field that can only be filled in
    /// once the chunks after it are known (the HMAC of an AUTH chunk, RFC 4895 §6.2).
    pub fn written_mut(&mut self) -> &mut [u8] {
        &mut self.out[self.start..]
    }

    /// Finish the packet: write the CRC32c if `checksum` (else leave the field zero, for
    /// RFC 9653). Returns the packet's length.
    pub fn finish(self, checksum: bool) -> usize {
        if checksum {
            crc::write_checksum(&mut self.out[self.start..]);
        }
        self.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Packet, ParseOptions, VerificationTag};
    use bytes::Bytes;

    #[test]
    fn bundles_up_to_budget() {
        let data = |n: usize| {
            Chunk::Data(Data {
                payload: Bytes::from(vec![7u8; n]),
                ..Default::default()
            })
        };
        let mut buf = vec![0xaa]; // existing content is left alone
        let header = CommonHeader {
            src_port: 1,
            dst_port: 2,
            vtag: VerificationTag(3),
        };
        let mut b = PacketBuilder::new(&mut buf, header, 100);
        assert_eq!(b.max_data_payload(), 88 - 16);
        assert!(b.push(&data(30))); // 16 + 30 + 2 padding = 48
        assert_eq!(b.remaining(), 100 - 12 - 48);
        assert!(!b.push(&data(30)));
        assert!(b.push(&data(24)));
        assert_eq!(b.remaining(), 0);
        assert_eq!(b.finish(true), 100);
        let p = Packet::parse(&Bytes::from(buf[1..].to_vec()), ParseOptions::default());
        assert_eq!(p.map(|p| (p.header, p.chunks.len())), Ok((header, 2)));
    }
}
