//! Reordering holds back about the configured share of datagrams.

mod common;

use common::{ms, one_way, ping_pair, Echo};
use usctp_sim::{Direction, LinkConfig};

#[test]
fn reorder_rate() {
    const N: u64 = 10_000;
    let (mut sim, p, e, link) = ping_pair(6, LinkConfig::default(), ms(1), N, Echo::silent());
    let ab = sim.link_mut(link).config_mut(Direction::AToB);
    ab.latency = ms(10);
    ab.reorder = 0.1;
    ab.reorder_delay = ms(5);
    sim.run_for(ms(N + 100));
    let arrivals = &sim.node(e).arrivals;
    assert_eq!(arrivals.len() as u64, N, "reordering loses nothing");
    // A datagram is late if one sent after it arrived first.
    let mut max = 0;
    let mut late = 0;
    for a in arrivals {
        if a.seq < max {
            late += 1;
        }
        max = max.max(a.seq);
    }
    // Expected about 1000 (a held-back one is overtaken unless the next five were too).
    assert!((880..=1100).contains(&late), "late {late}");
    let delays = one_way(&sim, p, e);
    let held = delays.iter().filter(|&&d| d == ms(15)).count() as u64;
    assert!(held >= late && delays.iter().all(|&d| d == ms(10) || d == ms(15)));
}
