//! The multihoming path manager: per-destination state, RTO, error counting, failover.

mod destination;
mod manager;
mod rto;

pub use destination::{Path, PathCounters};
pub use manager::PathManager;
pub use rto::RtoEstimator;

/// Index of a path (a peer transport address) within one association.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PathId(pub u16);
