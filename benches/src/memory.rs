//! Heap held per idle association. The bench binary installs a counting global allocator
//! and passes its reading in as `heap`.

use crate::handshake;
use crate::link::PairConfig;

/// Heap bytes per association held by a usctp server endpoint after `count` handshakes with
/// `paths` confirmed paths each (the clients are gone; the endpoint's maps are included).
pub fn usctp(heap: &dyn Fn() -> usize, count: u32, paths: u8) -> f64 {
    let cfg = PairConfig::default();
    let before = heap();
    let s = handshake::usctp(&cfg, count, paths);
    assert_eq!(s.server.association_count(), count as usize);
    let after = heap();
    drop(s);
    after.saturating_sub(before) as f64 / f64::from(count)
}

/// The same for sctp-proto (one path: it has no multihoming).
pub fn sctp_proto(heap: &dyn Fn() -> usize, count: u32) -> f64 {
    let cfg = PairConfig::default();
    let before = heap();
    let s = handshake::sctp_proto(&cfg, count);
    let held = s.associations.len().max(1) as f64;
    let after = heap();
    drop(s);
    after.saturating_sub(before) as f64 / held
}
