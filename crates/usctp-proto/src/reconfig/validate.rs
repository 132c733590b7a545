//! What a received RE-CONFIG chunk may carry (RFC 6525 §3.1): one or two parameters, in one
//! of the allowed combinations. A chunk that breaks these rules changes no state.

use usctp_wire::chunk::UnknownAction;
use usctp_wire::param::Parameter;

/// Why a RE-CONFIG chunk was discarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ChunkError {
    /// No (known) parameter at all.
    #[error("RE-CONFIG without a re-configuration parameter")]
    Empty,
    /// More than two parameters.
    #[error("RE-CONFIG with {0} parameters (two at most)")]
    TooMany(usize),
    /// A parameter that has no place in a RE-CONFIG chunk.
    #[error("parameter type {0} is not a re-configuration parameter")]
    Foreign(u16),
    /// Two parameters that may not go together.
    #[error("RE-CONFIG parameters {0} and {1} may not be combined")]
    Combination(u16, u16),
}

/// The parameter kinds of RFC 6525 §4, by type number.
fn kind(p: &Parameter) -> Option<u16> {
    let t = p.param_type();
    matches!(
        p,
        Parameter::OutgoingSsnResetRequest(_)
            | Parameter::IncomingSsnResetRequest(_)
            | Parameter::SsnTsnResetRequest(_)
            | Parameter::ReconfigurationResponse(_)
            | Parameter::AddOutgoingStreamsRequest(_)
            | Parameter::AddIncomingStreamsRequest(_)
    )
    .then_some(t)
}

/// The parameters to process, in order, or why the chunk is discarded.
///
/// An unknown parameter type is handled by its upper two bits (RFC 6525 §4, RFC 9260
/// §3.2.1): `00`/`01` stop processing it and the rest of the chunk, `10`/`11` skip it.
/// (Reporting it in an ERROR, bits `01`/`11`, is not done.)
pub(crate) fn known_params(params: Vec<Parameter>) -> Result<Vec<Parameter>, ChunkError> {
    let mut out = Vec::with_capacity(params.len().min(2));
    for p in params {
        if let Parameter::Unknown(u) = &p {
            if UnknownAction::for_param(u.param_type).skips() {
                continue;
            }
            break;
        }
        out.push(p);
    }
    check(&out)?;
    Ok(out)
}

/// RFC 6525 §3.1: the allowed combinations.
fn check(params: &[Parameter]) -> Result<(), ChunkError> {
    use usctp_wire::param::types::{
        ADD_INCOMING_STREAMS_REQUEST as ADD_IN, ADD_OUTGOING_STREAMS_REQUEST as ADD_OUT,
        INCOMING_SSN_RESET_REQUEST as IN, OUTGOING_SSN_RESET_REQUEST as OUT,
        RECONFIGURATION_RESPONSE as RESP,
    };
    let kinds = params
        .iter()
        .map(|p| kind(p).ok_or(ChunkError::Foreign(p.param_type())))
        .collect::<Result<Vec<_>, _>>()?;
    match kinds[..] {
        [] => Err(ChunkError::Empty),
        [_] => Ok(()),
        // Outgoing + Incoming SSN reset, Add Outgoing + Add Incoming, a response with an
        // Outgoing SSN reset, two responses.
        [OUT, IN]
        | [IN, OUT]
        | [ADD_OUT, ADD_IN]
        | [ADD_IN, ADD_OUT]
        | [RESP, OUT]
        | [OUT, RESP]
        | [RESP, RESP] => Ok(()),
        [a, b] => Err(ChunkError::Combination(a, b)),
        _ => Err(ChunkError::TooMany(kinds.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use usctp_wire::param::{
        AddIncomingStreamsRequest, AddOutgoingStreamsRequest, IncomingSsnResetRequest,
        OutgoingSsnResetRequest, ReconfigurationResponse, SsnTsnResetRequest, UnknownParameter,
    };

    fn out() -> Parameter {
        OutgoingSsnResetRequest::default().into()
    }
    fn inc() -> Parameter {
        IncomingSsnResetRequest::default().into()
    }
    fn resp() -> Parameter {
        ReconfigurationResponse::default().into()
    }
    fn tsn() -> Parameter {
        SsnTsnResetRequest::default().into()
    }
    fn unknown(t: u16) -> Parameter {
        Parameter::Unknown(UnknownParameter {
            param_type: t,
            value: Bytes::new(),
        })
    }

    #[test]
    fn rfc6525_3_1_allowed_combinations_pass() {
        let add_out: Parameter = AddOutgoingStreamsRequest::default().into();
        let add_in: Parameter = AddIncomingStreamsRequest::default().into();
        for ok in [
            vec![out()],
            vec![tsn()],
            vec![out(), inc()],
            vec![inc(), out()],
            vec![add_out.clone(), add_in.clone()],
            vec![add_in, add_out],
            vec![resp(), out()],
            vec![resp(), resp()],
        ] {
            assert!(known_params(ok.clone()).is_ok(), "{ok:?}");
        }
    }

    #[test]
    fn rfc6525_3_1_other_combinations_and_counts_fail() {
        assert_eq!(known_params(vec![]), Err(ChunkError::Empty));
        assert_eq!(
            known_params(vec![out(), inc(), resp()]),
            Err(ChunkError::TooMany(3))
        );
        assert!(matches!(
            known_params(vec![tsn(), out()]),
            Err(ChunkError::Combination(15, 13))
        ));
        assert!(matches!(
            known_params(vec![inc(), resp()]),
            Err(ChunkError::Combination(14, 16))
        ));
        let cookie = usctp_wire::param::CookiePreservative { increment_ms: 1 };
        assert_eq!(
            known_params(vec![cookie.into()]),
            Err(ChunkError::Foreign(9))
        );
    }

    #[test]
    fn unknown_parameters_follow_their_upper_bits() {
        // 10: skipped, the rest processed.
        assert_eq!(known_params(vec![unknown(0x8077), out()]), Ok(vec![out()]));
        // 00: processing stops there.
        assert_eq!(
            known_params(vec![out(), unknown(0x0077), inc()]),
            Ok(vec![out()])
        );
        assert_eq!(
            known_params(vec![unknown(0x4077), out()]),
            Err(ChunkError::Empty)
        );
    }
}
