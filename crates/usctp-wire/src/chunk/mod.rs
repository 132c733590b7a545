//! Chunks (RFC 9260 §3.2, §3.3 and the extensions' chunk types).
//!
//! Each chunk type lives in its own file as a struct implementing [`ChunkBody`]; [`Chunk`] is the
//! enum over all of them plus [`UnknownChunk`], which keeps unrecognised chunks raw together with
//! the action their upper two type bits ask for.

use core::fmt;

use bytes::BufMut;

use crate::tlv;
use crate::{ParseError, Reader};

mod abort;
mod asconf;
mod auth;
mod cookie_ack;
mod cookie_echo;
mod data;
mod ecn;
mod forward_tsn;
mod heartbeat;
mod i_data;
mod i_forward_tsn;
mod init;
mod items;
mod operation_error;
mod pad;
mod re_config;
mod sack;
mod shutdown;
mod shutdown_ack;
mod shutdown_complete;
mod unknown;

#[cfg(test)]
mod bundle_tests;

#[cfg(test)]
pub(crate) mod strategy;

pub use abort::Abort;
pub use asconf::{Asconf, AsconfAck, AsconfChunk};
pub use auth::Auth;
pub use cookie_ack::CookieAck;
pub use cookie_echo::CookieEcho;
pub use data::Data;
pub use ecn::{Cwr, EcnChunk, Ecne};
pub use forward_tsn::{ForwardTsn, ForwardTsnStream};
pub use heartbeat::{Heartbeat, HeartbeatAck, HeartbeatChunk};
pub use i_data::IData;
pub use i_forward_tsn::{IForwardTsn, IForwardTsnStream};
pub use init::{Init, InitAck, InitChunk};
pub use operation_error::OperationError;
pub use pad::Pad;
pub use re_config::ReConfig;
pub use sack::{GapBlock, Sack};
pub use shutdown::Shutdown;
pub use shutdown_ack::ShutdownAck;
pub use shutdown_complete::ShutdownComplete;
pub use unknown::{UnknownAction, UnknownChunk};

/// Chunk type numbers (IANA "Chunk Types" registry).
pub mod types {
    /// Payload Data (RFC 9260 §3.3.1).
    pub const DATA: u8 = 0;
    /// Initiation (RFC 9260 §3.3.2).
    pub const INIT: u8 = 1;
    /// Initiation Acknowledgement (RFC 9260 §3.3.3).
    pub const INIT_ACK: u8 = 2;
    /// Selective Acknowledgement (RFC 9260 §3.3.4).
    pub const SACK: u8 = 3;
    /// Heartbeat Request (RFC 9260 §3.3.5).
    pub const HEARTBEAT: u8 = 4;
    /// Heartbeat Acknowledgement (RFC 9260 §3.3.6).
    pub const HEARTBEAT_ACK: u8 = 5;
    /// Abort (RFC 9260 §3.3.7).
    pub const ABORT: u8 = 6;
    /// Shutdown (RFC 9260 §3.3.8).
    pub const SHUTDOWN: u8 = 7;
    /// Shutdown Acknowledgement (RFC 9260 §3.3.9).
    pub const SHUTDOWN_ACK: u8 = 8;
    /// Operation Error (RFC 9260 §3.3.10).
    pub const ERROR: u8 = 9;
    /// State Cookie (RFC 9260 §3.3.11).
    pub const COOKIE_ECHO: u8 = 10;
    /// Cookie Acknowledgement (RFC 9260 §3.3.12).
    pub const COOKIE_ACK: u8 = 11;
    /// Explicit Congestion Notification Echo (RFC 9260 Appendix A).
    pub const ECNE: u8 = 12;
    /// Congestion Window Reduced (RFC 9260 Appendix A).
    pub const CWR: u8 = 13;
    /// Shutdown Complete (RFC 9260 §3.3.13).
    pub const SHUTDOWN_COMPLETE: u8 = 14;
    /// Authentication (RFC 4895 §4.1).
    pub const AUTH: u8 = 15;
    /// Interleaved Payload Data (RFC 8260 §2.1).
    pub const I_DATA: u8 = 64;
    /// Address Configuration Acknowledgement (RFC 5061 §4.1.2).
    pub const ASCONF_ACK: u8 = 0x80;
    /// Re-configuration (RFC 6525 §3.1).
    pub const RE_CONFIG: u8 = 0x82;
    /// Padding (RFC 4820 §3).
    pub const PAD: u8 = 0x84;
    /// Forward Cumulative TSN (RFC 3758 §3.2).
    pub const FORWARD_TSN: u8 = 0xC0;
    /// Address Configuration Change (RFC 5061 §4.1.1).
    pub const ASCONF: u8 = 0xC1;
    /// I-FORWARD-TSN (RFC 8260 §2.3.1).
    pub const I_FORWARD_TSN: u8 = 0xC2;
}

