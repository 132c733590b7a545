//! Shared codecs for parameters whose value is empty, one u32, opaque bytes, or a list of
//! fixed-size items, so each such parameter's own file holds only its type, docs and tests.

use core::fmt;

use bytes::BufMut;

use crate::{ParseError, ParseErrorKind, Reader, StreamId};

/// A fixed-size item of a list-valued parameter.
pub(crate) trait ListItem: Sized {
    /// Bytes per item on the wire.
    const SIZE: usize;
    /// Read one item.
    fn read(r: &mut Reader<'_>, field: &'static str) -> Result<Self, ParseError>;
    /// Write one item.
    fn put<B: BufMut>(&self, out: &mut B);
}

impl ListItem for u8 {
    const SIZE: usize = 1;
    fn read(r: &mut Reader<'_>, field: &'static str) -> Result<Self, ParseError> {
        r.u8(field)
    }
    fn put<B: BufMut>(&self, out: &mut B) {
        out.put_u8(*self);
    }
}

impl ListItem for u16 {
    const SIZE: usize = 2;
    fn read(r: &mut Reader<'_>, field: &'static str) -> Result<Self, ParseError> {
        r.u16(field)
    }
    fn put<B: BufMut>(&self, out: &mut B) {
        out.put_u16(*self);
    }
}

impl ListItem for StreamId {
    const SIZE: usize = 2;
    fn read(r: &mut Reader<'_>, field: &'static str) -> Result<Self, ParseError> {
        r.u16(field).map(StreamId)
    }
    fn put<B: BufMut>(&self, out: &mut B) {
        out.put_u16(self.0);
    }
}

/// Read items until `value` is exhausted; its remaining length must be a multiple of the item
/// size, else [`ParseErrorKind::NotMultiple`] at the start of the list.
pub(crate) fn decode_list<T: ListItem>(
    value: &mut Reader<'_>,
    field: &'static str,
) -> Result<Vec<T>, ParseError> {
    let length = value.remaining();
    if length % T::SIZE != 0 {
        return Err(value.error(ParseErrorKind::NotMultiple {
            field,
            length,
            unit: T::SIZE,
        }));
    }
    // The length was checked against the bytes present, so this cannot over-allocate.
    let mut v = Vec::with_capacity(length / T::SIZE);
    while !value.is_empty() {
        v.push(T::read(value, field)?);
    }
    Ok(v)
}

/// Bytes taken by `items` on the wire.
pub(crate) fn list_len<T: ListItem>(items: &[T]) -> usize {
    items.len() * T::SIZE
}

/// Write every item of `items`.
pub(crate) fn encode_list<T: ListItem, B: BufMut>(items: &[T], out: &mut B) {
    for i in items {
        i.put(out);
    }
}

/// Displays a slice as `[a, b, c]` using each item's `Display`.
pub(crate) struct ListDisplay<'a, T>(pub &'a [T]);

impl<T: fmt::Display> fmt::Display for ListDisplay<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{item}")?;
        }
        f.write_str("]")
    }
}

/// `ParamBody` and `Display` for a unit struct parameter with an empty value.
macro_rules! empty_param {
    ($ty:ident = $code:path, $label:literal) => {
        impl $crate::param::ParamBody for $ty {
            const TYPE: u16 = $code;

            fn decode(value: &mut $crate::Reader<'_>) -> Result<Self, $crate::ParseError> {
                value.expect_len(0)?;
                Ok(Self)
            }

            fn value_len(&self) -> usize {
                0
            }

            fn encode_value<B: bytes::BufMut>(&self, _out: &mut B) {}
        }

        impl core::fmt::Display for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str($label)
            }
        }
    };
}

/// `ParamBody` and `Display` for a parameter whose value is one u32 field.
macro_rules! u32_param {
    ($ty:ident { $field:ident: $name:literal } = $code:path, $fmt:literal) => {
        impl $crate::param::ParamBody for $ty {
            const TYPE: u16 = $code;

            fn decode(value: &mut $crate::Reader<'_>) -> Result<Self, $crate::ParseError> {
                value.expect_len(4)?;
                Ok(Self {
                    $field: value.u32($name)?,
                })
            }

            fn value_len(&self) -> usize {
                4
            }

            fn encode_value<B: bytes::BufMut>(&self, out: &mut B) {
                out.put_u32(self.$field);
            }
        }

        impl core::fmt::Display for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, $fmt, self.$field)
            }
        }
    };
}

/// `ParamBody` (and, given a label, `Display`) for a parameter whose value is one opaque `Bytes`
/// field, kept as a zero-copy slice of the received packet.
macro_rules! bytes_param {
    ($ty:ident { $field:ident } = $code:path, $label:literal) => {
        bytes_param!($ty { $field } = $code);

        impl core::fmt::Display for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, concat!($label, " {} bytes"), self.$field.len())
            }
        }
    };
    ($ty:ident { $field:ident } = $code:path) => {
        impl $crate::param::ParamBody for $ty {
            const TYPE: u16 = $code;

            fn decode(value: &mut $crate::Reader<'_>) -> Result<Self, $crate::ParseError> {
                Ok(Self {
                    $field: value.rest(),
                })
            }

            fn value_len(&self) -> usize {
                self.$field.len()
            }

            fn encode_value<B: bytes::BufMut>(&self, out: &mut B) {
                out.put_slice(&self.$field);
            }
        }
    };
}

/// `ParamBody` and `Display` for a parameter whose value is one list of fixed-size items.
macro_rules! list_param {
    ($ty:ident { $field:ident: $name:literal } = $code:path, $label:literal) => {
        impl $crate::param::ParamBody for $ty {
            const TYPE: u16 = $code;

            fn decode(value: &mut $crate::Reader<'_>) -> Result<Self, $crate::ParseError> {
                Ok(Self {
                    $field: $crate::param::simple::decode_list(value, $name)?,
                })
            }

            fn value_len(&self) -> usize {
                $crate::param::simple::list_len(&self.$field)
            }

            fn encode_value<B: bytes::BufMut>(&self, out: &mut B) {
                $crate::param::simple::encode_list(&self.$field, out);
            }
        }

        impl core::fmt::Display for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(
                    f,
                    concat!($label, " {}"),
                    $crate::param::simple::ListDisplay(&self.$field)
                )
            }
        }
    };
}
