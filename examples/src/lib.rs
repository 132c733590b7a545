//! Example programs for usctp; see the `examples/` and `src/bin/` targets.
