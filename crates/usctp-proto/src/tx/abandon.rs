//! PR-SCTP on the send side (RFC 3758 §3.5, RFC 7496): abandoning messages by their policy,
//! the Advanced.Peer.Ack.Point and the FORWARD TSN that moves the peer past abandoned data.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use usctp_wire::chunk::{Data, ForwardTsn, ForwardTsnStream};
use usctp_wire::{Ppid, StreamId, Tsn};

use super::send_options::PrLimits;
use super::sender::Sender;

/// Stream entries in one FORWARD TSN at most: with more, the Advanced.Peer.Ack.Point stops
/// short and a later FORWARD TSN goes on (the chunk must fit one packet).
const MAX_FORWARD_STREAMS: usize = 256;

/// A message sent with a PR-SCTP policy (RFC 7496): shared by its queued entry and its
/// chunks in flight, so that abandoning any chunk can return the whole message.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct PrMessage {
    pub stream: StreamId,
    pub ppid: Ppid,
    pub unordered: bool,
    pub payload: Bytes,
    /// Abandoned from this instant on (lifetime, RFC 7496 §3.1).
    pub deadline: Option<Instant>,
    /// Abandoned rather than sent more than this many times again (RFC 7496 §3.2).
    pub max_retransmissions: Option<u32>,
    /// RFC 7496 §3.3: the lower the value, the higher the priority.
    pub priority: Option<u16>,
}

impl PrMessage {
    /// The shared policy of a message queued at `now` (`None`: no lifetime reference, so the
    /// lifetime does not apply); `None` when no policy is set.
    pub(crate) fn new(
        limits: &PrLimits,
        stream: StreamId,
        ppid: Ppid,
        unordered: bool,
        payload: &Bytes,
        now: Option<Instant>,
    ) -> Option<Arc<Self>> {
        limits.any().then(|| {
            Arc::new(Self {
                stream,
                ppid,
                unordered,
                payload: payload.clone(),
                deadline: now.zip(limits.lifetime).map(|(t, l)| t + l),
                max_retransmissions: limits.max_retransmissions,
                priority: limits.priority,
            })
        })
    }

    /// Why a message sent `transmit_count` times is abandoned at `now` before another
    /// transmission, if it is.
    pub(crate) fn abandon_reason(
        &self,
        now: Instant,
        transmit_count: u32,
    ) -> Option<AbandonReason> {
        if self.deadline.is_some_and(|d| now >= d) {
            Some(AbandonReason::Lifetime)
        } else if self.max_retransmissions.is_some_and(|n| transmit_count > n) {
            Some(AbandonReason::Retransmissions)
        } else {
            None
        }
    }

    /// Queued and expired at `now` (it is never sent).
    pub(crate) fn expired(&self, now: Instant) -> bool {
        self.deadline.is_some_and(|d| now >= d)
    }

    /// The message as reported to the application.
    pub(crate) fn report(&self, reason: AbandonReason, sent: bool) -> AbandonedMessage {
        AbandonedMessage {
            stream: self.stream,
            ppid: self.ppid,
            unordered: self.unordered,
            payload: self.payload.clone(),
            reason,
            sent,
        }
    }
}

/// Which RFC 7496 policy abandoned a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AbandonReason {
    /// Its lifetime ran out (timed reliability, RFC 7496 §3.1).
    Lifetime,
    /// It would have exceeded its retransmission limit (RFC 7496 §3.2).
    Retransmissions,
    /// A message of higher priority needed its room in the send queue (RFC 7496 §3.3).
    Priority,
}

/// A message the sender gave up on (PR-SCTP, RFC 3758): [`Event::Abandoned`](crate::Event).
/// The peer never delivers it (a FORWARD TSN told it to skip the chunks it had).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AbandonedMessage {
    /// Its stream.
    pub stream: StreamId,
    /// Its PPID.
    pub ppid: Ppid,
    /// Sent unordered.
    pub unordered: bool,
    /// The whole message, as given to `send_with`.
    pub payload: Bytes,
    /// Which policy abandoned it.
    pub reason: AbandonReason,
    /// Some of it had been sent (a FORWARD TSN skipped it); false: it never left the queue.
    pub sent: bool,
}

/// Messages abandoned by each policy, sent or not (the RFC 7496 §4 counters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PrStats {
    /// Abandoned after some of it was sent, by lifetime / retransmissions / priority.
    pub abandoned_sent: [u64; 3],
    /// Abandoned before any of it was sent, by lifetime / retransmissions / priority.
    pub abandoned_unsent: [u64; 3],
}

