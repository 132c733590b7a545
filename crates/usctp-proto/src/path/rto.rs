//! Retransmission timeout per destination (RFC 9260 §6.3).

use std::time::Duration;

/// SRTT/RTTVAR/RTO of one path, in whole microseconds: 24 bytes instead of 80 as
/// `Duration`s, on every path of every association (idle ones are counted by the hundred
/// thousand). Values saturate at about 71 minutes, far above any RTO.Max in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RtoEstimator {
    /// `NO_SRTT` until the first measurement.
    srtt: u32,
    rttvar: u32,
    rto: u32,
    min: u32,
    max: u32,
}

/// Clock granularity G of RFC 9260 §6.3.1: a floor for RTTVAR's contribution (µs).
const GRANULARITY: u64 = 1000;

const NO_SRTT: u32 = u32::MAX;

fn micros(d: Duration) -> u32 {
    // Never NO_SRTT: the largest value kept is one below it.
    u32::try_from(d.as_micros()).map_or(NO_SRTT - 1, |us| us.min(NO_SRTT - 1))
}

fn duration(us: u32) -> Duration {
    Duration::from_micros(u64::from(us))
}

impl RtoEstimator {
    /// A path with no measurement yet: RTO = RTO.Initial (RFC 9260 §6.3.1 C1).
    pub(crate) fn new(initial: Duration, min: Duration, max: Duration) -> Self {
        let min = micros(min);
        let max = micros(max).max(min);
        Self {
            srtt: NO_SRTT,
            rttvar: 0,
            rto: micros(initial).clamp(min, max),
            min,
            max,
        }
    }

    /// The current RTO.
    pub(crate) fn rto(&self) -> Duration {
        duration(self.rto)
    }

    /// Smoothed RTT, once measured.
    pub(crate) fn srtt(&self) -> Option<Duration> {
        (self.srtt != NO_SRTT).then(|| duration(self.srtt))
    }

    /// RTT variation.
    pub(crate) fn rttvar(&self) -> Duration {
        duration(self.rttvar)
    }

    /// Take an RTT measurement R (RFC 9260 §6.3.1 C2, C3; α = 1/8, β = 1/4).
    pub(crate) fn on_rtt(&mut self, r: Duration) {
        let r = u64::from(micros(r));
        let (srtt, rttvar) = if self.srtt == NO_SRTT {
            (r, r / 2)
        } else {
            let (srtt, rttvar) = (u64::from(self.srtt), u64::from(self.rttvar));
            let delta = srtt.abs_diff(r);
            (srtt * 7 / 8 + r / 8, rttvar * 3 / 4 + delta / 4)
        };
        // Both stay below NO_SRTT: averages of values that are.
        self.srtt = u32::try_from(srtt).unwrap_or(NO_SRTT - 1);
        self.rttvar = u32::try_from(rttvar).unwrap_or(NO_SRTT - 1);
        // RFC 9260 §6.3.1 C3: a zero RTTVAR is raised to the clock granularity G.
        let rto = srtt + (rttvar * 4).max(GRANULARITY);
        let rto = rto.clamp(u64::from(self.min), u64::from(self.max));
        self.rto = u32::try_from(rto).unwrap_or(self.max);
    }

    /// Double the RTO after a timeout, up to RTO.Max (RFC 9260 §6.3.3 E2).
    pub(crate) fn back_off(&mut self) {
        self.rto = self.rto.saturating_mul(2).min(self.max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn first_and_later_measurements() {
        let mut e = RtoEstimator::new(1000 * MS, 100 * MS, 60_000 * MS);
        assert_eq!(e.rto(), 1000 * MS);
        e.on_rtt(200 * MS); // SRTT 200, RTTVAR 100, RTO 600
        assert_eq!(
            (e.srtt(), e.rttvar(), e.rto()),
            (Some(200 * MS), 100 * MS, 600 * MS)
        );
        e.on_rtt(100 * MS); // RTTVAR 75+25=100, SRTT 175+12.5
        assert_eq!(e.rttvar(), 100 * MS);
        assert_eq!(e.srtt(), Some(Duration::from_micros(187_500)));
        assert_eq!(e.rto(), Duration::from_micros(587_500));
    }

    #[test]
    fn clamps_and_backs_off() {
        let mut e = RtoEstimator::new(1000 * MS, 1000 * MS, 4000 * MS);
        e.on_rtt(MS);
        assert_eq!(e.rto(), 1000 * MS);
        e.back_off();
        e.back_off();
        e.back_off();
        assert_eq!(e.rto(), 4000 * MS);
    }

    #[test]
    fn a_minimum_above_the_maximum_wins() {
        let mut e = RtoEstimator::new(1000 * MS, 5000 * MS, 100 * MS);
        assert_eq!(e.rto(), 5000 * MS);
        e.back_off();
        e.on_rtt(MS);
        assert_eq!(e.rto(), 5000 * MS);
    }
}
