//! CPU time of the calling thread, from `/proc/thread-self/schedstat` (nanoseconds on the CPU):
//! on a shared machine, wall time measures the neighbours as much as the code.

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
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
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
