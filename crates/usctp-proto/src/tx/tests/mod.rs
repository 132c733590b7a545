//! Sender tests, one file per topic, named after the RFC rule they check.

mod abandon;
mod fast_retransmit;
mod immediate;
mod proptests;
mod queueing;
mod sack;
mod t3;
mod window;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use usctp_wire::chunk::{Data, GapBlock, Sack};
use usctp_wire::{StreamId, Tsn};

use super::{AckEvent, CongestionControl, SendOptions, Sender};
use crate::config::AssociationConfig;
use crate::path::PathId;

pub(super) const P0: PathId = PathId(0);
pub(super) const P1: PathId = PathId(1);
pub(super) const MTU: usize = 1500;
/// Initial TSN close to the wrap, so every test also crosses 2^32.
pub(super) const ITSN: u32 = u32::MAX - 2;

pub(super) fn t0() -> Instant {
    crate::test_epoch::epoch()
}

pub(super) fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// TSN `i` of the test (0 = the initial TSN).
pub(super) fn tsn(i: u32) -> Tsn {
    Tsn(ITSN).add(i)
}

/// A sender with path P0, the default config and a large peer window.
pub(super) fn sender() -> Sender {
    sender_rwnd(100_000)
}

pub(super) fn sender_rwnd(rwnd: u32) -> Sender {
    let mut s = Sender::new(Tsn(ITSN), 4, rwnd, &AssociationConfig::default());
    s.add_path(P0, MTU);
    s
}

pub(super) fn push(s: &mut Sender, n: usize, len: usize) {
    for _ in 0..n {
        let m = Bytes::from(vec![7; len]);
        assert_eq!(s.push(m, &SendOptions::new(0).ppid(1)), Ok(()));
    }
}

/// Send everything the windows allow on `path`.
pub(super) fn send_all(s: &mut Sender, now: Instant, path: PathId) -> Vec<Data> {
    std::iter::from_fn(|| s.next_chunk(now, path, 1000)).collect()
}

/// Test TSN indexes of chunks.
pub(super) fn idx(chunks: &[Data]) -> Vec<u32> {
    chunks
        .iter()
        .map(|d| Tsn(ITSN).distance_to(d.tsn) as u32)
        .collect()
}

/// SACK with cum ack = test TSN `cum` (`-1` = nothing acked) and gap offsets.
pub(super) fn sack(cum: i64, gaps: &[(u16, u16)], a_rwnd: u32) -> Sack {
    Sack {
        cum_tsn_ack: Tsn(ITSN.wrapping_add(cum as u32)),
        a_rwnd,
        gap_blocks: gaps
            .iter()
            .map(|&(start, end)| GapBlock { start, end })
            .collect(),
        dup_tsns: vec![],
    }
}

/// A congestion controller whose cwnd the test sets and which counts window cuts.
#[derive(Debug, Default)]
pub(super) struct Script {
    pub cwnd: AtomicUsize,
    pub fast_retransmits: AtomicUsize,
}

#[derive(Debug)]
pub(super) struct ScriptedCc(pub Arc<Script>);

impl CongestionControl for ScriptedCc {
    fn on_ack(&mut self, _: &AckEvent) {}
    fn on_fast_retransmit(&mut self) {
        self.0.fast_retransmits.fetch_add(1, Ordering::Relaxed);
    }
    fn on_timeout(&mut self) {}
    fn on_idle(&mut self) {}
    fn set_mtu(&mut self, _: usize) {}
    fn reset(&mut self, _: usize, _: u32) {}
    fn cwnd(&self) -> usize {
        self.0.cwnd.load(Ordering::Relaxed)
    }
    fn ssthresh(&self) -> usize {
        0
    }
}

pub(super) fn scripted(cwnd: usize) -> (Sender, Arc<Script>) {
    let c = Arc::new(Script::default());
    c.cwnd.store(cwnd, Ordering::Relaxed);
    let mut s = Sender::new(Tsn(ITSN), 4, 100_000, &AssociationConfig::default());
    s.add_path_with(P0, MTU, Box::new(ScriptedCc(c.clone())));
    (s, c)
}
