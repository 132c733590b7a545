//! Per-direction link behaviour.

use std::time::Duration;

/// How one direction of a link treats datagrams. Change it at any time with
/// [`Link::config_mut`](crate::Link::config_mut); packets already in flight keep the delay
/// they were given.
///
/// A datagram entering the link goes through, in order: link down, MTU, bandwidth queue
/// (tail drop), random loss, burst loss, duplication, delay. Probabilities outside `0..=1`
/// act as clamped (`<= 0` never, `>= 1` always).
#[derive(Debug, Clone, PartialEq)]
pub struct LinkConfig {
    /// Fixed one-way propagation delay.
    pub latency: Duration,
    /// Extra delay drawn uniformly from `0..=jitter` per datagram. Jitter never reorders:
    /// a datagram is never delivered before one that entered the link ahead of it (unless
    /// that one was picked for reordering).
    pub jitter: Duration,
    /// Probability that a datagram is lost, independently of the others.
    pub loss: f64,
    /// Correlated (burst) loss, on top of `loss`.
    pub burst_loss: Option<GilbertElliott>,
    /// Probability that a datagram is held back by `reorder_delay`, letting later ones
    /// overtake it. This is the only source of reordering.
    pub reorder: f64,
    /// Extra delay of a datagram picked for reordering.
    pub reorder_delay: Duration,
    /// Probability that a datagram is delivered twice (the copy gets its own jitter).
    pub duplicate: f64,
    /// Largest datagram on the wire, IP and UDP headers included; larger ones are dropped.
    /// `None` is unlimited.
    pub mtu: Option<usize>,
    /// Bottleneck rate in bits per second, which adds serialisation delay behind a FIFO
    /// queue. `None` (or 0) is unlimited.
    pub bandwidth_bps: Option<u64>,
    /// Bytes (wire size) the bandwidth queue holds, the datagram being serialised included;
    /// a datagram that does not fit is tail-dropped. Only used with `bandwidth_bps`.
    pub queue_limit: usize,
}

impl Default for LinkConfig {
    /// A perfect link: no delay, no loss, MTU 1500, unlimited bandwidth, 64 KiB queue.
    fn default() -> Self {
        Self {
            latency: Duration::ZERO,
            jitter: Duration::ZERO,
            loss: 0.0,
            burst_loss: None,
            reorder: 0.0,
            reorder_delay: Duration::ZERO,
            duplicate: 0.0,
            mtu: Some(1500),
            bandwidth_bps: None,
            queue_limit: 64 * 1024,
        }
    }
}

impl LinkConfig {
    /// The default link with the given one-way latency.
    pub fn with_latency(latency: Duration) -> Self {
        Self {
            latency,
            ..Self::default()
        }
    }
}

/// Gilbert-Elliott two-state loss model. The state changes before each datagram, then the
/// datagram is lost with the loss probability of the current state.
///
/// Mean burst length (in datagrams, with `loss_bad = 1`) is `1 / p_bad_to_good`; the share
/// of time in the bad state is `p_good_to_bad / (p_good_to_bad + p_bad_to_good)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GilbertElliott {
    /// Probability of moving from the good to the bad state.
    pub p_good_to_bad: f64,
    /// Probability of moving from the bad to the good state.
    pub p_bad_to_good: f64,
    /// Loss probability in the good state (often 0).
    pub loss_good: f64,
    /// Loss probability in the bad state (often 1).
    pub loss_bad: f64,
}

impl GilbertElliott {
    /// Bursts with everything lost in the bad state and nothing in the good one.
    pub fn bursts(p_good_to_bad: f64, p_bad_to_good: f64) -> Self {
        Self {
            p_good_to_bad,
            p_bad_to_good,
            loss_good: 0.0,
            loss_bad: 1.0,
        }
    }
}
