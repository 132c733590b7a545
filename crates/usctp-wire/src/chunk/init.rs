//! INIT and INIT ACK (RFC 9260 §3.3.2, §3.3.3), which share one layout.

use core::fmt;

use bytes::{BufMut, Bytes};

use super::{types, ChunkBody};
use crate::param::{self, Parameter};
use crate::{tlv, ParseError, Reader, Tsn, VerificationTag};

/// The INIT / INIT ACK layout; use it through [`Init`] and [`InitAck`].
///
/// ```text
/// |   Type = 1/2  |  Chunk Flags  |      Chunk Length             |
/// |                         Initiate Tag                          |
/// |           Advertised Receiver Window Credit (a_rwnd)          |
/// |  Number of Outbound Streams   |   Number of Inbound Streams   |
/// |                          Initial TSN                          |
/// \              Optional/Variable-Length Parameters              \
/// ```
///
/// The chunk length counts the padding of every parameter but the last (RFC 9260 §3.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InitChunk<const T: u8> {
    /// Verification tag the sender expects on every packet it receives (zero is invalid, but
    /// that is the protocol layer's call).
    pub initiate_tag: VerificationTag,
    /// Advertised receiver window credit.
    pub a_rwnd: u32,
    /// Number of outbound streams the sender wants to open.
    pub outbound_streams: u16,
    /// Maximum number of inbound streams the sender allows.
    pub inbound_streams: u16,
    /// First TSN the sender will use.
    pub initial_tsn: Tsn,
    /// Optional and variable-length parameters, in wire order.
    pub params: Vec<Parameter>,
}

/// Initiation (RFC 9260 §3.3.2), chunk type 1.
pub type Init = InitChunk<{ types::INIT }>;

/// Initiation Acknowledgement (RFC 9260 §3.3.3), chunk type 2; carries the State Cookie.
pub type InitAck = InitChunk<{ types::INIT_ACK }>;

/// Initiate Tag, a_rwnd, stream counts, initial TSN.
const FIXED: usize = 16;

impl InitAck {
    /// The State Cookie (zero-copy), if present.
    pub fn state_cookie(&self) -> Option<Bytes> {
        self.params.iter().find_map(|p| match p {
            Parameter::StateCookie(c) => Some(c.cookie.clone()),
            _ => None,
        })
    }

    /// Bytes on the wire (padding included) of this INIT ACK as
    /// [`write_with_cookie`](Self::write_with_cookie) writes it.
    pub fn padded_len_with_cookie(&self, cookie_len: usize, after: &[Parameter]) -> usize {
        tlv::padded(tlv::HEADER_LEN + self.value_len_with_cookie(cookie_len, after))
    }

    fn value_len_with_cookie(&self, cookie_len: usize, after: &[Parameter]) -> usize {
        let cookie = tlv::HEADER_LEN + cookie_len;
        let params: usize = self.params.iter().map(Parameter::padded_len).sum();
        // The chunk length leaves out the padding of its last parameter only (RFC 9260 §3.2).
        let tail = match after {
            [] => cookie,
            _ => tlv::padded(cookie) + Parameter::list_len(after),
        };
        FIXED + params + tail
    }

    /// Write this INIT ACK with a State Cookie after `self.params` and `after` behind it, the
    /// cookie's `cookie_len` bytes written in place by `write_cookie` (exactly that many): a
    /// server signs its cookie straight into the packet, with no buffer of its own.
    pub fn write_with_cookie<B: BufMut>(
        &self,
        out: &mut B,
        cookie_len: usize,
        write_cookie: impl FnOnce(&mut B),
        after: &[Parameter],
    ) {
        let value_len = self.value_len_with_cookie(cookie_len, after);
        tlv::put_header(out, u16::from(types::INIT_ACK) << 8, value_len);
        self.encode_fixed(out);
        for p in &self.params {
            p.write(out);
        }
        tlv::put_header(out, param::types::STATE_COOKIE, cookie_len);
        write_cookie(out);
        tlv::put_padding(out, cookie_len);
        // Each padded: the last one's padding is the chunk's.
        for p in after {
            p.write(out);
        }
    }
}

impl<const T: u8> InitChunk<T> {
    fn encode_fixed<B: BufMut>(&self, out: &mut B) {
        out.put_u32(self.initiate_tag.0);
        out.put_u32(self.a_rwnd);
        out.put_u16(self.outbound_streams);
        out.put_u16(self.inbound_streams);
        out.put_u32(self.initial_tsn.0);
    }
}

impl<const T: u8> ChunkBody for InitChunk<T> {
    const TYPE: u8 = T;

    fn decode(_flags: u8, value: &mut Reader<'_>) -> Result<Self, ParseError> {
        Ok(Self {
            initiate_tag: VerificationTag(value.u32("initiate tag")?),
            a_rwnd: value.u32("a_rwnd")?,
            outbound_streams: value.u16("outbound streams")?,
            inbound_streams: value.u16("inbound streams")?,
            initial_tsn: Tsn(value.u32("initial TSN")?),
            params: Parameter::parse_list(value)?,
        })
    }

    fn value_len(&self) -> usize {
        FIXED + Parameter::list_len(&self.params)
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        self.encode_fixed(out);
        Parameter::write_list(&self.params, out);
    }
}

