//! What one link direction does to a datagram: MTU, queue, loss, duplication, delay.

use std::collections::VecDeque;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::Rng;

use crate::{DropReason, LinkConfig, Stats};

/// The fate of a datagram entering a link direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admit {
    Drop(DropReason),
    /// Deliver at `at`, and a duplicate at `copy_at`.
    Deliver {
        at: Duration,
        copy_at: Option<Duration>,
    },
}

#[derive(Debug)]
pub(crate) struct DirState {
    pub(crate) config: LinkConfig,
    pub(crate) stats: Stats,
    /// Gilbert-Elliott state.
    bad: bool,
    /// (serialisation end, wire bytes) of datagrams in the bandwidth queue.
    queue: VecDeque<(Duration, usize)>,
    queued_bytes: usize,
    busy_until: Duration,
    /// Arrival time of the last datagram not picked for reordering: jitter keeps FIFO.
    last_in_order: Duration,
}

/// A Bernoulli draw that tolerates any `p` (NaN and `<= 0` never, `>= 1` always) and
/// consumes no randomness when the feature is off.
fn chance(rng: &mut StdRng, p: f64) -> bool {
    p > 0.0 && (p >= 1.0 || rng.gen::<f64>() < p)
}

impl DirState {
    pub(crate) fn new(config: LinkConfig) -> Self {
        Self {
            config,
            stats: Stats::default(),
            bad: false,
            queue: VecDeque::new(),
            queued_bytes: 0,
            busy_until: Duration::ZERO,
            last_in_order: Duration::ZERO,
        }
    }

    /// Decide the fate of a datagram of `wire_len` bytes entering at `now`; a `fragmentable`
    /// one (IPv4 without DF) passes a smaller MTU, as its fragments would.
    pub(crate) fn admit(
        &mut self,
        now: Duration,
        wire_len: usize,
        fragmentable: bool,
        rng: &mut StdRng,
    ) -> Admit {
        if !fragmentable && self.config.mtu.is_some_and(|mtu| wire_len > mtu) {
            return Admit::Drop(DropReason::Mtu);
        }
        let Some(ready) = self.enqueue(now, wire_len) else {
            return Admit::Drop(DropReason::QueueFull);
        };
        if chance(rng, self.config.loss) {
            return Admit::Drop(DropReason::RandomLoss);
        }
        if self.burst_lost(rng) {
            return Admit::Drop(DropReason::BurstLoss);
        }
        let at = self.arrival(ready, rng);
        let copy_at = chance(rng, self.config.duplicate).then(|| self.arrival(ready, rng));
        Admit::Deliver { at, copy_at }
    }

    /// Put the datagram in the bandwidth FIFO; returns when its last bit has left, or
    /// `None` if the queue is full (tail drop).
    fn enqueue(&mut self, now: Duration, wire_len: usize) -> Option<Duration> {
        let bps = match self.config.bandwidth_bps {
            Some(bps) if bps > 0 => bps,
            _ => return Some(now),
        };
        while let Some(&(end, len)) = self.queue.front() {
            if end > now {
                break;
            }
            self.queue.pop_front();
            self.queued_bytes -= len;
        }
        if self.queued_bytes + wire_len > self.config.queue_limit {
            return None;
        }
        let nanos = (wire_len as u128 * 8 * 1_000_000_000).div_ceil(u128::from(bps));
        let tx = Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX));
        let end = self.busy_until.max(now) + tx;
        self.busy_until = end;
        self.queue.push_back((end, wire_len));
        self.queued_bytes += wire_len;
        Some(end)
    }

    fn burst_lost(&mut self, rng: &mut StdRng) -> bool {
        let Some(ge) = self.config.burst_loss else {
            return false;
        };
        let flip = if self.bad {
            ge.p_bad_to_good
        } else {
            ge.p_good_to_bad
        };
        if chance(rng, flip) {
            self.bad = !self.bad;
        }
        chance(rng, if self.bad { ge.loss_bad } else { ge.loss_good })
    }

    /// Arrival time of a datagram whose last bit left at `ready`.
    fn arrival(&mut self, ready: Duration, rng: &mut StdRng) -> Duration {
        let c = &self.config;
        let jitter = match u64::try_from(c.jitter.as_nanos()) {
            Ok(0) => Duration::ZERO,
            Ok(max) => Duration::from_nanos(rng.gen_range(0..=max)),
            Err(_) => c.jitter,
        };
        let at = ready + c.latency + jitter;
        if chance(rng, c.reorder) {
            return at + c.reorder_delay;
        }
        let at = at.max(self.last_in_order);
        self.last_in_order = at;
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn serialisation_and_tail_drop() {
        let config = LinkConfig {
            bandwidth_bps: Some(1_000_000),
            queue_limit: 2500,
            ..LinkConfig::default()
        };
        let mut d = DirState::new(config);
        let mut rng = StdRng::seed_from_u64(0);
        // 1250 bytes at 1 Mbit/s take 10 ms each.
        assert_eq!(
            d.admit(ms(0), 1250, false, &mut rng),
            Admit::Deliver {
                at: ms(10),
                copy_at: None
            }
        );
        assert_eq!(
            d.admit(ms(0), 1250, false, &mut rng),
            Admit::Deliver {
                at: ms(20),
                copy_at: None
            }
        );
        assert_eq!(
            d.admit(ms(0), 1250, false, &mut rng),
            Admit::Drop(DropReason::QueueFull)
        );
        // The first one has left by 10 ms, so there is room again.
        assert_eq!(
            d.admit(ms(10), 1250, false, &mut rng),
            Admit::Deliver {
                at: ms(30),
                copy_at: None
            }
        );
    }

    #[test]
    fn mtu_is_inclusive() {
        let mut d = DirState::new(LinkConfig::default());
        let mut rng = StdRng::seed_from_u64(0);
        assert!(matches!(
            d.admit(ms(0), 1500, false, &mut rng),
            Admit::Deliver { .. }
        ));
        assert_eq!(
            d.admit(ms(0), 1501, false, &mut rng),
            Admit::Drop(DropReason::Mtu)
        );
    }

    #[test]
    fn odd_probabilities_do_not_panic() {
        let config = LinkConfig {
            loss: f64::NAN,
            duplicate: 2.0,
            ..LinkConfig::default()
        };
        let mut d = DirState::new(config);
        let mut rng = StdRng::seed_from_u64(0);
        let got = d.admit(ms(0), 100, false, &mut rng);
        assert_eq!(
            got,
            Admit::Deliver {
                at: ms(0),
                copy_at: Some(ms(0))
            }
        );
    }
}
