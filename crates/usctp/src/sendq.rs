//! The submission queue between one association handle and the driver: `send` puts a
//! message here and returns; the driver moves the whole queue into the core in one go.
//!
//! Back-pressure is a byte budget, the association's `send_queue_limit`, kept as semaphore
//! permits. A message takes permits for its bytes before it is queued; the driver gives
//! them back as the core lets go of the bytes (acknowledged, abandoned, or dropped with the
//! association). At any time
//!
//! permits free + bytes queued here + bytes the driver holds (taken from here, not yet in
//! the core) + the core's `send_buffered_bytes` (queued, held for retransmission, held by a
//! stream reset) = `send_queue_limit`,
//!
//! so what a handle has outstanding never exceeds the limit. (Exception: a message with the
//! RFC 7496 §3.3 priority policy that finds the budget spent is handed to the core
//! directly, which may make room by abandoning lower-priority messages; the driver then
//! takes back the permits it can, and the core still enforces its limit.)

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use bytes::Bytes;
use tokio::sync::{Semaphore, TryAcquireError};
use usctp_proto::{SendOptions, State};

use crate::driver::Pending;
use crate::Error;

/// One message given to `send`, with the time its PR-SCTP lifetime counts from.
#[derive(Debug)]
pub(crate) struct Submission {
    pub data: Bytes,
    pub opts: SendOptions,
    pub at: Instant,
}

impl Submission {
    pub fn new(data: Bytes, opts: SendOptions) -> Self {
        Self {
            data,
            opts,
            at: Instant::now(),
        }
    }
}

#[derive(Debug, Default)]
struct Queue {
    items: VecDeque<Submission>,
    /// Largest message accepted; 0 until the handle exists.
    max: usize,
    /// Outbound streams as the driver last saw them.
    streams: u16,
    /// The core takes no more user data (a shutdown is under way) in this state.
    refuse: Option<State>,
    /// The association ended: nothing more is taken.
    closed: bool,
    /// Sends waiting for budget.
    waiting: usize,
}

/// What became of a message offered to the queue.
#[derive(Debug)]
pub(crate) enum Push {
    /// Queued; `true`: the queue was empty, so the driver must be told.
    Queued(bool),
    /// The budget is spent (given back).
    Full(Submission),
    /// Refused for this reason, as the core would.
    Refused(Error),
    /// The association ended.
    Closed,
}

#[derive(Debug)]
pub(crate) struct SendQueue {
    queue: Mutex<Queue>,
    budget: Semaphore,
}

impl Default for SendQueue {
    fn default() -> Self {
        Self {
            queue: Mutex::default(),
            budget: Semaphore::new(0), // opened with the handle
        }
    }
}

impl SendQueue {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Open the budget of `limit` bytes, messages up to `max` bytes on `streams` streams.
    pub fn open(&self, limit: usize, max: usize, streams: u16) {
        let mut q = self.lock();
        // As the core: a message above the queue limit could never be accepted. Permits
        // are counted in u32 per acquire: larger messages cannot be waited for.
        q.max = max.min(limit).min(u32::MAX as usize);
        let limit = limit.clamp(1, Semaphore::MAX_PERMITS);
        q.streams = streams;
        drop(q);
        self.budget.add_permits(limit);
    }

    /// Queue `m` if it fits the budget now.
    pub fn try_push(&self, m: Submission) -> Push {
        let mut q = self.lock();
        if let Err(p) = q.check(&m) {
            return p;
        }
        match self.budget.try_acquire_many(m.data.len() as u32) {
            Ok(permit) => permit.forget(),
            Err(TryAcquireError::NoPermits) => return Push::Full(m),
            Err(TryAcquireError::Closed) => return Push::Closed,
        }
        Push::Queued(q.push(m))
    }

    /// Wait for budget, then queue `m`; `starving` is called when no other send was
    /// waiting (the driver then watches the core for freed bytes). Cancel-safe: dropped
    /// before it returns, nothing was queued (the only wait is for permits, which a dropped
    /// wait does not keep).
    pub async fn push(&self, m: Submission, starving: impl FnOnce()) -> Push {
        let waiting = Waiting::new(self);
        if waiting.first {
            starving();
        }
        let Ok(permit) = self.budget.acquire_many(m.data.len() as u32).await else {
            return Push::Closed;
        };
        drop(waiting);
        let mut q = self.lock();
        if let Err(p) = q.check(&m) {
            return p; // the permits go back with `permit`
        }
        permit.forget();
        Push::Queued(q.push(m))
    }