/// What PR-SCTP abandoned (RFC 3758), boxed apart from the sender and made at the first
/// abandonment: most associations never abandon anything.
#[derive(Debug, Default)]
pub(crate) struct PrRecord(Option<Box<PrBook>>);

#[derive(Debug, Default)]
struct PrBook {
    /// Abandoned messages not yet taken by the application.
    abandoned: VecDeque<AbandonedMessage>,
    stats: PrStats,
}

impl PrRecord {
    /// Count `m` and keep it for the application.
    pub(crate) fn record(&mut self, m: AbandonedMessage) {
        let book = self.0.get_or_insert_with(Box::default);
        book.stats.count(m.reason, m.sent);
        book.abandoned.push_back(m);
    }

    /// The oldest abandoned message not yet taken.
    pub(crate) fn take(&mut self) -> Option<AbandonedMessage> {
        self.0.as_mut()?.abandoned.pop_front()
    }

    /// Counters of abandoned messages.
    pub(crate) fn stats(&self) -> PrStats {
        self.0.as_ref().map_or_else(PrStats::default, |b| b.stats)
    }

    /// Nothing was ever abandoned: no record is held.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_none()
    }
}

impl PrStats {
    /// Every abandoned message.
    pub fn total(&self) -> u64 {
        self.abandoned_sent
            .iter()
            .chain(&self.abandoned_unsent)
            .sum()
    }

    pub(crate) fn count(&mut self, reason: AbandonReason, sent: bool) {
        let i = match reason {
            AbandonReason::Lifetime => 0,
            AbandonReason::Retransmissions => 1,
            AbandonReason::Priority => 2,
        };
        let row = if sent {
            &mut self.abandoned_sent
        } else {
            &mut self.abandoned_unsent
        };
        row[i] += 1;
    }
}

impl Sender {
    /// PR-SCTP was negotiated (RFC 3758 §3.1): policies apply from now on.
    pub(crate) fn set_pr_enabled(&mut self, on: bool) {
        self.pr_enabled = on;
    }

    /// Abandoned messages not yet reported.
    pub(crate) fn take_abandoned(&mut self) -> Option<AbandonedMessage> {
        self.pr.take()
    }

    /// Counters of abandoned messages.
    pub(crate) fn pr_stats(&self) -> PrStats {
        self.pr.stats()
    }

    /// Abandon the queued messages whose lifetime ran out before they were sent.
    pub(super) fn drop_expired_queued(&mut self, now: Instant) {
        if self.pr_enabled {
            self.queue.drop_expired(now, &mut self.pr);
        }
    }

    pub(super) fn record_abandoned(&mut self, m: AbandonedMessage) {
        self.forward_due |= m.sent;
        self.pr.record(m);
    }

    /// Abandon the chunks marked for retransmission whose policy says so (RFC 3758 §3.5 A2,
    /// RFC 7496 §3), with their whole message (A3). Cheap when nothing of the kind is held.
    pub(crate) fn abandon_marked(&mut self, now: Instant) {
        if !self.pr_enabled || self.out.marked_count() == 0 || self.out.pr_count() == 0 {
            return;
        }
        for idx in 0..self.out.len() {
            if let Some(reason) = self.abandon_reason(idx, now) {
                self.abandon_sent(idx, reason);
            }
        }
    }

    /// Why the chunk at `idx`, marked for retransmission, is abandoned at `now`, if it is.
    pub(super) fn abandon_reason(&self, idx: usize, now: Instant) -> Option<AbandonReason> {
        if !self.pr_enabled {
            return None;
        }
        let e = self.out.get(idx)?;
        let pr = e.pr.as_ref().filter(|_| e.marked())?;
        pr.abandon_reason(now, e.transmit_count)
    }

    /// Abandon the message whose chunk sits at `idx`: every chunk of it still held (RFC 3758
    /// §3.5 A3), and what of it is still queued.
    pub(super) fn abandon_sent(&mut self, idx: usize, reason: AbandonReason) {
        let Some(pr) = self.out.get(idx).and_then(|e| e.pr.clone()) else {
            return;
        };
        if self.i_data {
            return self.abandon_sent_interleaved(&pr, reason);
        }
        // Fragments of a message have consecutive TSNs (RFC 9260 §6.9): walk to its ends.
        let mut first = idx;
        while first > 0 && self.out.get(first).is_some_and(|e| !e.data.beginning) {
            first -= 1;
        }
        let mut last = idx;
        while self.out.get(last).is_some_and(|e| !e.data.ending) && last + 1 < self.out.len() {
            last += 1;
        }
        let complete = self.out.get(last).is_some_and(|e| e.data.ending);
        for i in first..=last {
            // Same message: the same shared policy.
            if self.out.get(i).is_some_and(|e| same(&e.pr, &pr)) {
                self.out.abandon(i);
            }
        }
        if !complete {
            // The message is the one being fragmented: its rest is never sent. Its last
            // fragment still gets a TSN, abandoned before it is sent, so that the FORWARD TSN
            // reaches past every fragment the peer may hold: were all sent ones received, a
            // FORWARD TSN up to them would be out of date there (RFC 3758 §3.6) and the
            // peer would wait for the message's end for ever (usrsctp does the same).
            self.queue.drop_current();
            if let Some(e) = self.out.get(last) {
                let end = Data {
                    tsn: Tsn(self.out.next_tsn() as u32),
                    beginning: false,
                    ending: true,
                    immediate: false,
                    payload: Bytes::new(),
                    ..e.data.clone()
                };
                let at = e.sent_at;
                self.out.push_abandoned(end, Some(pr.clone()), at);
            }
        }
        self.record_abandoned(pr.report(reason, true));
    }

