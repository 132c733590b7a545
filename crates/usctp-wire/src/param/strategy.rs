//! proptest strategies that generate every parameter type, for `parse(write(x)) == x`.

use std::net::Ipv4Addr;

use proptest::prelude::*;

use super::*;
use crate::chunk::strategy::bytes;

fn unknown() -> impl Strategy<Value = UnknownParameter> {
    (
        prop_oneof![Just(0x0077u16), Just(0x4077), Just(0x8077), Just(0xc077)],
        bytes(24),
    )
        .prop_map(|(param_type, value)| UnknownParameter { param_type, value })
}

/// Any parameter.
pub(crate) fn any_parameter() -> impl Strategy<Value = Parameter> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(|a| Parameter::Ipv4Address(Ipv4Address(Ipv4Addr::from(a)))),
        unknown().prop_map(Parameter::Unknown),
    ]
}

/// A list of up to `max` parameters.
pub(crate) fn parameter_list(max: usize) -> impl Strategy<Value = Vec<Parameter>> {
    proptest::collection::vec(any_parameter(), 0..max)
}

proptest! {
    #[test]
    fn parameter_round_trip(p in any_parameter()) {
        let wire = bytes::Bytes::from(p.to_vec());
        prop_assert_eq!(wire.len(), p.padded_len());
        prop_assert_eq!(Parameter::parse_one(wire, 0), Ok(p));
    }

    #[test]
    fn parameter_list_round_trip(list in parameter_list(6)) {
        let mut out = Vec::new();
        Parameter::write_list(&list, &mut out);
        prop_assert_eq!(out.len(), Parameter::list_len(&list));
        let mut r = crate::Reader::new(bytes::Bytes::from(out), 0, None);
        prop_assert_eq!(Parameter::parse_list(&mut r), Ok(list));
    }
}
