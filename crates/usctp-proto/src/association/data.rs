//! DATA and SACK (RFC 9260 §6).

use std::time::Instant;

use usctp_wire::cause::{ErrorCause, InvalidStreamIdentifier, NoUserData, ProtocolViolation};
use usctp_wire::chunk::{Data, IData, OperationError, Sack};
use usctp_wire::Fsn;

use super::Association;
use crate::config::FsnNumbering;
use crate::event::CloseReason;
use crate::rx::{AsideChunk, RxOutcome};
use crate::tx::SackOutcome;

impl Association {
    /// One DATA chunk (RFC 9260 §6.2).
    pub(super) fn on_data(&mut self, d: &Data) {
        if !self.state.accepts_peer_data() {
            return;
        }
        let key = (d.tsn, d.stream, d.payload.len());
        if self.set_aside_for_reset(key, || AsideChunk::Data(d.clone())) {
            return; // RFC 6525 §5.2.2 E2
        }
        let Some(rx) = self.receiver() else { return };
        let outcome = rx.on_data(d);
        self.on_rx_outcome(outcome);
    }

    /// One I-DATA chunk, I-DATA in force (RFC 8260 §2.1).
    pub(super) fn on_idata(&mut self, d: &IData) {
        if !self.state.accepts_peer_data() {
            return;
        }
        let key = (d.tsn, d.stream, d.payload.len());
        if self.set_aside_for_reset(key, || AsideChunk::IData(d.clone())) {
            return; // RFC 6525 §5.2.2 E2, with MIDs (RFC 8260 §2.3)
        }
        let renumbered;
        let d = if self.cfg.i_data_fsn == FsnNumbering::SecondIsZero && !d.beginning {
            renumbered = IData {
                fsn: Fsn(d.fsn.0.wrapping_add(1)),
                ..d.clone()
            };
            &renumbered
        } else {
            d
        };
        let Some(rx) = self.receiver() else { return };
        let outcome = rx.on_idata(d);
        self.on_rx_outcome(outcome);
    }

    /// RFC 8260 §2.2: with I-DATA in force, a DATA chunk aborts the association.
    pub(super) fn on_data_instead_of_idata(&mut self) {
        let cause = ErrorCause::from(ProtocolViolation {
            info: bytes::Bytes::from_static(b"DATA chunk while I-DATA is in force"),
        });
        self.abort_with(Some(cause.clone()), CloseReason::ProtocolError(cause));
    }

    fn on_rx_outcome(&mut self, outcome: RxOutcome) {
        match outcome {
            RxOutcome::Accepted => self.accepted_data = true,
            RxOutcome::InvalidStream(stream) => {
                // RFC 9260 §6.5: acknowledge, discard, and report with an ERROR.
                let cause = InvalidStreamIdentifier { stream };
                self.queue(
                    self.sack_dest,
                    OperationError {
                        causes: vec![cause.into()],
                    },
                );
            }
            RxOutcome::BrokenFragments(_) => {
                // RFC 9260 §6.9, RFC 8260 §2.1: the framing of a fragmented message is broken.
                let cause = ErrorCause::from(ProtocolViolation {
                    info: bytes::Bytes::from_static(b"broken fragmentation of a message"),
                });
                self.abort_with(Some(cause.clone()), CloseReason::ProtocolError(cause));
            }
            RxOutcome::NoUserData(tsn) => {
                // RFC 9260 §6.2: a DATA chunk without user data aborts the association.
                let cause = ErrorCause::from(NoUserData { tsn });
                self.abort_with(Some(cause.clone()), CloseReason::ProtocolError(cause));
            }
            _ => {}
        }
    }

    /// A SACK (RFC 9260 §6.2.1, §6.3.2, §7.2).
    pub(super) fn on_sack(&mut self, now: Instant, s: &Sack) {
        if !self.state.data_may_flow() {
            return;
        }
        let outcome = self.tx.on_sack(now, s);
        self.apply_ack(now, outcome);
    }

    /// Apply what the sender learned from a SACK or a SHUTDOWN's cumulative ack.
    pub(super) fn apply_ack(&mut self, now: Instant, o: SackOutcome) {
        if o.protocol_violation {
            let cause = ErrorCause::from(ProtocolViolation {
                info: bytes::Bytes::from_static(b"cumulative TSN ack beyond the highest TSN sent"),
            });
            return self.abort_with(Some(cause.clone()), CloseReason::ProtocolError(cause));
        }
        if let Some((path, rtt)) = o.rtt {
            if let Some(p) = self.paths.get_mut(path) {
                p.rto.on_rtt(rtt);
            }
        }
        if !o.acked_paths.is_empty() {
            // RFC 9260 §8.1, §8.2: an acknowledgement clears the error counters.
            self.assoc_errors = 0;
            for p in &o.acked_paths {
                self.paths.on_ack(*p, now, &mut self.events);
            }
        }
        // RFC 9260 §6.3.2 R2, R3: stop T3 where nothing is outstanding; restart it where the
        // earliest outstanding TSN was acknowledged.
        // By index: a SACK arrives every few packets, and collecting the ids would allocate.
        for i in 0..self.paths.len() {
            let id = crate::PathId(u16::try_from(i).unwrap_or(u16::MAX));
            if self.paths.get(id).is_none() {
                continue;
            }
            let restart = o.cum_advanced && o.acked_paths.contains(&id);
            self.arm_t3(id, now, restart);
        }
        if o.newly_acked_bytes > 0 || o.fast_retransmit {
            self.burst_left = self.cfg.max_burst;
        }
        self.send_forward_tsn(now);
    }
}
