//! Why a runner ([`run_transfer`](crate::run_transfer), [`run_failover`](crate::run_failover))
//! stopped before its traffic was done, and the two checks that decide it: the streams a run
//! asks for, and what a refused send means.

use usctp_proto::SendError;
use usctp_proto::{AssocError, AssociationConfig, ConnectError};

/// A request the stack refused for good: the run stops instead of retrying.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// Zero streams: an association has at least one stream each way (RFC 9260 §3.3.2).
    #[error(
        "0 streams requested: an association has at least one stream each way (RFC 9260 §3.3.2)"
    )]
    NoStreams,
    /// More streams than the receiving end is configured to accept.
    #[error(
        "{streams} streams requested, but the receiver accepts at most {max} \
         (AssociationConfig::max_inbound_streams)"
    )]
    TooManyStreams {
        /// Streams the run sends on.
        streams: u16,
        /// The receiver's `max_inbound_streams`.
        max: u16,
    },
    /// The association could not be opened.
    #[error("connect: {0}")]
    Connect(ConnectError),
    /// A send failed for a reason other than a full queue.
    #[error("send of message {index}: {error}")]
    Send {
        /// The message's number in the run.
        index: usize,
        /// The stack's reason.
        error: AssocError,
    },
    /// A stream's priority or weight was refused (a stream beyond the outbound streams).
    #[error("stream priority of stream {stream}: {error}")]
    StreamPriority {
        /// The stream.
        stream: u16,
        /// The stack's reason.
        error: AssocError,
    },
}

/// Fit `cfg`, used by both ends, to a run that sends on `streams` streams: ask for that many
/// outbound streams (OS), and check that the receiver accepts them, since its MIS caps what
/// the sender gets (RFC 9260 §5.1.1).
pub(crate) fn request_streams(cfg: &mut AssociationConfig, streams: u16) -> Result<(), RunError> {
    if streams == 0 {
        return Err(RunError::NoStreams);
    }
    if cfg.max_inbound_streams < streams {
        return Err(RunError::TooManyStreams {
            streams,
            max: cfg.max_inbound_streams,
        });
    }
    cfg.outbound_streams = cfg.outbound_streams.max(streams);
    Ok(())
}

/// What a send through `Endpoint::with_association` came to: `Ok(true)` queued, `Ok(false)`
/// not queued but worth trying again (the queue is full, or the association is gone or
/// `ended`, which the runner reports as its close), `Err` a refusal that retrying cannot fix.
pub(crate) fn queued(r: Option<Result<(), AssocError>>, ended: bool) -> Result<bool, AssocError> {
    match r {
        Some(Ok(())) => Ok(true),
        None | Some(Err(AssocError::Send(SendError::QueueFull))) => Ok(false),
        Some(Err(AssocError::NotWritable(_))) if ended => Ok(false),
        Some(Err(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use usctp_wire::StreamId;

    #[test]
    fn streams_are_requested_within_the_receivers_limit() {
        let mut c = AssociationConfig::default();
        assert_eq!(request_streams(&mut c, 17), Ok(()));
        assert_eq!(c.outbound_streams, 17);
        let max = c.max_inbound_streams;
        assert_eq!(
            request_streams(&mut c, max + 1),
            Err(RunError::TooManyStreams {
                streams: max + 1,
                max
            })
        );
        assert_eq!(request_streams(&mut c, 0), Err(RunError::NoStreams));
    }

    #[test]
    fn only_a_full_queue_is_back_pressure() {
        let full = AssocError::Send(SendError::QueueFull);
        assert_eq!(queued(Some(Err(full)), false), Ok(false));
        let bad = AssocError::Send(SendError::InvalidStream {
            stream: StreamId(10),
            streams: 10,
        });
        assert_eq!(queued(Some(Err(bad.clone())), false), Err(bad));
        let closed = AssocError::NotWritable(usctp_proto::State::Closed);
        assert_eq!(queued(Some(Err(closed.clone())), true), Ok(false));
        assert_eq!(queued(Some(Err(closed.clone())), false), Err(closed));
    }
}
