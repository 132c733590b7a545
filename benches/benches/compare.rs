//! usctp against sctp-proto and dcsctp: one markdown table of medians and ratios.
//!
//! `cargo bench -p usctp-benches --bench compare -- [--runs N] [--quick]` (the `compare`
//! script next to this crate runs it). Contenders alternate within each run; every figure is
//! the median of the runs. Throughput is per CPU second of the benchmark thread, so a busy
//! machine slows the run but not the figures much.
// A counting global allocator needs `unsafe impl GlobalAlloc`; it only forwards to `System`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use usctp_benches::dcsctp_pair::DcsctpPair;
use usctp_benches::report::{markdown, median, Row};
use usctp_benches::sctp_proto_pair::SctpProtoPair;
use usctp_benches::usctp_pair::UsctpPair;
use usctp_benches::{bulk, failover, handshake, hol, memory, Contender, PairConfig};

struct Counting;

static HEAP: AtomicUsize = AtomicUsize::new(0);
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the counter is a side
// effect only.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        HEAP.fetch_add(l.size(), Ordering::Relaxed);
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        HEAP.fetch_sub(l.size(), Ordering::Relaxed);
        System.dealloc(p, l)
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        HEAP.fetch_add(l.size(), Ordering::Relaxed);
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        System.alloc_zeroed(l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        HEAP.fetch_add(new, Ordering::Relaxed);
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        HEAP.fetch_sub(l.size(), Ordering::Relaxed);
        System.realloc(p, l, new)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Fix glibc's heap policy for the whole run: never give freed memory back to the OS
/// (`M_TRIM_THRESHOLD`) and a fixed mmap threshold (glibc otherwise raises it as the process
/// frees large blocks). Left dynamic, whether a run's server finds its memory already
/// mapped or page-faults it in again depended on the block layout the previous run left
/// behind, which swung the handshake figures by 10-30% from one build to the next. Every
/// contender runs under the same settings.
fn heap_steady() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, i32::MAX);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
    }
}

fn heap() -> usize {
    HEAP.load(Ordering::Relaxed)
}

struct Args {
    runs: usize,
    quick: bool,
    only: Option<String>,
    /// Handshakes per run in the `--only X-handshake` profiling modes.
    count: u32,
}

fn args() -> Args {
    let mut a = Args {
        runs: 5,
        quick: false,
        only: None,
        count: 50_000,
    };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        match x.as_str() {
            "--runs" => a.runs = it.next().and_then(|n| n.parse().ok()).unwrap_or(5),
            "--quick" => a.quick = true,
            "--only" => a.only = it.next(),
            "--count" => a.count = it.next().and_then(|n| n.parse().ok()).unwrap_or(50_000),
            // `cargo bench` passes `--bench`; ignore what we do not know.
            _ => {}
        }
    }
    a
}

/// Medians of (MB/s, ns/packet) for one contender.
#[derive(Default)]
struct Samples {
    mb: Vec<f64>,
    ns: Vec<f64>,
}

fn sample<C: Contender>(s: &mut Samples, cfg: &PairConfig, size: usize, total: usize) {
    let r = bulk::run::<C>(cfg, size, total);
    eprintln!(
        "  {:<10} {:>6} B: {:>8.1} MB/s {:>7.0} ns/packet ({} + {} packets)",
        C::NAME,
        size,
        r.mb_per_s,
        r.ns_per_packet,
        r.packets.0,
        r.packets.1
    );
    s.mb.push(r.mb_per_s);
    s.ns.push(r.ns_per_packet);
}

