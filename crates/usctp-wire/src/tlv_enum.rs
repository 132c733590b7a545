//! The macro that defines the parameter and error-cause enums.

/// Defines the enum over one family of 16-bit-typed TLVs (parameters, error causes), its body
/// trait, and the list codec shared by both families.
macro_rules! tlv_enum {
    (
        $(#[$edoc:meta])* enum $enum:ident;
        $(#[$tdoc:meta])* trait $trait:ident;
        $(#[$udoc:meta])* unknown $unknown:ident { $tyfield:ident };
        noun $noun:literal;
        $($(#[$doc:meta])* $variant:ident($ty:ty) = $code:path),* $(,)?
    ) => {
        $(#[$tdoc])*
        pub trait $trait: Sized + core::fmt::Display {
            /// The type number.
            const TYPE: u16;
            /// Decode from the value (header and padding removed).
            fn decode(value: &mut $crate::Reader<'_>) -> Result<Self, $crate::ParseError>;
            /// Length of the value, without header and padding.
            fn value_len(&self) -> usize;
            /// Write the value (without header and padding).
            fn encode_value<B: bytes::BufMut>(&self, out: &mut B);
        }

        $(#[$edoc])*
        #[non_exhaustive]
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum $enum {
            $($(#[$doc])* $variant($ty),)*
            $(#[$udoc])*
            Unknown($unknown),
        }

        impl $enum {
            /// The type number.
            pub fn $tyfield(&self) -> u16 {
                match self {
                    $(Self::$variant(_) => $code,)*
                    Self::Unknown(u) => u.$tyfield,
                }
            }

            /// Length of the value, without header and padding.
            pub fn value_len(&self) -> usize {
                match self {
                    $(Self::$variant(p) => p.value_len(),)*
                    Self::Unknown(u) => u.value.len(),
                }
            }

            fn encode_value<B: bytes::BufMut>(&self, out: &mut B) {
                match self {
                    $(Self::$variant(p) => p.encode_value(out),)*
                    Self::Unknown(u) => out.put_slice(&u.value),
                }
            }

            fn decode(
                $tyfield: u16,
                value: &mut $crate::Reader<'_>,
            ) -> Result<Self, $crate::ParseError> {
                Ok(match $tyfield {
                    $($code => Self::$variant(<$ty as $trait>::decode(value)?),)*
                    _ => Self::Unknown($unknown { $tyfield, value: value.rest() }),
                })
            }

            /// The length field: header and value, no padding.
            #[inline]
            pub fn encoded_len(&self) -> usize {
                $crate::tlv::HEADER_LEN + self.value_len()
            }

            /// Bytes on the wire including padding.
            #[inline]
            pub fn padded_len(&self) -> usize {
                $crate::tlv::padded(self.encoded_len())
            }

            fn write_unpadded<B: bytes::BufMut>(&self, out: &mut B) {
                $crate::tlv::put_header(out, self.$tyfield(), self.value_len());
                self.encode_value(out);
            }

            /// Write header, value and padding.
            pub fn write<B: bytes::BufMut>(&self, out: &mut B) {
                self.write_unpadded(out);
                $crate::tlv::put_padding(out, self.value_len());
            }

            /// Decode the next one, or `None` when `r` is exhausted.
            pub fn parse_next(
                r: &mut $crate::Reader<'_>,
            ) -> Result<Option<Self>, $crate::ParseError> {
                match $crate::tlv::next(r)? {
                    Some(mut t) => Self::decode(t.word, &mut t.value).map(Some),
                    None => Ok(None),
                }
            }

            /// Decode every one until `r` is exhausted.
            pub fn parse_list(r: &mut $crate::Reader<'_>) -> Result<Vec<Self>, $crate::ParseError> {
                let mut v = Vec::new();
                while let Some(p) = Self::parse_next(r)? {
                    v.push(p);
                }
                Ok(v)
            }

            /// Length of a list as counted by an enclosing length field: every item but the
            /// last padded (RFC 9260 §3.2: a chunk's length excludes its final padding).
            pub fn list_len(list: &[Self]) -> usize {
                match list.split_last() {
                    Some((last, rest)) => {
                        rest.iter().map(Self::padded_len).sum::<usize>() + last.encoded_len()
                    }
                    None => 0,
                }
            }

            /// Write a list, each item padded except the last (the enclosing TLV pads it).
            pub fn write_list<B: bytes::BufMut>(list: &[Self], out: &mut B) {
                if let Some((last, rest)) = list.split_last() {
                    for p in rest {
                        p.write(out);
                    }
                    last.write_unpadded(out);
                }
            }

            /// Decode exactly one, header included, from raw bytes found at packet offset
            /// `offset` (e.g. the copy inside an Unrecognized Parameter).
            pub fn parse_one(
                bytes: bytes::Bytes,
                offset: usize,
            ) -> Result<Self, $crate::ParseError> {
                let mut r = $crate::Reader::new(&bytes, offset, None);
                match Self::parse_next(&mut r)? {
                    Some(p) => {
                        r.finish($noun)?;
                        Ok(p)
                    }
                    None => Err(r.error($crate::ParseErrorKind::Truncated {
                        field: concat!($noun, " header"),
                        needed: 4,
                        available: 0,
                    })),
                }
            }

            /// As bytes (header, value, padding).
            pub fn to_vec(&self) -> Vec<u8> {
                let mut v = Vec::with_capacity(self.padded_len());
                self.write(&mut v);
                v
            }
        }

        impl core::fmt::Display for $enum {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                match self {
                    $(Self::$variant(p) => core::fmt::Display::fmt(p, f),)*
                    Self::Unknown(u) => core::fmt::Display::fmt(u, f),
                }
            }
        }

        $(impl From<$ty> for $enum {
            fn from(p: $ty) -> Self {
                Self::$variant(p)
            }
        })*
    };
}
