//! ABORT (RFC 9260 §3.3.7).

use core::fmt;

use bytes::BufMut;

use super::{types, ChunkBody};
use crate::cause::ErrorCause;
use crate::{ParseError, Reader};

/// The T bit of ABORT and SHUTDOWN COMPLETE: the verification tag is reflected, i.e. it is the
/// sender's own tag rather than the peer's (RFC 9260 §8.5.1).
pub(crate) const FLAG_T: u8 = 0x01;

/// Abort: closes the association at once, with zero or more error causes.
///
/// ```text
/// |   Type = 6    |Reserved     |T|           Length              |
/// \                   zero or more Error Causes                   \
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Abort {
    /// T bit: the packet carries the sender's own verification tag (RFC 9260 §8.5.1).
    pub t_bit: bool,
    /// Why the association is aborted, in wire order.
    pub causes: Vec<ErrorCause>,
}

impl ChunkBody for Abort {
    const TYPE: u8 = types::ABORT;

    fn decode(flags: u8, value: &mut Reader<'_>) -> Result<Self, ParseError> {
        Ok(Self {
            t_bit: flags & FLAG_T != 0,
            causes: ErrorCause::parse_list(value)?,
        })
    }

    fn flags(&self) -> u8 {
        u8::from(self.t_bit) * FLAG_T
    }

    fn value_len(&self) -> usize {
        ErrorCause::list_len(&self.causes)
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        ErrorCause::write_list(&self.causes, out);
    }
}

impl fmt::Display for Abort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ABORT t={}", u8::from(self.t_bit))?;
        for c in &self.causes {
            write!(f, " ({c})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cause::{InvalidStreamIdentifier, UnknownCause};
    use crate::chunk::Chunk;
    use crate::{ParseErrorKind, StreamId};
    use bytes::Bytes;

    #[test]
    fn round_trip() {
        let a = Abort {
            t_bit: true,
            causes: vec![
                ErrorCause::Unknown(UnknownCause {
                    code: 0x7777,
                    value: Bytes::from_static(&[1]),
                }),
                ErrorCause::from(InvalidStreamIdentifier {
                    stream: StreamId(2),
                }),
            ],
        };
        let wire = Chunk::from(a.clone()).to_vec();
        #[rustfmt::skip]
        let expected = [
            6, 1, 0, 20,
            0x77, 0x77, 0, 5, 1, 0, 0, 0,
            0, 1, 0, 8, 0, 2, 0, 0,
        ];
        assert_eq!(wire, expected);
        assert_eq!(Chunk::parse_one(Bytes::from(wire), 0), Ok(Chunk::Abort(a)));
        let empty = Chunk::from(Abort::default());
        assert_eq!(empty.to_vec(), [6, 0, 0, 4]);
        assert_eq!(Chunk::parse_one(Bytes::from(empty.to_vec()), 0), Ok(empty));
    }

    #[test]
    fn cause_past_end() {
        let e = Chunk::parse_one(Bytes::from_static(&[6, 0, 0, 8, 0, 1, 0, 8]), 12).err();
        assert_eq!(
            e.map(|e| (e.kind, e.offset, e.chunk_type)),
            Some((
                ParseErrorKind::LengthBeyondEnd {
                    length: 8,
                    available: 4
                },
                16,
                Some(6)
            ))
        );
    }
}
