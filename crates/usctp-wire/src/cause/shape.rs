//! Layouts shared by several error causes, as macros that define one type per cause.
//!
//! Empty causes (header only), opaque causes (one raw byte string), and RFC 5061 causes that
//! carry a copy of the offending ASCONF parameter.

/// Defines a cause with no value: the 4-byte header only.
macro_rules! empty_cause {
    ($(#[$meta:meta])* $name:ident = $code:ident, $label:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub struct $name;

        impl $crate::cause::CauseBody for $name {
            const TYPE: u16 = $crate::cause::codes::$code;

            fn decode(value: &mut $crate::Reader<'_>) -> Result<Self, $crate::ParseError> {
                value.expect_len(0)?;
                Ok(Self)
            }

            fn value_len(&self) -> usize {
                0
            }

            fn encode_value<B: bytes::BufMut>(&self, _out: &mut B) {}
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str($label)
            }
        }
    };
}

/// Defines a cause whose whole value is one raw byte string (any length, zero-copy).
macro_rules! opaque_cause {
    (
        $(#[$meta:meta])*
        $name:ident { $(#[$fmeta:meta])* $field:ident } = $code:ident, $label:literal
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        pub struct $name {
            $(#[$fmeta])*
            pub $field: bytes::Bytes,
        }

        impl $crate::cause::CauseBody for $name {
            const TYPE: u16 = $crate::cause::codes::$code;

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

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, concat!($label, " ({} bytes)"), self.$field.len())
            }
        }
    };
}

/// Defines an RFC 5061 §4.3 cause whose value is a copy of the ASCONF parameter it answers.
macro_rules! asconf_copy_cause {
    ($(#[$meta:meta])* $name:ident = $code:ident, $label:literal) => {
        $crate::cause::shape::opaque_cause! {
            $(#[$meta])*
            $name {
                /// The ASCONF parameter TLV (header included) as the peer sent it.
                request
            } = $code, $label
        }

        impl $name {
            /// Decode the copied ASCONF parameter; error offsets count from its first byte.
            pub fn parse_request(&self) -> Result<$crate::param::Parameter, $crate::ParseError> {
                $crate::param::Parameter::parse_one(self.request.clone(), 0)
            }
        }
    };
}

pub(super) use asconf_copy_cause;
pub(super) use empty_cause;
pub(super) use opaque_cause;

#[cfg(test)]
pub(super) mod tests {
    use bytes::Bytes;

    use crate::cause::ErrorCause;
    use crate::ParseErrorKind;

    /// Assert that `cause` writes exactly `wire` and parses back from it.
    pub(in crate::cause) fn assert_wire(cause: ErrorCause, wire: &[u8]) {
        assert_eq!(cause.to_vec(), wire);
        assert_eq!(
            ErrorCause::parse_one(Bytes::copy_from_slice(wire), 0),
            Ok(cause)
        );
    }

    /// The error kind and offset from parsing `wire` found at packet offset 20.
    pub(in crate::cause) fn parse_err(wire: &'static [u8]) -> Option<(ParseErrorKind, usize)> {
        ErrorCause::parse_one(Bytes::from_static(wire), 20)
            .err()
            .map(|e| (e.kind, e.offset))
    }

    /// The checks every empty cause shares: exact bytes, and a value where none belongs.
    pub(in crate::cause) fn assert_empty(cause: ErrorCause) {
        let [hi, lo] = cause.code().to_be_bytes();
        assert_wire(cause, &[hi, lo, 0, 4]);
        let wire = Bytes::from(vec![hi, lo, 0, 8, 0, 0, 0, 0]);
        let e = ErrorCause::parse_one(wire, 20)
            .err()
            .map(|e| (e.kind, e.offset));
        let bad = ParseErrorKind::LengthMismatch {
            length: 8,
            expected: 4,
        };
        assert_eq!(e, Some((bad, 20)));
    }

    /// The checks every opaque cause shares: exact bytes with padding, and an overlong length.
    pub(in crate::cause) fn assert_opaque(make: impl Fn(Bytes) -> ErrorCause) {
        let c = make(Bytes::from_static(&[1, 2, 3, 4, 5]));
        let [hi, lo] = c.code().to_be_bytes();
        assert_wire(c, &[hi, lo, 0, 9, 1, 2, 3, 4, 5, 0, 0, 0]);
        assert_wire(make(Bytes::new()), &[hi, lo, 0, 4]);
        let wire = Bytes::from(vec![hi, lo, 0, 12, 1, 2, 3, 4]);
        let e = ErrorCause::parse_one(wire, 20)
            .err()
            .map(|e| (e.kind, e.offset));
        let bad = ParseErrorKind::LengthBeyondEnd {
            length: 12,
            available: 8,
        };
        assert_eq!(e, Some((bad, 20)));
    }
}
