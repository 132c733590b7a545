//! ERROR (RFC 9260 §3.3.10).

use core::fmt;

use bytes::BufMut;

use super::{types, ChunkBody};
use crate::cause::ErrorCause;
use crate::{ParseError, Reader};

/// Operation Error: reports conditions that do not end the association.
///
/// ```text
/// |   Type = 9    | Chunk  Flags  |           Length              |
/// \                    one or more Error Causes                   \
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OperationError {
    /// The reported conditions, in wire order (an empty list parses; the RFC asks for one or
    /// more, which is the protocol layer's concern).
    pub causes: Vec<ErrorCause>,
}

impl ChunkBody for OperationError {
    const TYPE: u8 = types::ERROR;

    fn decode(_flags: u8, value: &mut Reader<'_>) -> Result<Self, ParseError> {
        Ok(Self {
            causes: ErrorCause::parse_list(value)?,
        })
    }

    fn value_len(&self) -> usize {
        ErrorCause::list_len(&self.causes)
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        ErrorCause::write_list(&self.causes, out);
    }
}

impl fmt::Display for OperationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ERROR")?;
        for c in &self.causes {
            write!(f, " ({c})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cause::InvalidStreamIdentifier;
    use crate::chunk::Chunk;
    use crate::{ParseErrorKind, StreamId};
    use bytes::Bytes;

    #[test]
    fn round_trip() {
        let e = OperationError {
            causes: vec![ErrorCause::from(InvalidStreamIdentifier {
                stream: StreamId(0x0102),
            })],
        };
        let wire = Chunk::from(e.clone()).to_vec();
        assert_eq!(wire, [9, 0, 0, 12, 0, 1, 0, 8, 1, 2, 0, 0]);
        assert_eq!(Chunk::parse_one(Bytes::from(wire), 0), Ok(Chunk::Error(e)));
    }

    #[test]
    fn short_cause_header() {
        let e = Chunk::parse_one(Bytes::from_static(&[9, 0, 0, 8, 0, 1, 0, 3]), 12).err();
        assert_eq!(
            e.map(|e| (e.kind, e.offset)),
            Some((ParseErrorKind::LengthTooSmall { length: 3, min: 4 }, 16))
        );
    }
}
