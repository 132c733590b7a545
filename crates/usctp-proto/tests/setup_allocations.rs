//! Allocations of association setup (RFC 9260 §5.1), counted by a global allocator per
//! thread: the setup path of a busy server is allocation-bound, so these are budgets that
//! fail when a change adds one.
// A counting global allocator needs `unsafe impl GlobalAlloc`; it only forwards to `System`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use bytes::Bytes;
use usctp_proto::{DatagramMeta, Endpoint, EndpointConfig, Event, TransportAddr};
use usctp_wire::param::{Parameter, SupportedExtensions};

struct Counting;

thread_local! {
    // Const-initialised and without a destructor: touching it never allocates.
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to the system allocator; the counter is a side
// effect only.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        System.dealloc(p, l)
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
        System.alloc_zeroed(l)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// `f`'s result and the allocations it made on this thread.
fn counted<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let before = ALLOCS.with(Cell::get);
    let out = f();
    (out, ALLOCS.with(Cell::get) - before)
}

fn ip(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(10, 0, 0, last))
}

#[test]
fn rfc4895_6_1_default_auth_settings_cost_no_allocation_per_endpoint_configuration() {
    // The HMAC list and the default shared key (key 0, empty) of every new configuration
    // and its copies: borrowed and inline.
    let ((), n) = counted(|| {
        let cfg = EndpointConfig::default();
        let copy = cfg.clone();
        assert_eq!(copy, cfg);
    });
    assert_eq!(n, 0);
}

#[test]
fn rfc5061_4_2_7_supported_extensions_built_and_parsed_without_allocation() {
    let wire = Bytes::from_owner(vec![0x80, 0x08, 0, 7, 0xc0, 0x82, 0x40, 0]);
    let (parsed, n) = counted(|| {
        let built = Parameter::from(SupportedExtensions {
            chunk_types: [0xc0, 0x82, 0x40].into(),
        });
        let parsed = Parameter::parse_one(wire.clone(), 0);
        assert_eq!(parsed.as_ref(), Ok(&built));
        parsed
    });
    assert_eq!(n, 0);
    let Ok(Parameter::SupportedExtensions(s)) = parsed else {
        panic!("not Supported Extensions: {parsed:?}");
    };
    assert_eq!(s.chunk_types.as_slice(), [0xc0, 0x82, 0x40]);
}

/// Send what `from` has for `to`, reusing `buf` as a driver does; allocations inside the
/// endpoints only (each packet is copied out of `buf`, outside the count, into a `Bytes`
/// whose slices share it).
fn deliver(now: Instant, from: &mut Endpoint, to: &mut Endpoint, buf: &mut Vec<u8>) -> (bool, u64) {
    let (mut moved, mut inside) = (false, 0);
    loop {
        let (t, n) = counted(|| from.poll_transmit(now, buf));
        inside += n;
        let Some(t) = t else {
            return (moved, inside);
        };
        let src = TransportAddr::udp(t.src.unwrap_or(ip(1)), 9899);
        let meta = DatagramMeta { src, dst: t.dst.ip };
        let packet = Bytes::from_owner(buf.clone());
        buf.clear();
        inside += counted(|| to.handle(now, meta, packet)).1;
        moved = true;
    }
}

/// Packets between `a` and `b` until both are quiet; the allocations inside them.
fn exchange(now: Instant, a: &mut Endpoint, b: &mut Endpoint, buf: &mut Vec<u8>) -> u64 {
    let mut inside = 0;
    loop {
        let (ab, n) = deliver(now, a, b, buf);
        let (ba, m) = deliver(now, b, a, buf);
        inside += n + m;
        if !ab && !ba {
            return inside;
        }
    }
}

/// The test's time origin, read once; every later time derives from it (the code under test
/// never reads the clock).
#[allow(clippy::disallowed_methods)]
fn epoch() -> Instant {
    Instant::now()
}

#[test]
fn rfc9260_5_1_handshake_allocation_budget() {
    let now = epoch();
    let mut cfg = EndpointConfig::default();
    cfg.rng_seed = Some(1);
    let mut server = Endpoint::new(cfg.clone(), 5000, vec![ip(1)], now);
    let remote = [TransportAddr::udp(ip(1), 9899)];
    let mut buf = Vec::new();
    // The second handshake is the one counted: the server's tables and buffers exist.
    let mut per_handshake = Vec::new();
    for k in 0..2u8 {
        let now = now + Duration::from_millis(u64::from(k));
        cfg.rng_seed = Some(u64::from(k) + 2);
        let mut client = Endpoint::new(cfg.clone(), 40_000 + u16::from(k), vec![ip(2)], now);
        let (id, mut n) = counted(|| client.connect(now, &remote, 5000, None));
        assert!(id.is_ok());
        n += exchange(now, &mut client, &mut server, &mut buf);
        let mut up = 0;
        while let Some((_, e)) = client.poll_event() {
            up += usize::from(e == Event::Connected);
        }
        while let Some((_, e)) = server.poll_event() {
            up += usize::from(e == Event::Connected);
        }
        assert_eq!(up, 2, "handshake {k} did not complete");
        per_handshake.push(n);
    }
    // What is left. Connecting: the client endpoint's association table, deadline slots and
    // heap, the association, its path list, timers and handshake state (boxed, so that the
    // server's associations made from a COOKIE ECHO hold none), and the INIT's parameter list
    // (kept for retransmission) (8). At the server: the INIT's parsed parameter list (1), then the
    // association from the COOKIE ECHO, its path list and timers (heartbeats) (3). At the
    // client: the INIT ACK's parsed parameter list and its endpoint's chunk list (2). Before:
    // 8 more (the Supported Extensions lists built and parsed on both sides, the copy of the
    // INIT kept beside the queued one, the INIT ACK's parameter list and packet buffer).
    assert!(
        per_handshake[1] <= 14,
        "allocations per handshake: {per_handshake:?}"
    );
}
