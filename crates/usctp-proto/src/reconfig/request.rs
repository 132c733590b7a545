//! Our re-configuration requests (RFC 6525 §5.1): what the user (or the peer, through an
//! Incoming SSN Reset or Add Incoming Streams request) asked for, and its parameter.

use usctp_wire::param::{
    AddIncomingStreamsRequest, AddOutgoingStreamsRequest, IncomingSsnResetRequest,
    OutgoingSsnResetRequest, Parameter, SsnTsnResetRequest,
};
use usctp_wire::{StreamId, Tsn};

use super::ReconfigRequest;

/// One request, before it has a sequence number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Request {
    /// Reset our outgoing streams (empty: all of them). `answers`: the peer's Incoming SSN
    /// Reset Request this one answers (RFC 6525 §5.2.3), if any.
    ResetOutgoing {
        streams: Vec<StreamId>,
        answers: Option<u32>,
    },
    /// Ask the peer to reset its outgoing streams, our incoming ones (empty: all).
    ResetIncoming { streams: Vec<StreamId> },
    /// Reset both TSNs and every SSN (RFC 6525 §5.1.4).
    ResetSsnTsn,
    /// Add this many outgoing streams (RFC 6525 §5.1.5).
    AddOutgoing(u16),
    /// Ask the peer to add this many of its outgoing streams (RFC 6525 §5.1.6).
    AddIncoming(u16),
}

impl Request {
    /// Which kind, for the application.
    pub(crate) fn kind(&self) -> ReconfigRequest {
        match self {
            Self::ResetOutgoing { .. } => ReconfigRequest::ResetOutgoing,
            Self::ResetIncoming { .. } => ReconfigRequest::ResetIncoming,
            Self::ResetSsnTsn => ReconfigRequest::ResetSsnTsn,
            Self::AddOutgoing(_) => ReconfigRequest::AddOutgoing,
            Self::AddIncoming(_) => ReconfigRequest::AddIncoming,
        }
    }

    /// Messages the user sends on `stream` while this request waits or is outstanding are
    /// held back: they must take the SSNs that follow the reset (RFC 6525 §5.1.2, §5.1.4).
    pub(crate) fn holds(&self, stream: StreamId) -> bool {
        match self {
            Self::ResetOutgoing { streams, .. } => streams.is_empty() || streams.contains(&stream),
            Self::ResetSsnTsn => true,
            _ => false,
        }
    }

    /// The request parameter with sequence number `seq`. `last_tsn`: the last TSN we assigned
    /// (RFC 6525 §4.1); `last_peer_seq`: the peer's last request sequence number we processed,
    /// the Response Sequence Number of an Outgoing SSN Reset that answers nothing.
    pub(crate) fn to_param(&self, seq: u32, last_tsn: Tsn, last_peer_seq: u32) -> Parameter {
        match self {
            Self::ResetOutgoing { streams, answers } => OutgoingSsnResetRequest {
                request_seq: seq,
                response_seq: answers.unwrap_or(last_peer_seq),
                last_tsn,
                streams: streams.clone(),
            }
            .into(),
            Self::ResetIncoming { streams } => IncomingSsnResetRequest {
                request_seq: seq,
                streams: streams.clone(),
            }
            .into(),
            Self::ResetSsnTsn => SsnTsnResetRequest { request_seq: seq }.into(),
            Self::AddOutgoing(n) => AddOutgoingStreamsRequest {
                request_seq: seq,
                new_streams: *n,
            }
            .into(),
            Self::AddIncoming(n) => AddIncomingStreamsRequest {
                request_seq: seq,
                new_streams: *n,
            }
            .into(),
        }
    }
}

/// The request sequence number of a request parameter; `None` for a response.
pub(crate) fn request_seq(p: &Parameter) -> Option<u32> {
    match p {
        Parameter::OutgoingSsnResetRequest(r) => Some(r.request_seq),
        Parameter::IncomingSsnResetRequest(r) => Some(r.request_seq),
        Parameter::SsnTsnResetRequest(r) => Some(r.request_seq),
        Parameter::AddOutgoingStreamsRequest(r) => Some(r.request_seq),
        Parameter::AddIncomingStreamsRequest(r) => Some(r.request_seq),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outgoing_reset_names_its_answer_or_the_last_peer_request() {
        let r = Request::ResetOutgoing {
            streams: vec![StreamId(2)],
            answers: None,
        };
        let p = r.to_param(7, Tsn(99), 41);
        assert!(matches!(
            p,
            Parameter::OutgoingSsnResetRequest(ref o)
                if o.request_seq == 7 && o.response_seq == 41 && o.last_tsn == Tsn(99)
        ));
        let r = Request::ResetOutgoing {
            streams: vec![],
            answers: Some(5),
        };
        assert!(matches!(
            r.to_param(7, Tsn(99), 41),
            Parameter::OutgoingSsnResetRequest(ref o) if o.response_seq == 5
        ));
        assert_eq!(request_seq(&p), Some(7));
    }

    #[test]
    fn resets_hold_their_streams_only() {
        let some = Request::ResetOutgoing {
            streams: vec![StreamId(1)],
            answers: None,
        };
        assert!(some.holds(StreamId(1)) && !some.holds(StreamId(2)));
        let all = Request::ResetOutgoing {
            streams: vec![],
            answers: None,
        };
        assert!(all.holds(StreamId(9)));
        assert!(Request::ResetSsnTsn.holds(StreamId(0)));
        assert!(!Request::AddOutgoing(1).holds(StreamId(0)));
        assert!(!Request::ResetIncoming { streams: vec![] }.holds(StreamId(0)));
    }
}
