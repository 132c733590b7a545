//! Our outstanding RE-CONFIG chunk (RFC 6525 §5.1.1): at most one at a time, retransmitted
//! on the re-configuration timer until every request in it is answered.

use usctp_wire::chunk::ReConfig;
use usctp_wire::param::Parameter;

use super::request::Request;

/// One request in the chunk: its sequence number, what it asks, its parameter.
#[derive(Debug, Clone)]
pub(crate) struct Open {
    pub seq: u32,
    pub request: Request,
    pub param: Parameter,
}

/// The RE-CONFIG chunk with requests that are not answered yet.
#[derive(Debug, Clone)]
pub(crate) struct InFlight {
    /// The requests still unanswered (one or two).
    pub open: Vec<Open>,
    /// Retransmissions after a timeout.
    pub retransmits: u32,
    /// The peer answered "In progress": the next expiry sends the requests again without
    /// counting a timeout (the peer answered, it is reachable).
    pub retry_in_progress: bool,
}

impl InFlight {
    /// The chunk to (re)send: the unanswered requests, unchanged (same sequence numbers).
    pub(crate) fn chunk(&self) -> ReConfig {
        ReConfig {
            params: self.open.iter().map(|o| o.param.clone()).collect(),
        }
    }

    /// Take the request answered by a response with `seq`, if it is ours and open.
    pub(crate) fn take(&mut self, seq: u32) -> Option<Request> {
        let i = self.open.iter().position(|o| o.seq == seq)?;
        Some(self.open.remove(i).request)
    }

    /// Take the open request that `f` matches.
    pub(crate) fn take_where(&mut self, f: impl Fn(&Open) -> bool) -> Option<Request> {
        let i = self.open.iter().position(f)?;
        Some(self.open.remove(i).request)
    }
}
