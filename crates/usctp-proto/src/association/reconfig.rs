//! Stream reconfiguration, our side (RFC 6525 §5.1): the user's requests, when they may go
//! out, their retransmission, the peer's responses, and the messages held back meanwhile.
//! The peer's requests are in `reconfig_peer.rs`.

use std::time::Instant;

use bytes::Bytes;
use usctp_wire::param::{NextTsns, ReconfigResult, ReconfigurationResponse};
use usctp_wire::StreamId;

use super::{AssocError, Association, State};
use crate::event::Event;
use crate::reconfig::{
    HeldMessage, InFlight, Open, Reconfig, Request, StreamDirection, MAX_LISTED_STREAMS,
};
use crate::timer::TimerKind;
use crate::tx::{SendError, SendOptions};
use crate::Extensions;

impl Association {
    /// Reset our outgoing `streams` (all of them when empty): after it, their SSNs start at 0
    /// again (RFC 6525 §5.1.2).
    ///
    /// Messages already queued on those streams are sent and acknowledged first; messages
    /// sent on them after this call are held back until the peer answers. Then the request
    /// goes out, with the last TSN assigned so far. [`Event::StreamsReset`] follows when the
    /// peer performed it (the held messages then start at SSN 0), [`Event::ReconfigFailed`]
    /// when it refused (they keep the old SSNs).
    pub fn reset_streams(&mut self, streams: &[u16]) -> Result<(), AssocError> {
        let outbound = self.tx.outbound_stream_count();
        let streams = stream_list(streams, outbound)?;
        self.start_request(Request::ResetOutgoing {
            streams,
            answers: None,
        })
    }

    /// Ask the peer to reset its outgoing `streams`, our incoming ones (all when empty;
    /// RFC 6525 §5.1.3). The peer answers with its own reset ([`Event::StreamsReset`] with
    /// [`StreamDirection::Incoming`] once performed).
    pub fn request_peer_reset(&mut self, streams: &[u16]) -> Result<(), AssocError> {
        let streams = stream_list(streams, self.inbound_stream_count())?;
        self.start_request(Request::ResetIncoming { streams })
    }

    /// Reset every SSN and both TSNs (RFC 6525 §5.1.4). Like a reset of all streams, it goes
    /// out once everything queued before it was sent and acknowledged; messages sent after it
    /// wait for the answer. [`Event::AssociationReset`] follows.
    pub fn reset_ssn_tsn(&mut self) -> Result<(), AssocError> {
        self.start_request(Request::ResetSsnTsn)
    }

    /// Add `outbound` streams of ours and ask the peer to add `inbound` streams of its own
    /// (RFC 6525 §5.1.5, §5.1.6); either may be 0. [`Event::StreamsAdded`] follows each.
    pub fn add_streams(&mut self, outbound: u16, inbound: u16) -> Result<(), AssocError> {
        let fits = |have: u16, more: u16| have.checked_add(more).is_some();
        if !fits(self.tx.outbound_stream_count(), outbound)
            || !fits(self.inbound_stream_count(), inbound)
        {
            return Err(AssocError::TooManyStreams);
        }
        self.reconfig_allowed()?;
        if self.reconfig_mut().busy() {
            return Err(AssocError::ReconfigInProgress);
        }
        let r = self.reconfig_mut();
        // RFC 6525 §3.1: both in one chunk.
        if outbound > 0 {
            r.pending.push(Request::AddOutgoing(outbound));
        }
        if inbound > 0 {
            r.pending.push(Request::AddIncoming(inbound));
        }
        Ok(())
    }

    /// Streams each way: (outbound, inbound).
    pub fn stream_counts(&self) -> (u16, u16) {
        (self.tx.outbound_stream_count(), self.inbound_stream_count())
    }

    pub(super) fn inbound_stream_count(&self) -> u16 {
        match (&self.rx, self.rx_start) {
            (Some(rx), _) => rx.inbound_streams(),
            (None, Some((_, n))) => n,
            (None, None) => 0,
        }
    }

    fn reconfig_allowed(&self) -> Result<(), AssocError> {
        if !self.extensions.contains(Extensions::RECONFIG) {
            return Err(AssocError::NotNegotiated);
        }
        if self.state != State::Established {
            return Err(AssocError::NotWritable(self.state));
        }
        Ok(())
    }

    /// The RE-CONFIG state, made at first use: our request sequence numbers start at our
    /// initial TSN, the peer's at its initial TSN (RFC 6525 §5.1.1, §5.2.1).
    pub(super) fn reconfig_mut(&mut self) -> &mut Reconfig {
        let peer_itsn = self.rx_start.map_or(0, |(t, _)| t.0);
        let local = self.local_initial_tsn.0;
        self.reconfig
            .get_or_insert_with(|| Box::new(Reconfig::new(local, peer_itsn)))
    }

