//! Stream reconfiguration, the peer's side (RFC 6525 §5.2): a received RE-CONFIG chunk, the
//! request sequence number rules, each request's processing and answer, and deferred
//! resets. Our own requests are in `reconfig.rs`.

use std::time::Instant;

use usctp_wire::chunk::ReConfig;
use usctp_wire::param::{
    IncomingSsnResetRequest, NextTsns, OutgoingSsnResetRequest, Parameter, ReconfigResult,
    ReconfigurationResponse,
};
use usctp_wire::{StreamId, Tsn};

use super::{Association, State};
use crate::event::Event;
use crate::reconfig::{known_params, request_seq, Check, DeferredReset, Request, StreamDirection};
use crate::rx::AsideChunk;

/// How a request is answered.
struct Answer {
    result: ReconfigResult,
    next_tsns: Option<NextTsns>,
    /// "In progress" for a passing reason: a retransmission is evaluated again.
    retry: bool,
    /// Send the response now (not when the answer is a request of ours).
    send: bool,
}

impl Answer {
    fn of(result: ReconfigResult) -> Self {
        Self {
            result,
            next_tsns: None,
            retry: false,
            send: true,
        }
    }
}

fn response(seq: u32, result: ReconfigResult) -> ReconfigurationResponse {
    ReconfigurationResponse {
        response_seq: seq,
        result,
        next_tsns: None,
    }
}

impl Association {
    /// A RE-CONFIG chunk (RFC 6525 §3.1): its responses go to our outstanding requests, its
    /// requests are answered in one RE-CONFIG chunk.
    pub(super) fn on_reconfig(&mut self, now: Instant, chunk: ReConfig) {
        if !self.state.data_may_flow() {
            return;
        }
        let params = match known_params(chunk.params) {
            Ok(p) => p,
            Err(e) => {
                // RFC 6525 §3.1 names the allowed combinations only: anything else changes
                // nothing here.
                tracing::debug!(assoc = self.id.0, %e, "RE-CONFIG discarded");
                return;
            }
        };
        let mut answers = Vec::new();
        for p in params {
            match p {
                Parameter::ReconfigurationResponse(r) => self.on_reconfig_response(now, r),
                req => {
                    if let Some(a) = self.on_reconfig_request(now, req) {
                        answers.push(a.into());
                    }
                }
            }
        }
        if !answers.is_empty() {
            self.queue(None, ReConfig { params: answers });
        }
        self.reconfig_poll(now);
    }

    /// One request parameter: the sequence number rules (RFC 6525 §5.2.1), then its
    /// processing. Returns the response to send, if any.
    fn on_reconfig_request(
        &mut self,
        now: Instant,
        p: Parameter,
    ) -> Option<ReconfigurationResponse> {
        let seq = request_seq(&p)?;
        match self.reconfig_mut().responder.check(seq) {
            // RFC 6525 §5.2.1: neither expected nor the last one processed.
            Check::Bad => return Some(response(seq, ReconfigResult::ErrorBadSequenceNumber)),
            // A retransmission: the same answer, the request is not processed again.
            Check::Again(resp) => return Some(resp),
            Check::New | Check::Retry => {}
        }
        let answer = match p {
            Parameter::OutgoingSsnResetRequest(o) => self.peer_resets_outgoing(now, o),
            Parameter::IncomingSsnResetRequest(i) => self.peer_asks_reset(i),
            Parameter::SsnTsnResetRequest(_) => self.peer_asks_ssn_tsn_reset(),
            Parameter::AddOutgoingStreamsRequest(a) => self.peer_adds_streams(now, a.new_streams),
            Parameter::AddIncomingStreamsRequest(a) => self.peer_asks_streams(a.new_streams),
            _ => return None,
        };
        let resp = ReconfigurationResponse {
            response_seq: seq,
            result: answer.result,
            next_tsns: answer.next_tsns,
        };
        self.reconfig_mut().responder.record(resp, answer.retry);
        answer.send.then_some(resp)
    }

