//! Two hosts with several addresses each, one link per address pair: every path keeps its
//! own latency, counters and failures.

mod common;

use common::{ms, v4, v6, Echo, Pinger};
use usctp_sim::{Addr, Direction, LinkConfig, Sim};

#[test]
fn paths_are_independent() {
    let mut sim = Sim::new(15);
    let (a1, a2, a3) = (v4(0, 1), v4(1, 1), v6(1));
    let (b1, b2, b3) = (v4(0, 2), v4(1, 2), v6(2));
    let mut pinger = Pinger::new(sim.now(), Addr::raw(a1), Addr::raw(b1), ms(100), 20);
    pinger.paths.push((Addr::raw(a2), Addr::raw(b2)));
    pinger
        .paths
        .push((Addr::udp(a3, 9899), Addr::udp(b3, 9899)));
    pinger.paths.push((Addr::raw(a1), Addr::raw(b2))); // no such link
    let p = sim.add_node(pinger, [a1, a2, a3]);
    let e = sim.add_node(Echo::default(), [b1, b2, b3]);
    assert_eq!(sim.addresses(p.host()), [a1, a2, a3]);
    assert_eq!(sim.host_of(b3), Some(e.host()));
    let l1 = sim.add_link(a1, b1, LinkConfig::with_latency(ms(10)));
    let l2 = sim.add_link(a2, b2, LinkConfig::with_latency(ms(40)));
    let l3 = sim.add_link(b3, a3, LinkConfig::with_latency(ms(20)));
    assert_eq!(sim.link_between(b2, a2), Some(l2));
    assert_eq!(sim.link_between(a1, b2), None);
    // The second path fails for good after 1 s; the others must not notice.
    sim.link_mut(l2).down_at(ms(1000));
    sim.run_for(ms(3000));

    let pinger = sim.node(p);
    let rtts = |from: Addr| -> Vec<_> {
        let replies = pinger.replies.iter().filter(|r| r.src == from);
        replies.map(|r| pinger.rtt(r)).collect()
    };
    assert_eq!(rtts(Addr::raw(b1)), vec![ms(20); 20]);
    assert_eq!(rtts(Addr::raw(b2)), vec![ms(80); 10]);
    assert_eq!(rtts(Addr::udp(b3, 9899)), vec![ms(40); 20]);
    assert!(pinger
        .replies
        .iter()
        .all(|r| pinger.paths.contains(&(r.dst, r.src))));

    let sent = |l, from| {
        sim.link(l)
            .stats(sim.link(l).direction_from(from).expect("end"))
            .sent
    };
    assert_eq!((sent(l1, a1), sent(l2, a2), sent(l3, a3)), (20, 20, 20));
    assert_eq!(sim.link(l2).stats(Direction::AToB).dropped.link_down, 10);
    assert_eq!(
        sim.link(l3).stats(Direction::BToA).delivered,
        20,
        "a3 -> b3 is B to A"
    );
    assert_eq!(sim.stats().dropped.no_route, 20);
}
