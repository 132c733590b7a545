//! The simulator: hosts, links, virtual clock, RNG, observers.

mod run;

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::SeedableRng;

use crate::queue::{Action, EventQueue};
use crate::trace::TraceHash;
use crate::{Direction, HostId, Link, LinkConfig, LinkId, Node, NodeId, Observer, Stats};

/// Default livelock guard: events one `run_*` call may process.
const DEFAULT_STEP_LIMIT: u64 = 10_000_000;

struct Host {
    node: Box<dyn Node>,
    addrs: Vec<IpAddr>,
    /// The deadline in the event queue, if any.
    timer: Option<Duration>,
    /// Bumped whenever `timer` changes; older timer events are stale.
    generation: u64,
}

/// A deterministic network of hosts and links on virtual time.
///
/// The only clock read is [`epoch`](crate::epoch) in [`Sim::new`]; after that time moves only
/// from event to event. All randomness comes from one `StdRng` seeded with the given seed, so
/// the same seed and the same node behaviour reproduce a run exactly (see
/// [`Sim::trace_hash`]).
///
/// The simulator owns the nodes (`Box<dyn Node>`); [`Sim::add_node`] returns a typed
/// [`NodeId<T>`] so [`Sim::node`] and [`Sim::with_node`] give back `&T` / `&mut T`
/// without the caller naming the type again. Configuration mistakes (an unknown address,
/// a handle from another `Sim`) panic: they are bugs in the test, not network events.
pub struct Sim {
    base: Instant,
    now: Duration,
    seed: u64,
    rng: StdRng,
    queue: EventQueue,
    hosts: Vec<Host>,
    owners: HashMap<IpAddr, HostId>,
    links: Vec<Link>,
    routes: HashMap<(IpAddr, IpAddr), (LinkId, Direction)>,
    observers: Vec<Box<dyn Observer>>,
    stats: Stats,
    trace: TraceHash,
    next_packet: u64,
    step_limit: u64,
}

