//! The paced loop of one `ctraffic` client: sends at `start + offset + k·interval`
//! (back-to-back when behind), replies drained as they come, RTT from the echoed
//! CLOCK_MONOTONIC timestamp.

use std::time::Duration;

use nix::time::{clock_gettime, ClockId};
use tokio::sync::watch;
use tokio::time::Instant;
use usctp::{Association, Error, Message};

use super::ctraffic::Ctx;
use super::log::{self, die, INFO, WARNING};
use super::net;

/// Message size, as the C tool sends.
const SIZE: usize = 1024;
/// The timestamp: a `struct timespec` (i64 seconds, i64 nanoseconds, native endian).
const STAMP: usize = 16;
/// A send not queued within this long is "blocked" (the C tool polls every 100 ms).
const BLOCKED_AFTER: Duration = Duration::from_millis(100);
/// How long late replies are still read after the stop (the C tool waits 100-200 ms).
const GRACE: Duration = Duration::from_millis(150);

fn monotonic_ns() -> i128 {
    clock_gettime(ClockId::CLOCK_MONOTONIC).map_or(0, |t| {
        i128::from(t.tv_sec()) * 1_000_000_000 + i128::from(t.tv_nsec())
    })
}

/// A message stamped with the current CLOCK_MONOTONIC time.
fn stamped() -> Vec<u8> {
    let mut buf = vec![0u8; SIZE];
    // time_t and long are i64 on the 64-bit Linux targets this runs on.
    let (sec, nsec): (i64, i64) =
        clock_gettime(ClockId::CLOCK_MONOTONIC).map_or((0, 0), |t| (t.tv_sec(), t.tv_nsec()));
    buf[..8].copy_from_slice(&sec.to_ne_bytes());
    buf[8..STAMP].copy_from_slice(&nsec.to_ne_bytes());
    buf
}

/// The RTT in µs of an echoed message, if it is long enough to hold the timestamp.
fn rtt_us(payload: &[u8]) -> Option<u32> {
    let sec = i64::from_ne_bytes(payload.get(..8)?.try_into().ok()?);
    let nsec = i64::from_ne_bytes(payload.get(8..STAMP)?.try_into().ok()?);
    let sent = i128::from(sec) * 1_000_000_000 + i128::from(nsec);
    let us = (monotonic_ns() - sent).max(0) / 1000;
    Some(u32::try_from(us).unwrap_or(u32::MAX))
}

enum Flow {
    Go,
    Stop,
    Closed,
}

struct Client<'a> {
    i: usize,
    a: &'a Association,
    ctx: &'a Ctx,
    blocked: bool,
}

impl Client<'_> {
    /// Count a reply, or handle the end of the association (`Flow::Closed`).
    async fn reply(&self, m: Option<Message>) -> Flow {
        if let Some(m) = m {
            self.ctx.stats.packet_received(rtt_us(&m.payload));
            return Flow::Go;
        }
        match self.a.shutdown().await {
            Ok(()) => log::log(INFO, "Connection closed\n"),
            Err(e) => die(&format!("recv {}\n", net::describe(&e))),
        }
        Flow::Closed
    }

    /// Send one stamped message; replies keep being counted while it waits for room.
    async fn send(&mut self, stop: &mut watch::Receiver<bool>) -> Flow {
        let fut = self.a.send(0, stamped());
        tokio::pin!(fut);
        let slow = tokio::time::sleep(BLOCKED_AFTER);
        tokio::pin!(slow);
        let mut slow_seen = false;
        loop {
            tokio::select! {
                biased;
                r = &mut fut => return self.sent(r),
                () = &mut slow, if !slow_seen => {
                    slow_seen = true;
                    if !self.blocked {
                        log::log(WARNING, &format!("Client {}: Send is blocked\n", self.i));
                    }
                    self.blocked = true;
                }
                m = self.a.recv() => {
                    if let Flow::Closed = self.reply(m.ok()).await {
                        return Flow::Closed;
                    }
                }
                // Dropping the pending send withdraws the message.
                _ = stop.changed() => return Flow::Stop,
            }
        }
    }

    fn sent(&mut self, r: Result<(), Error>) -> Flow {
        match r {
            Ok(()) => {
                if self.blocked {
                    log::log(WARNING, &format!("Client {}: Send is un-blocked\n", self.i));
                }
                self.blocked = false;
                self.ctx.stats.packet_sent();
                Flow::Go
            }
            Err(Error::Closed(None)) => {
                log::log(INFO, "Connection closed\n");
                Flow::Closed
            }
            Err(e) => die(&format!("send {}\n", net::describe(&e))),
        }
    }
}

/// Run client `i` on `a` until `stop` (then read late replies briefly) or the end of the
/// association.
pub async fn run(i: usize, a: &Association, ctx: &Ctx, mut stop: watch::Receiver<bool>) {
    let mut c = Client {
        i,
        a,
        ctx,
        blocked: false,
    };
    let interval = (ctx.rate > 0.0)
        .then(|| Duration::try_from_secs_f64(1.0 / ctx.rate).ok())
        .flatten();
    // A random offset in [0, interval) spreads the clients' sends.
    let frac = (net::random_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let mut next = Instant::now() + interval.map_or(Duration::ZERO, |iv| iv.mul_f64(frac));
    loop {
        tokio::select! {
            biased;
            _ = stop.changed() => break,
            m = a.recv() => {
                if let Flow::Closed = c.reply(m.ok()).await {
                    return;
                }
            }
            () = tokio::time::sleep_until(next), if interval.is_some() => {
                match c.send(&mut stop).await {
                    Flow::Go => {}
                    Flow::Stop => break,
                    Flow::Closed => return,
                }
                if let Some(iv) = interval {
                    next += iv;
                }
            }
        }
    }
    let end = Instant::now() + GRACE;
    loop {
        tokio::select! {
            m = a.recv() => {
                if let Flow::Closed = c.reply(m.ok()).await {
                    return;
                }
            }
            () = tokio::time::sleep_until(end) => return,
        }
    }
}
