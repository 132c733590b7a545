//! Turning the core's events into handle wake-ups.

use std::time::Instant;

use usctp_proto::{AssocId, Event};

use super::{fail_entry, Driver};
use crate::shared::Ended;

impl Driver {
    /// Handle every pending event; false when there was none.
    pub(super) fn drain_events(&mut self, now: Instant) -> bool {
        let mut any = false;
        while let Some((id, ev)) = self.ep.poll_event() {
            any = true;
            self.event(now, id, ev);
        }
        any
    }

    fn event(&mut self, now: Instant, id: AssocId, ev: Event) {
        self.entries.entry(id).or_default();
        match &ev {
            Event::MessagesReady => return self.pull_messages(id, false),
            Event::Writable => return self.retry_sends(id),
            Event::Connected => self.connected(now, id),
            Event::ShutdownComplete | Event::Closed(_) => {
                // Everything left in the core goes to the handle before the core forgets it.
                self.pull_messages(id, true);
                let how = match &ev {
                    Event::Closed(r) => Ended::Reason(r.clone()),
                    _ => Ended::Graceful,
                };
                if let Some(e) = self.entries.remove(&id) {
                    fail_entry(e, how, Some(ev));
                }
                return;
            }
            _ => {}
        }
        // Streams added, a shutdown begun: what `send` may take changed (before the
        // handle hears of it).
        self.settle(id);
        if let Some(e) = self.entries.get(&id) {
            e.shared.push_event(ev);
        }
    }

    /// Complete a `connect`, or hand an incoming association to `accept`.
    fn connected(&mut self, now: Instant, id: AssocId) {
        let Some(e) = self.entries.get_mut(&id) else {
            return;
        };
        if e.has_handle {
            return; // a restart or collision re-confirmed an association we already handed out
        }
        let waiter = e.connect.take();
        let Some(handle) = self.handle(id) else {
            self.ep.with_association(id, |a| a.shutdown(now));
            return;
        };
        match waiter {
            Some(w) => {
                // If the caller gave up, dropping the handle shuts the association down.
                let _ = w.send(Ok(handle));
            }
            None => {
                if let Err(e) = self.incoming.try_send(handle) {
                    tracing::debug!(assoc = id.0, "nobody accepting: {e}");
                    // Dropping the handle (inside `e`) shuts the association down.
                }
            }
        }
    }
}
