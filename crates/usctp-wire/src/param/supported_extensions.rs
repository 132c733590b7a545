//! Supported Extensions parameter (RFC 5061 §4.2.7).

use super::types;

/// The extension chunk types the sender supports, in INIT and INIT ACK.
///
/// ```text
/// |     Parameter Type = 0x8008   |      Parameter Length         |
/// | CHUNK TYPE 1  |  CHUNK TYPE 2 |  CHUNK TYPE 3 |  CHUNK TYPE 4 |
/// /                              ...                              /
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SupportedExtensions {
    /// Chunk type numbers.
    pub chunk_types: Vec<u8>,
}

list_param!(
    SupportedExtensions {
        chunk_types: "chunk types"
    } = types::SUPPORTED_EXTENSIONS,
    "SUPPORTED_EXTENSIONS"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, parse_err};
    use crate::ParseErrorKind;

    #[test]
    fn round_trip_and_bad_length() {
        // FORWARD TSN, ASCONF, ASCONF-ACK, RE-CONFIG, I-DATA, I-FORWARD-TSN.
        let p = SupportedExtensions {
            chunk_types: vec![0xc0, 0xc1, 0x80, 0x82, 0x40, 0xc2],
        };
        let wire = [0x80, 8, 0, 10, 0xc0, 0xc1, 0x80, 0x82, 0x40, 0xc2, 0, 0];
        assert_round_trip(p, &wire);
        assert_eq!(
            parse_err(&[0x80, 8, 0, 3], 4),
            Some((ParseErrorKind::LengthTooSmall { length: 3, min: 4 }, 4))
        );
    }
}