    /// The peer is a new one (an INIT collision adopted its tag and initial TSN): requests,
    /// answers and sequence numbers of the old one are forgotten (RFC 6525 §5.1.1, §5.2.1
    /// start them at the initial TSNs). Held messages stay; no reset holds them any more.
    pub(super) fn reconfig_peer_changed(&mut self) {
        let Some(old) = self.reconfig.take() else {
            return;
        };
        self.timers.stop(TimerKind::Reconfig);
        let held = old.held;
        self.reconfig_mut().held = held;
    }

    /// Queue `req`; it may share a chunk with a waiting reset of the other direction
    /// (RFC 6525 §3.1: Outgoing + Incoming SSN Reset).
    fn start_request(&mut self, req: Request) -> Result<(), AssocError> {
        self.reconfig_allowed()?;
        let r = self.reconfig_mut();
        let shares = matches!(
            (&r.pending[..], &req),
            (
                [Request::ResetIncoming { .. }],
                Request::ResetOutgoing { .. }
            ) | (
                [Request::ResetOutgoing { answers: None, .. }],
                Request::ResetIncoming { .. }
            )
        );
        if r.in_flight.is_some() || !r.pending.is_empty() && !shares {
            return Err(AssocError::ReconfigInProgress);
        }
        // The Outgoing reset first: it decides when the chunk may go.
        if matches!(req, Request::ResetOutgoing { .. }) {
            r.pending.insert(0, req);
        } else {
            r.pending.push(req);
        }
        Ok(())
    }

    /// Send the waiting requests if they may go now (RFC 6525 §5.1.1: one RE-CONFIG with
    /// requests outstanding at a time), and release held messages no reset holds any more.
    pub(super) fn reconfig_poll(&mut self, now: Instant) {
        let Some(r) = self.reconfig.as_deref_mut() else {
            return;
        };
        if !r.held.is_empty() {
            self.release_held();
        }
        let Some(r) = self.reconfig.as_deref_mut() else {
            return;
        };
        // Queued data still goes out in SHUTDOWN-PENDING / -RECEIVED (RFC 9260 §9.2), and so do
        // the resets that hold some of it.
        if r.in_flight.is_some() || r.pending.is_empty() || !self.state.sends_data() {
            return;
        }
        // RFC 6525 §5.1.2 (the pending-data rule, see `reset_streams`): a reset goes out once
        // nothing of its streams is queued or unacknowledged; §5.1.4: an SSN/TSN reset once
        // nothing at all is.
        let waits = r.pending.iter().any(|q| match q {
            Request::ResetOutgoing { streams, .. } => self.tx.streams_busy(streams),
            Request::ResetSsnTsn => !self.tx.is_idle(),
            _ => false,
        });
        if waits {
            return;
        }
        let last_tsn = self.tx.last_assigned_tsn();
        let last_peer = r.responder.last_processed();
        let mut open = Vec::with_capacity(r.pending.len());
        for request in std::mem::take(&mut r.pending) {
            let seq = r.take_seq();
            let param = request.to_param(seq, last_tsn, last_peer);
            if let Request::ResetOutgoing {
                answers: Some(a), ..
            } = request
            {
                // RFC 6525 §5.2.3: this request answers the peer's Incoming SSN Reset.
                r.responder.update(a, ReconfigResult::SuccessPerformed);
            }
            open.push(Open {
                seq,
                request,
                param,
            });
        }
        let flight = InFlight {
            open,
            retransmits: 0,
            retry_in_progress: false,
        };
        let chunk = flight.chunk();
        r.in_flight = Some(flight);
        tracing::debug!(assoc = self.id.0, %chunk, "RE-CONFIG request");
        self.queue(None, chunk);
        let rto = self.reconfig_rto(self.paths.data_path());
        self.timers.set(TimerKind::Reconfig, now + rto);
    }

    fn reconfig_rto(&self, path: crate::path::PathId) -> std::time::Duration {
        self.paths
            .get(path)
            .map_or(self.cfg.rto_initial, |p| p.rto.rto())
    }

