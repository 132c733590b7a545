//! The layout shared by Add IP Address, Delete IP Address and Set Primary Address
//! (RFC 5061 §4.2.1, §4.2.2, §4.2.4): a correlation ID, then an IPv4 or IPv6 Address parameter.

use std::net::IpAddr;

use bytes::BufMut;

use super::{types, Ipv4Address, Ipv6Address, ParamBody, Parameter};
use crate::{tlv, ParseError, ParseErrorKind, Reader};

/// Decode `(correlation_id, address)`. Any inner parameter but an address is `InvalidValue`.
pub(crate) fn decode(value: &mut Reader<'_>) -> Result<(u32, IpAddr), ParseError> {
    let correlation_id = value.u32("correlation ID")?;
    let at = value.offset();
    let Some(mut inner) = tlv::next(value)? else {
        return Err(value.error(ParseErrorKind::Truncated {
            field: "address parameter",
            needed: tlv::HEADER_LEN,
            available: 0,
        }));
    };
    // Only the two address types are decoded, so hostile nesting cannot recurse.
    let address = match inner.word {
        types::IPV4_ADDRESS => IpAddr::V4(Ipv4Address::decode(&mut inner.value)?.0),
        types::IPV6_ADDRESS => IpAddr::V6(Ipv6Address::decode(&mut inner.value)?.0),
        _ => {
            return Err(value.error_at(
                at,
                ParseErrorKind::InvalidValue {
                    field: "address parameter",
                },
            ))
        }
    };
    value.finish("address parameter")?;
    Ok((correlation_id, address))
}

/// Length of the value for `address`.
pub(crate) fn value_len(address: IpAddr) -> usize {
    4 + Parameter::from(address).encoded_len()
}

/// Encode the value.
pub(crate) fn encode<B: BufMut>(out: &mut B, correlation_id: u32, address: IpAddr) {
    out.put_u32(correlation_id);
    Parameter::from(address).write(out);
}

/// `ParamBody` and `Display` for a struct with `correlation_id: u32` and `address: IpAddr`.
macro_rules! asconf_address_param {
    ($ty:ident = $code:path, $label:literal) => {
        impl $crate::param::ParamBody for $ty {
            const TYPE: u16 = $code;

            fn decode(value: &mut $crate::Reader<'_>) -> Result<Self, $crate::ParseError> {
                let (correlation_id, address) = $crate::param::asconf_address::decode(value)?;
                Ok(Self {
                    correlation_id,
                    address,
                })
            }

            fn value_len(&self) -> usize {
                $crate::param::asconf_address::value_len(self.address)
            }

            fn encode_value<B: bytes::BufMut>(&self, out: &mut B) {
                $crate::param::asconf_address::encode(out, self.correlation_id, self.address);
            }
        }

        impl core::fmt::Display for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(
                    f,
                    concat!($label, " corr={} {}"),
                    self.correlation_id, self.address
                )
            }
        }
    };
}
