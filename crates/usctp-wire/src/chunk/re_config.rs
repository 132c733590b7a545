//! RE-CONFIG (RFC 6525 §3.1).

use core::fmt;

use bytes::BufMut;

use super::{types, ChunkBody};
use crate::param::Parameter;
use crate::{ParseError, Reader};

/// Re-configuration: one or two stream reset requests or responses.
///
/// ```text
/// | Type = 130    |  Chunk Flags  |      Chunk Length             |
/// \                  Re-configuration Parameter                   \
/// \             Re-configuration Parameter (optional)             \
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReConfig {
    /// The request and response parameters, in wire order (their number and combination are
    /// checked by the protocol layer, RFC 6525 §3.1).
    pub params: Vec<Parameter>,
}

impl ChunkBody for ReConfig {
    const TYPE: u8 = types::RE_CONFIG;

    fn decode(_flags: u8, value: &mut Reader<'_>) -> Result<Self, ParseError> {
        Ok(Self {
            params: Parameter::parse_list(value)?,
        })
    }

    fn value_len(&self) -> usize {
        Parameter::list_len(&self.params)
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        Parameter::write_list(&self.params, out);
    }
}

impl fmt::Display for ReConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RE_CONFIG")?;
        for p in &self.params {
            write!(f, " ({p})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chunk::Chunk;
    use crate::param::UnknownParameter;
    use crate::ParseErrorKind;
    use bytes::Bytes;

    #[test]
    fn round_trip_and_bad_length() {
        let r = ReConfig {
            params: vec![Parameter::Unknown(UnknownParameter {
                param_type: 0x4077,
                value: Bytes::from_static(&[1, 2]),
            })],
        };
        let wire = Chunk::from(r.clone()).to_vec();
        assert_eq!(wire, [0x82, 0, 0, 10, 0x40, 0x77, 0, 6, 1, 2, 0, 0]);
        assert_eq!(
            Chunk::parse_one(Bytes::from(wire), 0),
            Ok(Chunk::ReConfig(r))
        );
        let e = Chunk::parse_one(Bytes::from_static(&[0x82, 0, 0, 6, 0, 13, 0, 0]), 12).err();
        assert_eq!(
            e.map(|e| (e.kind, e.offset)),
            Some((
                ParseErrorKind::Truncated {
                    field: "TLV length",
                    needed: 2,
                    available: 0
                },
                18
            ))
        );
    }
}