    /// The re-configuration timer (RFC 6525 §5.1.1): send the outstanding requests again,
    /// unchanged; a timeout backs off the RTO and counts against Path.Max.Retrans and
    /// Association.Max.Retrans like T3-rtx.
    pub(super) fn on_reconfig_timer(&mut self, now: Instant) {
        let data_path = self.paths.data_path();
        let Some(f) = self
            .reconfig
            .as_deref_mut()
            .and_then(|r| r.in_flight.as_mut())
        else {
            return;
        };
        if std::mem::take(&mut f.retry_in_progress) {
            // The peer answered "In progress": ask again, no timeout to count.
            let chunk = f.chunk();
            self.queue(None, chunk);
            let rto = self.reconfig_rto(data_path);
            self.timers.set(TimerKind::Reconfig, now + rto);
            return;
        }
        f.retransmits = f.retransmits.saturating_add(1);
        let chunk = f.chunk();
        self.paths.on_timeout(data_path, now, &mut self.events);
        if self.count_assoc_error() {
            return;
        }
        // RFC 9260 §6.4 applies to RE-CONFIG as to DATA: another path if there is one.
        let dest = self.paths.retransmit_path(data_path);
        tracing::debug!(assoc = self.id.0, %chunk, "RE-CONFIG retransmission");
        self.queue(Some(dest), chunk);
        let rto = self.reconfig_rto(dest);
        self.timers.set(TimerKind::Reconfig, now + rto);
    }

    /// A Re-configuration Response to one of our requests (RFC 6525 §4.4, §5.1).
    pub(super) fn on_reconfig_response(&mut self, now: Instant, resp: ReconfigurationResponse) {
        let Some(f) = self
            .reconfig
            .as_deref_mut()
            .and_then(|r| r.in_flight.as_mut())
        else {
            return; // late or duplicate: nothing outstanding
        };
        if resp.result == ReconfigResult::InProgress {
            // The peer will act later: ask again after an RTO, same sequence number.
            if f.open.iter().any(|o| o.seq == resp.response_seq) {
                f.retry_in_progress = true;
                let rto = self.reconfig_rto(self.paths.data_path());
                self.timers.set(TimerKind::Reconfig, now + rto);
            }
            return;
        }
        let Some(request) = f.take(resp.response_seq) else {
            return; // answers nothing open
        };
        match resp.result {
            ReconfigResult::SuccessPerformed | ReconfigResult::SuccessNothingToDo => {
                self.request_succeeded(request, resp)
            }
            result => {
                tracing::debug!(assoc = self.id.0, %result, "RE-CONFIG request refused");
                self.events.push_back(Event::ReconfigFailed {
                    request: request.kind(),
                    result,
                });
            }
        }
        self.request_answered(now);
    }

    /// A request of ours was completed: stop the timer when none is left open, let held
    /// messages go and the next request out.
    pub(super) fn request_answered(&mut self, now: Instant) {
        if let Some(r) = self.reconfig.as_deref_mut() {
            if r.in_flight.as_ref().is_some_and(|f| f.open.is_empty()) {
                r.in_flight = None;
                self.timers.stop(TimerKind::Reconfig);
            }
        }
        self.burst_left = self.cfg.max_burst;
        self.reconfig_poll(now);
    }

    fn request_succeeded(&mut self, request: Request, resp: ReconfigurationResponse) {
        match request {
            Request::ResetOutgoing { streams, .. } => {
                // RFC 6525 §5.1.2: the streams' next SSN is 0.
                self.tx.reset_ssns(&streams);
                self.events.push_back(Event::StreamsReset {
                    direction: StreamDirection::Outgoing,
                    streams,
                });
            }
            Request::ResetSsnTsn => match resp.next_tsns {
                Some(next) => self.apply_ssn_tsn_reset(next),
                None => self.events.push_back(Event::ReconfigFailed {
                    request: crate::reconfig::ReconfigRequest::ResetSsnTsn,
                    result: resp.result,
                }),
            },
            Request::AddOutgoing(n) => {
                // RFC 6525 §5.1.5: the new streams may be used once the peer agreed.
                let total = self.tx.outbound_stream_count().saturating_add(n);
                self.tx.set_outbound_streams(total);
                self.push_streams_added();
            }
            // The peer's own Outgoing SSN Reset / Add Outgoing Streams request does the work
            // (RFC 6525 §5.2.3, §5.2.6).
            Request::ResetIncoming { .. } | Request::AddIncoming(_) => {}
        }
    }

    /// RFC 6525 §5.1.4: our next TSN is the Receiver's Next TSN of the answer, the peer's is
    /// its Sender's Next TSN; every SSN starts at 0 both ways.
    fn apply_ssn_tsn_reset(&mut self, next: NextTsns) {
        if !self.tx.restart_tsn(next.receiver) {
            // Cannot happen: the request goes out only when nothing is outstanding.
            tracing::warn!(assoc = self.id.0, "SSN/TSN reset with data outstanding");
        }
        self.tx.reset_ssns(&[]);
        self.restart_peer_tsn(next.sender);
        self.events.push_back(Event::AssociationReset {
            local_tsn: next.receiver,
            peer_tsn: next.sender,
        });
    }

