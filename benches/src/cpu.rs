//! CPU time of the calling thread (`CLOCK_THREAD_CPUTIME_ID`): on a shared machine, wall time
//! measures the neighbours as much as the code. Unlike `/proc/thread-self/schedstat`, which
//! advances only at scheduler ticks (4 ms here), the clock is exact to the nanosecond.

use std::time::{Duration, Instant};

/// A CPU-time and wall-time stopwatch.
#[derive(Debug, Clone, Copy)]
pub struct Stopwatch {
    cpu: Option<u64>,
    wall: Instant,
}

/// What a [`Stopwatch`] measured.
#[derive(Debug, Clone, Copy)]
pub struct Elapsed {
    /// CPU time of this thread (wall time where the kernel does not report it).
    pub cpu: Duration,
    /// Wall time.
    pub wall: Duration,
}

fn thread_cpu_ns() -> Option<u64> {
    use nix::time::{clock_gettime, ClockId};
    let t = clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID).ok()?;
    let ns = i128::from(t.tv_sec()) * 1_000_000_000 + i128::from(t.tv_nsec());
    u64::try_from(ns).ok()
}

impl Stopwatch {
    /// Start now.
    pub fn start() -> Self {
        Self {
            cpu: thread_cpu_ns(),
            wall: Instant::now(),
        }
    }

    /// Time since [`Stopwatch::start`].
    pub fn elapsed(&self) -> Elapsed {
        let wall = self.wall.elapsed();
        let cpu = match (self.cpu, thread_cpu_ns()) {
            (Some(a), Some(b)) if b > a => Duration::from_nanos(b - a),
            _ => wall,
        };
        Elapsed { cpu, wall }
    }
}
