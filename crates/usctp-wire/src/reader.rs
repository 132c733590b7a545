//! A bounds-checked cursor over a [`Bytes`] slice that knows its absolute packet offset.

use bytes::Bytes;

use crate::{ParseError, ParseErrorKind};

/// Reads big-endian fields from a slice of a packet without ever panicking.
///
/// Errors carry the absolute offset in the packet and the enclosing chunk type.
#[derive(Debug, Clone)]
pub struct Reader {
    buf: Bytes,
    pos: usize,
    base: usize,
    chunk_type: Option<u8>,
}

impl Reader {
    /// A reader over `buf`, whose first byte is at packet offset `base`.
    pub fn new(buf: Bytes, base: usize, chunk_type: Option<u8>) -> Self {
        Self {
            buf,
            pos: 0,
            base,
            chunk_type,
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
        self.chunk_type = Some(chunk_type);
        self
    }

    /// The enclosing chunk type, if any.
    pub fn chunk_type(&self) -> Option<u8> {
        self.chunk_type
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
            chunk_type: self.chunk_type,
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
        let b = self.buf.slice(self.pos..self.pos + len);
        self.pos += len;
        Ok(b)
    }

    /// Everything not yet read, as a zero-copy slice.
    #[inline]
    pub fn rest(&mut self) -> Bytes {
        let b = self.buf.slice(self.pos..);
        self.pos = self.buf.len();
        b
    }

    /// A sub-reader over the next `len` bytes (absolute offsets preserved).
    #[inline]
    pub fn sub(&mut self, len: usize, field: &'static str) -> Result<Reader, ParseError> {
        let base = self.offset();
        let buf = self.bytes(len, field)?;
        Ok(Reader {
            buf,
            pos: 0,
            base,
            chunk_type: self.chunk_type,
        })
    }

    /// Skip up to `n` bytes (fewer if fewer remain); used for trailing padding.
    #[inline]
    pub fn skip_lenient(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.buf.len());
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
