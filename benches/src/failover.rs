//! Failover on the simulator: the primary path is cut under constant-rate echo traffic.

use std::time::Duration;

use usctp_testkit::{run_failover, Cut, FailoverSpec};

/// What one failover run measured.
#[derive(Debug, Clone, Copy)]
pub struct FailoverResult {
    /// Longest time from sending a message to receiving its echo.
    pub max_latency: Duration,
    /// Time from the cut to the first echo of a message sent after it: the goodput dip (no
    /// echo arrives in between).
    pub gap: Duration,
    /// Messages lost (must be 0).
    pub lost: usize,
}

/// Two paths, 20 ms RTT, 100 messages/s of 1200 bytes for 10 s; path 0 cut at 3 s for good.
pub fn run(seed: u64) -> FailoverResult {
    let spec = FailoverSpec {
        seed,
        size: 1200,
        cuts: vec![Cut {
            path: 0,
            from: Duration::from_secs(3),
            until: None,
        }],
        ..FailoverSpec::default()
    };
    let r = run_failover(&spec);
    FailoverResult {
        max_latency: r.max_latency,
        gap: r.failover.unwrap_or_default(),
        lost: r.lost,
    }
}
