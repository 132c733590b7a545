//! Host Name Address parameter (RFC 9260 §3.3.2.1.4, deprecated).

use core::fmt;

use bytes::Bytes;

use super::types;

/// A host name the peer asks to be resolved, in INIT or INIT ACK. RFC 9260 deprecates it: the
/// protocol layer rejects it with an Unresolvable Address error; the codec still parses it.
///
/// ```text
/// |          Type = 11            |          Length               |
/// /                          Host Name                            /
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostNameAddress {
    /// The raw value: the name with its terminating NUL as sent, a zero-copy slice.
    pub raw: Bytes,
}

bytes_param!(HostNameAddress { raw } = types::HOST_NAME_ADDRESS);

impl HostNameAddress {
    /// The host name: the bytes before the first NUL (all of them if there is none).
    pub fn name(&self) -> &[u8] {
        let end = self
            .raw
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(self.raw.len());
        self.raw.get(..end).unwrap_or_default()
    }
}

impl fmt::Display for HostNameAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Escaped: the name comes from the peer and may hold any byte.
        write!(f, "HOST_NAME \"{}\"", self.name().escape_ascii())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, parse_err};
    use crate::ParseErrorKind;

    #[test]
    fn round_trip_and_bad_length() {
        let p = HostNameAddress {
            raw: Bytes::from_static(b"ab.c\0"),
        };
        assert_eq!(p.name(), b"ab.c");
        assert_eq!(p.to_string(), "HOST_NAME \"ab.c\"");
        assert_round_trip(p, b"\x00\x0b\x00\x09ab.c\0\0\0\0");
        let unterminated = HostNameAddress {
            raw: Bytes::from_static(b"x\n"),
        };
        assert_eq!(unterminated.name(), b"x\n");
        assert_eq!(unterminated.to_string(), "HOST_NAME \"x\\n\"");
        assert_eq!(
            parse_err(&[0, 11, 0, 3], 16),
            Some((ParseErrorKind::LengthTooSmall { length: 3, min: 4 }, 16))
        );
    }
}
