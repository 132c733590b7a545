//! The type-length-value layout shared by chunks, parameters and error causes
//! (RFC 9260 §3.2, §3.2.1, §3.3.10): a 16-bit type word, a 16-bit length that counts the
//! 4-byte header and the value but not the padding, then zero padding to a multiple of 4.

use bytes::BufMut;

use crate::{ParseError, ParseErrorKind, Reader};

/// Size of every TLV header.
pub(crate) const HEADER_LEN: usize = 4;

/// Padding needed after `len` bytes to reach a multiple of 4.
#[inline]
pub(crate) const fn padding(len: usize) -> usize {
    (4 - (len & 3)) & 3
}

/// `len` rounded up to a multiple of 4.
#[inline]
pub(crate) const fn padded(len: usize) -> usize {
    len + padding(len)
}

/// One TLV read from a container: its type word and a reader over its value.
pub(crate) struct RawTlv<'a> {
    /// The first 16 bits: a parameter type or error cause code, or chunk type << 8 | flags.
    pub word: u16,
    /// The value, without header and padding.
    pub value: Reader<'a>,
}

/// Read the next TLV from `r`, or `None` when `r` is exhausted.
///
/// The padding after the value is skipped; missing padding after the last TLV is tolerated
/// because receivers MUST ignore padding (RFC 9260 §3.2).
// Forced inline for the same reason as `Chunk::parse_next`, its hot caller.
#[inline(always)]
pub(crate) fn next<'a>(r: &mut Reader<'a>) -> Result<Option<RawTlv<'a>>, ParseError> {
    if r.is_empty() {
        return Ok(None);
    }
    let offset = r.offset();
    let word = r.u16("TLV type")?;
    let len = r.u16("TLV length")? as usize;
    if len < HEADER_LEN {
        return Err(r.error_at(
            offset,
            ParseErrorKind::LengthTooSmall {
                length: len,
                min: 4,
            },
        ));
    }
    let value_len = len - HEADER_LEN;
    if value_len > r.remaining() {
        return Err(r.error_at(
            offset,
            ParseErrorKind::LengthBeyondEnd {
                length: len,
                available: r.remaining() + 4,
            },
        ));
    }
    let value = r.sub(value_len, "TLV value")?;
    r.skip_lenient(padding(len));
    Ok(Some(RawTlv { word, value }))
}

/// Write a TLV header for a value of `value_len` bytes.
#[inline]
pub(crate) fn put_header<B: BufMut>(out: &mut B, word: u16, value_len: usize) {
    debug_assert!(
        value_len + HEADER_LEN <= u16::MAX as usize,
        "TLV value too long"
    );
    out.put_u16(word);
    out.put_u16((value_len + HEADER_LEN) as u16);
}

/// Write the zero padding that follows a value of `value_len` bytes.
#[inline]
pub(crate) fn put_padding<B: BufMut>(out: &mut B, value_len: usize) {
    let n = padding(value_len);
    if n > 0 {
        out.put_bytes(0, n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn padding_rounds_to_four() {
        assert_eq!([0, 1, 2, 3, 4, 5].map(padded), [0, 4, 4, 4, 4, 8]);
    }

    #[test]
    fn rejects_short_and_overlong_lengths() {
        let buf = Bytes::from_static(&[0, 1, 0, 3]);
        let mut r = Reader::new(&buf, 12, None);
        let e = next(&mut r).err().map(|e| e.kind);
        assert_eq!(
            e,
            Some(ParseErrorKind::LengthTooSmall { length: 3, min: 4 })
        );
        let buf = Bytes::from_static(&[0, 1, 0, 9, 1, 2, 3, 4]);
        let mut r = Reader::new(&buf, 12, None);
        let e = next(&mut r).err().map(|e| (e.kind, e.offset));
        assert_eq!(
            e,
            Some((
                ParseErrorKind::LengthBeyondEnd {
                    length: 9,
                    available: 8
                },
                12
            ))
        );
    }

    #[test]
    fn tolerates_missing_final_padding() {
        let buf = Bytes::from_static(&[0, 1, 0, 5, 7]);
        let mut r = Reader::new(&buf, 0, None);
        let t = next(&mut r).ok().flatten().map(|t| t.value.remaining());
        assert_eq!(t, Some(1));
        assert!(r.is_empty());
    }
}