    /// The peer's next TSN is `next` and every incoming stream expects SSN 0.
    pub(super) fn restart_peer_tsn(&mut self, next: usctp_wire::Tsn) {
        if let Some((t, _)) = self.rx_start.as_mut() {
            *t = next;
        }
        if let Some(rx) = self.rx.as_deref_mut() {
            rx.restart_tsn(next, &self.cfg);
        }
    }

    pub(super) fn push_streams_added(&mut self) {
        let (outbound, inbound) = self.stream_counts();
        self.events
            .push_back(Event::StreamsAdded { outbound, inbound });
    }

    /// User bytes held back by stream resets.
    pub(super) fn held_bytes(&self) -> usize {
        self.reconfig.as_deref().map_or(0, |r| r.held.bytes())
    }

    /// A message for `opts.stream`: held if a reset of that stream is under way (`Err` with
    /// the outcome of `send`); else given back for the send queue (`Ok`), after checking
    /// that held messages leave it room.
    pub(super) fn hold_if_resetting(
        &mut self,
        payload: Bytes,
        opts: &SendOptions,
        now: Option<Instant>,
    ) -> Result<Bytes, Result<(), AssocError>> {
        let Some(r) = self.reconfig.as_deref() else {
            return Ok(payload);
        };
        let held = r.held.bytes();
        let holds = r.holds(opts.stream);
        if held == 0 && !holds {
            return Ok(payload);
        }
        let size = payload.len();
        let max = self.cfg.max_message_size.min(self.cfg.send_queue_limit);
        let outbound = self.tx.outbound_stream_count();
        let err = if size == 0 {
            Some(SendError::Empty)
        } else if opts.stream.0 >= outbound {
            Some(SendError::InvalidStream {
                stream: opts.stream,
                streams: outbound,
            })
        } else if size > max {
            Some(SendError::TooLarge { size, max })
        } else if self.tx.committed_bytes() + held + size > self.cfg.send_queue_limit {
            self.blocked = true;
            Some(SendError::QueueFull)
        } else {
            None
        };
        if let Some(e) = err {
            return Err(Err(e.into()));
        }
        if !holds {
            return Ok(payload);
        }
        self.reconfig_mut().held.push(payload, opts.clone(), now);
        Err(Ok(()))
    }

    /// Move the held messages whose streams no reset holds any more to the send queue, in
    /// the order they were sent.
    fn release_held(&mut self) {
        let Some(r) = self.reconfig.as_deref_mut() else {
            return;
        };
        let mut all = r.held.take();
        let mut keep = std::collections::VecDeque::new();
        while let Some((payload, opts, at)) = all.pop_front() {
            let r = self.reconfig.as_deref().map(|r| r.holds(opts.stream));
            if r != Some(false) || !keep.is_empty() && keep_stream(&keep, opts.stream) {
                keep.push_back((payload, opts, at));
                continue;
            }
            match self.tx.push_at(payload.clone(), &opts, at) {
                Ok(()) => {}
                Err(SendError::QueueFull) => {
                    keep.push_back((payload, opts, at));
                }
                Err(e) => {
                    // The stream count shrank meanwhile: cannot happen today.
                    tracing::warn!(assoc = self.id.0, %e, "held message dropped");
                }
            }
        }
        if let Some(r) = self.reconfig.as_deref_mut() {
            r.held.restore(keep);
        }
        self.burst_left = self.cfg.max_burst;
    }
}

/// Whether a message of `stream` is among those kept back: a later one of the same stream
/// must stay behind it.
fn keep_stream(keep: &std::collections::VecDeque<HeldMessage>, stream: StreamId) -> bool {
    keep.iter().any(|(_, o, _)| o.stream == stream)
}

/// The user's stream list: each below `count`, no more than a request may list; sorted,
/// without duplicates.
fn stream_list(streams: &[u16], count: u16) -> Result<Vec<StreamId>, AssocError> {
    if let Some(&s) = streams.iter().find(|&&s| s >= count) {
        return Err(AssocError::InvalidStream {
            stream: StreamId(s),
            streams: count,
        });
    }
    let mut v: Vec<StreamId> = streams.iter().map(|&s| StreamId(s)).collect();
    v.sort_unstable();
    v.dedup();
    if v.len() > MAX_LISTED_STREAMS {
        return Err(AssocError::TooManyStreams);
    }
    Ok(v)
}
