//! AUTH (RFC 4895 §4.1).

use core::fmt;

use bytes::{BufMut, Bytes};

use super::{types, ChunkBody};
use crate::{ParseError, Reader};

/// Authentication: an HMAC over the chunks that follow it in the packet.
///
/// ```text
/// | Type = 0x0F   |   Flags=0     |             Length            |
/// |     Shared Key Identifier     |   HMAC Identifier             |
/// \                             HMAC                              /
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Auth {
    /// Which endpoint-pair shared key was used.
    pub shared_key_id: u16,
    /// Which HMAC algorithm was used (RFC 4895 §3.3).
    pub hmac_id: u16,
    /// The HMAC, a zero-copy slice of the received packet.
    pub hmac: Bytes,
}

impl ChunkBody for Auth {
    const TYPE: u8 = types::AUTH;

    fn decode(_flags: u8, value: &mut Reader<'_>) -> Result<Self, ParseError> {
        Ok(Self {
            shared_key_id: value.u16("shared key identifier")?,
            hmac_id: value.u16("HMAC identifier")?,
            hmac: value.rest(),
        })
    }

    fn value_len(&self) -> usize {
        4 + self.hmac.len()
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        out.put_u16(self.shared_key_id);
        out.put_u16(self.hmac_id);
        out.put_slice(&self.hmac);
    }
}

impl fmt::Display for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "AUTH key={} hmac_id={} hmac_len={}",
            self.shared_key_id,
            self.hmac_id,
            self.hmac.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chunk::Chunk;
    use crate::ParseErrorKind;

    #[test]
    fn round_trip_and_bad_length() {
        let a = Auth {
            shared_key_id: 1,
            hmac_id: 3,
            hmac: Bytes::from_static(&[0xaa; 5]),
        };
        let wire = Chunk::from(a.clone()).to_vec();
        assert_eq!(
            wire,
            [15, 0, 0, 13, 0, 1, 0, 3, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0, 0, 0]
        );
        assert_eq!(Chunk::parse_one(Bytes::from(wire), 0), Ok(Chunk::Auth(a)));
        let e = Chunk::parse_one(Bytes::from_static(&[15, 0, 0, 6, 0, 1, 0, 0]), 12).err();
        assert_eq!(
            e.map(|e| (e.kind, e.offset)),
            Some((
                ParseErrorKind::Truncated {
                    field: "HMAC identifier",
                    needed: 2,
                    available: 0
                },
                18
            ))
        );
    }
}
