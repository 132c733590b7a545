//! `sctpt client --connect-timeout`, and its timer options, against `sctpt server` behind a
//! UDP relay that swallows everything for 2.5 s after the first packet (UDP ports
//! 7150-7159): by default the client gives up at the C tool's 2 s; with `init` it keeps
//! retransmitting its INIT (RFC 9260 §5.1) and connects once the relay opens, or gives up
//! when Max.Init.Retransmits is exhausted.

use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

mod sctpt_util;
use sctpt_util::{run, text, Server};

const CLOSED_FOR: Duration = Duration::from_millis(2500);
const SERVER_UDP: u16 = 7150;

/// A UDP relay from a client to the server that drops both ways until `CLOSED_FOR` after
/// the first packet. It drops silently, so no ICMP error ends the connect early.
struct Relay {
    stop: Arc<AtomicBool>,
    /// Packets received from the client while closed.
    dropped: Arc<AtomicUsize>,
    threads: Vec<JoinHandle<()>>,
}

impl Relay {
    /// Listen for the client on UDP `front`.
    fn start(front: u16) -> Self {
        let lo = |port| SocketAddr::from(([127, 0, 0, 1], port));
        let outer = UdpSocket::bind(lo(front)).expect("bind relay front");
        let inner = UdpSocket::bind(lo(0)).expect("bind relay back");
        for s in [&outer, &inner] {
            s.set_read_timeout(Some(Duration::from_millis(20)))
                .expect("timeout");
        }
        let stop = Arc::new(AtomicBool::new(false));
        let dropped = Arc::new(AtomicUsize::new(0));
        let opens: Arc<std::sync::OnceLock<Instant>> = Arc::default();
        let client: Arc<std::sync::Mutex<Option<SocketAddr>>> = Arc::default();
        let open = {
            let opens = Arc::clone(&opens);
            move || opens.get().is_some_and(|t| Instant::now() >= *t)
        };
        let up = {
            let (outer, inner) = (
                outer.try_clone().expect("clone"),
                inner.try_clone().expect("clone"),
            );
            let (stop, dropped, client, open) =
                (stop.clone(), dropped.clone(), client.clone(), open.clone());
            std::thread::spawn(move || {
                let mut buf = [0u8; 65_536];
                while !stop.load(Ordering::Relaxed) {
                    let Ok((n, from)) = outer.recv_from(&mut buf) else {
                        continue;
                    };
                    let _ = opens.set(Instant::now() + CLOSED_FOR);
                    *client.lock().unwrap_or_else(|p| p.into_inner()) = Some(from);
                    if open() {
                        let _ = inner.send_to(&buf[..n], lo(SERVER_UDP));
                    } else {
                        dropped.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        };
        let down = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 65_536];
                while !stop.load(Ordering::Relaxed) {
                    let Ok(n) = inner.recv(&mut buf) else {
                        continue;
                    };
                    let to = *client.lock().unwrap_or_else(|p| p.into_inner());
                    if let Some(to) = to.filter(|_| open()) {
                        let _ = outer.send_to(&buf[..n], to);
                    }
                }
            })
        };
        Self {
            stop,
            dropped,
            threads: vec![up, down],
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// `echo Hi | sctpt client <extra>` through a fresh relay on `front`, from UDP `udp`: its
/// output, wall time, and the packets the relay dropped.
fn probe(front: u16, udp: u16, extra: &[&str]) -> (std::process::Output, Duration, usize) {
    let relay = Relay::start(front);
    let (udp, front) = (format!("--udp-port={udp}"), format!("--encap-port={front}"));
    let mut args = vec![
        "client",
        "--addr=127.0.0.1",
        "--laddr=127.0.0.1",
        "--port=6150",
        &udp,
        &front,
    ];
    args.extend(extra);
    let start = Instant::now();
    let out = run(&args, b"Hi\n", Duration::from_secs(30));
    let took = start.elapsed();
    (out, took, relay.dropped.load(Ordering::Relaxed))
}

#[test]
fn connect_limit_is_the_c_tools_2s_or_max_init_retransmits() {
    let server = Server::start(&["--addr=127.0.0.1", "--port=6150", "--udp-port=7150"]);
    std::thread::sleep(Duration::from_millis(300));
    // RTO 400 ms throughout: INITs at 0, 0.4, 0.8, ... s; the one at 2.8 s gets through.
    let fast = ["--rto-initial=400", "--rto-min=400", "--rto-max=400"];
    let runs = std::thread::scope(|s| {
        let c = s.spawn(|| probe(7151, 7152, &[]));
        let init = s.spawn(|| {
            probe(
                7153,
                7154,
                &[&["--connect-timeout=init"][..], &fast].concat(),
            )
        });
        let few = s.spawn(|| {
            let opts = [
                &["--connect-timeout", "init", "--max-init-retrans=3"][..],
                &fast,
            ]
            .concat();
            probe(7155, 7156, &opts)
        });
        [c, init, few].map(|h| h.join().expect("probe"))
    });
    let [(c, c_took, _), (init, init_took, _), (few, few_took, few_dropped)] = runs;

    assert_eq!(text(&c.stderr), "sctp_connectx timeout\n");
    assert_eq!(c.status.code(), Some(1));
    assert!(c_took >= Duration::from_millis(1900), "{c_took:?}");

    assert_eq!(
        text(&init.stdout),
        "send> recv> Hi\nsend> ",
        "{}",
        text(&init.stderr)
    );
    assert_eq!(init.status.code(), Some(0));
    assert!(init_took > Duration::from_secs(2), "{init_took:?}");

    // The first INIT and its 3 retransmissions, then the library gives up (not the 2 s).
    assert_eq!(
        text(&few.stderr),
        "sctp_connectx (getsockopt) Connection timed out\n"
    );
    assert_eq!(few.status.code(), Some(1));
    assert_eq!(few_dropped, 4);
    println!("default {c_took:?}, init {init_took:?}, 3 retransmits {few_took:?}");
    drop(server);
}
