//! The driver's one timer: a tokio `Sleep` kept from turn to turn and moved only when the
//! core's deadline comes earlier than it, so it may fire early (the core then finds nothing
//! due and the alarm is set again), never late.
//!
//! Why not a fresh `Sleep` per turn: tokio wakes its I/O driver (an eventfd write, then an
//! `epoll_wait` that returns at once) whenever a timer is set earlier than the time driver
//! planned to wake, even from the runtime's own thread. The core's deadline moves on every
//! turn of a request-response exchange (RFC 9260 §6.3.2 starts T3-rtx on a send, §6.2 the
//! delayed SACK timer on a receive), which cost two system calls per round trip.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::time::Sleep;

/// Far enough never to fire before it is set.
const IDLE: Duration = Duration::from_secs(86_400 * 365);

pub(super) struct Alarm {
    sleep: Pin<Box<Sleep>>,
    /// When the sleep fires; `None`: disarmed.
    at: Option<Instant>,
}

impl Alarm {
    pub fn new() -> Self {
        Self {
            sleep: Box::pin(tokio::time::sleep(IDLE)),
            at: None,
        }
    }

    /// Fire no later than `deadline`. A later deadline leaves the alarm where it is.
    pub fn set(&mut self, deadline: Option<Instant>) {
        let Some(d) = deadline else { return };
        if self.at.is_none_or(|at| d < at) {
            self.sleep.as_mut().reset(d.into());
            self.at = Some(d);
        }
    }

    /// When it fires (for tests).
    #[cfg(test)]
    fn at(&self) -> Option<Instant> {
        self.at
    }

    /// Ready once when it fires; disarmed after.
    pub fn poll(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if self.at.is_none() {
            return Poll::Pending;
        }
        std::task::ready!(self.sleep.as_mut().poll(cx));
        self.at = None;
        Poll::Ready(())
    }
}

#[cfg(test)]
mod tests {
    use std::future::poll_fn;

    use super::*;

    #[tokio::test]
    async fn rfc9260_6_3_2_a_later_deadline_keeps_the_alarm_and_an_earlier_one_moves_it() {
        let t0 = Instant::now();
        let (sack, t3) = (t0 + Duration::from_secs(5), t0 + Duration::from_secs(60));
        let mut a = Alarm::new();
        a.set(None);
        assert_eq!(a.at(), None, "nothing due: disarmed");
        a.set(Some(sack)); // a delayed SACK (§6.2)
        a.set(Some(t3)); // T3-rtx restarted (§6.3.2)
        assert_eq!(a.at(), Some(sack), "a later deadline leaves the alarm");
        let soon = t0 + Duration::from_millis(20);
        a.set(Some(soon));
        assert_eq!(a.at(), Some(soon), "an earlier one moves it");
        poll_fn(|cx| a.poll(cx)).await;
        assert!(Instant::now() >= soon);
        assert!(Instant::now() < sack, "fired at the earlier deadline");
        assert_eq!(a.at(), None, "fired: disarmed");
        a.set(Some(t3));
        assert_eq!(a.at(), Some(t3), "armed again");
    }
}
