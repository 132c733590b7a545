//! The base instant of the unit tests.

use std::time::Instant;

/// An origin for the unit tests' times: read once per test, every later time derived from
/// it, so the code under test never reads the clock (the sans-IO rule holds in tests too).
#[allow(clippy::disallowed_methods)]
pub(crate) fn epoch() -> Instant {
    Instant::now()
}
