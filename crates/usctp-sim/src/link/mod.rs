//! Links: a path between one address of a host and one address of another.

mod pipeline;

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use crate::{LinkConfig, Stats};
pub(crate) use pipeline::Admit;
use pipeline::DirState;

/// Index of a link in a [`Sim`](crate::Sim).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LinkId(pub usize);

impl fmt::Display for LinkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "link{}", self.0)
    }
}

/// One direction of a link, named by its ends as given to
/// [`Sim::add_link`](crate::Sim::add_link).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From the first address to the second.
    AToB,
    /// From the second address to the first.
    BToA,
}

impl Direction {
    fn index(self) -> usize {
        match self {
            Self::AToB => 0,
            Self::BToA => 1,
        }
    }
}

/// A bidirectional link between two addresses, each direction with its own
/// [`LinkConfig`], state and [`Stats`], and an up/down schedule shared by both.
#[derive(Debug)]
pub struct Link {
    a: IpAddr,
    b: IpAddr,
    dirs: [DirState; 2],
    /// (time, up) in insertion order; the state at `t` is set by the last transition at or
    /// before `t` (a later call wins a tie).
    schedule: Vec<(Duration, bool)>,
}

impl Link {
    pub(crate) fn new(a: IpAddr, b: IpAddr, config: LinkConfig) -> Self {
        let dirs = [DirState::new(config.clone()), DirState::new(config)];
        Self {
            a,
            b,
            dirs,
            schedule: Vec::new(),
        }
    }

    /// The two addresses, in the order given to `add_link`.
    pub fn ends(&self) -> (IpAddr, IpAddr) {
        (self.a, self.b)
    }

    /// The direction that carries datagrams sent from `src`, if `src` is an end.
    pub fn direction_from(&self, src: IpAddr) -> Option<Direction> {
        if src == self.a {
            Some(Direction::AToB)
        } else if src == self.b {
            Some(Direction::BToA)
        } else {
            None
        }
    }

    /// The behaviour of one direction.
    pub fn config(&self, dir: Direction) -> &LinkConfig {
        &self.dirs[dir.index()].config
    }

    /// Change the behaviour of one direction from now on.
    pub fn config_mut(&mut self, dir: Direction) -> &mut LinkConfig {
        &mut self.dirs[dir.index()].config
    }

    /// Set the behaviour of both directions.
    pub fn set_config(&mut self, config: LinkConfig) {
        for d in &mut self.dirs {
            d.config = config.clone();
        }
    }

    /// Counters of one direction.
    pub fn stats(&self, dir: Direction) -> &Stats {
        &self.dirs[dir.index()].stats
    }

    /// Take the link down at `t` (virtual time since start); both directions then drop
    /// everything, including datagrams already in flight when they are due.
    pub fn down_at(&mut self, t: Duration) {
        self.schedule.push((t, false));
    }

    /// Bring the link up at `t`.
    pub fn up_at(&mut self, t: Duration) {
        self.schedule.push((t, true));
    }

    /// Down from `from` until `until`: `down_at(from)` then `up_at(until)`.
    pub fn cut(&mut self, from: Duration, until: Duration) {
        self.down_at(from);
        self.up_at(until);
    }

    /// Whether the link is up at `t` (up unless a schedule entry says otherwise).
    pub fn is_up_at(&self, t: Duration) -> bool {
        let mut latest: Option<(Duration, bool)> = None;
        for &(at, up) in &self.schedule {
            if at <= t && latest.is_none_or(|(l, _)| at >= l) {
                latest = Some((at, up));
            }
        }
        latest.is_none_or(|(_, up)| up)
    }

    pub(crate) fn dir_mut(&mut self, dir: Direction) -> &mut DirState {
        &mut self.dirs[dir.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn schedule_last_transition_wins() {
        let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let mut link = Link::new(ip, ip, LinkConfig::default());
        assert!(link.is_up_at(ms(0)));
        link.cut(ms(10), ms(20));
        assert!(link.is_up_at(ms(9)));
        assert!(!link.is_up_at(ms(10)));
        assert!(!link.is_up_at(ms(19)));
        assert!(link.is_up_at(ms(20)));
        link.down_at(ms(30));
        assert!(!link.is_up_at(ms(1000)));
        link.up_at(ms(30));
        assert!(link.is_up_at(ms(30)), "a later call wins a tie");
    }
}
