//! Running the simulation: events, routing, delivery, node draining.

use std::time::Duration;

use super::Sim;
use crate::link::Admit;
use crate::queue::Action;
use crate::{Datagram, Direction, DropReason, Event, EventKind, HostId, LinkId, PacketId};

impl Sim {
    /// Virtual time of the next event, if any.
    pub fn next_event_time(&self) -> Option<Duration> {
        self.queue.peek().map(|(at, _)| at)
    }

    /// Process the next event (a delivery or a node deadline), moving the clock to it.
    /// Returns `false` if nothing is scheduled.
    pub fn step(&mut self) -> bool {
        let Some((at, action)) = self.queue.pop() else {
            return false;
        };
        self.now = self.now.max(at);
        match action {
            Action::Deliver {
                link,
                dir,
                id,
                datagram,
            } => self.deliver(link, dir, id, datagram),
            Action::Start { host } => self.flush(host),
            Action::Timer { host, .. } => {
                let now = self.now();
                self.hosts[host.0].timer = None;
                self.hosts[host.0].node.handle_timeout(now);
                self.flush(host);
            }
        }
        self.prune_stale_timers();
        true
    }

    /// Process every event up to virtual time `t` (since start), then set the clock to `t`
    /// (if it is not already later).
    ///
    /// # Panics
    /// If more events than the step limit are processed (a node livelock).
    #[track_caller]
    pub fn run_until(&mut self, t: Duration) {
        let mut steps = 0u64;
        while self.next_event_time().is_some_and(|at| at <= t) {
            assert!(
                steps < self.step_limit,
                "step limit reached at {:?}",
                self.now
            );
            self.step();
            steps += 1;
        }
        self.now = self.now.max(t);
    }

    /// [`run_until`](Sim::run_until) `d` from now.
    #[track_caller]
    pub fn run_for(&mut self, d: Duration) {
        self.run_until(self.now + d);
    }

    /// Step until `done(self)` holds, for at most `timeout` of virtual time and the step
    /// limit. Returns whether `done` became true; if not, the clock ends at the timeout (or
    /// where the step limit stopped it).
    pub fn run_until_cond(
        &mut self,
        timeout: Duration,
        mut done: impl FnMut(&Sim) -> bool,
    ) -> bool {
        let deadline = self.now + timeout;
        let mut steps = 0u64;
        loop {
            if done(self) {
                return true;
            }
            if steps >= self.step_limit {
                return false;
            }
            match self.next_event_time() {
                Some(at) if at <= deadline => {
                    self.step();
                    steps += 1;
                }
                _ => {
                    self.now = self.now.max(deadline);
                    return done(self);
                }
            }
        }
    }

    /// Drain the host's transmits, then put its deadline in the queue.
    pub(super) fn flush(&mut self, host: HostId) {
        let now = self.now();
        while let Some(datagram) = self.hosts[host.0].node.poll_transmit(now) {
            self.send(host, datagram);
        }
        let deadline = self.hosts[host.0].node.poll_timeout();
        let deadline = deadline.map(|d| self.since_start(d).max(self.now));
        let h = &mut self.hosts[host.0];
        if deadline != h.timer {
            h.timer = deadline;
            h.generation += 1;
            if let Some(at) = deadline {
                let generation = h.generation;
                self.queue.push(at, Action::Timer { host, generation });
            }
        }
    }

    /// Drop superseded deadlines from the head of the queue so `next_event_time` is exact.
    pub(super) fn prune_stale_timers(&mut self) {
        while let Some((_, Action::Timer { host, generation })) = self.queue.peek() {
            if self.hosts[host.0].generation == *generation {
                break;
            }
            self.queue.pop();
        }
    }

    fn send(&mut self, host: HostId, datagram: Datagram) {
        let id = PacketId(self.next_packet);
        self.next_packet += 1;
        let from_host = self.owners.get(&datagram.src.ip) == Some(&host);
        let route = self
            .routes
            .get(&(datagram.src.ip, datagram.dst.ip))
            .copied();
        let route = route.filter(|_| from_host);
        self.emit(EventKind::Sent, route, id, &datagram);
        let Some((link, dir)) = route else {
            return self.emit(EventKind::Dropped(DropReason::NoRoute), None, id, &datagram);
        };
        let now = self.now;
        let admit = if self.links[link.0].is_up_at(now) {
            let wire_len = datagram.wire_len();
            let fragmentable = datagram.may_fragment && datagram.dst.ip.is_ipv4();
            self.links[link.0]
                .dir_mut(dir)
                .admit(now, wire_len, fragmentable, &mut self.rng)
        } else {
            Admit::Drop(DropReason::LinkDown)
        };
        match admit {
            Admit::Drop(reason) => self.emit(EventKind::Dropped(reason), route, id, &datagram),
            Admit::Deliver { at, copy_at } => {
                let copy = copy_at.map(|copy_at| (copy_at, datagram.clone()));
                self.queue.push(
                    at,
                    Action::Deliver {
                        link,
                        dir,
                        id,
                        datagram,
                    },
                );
                if let Some((copy_at, datagram)) = copy {
                    self.stats.duplicated += 1;
                    self.links[link.0].dir_mut(dir).stats.duplicated += 1;
                    self.queue.push(
                        copy_at,
                        Action::Deliver {
                            link,
                            dir,
                            id,
                            datagram,
                        },
                    );
                }
            }
        }
    }

    fn deliver(&mut self, link: LinkId, dir: Direction, id: PacketId, datagram: Datagram) {
        let route = Some((link, dir));
        let host = self.host_of(datagram.dst.ip);
        let (true, Some(host)) = (self.links[link.0].is_up_at(self.now), host) else {
            return self.emit(
                EventKind::Dropped(DropReason::LinkDown),
                route,
                id,
                &datagram,
            );
        };
        self.emit(EventKind::Delivered, route, id, &datagram);
        let now = self.now();
        self.hosts[host.0].node.handle_datagram(now, datagram);
        self.flush(host);
    }

    /// Count the event, fold it into the trace hash and show it to the observers.
    fn emit(
        &mut self,
        kind: EventKind,
        route: Option<(LinkId, Direction)>,
        id: PacketId,
        datagram: &Datagram,
    ) {
        let len = datagram.payload.len();
        let mut stats = [Some(&mut self.stats), None];
        if let Some((link, dir)) = route {
            stats[1] = Some(&mut self.links[link.0].dir_mut(dir).stats);
        }
        for s in stats.into_iter().flatten() {
            match kind {
                EventKind::Sent => s.on_sent(len),
                EventKind::Delivered => s.on_delivered(len),
                EventKind::Dropped(reason) => s.dropped.add(reason),
            }
        }
        let event = Event {
            time: self.now,
            instant: self.now(),
            kind,
            id,
            link: route.map(|(link, _)| link),
            datagram,
        };
        self.trace.event(&event);
        for observer in &mut self.observers {
            observer.observe(&event);
        }
    }
}
