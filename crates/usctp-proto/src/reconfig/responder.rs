//! The peer's request sequence numbers (RFC 6525 §5.2.1): the one expected next, and the
//! responses to the last requests, sent again when those are retransmitted.

use std::collections::VecDeque;

use usctp_wire::param::{ReconfigResult, ReconfigurationResponse};

/// Responses kept: a RE-CONFIG chunk carries at most two requests (RFC 6525 §3.1), so a
/// retransmitted chunk asks again for at most the last two.
const CACHED: usize = 2;

/// What to do with a received request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    /// The expected sequence number: process it.
    New,
    /// A retransmission: send this response again, do not process it again.
    Again(ReconfigurationResponse),
    /// A retransmission of a request answered "In progress" because of a passing condition
    /// (data in flight): evaluate it again.
    Retry,
    /// Neither: "Error - Bad Sequence Number".
    Bad,
}

#[derive(Debug, Clone, Copy)]
struct Cached {
    resp: ReconfigurationResponse,
    retry: bool,
}

/// Request sequence numbers seen from the peer, and the last responses.
#[derive(Debug, Clone)]
pub(crate) struct Responder {
    expected: u32,
    cache: VecDeque<Cached>,
}

impl Responder {
    /// RFC 6525 §5.2.1: the first request carries the peer's initial TSN.
    pub(crate) fn new(peer_initial_tsn: u32) -> Self {
        Self {
            expected: peer_initial_tsn,
            cache: VecDeque::with_capacity(CACHED),
        }
    }

    /// The last request sequence number processed (expected minus one).
    pub(crate) fn last_processed(&self) -> u32 {
        self.expected.wrapping_sub(1)
    }

    /// RFC 6525 §5.2.1: the expected number is processed; one already answered gets the
    /// same answer; anything else is a bad sequence number.
    pub(crate) fn check(&self, seq: u32) -> Check {
        if seq == self.expected {
            return Check::New;
        }
        match self.cache.iter().find(|c| c.resp.response_seq == seq) {
            Some(c) if c.retry => Check::Retry,
            Some(c) => Check::Again(c.resp),
            None => Check::Bad,
        }
    }

    /// Remember the response to request `resp.response_seq` (moving the expected number on
    /// if it was the expected one). `retry`: see [`Check::Retry`].
    pub(crate) fn record(&mut self, resp: ReconfigurationResponse, retry: bool) {
        let seq = resp.response_seq;
        if seq == self.expected {
            self.expected = seq.wrapping_add(1);
        }
        self.cache.retain(|c| c.resp.response_seq != seq);
        if self.cache.len() == CACHED {
            self.cache.pop_front();
        }
        self.cache.push_back(Cached { resp, retry });
    }

    /// A request answered "In progress" was completed later: its retransmissions now get
    /// `result`.
    pub(crate) fn update(&mut self, seq: u32, result: ReconfigResult) {
        if let Some(c) = self.cache.iter_mut().find(|c| c.resp.response_seq == seq) {
            c.resp.result = result;
            c.retry = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(seq: u32, result: ReconfigResult) -> ReconfigurationResponse {
        ReconfigurationResponse {
            response_seq: seq,
            result,
            next_tsns: None,
        }
    }

    #[test]
    fn rfc6525_5_2_1_expected_retransmitted_and_bad_numbers() {
        let mut r = Responder::new(u32::MAX);
        assert_eq!(r.check(u32::MAX), Check::New);
        assert_eq!(r.check(0), Check::Bad);
        r.record(resp(u32::MAX, ReconfigResult::SuccessPerformed), false);
        // Wraps.
        assert_eq!(r.check(0), Check::New);
        assert_eq!(
            r.check(u32::MAX),
            Check::Again(resp(u32::MAX, ReconfigResult::SuccessPerformed))
        );
        r.record(resp(0, ReconfigResult::InProgress), false);
        r.record(resp(1, ReconfigResult::Denied), false);
        // Only the last two are kept.
        assert_eq!(r.check(u32::MAX), Check::Bad);
        assert_eq!(
            r.check(0),
            Check::Again(resp(0, ReconfigResult::InProgress))
        );
        r.update(0, ReconfigResult::SuccessPerformed);
        assert_eq!(
            r.check(0),
            Check::Again(resp(0, ReconfigResult::SuccessPerformed))
        );
        assert_eq!(r.last_processed(), 1);
    }

    #[test]
    fn a_passing_in_progress_is_evaluated_again() {
        let mut r = Responder::new(10);
        r.record(resp(10, ReconfigResult::InProgress), true);
        assert_eq!(r.check(10), Check::Retry);
        r.record(resp(10, ReconfigResult::SuccessPerformed), false);
        assert_eq!(r.check(11), Check::New);
        assert_eq!(
            r.check(10),
            Check::Again(resp(10, ReconfigResult::SuccessPerformed))
        );
    }
}
