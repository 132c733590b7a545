//! Native SCTP over raw IP, sctpt's default transport: `echo Hi | sctpt client` against
//! `sctpt server` in a network namespace of this test's own (`usc-sctpt-<pid>`, root only;
//! skipped otherwise, but a failure when USCTP_REQUIRE_TOOLS=1 and root), and the error
//! that tells a user without CAP_NET_RAW to use `--udp-port`.

use std::process::Command;
use std::time::Duration;

use usctp_pcap::PcapReader;

mod sctpt_util;
use sctpt_util::{mask_port, run, run_in, text, Server, BIN};

const NO_RAW: &str = "socket Operation not permitted: native SCTP over raw IP needs root \
    (CAP_NET_RAW); use --udp-port P (or SCTP_UDP_PORT) for SCTP over UDP\n";

fn require_tools() -> bool {
    std::env::var("USCTP_REQUIRE_TOOLS").is_ok_and(|v| v == "1")
}

fn sh(args: &[&str]) -> bool {
    Command::new(args[0])
        .args(&args[1..])
        .status()
        .is_ok_and(|s| s.success())
}

/// The namespace, deleted on drop.
struct Netns(String);

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = sh(&["ip", "netns", "del", &self.0]);
    }
}

#[test]
fn without_cap_net_raw_the_error_says_use_udp_port() {
    let out = if nix::unistd::Uid::effective().is_root() {
        // Drop CAP_NET_RAW from the bounding set: root then execs without it.
        let o = Command::new("setpriv")
            .args(["--bounding-set=-net_raw", BIN, "server", "--port=6131"])
            .output();
        match o {
            Ok(o) => o,
            Err(e) if !require_tools() => {
                println!("SKIP: setpriv not available ({e})");
                return;
            }
            Err(e) => panic!("setpriv: {e}"),
        }
    } else {
        run(&["server", "--port=6131"], b"", Duration::from_secs(10))
    };
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), NO_RAW);
}

#[test]
fn echo_over_raw_ip_in_a_namespace() {
    if !nix::unistd::Uid::effective().is_root() {
        println!("SKIP: raw IP needs root (and a namespace of its own)");
        return;
    }
    if usctp::kernel_sctp_loaded() {
        println!("SKIP: the kernel SCTP module is loaded; it would answer our raw packets");
        return;
    }
    let ns = Netns(format!("usc-sctpt-{}", std::process::id()));
    let made =
        sh(&["ip", "netns", "add", &ns.0]) && sh(&["ip", "-n", &ns.0, "link", "set", "lo", "up"]);
    if !made {
        assert!(!require_tools(), "could not create netns {}", ns.0);
        println!("SKIP: cannot create a network namespace");
        return;
    }
    let exec = ["ip", "netns", "exec", ns.0.as_str()];
    let dir = std::env::temp_dir().join(format!("usctp-sctpt-raw-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let pcap = dir.join("server.pcap");
    let server = Server::start_in(
        &exec,
        &[
            "--log=6",
            "--addr=127.0.0.1",
            "--port=6130",
            "--pcap",
            pcap.to_str().unwrap_or_default(),
        ],
    );
    let head = server.lines(2, Duration::from_secs(10));
    assert_eq!(
        head,
        ["Accepting connections on:", "  ::ffff:127.0.0.1,6130"]
    );
    let out = run_in(
        &exec,
        &[
            "client",
            "--addr=127.0.0.1",
            "--laddr=127.0.0.1",
            "--port=6130",
        ],
        b"Hi\n",
        Duration::from_secs(15),
    );
    assert_eq!(
        text(&out.stdout),
        "send> recv> Hi\nsend> ",
        "{}",
        text(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0));
    let log: Vec<String> = server
        .lines(7, Duration::from_secs(5))
        .iter()
        .map(|l| mask_port(l))
        .collect();
    assert_eq!(
        log,
        [
            "Got a new connection (4) from",
            "  ::ffff:127.0.0.1,*",
            "serverThread (4).",
            "Local addresses",
            "  ::ffff:127.0.0.1,*",
            "Peer addresses",
            "  ::ffff:127.0.0.1,*",
        ]
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(server.stop(), "Connection closed\n");

    // Raw IP on the wire: no UDP in any captured packet.
    let data = std::fs::read(&pcap).expect("pcap");
    let frames: Vec<_> = PcapReader::new(data.into())
        .expect("pcap header")
        .sctp_packets()
        .collect::<Result<_, _>>()
        .expect("frames decode");
    assert!(frames.len() >= 8, "{} packets", frames.len());
    assert!(frames.iter().all(|f| f.udp.is_none()));
    let _ = std::fs::remove_dir_all(&dir);
}
