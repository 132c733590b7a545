//! ASCONF and ASCONF-ACK (RFC 5061 §4.1.1, §4.1.2), which share one layout.

use core::fmt;

use bytes::BufMut;

use super::{types, ChunkBody};
use crate::param::Parameter;
use crate::{ParseError, Reader};

/// The ASCONF / ASCONF-ACK layout; use it through [`Asconf`] and [`AsconfAck`].
///
/// ```text
/// | Type = 0xC1/0x80 |  Flags    |      Chunk Length             |
/// |                       Sequence Number                         |
/// \        ASCONF: Address Parameter, then ASCONF-Request TLVs    \
/// \        ASCONF-ACK: ASCONF Parameter Response TLVs             \
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AsconfChunk<const T: u8> {
    /// Serial number of the request (an ACK echoes the request's).
    pub serial: u32,
    /// Parameters in wire order. In an ASCONF the first one is the Address Parameter that
    /// identifies the association (RFC 5061 §4.1.1); its presence is the protocol layer's check.
    pub params: Vec<Parameter>,
}

/// Address Configuration Change (RFC 5061 §4.1.1), chunk type 0xC1.
pub type Asconf = AsconfChunk<{ types::ASCONF }>;

/// Address Configuration Acknowledgement (RFC 5061 §4.1.2), chunk type 0x80.
pub type AsconfAck = AsconfChunk<{ types::ASCONF_ACK }>;

impl<const T: u8> ChunkBody for AsconfChunk<T> {
    const TYPE: u8 = T;

    fn decode(_flags: u8, value: &mut Reader<'_>) -> Result<Self, ParseError> {
        Ok(Self {
            serial: value.u32("serial number")?,
            params: Parameter::parse_list(value)?,
        })
    }

    fn value_len(&self) -> usize {
        4 + Parameter::list_len(&self.params)
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        out.put_u32(self.serial);
        Parameter::write_list(&self.params, out);
    }
}

impl<const T: u8> fmt::Display for AsconfChunk<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = if T == types::ASCONF {
            "ASCONF"
        } else {
            "ASCONF_ACK"
        };
        write!(f, "{name} serial={}", self.serial)?;
        for p in &self.params {
            write!(f, " ({p})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::chunk::Chunk;
    use crate::param::Ipv4Address;
    use crate::ParseErrorKind;
    use bytes::Bytes;

    #[test]
    fn round_trip() {
        let a = Asconf {
            serial: 0x0102_0304,
            params: vec![Parameter::from(Ipv4Address(Ipv4Addr::new(192, 0, 2, 1)))],
        };
        let wire = Chunk::from(a.clone()).to_vec();
        assert_eq!(wire, [0xc1, 0, 0, 16, 1, 2, 3, 4, 0, 5, 0, 8, 192, 0, 2, 1]);
        assert_eq!(Chunk::parse_one(Bytes::from(wire), 0), Ok(Chunk::Asconf(a)));
        let ack = AsconfAck {
            serial: 9,
            params: vec![],
        };
        let wire = Chunk::from(ack.clone()).to_vec();
        assert_eq!(wire, [0x80, 0, 0, 8, 0, 0, 0, 9]);
        assert_eq!(
            Chunk::parse_one(Bytes::from(wire), 0),
            Ok(Chunk::AsconfAck(ack))
        );
    }

    #[test]
    fn malformed() {
        let e = Chunk::parse_one(Bytes::from_static(&[0xc1, 0, 0, 6, 0, 0, 0, 0]), 12).err();
        assert_eq!(
            e.map(|e| (e.kind, e.offset)),
            Some((
                ParseErrorKind::Truncated {
                    field: "serial number",
                    needed: 4,
                    available: 2
                },
                16
            ))
        );
        let wire = [0x80, 0, 0, 12, 0, 0, 0, 1, 0, 5, 0, 2];
        let e = Chunk::parse_one(Bytes::copy_from_slice(&wire), 12).err();
        assert_eq!(
            e.map(|e| (e.kind, e.offset, e.chunk_type)),
            Some((
                ParseErrorKind::LengthTooSmall { length: 2, min: 4 },
                20,
                Some(0x80)
            ))
        );
    }
}