    /// [`abandon_sent`](Self::abandon_sent) with I-DATA, whose fragments of a message need
    /// not have consecutive TSNs: every held chunk sharing the message's policy. The rest of
    /// a message cut short is never sent; the I-FORWARD-TSN names its MID (RFC 8260 §2.3.1).
    fn abandon_sent_interleaved(&mut self, pr: &Arc<PrMessage>, reason: AbandonReason) {
        let mut complete = false;
        let mut last = None;
        for i in 0..self.out.len() {
            if self.out.get(i).is_some_and(|e| same(&e.pr, pr)) {
                complete |= self.out.get(i).is_some_and(|e| e.data.ending);
                self.out.abandon(i);
                last = Some(i);
            }
        }
        if !complete {
            self.queue.drop_message(pr);
            // As for DATA: the unsent end takes a TSN, abandoned unsent, so that an
            // I-FORWARD-TSN must go out even when the peer holds every fragment sent.
            if let Some(e) = last.and_then(|i| self.out.get(i)) {
                let end = Data {
                    tsn: Tsn(self.out.next_tsn() as u32),
                    beginning: false,
                    ending: true,
                    immediate: false,
                    payload: Bytes::new(),
                    ..e.data.clone()
                };
                let (at, mid, fsn) = (e.sent_at, e.mid, e.fsn.wrapping_add(1));
                self.out.push_abandoned(end, Some(pr.clone()), at);
                if let Some(e) = self.out.last_mut() {
                    (e.mid, e.fsn) = (mid, fsn);
                }
            }
        }
        self.record_abandoned(pr.report(reason, true));
    }

    /// The FORWARD TSN to send, if the Advanced.Peer.Ack.Point is past the peer's
    /// cumulative ack (RFC 3758 §3.5 C1-C4): it moves over every abandoned chunk after the
    /// cumulative ack, and names the highest skipped SSN of each ordered stream.
    pub(crate) fn forward_tsn(&mut self) -> Option<ForwardTsn> {
        self.forward_due = false;
        let cum = self.out.cum_ack();
        let base = self.out.base();
        let mut streams: Vec<ForwardTsnStream> = Vec::new();
        let mut adv = cum;
        for idx in 0..self.out.len() {
            let Some(e) = self.out.get(idx).filter(|e| e.abandoned()) else {
                break;
            };
            if !e.data.unordered {
                let (stream, ssn) = (e.data.stream, e.data.ssn);
                match streams.iter().position(|s| s.stream == stream) {
                    // TSN order is SSN order within a stream: the last seen is the highest.
                    Some(i) => {
                        if let Some(s) = streams.get_mut(i) {
                            s.ssn = ssn;
                        }
                    }
                    None if streams.len() == MAX_FORWARD_STREAMS => break,
                    None => streams.push(ForwardTsnStream { stream, ssn }),
                }
            }
            adv = base + idx as u64;
        }
        (adv > cum).then_some(ForwardTsn {
            new_cum_tsn: Tsn(adv as u32),
            streams,
        })
    }

    /// A FORWARD TSN should go out now: something was just abandoned after being sent.
    pub(crate) fn forward_tsn_due(&self) -> bool {
        self.forward_due
    }

    /// Abandoned chunks wait for the peer's cumulative ack to pass them (a FORWARD TSN is
    /// outstanding, RFC 3758 §3.5 A5).
    pub(crate) fn awaiting_forward_ack(&self) -> bool {
        self.out.abandoned_count() > 0
    }
}

fn same(a: &Option<Arc<PrMessage>>, b: &Arc<PrMessage>) -> bool {
    a.as_ref().is_some_and(|a| Arc::ptr_eq(a, b))
}
