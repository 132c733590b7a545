//! The multihoming path manager: per-destination state, RTO, error counting, failover.

mod destination;
mod heartbeat;
mod icmp;
mod local;
mod manager;
mod plpmtud;
mod rto;
mod stats;

pub use destination::PathCounters;
pub(crate) use local::{nearer, select_local};
pub(crate) use manager::PathManager;
pub(crate) use plpmtud::{Phase as PmtuPhase, Plpmtud, BASE_PLPMTU};
pub(crate) use rto::RtoEstimator;
pub use stats::{AssociationStats, PathOrigin, PathStats};

/// Index of a path (a peer transport address) within one association.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PathId(pub u16);
