//! Chunks and parameters of unknown type, and what their upper two type bits ask for.

use core::fmt;

use bytes::Bytes;

/// What to do with an unrecognised chunk or parameter, from its two high-order type bits
/// (RFC 9260 §3.2 for chunks, §3.2.1 for parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnknownAction {
    /// `00`: stop processing this packet (chunk) or the containing chunk (parameter).
    Stop,
    /// `01`: as `Stop`, and report it (ERROR with Unrecognized Chunk Type, or Unrecognized
    /// Parameter).
    StopAndReport,
    /// `10`: skip it and continue.
    Skip,
    /// `11`: skip it, continue, and report it.
    SkipAndReport,
}

impl UnknownAction {
    /// The action for a chunk type (bits 7 and 6 of the 8-bit type).
    pub const fn for_chunk(chunk_type: u8) -> Self {
        Self::from_bits(chunk_type >> 6)
    }

    /// The action for a parameter type (bits 15 and 14 of the 16-bit type).
    pub const fn for_param(param_type: u16) -> Self {
        Self::from_bits((param_type >> 14) as u8)
    }

    const fn from_bits(b: u8) -> Self {
        match b & 3 {
            0 => Self::Stop,
            1 => Self::StopAndReport,
            2 => Self::Skip,
            _ => Self::SkipAndReport,
        }
    }

    /// True for the two actions that continue with what follows.
    pub const fn skips(self) -> bool {
        matches!(self, Self::Skip | Self::SkipAndReport)
    }

    /// True for the two actions that report the unrecognised item.
    pub const fn reports(self) -> bool {
        matches!(self, Self::StopAndReport | Self::SkipAndReport)
    }
}

/// A chunk whose type this codec does not know, kept raw (RFC 9260 §3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownChunk {
    /// The type number.
    pub chunk_type: u8,
    /// The flags byte.
    pub flags: u8,
    /// The value, without header and padding.
    pub value: Bytes,
}

impl UnknownChunk {
    /// What the receiver must do with it.
    pub const fn action(&self) -> UnknownAction {
        UnknownAction::for_chunk(self.chunk_type)
    }
}

impl fmt::Display for UnknownChunk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "UNKNOWN type={:#04x} flags={:#04x} len={} action={:?}",
            self.chunk_type,
            self.flags,
            self.value.len(),
            self.action()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chunk::Chunk;

    #[test]
    fn action_bits() {
        assert_eq!(UnknownAction::for_chunk(0x3f), UnknownAction::Stop);
        assert_eq!(UnknownAction::for_chunk(0x41), UnknownAction::StopAndReport);
        assert_eq!(UnknownAction::for_chunk(0x81), UnknownAction::Skip);
        assert_eq!(UnknownAction::for_chunk(0xf7), UnknownAction::SkipAndReport);
        assert_eq!(UnknownAction::for_param(0x8001), UnknownAction::Skip);
        assert_eq!(
            UnknownAction::for_param(0x4001),
            UnknownAction::StopAndReport
        );
    }

    #[test]
    fn unknown_chunk_round_trips_raw() {
        let bytes = Bytes::from_static(&[0xf7, 0x05, 0x00, 0x07, 1, 2, 3, 0]);
        let c = Chunk::parse_one(bytes.clone(), 12).ok();
        let Some(Chunk::Unknown(u)) = &c else {
            panic!("not unknown: {c:?}")
        };
        assert_eq!(
            (u.chunk_type, u.flags, &u.value[..]),
            (0xf7, 5, &[1u8, 2, 3][..])
        );
        assert_eq!(u.action(), UnknownAction::SkipAndReport);
        assert_eq!(c.map(|c| c.to_vec()), Some(bytes.to_vec()));
    }
}
