//! Congestion control per destination (RFC 9260 §7.2), behind a trait so another algorithm can
//! be plugged in per path.

use core::fmt;

/// What one SACK did to one path, as input to [`CongestionControl::on_ack`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct AckEvent {
    /// Bytes newly acknowledged on this path by the SACK (cumulative ack and gap blocks).
    pub bytes_acked: usize,
    /// Bytes in flight on this path before the SACK was processed.
    pub flight_before: usize,
    /// Bytes in flight on this path after the SACK was processed.
    pub flight_after: usize,
    /// The SACK advanced the Cumulative TSN Ack Point.
    pub cum_advanced: bool,
    /// The path is in Fast Recovery (RFC 9260 §7.2.4).
    pub in_fast_recovery: bool,
}

/// A congestion controller for one destination. Byte counts are DATA payload bytes, the unit
/// the flight size and the peer's window are counted in.
pub(crate) trait CongestionControl: fmt::Debug + Send {
    /// A SACK was processed (called for every path on every SACK, also with no bytes acked).
    fn on_ack(&mut self, ack: &AckEvent);
    /// Fast retransmit on this path while not in Fast Recovery (RFC 9260 §7.2.3).
    fn on_fast_retransmit(&mut self);
    /// T3-rtx expired on this path (RFC 9260 §7.2.3, §6.3.3 E1).
    fn on_timeout(&mut self);
    /// Nothing was sent on this path for an RTO (RFC 9260 §7.2.1).
    fn on_idle(&mut self);
    /// The path MTU changed.
    fn set_mtu(&mut self, mtu: usize);
    /// Start over as on a fresh path: `peer_rwnd` is the peer's initial a_rwnd.
    fn reset(&mut self, mtu: usize, peer_rwnd: u32);
    /// Congestion window, bytes.
    fn cwnd(&self) -> usize;
    /// Slow start threshold, bytes.
    fn ssthresh(&self) -> usize;
}

/// The RFC 9260 §7.2 algorithm: slow start, congestion avoidance with partial_bytes_acked,
/// multiplicative decrease on loss.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Rfc9260Congestion {
    mtu: usize,
    cwnd: usize,
    ssthresh: usize,
    partial_bytes_acked: usize,
}

impl Rfc9260Congestion {
    /// A path before any data transmission (RFC 9260 §7.2.1).
    pub(super) fn new(mtu: usize, peer_rwnd: u32) -> Self {
        let mtu = mtu.max(1);
        Self {
            mtu,
            cwnd: initial_cwnd(mtu),
            // RFC 9260 §7.2.1: the initial ssthresh SHOULD be the peer's a_rwnd.
            ssthresh: peer_rwnd as usize,
            partial_bytes_acked: 0,
        }
    }

    /// partial_bytes_acked (RFC 9260 §7.2.2).
    #[cfg(test)]
    pub(super) fn partial_bytes_acked(&self) -> usize {
        self.partial_bytes_acked
    }

    /// RFC 9260 §7.2.3: ssthresh = max(cwnd/2, 4*MTU).
    fn cut_ssthresh(&mut self) {
        self.ssthresh = (self.cwnd / 2).max(4 * self.mtu);
        self.partial_bytes_acked = 0;
    }
}

/// RFC 9260 §7.2.1: min(4*MTU, max(2*MTU, 4404)).
pub(super) fn initial_cwnd(mtu: usize) -> usize {
    (4 * mtu).min((2 * mtu).max(4404))
}

impl CongestionControl for Rfc9260Congestion {
    fn on_ack(&mut self, ack: &AckEvent) {
        if self.cwnd <= self.ssthresh {
            // RFC 9260 §7.2.1: slow start only when the window was fully used, the SACK
            // advanced the cumulative ack, and not in Fast Recovery; by at most one MTU.
            if ack.cum_advanced && !ack.in_fast_recovery && ack.flight_before >= self.cwnd {
                self.cwnd += ack.bytes_acked.min(self.mtu);
            }
        } else {
            // RFC 9260 §7.2.2: congestion avoidance, one MTU per cwnd of acked bytes.
            self.partial_bytes_acked += ack.bytes_acked;
            if self.partial_bytes_acked >= self.cwnd {
                if ack.flight_before >= self.cwnd {
                    self.partial_bytes_acked -= self.cwnd;
                    self.cwnd += self.mtu;
                } else {
                    self.partial_bytes_acked = self.cwnd;
                }
            }
        }
        // RFC 9260 §7.2.2: all data acknowledged resets partial_bytes_acked.
        if ack.flight_after == 0 {
            self.partial_bytes_acked = 0;
        }
    }

    fn on_fast_retransmit(&mut self) {
        self.cut_ssthresh();
        self.cwnd = self.ssthresh;
    }

    fn on_timeout(&mut self) {
        self.cut_ssthresh();
        // RFC 9260 §7.2.3: cwnd = 1*MTU after a retransmission timeout.
        self.cwnd = self.mtu;
    }

    fn on_idle(&mut self) {
        // RFC 9260 §7.2.1: an idle destination's cwnd SHOULD become max(cwnd/2, 4*MTU) per RTO.
        // Deliberately capped at the current cwnd so idleness never grows the window (the
        // restart window of RFC 5681 §4.1 does the same).
        self.cwnd = self.cwnd.min((self.cwnd / 2).max(4 * self.mtu));
        self.partial_bytes_acked = 0;
    }

    fn set_mtu(&mut self, mtu: usize) {
        self.mtu = mtu.max(1);
        // One packet must always fit.
        self.cwnd = self.cwnd.max(self.mtu);
    }

