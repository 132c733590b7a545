//! A bounds-checked cursor over a borrowed [`Bytes`] that knows its absolute packet offset.

use bytes::Bytes;

use crate::{ParseError, ParseErrorKind};

/// Reads big-endian fields from a slice of a packet without ever panicking.
///
/// It borrows the packet, so readers and sub-readers cost no reference counting; only
/// [`bytes`](Self::bytes) and [`rest`](Self::rest) make owned (still zero-copy) slices.
/// Errors carry the absolute offset in the packet and the enclosing chunk type.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    /// The whole buffer, for making owned slices.
    owner: &'a Bytes,
    /// `owner` cut at the end of this reader's range; reads stop there.
    buf: &'a [u8],
    /// Index of the next byte in `owner` (and `buf`); never beyond `buf.len()`.
    pos: usize,
    /// Packet offset of `owner[0]`.
    base: usize,
    /// The enclosing chunk type, or [`NO_CHUNK`]. A plain word, not an `Option<u8>`: copying
    /// the two-byte option inside the struct made the compiler stall on store forwarding.
    chunk: u16,
}

const NO_CHUNK: u16 = u16::MAX;

impl<'a> Reader<'a> {
    /// A reader over `buf`, whose first byte is at packet offset `base`.
    #[inline]
    pub fn new(buf: &'a Bytes, base: usize, chunk_type: Option<u8>) -> Self {
        Self {
            owner: buf,
            buf,
            pos: 0,
            base,
            chunk: chunk_type.map_or(NO_CHUNK, u16::from),
        }
    }

    /// Bytes not yet read.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// True when everything was read.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// Absolute packet offset of the next byte.
    #[inline]
    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    /// The same reader, tagged as inside a chunk of type `chunk_type` (for error reports).
    #[inline]
    pub fn in_chunk(mut self, chunk_type: u8) -> Self {
        self.chunk = u16::from(chunk_type);
        self
    }

    /// The enclosing chunk type, if any.
    pub fn chunk_type(&self) -> Option<u8> {
        u8::try_from(self.chunk).ok()
    }

    /// An error of `kind` at the current position.
    #[cold]
    pub fn error(&self, kind: ParseErrorKind) -> ParseError {
        self.error_at(self.offset(), kind)
    }

    /// An error of `kind` at absolute offset `offset`.
    #[cold]
    pub fn error_at(&self, offset: usize, kind: ParseErrorKind) -> ParseError {
        ParseError {
            kind,
            offset,
            chunk_type: self.chunk_type(),
        }
    }

