//! Error Cause Indication parameter (RFC 5061 §4.2.3).

use core::fmt;

use bytes::BufMut;

use super::simple::ListDisplay;
use super::{types, ParamBody};
use crate::cause::ErrorCause;
use crate::{ParseError, Reader};

/// In an ASCONF-ACK: the request with this correlation ID failed, for these reasons.
///
/// ```text
/// |      Type = 0xC003            |    Length = Variable          |
/// |                ASCONF-Request Correlation ID                  |
/// /                     Error Cause(s)                            /
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorCauseIndication {
    /// The correlation ID of the failed request.
    pub correlation_id: u32,
    /// Why it failed.
    pub causes: Vec<ErrorCause>,
}

impl ParamBody for ErrorCauseIndication {
    const TYPE: u16 = types::ERROR_CAUSE_INDICATION;

    fn decode(value: &mut Reader<'_>) -> Result<Self, ParseError> {
        Ok(Self {
            correlation_id: value.u32("correlation ID")?,
            causes: ErrorCause::parse_list(value)?,
        })
    }

    fn value_len(&self) -> usize {
        4 + ErrorCause::list_len(&self.causes)
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        out.put_u32(self.correlation_id);
        ErrorCause::write_list(&self.causes, out);
    }
}

impl fmt::Display for ErrorCauseIndication {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ERROR_CAUSE_INDICATION corr={} causes={}",
            self.correlation_id,
            ListDisplay(&self.causes)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cause::UnknownCause;
    use crate::param::test_util::{assert_round_trip, parse_err};
    use crate::ParseErrorKind;
    use bytes::Bytes;

    #[test]
    fn round_trip_and_bad_cause() {
        let p = ErrorCauseIndication {
            correlation_id: 5,
            causes: vec![ErrorCause::Unknown(UnknownCause {
                code: 0x0077,
                value: Bytes::from_static(&[7]),
            })],
        };
        // The last cause is unpadded inside; the parameter's own padding follows.
        let wire = [0xc0, 3, 0, 13, 0, 0, 0, 5, 0, 0x77, 0, 5, 7, 0, 0, 0];
        assert_round_trip(p, &wire);
        let bad = [0xc0, 3, 0, 12, 0, 0, 0, 5, 0, 0x77, 0, 9];
        assert_eq!(
            parse_err(&bad, 40),
            Some((
                ParseErrorKind::LengthBeyondEnd {
                    length: 9,
                    available: 4
                },
                48
            ))
        );
    }
}
