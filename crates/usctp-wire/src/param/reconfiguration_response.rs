//! Re-configuration Response parameter (RFC 6525 §4.4).

use core::fmt;

use bytes::BufMut;

use super::{types, ParamBody};
use crate::{ParseError, Reader, Tsn};

/// In a RE-CONFIG: the answer to a re-configuration request.
///
/// ```text
/// |     Parameter Type = 16       |      Parameter Length         |
/// |         Re-configuration Response Sequence Number             |
/// |                            Result                             |
/// |                   Sender's Next TSN (optional)                |
/// |                  Receiver's Next TSN (optional)               |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReconfigurationResponse {
    /// The request sequence number of the request this answers.
    pub response_seq: u32,
    /// The outcome.
    pub result: ReconfigResult,
    /// Both next TSNs; present only in answers to an SSN/TSN Reset Request (RFC 6525 §4.4).
    pub next_tsns: Option<NextTsns>,
}

/// The optional TSN pair of a [`ReconfigurationResponse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NextTsns {
    /// The next TSN the responder will send.
    pub sender: Tsn,
    /// The next TSN the responder expects to receive.
    pub receiver: Tsn,
}

/// Result codes of a [`ReconfigurationResponse`] (RFC 6525 §4.4).
///
/// `From<u32>` maps the known codes to their variants, so `Unknown` only holds other codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReconfigResult {
    /// 0: Success - Nothing to do.
    #[default]
    SuccessNothingToDo,
    /// 1: Success - Performed.
    SuccessPerformed,
    /// 2: Denied.
    Denied,
    /// 3: Error - Wrong SSN.
    ErrorWrongSsn,
    /// 4: Error - Request already in progress.
    ErrorRequestInProgress,
    /// 5: Error - Bad Sequence Number.
    ErrorBadSequenceNumber,
    /// 6: In progress.
    InProgress,
    /// Any other code, kept as received.
    Unknown(u32),
}

impl From<u32> for ReconfigResult {
    fn from(code: u32) -> Self {
        match code {
            0 => Self::SuccessNothingToDo,
            1 => Self::SuccessPerformed,
            2 => Self::Denied,
            3 => Self::ErrorWrongSsn,
            4 => Self::ErrorRequestInProgress,
            5 => Self::ErrorBadSequenceNumber,
            6 => Self::InProgress,
            n => Self::Unknown(n),
        }
    }
}

impl From<ReconfigResult> for u32 {
    fn from(r: ReconfigResult) -> u32 {
        match r {
            ReconfigResult::SuccessNothingToDo => 0,
            ReconfigResult::SuccessPerformed => 1,
            ReconfigResult::Denied => 2,
            ReconfigResult::ErrorWrongSsn => 3,
            ReconfigResult::ErrorRequestInProgress => 4,
            ReconfigResult::ErrorBadSequenceNumber => 5,
            ReconfigResult::InProgress => 6,
            ReconfigResult::Unknown(n) => n,
        }
    }
}

impl fmt::Display for ReconfigResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SuccessNothingToDo => f.write_str("success-nothing-to-do"),
            Self::SuccessPerformed => f.write_str("success-performed"),
            Self::Denied => f.write_str("denied"),
            Self::ErrorWrongSsn => f.write_str("error-wrong-ssn"),
            Self::ErrorRequestInProgress => f.write_str("error-request-in-progress"),
            Self::ErrorBadSequenceNumber => f.write_str("error-bad-sequence-number"),
            Self::InProgress => f.write_str("in-progress"),
            Self::Unknown(n) => write!(f, "unknown({n})"),
        }
    }
}

impl ParamBody for ReconfigurationResponse {
    const TYPE: u16 = types::RECONFIGURATION_RESPONSE;

    fn decode(value: &mut Reader<'_>) -> Result<Self, ParseError> {
        // Only 8 (no TSNs) or 16 (both TSNs) value bytes are valid.
        match value.remaining() {
            8 | 16 => {}
            n if n < 8 => value.expect_len(8)?,
            _ => value.expect_len(16)?,
        }
        let response_seq = value.u32("response sequence number")?;
        let result = ReconfigResult::from(value.u32("result")?);
        let next_tsns = if value.is_empty() {
            None
        } else {
            Some(NextTsns {
                sender: Tsn(value.u32("sender's next TSN")?),
                receiver: Tsn(value.u32("receiver's next TSN")?),
            })
        };
        Ok(Self {
            response_seq,
            result,
            next_tsns,
        })
    }

    fn value_len(&self) -> usize {
        if self.next_tsns.is_some() {
            16
        } else {
            8
        }
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        out.put_u32(self.response_seq);
        out.put_u32(self.result.into());
        if let Some(t) = self.next_tsns {
            out.put_u32(t.sender.0);
            out.put_u32(t.receiver.0);
        }
    }
}

impl fmt::Display for ReconfigurationResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "RECONFIG_RESPONSE resp={} {}",
            self.response_seq, self.result
        )?;
        if let Some(t) = self.next_tsns {
            write!(f, " sender_next={} receiver_next={}", t.sender, t.receiver)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, mismatch, parse_err};

    #[test]
    fn round_trip_with_and_without_tsns() {
        let p = ReconfigurationResponse {
            response_seq: 3,
            result: ReconfigResult::SuccessPerformed,
            next_tsns: None,
        };
        assert_eq!(p.to_string(), "RECONFIG_RESPONSE resp=3 success-performed");
        assert_round_trip(p, &[0, 16, 0, 12, 0, 0, 0, 3, 0, 0, 0, 1]);
        let p = ReconfigurationResponse {
            response_seq: 4,
            result: ReconfigResult::Unknown(0x77),
            next_tsns: Some(NextTsns {
                sender: Tsn(5),
                receiver: Tsn(6),
            }),
        };
        let wire = [
            0, 16, 0, 20, 0, 0, 0, 4, 0, 0, 0, 0x77, 0, 0, 0, 5, 0, 0, 0, 6,
        ];
        assert_round_trip(p, &wire);
    }

    #[test]
    fn result_codes_map_both_ways() {
        for code in 0..=7u32 {
            assert_eq!(u32::from(ReconfigResult::from(code)), code);
        }
        assert_eq!(ReconfigResult::from(6), ReconfigResult::InProgress);
        assert_eq!(ReconfigResult::from(7), ReconfigResult::Unknown(7));
    }

    #[test]
    fn only_lengths_12_and_20_parse() {
        assert_eq!(parse_err(&[0, 16, 0, 8, 0, 0, 0, 3], 8), mismatch(8, 12, 8));
        let mut v = vec![0, 16, 0, 16];
        v.extend([0; 12]);
        assert_eq!(parse_err(&v, 8), mismatch(16, 20, 8));
        let mut v = vec![0, 16, 0, 24];
        v.extend([0; 20]);
        assert_eq!(parse_err(&v, 0), mismatch(24, 20, 0));
    }
}
