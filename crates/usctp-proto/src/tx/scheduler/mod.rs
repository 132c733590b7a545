//! Stream schedulers (RFC 8260 §3): which stream's message goes next.
//!
//! The send queue asks [`Scheduler::next`] when no message is in progress and tells the
//! scheduler when a stream has something to send, how many bytes each stream sent, when a
//! stream's turn ended and where a packet ended. Without I-DATA a turn is one whole message
//! (RFC 9260 §6.9: its fragments need consecutive TSNs); with I-DATA it is one fragment.
//! A stream's "candidate" is the message it would send next (a parked one first); `seq` is
//! its position in the order messages were queued, for FCFS.

use core::fmt;

mod fair_bandwidth;
mod fcfs;
mod priority;
mod round_robin;
mod rr_packet;
mod weighted_fair;

pub(crate) use round_robin::RoundRobin;

/// How the send queue picks the stream whose message goes next (RFC 8260 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum StreamScheduler {
    /// First come, first served (RFC 8260 §3.1): messages in the order they were queued,
    /// whatever their stream.
    Fcfs,
    /// Round robin (RFC 8260 §3.2) over the streams with data: one message per turn (DATA)
    /// or one fragment (I-DATA). The default.
    #[default]
    RoundRobin,
    /// Round robin per packet (RFC 8260 §3.3): new data in one packet comes from one stream
    /// only; the next packet takes the next stream. Retransmissions are not held to it.
    RoundRobinPacket,
    /// Priority (RFC 8260 §3.4): the stream with the lowest priority value (0 = most
    /// urgent) first, round robin among equal values.
    Priority,
    /// Fair bandwidth (RFC 8260 §3.5): the stream that has sent the fewest bytes goes next
    /// (equal counts: the lowest stream id).
    FairBandwidth,
    /// Weighted fair queueing (RFC 8260 §3.6): the stream with the smallest bytes sent
    /// divided by its weight (the stream's priority value, 0 counted as 1) goes next (equal:
    /// the lowest stream id).
    WeightedFair,
}

impl StreamScheduler {
    /// Every scheduler, for option parsers and tests.
    pub const ALL: [Self; 6] = [
        Self::Fcfs,
        Self::RoundRobin,
        Self::RoundRobinPacket,
        Self::Priority,
        Self::FairBandwidth,
        Self::WeightedFair,
    ];

    /// Short name, as `sctpt --scheduler` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Fcfs => "fcfs",
            Self::RoundRobin => "rr",
            Self::RoundRobinPacket => "rr-packet",
            Self::Priority => "priority",
            Self::FairBandwidth => "fb",
            Self::WeightedFair => "wfq",
        }
    }
}

impl core::str::FromStr for StreamScheduler {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                format!("unknown scheduler {s:?} (fcfs, rr, rr-packet, priority, fb, wfq)")
            })
    }
}

impl fmt::Display for StreamScheduler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A stream scheduler. Stream ids are below the outbound stream count; `value` is the
/// stream's priority or weight (`Association::set_stream_priority`).
pub(crate) trait Scheduler: fmt::Debug + Send {
    /// `stream` has a candidate now and had none (nor a turn in progress).
    fn ready(&mut self, stream: u16, seq: u64, value: u16);
    /// The stream whose turn is next, if any.
    fn next(&self) -> Option<u16>;
    /// `stream` sent `bytes` of user data in its turn.
    fn sent(&mut self, _stream: u16, _bytes: usize) {}
    /// `stream`'s turn ended; `more`: its next candidate's `seq`, `None` when it has none.
    fn turn_end(&mut self, stream: u16, more: Option<u64>);
    /// `stream`'s candidate changed outside a turn (messages dropped): its `seq`, or `None`
    /// when it has nothing left.
    fn update(&mut self, stream: u16, candidate: Option<u64>);
    /// A packet with new data ended.
    fn packet_end(&mut self) {}
    /// `stream`'s priority or weight changed.
    fn set_value(&mut self, _stream: u16, _value: u16) {}
}

/// The association's scheduler: round robin inline (no allocation, the default), another
/// one boxed.
#[derive(Debug)]
pub(crate) enum Sched {
    Standard(RoundRobin),
    Custom(Box<dyn Scheduler>),
}

impl Sched {
    pub(crate) fn new(kind: StreamScheduler) -> Self {
        match kind {
            StreamScheduler::RoundRobin => Self::Standard(RoundRobin::default()),
            StreamScheduler::Fcfs => Self::Custom(Box::<fcfs::Fcfs>::default()),
            StreamScheduler::RoundRobinPacket => {
                Self::Custom(Box::<rr_packet::RoundRobinPacket>::default())
            }
            StreamScheduler::Priority => Self::Custom(Box::<priority::Priority>::default()),
            StreamScheduler::FairBandwidth => {
                Self::Custom(Box::<fair_bandwidth::FairBandwidth>::default())
            }
            StreamScheduler::WeightedFair => {
                Self::Custom(Box::<weighted_fair::WeightedFair>::default())
            }
        }
    }
}

/// Calls on the inline round robin are static (inlined on the hot path), others virtual.
macro_rules! dispatch {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            Sched::Standard($s) => $call,
            Sched::Custom($s) => $call,
        }
    };
}

impl Sched {
    pub(crate) fn ready(&mut self, stream: u16, seq: u64, value: u16) {
        dispatch!(self, s => s.ready(stream, seq, value))
    }

    pub(crate) fn next(&self) -> Option<u16> {
        dispatch!(self, s => s.next())
    }

    pub(crate) fn sent(&mut self, stream: u16, bytes: usize) {
        dispatch!(self, s => s.sent(stream, bytes))
    }

    pub(crate) fn turn_end(&mut self, stream: u16, more: Option<u64>) {
        dispatch!(self, s => s.turn_end(stream, more))
    }

    pub(crate) fn update(&mut self, stream: u16, candidate: Option<u64>) {
        dispatch!(self, s => s.update(stream, candidate))
    }

    pub(crate) fn packet_end(&mut self) {
        dispatch!(self, s => s.packet_end())
    }

    pub(crate) fn set_value(&mut self, stream: u16, value: u16) {
        dispatch!(self, s => s.set_value(stream, value))
    }
}

/// Remove `stream` from a list of streams (or of entries keyed by stream).
fn remove_by<T>(list: &mut Vec<T>, pred: impl Fn(&T) -> bool) -> Option<T> {
    let i = list.iter().position(pred)?;
    Some(list.remove(i))
}

#[cfg(test)]
mod tests;
