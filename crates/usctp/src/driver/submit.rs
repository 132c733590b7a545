//! Sending: messages from a handle's submission queue (sendq.rs) into the core, all of them
//! in one go so that the core bundles them and the transport sends GSO batches; and the send
//! budget back to the handle as the core lets go of their bytes.

use usctp_proto::{AssocError, AssocId, Event, SendError};

use super::{Driver, Pending};
use crate::Error;

impl Driver {
    /// Move `id`'s whole submission queue into the core, behind any message still blocked.
    pub(super) fn drain_submitted(&mut self, id: AssocId) {
        let Some(e) = self.entries.get_mut(&id) else {
            return;
        };
        let bytes = e.shared.sendq.take(&mut e.blocked);
        if bytes == 0 && e.blocked.is_empty() {
            return;
        }
        e.blocked_bytes += bytes;
        e.budget_held += bytes;
        self.retry_sends(id);
    }

    /// A message sent directly (priority policy with the budget spent): after what the
    /// handle queued before it.
    pub(super) fn send_direct(&mut self, id: AssocId, p: Pending) {
        let Some(e) = self.entries.get_mut(&id) else {
            if let Some(reply) = p.reply {
                let _ = reply.send(Err(Error::Closed(None)));
            }
            return;
        };
        let bytes = e.shared.sendq.take(&mut e.blocked);
        e.blocked_bytes += bytes;
        e.budget_held += bytes;
        e.blocked.push_back(p);
        self.retry_sends(id);
    }

    /// Queue blocked messages in order until the core pushes back; then settle the budget.
    pub(super) fn retry_sends(&mut self, id: AssocId) {
        let Some(e) = self.entries.get_mut(&id) else {
            return;
        };
        while let Some(p) = e.blocked.pop_front() {
            if p.reply.as_ref().is_some_and(|r| r.is_closed()) {
                continue; // a direct send whose caller gave up: do not send it
            }
            let size = p.m.data.len();
            let data = p.m.data.clone();
            let r = self
                .ep
                .with_association(id, |a| a.send_with(p.m.at, data, &p.m.opts));
            let r = match r {
                Some(Err(AssocError::Send(SendError::QueueFull))) => {
                    e.blocked.push_front(p);
                    break;
                }
                Some(r) => r.map_err(Error::from_core),
                None => Err(Error::Closed(None)),
            };
            if r.is_ok() {
                e.sent += 1;
            }
            match p.reply {
                Some(reply) => {
                    let _ = reply.send(r);
                }
                None => {
                    e.blocked_bytes -= size;
                    if let Err(err) = r {
                        // Its caller was answered when it queued: report it as an event.
                        tracing::debug!(assoc = id.0, %err, "queued message refused");
                        e.failed.0 += 1;
                        e.failed.1 += size;
                    }
                }
            }
        }
        self.settle(id);
    }

    /// Give the handle back the budget the core let go of, report the queued messages the
    /// core refused, and tell the handle what the core takes now (streams, state).
    pub(super) fn settle(&mut self, id: AssocId) {
        let Some(e) = self.entries.get_mut(&id) else {
            return;
        };
        let Some((core, streams, state)) = self
            .ep
            .association(id)
            .map(|a| (a.send_buffered_bytes(), a.stream_counts().0, a.state()))
        else {
            return;
        };
        let owned = e.blocked_bytes + core;
        if owned < e.budget_held {
            e.shared.sendq.release(e.budget_held - owned);
            e.budget_held = owned;
        } else if owned > e.budget_held {
            // Bytes a direct send put in the core: take their budget back as it frees.
            e.budget_held += e.shared.sendq.forget(owned - e.budget_held);
        }
        let view = (streams, (!state.accepts_user_data()).then_some(state));
        if e.has_handle && view != e.view {
            e.view = view;
            e.shared.sendq.set_view(view.0, view.1);
        }
        if e.failed.0 > 0 {
            let (messages, bytes) = std::mem::take(&mut e.failed);
            e.shared.push_event(Event::SendFailure { messages, bytes });
        }
    }

    /// A send of `id` waits for budget: settle now, and after every turn while one waits.
    pub(super) fn starved(&mut self, id: AssocId) {
        if let Some(e) = self.entries.get_mut(&id) {
            if !e.starved {
                e.starved = true;
                self.starved.push(id);
            }
        }
        self.settle(id);
    }

    /// Settle the associations with a send waiting for budget: packets and timers (SACKs,
    /// abandoned messages) may have freed some. (Only those: budget nobody waits for can
    /// wait, and a turn stays cheap with many associations.)
    pub(super) fn settle_starved(&mut self) {
        if self.starved.is_empty() {
            return;
        }
        let mut ids = std::mem::take(&mut self.starved_scratch);
        std::mem::swap(&mut ids, &mut self.starved);
        for id in ids.drain(..) {
            self.settle(id);
            let Some(e) = self.entries.get_mut(&id) else {
                continue;
            };
            // A send that starts waiting after this look says so again (`Starved`).
            if e.shared.sendq.starving() {
                self.starved.push(id);
            } else {
                e.starved = false;
            }
        }
        self.starved_scratch = ids;
    }
}