    /// Outgoing SSN Reset Request (RFC 6525 §5.2.2): the peer resets its outgoing streams,
    /// our incoming ones.
    fn peer_resets_outgoing(&mut self, now: Instant, o: OutgoingSsnResetRequest) -> Answer {
        // E1: it answers our Incoming SSN Reset Request: that request is complete.
        let answered = self
            .reconfig_mut()
            .in_flight
            .as_mut()
            .and_then(|f| {
                f.take_where(|x| {
                    x.seq == o.response_seq && matches!(x.request, Request::ResetIncoming { .. })
                })
            })
            .is_some();
        if answered {
            self.request_answered(now);
        }
        let inbound = self.inbound_stream_count();
        if o.streams.iter().any(|s| s.0 >= inbound) {
            // No code fits a stream that does not exist; "Denied", as usrsctp answers.
            return Answer::of(ReconfigResult::Denied);
        }
        if self.reconfig_mut().deferred.is_some() {
            // Another reset waits for its TSN: this one is evaluated again when retried.
            return Answer {
                retry: true,
                ..Answer::of(ReconfigResult::InProgress)
            };
        }
        // E2: TSNs up to the Sender's Last Assigned TSN are still missing: deferred reset
        // processing, answered "In progress" now.
        if o.last_tsn.serial_gt(self.cum_ack()) {
            self.reconfig_mut().deferred = Some(DeferredReset {
                seq: o.request_seq,
                last_tsn: o.last_tsn,
                streams: o.streams,
            });
            return Answer::of(ReconfigResult::InProgress);
        }
        // E3: the listed streams (all if none) expect SSN 0 next.
        self.reset_incoming(o.streams);
        Answer::of(ReconfigResult::SuccessPerformed)
    }

    fn reset_incoming(&mut self, streams: Vec<StreamId>) {
        if let Some(rx) = self.rx.as_deref_mut() {
            rx.reset_streams(&streams);
        }
        self.events.push_back(Event::StreamsReset {
            direction: StreamDirection::Incoming,
            streams,
        });
    }

    /// RFC 6525 §5.2.2 E2: while a reset is deferred, DATA past its last TSN on the streams
    /// it resets is queued (acknowledged, not delivered) until the reset is performed.
    /// Returns whether the chunk (`d`'s TSN, stream and length) was taken (or dropped) here.
    pub(super) fn set_aside_for_reset(
        &mut self,
        (tsn, stream, len): (Tsn, StreamId, usize),
        d: impl FnOnce() -> AsideChunk,
    ) -> bool {
        let waits = self
            .reconfig
            .as_deref()
            .and_then(|r| r.deferred.as_ref())
            .is_some_and(|def| def.holds(tsn, stream));
        if !waits {
            return false;
        }
        let Some(rx) = self.receiver() else {
            return false;
        };
        if let Some(t) = rx.take_aside(tsn, len) {
            if let Some(r) = self.reconfig.as_deref_mut() {
                r.aside.push((t, d()));
            }
        }
        true
    }

    /// Called whenever our cumulative TSN ack may have moved (after DATA; after FORWARD TSN
    /// too, RFC 3758): performs a deferred reset once its Sender's Last Assigned TSN arrived
    /// (RFC 6525 §5.2.2 E2/E3) and answers "Success - Performed" at once, without waiting
    /// for the peer's retransmission (deliberate: it saves the peer an RTO); retransmissions
    /// of the request get the same answer.
    pub(crate) fn after_cum_ack_moved(&mut self) {
        let cum = self.cum_ack();
        let Some(r) = self.reconfig.as_deref_mut() else {
            return;
        };
        if !r.deferred.as_ref().is_some_and(|d| d.due(cum)) {
            return;
        }
        let Some(d) = r.deferred.take() else {
            return;
        };
        r.responder.update(d.seq, ReconfigResult::SuccessPerformed);
        let mut aside = std::mem::take(&mut r.aside);
        self.reset_incoming(d.streams);
        // E2: the chunks queued meanwhile follow the reset, in TSN order.
        aside.sort_unstable_by_key(|(t, _)| *t);
        if let Some(rx) = self.rx.as_deref_mut() {
            for (t, chunk) in &aside {
                rx.replay(*t, chunk);
            }
        }
        if !aside.is_empty() {
            self.accepted_data = true;
            self.note_messages();
        }
        let done = response(d.seq, ReconfigResult::SuccessPerformed);
        self.queue(
            None,
            ReConfig {
                params: vec![done.into()],
            },
        );
    }

