//! Per-stream values for the stream scheduler (RFC 8260 §3).

use super::{AssocError, Association};

impl Association {
    /// Set outbound `stream`'s value for the stream scheduler (RFC 8260 §3): its priority
    /// with [`StreamScheduler::Priority`](crate::StreamScheduler::Priority) (lower goes
    /// first), its weight with [`StreamScheduler::WeightedFair`](crate::StreamScheduler::WeightedFair)
    /// (0 counts as 1); other schedulers ignore it. Takes effect at the next scheduling
    /// decision. Streams not below the outbound stream count are refused.
    pub fn set_stream_priority(&mut self, stream: u16, value: u16) -> Result<(), AssocError> {
        self.tx
            .set_stream_priority(stream, value)
            .map_err(stream_error)
    }

    /// Outbound `stream`'s priority or weight (0 unless set).
    pub fn stream_priority(&self, stream: u16) -> Result<u16, AssocError> {
        self.tx.stream_priority(stream).map_err(stream_error)
    }
}

/// A refused stream number as the association's error.
fn stream_error(e: crate::SendError) -> AssocError {
    match e {
        crate::SendError::InvalidStream { stream, streams } => {
            AssocError::InvalidStream { stream, streams }
        }
        e => AssocError::Send(e),
    }
}