impl<const T: u8> fmt::Display for InitChunk<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} tag={} a_rwnd={} os={} is={} tsn={} params={}",
            if T == types::INIT { "INIT" } else { "INIT_ACK" },
            self.initiate_tag,
            self.a_rwnd,
            self.outbound_streams,
            self.inbound_streams,
            self.initial_tsn,
            self.params.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::chunk::Chunk;
    use crate::param::{Ipv4Address, UnknownParameter};
    use crate::ParseErrorKind;

    fn raw(param_type: u16, value: &'static [u8]) -> Parameter {
        Parameter::Unknown(UnknownParameter {
            param_type,
            value: Bytes::from_static(value),
        })
    }

    #[test]
    fn init_round_trip_counts_inner_padding_only() {
        let init = Init {
            initiate_tag: VerificationTag(0x0102_0304),
            a_rwnd: 0x0001_0000,
            outbound_streams: 10,
            inbound_streams: 65535,
            initial_tsn: Tsn(0xffff_fffe),
            params: vec![
                raw(0x8077, &[0xaa]),
                Parameter::from(Ipv4Address(Ipv4Addr::new(10, 1, 1, 2))),
            ],
        };
        let wire = Chunk::from(init.clone()).to_vec();
        #[rustfmt::skip]
        let expected = [
            1, 0, 0, 36,
            1, 2, 3, 4, 0, 1, 0, 0, 0, 10, 255, 255, 255, 255, 255, 254,
            0x80, 0x77, 0, 5, 0xaa, 0, 0, 0,
            0, 5, 0, 8, 10, 1, 1, 2,
        ];
        assert_eq!(wire, expected);
        assert_eq!(
            Chunk::parse_one(Bytes::from(wire), 0),
            Ok(Chunk::Init(init))
        );
    }

    #[test]
    fn init_ack_with_odd_last_param_and_cookie() {
        let ack = InitAck {
            initiate_tag: VerificationTag(7),
            a_rwnd: 1500,
            outbound_streams: 1,
            inbound_streams: 1,
            initial_tsn: Tsn(1),
            params: vec![crate::param::StateCookie {
                cookie: Bytes::from_static(b"abc"),
            }
            .into()],
        };
        assert_eq!(ack.state_cookie().as_deref(), Some(&b"abc"[..]));
        let wire = Chunk::from(ack.clone()).to_vec();
        assert_eq!(&wire[..4], &[2, 0, 0, 27]);
        assert_eq!(&wire[20..], &[0, 7, 0, 7, b'a', b'b', b'c', 0]);
        let parsed = Chunk::parse_one(Bytes::from(wire), 0);
        let Ok(Chunk::InitAck(parsed)) = parsed else {
            panic!("not an INIT ACK: {parsed:?}")
        };
        assert_eq!(parsed.state_cookie().as_deref(), Some(&b"abc"[..]));
        assert_eq!(Init::default().params.len(), 0);
    }

    #[test]
    fn cookie_written_in_place_matches_the_cookie_as_a_parameter() {
        let addr = Parameter::from(Ipv4Address(Ipv4Addr::new(10, 1, 1, 2)));
        // Cookie lengths that need 0-3 bytes of padding, with and without parameters after it.
        for cookie in [&b"abcd"[..], b"abc", b"ab", b"a"] {
            for after in [
                vec![],
                vec![raw(0x0008, &[1, 2, 3])],
                vec![raw(0x0008, &[1]); 2],
            ] {
                let ack = InitAck {
                    initiate_tag: VerificationTag(7),
                    a_rwnd: 1500,
                    outbound_streams: 3,
                    inbound_streams: 4,
                    initial_tsn: Tsn(9),
                    params: vec![addr.clone()],
                };
                let mut whole = ack.clone();
                whole.params.push(
                    crate::param::StateCookie {
                        cookie: Bytes::copy_from_slice(cookie),
                    }
                    .into(),
                );
                whole.params.extend(after.iter().cloned());
                let expected = Chunk::from(whole).to_vec();
                let mut wire = Vec::new();
                let put = |out: &mut Vec<u8>| out.extend_from_slice(cookie);
                ack.write_with_cookie(&mut wire, cookie.len(), put, &after);
                assert_eq!(wire, expected, "cookie {cookie:?}, {} after", after.len());
                assert_eq!(ack.padded_len_with_cookie(cookie.len(), &after), wire.len());
            }
        }
    }

    #[test]
    fn malformed_lengths() {
        // Value of 12 bytes: the initial TSN is missing.
        let mut wire = vec![1, 0, 0, 16];
        wire.extend_from_slice(&[0; 12]);
        let e = Chunk::parse_one(Bytes::from(wire), 12).err();
        assert_eq!(
            e.map(|e| (e.kind, e.offset, e.chunk_type)),
            Some((
                ParseErrorKind::Truncated {
                    field: "initial TSN",
                    needed: 4,
                    available: 0
                },
                28,
                Some(1)
            ))
        );
        // A parameter whose length runs past the chunk.
        let mut wire = vec![2, 0, 0, 24];
        wire.extend_from_slice(&[0; 16]);
        wire.extend_from_slice(&[0, 7, 0, 12]);
        let e = Chunk::parse_one(Bytes::from(wire), 12).err();
        assert_eq!(
            e.map(|e| (e.kind, e.offset, e.chunk_type)),
            Some((
                ParseErrorKind::LengthBeyondEnd {
                    length: 12,
                    available: 4
                },
                32,
                Some(2)
            ))
        );
    }
}
