//! Benchmarks for usctp: see `benches/`.
