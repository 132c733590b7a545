//! Typed parse errors: what was wrong, and where in the packet.

use core::fmt;

/// A packet, chunk, parameter or error cause that could not be decoded.
///
/// `offset` is the byte offset in the packet where the problem was found; `chunk_type` is the
/// type of the chunk being decoded at the time, if any.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ParseError {
    /// What was wrong.
    pub kind: ParseErrorKind,
    /// Byte offset in the packet.
    pub offset: usize,
    /// Type of the enclosing chunk, if the error was inside one.
    pub chunk_type: Option<u8>,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at offset {}", self.kind, self.offset)?;
        if let Some(t) = self.chunk_type {
            write!(f, " (in chunk type {t})")?;
        }
        Ok(())
    }
}

/// The kinds of [`ParseError`].
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseErrorKind {
    /// Fewer than 12 bytes: no room for the common header.
    #[error("packet of {len} bytes is shorter than the 12-byte common header")]
    PacketTooShort {
        /// Length of the datagram.
        len: usize,
    },
    /// The CRC32c in the common header does not match the packet.
    #[error("checksum field {found:#010x} does not match computed CRC32c {computed:#010x}")]
    BadChecksum {
        /// The value read from the packet (as a little-endian number).
        found: u32,
        /// The value computed over the packet.
        computed: u32,
    },
    /// A fixed-size field runs past the end of its container.
    #[error("{field} needs {needed} bytes, {available} remain")]
    Truncated {
        /// Name of the field being read.
        field: &'static str,
        /// Bytes needed.
        needed: usize,
        /// Bytes left.
        available: usize,
    },
    /// A TLV length field is smaller than the TLV's own header or fixed part.
    #[error("length {length} is below the minimum {min}")]
    LengthTooSmall {
        /// The length field.
        length: usize,
        /// The smallest valid length.
        min: usize,
    },
    /// A TLV length field points past the end of its container.
    #[error("length {length} exceeds the {available} bytes that remain")]
    LengthBeyondEnd {
        /// The length field.
        length: usize,
        /// Bytes left in the container.
        available: usize,
    },
    /// A fixed-size TLV has a length other than its only valid one.
    #[error("length {length} is invalid, expected {expected}")]
    LengthMismatch {
        /// The length field.
        length: usize,
        /// The only valid length.
        expected: usize,
    },
    /// A value whose length must be a multiple of some unit is not.
    #[error("{field} of {length} bytes is not a multiple of {unit}")]
    NotMultiple {
        /// Name of the field.
        field: &'static str,
        /// Its length.
        length: usize,
        /// The unit.
        unit: usize,
    },
    /// A mandatory parameter is absent.
    #[error("mandatory parameter {param_type:#06x} is missing")]
    MissingParameter {
        /// The missing parameter's type.
        param_type: u16,
    },
    /// A field holds a value the RFC forbids (for example a zero Initiate Tag).
    #[error("{field} holds an invalid value")]
    InvalidValue {
        /// Name of the field.
        field: &'static str,
    },
    /// Bytes left over after a fixed-format value.
    #[error("{count} trailing bytes after {field}")]
    TrailingBytes {
        /// Name of the value.
        field: &'static str,
        /// Number of extra bytes.
        count: usize,
    },
}
