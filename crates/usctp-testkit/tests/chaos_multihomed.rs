//! Property test: two or three paths, each cut and restored at random times (never all of
//! them at once: with every path down the association may rightly fail, RFC 9260 §8.1),
//! light random loss, and in half the seeds addresses deleted and added back on either side
//! by ASCONF (RFC 5061; a deleted address counts as an outage of its path): every message is
//! delivered and echoed exactly once, nothing panics, and the association closes gracefully. `USCTP_SEEDS=N` runs more
//! seeds (the long run is 10,000), `USCTP_SEED_START` shifts them.
#![allow(clippy::unwrap_used)] // tests: a failure should panic

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use usctp_proto::{Event, Extensions};
use usctp_testkit::{run_failover, AddressChange, Cut, FailoverSpec, Side};

const STEP: u64 = 100; // ms

/// Whether every path is down at `t` (ms).
fn all_down(cuts: &[Cut], paths: usize, t: u64) -> bool {
    let t = Duration::from_millis(t);
    (0..paths).all(|p| {
        cuts.iter()
            .any(|c| c.path == p && c.from <= t && c.until.is_none_or(|u| t < u))
    })
}

fn spec(seed: u64) -> FailoverSpec {
    let mut rng = StdRng::seed_from_u64(seed);
    let paths = rng.gen_range(2..=3);
    let duration_ms = rng.gen_range(3_000..8_000u64);
    let ipv6_paths = if rng.gen_bool(0.3) { vec![1] } else { vec![] };
    let mut cuts: Vec<Cut> = Vec::new();
    // Address changes; `outages` holds them and the cuts, for the total-outage check.
    let mut changes: Vec<AddressChange> = Vec::new();
    let mut outages: Vec<Cut> = Vec::new();
    let with_changes = rng.gen_bool(0.5);
    for _ in 0..rng.gen_range(1..=5) {
        let from = rng.gen_range(0..duration_ms) / STEP * STEP;
        let len = rng.gen_range(1..40) * STEP;
        let cut = Cut {
            path: rng.gen_range(0..paths),
            from: Duration::from_millis(from),
            until: Some(Duration::from_millis(from + len)),
        };
        // An address change instead: IPv4 only (an IPv6 path has no other address of its
        // family to move to), one per side at a time.
        let change =
            (with_changes && rng.gen_bool(0.5) && !ipv6_paths.contains(&cut.path)).then(|| {
                AddressChange {
                    side: if rng.gen_bool(0.5) {
                        Side::Client
                    } else {
                        Side::Server
                    },
                    path: cut.path,
                    from: cut.from,
                    until: cut.until,
                }
            });
        let busy_side = change.is_some_and(|c| {
            changes.iter().any(|o| {
                o.side == c.side
                    && o.from <= c.until.unwrap_or(o.from)
                    && c.from <= o.until.unwrap_or(c.from)
            })
        });
        if busy_side {
            continue;
        }
        // One outage per path at a time (link schedules do not nest).
        let overlaps = outages.iter().any(|c| {
            c.path == cut.path
                && c.from <= cut.until.unwrap_or(c.from)
                && cut.from <= c.until.unwrap_or(cut.from)
        });
        if overlaps {
            continue;
        }
        outages.push(cut);
        let total_outage = (0..duration_ms + 4000)
            .step_by(STEP as usize)
            .any(|t| all_down(&outages, paths, t));
        if total_outage {
            outages.pop();
        } else if let Some(c) = change {
            changes.push(c);
        } else {
            cuts.push(cut);
        }
    }
    let mut s = FailoverSpec {
        seed,
        rtt: Duration::from_millis(rng.gen_range(2..80)),
        paths,
        ipv6_paths,
        rate: rng.gen_range(20..200),
        size: rng.gen_range(8..1400),
        duration: Duration::from_millis(duration_ms),
        cuts,
        address_changes: changes,
        loss: if rng.gen_bool(0.5) {
            rng.gen_range(0.0..0.03)
        } else {
            0.0
        },
        ..FailoverSpec::default()
    };
    s.assoc.rto_min = Duration::from_millis(rng.gen_range(50..300));
    s.assoc.rto_initial = s.assoc.rto_min * 2;
    s.assoc.rto_max = Duration::from_millis(rng.gen_range(1_000..4_000));
    s.assoc.hb_interval = Some(Duration::from_millis(rng.gen_range(500..5_000)));
    s.assoc.pf_max_retrans = [None, Some(0), Some(1), Some(2)][rng.gen_range(0..4)];
    s.assoc.primary_switch_back = rng.gen_bool(0.7);
    s.assoc.path_max_retrans = rng.gen_range(1..6);
    s.assoc.assoc_max_retrans = 10 + s.assoc.path_max_retrans;
    if with_changes {
        s.assoc.extensions = s.assoc.extensions.with(Extensions::ASCONF);
    }
    s
}

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

#[test]
fn every_message_exactly_once_across_random_cuts() {
    let (seeds, start) = (env("USCTP_SEEDS", 300), env("USCTP_SEED_START", 0));
    let (mut removed, mut done) = (0, 0);
    for seed in start..start + seeds {
        let s = spec(seed);
        let r = run_failover(&s);
        assert!(r.is_clean(), "seed {seed} ({s:?}): {r}");
        for e in &r.events {
            match e.event {
                Event::PathRemoved { .. } => removed += 1,
                Event::AddressRequestDone(_) => done += 1,
                _ => {}
            }
        }
    }
    // The address changes happened: peers removed paths and acknowledged requests.
    println!("{removed} paths removed, {done} address requests acknowledged");
    if seeds >= 50 {
        assert!(removed > 0 && done > removed, "{removed} {done}");
    }
}
