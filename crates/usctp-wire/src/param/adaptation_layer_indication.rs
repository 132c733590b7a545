//! Adaptation Layer Indication parameter (RFC 5061 §4.2.6).

use super::types;

/// An upper-layer adaptation code point, in INIT and INIT ACK.
///
/// ```text
/// |     Parameter Type = 0xC006   |      Parameter Length = 8     |
/// |                  Adaptation Code Point                        |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AdaptationLayerIndication {
    /// The adaptation code point, opaque to SCTP.
    pub indication: u32,
}

u32_param!(
    AdaptationLayerIndication {
        indication: "adaptation code point"
    } = types::ADAPTATION_LAYER_INDICATION,
    "ADAPTATION_LAYER {:#010x}"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, mismatch, parse_err};

    #[test]
    fn round_trip_and_bad_length() {
        let p = AdaptationLayerIndication {
            indication: 0xdead_beef,
        };
        assert_eq!(p.to_string(), "ADAPTATION_LAYER 0xdeadbeef");
        assert_round_trip(p, &[0xc0, 6, 0, 8, 0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(parse_err(&[0xc0, 6, 0, 7, 1, 2, 3], 0), mismatch(7, 8, 0));
    }
}
