//! The SCTP test kit: usctp's sans-IO endpoints on the network simulator (`usctp-sim`, which
//! knows nothing of SCTP). [`SctpNode`] runs an endpoint as a simulator node; the transfer
//! and failover runners drive whole scenarios and check them end to end; [`fuzzing`] holds
//! the harnesses of the fuzz targets and the adversarial peer. The protocol's scenario and
//! conformance tests live in this crate's `tests/`.
#![forbid(unsafe_code)]

mod failover;
#[doc(hidden)]
pub mod fuzzing;
mod run_error;
mod sctp;
mod transfer;

pub use failover::{
    run_failover, run_failover_with, AddressChange, Cut, EventRecord, FailoverReport, FailoverSpec,
    Side,
};
pub use run_error::RunError;
pub use sctp::SctpNode;
pub use transfer::{run_transfer, BlackHole, PrPolicy, TransferReport, TransferSpec};
