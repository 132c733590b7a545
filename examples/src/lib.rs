//! Example programs for usctp; see the `examples/` targets. The logic they share lives here so
//! that tests can call it.

pub mod zoo;
