//! Chunk List parameter (RFC 4895 §3.2).

use super::types;

/// The chunk types the sender requires to be authenticated (SCTP-AUTH).
///
/// ```text
/// |     Parameter Type = 0x8003   |       Parameter Length        |
/// | Chunk Type 1  | Chunk Type 2  | Chunk Type 3  | Chunk Type 4  |
/// /                              ...                              /
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChunkList {
    /// Chunk type numbers.
    pub chunk_types: Vec<u8>,
}

list_param!(
    ChunkList {
        chunk_types: "chunk types"
    } = types::CHUNK_LIST,
    "CHUNK_LIST"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, parse_err};
    use crate::ParseErrorKind;

    #[test]
    fn round_trip_and_bad_length() {
        let p = ChunkList {
            chunk_types: vec![0x80, 0xc1, 0],
        };
        assert_eq!(p.to_string(), "CHUNK_LIST [128, 193, 0]");
        assert_round_trip(p, &[0x80, 3, 0, 7, 0x80, 0xc1, 0, 0]);
        assert_eq!(
            parse_err(&[0x80, 3, 0, 9, 1, 2, 3, 4], 12),
            Some((
                ParseErrorKind::LengthBeyondEnd {
                    length: 9,
                    available: 8
                },
                12
            ))
        );
    }
}
