//! Per-message send options: stream, PPID, U flag, the PR-SCTP limits and the I bit.

use std::time::Duration;

use usctp_wire::{Ppid, StreamId};

/// How one message is sent: [`Association::send_with`](crate::Association::send_with).
///
/// ```
/// # use std::time::Duration;
/// # use usctp_proto::SendOptions;
/// let opts = SendOptions::new(3)
///     .ppid(51)
///     .unordered(true)
///     .lifetime(Duration::from_millis(500))
///     .sack_immediately(true);
/// assert_eq!(opts.stream.0, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SendOptions {
    /// Outbound stream (default 0).
    pub stream: StreamId,
    /// Payload Protocol Identifier (default 0).
    pub ppid: Ppid,
    /// Delivered as it arrives, outside the stream's order (the U flag, RFC 9260 §6.6).
    pub unordered: bool,
    /// Abandon the message once it is this old, counted from the `send_with` call (RFC 7496
    /// §3.1, timed reliability). Honoured when PR-SCTP is negotiated (RFC 3758); without it
    /// the message is sent reliably.
    pub lifetime: Option<Duration>,
    /// Abandon the message when it would be sent more than this many times again (RFC 7496
    /// §3.2, limited retransmissions; 0: sent once). Honoured when PR-SCTP is negotiated.
    pub max_retransmissions: Option<u32>,
    /// The priority policy (RFC 7496 §3.3): when the send queue is full, unsent messages
    /// with a larger value (a lower priority; 0 is the highest) are abandoned to make room
    /// for this one. Honoured when PR-SCTP is negotiated.
    pub priority: Option<u16>,
    /// Ask the peer to SACK the message at once: the I bit on its last DATA chunk
    /// (RFC 7053 §3; e.g. the last request before waiting for an answer).
    pub sack_immediately: bool,
}

impl SendOptions {
    /// Defaults on `stream`: PPID 0, ordered, fully reliable, normal SACK timing.
    pub fn new(stream: u16) -> Self {
        Self::default().stream(stream)
    }

    /// The options to answer `m` with: its stream, PPID and U flag (an echo, or a reply on
    /// the request's stream).
    pub fn reply_to(m: &crate::Message) -> Self {
        Self::new(m.stream.0).ppid(m.ppid.0).unordered(m.unordered)
    }

    /// On `stream`.
    #[must_use]
    pub fn stream(mut self, stream: u16) -> Self {
        self.stream = StreamId(stream);
        self
    }

    /// With Payload Protocol Identifier `ppid`.
    #[must_use]
    pub fn ppid(mut self, ppid: u32) -> Self {
        self.ppid = Ppid(ppid);
        self
    }

    /// Unordered (or not).
    #[must_use]
    pub fn unordered(mut self, unordered: bool) -> Self {
        self.unordered = unordered;
        self
    }

    /// Abandoned once `lifetime` old; honoured once PR-SCTP is negotiated.
    #[must_use]
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = Some(lifetime);
        self
    }

    /// Abandoned after `n` retransmissions; honoured once PR-SCTP is negotiated.
    #[must_use]
    pub fn max_retransmissions(mut self, n: u32) -> Self {
        self.max_retransmissions = Some(n);
        self
    }

    /// With priority `p` (RFC 7496 §3.3; 0 is the highest): may push out queued messages of
    /// a lower priority when the send queue is full.
    #[must_use]
    pub fn priority(mut self, p: u16) -> Self {
        self.priority = Some(p);
        self
    }

    /// With the I bit (or not): the peer SACKs the message without delay (RFC 7053).
    #[must_use]
    pub fn sack_immediately(mut self, yes: bool) -> Self {
        self.sack_immediately = yes;
        self
    }

    /// What the send queue keeps of these options for each of the message's chunks.
    pub(crate) fn policy(&self) -> MessagePolicy {
        MessagePolicy {
            limits: PrLimits {
                lifetime: self.lifetime,
                max_retransmissions: self.max_retransmissions,
                priority: self.priority,
            },
            sack_immediately: self.sack_immediately,
        }
    }
}

/// When PR-SCTP may abandon a message (RFC 7496 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct PrLimits {
    pub lifetime: Option<Duration>,
    pub max_retransmissions: Option<u32>,
    pub priority: Option<u16>,
}

impl PrLimits {
    /// Some policy applies: the message may be abandoned.
    pub(crate) fn any(&self) -> bool {
        self.lifetime.is_some() || self.max_retransmissions.is_some() || self.priority.is_some()
    }
}

/// Per-message options the send queue carries to the message's chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct MessagePolicy {
    pub limits: PrLimits,
    /// The I bit on the message's last chunk (RFC 7053 §3).
    pub sack_immediately: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_sets_each_option_and_defaults_are_plain_reliable_ordered() {
        let d = SendOptions::new(2);
        assert_eq!(
            (d.stream, d.ppid, d.unordered),
            (StreamId(2), Ppid(0), false)
        );
        assert_eq!(d.policy(), MessagePolicy::default());
        let o = SendOptions::default()
            .stream(7)
            .ppid(9)
            .unordered(true)
            .lifetime(Duration::from_secs(1))
            .max_retransmissions(3)
            .sack_immediately(true);
        assert_eq!(
            (o.stream, o.ppid, o.unordered),
            (StreamId(7), Ppid(9), true)
        );
        let p = o.policy();
        assert_eq!(p.limits.lifetime, Some(Duration::from_secs(1)));
        assert_eq!(p.limits.max_retransmissions, Some(3));
        assert!(p.sack_immediately);
    }

    #[test]
    fn reply_to_takes_the_message_s_stream_ppid_and_u_flag() {
        let m = crate::Message {
            stream: StreamId(4),
            ppid: Ppid(51),
            unordered: true,
            payload: bytes::Bytes::from_static(b"q"),
            end_of_message: true,
            aborted: false,
        };
        let o = SendOptions::reply_to(&m);
        assert_eq!(o, SendOptions::new(4).ppid(51).unordered(true));
    }
}
