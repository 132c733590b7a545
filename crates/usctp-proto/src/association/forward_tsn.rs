//! PR-SCTP at the association (RFC 3758): the extensions in force, FORWARD TSN received, and
//! FORWARD TSN sent whenever the Advanced.Peer.Ack.Point is ahead of the peer's cum ack.

use std::time::Instant;

use usctp_wire::chunk::{Chunk, ForwardTsn, IForwardTsn};

use super::Association;
use crate::event::Event;
use crate::Extensions;

impl Association {
    /// The extensions both sides support (RFC 5061 §4.2.7), learned at setup.
    pub(super) fn set_extensions(&mut self, ext: Extensions) {
        let ext = ext.in_force();
        self.extensions = ext;
        self.tx.set_pr_enabled(ext.contains(Extensions::PR_SCTP));
        self.tx.set_i_data(ext.contains(Extensions::I_DATA));
    }

    /// A FORWARD TSN from the peer (RFC 3758 §3.6): skip what it abandoned and deliver what
    /// that makes deliverable. The SACK follows the rules for DATA.
    pub(super) fn on_forward_tsn(&mut self, f: &ForwardTsn) {
        let Some(rx) = self.receiver() else { return };
        let outcome = rx.on_forward_tsn(f);
        if let Some(stream) = outcome.aborted_partial {
            self.events
                .push_back(Event::PartialDeliveryAborted { stream });
        }
        if outcome.delivered {
            self.accepted_data = true;
        }
    }

    /// An I-FORWARD-TSN from the peer (RFC 8260 §2.3.2), I-DATA and PR-SCTP in force.
    pub(super) fn on_i_forward_tsn(&mut self, f: &IForwardTsn) {
        let Some(rx) = self.receiver() else { return };
        let outcome = rx.on_i_forward_tsn(f);
        if let Some(stream) = outcome.aborted_partial {
            self.events
                .push_back(Event::PartialDeliveryAborted { stream });
        }
        if outcome.delivered {
            self.accepted_data = true;
        }
    }

    /// RFC 3758 §3.5 C1-C4: abandon what the policies say after a SACK or a T3 expiry
    /// marked chunks, and queue a FORWARD TSN (replacing one still waiting) when the
    /// Advanced.Peer.Ack.Point is ahead of the peer's cumulative ack.
    pub(super) fn send_forward_tsn(&mut self, now: Instant) {
        self.tx.abandon_marked(now);
        // Only DATA may ride with a COOKIE ECHO (RFC 9260 §5.1): before the peer has the
        // association a FORWARD TSN would be out of the blue; it goes once established.
        if !self.state.sends_data() || !self.tx.awaiting_forward_ack() {
            return;
        }
        // RFC 8260 §2.3.1: I-FORWARD-TSN instead of FORWARD TSN with I-DATA in force.
        if self.tx.i_data() {
            if let Some(f) = self.tx.i_forward_tsn() {
                self.pending
                    .retain(|p| !matches!(p.chunk, Chunk::IForwardTsn(_)));
                self.queue(None, f);
                let path = self.paths.data_path();
                self.arm_t3(path, now, false);
            }
            return;
        }
        if let Some(f) = self.tx.forward_tsn() {
            self.pending
                .retain(|p| !matches!(p.chunk, Chunk::ForwardTsn(_)));
            self.queue(None, f);
            let path = self.paths.data_path();
            self.arm_t3(path, now, false);
        }
    }
}