fn in_memory(a: &Args, rows: &mut Vec<Row>) {
    let cfg = PairConfig::default();
    // Long runs average out the machine's noise (caches, neighbours), not the clock's resolution.
    let mib = if a.quick { 4 } else { 256 };
    for size in [1200usize, 64 << 10] {
        let (mut us, mut sp, mut dc) = Default::default();
        for run in 0..a.runs {
            eprintln!("in memory {size} B, run {}", run + 1);
            // Rotate the order so no contender always runs first (cache and CPU state).
            for i in 0..3 {
                match (run + i) % 3 {
                    0 => sample::<UsctpPair>(&mut us, &cfg, size, mib << 20),
                    1 => sample::<SctpProtoPair>(&mut sp, &cfg, size, mib << 20),
                    // dcsctp is ~60x slower: a sixteenth of the bytes keeps the run short.
                    _ => sample::<DcsctpPair>(&mut dc, &cfg, size, (mib << 20) / 16),
                }
            }
        }
        // The same with Max.Burst 16: usctp's SACK cadence follows the sender's bursts, and
        // sctp-proto (which has no Max.Burst) is the peer this setting matters against.
        let burst = PairConfig {
            max_burst: 16,
            ..cfg
        };
        let mut ub = Samples::default();
        for _ in 0..a.runs {
            sample::<UsctpPair>(&mut ub, &burst, size, mib << 20);
        }
        let scenario = format!("in memory, {size} B messages");
        rows.push(Row {
            scenario: format!("{scenario}, usctp Max.Burst 16"),
            metric: "MB/s per CPU second ↑".into(),
            usctp: median(&ub.mb),
            peer: "sctp-proto".into(),
            peer_value: Some(median(&sp.mb)),
        });
        for (peer, p) in [("sctp-proto", &sp), ("dcsctp", &dc)] {
            let us: &Samples = &us;
            rows.push(Row {
                scenario: scenario.clone(),
                metric: "MB/s per CPU second ↑".into(),
                usctp: median(&us.mb),
                peer: peer.into(),
                peer_value: Some(median(&p.mb)),
            });
            rows.push(Row {
                scenario: scenario.clone(),
                metric: "CPU ns per DATA packet ↓".into(),
                usctp: median(&us.ns),
                peer: peer.into(),
                peer_value: Some(median(&p.ns)),
            });
        }
    }
}

/// 100-byte messages: messages per CPU second, usctp against sctp-proto.
fn small_messages(a: &Args, rows: &mut Vec<Row>) {
    let cfg = PairConfig::default();
    let size = 100;
    let total = if a.quick { 1 << 20 } else { 32 << 20 };
    let (mut us, mut sp) = (Samples::default(), Samples::default());
    for run in 0..a.runs {
        eprintln!("in memory {size} B, run {}", run + 1);
        for i in 0..2 {
            if (run + i) % 2 == 0 {
                sample::<UsctpPair>(&mut us, &cfg, size, total);
            } else {
                sample::<SctpProtoPair>(&mut sp, &cfg, size, total);
            }
        }
    }
    let per_s = |s: &Samples| median(&s.mb) * 1e6 / size as f64;
    rows.push(Row {
        scenario: format!("in memory, {size} B messages"),
        metric: "messages per CPU second ↑".into(),
        usctp: per_s(&us),
        peer: "sctp-proto".into(),
        peer_value: Some(per_s(&sp)),
    });
}

/// Head-of-line blocking across streams (RFC 8260 §1) on the simulator: usctp with I-DATA
/// against usctp with DATA, virtual time.
fn head_of_line(a: &Args, rows: &mut Vec<Row>) {
    let (mut small, mut large) = ([Vec::new(), Vec::new()], [Vec::new(), Vec::new()]);
    for seed in 1..=a.runs as u64 {
        for (i, i_data) in [true, false].into_iter().enumerate() {
            let r = hol::run(seed, i_data).expect("head-of-line run: both messages arrive");
            eprintln!(
                "head of line, I-DATA {i_data}: 100 B after {:?}, 4 MiB after {:?}",
                r.small, r.large
            );
            small[i].push(r.small.as_secs_f64() * 1000.0);
            large[i].push(r.large.as_secs_f64() * 1000.0);
        }
    }
    let scenario = "sim, 10 ms RTT, 100 Mbit/s: 100 B on stream 1 sent right after 4 MiB on \
        stream 0; usctp with I-DATA vs with DATA";
    for (metric, v) in [
        ("100 B message delivered after, virtual ms ↓", &small),
        ("4 MiB message delivered after, virtual ms ↓", &large),
    ] {
        rows.push(Row {
            scenario: scenario.into(),
            metric: metric.into(),
            usctp: median(&v[0]),
            peer: "usctp with DATA".into(),
            peer_value: Some(median(&v[1])),
        });
    }
}

fn handshakes(a: &Args, rows: &mut Vec<Row>) {
    let cfg = PairConfig::default();
    let n = if a.quick { 500 } else { 50_000 };
    // One untimed run of each first: the first run in the process would otherwise pay for
    // growing the heap, and it is always usctp's.
    drop(handshake::usctp(&cfg, n, 1));
    drop(handshake::sctp_proto(&cfg, n));
    let (mut us, mut sp) = (Vec::new(), Vec::new());
    for run in 0..a.runs {
        for i in 0..2 {
            if (run + i) % 2 == 0 {
                let s = handshake::usctp(&cfg, n, 1);
                us.push(handshake::rate(n, s.elapsed));
            } else {
                let s = handshake::sctp_proto(&cfg, n);
                let done = u32::try_from(s.associations.len()).unwrap_or(n);
                sp.push(handshake::rate(done, s.elapsed));
            }
        }
        eprintln!(
            "handshakes run {}: usctp {:.0}/s, sctp-proto {:.0}/s",
            run + 1,
            us[run],
            sp[run]
        );
    }
    rows.push(Row {
        scenario: format!("{n} handshakes through one endpoint, in memory"),
        metric: "handshakes per CPU second ↑".into(),
        usctp: median(&us),
        peer: "sctp-proto".into(),
        peer_value: Some(median(&sp)),
    });
}

