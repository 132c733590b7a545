//! COOKIE ECHO (RFC 9260 §3.3.11).

use core::fmt;

use bytes::{BufMut, Bytes};

use super::{types, ChunkBody};
use crate::{ParseError, Reader};

/// State Cookie echo: returns the cookie from the INIT ACK.
///
/// ```text
/// |   Type = 10   |Chunk  Flags   |         Length                |
/// /                     Cookie                                    /
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CookieEcho {
    /// The State Cookie, opaque here; a zero-copy slice of the received packet.
    pub cookie: Bytes,
}

impl ChunkBody for CookieEcho {
    const TYPE: u8 = types::COOKIE_ECHO;

    fn decode(_flags: u8, value: &mut Reader<'_>) -> Result<Self, ParseError> {
        Ok(Self {
            cookie: value.rest(),
        })
    }

    fn value_len(&self) -> usize {
        self.cookie.len()
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        out.put_slice(&self.cookie);
    }
}

impl fmt::Display for CookieEcho {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "COOKIE_ECHO len={}", self.cookie.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chunk::Chunk;
    use crate::ParseErrorKind;

    #[test]
    fn round_trip_and_bad_length() {
        let c = CookieEcho {
            cookie: Bytes::from_static(b"cookie"),
        };
        let wire = Chunk::from(c.clone()).to_vec();
        assert_eq!(wire, *b"\x0a\x00\x00\x0acookie\x00\x00");
        assert_eq!(
            Chunk::parse_one(Bytes::from(wire), 0),
            Ok(Chunk::CookieEcho(c))
        );
        let e = Chunk::parse_one(Bytes::from_static(&[10, 0, 0, 9, 1, 2]), 12).err();
        assert_eq!(
            e.map(|e| (e.kind, e.offset)),
            Some((
                ParseErrorKind::LengthBeyondEnd {
                    length: 9,
                    available: 6
                },
                12
            ))
        );
    }
}
