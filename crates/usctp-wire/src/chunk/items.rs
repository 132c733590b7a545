//! Lists of fixed-size items (SACK gap blocks and duplicates, FORWARD TSN streams).

use crate::{ParseError, ParseErrorKind, Reader};

/// Decode `count` consecutive `N`-byte items with `f`.
///
/// The bytes are checked to be there before the vector is allocated.
#[inline]
pub(crate) fn decode<const N: usize, T>(
    r: &mut Reader<'_>,
    count: usize,
    field: &'static str,
    f: impl Fn([u8; N]) -> T,
) -> Result<Vec<T>, ParseError> {
    let raw = r.bytes(count * N, field)?;
    // `chunks_exact` yields only N-byte slices, so the fallback is never taken.
    Ok(raw
        .chunks_exact(N)
        .map(|c| f(<[u8; N]>::try_from(c).unwrap_or([0; N])))
        .collect())
}

/// Decode the rest of `r` as `N`-byte items; its length must be a multiple of `N`.
#[inline]
pub(crate) fn decode_rest<const N: usize, T>(
    r: &mut Reader<'_>,
    field: &'static str,
    f: impl Fn([u8; N]) -> T,
) -> Result<Vec<T>, ParseError> {
    let length = r.remaining();
    if length % N != 0 {
        return Err(r.error(ParseErrorKind::NotMultiple {
            field,
            length,
            unit: N,
        }));
    }
    decode(r, length / N, field, f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn rest_must_be_whole_items() {
        let buf = Bytes::from_static(&[1, 2, 3, 4, 5, 6]);
        let mut r = Reader::new(&buf, 20, None);
        let e = decode_rest::<4, _>(&mut r, "items", u32::from_be_bytes).err();
        assert_eq!(
            e.map(|e| (e.kind, e.offset)),
            Some((
                ParseErrorKind::NotMultiple {
                    field: "items",
                    length: 6,
                    unit: 4
                },
                20
            ))
        );
        let buf = Bytes::from_static(&[0, 0, 0, 1, 0, 0, 0, 2]);
        let mut r = Reader::new(&buf, 0, None);
        assert_eq!(
            decode_rest::<4, _>(&mut r, "items", u32::from_be_bytes),
            Ok(vec![1, 2])
        );
    }
}