fn memory_rows(a: &Args, rows: &mut Vec<Row>) {
    let counts: &[u32] = if a.quick { &[1000] } else { &[10_000, 100_000] };
    for &n in counts {
        let us = memory::usctp(&heap, n, 2);
        // sctp-proto's server refuses associations beyond 100,000 and has one path only.
        let sp = (n < 100_000).then(|| memory::sctp_proto(&heap, n));
        eprintln!("memory at {n}: usctp {us:.0} B, sctp-proto {sp:?} B");
        rows.push(Row {
            scenario: format!("{n} idle associations (usctp: 2 paths; sctp-proto: 1)"),
            metric: "heap bytes per association ↓".into(),
            usctp: us,
            peer: if sp.is_some() { "sctp-proto" } else { "—" }.into(),
            peer_value: sp,
        });
    }
}

fn failover_rows(a: &Args, rows: &mut Vec<Row>) {
    let (mut lat, mut gap) = (Vec::new(), Vec::new());
    for seed in 1..=a.runs as u64 {
        let r = failover::run(seed);
        assert_eq!(r.lost, 0, "failover seed {seed} lost messages");
        lat.push(r.max_latency.as_secs_f64() * 1000.0);
        gap.push(r.gap.as_secs_f64() * 1000.0);
    }
    let scenario = "failover (sim): 2 paths, 20 ms RTT, 100 msg/s, primary cut".to_string();
    rows.push(Row {
        scenario: scenario.clone(),
        metric: "max message latency, ms ↓".into(),
        usctp: median(&lat),
        peer: "—".into(),
        peer_value: None,
    });
    rows.push(Row {
        scenario,
        metric: "goodput dip: ms with no delivery after the cut ↓".into(),
        usctp: median(&gap),
        peer: "—".into(),
        peer_value: None,
    });
}

fn main() {
    heap_steady();
    let a = args();
    let mut rows = Vec::new();
    let want = |name: &str| a.only.as_deref().is_none_or(|o| o == name);
    if let Some(who) = a.only.as_deref().and_then(|o| o.strip_suffix("-handshake")) {
        // For profiling: one contender's handshakes alone, with allocations and heap held.
        let n = a.count;
        let mut rates = Vec::new();
        for _ in 0..a.runs {
            let (heap0, allocs0) = (heap(), ALLOCS.load(Ordering::Relaxed));
            let (elapsed, held) = if who == "sctp-proto" {
                let s = handshake::sctp_proto(&PairConfig::default(), n);
                (s.elapsed, heap() - heap0)
            } else {
                let s = handshake::usctp(&PairConfig::default(), n, 1);
                (s.elapsed, heap() - heap0)
            };
            let allocs = ALLOCS.load(Ordering::Relaxed) - allocs0;
            rates.push(handshake::rate(n, elapsed));
            eprintln!(
                "{who}: {:.0} handshakes/s, {:.1} allocations and {} heap bytes held per handshake",
                handshake::rate(n, elapsed),
                allocs as f64 / f64::from(n),
                held / n as usize
            );
        }
        eprintln!("{who}: median {:.0} handshakes/s", median(&rates));
        return;
    }
    if let Some(size) = a.only.as_deref().and_then(|o| o.strip_prefix("usctp-")) {
        // For profiling: usctp alone, 256 MiB in messages of the given size.
        let size = size.parse().unwrap_or(1200);
        let mut s = Samples::default();
        sample::<UsctpPair>(&mut s, &PairConfig::default(), size, 256 << 20);
        return;
    }
    if want("memory") {
        memory_rows(&a, &mut rows);
    }
    if want("inmem") {
        in_memory(&a, &mut rows);
    }
    if want("small") {
        small_messages(&a, &mut rows);
    }
    if want("handshake") {
        handshakes(&a, &mut rows);
    }
    if want("hol") {
        head_of_line(&a, &mut rows);
    }
    if want("failover") {
        failover_rows(&a, &mut rows);
    }
    println!("{}", markdown(&rows));
}