    #[inline]
    fn take<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], ParseError> {
        let end = self.pos + N;
        match self.buf.get(self.pos..end) {
            Some(s) => {
                let mut a = [0u8; N];
                a.copy_from_slice(s);
                self.pos = end;
                Ok(a)
            }
            None => Err(self.truncated(field, N)),
        }
    }

    #[cold]
    fn truncated(&self, field: &'static str, needed: usize) -> ParseError {
        self.error(ParseErrorKind::Truncated {
            field,
            needed,
            available: self.remaining(),
        })
    }

    /// One byte.
    #[inline]
    pub fn u8(&mut self, field: &'static str) -> Result<u8, ParseError> {
        Ok(self.take::<1>(field)?[0])
    }

    /// A big-endian u16.
    #[inline]
    pub fn u16(&mut self, field: &'static str) -> Result<u16, ParseError> {
        Ok(u16::from_be_bytes(self.take(field)?))
    }

    /// A big-endian u32.
    #[inline]
    pub fn u32(&mut self, field: &'static str) -> Result<u32, ParseError> {
        Ok(u32::from_be_bytes(self.take(field)?))
    }

    /// A big-endian u64.
    #[inline]
    pub fn u64(&mut self, field: &'static str) -> Result<u64, ParseError> {
        Ok(u64::from_be_bytes(self.take(field)?))
    }

    /// Exactly `N` bytes as an array.
    #[inline]
    pub fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], ParseError> {
        self.take(field)
    }

    /// The next `len` bytes as a zero-copy slice.
    #[inline]
    pub fn bytes(&mut self, len: usize, field: &'static str) -> Result<Bytes, ParseError> {
        if len > self.remaining() {
            return Err(self.truncated(field, len));
        }
        let b = self.owner.slice(self.pos..self.pos + len);
        self.pos += len;
        Ok(b)
    }

    /// Everything not yet read, as a zero-copy slice.
    #[inline]
    pub fn rest(&mut self) -> Bytes {
        let b = self.owner.slice(self.pos..self.buf.len());
        self.pos = self.buf.len();
        b
    }

    /// Everything not yet read, borrowed (for values copied out anyway: no reference count
    /// taken on the packet).
    #[inline]
    pub(crate) fn rest_slice(&mut self) -> &'a [u8] {
        let buf: &'a [u8] = self.buf;
        let s = buf.get(self.pos..).unwrap_or_default();
        self.pos = buf.len();
        s
    }

    /// A sub-reader over the next `len` bytes (absolute offsets preserved); no allocation and
    /// no reference counting.
    #[inline]
    pub fn sub(&mut self, len: usize, field: &'static str) -> Result<Reader<'a>, ParseError> {
        // `get` fails exactly when fewer than `len` bytes remain.
        let Some(buf) = self
            .pos
            .checked_add(len)
            .and_then(|end| self.buf.get(..end))
        else {
            return Err(self.truncated(field, len));
        };
        let sub = Reader {
            owner: self.owner,
            buf,
            pos: self.pos,
            base: self.base,
            chunk: self.chunk,
        };
        self.pos = buf.len();
        Ok(sub)
    }

    /// Skip up to `n` bytes (fewer if fewer remain); used for trailing padding.
    #[inline]
    pub fn skip_lenient(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n).min(self.buf.len());
    }

    /// Fail with [`ParseErrorKind::TrailingBytes`] unless everything was read.
    pub fn finish(&self, field: &'static str) -> Result<(), ParseError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.error(ParseErrorKind::TrailingBytes {
                field,
                count: self.remaining(),
            }))
        }
    }

    /// Fail with [`ParseErrorKind::LengthMismatch`] unless exactly `expected` bytes remain.
    pub fn expect_len(&self, expected: usize) -> Result<(), ParseError> {
        if self.remaining() == expected {
            Ok(())
        } else {
            // Report the TLV length (value + 4-byte header) as it appears on the wire.
            Err(self.error_at(
                self.offset().saturating_sub(4),
                ParseErrorKind::LengthMismatch {
                    length: self.remaining() + 4,
                    expected: expected + 4,
                },
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_readers_keep_offsets_and_bounds() {
        let buf = Bytes::from_static(&[1, 2, 3, 4, 5, 6, 7, 8]);
        let mut r = Reader::new(&buf, 100, None);
        assert_eq!(r.u16("a"), Ok(0x0102));
        let mut sub = r
            .sub(4, "sub")
            .map(|s| s.in_chunk(9))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((sub.offset(), sub.remaining(), r.offset()), (102, 4, 106));
        assert_eq!(sub.u8("b"), Ok(3));
        assert_eq!(sub.bytes(2, "c").as_deref(), Ok(&[4, 5][..]));
        // Reads stop at the sub-reader's end although the buffer goes on.
        assert_eq!(
            sub.u16("d").map_err(|e| (e.kind, e.offset, e.chunk_type)),
            Err((
                ParseErrorKind::Truncated {
                    field: "d",
                    needed: 2,
                    available: 1
                },
                105,
                Some(9)
            ))
        );
        assert_eq!(sub.rest(), Bytes::from_static(&[6]));
        assert!(sub.is_empty());
        assert!(r.sub(3, "e").is_err());
        assert!(r.sub(usize::MAX, "f").is_err());
        assert_eq!(r.remaining(), 2);
        r.skip_lenient(usize::MAX);
        assert!(r.is_empty());
        assert_eq!(r.rest(), Bytes::new());
    }
}
