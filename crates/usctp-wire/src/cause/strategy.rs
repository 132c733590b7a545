//! proptest strategies that generate every error cause, for `parse(write(x)) == x`.

use proptest::prelude::*;

use super::*;
use crate::chunk::strategy::bytes;
use crate::param::strategy::address_list;
use crate::{StreamId, Tsn};

fn unknown() -> impl Strategy<Value = UnknownCause> {
    (prop_oneof![Just(0x0077u16), Just(0x7777)], bytes(24))
        .prop_map(|(code, value)| UnknownCause { code, value })
}

/// Any error cause.
pub(crate) fn any_cause() -> impl Strategy<Value = ErrorCause> {
    prop_oneof![
        any::<u16>().prop_map(|s| ErrorCause::from(InvalidStreamIdentifier {
            stream: StreamId(s)
        })),
        proptest::collection::vec(any::<u16>(), 0..8)
            .prop_map(|missing| ErrorCause::from(MissingMandatoryParameter { missing })),
        any::<u32>().prop_map(|staleness_us| ErrorCause::from(StaleCookie { staleness_us })),
        Just(ErrorCause::from(OutOfResource)),
        bytes(24).prop_map(|address| ErrorCause::from(UnresolvableAddress { address })),
        bytes(24).prop_map(|chunk| ErrorCause::from(UnrecognizedChunkType { chunk })),
        Just(ErrorCause::from(InvalidMandatoryParameter)),
        bytes(24).prop_map(|parameters| ErrorCause::from(UnrecognizedParameters { parameters })),
        any::<u32>().prop_map(|t| ErrorCause::from(NoUserData { tsn: Tsn(t) })),
        Just(ErrorCause::from(CookieReceivedWhileShuttingDown)),
        address_list(4)
            .prop_map(|addresses| ErrorCause::from(RestartWithNewAddresses { addresses })),
        bytes(24).prop_map(|reason| ErrorCause::from(UserInitiatedAbort { reason })),
        bytes(24).prop_map(|info| ErrorCause::from(ProtocolViolation { info })),
        bytes(24).prop_map(|request| ErrorCause::from(DeleteLastRemainingAddress { request })),
        bytes(24).prop_map(|request| ErrorCause::from(ResourceShortage { request })),
        bytes(24).prop_map(|request| ErrorCause::from(DeleteSourceAddress { request })),
        Just(ErrorCause::from(IllegalAsconfAck)),
        bytes(24).prop_map(|request| ErrorCause::from(NoAuthorization { request })),
        any::<u16>().prop_map(|hmac_id| ErrorCause::from(UnsupportedHmacIdentifier { hmac_id })),
        unknown().prop_map(ErrorCause::Unknown),
    ]
}

/// A list of up to `max` error causes.
pub(crate) fn cause_list(max: usize) -> impl Strategy<Value = Vec<ErrorCause>> {
    proptest::collection::vec(any_cause(), 0..max)
}

proptest! {
    #[test]
    fn cause_round_trip(c in any_cause()) {
        let wire = bytes::Bytes::from(c.to_vec());
        prop_assert_eq!(wire.len(), c.padded_len());
        prop_assert_eq!(ErrorCause::parse_one(wire, 0), Ok(c));
    }

    #[test]
    fn cause_list_round_trip(list in cause_list(6)) {
        let mut out = Vec::new();
        ErrorCause::write_list(&list, &mut out);
        prop_assert_eq!(out.len(), ErrorCause::list_len(&list));
        let buf = bytes::Bytes::from(out);
        let mut r = crate::Reader::new(&buf, 0, None);
        prop_assert_eq!(ErrorCause::parse_list(&mut r), Ok(list));
    }
}
