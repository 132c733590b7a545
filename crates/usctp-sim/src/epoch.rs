//! The base instant of deterministic runs.

use std::time::Instant;

/// An origin for virtual time: the simulator, the fuzz harnesses and the core's unit tests
/// take their base instant from here and derive every later time from it. It is the one
/// clock read of the deterministic code (any instant will do; runs work in offsets from it),
/// so the sans-IO core itself never reads the clock, not even in its tests.
#[allow(clippy::disallowed_methods)]
pub fn epoch() -> Instant {
    Instant::now()
}