impl Sim {
    /// An empty network at virtual time zero, with its RNG seeded from `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            base: crate::epoch(),
            now: Duration::ZERO,
            seed,
            rng: StdRng::seed_from_u64(seed),
            queue: EventQueue::default(),
            hosts: Vec::new(),
            owners: HashMap::new(),
            links: Vec::new(),
            routes: HashMap::new(),
            observers: Vec::new(),
            stats: Stats::default(),
            trace: TraceHash::default(),
            next_packet: 0,
            step_limit: DEFAULT_STEP_LIMIT,
        }
    }

    /// The seed given to [`Sim::new`].
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The simulation's RNG, for example to derive seeds for nodes.
    pub fn rng(&mut self) -> &mut StdRng {
        &mut self.rng
    }

    /// Current virtual time as an `Instant`.
    pub fn now(&self) -> Instant {
        self.base + self.now
    }

    /// Current virtual time since the start.
    pub fn elapsed(&self) -> Duration {
        self.now
    }

    /// The `Instant` of virtual time `t` since the start.
    pub fn instant_at(&self, t: Duration) -> Instant {
        self.base + t
    }

    /// Virtual time since the start of `instant` (zero if before the start).
    pub fn since_start(&self, instant: Instant) -> Duration {
        instant.saturating_duration_since(self.base)
    }

    /// Add a host that owns `addrs` and runs `node`. Its first transmits are drained and
    /// its first deadline read by an event at the current time, so links to it can be
    /// added before anything is sent.
    ///
    /// # Panics
    /// If an address already belongs to a host.
    #[track_caller]
    pub fn add_node<T: Node, A: Into<IpAddr>>(
        &mut self,
        node: T,
        addrs: impl IntoIterator<Item = A>,
    ) -> NodeId<T> {
        let host = HostId(self.hosts.len());
        let node = Box::new(node);
        self.hosts.push(Host {
            node,
            addrs: Vec::new(),
            timer: None,
            generation: 0,
        });
        for addr in addrs {
            self.add_address(host, addr.into());
        }
        self.queue.push(self.now, Action::Start { host });
        NodeId::new(host)
    }

    /// Give `host` another address (links to it can then be added).
    ///
    /// # Panics
    /// If the address already belongs to a host.
    #[track_caller]
    pub fn add_address(&mut self, host: HostId, ip: IpAddr) {
        if let Some(owner) = self.owners.insert(ip, host) {
            panic!("{ip} already belongs to {owner}");
        }
        self.hosts[host.0].addrs.push(ip);
    }

    /// The addresses of `host`, in the order added.
    pub fn addresses(&self, host: HostId) -> &[IpAddr] {
        &self.hosts[host.0].addrs
    }

    /// The host that owns `ip`.
    pub fn host_of(&self, ip: IpAddr) -> Option<HostId> {
        self.owners.get(&ip).copied()
    }

    /// Join address `a` of one host to address `b` of another with `config` in both
    /// directions. Datagrams from `a` to `b` take direction [`Direction::AToB`].
    ///
    /// # Panics
    /// If an address belongs to no host, both belong to the same host, the families
    /// differ, or the two addresses are already linked.
    #[track_caller]
    pub fn add_link(
        &mut self,
        a: impl Into<IpAddr>,
        b: impl Into<IpAddr>,
        config: LinkConfig,
    ) -> LinkId {
        let (a, b) = (a.into(), b.into());
        let owner = |ip: IpAddr| {
            self.host_of(ip)
                .unwrap_or_else(|| panic!("{ip} has no host"))
        };
        assert_ne!(owner(a), owner(b), "a link joins two different hosts");
        assert_eq!(
            a.is_ipv4(),
            b.is_ipv4(),
            "a link joins two addresses of one family"
        );
        assert!(
            !self.routes.contains_key(&(a, b)),
            "{a} and {b} are already linked"
        );
        let id = LinkId(self.links.len());
        self.links.push(Link::new(a, b, config));
        self.routes.insert((a, b), (id, Direction::AToB));
        self.routes.insert((b, a), (id, Direction::BToA));
        id
    }

    /// A link.
    pub fn link(&self, id: LinkId) -> &Link {
        &self.links[id.0]
    }

    /// A link, to change its configuration or schedule outages.
    pub fn link_mut(&mut self, id: LinkId) -> &mut Link {
        &mut self.links[id.0]
    }

    /// The link joining `a` and `b`, if any, in either order.
    pub fn link_between(&self, a: IpAddr, b: IpAddr) -> Option<LinkId> {
        self.routes.get(&(a, b)).map(|&(id, _)| id)
    }

    /// All links with their ids.
    pub fn links(&self) -> impl Iterator<Item = (LinkId, &Link)> {
        self.links.iter().enumerate().map(|(i, l)| (LinkId(i), l))
    }

    /// The node behind `id`.
    ///
    /// # Panics
    /// If `id` comes from another `Sim`.
    #[track_caller]
    pub fn node<T: Node>(&self, id: NodeId<T>) -> &T {
        let node = self.hosts[id.host().0].node.as_ref();
        node.as_any()
            .downcast_ref()
            .expect("NodeId from another Sim")
    }

    /// Act on a node (an application command, a reconfiguration), then drain its transmits
    /// and read its deadline as after any other input.
    ///
    /// # Panics
    /// If `id` comes from another `Sim`.
    #[track_caller]
    pub fn with_node<T: Node, R>(
        &mut self,
        id: NodeId<T>,
        f: impl FnOnce(&mut T, Instant) -> R,
    ) -> R {
        let now = self.now();
        let node = self.hosts[id.host().0].node.as_mut();
        let node = node
            .as_any_mut()
            .downcast_mut()
            .expect("NodeId from another Sim");
        let out = f(node, now);
        self.flush(id.host());
        self.prune_stale_timers();
        out
    }

    /// Register an observer of every datagram sent, delivered and dropped.
    pub fn observe(&mut self, observer: impl Observer + 'static) {
        self.observers.push(Box::new(observer));
    }

    /// Counters over the whole simulation (drops include [`DropReason::NoRoute`]).
    ///
    /// [`DropReason::NoRoute`]: crate::DropReason::NoRoute
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// A hash of every event so far (time, kind, packet id, link, addresses, payload).
    /// Equal for two runs with the same seed and nodes; meant for determinism tests.
    pub fn trace_hash(&self) -> u64 {
        self.trace.value()
    }

    /// Most events one `run_*` call may process (livelock guard; default 10 million).
    pub fn set_step_limit(&mut self, steps: u64) {
        self.step_limit = steps;
    }
}
