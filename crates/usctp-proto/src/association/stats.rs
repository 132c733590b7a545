//! The public stats snapshot of an association and its paths.

use super::Association;
use crate::path::{AssociationStats, PathStats};

impl Association {
    /// A snapshot of every path (state, SRTT, RTTVAR, RTO, cwnd, ssthresh, flight size,
    /// error count, packets and bytes each way) and of which path is primary and which
    /// carries new data.
    pub fn stats(&self) -> AssociationStats {
        let paths = self
            .paths
            .iter()
            .map(|p| PathStats {
                id: p.id,
                remote: p.remote,
                local: p.local,
                state: p.state,
                srtt: p.rto.srtt(),
                rttvar: p.rto.rttvar(),
                rto: p.rto.rto(),
                cwnd: self.tx.cwnd(p.id),
                ssthresh: self.tx.ssthresh(p.id),
                flight_size: self.tx.outstanding_on(p.id),
                error_count: p.error_count,
                mtu: p.mtu,
                counters: p.counters,
                origin: p.origin,
            })
            .collect();
        AssociationStats {
            primary: self.paths.primary(),
            data_path: self.paths.data_path(),
            error_count: self.assoc_errors,
            outstanding_bytes: self.tx.outstanding_bytes(),
            queued_bytes: self.tx.queued_bytes(),
            peer_rwnd: self.tx.peer_rwnd(),
            extensions: self.extensions,
            abandoned: self.tx.pr_stats(),
            auth: self.auth_stats(),
            paths,
        }
    }
}
