//! Supported Address Types parameter (RFC 9260 §3.3.2.1.5).

use super::types;

/// The address types (parameter type numbers: 5 IPv4, 6 IPv6, 11 Host Name) the sender of an
/// INIT can use.
///
/// ```text
/// |          Type = 12            |          Length               |
/// |        Address Type #1        |        Address Type #2        |
/// |            ......             |
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SupportedAddressTypes {
    /// The supported address parameter types.
    pub address_types: Vec<u16>,
}

list_param!(
    SupportedAddressTypes {
        address_types: "address types"
    } = types::SUPPORTED_ADDRESS_TYPES,
    "SUPPORTED_ADDRESS_TYPES"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, parse_err};
    use crate::ParseErrorKind;

    #[test]
    fn round_trip_and_odd_length() {
        let p = SupportedAddressTypes {
            address_types: vec![5, 6, 11],
        };
        assert_eq!(p.to_string(), "SUPPORTED_ADDRESS_TYPES [5, 6, 11]");
        assert_round_trip(p, &[0, 12, 0, 10, 0, 5, 0, 6, 0, 11, 0, 0]);
        assert_eq!(
            parse_err(&[0, 12, 0, 7, 0, 5, 0, 0], 20),
            Some((
                ParseErrorKind::NotMultiple {
                    field: "address types",
                    length: 3,
                    unit: 2
                },
                24
            ))
        );
    }
}