/// The body of one chunk type: everything after the 4-byte chunk header.
pub trait ChunkBody: Sized + fmt::Display {
    /// The chunk type number.
    const TYPE: u8;

    /// Decode from the flags byte and the value (header and padding removed).
    fn decode(flags: u8, value: &mut Reader<'_>) -> Result<Self, ParseError>;

    /// The flags byte to write.
    fn flags(&self) -> u8 {
        0
    }

    /// Length of the value, without header and padding.
    fn value_len(&self) -> usize;

    /// Write the value (without header and padding).
    fn encode_value<B: BufMut>(&self, out: &mut B);
}

macro_rules! chunk_enum {
    ($($(#[$doc:meta])* $variant:ident($ty:ty) = $code:path),* $(,)?) => {
        /// One chunk of any type.
        #[non_exhaustive]
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Chunk {
            $($(#[$doc])* $variant($ty),)*
            /// A chunk type this codec does not know, kept raw.
            Unknown(UnknownChunk),
        }

        impl Chunk {
            /// The chunk type number.
            pub fn chunk_type(&self) -> u8 {
                match self {
                    $(Self::$variant(_) => $code,)*
                    Self::Unknown(u) => u.chunk_type,
                }
            }

            /// The flags byte.
            pub fn flags(&self) -> u8 {
                match self {
                    $(Self::$variant(c) => c.flags(),)*
                    Self::Unknown(u) => u.flags,
                }
            }

            /// Length of the value, without header and padding.
            pub fn value_len(&self) -> usize {
                match self {
                    $(Self::$variant(c) => c.value_len(),)*
                    Self::Unknown(u) => u.value.len(),
                }
            }

            fn encode_value<B: BufMut>(&self, out: &mut B) {
                match self {
                    $(Self::$variant(c) => c.encode_value(out),)*
                    Self::Unknown(u) => out.put_slice(&u.value),
                }
            }

            fn decode(chunk_type: u8, flags: u8, value: &mut Reader<'_>) -> Result<Self, ParseError> {
                Ok(match chunk_type {
                    $($code => Self::$variant(<$ty>::decode(flags, value)?),)*
                    _ => Self::Unknown(UnknownChunk { chunk_type, flags, value: value.rest() }),
                })
            }
        }

        impl fmt::Display for Chunk {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $(Self::$variant(c) => fmt::Display::fmt(c, f),)*
                    Self::Unknown(u) => fmt::Display::fmt(u, f),
                }
            }
        }

        $(impl From<$ty> for Chunk {
            fn from(c: $ty) -> Self {
                Self::$variant(c)
            }
        })*
    };
}

chunk_enum! {
    /// DATA.
    Data(Data) = types::DATA,
    /// INIT.
    Init(Init) = types::INIT,
    /// INIT ACK.
    InitAck(InitAck) = types::INIT_ACK,
    /// SACK.
    Sack(Sack) = types::SACK,
    /// HEARTBEAT.
    Heartbeat(Heartbeat) = types::HEARTBEAT,
    /// HEARTBEAT ACK.
    HeartbeatAck(HeartbeatAck) = types::HEARTBEAT_ACK,
    /// ABORT.
    Abort(Abort) = types::ABORT,
    /// SHUTDOWN.
    Shutdown(Shutdown) = types::SHUTDOWN,
    /// SHUTDOWN ACK.
    ShutdownAck(ShutdownAck) = types::SHUTDOWN_ACK,
    /// ERROR.
    Error(OperationError) = types::ERROR,
    /// COOKIE ECHO.
    CookieEcho(CookieEcho) = types::COOKIE_ECHO,
    /// COOKIE ACK.
    CookieAck(CookieAck) = types::COOKIE_ACK,
    /// ECNE.
    Ecne(Ecne) = types::ECNE,
    /// CWR.
    Cwr(Cwr) = types::CWR,
    /// SHUTDOWN COMPLETE.
    ShutdownComplete(ShutdownComplete) = types::SHUTDOWN_COMPLETE,
    /// AUTH.
    Auth(Auth) = types::AUTH,
    /// I-DATA.
    IData(IData) = types::I_DATA,
    /// ASCONF-ACK.
    AsconfAck(AsconfAck) = types::ASCONF_ACK,
    /// RE-CONFIG.
    ReConfig(ReConfig) = types::RE_CONFIG,
    /// PAD.
    Pad(Pad) = types::PAD,
    /// FORWARD TSN.
    ForwardTsn(ForwardTsn) = types::FORWARD_TSN,
    /// ASCONF.
    Asconf(Asconf) = types::ASCONF,
    /// I-FORWARD-TSN.
    IForwardTsn(IForwardTsn) = types::I_FORWARD_TSN,
}

impl Chunk {
    /// Bytes on the wire: header, value and padding.
    #[inline]
    pub fn padded_len(&self) -> usize {
        tlv::padded(tlv::HEADER_LEN + self.value_len())
    }

    /// The Chunk Length field: header and value, no padding.
    #[inline]
    pub fn encoded_len(&self) -> usize {
        tlv::HEADER_LEN + self.value_len()
    }

    /// Write header, value and padding.
    pub fn write<B: BufMut>(&self, out: &mut B) {
        let value_len = self.value_len();
        tlv::put_header(
            out,
            u16::from_be_bytes([self.chunk_type(), self.flags()]),
            value_len,
        );
        self.encode_value(out);
        tlv::put_padding(out, value_len);
    }

    /// Decode the next chunk of a packet, or `None` at the end.
    // Forced inline: out of line, its result went through memory and cost DATA a third more.
    #[inline(always)]
    pub fn parse_next(r: &mut Reader<'_>) -> Result<Option<Self>, ParseError> {
        let Some(t) = tlv::next(r)? else {
            return Ok(None);
        };
        let [chunk_type, flags] = t.word.to_be_bytes();
        let mut value = t.value.in_chunk(chunk_type);
        // DATA inline, everything else through the (not inlined) match over every type: DATA is
        // most of the traffic, and returning through the big match cost it ~10% of a full-size
        // packet's parse time (benches/benches/wire.rs).
        if chunk_type == types::DATA {
            return Data::decode(flags, &mut value).map(|d| Some(Self::Data(d)));
        }
        Self::decode(chunk_type, flags, &mut value).map(Some)
    }

    /// Decode exactly one chunk (header included) from `bytes`, as found at packet offset
    /// `offset`; trailing bytes beyond the chunk's padding are an error.
    pub fn parse_one(bytes: bytes::Bytes, offset: usize) -> Result<Self, ParseError> {
        let mut r = Reader::new(&bytes, offset, None);
        let c = Self::parse_next(&mut r)?;
        match c {
            Some(c) => {
                r.finish("chunk")?;
                Ok(c)
            }
            None => Err(r.error(crate::ParseErrorKind::Truncated {
                field: "chunk header",
                needed: 4,
                available: 0,
            })),
        }
    }

    /// The chunk as bytes (header, value, padding).
    pub fn to_vec(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.padded_len());
        self.write(&mut v);
        v
    }
}