    /// Incoming SSN Reset Request (RFC 6525 §5.2.3): the peer asks us to reset our outgoing
    /// streams. Our Outgoing SSN Reset Request answers it, once the pending-data rule lets it
    /// go (see `reset_streams`); until then the answer is "In progress".
    fn peer_asks_reset(&mut self, i: IncomingSsnResetRequest) -> Answer {
        if self.state != State::Established {
            return Answer::of(ReconfigResult::Denied);
        }
        let outbound = self.tx.outbound_stream_count();
        if i.streams.iter().any(|s| s.0 >= outbound) {
            return Answer::of(ReconfigResult::Denied);
        }
        if self.reconfig_mut().busy() {
            // One request of ours at a time (§5.1.1).
            return Answer::of(ReconfigResult::ErrorRequestInProgress);
        }
        let busy = self.tx.streams_busy(&i.streams);
        self.reconfig_mut().pending.push(Request::ResetOutgoing {
            streams: i.streams,
            answers: Some(i.request_seq),
        });
        Answer {
            send: busy,
            ..Answer::of(ReconfigResult::InProgress)
        }
    }

    /// SSN/TSN Reset Request (RFC 6525 §5.2.4).
    fn peer_asks_ssn_tsn_reset(&mut self) -> Answer {
        if self.state != State::Established {
            return Answer::of(ReconfigResult::Denied);
        }
        if self.reconfig_mut().busy() {
            return Answer::of(ReconfigResult::ErrorRequestInProgress);
        }
        // Our data in flight would be lost by G3 (it is treated as acknowledged), and a
        // deferred reset needs the old TSNs: not now. Evaluated again when retried.
        if self.reconfig_mut().deferred.is_some() || !self.tx.is_idle() {
            return Answer {
                retry: true,
                ..Answer::of(ReconfigResult::InProgress)
            };
        }
        // G1: the peer's next TSN, well away from any TSN still in the network.
        let receiver = self.cum_ack().add(1).add(1 << 31);
        // G2: ours goes on from the next one.
        let sender = self.tx.next_new_tsn();
        // G3/G4 (nothing outstanding either way), G5: every SSN to 0.
        self.restart_peer_tsn(receiver);
        self.tx.reset_ssns(&[]);
        self.events.push_back(Event::AssociationReset {
            local_tsn: sender,
            peer_tsn: receiver,
        });
        Answer {
            next_tsns: Some(NextTsns { sender, receiver }),
            ..Answer::of(ReconfigResult::SuccessPerformed)
        }
    }

    /// Add Outgoing Streams Request (RFC 6525 §5.2.5): the peer adds outgoing streams, our
    /// incoming ones, up to our `max_inbound_streams`.
    fn peer_adds_streams(&mut self, now: Instant, n: u16) -> Answer {
        // Some peers (Linux) answer our Add Incoming Streams Request with this request only.
        let answered = self
            .reconfig_mut()
            .in_flight
            .as_mut()
            .and_then(|f| f.take_where(|x| matches!(x.request, Request::AddIncoming(_))))
            .is_some();
        if answered {
            self.request_answered(now);
        }
        let max = self.cfg.max_inbound_streams;
        let Some(total) = self
            .inbound_stream_count()
            .checked_add(n)
            .filter(|&t| t <= max)
        else {
            return Answer::of(ReconfigResult::Denied);
        };
        if let Some(rx) = self.rx.as_deref_mut() {
            rx.set_inbound_streams(total);
        }
        if let Some((_, count)) = self.rx_start.as_mut() {
            *count = total;
        }
        self.push_streams_added();
        Answer::of(ReconfigResult::SuccessPerformed)
    }

    /// Add Incoming Streams Request (RFC 6525 §5.2.6): the peer asks us to add outgoing
    /// streams. We answer and then send our own Add Outgoing Streams Request, as usrsctp
    /// does; the streams are usable once the peer agreed to it.
    fn peer_asks_streams(&mut self, n: u16) -> Answer {
        if self.state != State::Established {
            return Answer::of(ReconfigResult::Denied);
        }
        if self.reconfig_mut().busy() {
            return Answer::of(ReconfigResult::ErrorRequestInProgress);
        }
        if self.tx.outbound_stream_count().checked_add(n).is_none() {
            return Answer::of(ReconfigResult::Denied);
        }
        self.reconfig_mut().pending.push(Request::AddOutgoing(n));
        Answer::of(ReconfigResult::SuccessPerformed)
    }
}