    fn reset(&mut self, mtu: usize, peer_rwnd: u32) {
        *self = Self::new(mtu, peer_rwnd);
    }

    fn cwnd(&self) -> usize {
        self.cwnd
    }

    fn ssthresh(&self) -> usize {
        self.ssthresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MTU: usize = 1500;

    fn ack(bytes_acked: usize, flight_before: usize) -> AckEvent {
        AckEvent {
            bytes_acked,
            flight_before,
            flight_after: flight_before - bytes_acked,
            cum_advanced: true,
            in_fast_recovery: false,
        }
    }

    #[test]
    fn initial_cwnd_is_min_4mtu_max_2mtu_4404() {
        assert_eq!(initial_cwnd(1500), 4404);
        assert_eq!(initial_cwnd(1000), 4000);
        assert_eq!(initial_cwnd(9000), 18000);
        let cc = Rfc9260Congestion::new(MTU, 65_000);
        assert_eq!((cc.cwnd(), cc.ssthresh()), (4404, 65_000));
    }

    #[test]
    fn slow_start_adds_min_of_acked_and_mtu_when_fully_utilised() {
        let mut cc = Rfc9260Congestion::new(MTU, 100_000);
        cc.on_ack(&ack(1000, 5000));
        assert_eq!(cc.cwnd(), 4404 + 1000);
        cc.on_ack(&ack(3000, 6000));
        assert_eq!(cc.cwnd(), 5404 + MTU);
    }

    #[test]
    fn slow_start_no_growth_when_window_not_fully_used() {
        let mut cc = Rfc9260Congestion::new(MTU, 100_000);
        cc.on_ack(&ack(1000, 4000));
        assert_eq!(cc.cwnd(), 4404);
    }

    #[test]
    fn slow_start_no_growth_without_cum_advance_or_in_fast_recovery() {
        let mut cc = Rfc9260Congestion::new(MTU, 100_000);
        cc.on_ack(&AckEvent {
            cum_advanced: false,
            ..ack(1000, 5000)
        });
        cc.on_ack(&AckEvent {
            in_fast_recovery: true,
            ..ack(1000, 5000)
        });
        assert_eq!(cc.cwnd(), 4404);
    }

    #[test]
    fn congestion_avoidance_adds_one_mtu_per_cwnd_of_partial_bytes_acked() {
        // ssthresh below cwnd: congestion avoidance.
        let mut cc = Rfc9260Congestion::new(MTU, 3000);
        cc.on_ack(&ack(3000, 5000));
        assert_eq!((cc.cwnd(), cc.partial_bytes_acked()), (4404, 3000));
        cc.on_ack(&ack(2000, 5000));
        // 5000 >= 4404 with a full window: pba -= cwnd, cwnd += MTU.
        assert_eq!((cc.cwnd(), cc.partial_bytes_acked()), (5904, 596));
    }

    #[test]
    fn congestion_avoidance_caps_pba_at_cwnd_when_window_not_full() {
        let mut cc = Rfc9260Congestion::new(MTU, 3000);
        cc.on_ack(&ack(4000, 4400));
        cc.on_ack(&ack(1000, 4400));
        assert_eq!((cc.cwnd(), cc.partial_bytes_acked()), (4404, 4404));
    }

    #[test]
    fn partial_bytes_acked_resets_when_all_data_acked() {
        let mut cc = Rfc9260Congestion::new(MTU, 3000);
        cc.on_ack(&AckEvent {
            flight_after: 10,
            ..ack(3000, 5000)
        });
        assert_eq!(cc.partial_bytes_acked(), 3000);
        cc.on_ack(&ack(10, 10));
        assert_eq!(cc.partial_bytes_acked(), 0);
    }

    #[test]
    fn fast_retransmit_halves_to_at_least_4mtu() {
        let mut cc = Rfc9260Congestion::new(MTU, 100_000);
        cc.cwnd = 20_000;
        cc.on_fast_retransmit();
        assert_eq!((cc.cwnd(), cc.ssthresh()), (10_000, 10_000));
        cc.on_fast_retransmit();
        assert_eq!((cc.cwnd(), cc.ssthresh()), (6000, 6000));
    }

    #[test]
    fn timeout_sets_cwnd_to_one_mtu() {
        let mut cc = Rfc9260Congestion::new(MTU, 100_000);
        cc.cwnd = 20_000;
        cc.on_timeout();
        assert_eq!((cc.cwnd(), cc.ssthresh()), (MTU, 10_000));
    }

    #[test]
    fn idle_decays_cwnd_to_max_half_4mtu_never_grows() {
        let mut cc = Rfc9260Congestion::new(MTU, 100_000);
        cc.cwnd = 20_000;
        cc.on_idle();
        assert_eq!(cc.cwnd(), 10_000);
        cc.on_idle();
        assert_eq!(cc.cwnd(), 6000);
        cc.on_idle();
        assert_eq!(cc.cwnd(), 6000);
        cc.on_timeout();
        cc.on_idle();
        assert_eq!(cc.cwnd(), MTU);
    }

    #[test]
    fn mtu_change_keeps_one_packet_and_reset_restarts() {
        let mut cc = Rfc9260Congestion::new(MTU, 100_000);
        cc.on_timeout();
        cc.set_mtu(9000);
        assert_eq!(cc.cwnd(), 9000);
        cc.reset(1200, 777);
        assert_eq!(cc, Rfc9260Congestion::new(1200, 777));
    }
}