    /// Move every queued message to `out`; their bytes.
    pub fn take(&self, out: &mut VecDeque<Pending>) -> usize {
        let mut q = self.lock();
        let bytes = q.items.iter().map(|m| m.data.len()).sum();
        out.extend(q.items.drain(..).map(Pending::queued));
        bytes
    }

    /// Whether a send waits for budget.
    pub fn starving(&self) -> bool {
        self.lock().waiting > 0
    }

    /// Give back `n` bytes of budget.
    pub fn release(&self, n: usize) {
        if n > 0 {
            self.budget.add_permits(n);
        }
    }

    /// Take up to `n` free bytes of budget away; how many were taken.
    pub fn forget(&self, n: usize) -> usize {
        self.budget.forget_permits(n)
    }

    /// What the core now takes: `streams` outbound streams, user data unless in `refuse`.
    pub fn set_view(&self, streams: u16, refuse: Option<State>) {
        let mut q = self.lock();
        q.streams = streams;
        q.refuse = refuse;
    }

    /// The association ended: take nothing more, wake waiting sends, and give back the
    /// messages still queued (count, bytes).
    pub fn close(&self) -> (usize, usize) {
        let mut q = self.lock();
        q.closed = true;
        let lost = (q.items.len(), q.items.iter().map(|m| m.data.len()).sum());
        q.items.clear();
        drop(q);
        self.budget.close();
        lost
    }
}

/// A send waiting for budget, counted while it waits.
struct Waiting<'a> {
    q: &'a SendQueue,
    first: bool,
}

impl<'a> Waiting<'a> {
    fn new(q: &'a SendQueue) -> Self {
        let mut g = q.lock();
        g.waiting += 1;
        let first = g.waiting == 1;
        drop(g);
        Self { q, first }
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.q.lock().waiting -= 1;
    }
}

impl Queue {
    /// The core's own checks on a message (association::queue_message, SendQueue::push),
    /// in its order, as far as the handle can know them.
    fn check(&self, m: &Submission) -> Result<(), Push> {
        let size = m.data.len();
        if self.closed {
            return Err(Push::Closed);
        }
        let e = if let Some(state) = self.refuse {
            Error::NotWritable(state)
        } else if size == 0 {
            Error::Empty // RFC 9260 §6.2: DATA carries at least one byte
        } else if m.opts.stream.0 >= self.streams {
            Error::InvalidStream {
                stream: m.opts.stream.0,
                streams: self.streams,
            }
        } else if size > self.max {
            Error::TooLarge {
                size,
                max: self.max,
            }
        } else {
            return Ok(());
        };
        Err(Push::Refused(e))
    }

    /// Append `m`; whether the queue was empty.
    fn push(&mut self, m: Submission) -> bool {
        let was_empty = self.items.is_empty();
        self.items.push_back(m);
        was_empty
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(len: usize) -> Submission {
        Submission::new(Bytes::from(vec![1; len]), SendOptions::new(0))
    }

    #[tokio::test]
    async fn the_budget_is_exact_and_a_dropped_wait_takes_nothing() {
        let q = SendQueue::default();
        q.open(1000, 1000, 1);
        assert!(matches!(q.try_push(m(600)), Push::Queued(true)));
        assert!(matches!(q.try_push(m(400)), Push::Queued(false)));
        assert!(matches!(q.try_push(m(1)), Push::Full(_)));
        // A wait dropped before the budget came back took none of it.
        let mut told = false;
        let wait = q.push(m(300), || told = true);
        let wait = tokio::time::timeout(std::time::Duration::from_millis(10), wait);
        assert!(wait.await.is_err(), "no budget");
        assert!(told, "the driver is told of the first waiting send");
        assert!(!q.starving(), "a dropped wait is not counted");
        let mut out = VecDeque::new();
        assert_eq!(q.take(&mut out), 1000);
        q.release(300);
        assert!(matches!(q.try_push(m(300)), Push::Queued(true)));
        assert!(matches!(q.try_push(m(1)), Push::Full(_)));
    }

    #[tokio::test]
    async fn closing_returns_what_is_left_and_refuses_the_rest() {
        let q = SendQueue::default();
        q.open(1000, 1000, 1);
        assert!(matches!(q.try_push(m(10)), Push::Queued(true)));
        assert!(matches!(q.try_push(m(990)), Push::Queued(false)));
        assert_eq!(q.close(), (2, 1000));
        assert!(matches!(q.try_push(m(1)), Push::Closed));
        assert!(matches!(q.push(m(1), || {}).await, Push::Closed));
    }
}
