//! Retransmission timeout per destination (RFC 9260 §6.3).

use std::time::Duration;

/// SRTT/RTTVAR/RTO of one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtoEstimator {
    srtt: Option<Duration>,
    rttvar: Duration,
    rto: Duration,
    min: Duration,
    max: Duration,
}

/// Clock granularity G of RFC 9260 §6.3.1: a floor for RTTVAR's contribution.
const GRANULARITY: Duration = Duration::from_millis(1);

impl RtoEstimator {
    /// A path with no measurement yet: RTO = RTO.Initial (RFC 9260 §6.3.1 C1).
    pub fn new(initial: Duration, min: Duration, max: Duration) -> Self {
        Self {
            srtt: None,
            rttvar: Duration::ZERO,
            rto: initial.clamp(min, max),
            min,
            max,
        }
    }

    /// The current RTO.
    pub fn rto(&self) -> Duration {
        self.rto
    }

    /// Smoothed RTT, once measured.
    pub fn srtt(&self) -> Option<Duration> {
        self.srtt
    }

    /// RTT variation.
    pub fn rttvar(&self) -> Duration {
        self.rttvar
    }

    /// Take an RTT measurement R (RFC 9260 §6.3.1 C2, C3; α = 1/8, β = 1/4).
    pub fn on_rtt(&mut self, r: Duration) {
        match self.srtt {
            None => {
                self.srtt = Some(r);
                self.rttvar = r / 2;
            }
            Some(srtt) => {
                let delta = srtt.abs_diff(r);
                self.rttvar = self.rttvar * 3 / 4 + delta / 4;
                self.srtt = Some(srtt * 7 / 8 + r / 8);
            }
        }
        let srtt = self.srtt.unwrap_or(r);
        // RFC 9260 §6.3.1 C3: a zero RTTVAR is raised to the clock granularity G.
        self.rto = (srtt + (self.rttvar * 4).max(GRANULARITY)).clamp(self.min, self.max);
    }

    /// Double the RTO after a timeout, up to RTO.Max (RFC 9260 §6.3.3 E2).
    pub fn back_off(&mut self) {
        self.rto = (self.rto * 2).min(self.max);
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
}
